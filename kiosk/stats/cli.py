"""``kiosk stats EVENTS... [--out report.png] [--since DATE] [--deck DECK] [--tz ZONE]``.

The lead wires it into kiosk/cli.py with one line: ``add_parser(sub)``. Qt is imported only
when a picture is asked for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add ``stats`` to kiosk's subcommands; returns its parser."""
    stats: argparse.ArgumentParser = sub.add_parser(
        "stats", help="what visitors touched: a table, and a picture with --out",
        description="Sum the events logs that `kiosk run --events PATH` writes: interactions, "
                    "dwell and visits per slide, a day x hour heat map, the top slides. Pass "
                    "PATH.1 too to include the rotated older half; several screens' logs may "
                    "be given together.")
    stats.add_argument("events", nargs="+", metavar="EVENTS", help="events log files")
    stats.add_argument("--out", metavar="PNG", default=None,
                       help="also draw the report as a PNG picture (1920 px wide)")
    stats.add_argument("--since", metavar="DATE", default=None,
                       help="only from this date (YYYY-MM-DD, midnight) or time "
                            "(YYYY-MM-DDTHH:MM) on, in --tz")
    stats.add_argument("--deck", metavar="DECK", default=None,
                       help="the deck the screen played: its slide titles name the rows")
    stats.add_argument("--tz", metavar="ZONE", default=None,
                       help="time zone of the heat map and dates, e.g. Asia/Shanghai "
                            "(default: this machine's)")
    stats.set_defaults(func=cmd_stats)
    return stats


def parse_since(text: str, tz: dt.tzinfo | None) -> int:
    """Epoch ms of a date (its midnight) or a date and time, in ``tz`` (None: local)."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--since {text!r}: not a date; write it as 2026-12-01 or "
                         "2026-12-01T09:00") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz) if tz is not None else when.astimezone()
    return round(when.timestamp() * 1000)


def parse_tz(name: str | None) -> dt.tzinfo | None:
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"--tz {name!r}: not a time zone; write one like Asia/Shanghai, "
                         "Europe/Lisbon or UTC") from None


def cmd_stats(args: argparse.Namespace) -> int:
    from kiosk.stats.summary import summarise
    from kiosk.stats.table import render

    try:
        tz = parse_tz(args.tz)
        since = parse_since(args.since, tz) if args.since else None
    except ValueError as exc:
        print(f"kiosk stats: {exc}", file=sys.stderr)
        return 2
    deck = None
    if args.deck:
        from kiosk.core.loader import load_deck

        result = load_deck(args.deck)
        if result.deck is None:
            for problem in result.problems:
                print(problem, file=sys.stderr)
            print(f"kiosk stats: {args.deck}: cannot read the deck; slides are numbered only",
                  file=sys.stderr)
        deck = result.deck
    summary = summarise([Path(p) for p in args.events], since)
    print(render(summary, deck, tz))
    if summary.report.refused and summary.report.files == len(summary.report.refused):
        return 1  # nothing could be read
    if args.out:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a report needs no display
        from kiosk.stats.picture import save_picture

        try:
            path = save_picture(summary, Path(args.out), deck, tz)
        except OSError as exc:
            print(f"kiosk stats: cannot write {args.out}: {exc.strerror or exc}",
                  file=sys.stderr)
            return 1
        print(f"picture: {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m kiosk.stats.cli EVENTS…``: the same command, on its own."""
    parser = argparse.ArgumentParser(prog="kiosk")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["stats", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
