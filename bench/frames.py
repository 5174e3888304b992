"""Frame times of the show at 1080p: fade, slide, count-up and Ken Burns.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/frames.py [WIDTHxHEIGHT]

Each frame is painted synchronously (QWidget.repaint) on a fake clock stepped by 1/60 s, so
the figures are pure paint cost on this machine. Target (issue #3): no frame over 16 ms.
The transition *start* (rendering the two finished frames) is reported separately.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from kiosk.core import load_deck
from kiosk.qt.app import make_app
from kiosk.qt.window import ShowWindow
from kiosk.resources import demo_deck


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def paint_frames(window: ShowWindow, clock: Clock, seconds: float) -> list[float]:
    times = []
    for _ in range(round(seconds * 60)):
        clock.now += 1 / 60
        start = time.perf_counter()
        window.repaint()
        times.append((time.perf_counter() - start) * 1000)
        window.poll()
        QApplication.processEvents()  # let idle work (preparing the next slide) run
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{name:34s} frames {len(times):4d}  mean {statistics.mean(times):5.1f} ms  "
          f"p95 {p95:5.1f} ms  max {max(times):5.1f} ms")


def main() -> None:
    width, height = (int(v) for v in (sys.argv[1] if len(sys.argv) > 1 else "1920x1080")
                     .split("x"))
    app = make_app()
    deck = load_deck(demo_deck()).deck
    assert deck is not None
    clock = Clock()
    window = ShowWindow(deck, clock=clock)
    window.resize(width, height)
    window.show()
    app.processEvents()
    types = [s.type for s in deck.slides]
    print(f"{width}x{height}, deck {demo_deck().name}, {len(types)} slides")

    def enter(index: int) -> float:
        window.go_to(index - 1)  # navigation pauses auto-play for idle_resume (30 s)
        paint_frames(window, clock, 3)  # settle; the window prepares the next slide
        start = time.perf_counter()
        window.go_next()
        assert window.in_transition and window.index == index
        return (time.perf_counter() - start) * 1000

    starts = []
    figures = types.index("figures")
    photo = types.index("photo")
    starts.append(enter(figures))
    report("fade into figures (0.7 s)", paint_frames(window, clock, 0.7))
    report("count-up (figures settled)", paint_frames(window, clock, 2.0))
    starts.append(enter(photo))
    report("fade into photo (0.7 s)", paint_frames(window, clock, 0.7))
    report("Ken Burns (photo settled)", paint_frames(window, clock, 3.0))
    print(f"transition start (two frames rendered): "
          f"{', '.join(f'{t:.1f} ms' for t in starts)}")
    window.stop()


if __name__ == "__main__":
    main()
