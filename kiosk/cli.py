"""Command line: ``kiosk run | check | export | schema``. Qt is imported only by run/export."""

from __future__ import annotations

import argparse
import codecs
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import kiosk.imports  # noqa: F401  (before PySide6: it keeps the plain import function)
from kiosk import __version__, resources
from kiosk.core.problems import display_path

LANGUAGES = ("zh", "zh-Hant", "en", "pt")  # kiosk.core.values.LANGUAGES, without pydantic

if TYPE_CHECKING:
    from kiosk.core.loader import LoadResult

# The deck model (pydantic) is imported by the commands that need it, not here: `kiosk run`
# shows its launch image before it loads the deck.


def _summary(result: LoadResult, path: Path) -> str:
    from kiosk.core.values import format_duration

    assert result.deck is not None
    deck = result.deck
    shown = [s for s in deck.slides if s.enabled]
    counts = Counter(s.type for s in shown)
    kinds = ", ".join(f"{n} {t}" for t, n in counts.items())
    loop = sum(deck.duration_of(s) for s in shown)
    disabled = len(deck.slides) - len(shown)
    extra = f", {disabled} disabled" if disabled else ""
    return (f"{display_path(path)}: ok: {len(shown)} slides ({kinds}){extra}; "
            f"loop {format_duration(loop)}")


def cmd_check(args: argparse.Namespace) -> int:
    from kiosk.core.fitcheck import fit_problems
    from kiosk.core.glyphs import glyph_problems
    from kiosk.core.loader import load_deck

    status = 0
    for name in args.decks:
        path = Path(name)
        result = load_deck(path)
        for problem in result.problems:
            print(problem)
        warnings = [f"{display_path(path)}: warning: {w}"
                    for w in (result.deck.warnings if result.deck else [])]
        warnings += [str(p) for p in glyph_problems(result)]  # boxes on screen (#14)
        warnings += [str(p) for p in fit_problems(result)]  # cut on screen (#13)
        for warning in warnings:  # the exit code stays, unless --strict
            print(warning)
        if result.problems or (args.strict and warnings):
            count = len(result.problems) + (len(warnings) if args.strict else 0)
            print(f"{display_path(path)}: {count} problem{'s' if count > 1 else ''}",
                  file=sys.stderr)
            status = 1
        else:
            print(_summary(result, path))
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from kiosk.core.schema import deck_json_schema

    text = json.dumps(deck_json_schema(), ensure_ascii=False, indent=2)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):  # an ASCII or cp1252 console (#18 F):
        text = json.dumps(deck_json_schema(), indent=2)  # JSON's own \u escapes
    print(text)
    return 0


def _no_display_reason() -> str | None:
    """One clear line instead of Qt's abort when there is nowhere to show a window."""
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("kiosk: no display found (DISPLAY and WAYLAND_DISPLAY are not set). "
            "Run it on a screen, under Xvfb, or use `kiosk export` to render PNGs.")


def cmd_run(args: argparse.Namespace) -> int:
    reason = _no_display_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    from kiosk.memory import tune_malloc

    tune_malloc()  # before Qt allocates its first frames
    from kiosk.qt.app import run  # lazy: check/schema never load Qt

    return int(run(args))


def _help_asked(args: argparse.Namespace) -> bool:
    """-h/--help among RUN_ARGS prints this command's help. argparse.REMAINDER hands it on as
    an option for kiosk run, so `autostart enable --help` wrote a login entry and `supervise
    --help` restarted `kiosk run --help` for ever (#18); neither makes sense for kiosk run."""
    if not {"-h", "--help"}.intersection(args.run_args):
        return False
    args.command_parser.print_help()
    return True


def cmd_supervise(args: argparse.Namespace) -> int:
    from kiosk.supervise import supervise

    if _help_asked(args):
        return 0
    return supervise(list(args.run_args))


