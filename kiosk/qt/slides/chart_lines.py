"""Lines in the FT / Bloomberg manner (#13 §3): the latest value is written right of the
line's end, in room kept free for it, so the line never runs through its own label (the
portrait "66.5%" collision); a simulated line says so there too."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QTextDocument

from kiosk.qt.slides import chart_text as ct
from kiosk.qt.slides.chart_data import fmt

if TYPE_CHECKING:
    from kiosk.qt.slides.chart import ChartView

LIVE_MIN_SPAN_S = 60.0  # a live chart's time axis spans a minute at least
GAP = 16  # design px between a line's last point and its value
MARK_SHARE = 0.22  # a one-line 模拟 · SIMULATED wider than this share of the plot: two lines


class TimeAxis(pg.DateAxisItem):  # type: ignore[misc]
    """Clock times under a live line: one level of round times, spaced for labels read
    from afar, and none past the last reading (the room right of it holds the value)."""

    until: float | None = None

    def tickValues(self, low: float, high: float, size: float) -> list[Any]:
        levels = super().tickValues(low, high, size * 0.5)  # half the density pyqtgraph picks
        until = self.until if self.until is not None else high
        levels = [(spacing, [v for v in values if v <= until + 1e-6])
                  for spacing, values in levels]
        # the coarsest level with two times or more (a day's level is empty over minutes)
        for spacing, values in levels:
            if len(values) >= 2:
                return [(spacing, values)]
        return levels[-1:]


def _mark_lines(view: ChartView, plot_w: float) -> list[str]:
    mark = ct.sim_mark(view.ctx.lang, view.ctx.deck)
    if " · " in mark and ct.width(mark, ct.MARK_PX) > plot_w * MARK_SHARE:
        return mark.split(" · ")
    return [mark]


def _label_html(view: ChartView, name: str, value: str, color: str, mark: list[str]) -> str:
    """The value in bold, after the line's name (several lines), above the mark."""
    s = view.ctx.scale
    html = ""
    if name:
        html += (f'<span style="font-size:{round(ct.KEY_PX * s)}px; font-weight:400; '
                 f'color:{color}">{escape(name)}&nbsp;</span>')
    html += (f'<span style="font-size:{round(ct.VALUE_PX * s)}px; font-weight:700; '
             f'color:{color}">{escape(value)}</span>')
    if mark:
        html += (f'<br><span style="font-size:{round(ct.MARK_PX * s)}px; font-weight:400; '
                 f'color:{ct.TICK_TEXT.name()}">{"<br>".join(map(escape, mark))}</span>')
    return html


def _value_centre(label: Any) -> float:
    """The anchor (a fraction of the label's height) at the middle of its value line."""
    doc: QTextDocument = label.textItem.document()
    layout = doc.firstBlock().layout()
    height = label.textItem.boundingRect().height()
    if layout is None or layout.lineCount() == 0 or height <= 0:
        return 0.5
    first = layout.lineAt(0)
    return float((doc.documentMargin() + first.y() + first.height() / 2) / height)


