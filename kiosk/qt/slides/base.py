"""What every slide view shares: background, heading, source line, and the paint contract.

A view is built from its core model and paints onto a QPainter already scaled to the design
canvas, so text is rasterised at the screen's real resolution (crisp at 4K, never a bitmap
scaled up) while layouts are written once in design pixels. ``elapsed`` (seconds since the
slide settled) drives its animations; a view never reads a clock.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QLinearGradient,
    QPainter,
    QRadialGradient,
    QTransform,
)

from kiosk.core import layout, uistrings
from kiosk.core.chinese import convert
from kiosk.core.deck import AnySlide, Deck
from kiosk.core.feeds import FeedHub
from kiosk.core.fit import Fitted
from kiosk.core.values import Text
from kiosk.qt import theme
from kiosk.qt.text import draw_lines, draw_text, spacing
from kiosk.qt.text import layout as text_layout

LEFT = Qt.AlignmentFlag.AlignLeft
CENTER = Qt.AlignmentFlag.AlignHCenter
RIGHT = Qt.AlignmentFlag.AlignRight


@dataclass
class ViewContext:
    """What a view needs besides its slide: the deck, language, canvas and device scale."""

    deck: Deck
    canvas: QSizeF  # layout size in design px (portrait screens get a portrait canvas)
    scale: float = 1.0  # device pixels per design pixel
    lang: str = "zh"
    animations: bool = True
    background: Executor | None = None  # decodes images off the UI thread
    feeds: FeedHub | None = None  # live data for figures and charts bound to a source

    @property
    def portrait(self) -> bool:
        return self.canvas.height() > self.canvas.width()

    def primary(self, text: Text | None) -> str:
        """The text in the language on screen (or its documented fallback)."""
        return text.for_lang(self.lang) if text else ""

    def secondary(self, text: Text | None) -> str:
        """The partner language's line under it (English under Chinese, Chinese under English
        or Portuguese), only when the text has its own entry there and it differs."""
        if not text:
            return ""
        line = text.own(self.deck.partner(self.lang))
        return line if line and line != self.primary(text) else ""

    @property
    def script(self) -> str:
        """The Chinese this screen writes: "zh-Hant" or "zh" (the deck's own under English)."""
        return self.lang if self.lang in ("zh", "zh-Hant") else self.deck.home_chinese

    def plain(self, text: str) -> str:
        """A plain string of the deck (a unit, a prefix, a chart category) as this screen's
        Chinese writes it: converted to Traditional when that is zh-Hant (#14)."""
        if not text or self.script != "zh-Hant" or text.isascii():
            return text
        return convert(text, self.deck.zh_hant_conversion)


class SlideView:
    """Base view. A frame is three layers:

    * ``paint_under``: what moves beneath (a drifting photo);
    * the static layer: everything that does not change while the slide shows, rendered
      once at device resolution by ``paint_static`` and then blitted;
    * ``paint_over``: what moves on top (counting numbers).

    So an animated frame costs one blit plus the moving parts, and a transition's two
    finished frames are cheap to produce.
    """

    def __init__(self, slide: AnySlide, ctx: ViewContext) -> None:
        self.slide = slide
        self.ctx = ctx
        self._layer: tuple[QImage, QRect] | None = None  # image, device pixels it covers
        self.layer_builds = 0  # how often the static layer was rendered (tests, benchmarks)

    # ------------------------------------------------------------------ contract
    def paint(self, p: QPainter, elapsed: float) -> None:
        self.paint_under(p, elapsed)
        self._paint_layer(p)
        self.paint_over(p, elapsed)

    def paint_static(self, p: QPainter) -> None:
        """Background, heading, source line and the content that does not move."""
        w, h = self.ctx.canvas.width(), self.ctx.canvas.height()
        self.paint_background(p, w, h)
        content = self.paint_heading(p, w, h)
        self.paint_source(p, w, h)
        self.paint_content(p, content)

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        raise NotImplementedError

    def paint_under(self, p: QPainter, elapsed: float) -> None:
        """Moving content beneath the static layer (default: none)."""

    def paint_over(self, p: QPainter, elapsed: float) -> None:
        """Moving content above the static layer (default: none)."""

    def animating(self, elapsed: float) -> bool:
        """True while the view changes with time (the window then paints every frame)."""
        return False

    def moving_rects(self, elapsed: float) -> list[QRectF] | None:
        """Canvas rectangles that can change while :meth:`animating`; None: all of it.

        The window repaints only these while nothing else moves (a count-up repaints its
        numbers, not the slide)."""
        return None

    def settle_time(self) -> float:
        """Seconds after which the view has reached its final state (for export)."""
        return 0.0

    def prepare(self) -> None:
        """Do the slow work now (decode, lay out, render the static layer), not mid-frame."""
        self._static_layer()

    def warm(self) -> None:
        """A finger is down and may swipe here: start slow work that runs off the UI thread
        (decoding), without blocking. ``prepare`` finishes the job."""

    def on_show(self) -> None:
        """The slide is about to appear: restart its entry animations, catch up on data."""

    def data_changed(self) -> None:
        """A feed this slide shows has new data or a new state (only called on screen)."""

    def invalidate(self) -> None:
        """The static content changed (new data, language): re-render it on next paint."""
        self._layer = None

    def release(self) -> None:
        """Off screen and not next: free the frame-sized buffers, keep the view (it renders
        them again when needed)."""
        self._layer = None

    def dispose(self) -> None:
        """Free the layer and anything else the view holds (pixmaps, plot items)."""
        self.release()

    def buffer_bytes(self) -> int:
        """Bytes of image buffers the view holds now (tests and benchmarks)."""
        return self._layer[0].sizeInBytes() if self._layer is not None else 0

    # ------------------------------------------------------------------ static layer
    def _layer_box(self) -> QRect:
        """Device pixels the static layer covers: all of the slide, or its ``layer_rect``."""
        c, s = self.ctx.canvas, self.ctx.scale
        full = QRect(0, 0, max(1, round(c.width() * s)), max(1, round(c.height() * s)))
        part = self.layer_rect()
        if part is None:
            return full
        box = QRectF(part.left() * s, part.top() * s, part.width() * s,
                     part.height() * s).toAlignedRect().intersected(full)
        return box if not box.isEmpty() else QRect(0, 0, 1, 1)

    def _static_layer(self) -> tuple[QImage, QRect]:
        box = self._layer_box()
        if self._layer is None or self._layer[1] != box:
            c = self.ctx.canvas
            layer = QImage(box.size(), QImage.Format.Format_ARGB32_Premultiplied)
            layer.fill(Qt.GlobalColor.transparent)
            painter = QPainter(layer)
            try:  # an active painter on a freed image would crash Qt: always end it
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
                painter.translate(-box.left(), -box.top())
                painter.scale(round(c.width() * self.ctx.scale) / c.width(),
                              round(c.height() * self.ctx.scale) / c.height())
                self.paint_static(painter)
            finally:
                painter.end()
            self._layer = (layer, box)
            self.layer_builds += 1
        return self._layer

    def layer_is_opaque(self) -> bool:
        """The static layer covers everything (it paints the background)."""
        return True

    def layer_rect(self) -> QRectF | None:
        """Canvas part of the static layer that holds anything (None: all of it). A photo's
        layer is only its caption band: a full-frame layer would be 8 MB of mostly
        transparent pixels, and blending them wasted work."""
        return None

    def _paint_layer(self, p: QPainter) -> None:
        layer, box = self._static_layer()
        if self.layer_is_opaque():  # copy, don't blend: a 1080p blit drops from ~7 ms to ~1
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        transform = p.worldTransform()
        if transform.type().value <= QTransform.TransformationType.TxScale.value:
            # same size in device pixels: an unscaled blit, the cheapest draw there is
            corner = transform.map(QPointF(0, 0))
            p.save()
            p.resetTransform()
            p.drawImage(QPointF(round(corner.x()) + box.left(), round(corner.y()) + box.top()),
                        layer)
            p.restore()
        else:  # rotated screens
            s = self.ctx.scale
            p.drawImage(QRectF(box.left() / s, box.top() / s, box.width() / s,
                               box.height() / s), layer)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)

    # ------------------------------------------------------------------ shared parts
    def paint_background(self, p: QPainter, w: float, h: float) -> None:
        gradient = QLinearGradient(0, 0, 0, h)
        gradient.setColorAt(0, theme.BG_TOP)
        gradient.setColorAt(1, theme.BG_BOTTOM)
        p.fillRect(QRectF(0, 0, w, h), gradient)
        glow = QRadialGradient(QPointF(w * 0.82, h * 0.1), max(w, h) * 0.6)
        glow.setColorAt(0, QColor(46, 196, 255, 38))
        glow.setColorAt(1, QColor(46, 196, 255, 0))
        p.fillRect(QRectF(0, 0, w, h), glow)

    def paint_heading(self, p: QPainter, w: float, h: float) -> QRectF:
        """Slide title (and its partner language's line); returns the rectangle left for
        content: from under the heading to above the source line (kiosk.core.layout)."""
        m = theme.MARGIN
        top = layout.HEADING_TOP
        title = self.ctx.primary(self.slide.title)
        if title:
            left, width = m + layout.HEADING_INDENT, layout.heading_width(w)
            one = spacing(layout.TITLE_PX, True)
            lines = layout.lines_for(layout.TITLE_LINES, w, h)
            # one size on every slide: a long title takes another line, broken at its " · "
            # first, and shrinks only when those lines do not hold it
            fitted = text_layout(title, width, lines * one, layout.TITLE_PX, bold=True,
                                 min_px=layout.TITLE_MIN_PX, max_lines=lines,
                                 separator=layout.HEADING_SEPARATOR, keep_phrases=False)
            used = draw_lines(p, QRectF(left, top, width, fitted.height), fitted, theme.TEXT,
                              bold=True)
            bar = fitted.px * 0.2
            p.fillRect(QRectF(m, top + bar, 8, used.height() - 2 * bar), theme.ACCENT)
            top = max(top + one, used.bottom())
            sub = self.ctx.secondary(self.slide.title)
            if sub:
                px = layout.HEADING_SUB_PX
                lines = layout.lines_for(layout.HEADING_SUB_LINES, w, h)
                used = draw_text(p, QRectF(left, top, width, lines * spacing(px)),
                                 sub, px, theme.MUTED, max_lines=1, min_px=px,
                                 separator=layout.HEADING_SEPARATOR)
                top = max(top + spacing(px), used.bottom())
            top += layout.HEADING_GAP
        bottom = self.source_top(w, h) - layout.SOURCE_GAP
        return QRectF(m, top, w - 2 * m, max(0.0, bottom - top))

    def source_text(self) -> str:
        return self.ctx.primary(self.ctx.deck.source_note_of(self.slide))

    def source_layout(self, w: float, h: float) -> tuple[QRectF, Fitted] | None:
        """Where the source line goes and how it is set: at the floor for small text, wrapped
        (never shrunk) onto up to SOURCE_LINES lines that end at the bottom row."""
        text = self.source_text()
        if not text:
            return None
        px, width = layout.SOURCE_PX, layout.source_width(w, h)
        lines = layout.lines_for(layout.SOURCE_LINES, w, h)
        fitted = text_layout(text, width, lines * spacing(px), px, min_px=px, max_lines=1)
        bottom = layout.source_bottom(w, h)
        return QRectF(theme.MARGIN, bottom - fitted.height, width, fitted.height), fitted

    def source_top(self, w: float | None = None, h: float | None = None) -> float:
        """The top of the source line (the canvas bottom less the margin when there is none):
        content above it stays clear of it."""
        w = self.ctx.canvas.width() if w is None else w
        h = self.ctx.canvas.height() if h is None else h
        placed = self.source_layout(w, h)
        return placed[0].top() if placed else layout.source_bottom(w, h)

    def paint_source(self, p: QPainter, w: float, h: float) -> None:
        placed = self.source_layout(w, h)
        if placed is not None:
            draw_lines(p, placed[0], placed[1], theme.MUTED)


class BrokenView(SlideView):
    """Stands in for a slide whose view raised: calm, honest, and the show goes on."""

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        draw_text(p, QRectF(rect.left(), rect.center().y() - 40, rect.width(), 80),
                  uistrings.say("slide_unavailable", self.ctx.lang, self.ctx.deck), 36, theme.MUTED,
                  align=CENTER, max_lines=1)
