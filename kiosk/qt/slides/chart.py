"""Chart slide in the FT / Bloomberg manner (#13 §3): pyqtgraph styled for a big screen,
rendered into a cached device-size image.

The title states the takeaway; under it a subtitle says what is measured and in which unit.
Light major gridlines on the value axis only, both of its ends labelled, no tick marks, no
legend box for one series: values sit on the bars and at a line's end. One bar may be
highlighted, the others muted. Long category names or a portrait screen turn bars
horizontal. A simulated line carries 模拟 · SIMULATED beside its value.

pyqtgraph and numpy are imported by the chart modules only; the stage imports them lazily
(after the first frame, never during a transition). Plot items are created once and later
updated with ``setData``; the plot widget is never shown: it renders into an image that is
redrawn only when the data or the size changes.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QResizeEvent

from kiosk.core.deck import ChartSlide, Series, SimSource, category_key
from kiosk.core.values import Text
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides import chart_text as ct
from kiosk.qt.slides.base import SlideView, ViewContext
from kiosk.qt.slides.chart_axes import (
    fit_scale,
    make_gridlines,
    set_holes,
    set_value_axis,
    style_axes,
)
from kiosk.qt.slides.chart_bars import compact_height, refresh_bars
from kiosk.qt.slides.chart_data import decimate, drawable, fmt, inline, one_per_moment
from kiosk.qt.slides.chart_frame import ChartFrame
from kiosk.qt.slides.chart_lines import TimeAxis, refresh_lines
from kiosk.qt.slides.chart_scale import Scale

__all__ = ["ChartView", "decimate"]

log = logging.getLogger(__name__)
pg.setConfigOptions(antialias=True, background=None, foreground=theme.MUTED.name())

SMOOTH_BUDGET_PX = 150_000  # antialiased area (line length x pen width) per live line


class ChartView(SlideView):
    slide: ChartSlide

    def __init__(self, slide: ChartSlide, ctx: ViewContext) -> None:
        super().__init__(slide, ctx)
        self._widget: Any = None
        self._items: list[Any] = []
        self._labels: list[Any] = []
        self._ends: list[Any] = []  # the dot at each live line's last point
        self._grid: list[Any] = []
        self._image: QImage | None = None
        self._categories: list[str] = []
        self._category_texts: dict[str, Text] = {}
        self.renders = 0  # how often the plot was re-rendered (tests, benchmarks)
        self.last_rect = QRectF()  # where the plot was drawn, in design px
        self.live = any(series.source for series in slide.series)
        self._versions: tuple[int, ...] = ()
        self.frame = ChartFrame(slide, ctx)
        self.horizontal = False
        self.scale_: Scale | None = None
        self._simulated = [self._is_simulated(s) for s in slide.series]

    def _is_simulated(self, series: Series) -> bool:
        spec = self.ctx.deck.sources.get(series.source) if series.source else None
        return isinstance(spec, SimSource) and spec.label

    # ------------------------------------------------------------------ data
    def _points(self, series: Series) -> tuple[list[Any], list[float]]:
        """Inline data, or the bounded series of the feed it is bound to."""
        if not series.source:
            return inline(series)
        feeds = self.ctx.feeds
        feed = feeds.feeds.get(series.source) if feeds is not None else None
        if feed is None:
            return [], []
        pairs = np.fromiter(itertools.chain.from_iterable(feed.points), float,
                            2 * len(feed.points)).reshape(-1, 2)
        ax, ay = one_per_moment(*drawable(pairs[:, 0], pairs[:, 1]))
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
        self._categories = self._category_names([xs for xs, _ in map(self._points,
                                                                      self.slide.series)])
        self.horizontal = self.slide.chart == "bar" and bool(self._categories) and (
            self.frame.wants_horizontal(self._category_texts_in_order()))
        axes = {"bottom": TimeAxis(orientation="bottom")} if self.live else {}
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
        plot.getViewBox().setDefaultPadding(0)
        if self.horizontal:
            plot.getViewBox().invertY(True)  # the first category on top, read like a list
        style_axes(plot, self.ctx.scale, self.horizontal, bool(self._categories))
        self._widget = widget
        self._grid = make_gridlines(plot, self.ctx.scale, self.horizontal)
        self._items = [self._make_item(plot, i, series)
                       for i, series in enumerate(self.slide.series)]
        self._ends = [self._make_end(plot, i) if self.slide.chart == "line" else None
                      for i in range(len(self.slide.series))]
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

    def _make_end(self, plot: Any, index: int) -> Any:
        """A dot on a live line's last point: where the value beside it is read."""
        if not self.slide.series[index].source:
            return None
        s = self.ctx.scale
        dot = pg.ScatterPlotItem([], [], size=18 * s, brush=pg.mkBrush(self.color(index)),
                                 pen=pg.mkPen(theme.BG_BOTTOM, width=3 * s))
        plot.addItem(dot)
        return dot

    def _label(self, series: int, point: int) -> Any:
        """The value label of a point, created once and reused (no per-update items)."""
        labels = self._labels[series]
        while len(labels) <= point:
            label = pg.TextItem("", color=self.color(series))
            label.setFont(font(ct.VALUE_PX * self.ctx.scale, bold=True))
            self._widget.getPlotItem().addItem(label)
            labels.append(label)
        return labels[point]

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """Push the series' data into the existing plot items (setData, no re-plotting)."""
        if self._widget is None:
            return
        self._versions = self._feed_versions()
        data = [self._points(s) for s in self.slide.series]  # once: a feed has 300+ points
        self._categories = self._category_names([xs for xs, _ in data])
        if self.slide.chart == "bar":
            refresh_bars(self, data)
        else:
            refresh_lines(self, data)
        self._image = None
        if not self.live:  # a live plot is drawn over the layer: the layer stays as it is
            self.invalidate()

    def smooth_is_cheap(self, x: Any, y: Any) -> bool:
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

    def value_text(self, value: float) -> str:
        return self.frame.value_text(value)

    def set_value_axis(self, scale: Scale) -> None:
        """Ticks at the scale's round values only, both ends labelled, each a gridline."""
        self.scale_ = scale
        set_value_axis(self._widget.getPlotItem(), self._grid, scale, self.ctx.scale,
                       self.horizontal, self.ctx.lang)

    def fit_scale(self, ys: list[float], room_px: float, span_px: float) -> Scale:
        """The value axis for ``ys`` with ``room_px`` free beyond its extremes (their
        labels), on an axis ``span_px`` long."""
        return fit_scale(self.slide, ys, room_px, span_px,
                         self.frame.tick_target(self.horizontal))

    # ------------------------------------------------------------------ categories
    def _category_names(self, xs_all: list[list[Any]]) -> list[str]:
        names: list[str] = []
        self._category_texts = {}
        inline_xs = [xs for xs, series in zip(xs_all, self.slide.series, strict=True)
                     if not series.source]  # a feed's x are numbers: no need to scan 300
        if self.slide.chart == "bar" or any(not isinstance(x, float | int)
                                            for xs in inline_xs for x in xs):
            for xs in xs_all:
                for x in xs:
                    key = category_key(x)
                    text = key if isinstance(key, str) else fmt(float(key))
                    if text not in names:
                        names.append(text)
                        if isinstance(x, Text):
                            self._category_texts[text] = x
        return names

    def _category_texts_in_order(self) -> list[Text | str]:
        return [self._category_texts.get(n, n) for n in self._categories]

    def category_label(self, name: str) -> str:
        """A category's name in the language on screen ({zh, en} names), or as written."""
        text = self._category_texts.get(name)
        return self.ctx.primary(text) if text is not None else self.ctx.plain(name)

    def x_positions(self, xs: list[Any]) -> Any:
        if self._categories:
            keys = [category_key(x) for x in xs]
            return np.asarray([self._categories.index(k if isinstance(k, str) else fmt(k))
                               for k in keys], float)
        return np.asarray(xs, float)

    # ------------------------------------------------------------------ painting
    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        s = self.ctx.scale
        if self._widget is None:
            self._build()
        area = self.frame.paint(p, rect, [self.color(i) for i in range(len(self.slide.series))],
                                categorical=bool(self._categories))
        if self.horizontal:
            area.setHeight(min(area.height(), compact_height(self)))
        size = QSize(max(1, round(area.width() * s)), max(1, round(area.height() * s)))
        self.last_rect = QRectF(area)
        if self._image is None or self._image.size() != size:
            if self._layout_at(size):
                self._settle()
            self._render(size)
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

    def _layout_at(self, size: QSize) -> bool:
        """Lay the hidden widget out at ``size``; True when that changed its size."""
        if self._widget.size() == size:
            return False
        old = self._widget.size()
        self._widget.resize(size)
        # a hidden widget only notes a resize: deliver it now, then let the plot's
        # layout follow before it is rendered
        for target in (self._widget, self._widget.viewport()):
            QCoreApplication.sendEvent(target, QResizeEvent(size, old))
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        return True

    def _settle(self) -> None:
        """Refresh until the plot box keeps its size: the room a label gets depends on the
        box, and the axes' labels (set by refresh) change the box."""
        for _ in range(3):
            before = self.plot_px()
            self.refresh()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            if self.plot_px() == before:
                return

    def _render(self, size: QSize) -> None:
        self._layout_at(size)
        # an axis that changed its width or height asked for a new layout: follow it
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        # the view box's matrix as the render will draw it (pyqtgraph updates it lazily,
        # before painting), then where the gridlines stop: worked out here, not in a paint
        self._widget.getPlotItem().getViewBox().prepareForPaint()
        set_holes(self._grid, self._labels, self.ctx.scale)
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

    def plot_px(self) -> tuple[float, float]:
        """The plot box's size in design px, as the widget lays it out at the current size."""
        box = self._widget.getPlotItem().getViewBox()
        if self._widget.width() > 1 and box.width() > 1:
            s = self.ctx.scale
            return box.width() / s, box.height() / s
        return self.frame.estimate_plot_px(self.last_rect, self.horizontal)

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
        self._items, self._labels, self._ends, self._grid = [], [], [], []

