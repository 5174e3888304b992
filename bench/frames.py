"""Frame times: transitions, count-up and Ken Burns at 1080p and 4K; live chart updates.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/frames.py [--sizes 1920x1080,3840x2160]

Each frame goes through the window's own frame path (its frame timer's slot, then the paint
Qt asks for, partial or full) on a fake clock stepped at the frame rate the window uses:
60 fps for transitions, 30 fps for a slide's own motion. The figures are the paint cost in
this process (offscreen, so without the copy to the X server). A live chart update is the
work one new data point causes: ``setData`` on the existing plot items, and re-rendering the
plot image, with 300 and 10,000 points in the series.
Prints ``name=value`` lines and a table. Targets (issue #7): transitions p95 at most 8 ms at
1080p and 16 ms at 4K; a 300-point chart update at most 2 ms.
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

import yaml
from PySide6.QtWidgets import QApplication

from kiosk.core import load_deck
from kiosk.core.feeds import FeedHub
from kiosk.qt.app import make_app
from kiosk.qt.window import ShowWindow
from kiosk.resources import demo_deck

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Clock

PAINTS: list[float] = []


def timed_paints(window: ShowWindow) -> None:
    """Time every paint the window does (partial or full): the cost of a frame."""
    original = window.paintEvent

    def paint(event):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        original(event)
        PAINTS.append((time.perf_counter() - start) * 1000)

    window.paintEvent = paint  # type: ignore[method-assign]


def frame(window: ShowWindow, clock: Clock, step: float) -> float:
    """One tick of the window's frame timer; the paint time it caused (idle work, such as
    preparing the next slide between frames, is not a frame and is not counted)."""
    clock.now += step
    PAINTS.clear()
    window._on_frame()
    QApplication.processEvents()
    return sum(PAINTS)


def stats(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    return (statistics.median(ordered), ordered[max(0, round(len(ordered) * 0.95) - 1)],
            ordered[-1])


def measure_size(width: int, height: int) -> dict[str, list[float]]:
    deck = load_deck(demo_deck()).deck
    assert deck is not None
    clock = Clock()
    window = ShowWindow(deck, clock=clock)
    timed_paints(window)
    window.resize(width, height)
    window.show()
    QApplication.processEvents()
    window._preload()  # pyqtgraph is imported before the first chart; not a frame
    types = [s.type for s in deck.slides]
    out: dict[str, list[float]] = {}

    def settle(index: int) -> None:
        window.go_to(index)  # navigation pauses auto-play for idle_resume (30 s)
        for _ in range(200):  # finish its entry; the window prepares the next slide
            frame(window, clock, 1 / 30)

    def transition(name: str, index: int, kind: str) -> None:
        settle(index - 1)
        window.go_next(kind)
        times = []
        while window.in_transition:
            times.append(frame(window, clock, 1 / 60))
        out[name] = times

    transition("fade", types.index("figures"), "fade")
    out["count_up"] = [frame(window, clock, 1 / 30) for _ in range(60)]  # its first 2 s
    transition("slide", types.index("photo"), "slide")
    out["ken_burns"] = [frame(window, clock, 1 / 30) for _ in range(150)]
    window.stop()
    window.close()
    return out


def chart_update(points: int) -> tuple[list[float], list[float]]:
    """(setData only, setData + re-render) in ms per new point, series of ``points``."""
    folder = Path(tempfile.mkdtemp())
    path = folder / "chart.yaml"
    path.write_text(yaml.safe_dump({"title": "chart", "sources": {"s": {
        "kind": "sim", "refresh": "1s", "start": 50, "step": 2, "window": points}},
        "slides": [{"type": "chart", "title": "实时曲线", "series": [
            {"name": "使用率", "source": "s"}]}]}, allow_unicode=True), encoding="utf-8")
    deck = load_deck(path).deck
    assert deck is not None
    clock, wall = Clock(), Clock(1_800_000_000.0)
    hub = FeedHub(deck.sources, clock(), wall())
    for _ in range(points):
        clock.now += 1
        wall.now += 1
        hub.tick(clock(), wall())
    window = ShowWindow(deck, clock=clock, feeds=hub, wall=wall)
    window.resize(1920, 1080)
    window.show()
    QApplication.processEvents()
    window.repaint()
    view = window.stage.view(0)
    set_data, with_render = [], []
    for _ in range(40):
        clock.now += 1
        wall.now += 1
        hub.tick(clock(), wall())
        size = view._image.size()  # the plot image on screen
        start = time.perf_counter()
        view.refresh()  # setData on the existing items
        middle = time.perf_counter()
        view._render(size)  # what data_changed does next: the new plot image
        end = time.perf_counter()
        set_data.append((middle - start) * 1000)
        with_render.append((end - start) * 1000)
    window.stop()
    hub.close()
    return set_data, with_render


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1920x1080,3840x2160")
    args = parser.parse_args()
    make_app()
    rows = []
    for size in args.sizes.split(","):
        width, height = (int(v) for v in size.split("x"))
        label = {1080: "1080p", 2160: "4k"}.get(height, size)
        for name, times in measure_size(width, height).items():
            p50, p95, worst = stats(times)
            print(f"frame_{name}_{label}_p50_ms={p50:.1f}")
            print(f"frame_{name}_{label}_p95_ms={p95:.1f}")
            print(f"frame_{name}_{label}_max_ms={worst:.1f}")
            rows.append((f"{name} {label}", len(times), p50, p95, worst))
    for points in (300, 10_000):
        set_data, with_render = chart_update(points)
        for name, times in (("setdata", set_data), ("setdata_render", with_render)):
            p50, p95, worst = stats(times)
            print(f"chart_update_{points}_{name}_p50_ms={p50:.2f}")
            rows.append((f"chart update {points} pts: {name.replace('_', ' + ')}", len(times),
                         p50, p95, worst))
    print()
    print("| frames of | n | p50 ms | p95 ms | max ms |")
    print("| --- | --- | --- | --- | --- |")
    for name, n, p50, p95, worst in rows:
        print(f"| {name} | {n} | {p50:.2f} | {p95:.2f} | {worst:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
