"""An accelerated long run: feeds at 10 updates per second on a fake clock.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/soak_accelerated.py [MINUTES]

Simulates MINUTES (default 30) of a live deck (live figures, a live line chart, a bar
chart, slides changing every 20 s) as fast as the machine can, and prints plot items,
active QTimers, threads, points per series and resident memory along the way. Used by
tests/test_soak.py with a shorter run; the figures here are for the issue report.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import yaml
from PySide6.QtCore import QTimer

from kiosk.core import load_deck
from kiosk.qt.app import make_app
from kiosk.qt.controller import Show

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Clock, memory_mb

DECK = {
    "title": "soak",
    "sources": {
        "fast": {"kind": "sim", "refresh": "100ms", "start": 50, "step": 2, "window": 300},
        "count": {"kind": "sim", "refresh": "100ms", "start": 1000, "drift": 1, "step": 1},
    },
    "slides": [
        {"type": "figures", "title": "实时", "duration": "20s", "items": [
            {"value": {"source": "fast"}, "unit": "%", "label": "使用率", "decimals": 1},
            {"value": {"source": "count"}, "unit": "架次", "label": "架次", "decimals": 0}]},
        {"type": "chart", "title": "实时曲线", "duration": "20s",
         "series": [{"name": "使用率", "source": "fast"}, {"name": "架次", "source": "count"}]},
        {"type": "chart", "chart": "bar", "title": "柱状", "duration": "20s",
         "series": [{"name": "a", "data": [["一", 1], ["二", 2]]}]},
    ],
}


def snapshot(show: Show) -> dict[str, float]:
    chart = show.window.stage._views.get(1)
    items = len(chart._widget.getPlotItem().items) if chart and chart._widget else -1
    timers = show.findChildren(QTimer) + show.window.findChildren(QTimer)
    return {"plot_items": items, "qtimers": len(timers),
            "active_qtimers": sum(t.isActive() for t in timers),
            "threads": threading.active_count(),
            "points": max(len(f.points) for f in show.hub.feeds.values()),
            "views": len(show.window.stage._views),
            "rss_mb": round(memory_mb(os.getpid(), "Rss"), 1)}


def run_soak(minutes: float, report=print) -> list[dict[str, float]]:
    app = make_app()
    folder = Path(tempfile.mkdtemp())
    deck = folder / "soak.yaml"
    deck.write_text(yaml.safe_dump(DECK, allow_unicode=True), encoding="utf-8")
    clock, wall = Clock(0.0), Clock(1_800_000_000.0)
    show = Show(deck, load_deck(deck), status_file=folder / "status.json",
                cache_root=folder / "cache", clock=clock, wall=wall)
    show.window.resize(640, 360)
    show.window.show()
    app.processEvents()
    samples = []
    ticks = int(minutes * 60 * 10)
    for tick in range(1, ticks + 1):
        clock.now += 0.1
        wall.now += 0.1
        show.tick_feeds()
        show.window.poll()
        if tick % 3 == 0:  # ~33 painted frames per simulated second
            show.window._refresh_view() if show.window.index == 1 else None
            show.window.repaint()
        if tick % 10 == 0:
            show.write_status()
            app.processEvents()
        if tick % 600 == 0:  # every simulated minute
            sample = snapshot(show)
            samples.append(sample)
            report(f"minute {tick // 600:3d}: " + ", ".join(f"{k} {v}" for k, v in sample.items()))
    show.stop()
    return samples


if __name__ == "__main__":
    started = time.perf_counter()
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 30
    samples = run_soak(minutes)
    first, last = samples[0], samples[-1]
    print(f"{minutes:g} simulated minutes in {time.perf_counter() - started:.0f} s of real time")
    print("growth from minute 1 to the end: " + ", ".join(
        f"{k} {last[k] - first[k]:+g}" for k in first))
