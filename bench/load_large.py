"""Load: a deck of 1,000 slides and 50 live feeds. Load time, memory, transition frames.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/load_large.py [--slides 1000] [--feeds 50]

1. ``load_deck`` (parse, validate, check assets) of the generated deck: median of 5 runs.
2. The show itself at 1920x1080 (offscreen, fake clock): 50 feeds ticking, auto-play through
   100 slides with fade transitions, every frame painted through the window's frame path.
   Proportional memory (PSS) after loading and after the 100 slides; paint time of the
   transition frames (p50, p95, max).
Prints ``name=value`` lines and a table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Clock, memory_mb
from frames import frame, stats, timed_paints

from kiosk.core import load_deck
from kiosk.resources import asset


def make_deck(folder: Path, count: int, feeds: int) -> Path:
    photo = asset("photos", "evtol-flight.webp")
    lines = ["title: {zh: 压力测试, en: Load test}", "defaults: {duration: 8s}", "sources:"]
    lines += [f"  f{n}: {{kind: sim, seed: {n}, start: {50 + n}, step: 2, refresh: 1s}}"
              for n in range(feeds)]
    lines.append("slides:")
    for i in range(count):
        a, b = f"f{i % feeds}", f"f{(i + 1) % feeds}"
        kind = i % 4
        if kind == 0:
            lines += ["  - type: title", f"    title: {{zh: 第{i}页, en: Slide {i}}}",
                      "    subtitle: 低空经济 · 云上智城"]
        elif kind == 1:
            lines += ["  - type: figures", f"    title: 第{i}页", "    items:"]
            lines += [f'      - {{value: {i}.{j}5, unit: 亿元, label: 指标{j}, change: "+1.{j}%"}}'
                      for j in range(3)]
            lines += [f"      - {{value: {{source: {a}}}, unit: 架次, label: 今日飞行}}"]
        elif kind == 2:
            lines += ["  - type: chart", "    chart: line", f"    title: 实时 {i}", "    series:",
                      f"      - {{name: 甲, source: {a}}}", f"      - {{name: 乙, source: {b}}}"]
        else:
            lines += ["  - type: photo", f"    image: {photo}", "    caption: 示意",
                      "    credit: 示意图 · Illustration"]
    path = folder / "large.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=int, default=1000)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--play", type=int, default=100, help="slide changes to play")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kiosk-load-"))
    path = make_deck(folder, args.slides, args.feeds)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        result = load_deck(path)
        times.append(time.perf_counter() - start)
    assert result.ok and result.deck is not None, result.problems[:3]
    pss_loaded = memory_mb(os.getpid())

    from kiosk.memory import tune_malloc
    from kiosk.qt.app import make_app
    from kiosk.qt.controller import Show

    tune_malloc()  # as `kiosk run` does
    app = make_app()
    clock, wall = Clock(), Clock(1_800_000_000.0)
    show = Show(path, result, clock=clock, wall=wall, cache_root=folder / "cache")
    window = show.window
    timed_paints(window)
    window.resize(1920, 1080)
    window.show()
    app.processEvents()
    window._preload()
    pss_shown = memory_mb(os.getpid())
    transition_frames: list[float] = []
    changes, last = 0, window.index
    while changes < args.play:
        fast = window.in_transition
        spent = frame(window, clock, 1 / 60 if fast else 1 / 30)
        wall.now = 1_800_000_000.0 + clock.now
        window.poll()  # the slide timer runs on the fake clock too (a real QTimer would wait)
        show.tick_feeds()
        if fast:
            transition_frames.append(spent)
        if window.index != last:
            changes, last = changes + 1, window.index
    pss_played = memory_mb(os.getpid())
    show.stop()
    p50, p95, worst = stats(transition_frames)
    load_ms = statistics.median(times) * 1000
    print(f"load_{args.slides}_slides_{args.feeds}_feeds_ms={load_ms:.0f}")
    print(f"load_yaml_kib={path.stat().st_size / 1024:.0f}")
    print(f"load_pss_after_load_mb={pss_loaded:.1f}")
    print(f"load_pss_window_shown_mb={pss_shown:.1f}")
    print(f"load_pss_after_{args.play}_slides_mb={pss_played:.1f}")
    print(f"load_transition_frame_p50_ms={p50:.1f}")
    print(f"load_transition_frame_p95_ms={p95:.1f}")
    print(f"load_transition_frame_max_ms={worst:.1f}")
    print()
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| load + check, {args.slides} slides, {args.feeds} feeds "
          f"({path.stat().st_size / 1024:.0f} KiB) | {load_ms:.0f} ms (median of 5) |")
    print(f"| PSS: deck loaded / window shown / after {args.play} slides | "
          f"{pss_loaded:.0f} / {pss_shown:.0f} / {pss_played:.0f} MB |")
    print(f"| transition frames at 1080p ({len(transition_frames)}) | p50 {p50:.1f}, "
          f"p95 {p95:.1f}, max {worst:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