def cmd_autostart(args: argparse.Namespace) -> int:
    from kiosk.autostart import main as autostart

    if _help_asked(args):
        return 0
    return autostart(args.action, list(args.run_args))


def cmd_publish(args: argparse.Namespace) -> int:
    from kiosk.fleet.publish import main as publish

    return int(publish(args))


def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.qt.export import export  # lazy: check/schema never load Qt

    return int(export(args))


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT like 1920x1080, got {text!r}") from None
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        raise argparse.ArgumentTypeError(f"size out of range: {text}")
    return width, height


def _refresh(text: str) -> float:
    from kiosk.core.values import parse_duration

    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds < 5:
        raise argparse.ArgumentTypeError(f"at least 5s, got {text}")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True,  # convert-zh-hant is hidden
                                metavar="{check,schema,run,supervise,autostart,export,publish,stats}")

    check = sub.add_parser("check", help="validate decks; exit 1 on any problem")
    check.add_argument("decks", nargs="+", metavar="DECK")
    check.add_argument("--strict", action="store_true",
                       help="warnings are problems too (exit 1): no PIN, characters that no "
                            "bundled font draws, text too long for its slide")
    check.set_defaults(func=cmd_check)

    schema = sub.add_parser("schema", help="print the deck JSON Schema")
    schema.set_defaults(func=cmd_schema)

    run = sub.add_parser("run", help="play a deck fullscreen (default: the demo deck)")
    run.add_argument("deck", nargs="?", default=str(resources.demo_deck()), metavar="DECK")
    run.add_argument("--screen", type=int, default=0, metavar="N", help="screen number")
    run.add_argument("--windowed", action="store_true", help="a development window")
    run.add_argument("--rotate", type=int, choices=(0, 90, 180, 270), default=0)
    run.add_argument("--exit-after", type=float, default=None, metavar="SECONDS",
                     help="quit after this long (smoke tests)")
    run.add_argument("--size", type=_size, default=None, metavar="WxH",
                     help="window size with --windowed")
    run.add_argument("--lang", choices=LANGUAGES, default=None,
                     help="the language shown first (default: the deck's language:)")
    run.add_argument("--no-animations", action="store_true",
                     help="turn every animation off (same as KIOSK_ANIMATIONS=0)")
    run.add_argument("--log-level", default="INFO",
                     choices=("DEBUG", "INFO", "WARNING", "ERROR"), type=str.upper)
    run.add_argument("--log-dir", metavar="DIR", default=None,
                     help="default: the platform's log folder (KIOSK_LOG_DIR also sets it)")
    run.add_argument("--status-file", metavar="PATH", default=None,
                     help="rewrite this JSON file with the show's state every second")
    run.add_argument("--cache-dir", metavar="DIR", default=None,
                     help="where feeds keep their last good values (default: the platform's "
                          "cache folder; KIOSK_CACHE_DIR also sets it)")
    run.add_argument("--trust", metavar="KEY.pub", default=None,
                     help="a deck URL: show only content signed by this minisign public key")
    run.add_argument("--deck-refresh", type=_refresh, default=60.0, metavar="DURATION",
                     help="a deck URL: how often to look for a new version (default 60s)")
    run.add_argument("--events", metavar="PATH", default=None,
                     help="append one JSON line per slide change and interaction to this "
                          "file (kiosk stats reads it)")
    run.add_argument("--metrics", metavar="[HOST:]PORT", default=None,
                     help="serve Prometheus metrics at http://HOST:PORT/metrics (default host "
                          "127.0.0.1)")
    run.add_argument("--mqtt", metavar="URL", default=None,
                     help="mqtt[s]://[user@]host[:port]: presence, events and commands "
                          "(password: --mqtt-password-file or KIOSK_MQTT_PASSWORD)")
    run.add_argument("--mqtt-password-file", metavar="PATH", default=None,
                     help="the MQTT password, in a file (never on the command line)")
    run.add_argument("--mqtt-ca", metavar="FILE", default=None,
                     help="CA certificates for mqtts:// (default: the system's)")
    run.add_argument("--screen-id", metavar="ID", default=None,
                     help="this screen's name in MQTT topics (default: the host name and "
                          "screen number)")
    run.set_defaults(func=cmd_run)

    supervise = sub.add_parser(
        "supervise", help="run the show and bring it back if it crashes or freezes",
        description="Run `kiosk run ARGS…` as a child: restart it within 3 s when it dies, "
                    "kill and restart it when it freezes for 30 s, back off on a crash loop, "
                    "end only when an operator ends the show (exit chord and PIN).")
    supervise.add_argument("run_args", nargs=argparse.REMAINDER, metavar="RUN_ARGS",
                           help="options for kiosk run (deck, --screen, …)")
    supervise.set_defaults(func=cmd_supervise, command_parser=supervise)

    autostart = sub.add_parser("autostart", help="start the supervised show at login")
    autostart.add_argument("action", choices=("enable", "disable", "status"))
    autostart.add_argument("run_args", nargs=argparse.REMAINDER, metavar="RUN_ARGS",
                           help="with enable: options for kiosk run (deck, --screen, …)")
    autostart.set_defaults(func=cmd_autostart, command_parser=autostart)

    helper = sub.add_parser("convert-zh-hant", help=argparse.SUPPRESS)  # kiosk run's helper
    helper.add_argument("profile")
    helper.set_defaults(func=cmd_convert_zh_hant)

    publish = sub.add_parser(
        "publish", help="check a deck and write it as a bundle any web server can serve",
        description="Write DECK and every file it needs into OUTDIR as a content-addressed "
                    "bundle (files/<sha256> and manifest.json), for screens that run "
                    "`kiosk run https://…/manifest.json`. Unchanged files are reused.")
    publish.add_argument("deck", metavar="DECK")
    publish.add_argument("outdir", metavar="OUTDIR")
    publish.add_argument("--sign", metavar="KEY", default=None,
                         help="sign the manifest with this minisign secret key")
    publish.add_argument("--root", metavar="DIR", default=None,
                         help="the folder every published file must be inside (default: the "
                              "deck's folder, or the one above it when the deck uses ../)")
    publish.set_defaults(func=cmd_publish)

    from kiosk.stats.cli import add_parser as add_stats  # argparse only; stats loads lazily

    add_stats(sub)

    export = sub.add_parser("export", help="render every slide to PNG, plus a contact sheet")
    export.add_argument("deck", metavar="DECK")
    export.add_argument("outdir", metavar="OUTDIR")
    export.add_argument("--size", type=_size, default=None, metavar="WxH",
                        help="default: the deck canvas")
    export.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="one of the deck's languages (default: its language:)")
    export.set_defaults(func=cmd_export)
    return parser


def _escape(error: UnicodeError) -> tuple[str | bytes, int]:
    """surrogateescape where it applies (a file name's raw bytes in a C locale), else \\u."""
    try:
        return codecs.lookup_error("surrogateescape")(error)
    except UnicodeError:
        if not isinstance(error, UnicodeEncodeError):
            raise
    chars = error.object[error.start:error.end]
    return "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
                   for c in chars), error.end


def _tolerant_output() -> None:
    """A console that cannot show 中文 (ASCII, cp1252, LANG=C) gets \\u escapes instead of a
    UnicodeEncodeError traceback (#18 F): paths, titles and the schema are mostly Chinese."""
    codecs.register_error("kiosk-escape", _escape)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not None (pythonw) or a test's stand-in
            stream.reconfigure(errors="kiosk-escape")


def cmd_convert_zh_hant(args: argparse.Namespace) -> int:
    """Hidden: the process in which ``kiosk run`` has OpenCC convert a deck's texts (#14)."""
    from kiosk.core import chinese

    return chinese.child_main(args.profile, sys.stdin.buffer, sys.stdout.buffer)


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `kiosk schema | head`
        return 0
