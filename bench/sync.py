"""Screens in step: two `kiosk run` processes with a ``sync: clock`` deck, on two X servers.

    .venv/bin/python bench/sync.py [--seconds 600] [--slide 5] [--slides 6]

Generates a deck of ``--slides`` title slides of ``--slide`` seconds each with ``sync: clock``
in a temporary folder, starts two Xvfb servers at 1920x1080 and one fullscreen ``kiosk run
--events`` on each, lets them play for ``--seconds``, then reads the two events logs. Each
slide change is put on the loop boundary it belongs to (the boundary at or just before it,
from its wall-clock time ``t`` and the deck: kiosk.core.loop), and the two logs' changes at
the same boundary are paired. Prints ``name=value`` lines: the changes in each log, the
pairs, the median and largest gap between the two screens' change times in ms, whether every
pair showed the same slide (the loop's), and each screen's own lateness after the boundary.

Both processes read one wall clock here, so the gap is the players' own scheduling error;
on two machines the clocks' offset (NTP: a few ms on a LAN) adds to it. Target (#15): over
100 changes each in 10 minutes of 5 s slides, median gap at most 17 ms (one 60 Hz frame).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.core.loader import load_deck  # noqa: E402
from kiosk.core.loop import Loop, epoch_of, loop_of  # noqa: E402

MAX_EVENT_LINES = 1_000_000  # a log is read whole only up to this many lines


@dataclass(frozen=True)
class Placed:
    """A slide change put on its loop boundary."""

    t_ms: int  # when the change started (the events log's t)
    index: int  # the slide it showed
    slot: int  # which boundary: slide starts since the epoch
    expected: int  # the slide the loop shows from that boundary
    late_ms: float  # t after the boundary


def make_deck(folder: Path, seconds: float, count: int) -> Path:
    """A ``sync: clock`` deck of ``count`` title slides of ``seconds`` each."""
    slides = "".join(f"  - type: title\n    title: 第{i + 1}张\n    subtitle: Slide {i + 1}\n"
                     for i in range(count))
    path = folder / "sync.yaml"
    path.write_text(f"title: 同步测试\nsync: clock\nexit_pin: \"0427\"\n"
                    f"defaults:\n  duration: {seconds}s\nslides:\n{slides}", encoding="utf-8")
    return path


def read_changes(path: Path) -> list[tuple[int, int]]:
    """(t in ms, slide index) of each ``slide`` event in an events log."""
    found = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= MAX_EVENT_LINES:
                break
            event = json.loads(line)
            if event.get("event") == "slide":
                found.append((int(event["t"]), int(event["index"])))
    return found


def place(changes: list[tuple[int, int]], loop: Loop) -> list[Placed]:
    """Each change on the boundary at or before it. A timer never fires early by design
    (kiosk/qt/window.py rounds up), so a change is late, not early: a tenth of the shortest
    slide absorbs what the two clocks of one machine may differ by."""
    early = min(loop.durations) * 0.1
    placed = []
    for t_ms, index in changes:
        spot = loop.spot(t_ms / 1000 + early)
        placed.append(Placed(t_ms, index, spot.slot, spot.index,
                             t_ms - spot.start * 1000))
    return placed


def pair(a: list[Placed], b: list[Placed]) -> list[tuple[Placed, Placed]]:
    """The changes of two screens at the same boundary."""
    by_slot = {p.slot: p for p in b}
    return [(p, by_slot[p.slot]) for p in a if p.slot in by_slot]


def summary(a: list[Placed], b: list[Placed]) -> dict[str, object]:
    pairs = pair(a, b)
    gaps = [abs(x.t_ms - y.t_ms) for x, y in pairs]
    return {
        "changes_a": len(a), "changes_b": len(b), "paired": len(pairs),
        "median_gap_ms": statistics.median(gaps) if gaps else None,
        "max_gap_ms": max(gaps) if gaps else None,
        "same_slide": all(x.index == y.index == x.expected for x, y in pairs),
        "on_the_loop_a": all(p.index == p.expected for p in a),
        "on_the_loop_b": all(p.index == p.expected for p in b),
        "late_a_median_ms": round(statistics.median(p.late_ms for p in a), 1) if a else None,
        "late_a_max_ms": round(max(p.late_ms for p in a), 1) if a else None,
        "late_b_median_ms": round(statistics.median(p.late_ms for p in b), 1) if b else None,
        "late_b_max_ms": round(max(p.late_ms for p in b), 1) if b else None,
    }


def loop_for(deck_path: Path) -> Loop:
    deck = load_deck(deck_path).deck
    assert deck is not None
    order = [i for i, s in enumerate(deck.slides) if s.enabled]
    return loop_of(deck, order, epoch_of(deck, None))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="how long both play")
    parser.add_argument("--slide", type=float, default=5.0, help="each slide's duration, s")
    parser.add_argument("--slides", type=int, default=6)
    args = parser.parse_args()

    from benchlib import start_xvfb

    work = Path(tempfile.mkdtemp(prefix="kiosk-sync-"))
    deck = make_deck(work, args.slide, args.slides)
    servers, shows = [], []
    try:
        for name in ("a", "b"):
            server, display = start_xvfb()
            servers.append(server)
            env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
            env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb",
                       KIOSK_LOG_DIR=str(work / name / "log"),
                       KIOSK_RUNTIME_DIR=str(work / name / "run"),
                       KIOSK_CACHE_DIR=str(work / name / "cache"))
            shows.append(subprocess.Popen(
                [sys.executable, "-m", "kiosk", "run", str(deck), "--events",
                 str(work / f"{name}.jsonl"), "--exit-after", str(args.seconds)],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True))
        for show in shows:
            _, stderr = show.communicate(timeout=args.seconds + 120)
            if show.returncode != 0:
                print(stderr[-2000:], file=sys.stderr)
                return 1
    finally:
        for process in (*shows, *servers):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    loop = loop_for(deck)
    a, b = (place(read_changes(work / f"{name}.jsonl"), loop) for name in ("a", "b"))
    result = summary(a, b)
    print(f"sync_seconds={args.seconds:g}")
    print(f"sync_slide_s={args.slide:g}")
    for key, value in result.items():
        print(f"sync_{key}={json.dumps(value)}")
    ok = (result["same_slide"] and result["median_gap_ms"] is not None
          and float(result["median_gap_ms"]) <= 17)  # type: ignore[arg-type]
    print(f"sync_target_median_le_17ms={'yes' if ok else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
