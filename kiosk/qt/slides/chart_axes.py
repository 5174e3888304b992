"""A chart's axes in the FT manner (#13 §3): labels without tick marks, the value axis's light
gridlines under the data at its round ticks only, both of its ends labelled, and room left
beyond the largest value for its label."""

from __future__ import annotations

import itertools
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath

from kiosk.core.deck import DRAWABLE_LIMIT, ChartSlide
from kiosk.core.units import CHINESE, group
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides import chart_text as ct
from kiosk.qt.slides.chart_data import fmt, minus
from kiosk.qt.slides.chart_scale import Scale, headroom, value_scale

GRID_LINES = 10  # gridlines are pooled: created once, moved with the axis
LABEL_AIR = 6  # design px kept free of gridlines around a label in the plot


class GridLine(pg.InfiniteLine):  # type: ignore[misc]
    """A gridline that stops short of the labels written in the plot (a bar's value, a
    line's end value and its 模拟 · SIMULATED mark): the FT draws its labels on the
    background, never struck through (curator's review: the 60 line ran through
    "60架"). ``holes`` gives the labels' rectangles in scene coordinates."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # set by the view before each render (set_holes), never worked out while painting:
        # placing the labels (updateTransform) from inside a paint changed the scene while
        # Qt was drawing it, and a later event pass crashed (segfault in the test suite)
        self.holes: list[QRectF] = []

    def paint(self, p: QPainter, *args: Any) -> None:
        holes = [self.mapFromScene(rect) for rect in self.holes]
        if holes:
            keep = QPainterPath()
            keep.addRect(self.boundingRect())
            cut = QPainterPath()
            for polygon in holes:
                cut.addPolygon(polygon)
            p.setClipPath(keep.subtracted(cut), Qt.ClipOperation.IntersectClip)
        super().paint(p, *args)


def style_axes(plot: Any, s: float, horizontal: bool, categorical: bool) -> None:
    """Value axis: its labels only (no line, no ticks). The other: a baseline and category
    names (or numbers, clock times), no tick marks over the bars."""
    value_name, other_name = ("bottom", "left") if horizontal else ("left", "bottom")
    value_axis, other = plot.getAxis(value_name), plot.getAxis(other_name)
    value_axis.setPen(pg.mkPen(QColor(0, 0, 0, 0)))
    value_axis.setTextPen(pg.mkPen(ct.TICK_TEXT))
    # hideOverlappingLabels: the room a label may take past the axis's ends; with 0 (the
    # grid's default) pyqtgraph dropped the labels of both ends (#13: labelled axis ends)
    value_axis.setStyle(tickFont=font(ct.TICK_PX * s), tickTextOffset=int(14 * s),
                        tickLength=0, hideOverlappingLabels=int(ct.TICK_PX * s))
    for axis in (value_axis, other):
        axis.setTickPen(pg.mkPen(None))  # labels without tick marks (#13)
        axis.setStyle(tickAlpha=0)
    other.setPen(pg.mkPen(ct.BASELINE, width=max(1, 2 * s)))
    other.setTextPen(pg.mkPen(theme.TEXT if categorical else ct.TICK_TEXT))
    other.setStyle(tickFont=font((ct.CATEGORY_PX if categorical else ct.TICK_PX) * s),
                   tickTextOffset=int(14 * s), tickLength=0,
                   hideOverlappingLabels=int(ct.TICK_PX * s))
    one_line = int((ct.line_height(ct.TICK_PX) + 14 + 12) * s)  # numbers, clock times
    if horizontal:
        value_axis.setHeight(one_line)
    elif not categorical:
        other.setHeight(one_line)
    # room for half the top label above the plot, and for the last label's overhang
    plot.layout.setContentsMargins(0, ct.TICK_PX * 0.75 * s, 24 * s, 0)


def make_gridlines(plot: Any, s: float, horizontal: bool) -> list[Any]:
    """The pool of gridlines, hidden until the value axis places them: under the data,
    stopping around the labels given to :func:`set_holes` (scene coordinates)."""
    lines = []
    for _ in range(GRID_LINES):
        line = GridLine(angle=90 if horizontal else 0, movable=False,
                        pen=pg.mkPen(ct.GRID, width=max(1, 2 * s)))
        line.setZValue(-20)
        line.hide()
        plot.addItem(line, ignoreBounds=True)
        lines.append(line)
    return lines


def set_holes(grid: list[Any], labels: list[list[Any]], s: float) -> None:
    """Before a render, outside any paint: where the gridlines stop (the labels on show)."""
    rects = label_rects(labels, s)
    for line in grid:
        line.holes = rects


def label_rects(labels: list[list[Any]], s: float) -> list[QRectF]:
    """The scene rectangles of the labels on show, with a little air around them."""
    air = LABEL_AIR * s
    rects = []
    for label in itertools.chain.from_iterable(labels):
        if label.isVisible() and label.textItem.toPlainText():
            label.updateTransform()  # placed for the view box's current range and size
            rects.append(label.sceneBoundingRect().adjusted(-air, -air, air, air))
    return rects


def tick_text(value: float, lang: str) -> str:
    """A tick's number as the screen's language writes it: 12,000 and 2.5 in English,
    12 000 and 2,5 in Portuguese, 12000 in Chinese; a minus sign, not a hyphen."""
    text = fmt(value)
    if lang not in CHINESE and abs(value) < DRAWABLE_LIMIT / 10:
        decimals = len(text.partition(".")[2])
        text = group(value, decimals, lang) if abs(value) >= 10_000 or lang == "pt" else text
    return minus(text)


def set_value_axis(plot: Any, grid: list[Any], scale: Scale, s: float,
                   horizontal: bool, lang: str) -> None:
    """Ticks at the scale's round values only, both ends labelled, each a gridline (zero a
    stronger baseline when the axis crosses it)."""
    axis = plot.getAxis("bottom" if horizontal else "left")
    ticks = [(t, tick_text(t, lang)) for t in scale.ticks]
    if getattr(axis, "_kiosk_ticks", None) != ticks:
        axis.setTicks([ticks, []])
        axis._kiosk_ticks = ticks
        for line, tick in itertools.zip_longest(grid, scale.ticks):
            if line is None:
                break
            if tick is None:
                line.hide()
                continue
            line.setPos(tick)
            baseline = tick == 0 and scale.low < 0 < scale.high
            line.setPen(pg.mkPen(ct.BASELINE if baseline else ct.GRID, width=max(1, 2 * s)))
            line.show()
    if not horizontal:
        width = max(ct.width(text, ct.TICK_PX) for _, text in ticks) + 14 + 18
        width = int(max(width, 60) * s)
        if axis.width() != width:
            axis.setWidth(width)
    if horizontal:
        plot.setXRange(scale.low, scale.high, padding=0)
    else:
        plot.setYRange(scale.low, scale.high, padding=0)


def fit_scale(slide: ChartSlide, ys: list[float], room_px: float, span_px: float,
              target: int) -> Scale:
    """The value axis for ``ys`` with ``room_px`` free beyond the largest value and below
    the most negative one (their labels), on an axis ``span_px`` long. Bars start at 0; the
    deck's y_min/y_max win."""
    bars = slide.chart == "bar"
    low = min([0.0, *ys]) if bars else (min(ys) if ys else 0.0)
    high = max([0.0, *ys]) if bars and ys else (max(ys) if ys else 1.0)
    y_min, y_max = slide.y_min, slide.y_max
    fixed_low = y_min if y_min is not None else (0.0 if bars and low >= 0 else None)
    first = value_scale(low, high, fixed_low=fixed_low, fixed_high=y_max, target=target)
    if room_px <= 0 or span_px <= 0:
        return first
    share = room_px / span_px
    if y_max is None and high > 0:
        high = max(high, headroom(high, first.low, share))
    if fixed_low is None and bars and low < 0:
        low = min(low, -headroom(-low, -first.high, share))
    return value_scale(low, high, fixed_low=fixed_low, fixed_high=y_max, target=target)