def refresh_lines(view: ChartView, data: list[tuple[list[Any], list[float]]]) -> None:
    """Lines, their end dots and values, the axes' ranges, in place."""
    slide = view.slide
    plot_w, plot_h = view.plot_px()
    xs_all: list[float] = []
    ends: list[tuple[int, float, float]] = []
    for i, (xs, ys) in enumerate(data):
        x, y = view.x_positions(xs), np.asarray(ys, float)
        if slide.series[i].source:
            view._items[i].setData(x, y, antialias=view.smooth_is_cheap(x, y))
        else:
            view._items[i].setData(x, y)
        if view._ends[i] is not None:
            view._ends[i].setData(x[-1:], y[-1:])
        xs_all.extend((float(x[0]), float(x[-1])) if len(x) else ())
        if len(x):
            ends.append((i, float(x[-1]), float(y[-1])))
    ys_all = [y for _, ys in data for y in ys]
    scale = view.fit_scale(ys_all, 0, plot_h)
    view.set_value_axis(scale)
    # the room right of the lines' ends: as wide as the widest value label (and mark)
    marks = {i: _mark_lines(view, plot_w) for i, _, _ in ends if view._simulated[i]}
    # several lines: each is named at its end (direct labels, no key to look up)
    names = {i: view.ctx.primary(slide.series[i].name) if len(slide.series) > 1 else ""
             for i, _, _ in ends}
    room = max([ct.width(view.value_text(y), ct.VALUE_PX, True)
                + (ct.width(names[i] + " ", ct.KEY_PX) if names[i] else 0) for i, _, y in ends]
               + [ct.width(m, ct.MARK_PX) for lines in marks.values() for m in lines] + [0])
    low_x, high_x = _x_range(view, xs_all, data, (room + GAP + 12) / max(1.0, plot_w))
    per_px_x = (high_x - low_x) / max(1.0, plot_w)
    per_px_y = (scale.high - scale.low) / max(1.0, plot_h)
    half = ct.line_height(ct.VALUE_PX, True) / 2 * per_px_y
    placed = _spread([(i, y) for i, _, y in ends], 2 * half, scale.low + half,
                     scale.high - half)
    for i, x_end, _y in ends:
        label = view._label(i, 0)
        text = view.value_text(_y)
        where = (x_end + GAP * per_px_x, placed[i])
        if i in marks or names[i]:
            html = _label_html(view, names[i], text, view.color(i).name(), marks.get(i, []))
            ct.set_label(label, html, where, html=True)
            anchor = (0.0, _value_centre(label))  # the value's line centred on the point
            if getattr(label, "_kiosk_anchor", None) != anchor:
                label.setAnchor(anchor)
                label._kiosk_anchor = anchor
        else:
            ct.set_label(label, text, where, (0.0, 0.5))
    for i, (xs, _) in enumerate(data):
        if not xs and view._labels[i]:
            ct.set_label(view._labels[i][0], "", None)


def _x_range(view: ChartView, xs: list[float], data: list[tuple[list[Any], list[float]]],
             room: float) -> tuple[float, float]:
    """The x axis: the data with a little air on the left, and ``room`` (a share of the plot's
    width) free right of the last point for its value."""
    plot = view._widget.getPlotItem()
    bottom = plot.getAxis("bottom")
    if view._categories:
        names = [view.category_label(n) for n in view._categories]
        ticks = [(float(i), t) for i, t in enumerate(names)]
        if getattr(bottom, "_kiosk_ticks", None) != ticks:
            bottom.setTicks([ticks, []])
            bottom._kiosk_ticks = ticks
        low, high = -0.3, len(names) - 1.0
    elif xs:
        low, high = min(xs), max(xs)
        if view.live:  # at least a minute: the time axis then reads 06:40:30, not
            low = min(low, high - LIVE_MIN_SPAN_S)  # "43.500" (seconds.ms)
            if isinstance(bottom, TimeAxis):
                bottom.until = high
        points = sorted({float(x) for series_xs, _ in data for x in series_xs})
        if not view.live and len(points) <= 12 and all(x.is_integer() for x in points):
            ticks = [(x, fmt(x)) for x in points]
            if getattr(bottom, "_kiosk_ticks", None) != ticks:
                bottom.setTicks([ticks, []])
                bottom._kiosk_ticks = ticks
        span = (high - low) or 1.0
        low -= span * 0.03
    else:
        low, high = 0.0, 1.0
    room = min(room, 0.6)
    high = high + (high - low) * room / (1 - room)
    plot.setXRange(low, high, padding=0)
    return low, high


def _spread(ends: list[tuple[int, float]], height: float, low: float,
            high: float) -> dict[int, float]:
    """Each line's label centre: at its last value, kept inside the plot, and pushed apart
    from its neighbours' by at least ``height`` (two lines ending close together)."""
    order = sorted(ends, key=lambda e: e[1])
    ys = [min(max(y, low), high) for _, y in order]
    for k in range(1, len(ys)):
        ys[k] = max(ys[k], ys[k - 1] + height)
    if ys and ys[-1] > high:  # pushed out of the top: push back down
        ys[-1] = high
        for k in range(len(ys) - 2, -1, -1):
            ys[k] = min(ys[k], ys[k + 1] - height)
    return {i: y for (i, _), y in zip(order, ys, strict=True)}
