"""Chart slide: pyqtgraph styled for a big screen, rendered into a cached device-size image.

pyqtgraph and numpy are imported by this module only; the stage imports it lazily (after
the first frame, never during a transition). Plot items are created once and later updated
with ``setData``; the plot widget is never shown: it renders into an image that is redrawn
only when the data or the size changes.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QResizeEvent

from kiosk.core.deck import DRAWABLE_LIMIT, ChartSlide, Series, category_key
from kiosk.core.values import Text
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides.base import SlideView, ViewContext

log = logging.getLogger(__name__)
pg.setConfigOptions(antialias=True, background=None, foreground=theme.MUTED.name())


def _inline(series: Series) -> tuple[list[Any], list[float]]:
    data = series.data or ()
    return [x for x, _ in data], [y for _, y in data]


def _drawable(ax: Any, ay: Any) -> tuple[Any, Any]:
    """A feed's points (arrays) as the plot can draw them. A feed may deliver any finite
    float, 1e308 included, and pyqtgraph refuses an infinite axis range (#18 F): points that
    are not finite are skipped, the others clamped to the bound a deck's own values keep."""
    if not ax.size or (np.isfinite(ax).all() and np.isfinite(ay).all()
                       and max(np.abs(ax).max(), np.abs(ay).max()) < DRAWABLE_LIMIT):
        return ax, ay  # the usual case: nothing to change
    keep = np.isfinite(ax) & np.isfinite(ay)
    bound = np.nextafter(DRAWABLE_LIMIT, 0)
    return np.clip(ax[keep], -bound, bound), np.clip(ay[keep], -bound, bound)


def decimate(ax: Any, ay: Any, columns: int) -> tuple[Any, Any]:
    """At most two points per pixel column, in their order: the lowest and the highest of
    each, plus the series' first and last point. Under a pen several pixels wide, that line
    covers the pixels of the line through every point: its extremes and its ends stay. A
    100,000-point window drew 100,000 segments on the UI thread, 1-3 s per rewrite (#18 B).
    Points whose x goes back are grouped by position instead (runs of len/columns), which
    keeps their order."""
    n = len(ax)
    if n <= 2 * columns + 2:
        return ax, ay
    if bool(np.all(ax[1:] >= ax[:-1])):  # the usual case: time goes forward
        low, span = ax[0], (ax[-1] - ax[0]) or 1.0
        keys = np.minimum(((ax - low) * (columns / span)).astype(np.int64), columns - 1)
    else:
        keys = np.arange(n, dtype=np.int64) * columns // n
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    lowest = _first_per_run(ay == np.minimum.reduceat(ay, starts)[run], run)
    highest = _first_per_run(ay == np.maximum.reduceat(ay, starts)[run], run)
    keep = np.unique(np.concatenate([[0, n - 1], lowest, highest]))
    return ax[keep], ay[keep]


def _first_per_run(hits: Any, run: Any) -> Any:
    """The index of the first True in each run (every run has one)."""
    index = np.flatnonzero(hits)
    _, first = np.unique(run[index], return_index=True)
    return index[first]


def _fmt(value: float, decimals: int | None = None) -> str:
    if abs(value) >= DRAWABLE_LIMIT / 10:  # no 16-digit labels across the plot (#18 F)
        return f"{value:.3g}"
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


LIVE_MIN_SPAN_S = 60.0  # a live chart's time axis spans a minute at least
SMOOTH_BUDGET_PX = 150_000  # antialiased area (line length x pen width) per live line
LINE_ABOVE, LINE_BELOW = (1.0, 1.25), (1.0, -0.25)  # a line label's anchor: above or below


class ChartView(SlideView):
    slide: ChartSlide

    def __init__(self, slide: ChartSlide, ctx: ViewContext) -> None:
        super().__init__(slide, ctx)
        self._widget: Any = None
        self._items: list[Any] = []
        self._labels: list[Any] = []
        self._image: QImage | None = None
        self._categories: list[str] = []
        self._category_texts: dict[str, Text] = {}
        self.renders = 0  # how often the plot was re-rendered (tests, benchmarks)
        self.last_rect = QRectF()  # where the plot was drawn, in design px
        self.live = any(series.source for series in slide.series)
        self._versions: tuple[int, ...] = ()

    # ------------------------------------------------------------------ data
    def _points(self, series: Series) -> tuple[list[Any], list[float]]:
        """Inline data, or the bounded series of the feed it is bound to."""
        if not series.source:
            return _inline(series)
        feeds = self.ctx.feeds
        feed = feeds.feeds.get(series.source) if feeds is not None else None
        if feed is None:
            return [], []
        pairs = np.fromiter(itertools.chain.from_iterable(feed.points), float,
                            2 * len(feed.points)).reshape(-1, 2)
        ax, ay = _drawable(pairs[:, 0], pairs[:, 1])
        # the canvas's width in device pixels: the plot is narrower, so columns are finer
        ax, ay = decimate(ax, ay, max(1, round(self.ctx.canvas.width() * self.ctx.scale)))
        return ax.tolist(), ay.tolist()

    def _feed_versions(self) -> tuple[int, ...]:
        feeds = self.ctx.feeds
        if not self.live or feeds is None:
            return ()
        return tuple(feeds.feeds[s.source].version if s.source in feeds.feeds else -1
                     for s in self.slide.series if s.source)

    def data_changed(self) -> None:
        """New feed data: update the plot items in place and re-render the plot image now
        (from the timer that brought the data; never from inside a paint)."""
        if self._widget is None or self._feed_versions() == self._versions:
            return
        size = self._image.size() if self._image is not None else None
        self.refresh()
        if size is not None:
            self._render(size)

    def on_show(self) -> None:
        self.data_changed()  # catch up on what arrived while the slide was off screen

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        s = self.ctx.scale
        axes = {"bottom": pg.DateAxisItem(orientation="bottom")} if self.live else {}
        widget = pg.PlotWidget(background=None, axisItems=axes)
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.setFrameShape(widget.Shape.NoFrame)
        # never shown: a shown widget, even off screen, gets a backing store of its own (5 MB
        # of X shared memory at 1080p) and repaints into it after every change, for nobody.
        # _render lays the hidden widget out at the size it renders.
        plot = widget.getPlotItem()
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.getViewBox().setMouseEnabled(False, False)
        plot.showGrid(x=False, y=True, alpha=0.18)
        tick_font = font(26 * s)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(theme.MUTED, width=max(1, 2 * s)))
            axis.setTextPen(pg.mkPen(theme.TEXT))
            axis.setStyle(tickFont=tick_font, tickTextOffset=int(14 * s),
                          tickLength=int(-10 * s))
        plot.getAxis("left").setWidth(int(130 * s))
        plot.getAxis("bottom").setHeight(int(70 * s))
        label_css = {"color": theme.MUTED.name(), "font-size": f"{int(24 * s)}px",
                     "font-family": font(12).family()}
        if self.slide.y_label:
            plot.setLabel("left", self.ctx.primary(self.slide.y_label), **label_css)
        if self.slide.x_label:
            plot.setLabel("bottom", self.ctx.primary(self.slide.x_label), **label_css)
        if len(self.slide.series) > 1 or self.slide.chart == "line":
            legend = plot.addLegend(offset=(int(30 * s), int(10 * s)),
                                    labelTextSize=f"{int(26 * s)}px",
                                    labelTextColor=theme.TEXT.name(),
                                    brush=pg.mkBrush(6, 16, 31, 170))
            legend.setLabelTextSize(f"{int(26 * s)}px")
        self._widget = widget
        self._items = [self._make_item(plot, i, series)
                       for i, series in enumerate(self.slide.series)]
        self._labels = [[] for _ in self.slide.series]
        self.refresh()

    def color(self, index: int) -> QColor:
        series = self.slide.series[index]
        return QColor(series.color or theme.SERIES[index % len(theme.SERIES)])

    def _make_item(self, plot: Any, index: int, series: Series) -> Any:
        s, color = self.ctx.scale, self.color(index)
        name = self.ctx.primary(series.name)
        if self.slide.chart == "bar":
            item = pg.BarGraphItem(x=[0], height=[0], width=0.6, brush=pg.mkBrush(color),
                                   pen=pg.mkPen(None), name=name)
            plot.addItem(item)
            return item
        if series.source:  # a live series: many points, a clean thick line
            item = plot.plot([], [], pen=pg.mkPen(color, width=5 * s), name=name)
            # one stroke per segment: Qt strokes a thick antialiased path as one outline,
            # 0.7 s for 300 noisy points and 10 s and more for a dense window (#18 B)
            item.curve.setSegmentedLineMode("on")
            return item
        return plot.plot([], [], pen=pg.mkPen(color, width=6 * s), symbol="o",
                         symbolSize=16 * s, symbolBrush=color,
                         symbolPen=pg.mkPen(theme.BG_BOTTOM, width=3 * s), name=name)

    def _label(self, series: int, point: int) -> Any:
        """The value label of a point, created once and reused (no per-update items)."""
        labels = self._labels[series]
        while len(labels) <= point:
            labels.append(self._make_label(self._widget.getPlotItem(), series))
        return labels[point]

    def _make_label(self, plot: Any, index: int) -> Any:
        # bars: centred above the bar; lines: above the last point, ending at it
        anchor = (0.5, 1.15) if self.slide.chart == "bar" else LINE_ABOVE
        label = pg.TextItem("", color=self.color(index), anchor=anchor)
        label.setFont(font(30 * self.ctx.scale, bold=True))
        plot.addItem(label)
        return label

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """Push the series' data into the existing plot items (setData, no re-plotting)."""
        if self._widget is None:
            return
        self._versions = self._feed_versions()
        data = [self._points(s) for s in self.slide.series]  # once: a feed has 300+ points
        self._categories = self._category_names([xs for xs, _ in data])
        count = len(self.slide.series)
        for i, (xs, ys) in enumerate(data):
            x = self._x_positions(xs)
            if self.slide.chart == "bar":
                width = 0.7 / count
                offset = (i - (count - 1) / 2) * width
                self._items[i].setOpts(x=x + offset, height=np.asarray(ys, float),
                                       width=width * 0.9)
            elif self.slide.series[i].source:
                y = np.asarray(ys, float)
                self._items[i].setData(x, y, antialias=self._smooth_is_cheap(x, y))
            else:
                self._items[i].setData(x, np.asarray(ys, float))
            self._place_label(i, x, ys, offset=(i - (count - 1) / 2) * (0.7 / count)
                              if self.slide.chart == "bar" else 0.0)
        self._set_axes(data)
        self._image = None
        if not self.live:  # a live plot is drawn over the layer: the layer stays as it is
            self.invalidate()

    def _smooth_is_cheap(self, x: Any, y: Any) -> bool:
        """Antialias a live line only while that stays cheap. Qt antialiases a thick stroke
        under the plot's scaling at about 0.3 us per pixel it covers: a smooth line across
        the plot costs a few ms, a dense or jagged one (a noisy window, a 0/1 signal) covered
        the plot in 4 s. The covered area is estimated from the data's own span (the view
        is wider: an overestimate), against a budget of about 40 ms (#18 B)."""
        if len(x) < 2:
            return True
        s, canvas = self.ctx.scale, self.ctx.canvas
        x_px = canvas.width() * s / ((x.max() - x.min()) or 1.0)
        y_px = canvas.height() * s / ((y.max() - y.min()) or 1.0)
        length = float(np.hypot(np.diff(x) * x_px, np.diff(y) * y_px).sum())
        return length * 5 * s <= SMOOTH_BUDGET_PX

    def _place_label(self, i: int, x: Any, ys: list[float], offset: float) -> None:
        """Label the last point of a line (one label, moved); every bar of a bar chart."""
        bars = self.slide.chart == "bar"
        shown = range(len(ys)) if bars else range(max(0, len(ys) - 1), len(ys))
        for k in shown:
            # a line's label goes on the side of its last point that the line leaves free
            anchor = None if bars else LINE_ABOVE if _line_lies_below(ys) else LINE_BELOW
            _set_label(self._label(i, k if bars else 0),
                       f"{_fmt(ys[k], self.slide.decimals)}{self.ctx.primary(self.slide.unit)}",
                       (float(x[k]) + offset, float(ys[k])), anchor)
        for label in self._labels[i][len(shown):]:  # bars that are gone
            _set_label(label, "", None)

    def _category_names(self, xs_all: list[list[Any]]) -> list[str]:
        names: list[str] = []
        self._category_texts = {}
        inline = [xs for xs, series in zip(xs_all, self.slide.series, strict=True)
                  if not series.source]  # a feed's x are numbers: no need to scan 300 of them
        if self.slide.chart == "bar" or any(not isinstance(x, float | int)
                                            for xs in inline for x in xs):
            for xs in xs_all:
                for x in xs:
                    key = category_key(x)
                    text = key if isinstance(key, str) else _fmt(float(key))
                    if text not in names:
                        names.append(text)
                        if isinstance(x, Text):
                            self._category_texts[text] = x
        return names

    def _category_label(self, name: str) -> str:
        """A category's name in the language on screen ({zh, en} names), or as written."""
        text = self._category_texts.get(name)
        return self.ctx.primary(text) if text is not None else self.ctx.plain(name)

    def _x_positions(self, xs: list[Any]) -> Any:
        if self._categories:
            keys = [category_key(x) for x in xs]
            return np.asarray([self._categories.index(k if isinstance(k, str) else _fmt(k))
                               for k in keys], float)
        return np.asarray(xs, float)

    def _wrapped(self, names: list[str]) -> list[str]:
        """Break long category names into lines that fit their slot under the axis."""
        plot_w = self.ctx.canvas.width() - 2 * theme.MARGIN - 130
        per_line = max(2, int(plot_w / max(1, len(names)) / (26 * 1.08)))
        return ["\n".join(n[i:i + per_line] for i in range(0, len(n), per_line)) for n in names]

    def _set_axes(self, data: list[tuple[list[float | str], list[float]]]) -> None:
        plot = self._widget.getPlotItem()
        bottom = plot.getAxis("bottom")
        ys = [y for _, series_ys in data for y in series_ys]
        top = max(ys) if ys else 1.0
        low = min([0.0, *ys]) if self.slide.chart == "bar" else (min(ys) if ys else 0.0)
        if self._categories:
            names = self._wrapped([self._category_label(name) for name in self._categories])
            lines = max(n.count("\n") + 1 for n in names)
            bottom.setHeight(int((lines * 26 * 1.35 + 40) * self.ctx.scale))
            bottom.setTicks([list(enumerate(names))])
            plot.setXRange(-0.6, len(self._categories) - 0.4, padding=0)
        else:
            xs = [float(x) for series_xs, _ in data for x in series_xs]
            if not self.live and xs and all(float(x).is_integer() for x in xs) and (
                    len(set(xs)) <= 12):
                bottom.setTicks([[(x, _fmt(x)) for x in sorted(set(xs))]])
            if xs:
                low_x, high_x = min(xs), max(xs)
                if self.live:  # at least a minute: the time axis then reads 06:40:30, not
                    low_x = min(low_x, high_x - LIVE_MIN_SPAN_S)  # "43.500" (seconds.ms)
                span = (high_x - low_x) or 1.0
                plot.setXRange(low_x - span * 0.06, high_x + span * 0.1, padding=0)
        y_min = self.slide.y_min if self.slide.y_min is not None else low
        y_max = self.slide.y_max if self.slide.y_max is not None else top * 1.18
        if self.slide.chart == "line" and self.slide.y_min is None:
            y_min = low - (top - low) * 0.15
        plot.setYRange(y_min, y_max if y_max > y_min else y_min + 1, padding=0)

    # ------------------------------------------------------------------ painting
    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        s = self.ctx.scale
        size = QSize(max(1, round(rect.width() * s)), max(1, round(rect.height() * s)))
        if self._widget is None:
            self._build()
        if self._image is None or self._image.size() != size:
            self._render(size)
        self.last_rect = QRectF(rect)
        if not self.live:  # a live plot is drawn over the layer, so data never re-lays it
            self._draw_plot(p)

    def paint_over(self, p: QPainter, elapsed: float) -> None:
        if self.live:
            if self._image is None and not self.last_rect.isEmpty():  # new data since
                s = self.ctx.scale
                self._render(QSize(max(1, round(self.last_rect.width() * s)),
                                   max(1, round(self.last_rect.height() * s))))
            self._draw_plot(p)

    def _draw_plot(self, p: QPainter) -> None:
        if self._image is not None:
            p.drawImage(self.last_rect, self._image)

    def _render(self, size: QSize) -> None:
        if self._widget.size() != size:
            old = self._widget.size()
            self._widget.resize(size)
            # a hidden widget only notes a resize: deliver it now, then let the plot's
            # layout follow before it is rendered
            for target in (self._widget, self._widget.viewport()):
                QCoreApplication.sendEvent(target, QResizeEvent(size, old))
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._widget.render(painter)
        finally:
            painter.end()
        self._image = image
        self.renders += 1

    def release(self) -> None:
        """The plot image goes; the plot widget and its items stay (cheap to re-render)."""
        super().release()
        self._image = None

    def buffer_bytes(self) -> int:
        image = self._image.sizeInBytes() if self._image is not None else 0
        return super().buffer_bytes() + image

    def dispose(self) -> None:
        super().dispose()
        if self._widget is not None:
            self._widget.getPlotItem().clear()
            self._widget.deleteLater()
            self._widget = None
        self._items, self._labels = [], []


def _line_lies_below(ys: list[float]) -> bool:
    """True when the line's last stretch (the width of its label, about a sixth of the
    points) runs mostly below its last point, so the label above it stays clear."""
    recent = ys[-max(2, len(ys) // 6) - 1:-1]
    if not recent:
        return True
    last = ys[-1]
    return max(recent) - last <= last - min(recent)


def _set_label(label: Any, text: str, pos: tuple[float, float] | None,
               anchor: tuple[float, float] | None = None) -> None:
    """Only what changed: setText re-lays out rich text (~70 us), every update otherwise."""
    if getattr(label, "_kiosk_text", None) != text:
        label.setText(text)
        label._kiosk_text = text
    if pos is not None and getattr(label, "_kiosk_pos", None) != pos:
        label.setPos(*pos)
        label._kiosk_pos = pos
    if anchor is not None and getattr(label, "_kiosk_anchor", None) != anchor:
        label.setAnchor(anchor)
        label._kiosk_anchor = anchor
