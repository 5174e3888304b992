"""Renders frames of a deck at a device size: the slide views plus the on-screen furniture.

Shared by the window (live show) and ``kiosk export``. The stage maps the deck's design
canvas onto the device: rotated for portrait-mounted screens, a portrait canvas for portrait
screens, scaled to fit and centred. Views are created lazily and kept in a small LRU cache,
so a 1,000-slide deck holds only a few decoded photos and plots at a time.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from kiosk.core import chinese
from kiosk.core.deck import Deck
from kiosk.core.feeds import FeedHub
from kiosk.memory import trim_heap
from kiosk.qt import fonts, theme
from kiosk.qt.badges import paint_badges
from kiosk.qt.slides import make_view
from kiosk.qt.slides.base import BrokenView, SlideView, ViewContext
from kiosk.qt.text import draw_text

MAX_DOTS = 40  # more slides than this: the position as text instead of dots
CACHE_VIEWS = 5  # views kept; only the current and the next hold frame buffers (see trim)


class Stage:
    def __init__(self, deck: Deck, size: QSize, rotate: int = 0, lang: str | None = None,
                 animations: bool = True, feeds: FeedHub | None = None) -> None:
        self.deck = deck
        self.feeds = feeds
        self.rotate = rotate % 360
        self.lang = lang or deck.language
        self._use_language()
        self.animations = animations
        self._views: OrderedDict[int, SlideView] = OrderedDict()
        self._pool: ThreadPoolExecutor | None = None
        self.broken: set[int] = set()  # slides whose view raised: shown as a placeholder
        self._transform: tuple[tuple[int, int, int, float], QTransform] | None = None
        self.size = QSize()
        self.resize(size)

    # ------------------------------------------------------------------ geometry
    def resize(self, size: QSize) -> None:
        if size == self.size:
            return
        self.size = QSize(size)
        logical_w, logical_h = size.width(), size.height()
        if self.rotate in (90, 270):
            logical_w, logical_h = logical_h, logical_w
        cw, ch = self.deck.canvas
        if (logical_h > logical_w) != (ch > cw):  # portrait screen, landscape deck: re-lay out
            cw, ch = ch, cw
        self.canvas = QSizeF(cw, ch)
        self.scale = min(logical_w / cw, logical_h / ch)
        self.logical = QSizeF(logical_w, logical_h)
        # bars around the canvas when the screen's shape differs from the design
        self.letterboxed = (abs(cw * self.scale - logical_w) >= 0.5
                            or abs(ch * self.scale - logical_h) >= 0.5)
        self.clear()

    def transform(self) -> QTransform:
        """Design canvas -> device pixels (rotation, centring, scale)."""
        key = (self.size.width(), self.size.height(), self.rotate, self.scale)
        if self._transform is None or self._transform[0] != key:
            self._transform = (key, self._make_transform())
        return QTransform(self._transform[1])

    def _make_transform(self) -> QTransform:
        t = QTransform()
        w, h = self.size.width(), self.size.height()
        if self.rotate == 90:
            t.translate(w, 0)
            t.rotate(90)
        elif self.rotate == 180:
            t.translate(w, h)
            t.rotate(180)
        elif self.rotate == 270:
            t.translate(0, h)
            t.rotate(270)
        dx = (self.logical.width() - self.canvas.width() * self.scale) / 2
        dy = (self.logical.height() - self.canvas.height() * self.scale) / 2
        t.translate(dx, dy)
        t.scale(self.scale, self.scale)
        return t

    def to_canvas(self, point: QPointF) -> QPointF:
        """A device point (a touch) in design-canvas coordinates."""
        inverted, _ok = self.transform().inverted()
        return inverted.map(point)

    # ------------------------------------------------------------------ views
    def context(self) -> ViewContext:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-decode")
        return ViewContext(self.deck, self.canvas, self.scale, self.lang, self.animations,
                           self._pool, self.feeds)

    def prefetch(self, index: int) -> None:
        """Prepare slide ``index`` ahead of time (decode off-thread, render its layer)."""
        self._aside(index).prepare()

    def warm(self, index: int) -> None:
        """Start the off-thread part of preparing slide ``index`` (a swipe may bring it)."""
        self._aside(index).warm()

    def _aside(self, index: int) -> SlideView:
        """The view of a slide that is not on screen, leaving the one on screen most recent."""
        current = next(reversed(self._views), None)
        view = self.view(index)
        if current is not None:
            self._views.move_to_end(current)
        return view

    def held_bytes(self) -> dict[int, int]:
        """Image bytes each cached view holds, by slide index (tests and benchmarks)."""
        return {index: view.buffer_bytes() for index, view in self._views.items()}

    def trim(self, keep: set[int]) -> None:
        """Free the frame-sized buffers of cached views other than ``keep`` (the slide on
        screen and the next one). The previous slide keeps its view, not its 8-18 MB."""
        for index, view in self._views.items():
            if index not in keep:
                view.release()

    def view(self, index: int) -> SlideView:
        view = self._views.get(index)
        if view is None:
            slide = self.deck.slides[index]
            view = (BrokenView(slide, self.context()) if index in self.broken
                    else make_view(slide, self.context()))
            self._views[index] = view
            while len(self._views) > CACHE_VIEWS:
                _, old = self._views.popitem(last=False)
                old.dispose()
        self._views.move_to_end(index)
        return view

    def mark_broken(self, index: int) -> None:
        """A view raised: from now on this slide shows a placeholder (the show goes on)."""
        self.broken.add(index)
        view = self._views.pop(index, None)
        if view is not None:
            with contextlib.suppress(Exception):  # it is broken already
                view.dispose()

    def clear(self) -> None:
        for view in self._views.values():
            view.dispose()
        self._views.clear()

    def close(self) -> None:
        """Free every view and stop the decoding thread."""
        self.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def set_language(self, lang: str) -> None:
        if lang != self.lang:
            self.lang = lang
            self._use_language()
            self.clear()

    def _use_language(self) -> None:
        """Fonts and texts for the language on screen: the Traditional font first for
        zh-Hant (or under English when the deck's Chinese is Traditional), and the texts'
        Traditional forms derived now if they are needed and not there yet (#14)."""
        shown = (self.lang, self.deck.partner(self.lang))
        fonts.use_language(self.lang if self.lang in ("zh", "zh-Hant") else shown[1])
        if "zh-Hant" in shown:
            _derive_and_release(self.deck)

    def warm_languages(self) -> None:
        """Derive the Traditional texts on the worker, so the first tap on 繁 is instant
        (called after the first frame: the conversion never delays it)."""
        if "zh-Hant" in self.deck.languages:
            self.context()  # the worker
            assert self._pool is not None
            self._pool.submit(_derive_and_release, self.deck)

    # ------------------------------------------------------------------ painting
    def paint(self, p: QPainter, index: int, elapsed: float) -> None:
        """Paint slide ``index`` as it looks ``elapsed`` seconds after it settled."""
        p.save()
        try:
            if self.letterboxed:
                p.fillRect(QRectF(0, 0, self.size.width(), self.size.height()), QColor("black"))
            p.setTransform(self.transform(), True)
            p.setClipRect(QRectF(0, 0, self.canvas.width(), self.canvas.height()))
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            self.view(index).paint(p, elapsed)
        finally:
            p.restore()

    def paint_furniture(self, p: QPainter, position: int, count: int, progress: float) -> None:
        """The thin progress bar and the position dots (hidden by ``progress: false``)."""
        if not self.deck.progress:
            return
        p.save()
        p.setTransform(self.transform(), True)
        w, h = self.canvas.width(), self.canvas.height()
        p.fillRect(QRectF(0, h - theme.PROGRESS_H, w, theme.PROGRESS_H), QColor(255, 255, 255, 30))
        p.fillRect(self._bar(0.0, progress), theme.ACCENT)
        self._paint_dots(p, position, count, w, h)
        p.restore()

    def _bar(self, start: float, end: float) -> QRectF:
        """Canvas rectangle of the time bar between two fractions of the slide's time."""
        w, h = self.canvas.width(), self.canvas.height()
        a, b = (max(0.0, min(1.0, f)) for f in (start, end))
        return QRectF(w * a, h - theme.PROGRESS_H, w * max(0.0, b - a), theme.PROGRESS_H)

    def bar_rect(self, start: float, end: float) -> QRectF:
        """Device rectangle of the bar's growth from ``start`` to ``end`` (a pixel of slack)."""
        return self.transform().mapRect(self._bar(start, end)).adjusted(-1, 0, 1, 0)

    def paint_bar(self, p: QPainter, start: float, end: float) -> None:
        """Only the sliver the bar grew by: opaque accent over what is there (it only grows)."""
        p.save()
        p.setTransform(self.transform(), True)
        p.fillRect(self._bar(start, end), theme.ACCENT)
        p.restore()

    def paint_badges(self, p: QPainter, index: int, wall: float,
                     operator: str | None = None) -> None:
        """Data honesty (模拟数据, stale data) on the slide, and the operator's warning."""
        p.save()
        p.setTransform(self.transform(), True)
        paint_badges(p, self.deck, self.deck.slides[index], self.feeds, wall, self.canvas,
                     operator, lang=self.lang)
        p.restore()

    def furniture_rect(self) -> QRectF:
        """Device rectangle holding the furniture (repainted alone as the bar grows)."""
        w, h = self.canvas.width(), self.canvas.height()
        band = QRectF(0, h - theme.MARGIN * 0.8, w, theme.MARGIN * 0.8)
        return self.transform().mapRect(band).adjusted(-2, -2, 2, 2)

    def _paint_dots(self, p: QPainter, position: int, count: int, w: float, h: float) -> None:
        if count < 2:
            return
        if count > MAX_DOTS:  # a thousand dots say nothing and cost 6 ms a frame: "12 / 1000"
            draw_text(p, QRectF(w - theme.MARGIN - 400, h - theme.MARGIN * 0.55 - 18, 400, 36),
                      f"{position + 1} / {count}", 24, theme.MUTED,
                      align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                      max_lines=1)
            return
        gap = 26 if count <= 30 else max(6.0, 780 / count)
        radius = min(6.0, gap / 3)
        right = w - theme.MARGIN
        y = h - theme.MARGIN * 0.55
        p.setPen(Qt.PenStyle.NoPen)
        for i in range(count):
            x = right - (count - 1 - i) * gap
            active = i == position
            p.setBrush(theme.ACCENT if active else QColor(255, 255, 255, 70))
            r = radius * (1.5 if active else 1.0)
            p.drawEllipse(QPointF(x, y), r, r)

    def render(self, index: int, elapsed: float, furniture: tuple[int, int, float] | None = None,
               badges_at: float | None = None) -> QImage:
        """A finished frame of slide ``index`` as an image (transitions, export).

        ``badges_at``: the wall time for data badges (模拟数据, stale); None leaves them out
        (the window paints them over the transition itself)."""
        image = QImage(self.size, QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(image)
        try:
            self.paint(p, index, elapsed)
            if furniture is not None:
                self.paint_furniture(p, *furniture)
            if badges_at is not None:
                self.paint_badges(p, index, badges_at)
        finally:
            p.end()
        return image


def _derive_and_release(deck: Deck) -> None:
    """Convert the deck's Traditional texts, then let OpenCC's dictionaries go: they cost
    about 44 MB of a show that runs for weeks, and nothing converts again (#14)."""
    if chinese.derive_traditional(deck):
        chinese.release()
        trim_heap()
