"""Bars in the FT manner (#13 §3): each bar carries its value at its end, one category may be
highlighted in the series colour while the others are muted, and category names are broken
by phrase, under vertical bars or in a column left of horizontal ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from kiosk.core.deck import category_key
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides import chart_text as ct
from kiosk.qt.slides.chart_data import fmt, minus

if TYPE_CHECKING:
    from kiosk.qt.slides.chart import ChartView

BAR_SPAN = 0.62  # of a category's slot taken by its bars (the rest is air between them)
BAR_MAX = 200  # design px: a bar no thicker, however few the categories
ROW_MAX = 180  # design px: a horizontal bar's row no taller; the chart ends below the last
GAP = 14  # design px between a bar's end and its value


def muted(color: QColor, series_count: int) -> QColor:
    """A bar that is not highlighted: grey-blue for one series; for several, the series'
    own colour faded into the background, so the series stay told apart."""
    if series_count == 1:
        return QColor(ct.MUTED_BAR)
    bg = theme.BG_BOTTOM
    mix = 0.38
    return QColor(round(color.red() * mix + bg.red() * (1 - mix)),
                  round(color.green() * mix + bg.green() * (1 - mix)),
                  round(color.blue() * mix + bg.blue() * (1 - mix)))


def refresh_bars(view: ChartView, data: list[tuple[list[Any], list[float]]]) -> None:
    """Bars, value labels, value axis and category names from ``data``, in place."""
    slide, horizontal = view.slide, view.horizontal
    count = len(slide.series)
    highlight = category_key(slide.highlight) if slide.highlight is not None else None
    plot_w, plot_h = view.plot_px()
    along = plot_w if horizontal else plot_h  # the value axis's length in design px
    ys_all = [y for _, ys in data for y in ys]
    slot = (plot_h if horizontal else plot_w) / max(1, len(view._categories))
    thick = min(BAR_SPAN, BAR_MAX / max(1.0, slot)) / count
    texts, px = _value_texts(view, data, thick * slot)
    if horizontal:
        room = max((ct.width(t, px, True) for ts in texts for t in ts), default=0)
    else:
        room = ct.line_height(px, True)
    scale = view.fit_scale(ys_all, room + GAP, along)
    view.set_value_axis(scale)
    per_px = (scale.high - scale.low) / max(1.0, along)
    for i, (xs, ys) in enumerate(data):
        pos = view.x_positions(xs) + (i - (count - 1) / 2) * thick
        values = np.asarray(ys, float)
        color = view.color(i)
        lit = [highlight is None or category_key(x) == highlight for x in xs]
        brushes = [pg.mkBrush(color if on else muted(color, count)) for on in lit]
        if horizontal:
            view._items[i].setOpts(x0=0, width=values, y=pos, height=thick * 0.9,
                                   x=None, brushes=brushes)
        else:
            view._items[i].setOpts(x=pos, height=values, width=thick * 0.9, brushes=brushes)
        for k, (p, y) in enumerate(zip(pos, ys, strict=True)):
            gap = GAP * per_px * (1 if y >= 0 else -1)
            if horizontal:
                where, anchor = (y + gap, float(p)), (0.0 if y >= 0 else 1.0, 0.5)
            else:
                where, anchor = (float(p), y + gap), (0.5, 1.0 if y >= 0 else 0.0)
            label = view._label(i, k)
            if getattr(label, "_kiosk_px", None) != px:
                label.setFont(font(px * view.ctx.scale, bold=True))
                label._kiosk_px = px
            ct.set_label(label, texts[i][k], where, anchor,
                         color if lit[k] else ct.MUTED_LABEL)
        for label in view._labels[i][len(ys):]:  # bars that are gone
            ct.set_label(label, "", None)
    _category_axis(view, plot_w, plot_h)


def _value_texts(view: ChartView, data: list[tuple[list[Any], list[float]]],
                 bar: float) -> tuple[list[list[str]], float]:
    """Each bar's value label, and their size. Side by side bars (several series) keep their
    labels within their own width: the size steps down, never below the floor, then the
    unit goes (the numbers are then those of the value axis)."""
    texts = [[view.value_text(y) for y in ys] for _, ys in data]
    px = float(ct.VALUE_PX)
    if view.horizontal or len(data) < 2:
        return texts, px

    def widest(rows: list[list[str]], size: float) -> float:
        return max((ct.width(t, size, True) for ts in rows for t in ts), default=0.0)

    while px > ct.TICK_PX and widest(texts, px) > bar - 6:
        px -= 2
    if widest(texts, px) > bar - 6:  # the numbers alone, in the axis's own unit
        texts = [[minus(fmt(y, view.slide.decimals)) for y in ys] for _, ys in data]
        px = float(ct.VALUE_PX)
        while px > ct.TICK_PX and widest(texts, px) > bar - 6:
            px -= 2
    return texts, max(px, float(ct.TICK_PX))


def _category_axis(view: ChartView, plot_w: float, plot_h: float) -> None:
    """Category names, broken by phrase to fit: under each vertical bar, or in a column
    left of horizontal ones, never shrunk below their size."""
    plot = view._widget.getPlotItem()
    names = [view.category_label(n) for n in view._categories]
    n = max(1, len(names))
    s, lang = view.ctx.scale, view.ctx.lang
    line = ct.line_height(ct.CATEGORY_PX)
    if view.horizontal:
        area = view.last_rect.width() or view.ctx.canvas.width() - 2 * theme.MARGIN
        column = min(max(ct.width(t, ct.CATEGORY_PX) for t in names) if names else 0,
                     area * (0.42 if view.ctx.portrait else 0.34))
        wrapped = [ct.wrap(t, column, ct.CATEGORY_PX, lang) for t in names]
        widest = max((ct.width(x, ct.CATEGORY_PX) for w in wrapped for x in w), default=0)
        axis = plot.getAxis("left")
        _set_size(axis, "width", int((widest + 14 + 16) * s))
        plot.setYRange(-0.5, n - 0.5, padding=0)
    else:
        slot = plot_w / n * 0.92
        wrapped = [ct.wrap(t, slot, ct.CATEGORY_PX, lang) for t in names]
        lines = max((len(w) for w in wrapped), default=1)
        axis = plot.getAxis("bottom")
        _set_size(axis, "height", int((lines * line + 14 + 18) * s))
        plot.setXRange(-0.5, n - 0.5, padding=0)
    ticks = [(float(i), "\n".join(w)) for i, w in enumerate(wrapped)]
    if getattr(axis, "_kiosk_ticks", None) != ticks:
        axis.setTicks([ticks, []])
        axis._kiosk_ticks = ticks


def _set_size(axis: Any, which: str, px: int) -> None:
    if (axis.width() if which == "width" else axis.height()) != px:
        (axis.setWidth if which == "width" else axis.setHeight)(px)


def compact_height(view: ChartView) -> float:
    """Horizontal bars take rows of at most ROW_MAX (more for names of several lines): on a
    tall portrait screen the chart ends under its last bar instead of stretching the bars
    into slabs."""
    n = max(1, len(view._categories))
    axis = ct.line_height(ct.TICK_PX) + 14 + 12 + ct.TICK_PX
    lines = max((t.count("\n") + 1 for t in _tick_texts(view)), default=1)
    row = max(ROW_MAX, lines * ct.line_height(ct.CATEGORY_PX) + 40)
    return n * row + axis


def _tick_texts(view: ChartView) -> list[str]:
    axis = view._widget.getPlotItem().getAxis("left") if view._widget is not None else None
    return [text for _, text in getattr(axis, "_kiosk_ticks", None) or []]
