"""A live chart of a full window (100,000 points) draws what the screen can show (#18 B).

A file feed with `window: 100000` replaced every second stalled the UI for 3 s per rewrite:
the chart drew every point, a thick antialiased stroke across the plot. Here a real CSV
file feeds a real hub and a real stage; what the curve item hands to Qt is bounded per
pixel column, keeps the line's extremes and ends, and the extreme is on screen.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from PySide6.QtCore import QPointF, QSize

from kiosk.core import load_deck
from kiosk.core.feeds import FeedHub
from kiosk.qt.stage import Stage

from .conftest import as_array

ROWS = 100_000
SPIKE, DIP = 54_321, 76_543  # the one highest and the one lowest point


def wave(i: int) -> float:
    return 50 + 20 * math.sin(i / ROWS * 9)  # smooth, between 30 and 70


def live_chart(tmp_path, values):
    rows = "".join(f"{1_700_000_000 + i},{y}\n" for i, y in enumerate(values))
    (tmp_path / "data.csv").write_text("t,v\n" + rows, encoding="utf-8")
    (tmp_path / "deck.yaml").write_text(yaml.safe_dump({
        "title": "t",
        "sources": {"data": {"kind": "file", "path": "data.csv", "window": ROWS}},
        "slides": [{"type": "chart", "title": "实时", "series": [
            {"name": "数据", "source": "data", "color": "#ff00ff"}]}]},
        allow_unicode=True), encoding="utf-8")
    deck = load_deck(tmp_path / "deck.yaml").deck
    assert deck is not None
    hub = FeedHub(deck.sources, now=0, wall=1000)
    hub.tick(0, 1000)
    hub.wait_idle(timeout=60)
    hub.tick(0, 1000)
    assert len(hub.feeds["data"].points) == ROWS
    stage = Stage(deck, QSize(1920, 1080), animations=False, feeds=hub)
    frame = as_array(stage.render(0, 1e6))
    return stage, stage.view(0), frame


def test_a_full_window_is_drawn_a_few_points_per_pixel_column_with_its_extremes(app,
                                                                               tmp_path):
    values = [wave(i) for i in range(ROWS)]
    values[SPIKE], values[DIP] = 99.0, 1.0
    stage, view, frame = live_chart(tmp_path, values)
    try:
        item = view._items[0]
        xs, ys = item.curve.getData()  # what the curve strokes
        box = view._widget.getPlotItem().getViewBox()
        (low, high), _ = box.viewRange()
        columns = np.floor((xs - low) / (high - low) * box.width()).astype(int)
        assert np.bincount(columns).max() <= 4, np.bincount(columns).max()
        assert len(xs) < 2 * 1920 + 2
        assert ys.max() == 99.0 and ys.min() == 1.0  # the spike and the dip are drawn
        assert (xs[0], ys[0]) == (1_700_000_000, values[0])  # and both ends of the line
        assert (xs[-1], ys[-1]) == (1_700_000_000 + ROWS - 1, values[-1])
        assert item.opts["antialias"]  # a smooth line stays smooth
        # the spike's top is on screen in the series' colour (B, G, R = 255, 0, 255)
        top = box.mapViewToScene(QPointF(1_700_000_000 + SPIKE, 99.0))
        x = round(view.last_rect.x() + top.x())
        y = round(view.last_rect.y() + top.y())
        patch = frame[y - 8:y + 9, x - 8:x + 9, :3].astype(int)
        magenta = (patch[..., 0] > 200) & (patch[..., 1] < 80) & (patch[..., 2] > 200)
        assert magenta.sum() >= 10, (x, y, patch[..., :3].reshape(-1, 3)[:20])
        above = frame[y - 80:y - 40, x - 8:x + 9, :3].astype(int)  # the plot's empty top
        assert not ((above[..., 0] > 200) & (above[..., 1] < 80)).any()
    finally:
        stage.close()


@pytest.mark.parametrize("jagged", [False, True], ids=["smooth", "0/1 signal"])
def test_a_dense_jagged_line_is_drawn_without_antialiasing(app, tmp_path, jagged):
    """Qt antialiases a thick stroke under the plot's scaling at about 0.3 us a pixel: a
    line that covers the plot (a 0/1 signal over 100,000 points) took seconds. Such a line
    is drawn without it; a smooth one keeps it."""
    values = [float(i % 2) if jagged else wave(i) for i in range(ROWS)]
    stage, view, _ = live_chart(tmp_path, values)
    try:
        _, ys = view._items[0].curve.getData()
        assert len(ys) < 2 * 1920 + 2
        if jagged:
            assert set(ys.tolist()) == {0.0, 1.0}
        assert view._items[0].opts["antialias"] is (not jagged)
        assert view._items[0].curve.opts["segmentedLineMode"] == "on"
    finally:
        stage.close()


def test_decimation_keeps_order_when_time_goes_back(app):
    from kiosk.qt.slides.chart import decimate

    x = np.r_[np.arange(5000.0), np.arange(5000.0)]  # two passes over the same x
    y = np.sin(np.arange(10_000) / 300.0)
    y[7000] = 5.0
    dx, dy = decimate(x, y, 100)
    assert len(dx) <= 2 * 100 + 2
    assert dy.max() == 5.0 and dx[0] == 0 and dx[-1] == 4999
    assert np.count_nonzero(np.diff(dx) < 0) == 1  # the one jump back stays one jump back
