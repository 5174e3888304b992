"""Photo slide: cover or contain, a slow Ken Burns drift, a caption band with the credit.

The cover crop and the drift keep the slide's ``focus`` in view at any screen shape, and the
drift is a short pan (:mod:`kiosk.core.crop`). The credit is a tag beside the caption, and
the band's text wraps across the full width, never shrunk below the legibility floor (#13).

Images are decoded once at screen size (QImageReader.setScaledSize), never at full size; a
missing or corrupt file gives a tasteful placeholder and one log line. Only a regular file is
read, with a byte cap, and decoded from memory: a FIFO or a device never reaches Qt, whose
reader would block on it (#18 A). The size rules are those of ``kiosk check``
(:mod:`kiosk.core.images`), so a photo that checks clean is shown (#18 F).
"""

from __future__ import annotations

import logging
import zlib
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageReader,
    QLinearGradient,
    QPainter,
    QPen,
    QTransform,
)

from kiosk.core import layout, uistrings
from kiosk.core.crop import Drift, Keep, crop, drift
from kiosk.core.deck import PhotoSlide
from kiosk.core.files import UnreadableFileError, read_regular
from kiosk.core.fit import Fitted
from kiosk.core.images import HEAD_BYTES, MAX_IMAGE_BYTES, sniff, too_large_to_decode
from kiosk.core.values import Text
from kiosk.qt import theme
from kiosk.qt.slides.base import CENTER, SlideView, ViewContext
from kiosk.qt.text import draw_lines, draw_text, metrics, spacing
from kiosk.qt.text import layout as text_layout

log = logging.getLogger(__name__)
ZOOM = 0.10  # the drift's picture is 110% of the cover size: room for its pan (kiosk.core.crop)
BACKDROP = QColor("#03070d")
BAND = 0.2  # room a contained picture leaves for the caption band, fraction of the height
FADE = 0.08  # the band's gradient above its text, fraction of the canvas height
# The caption band (#13 §3, §4): the caption at its full size, wrapped across the whole width,
# never shrunk, its partner language under it (sizes and line counts in kiosk.core.layout,
# which `kiosk check` measures with); the credit at least at the floor for credits.
CREDIT_PX = max(30, layout.FLOOR_SMALL)
CREDIT_LINES = 2
# The UI thread waits at most this long for a photo still decoding (normally it is done,
# prefetched a slide ahead); then the slide shows the placeholder, never a frozen show (#18 A).
DECODE_WAIT_S = 5.0


def decode(path: str, target: QSize, fit: str, headroom: float = 1.0 + ZOOM,
           exact: bool = False) -> QImage | None:
    """Read ``path`` scaled to cover/contain ``target`` device pixels (None if unreadable)."""
    try:
        data = read_regular(path, MAX_IMAGE_BYTES)
    except UnreadableFileError as exc:
        log.warning("photo unreadable: %s", exc)
        return None
    kind, head = sniff(data[:16]), data[:HEAD_BYTES]  # the bytes `kiosk check` reads
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    del data  # the QByteArray holds its own copy
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)  # honour EXIF rotation of camera photos
    size = reader.size()
    if not size.isValid() or size.isEmpty():
        log.warning("photo unreadable: %s (%s)", path, reader.errorString())
        return None
    too_large = too_large_to_decode(kind, size.width(), size.height(), head)
    if too_large:  # Qt would refuse it after reading: the words of `kiosk check` instead
        log.warning("photo unreadable: %s: %s", path, too_large)
        return None
    sx, sy = target.width() / size.width(), target.height() / size.height()
    factor = (max(sx, sy) if fit == "cover" else min(sx, sy)) * headroom
    if factor < 1.0:  # never decode bigger than needed; never upscale while decoding
        reader.setScaledSize(QSize(max(1, round(size.width() * factor)),
                                   max(1, round(size.height() * factor))))
    image = reader.read()
    if image.isNull():
        log.warning("photo unreadable: %s (%s)", path, reader.errorString())
        return None
    if fit == "cover" and exact:
        # the drift image: exactly ``headroom`` times the cover size, scaled once here (off
        # the UI thread), so each frame of the drift is a plain copy, never a rescale
        cover = max(target.width() / image.width(), target.height() / image.height())
        size = QSize(max(target.width(), round(image.width() * cover * headroom)),
                     max(target.height(), round(image.height() * cover * headroom)))
        if image.size() != size:
            image = image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
    return opaque(image)


def opaque(image: QImage) -> QImage:
    """An opaque RGB32 copy (transparency flattened onto the dark backdrop): the raster engine
    then copies pixels instead of blending them, which keeps a 1080p Ken Burns frame cheap."""
    if not image.hasAlphaChannel():
        return image.convertToFormat(QImage.Format.Format_RGB32)
    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.fill(BACKDROP)
    painter = QPainter(flat)
    painter.drawImage(0, 0, image)
    painter.end()
    return flat


class PhotoView(SlideView):
    slide: PhotoSlide

    def __init__(self, slide: PhotoSlide, ctx: ViewContext) -> None:
        super().__init__(slide, ctx)
        self._decoding: Future[QImage | None] | None = None
        self._image: QImage | None = None
        self._loaded = False
        self._drifts = slide.ken_burns and slide.fit == "cover"
        self._shown_offset: tuple[int, int] | None = None  # drift position last painted
        self._path: Drift | None = None  # the drift over the decoded picture (device px)
        self._band: Band | None = None  # the caption band's layout (design px)
        # each photo drifts its own way, the same way wherever the deck is installed
        self._seed = zlib.crc32(Path(slide.image).name.encode()) % 4

    # ------------------------------------------------------------------ decoding
    def _target(self) -> QSize:
        c = self.ctx.canvas
        return QSize(round(c.width() * self.ctx.scale), round(c.height() * self.ctx.scale))

    def warm(self) -> None:
        """Start decoding off the UI thread (the caption band waits for ``prepare``)."""
        if not self._loaded and self._decoding is None and self.ctx.background is not None:
            self._decoding = self.ctx.background.submit(
                decode, self.slide.image, self._target(), self.slide.fit, exact=self._drifts)

    def prepare(self) -> None:
        """Start decoding off the UI thread, then lay out the caption band."""
        self.warm()
        super().prepare()

    def _load(self) -> None:
        if self._loaded:
            return
        if self._decoding is not None:
            try:  # normally done: prefetched ahead; bounded, so the show never freezes
                self._image = self._decoding.result(timeout=DECODE_WAIT_S)
            except FutureTimeoutError:
                log.warning("photo %s still decoding after %.0f s: placeholder for now",
                            self.slide.image, DECODE_WAIT_S)
                self._decoding.cancel()
                self._image = None
            self._decoding = None
        else:
            self._image = decode(self.slide.image, self._target(), self.slide.fit,
                                 exact=self._drifts)
        self._loaded = True

    @property
    def missing(self) -> bool:
        self._load()
        return self._image is None

    def release(self) -> None:
        """The decoded photo (10 MB at 1080p) goes too: it is decoded again off the UI
        thread when the slide is prefetched."""
        super().release()
        if self._decoding is not None:
            self._decoding.cancel()
            self._decoding = None
        self._image = None
        self._loaded = False
        self._path = None

    def invalidate(self) -> None:
        super().invalidate()
        self._band = None  # the language may have changed
        self._path = None

    def buffer_bytes(self) -> int:
        image = self._image.sizeInBytes() if self._image is not None else 0
        return super().buffer_bytes() + image

    def settle_time(self) -> float:
        return self.ctx.deck.duration_of(self.slide)

    def layer_is_opaque(self) -> bool:
        return self.missing  # otherwise the caption band lies over the photo

    def layer_rect(self) -> QRectF | None:
        if self.missing:
            return None  # the placeholder fills the slide
        h = self.ctx.canvas.height()
        top = max(0.0, self.band().top - FADE * h)  # where the caption band's gradient starts
        return QRectF(0, top, self.ctx.canvas.width(), h - top)

    def animating(self, elapsed: float) -> bool:
        return (self.ctx.animations and self.slide.ken_burns and self.slide.fit == "cover"
                and not self.missing)

    # ------------------------------------------------------------------ layers
    def paint_static(self, p: QPainter) -> None:
        """Placeholder (if the image is bad) and the caption band: what does not drift."""
        w, h = self.ctx.canvas.width(), self.ctx.canvas.height()
        if self.missing:
            self.paint_background(p, w, h)
            self._paint_placeholder(p, w, h)
        self._paint_band(p, w, h)

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """Unused: a photo slide paints edge to edge (see :meth:`paint_static`)."""

    def paint_under(self, p: QPainter, elapsed: float) -> None:
        w, h = self.ctx.canvas.width(), self.ctx.canvas.height()
        if self.missing:
            return
        if self.slide.fit == "contain":
            p.fillRect(QRectF(0, 0, w, h), BACKDROP)
        self._paint_image(p, w, h, elapsed)

    def _keep(self) -> Keep:
        """Where the subject may go: clear of the frame's edges and above the caption."""
        bottom = self.band().top / self.ctx.canvas.height() - 0.02
        return Keep(bottom=max(0.4, bottom))

    def drift_path(self) -> Drift:
        """The pan over the decoded picture, in device pixels: short, ending on the framing
        that centres the slide's ``focus`` (kiosk.core.crop)."""
        assert self._image is not None
        if self._path is None:
            frame = (round(self.ctx.canvas.width() * self.ctx.scale),
                     round(self.ctx.canvas.height() * self.ctx.scale))
            self._path = drift((self._image.width(), self._image.height()), frame,
                               self.slide.focus, self._seed, self._keep())
        return self._path

    def _offset(self, elapsed: float) -> tuple[int, int]:
        """Device-pixel position of the drift at ``elapsed``: whole pixels, so a frame is a
        copy, and the picture moves by at most a pixel or two per frame (no judder)."""
        t = 1.0 if not self.ctx.animations else min(1.0, elapsed / max(0.1, self.settle_time()))
        x, y = self.drift_path().at(t)
        return round(x), round(y)

    def moving_rects(self, elapsed: float) -> list[QRectF] | None:
        if not self._drifts or self.missing:
            return None
        offset = self._offset(elapsed)
        return [] if offset == self._shown_offset else None  # [] : nothing moved this frame

    def _paint_drift(self, p: QPainter, elapsed: float) -> None:
        assert self._image is not None
        self._shown_offset = ox, oy = self._offset(elapsed)
        p.save()
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)  # opaque: copy
        transform = p.worldTransform()
        if transform.type().value <= QTransform.TransformationType.TxScale.value:
            corner = transform.map(QPointF(0, 0))
            p.resetTransform()
            p.drawImage(QPointF(round(corner.x()) - ox, round(corner.y()) - oy), self._image)
        else:  # rotated screens: the same picture through the rotation
            s = self.ctx.scale
            p.drawImage(QRectF(-ox / s, -oy / s, self._image.width() / s,
                               self._image.height() / s), self._image)
        p.restore()

    def _paint_image(self, p: QPainter, w: float, h: float, elapsed: float) -> None:
        assert self._image is not None
        if self._drifts:
            self._paint_drift(p, elapsed)
            return
        iw, ih = self._image.width(), self._image.height()
        if self.slide.fit == "cover":  # the still crop the drift would end on
            base = max(w / iw, h / ih)
            sw, sh = iw * base, ih * base
            ox, oy = crop((sw, sh), (w, h), self.slide.focus, self._keep())
            x, y = -ox, -oy
        else:
            base = min(w / iw, (h * (1 - BAND * 0.6)) / ih)
            sw, sh = iw * base, ih * base
            x, y = (w - sw) / 2, (h * (1 - BAND * 0.6) - sh) / 2
        p.save()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)  # opaque: copy
        p.drawImage(QRectF(x, y, sw, sh), self._image)
        p.restore()

    def _paint_placeholder(self, p: QPainter, w: float, h: float) -> None:
        box = QRectF(w * 0.35, h * 0.22, w * 0.3, h * 0.34)
        pen = QPen(QColor(255, 255, 255, 70))
        pen.setWidthF(3)
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(box, 24, 24)
        # a simple 'picture' glyph: sun and mountains
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 60))
        p.drawEllipse(QPointF(box.left() + box.width() * 0.3, box.top() + box.height() * 0.35),
                      box.height() * 0.09, box.height() * 0.09)
        p.drawPolygon([QPointF(box.left() + box.width() * 0.12, box.bottom() - 30),
                       QPointF(box.left() + box.width() * 0.42, box.top() + box.height() * 0.5),
                       QPointF(box.left() + box.width() * 0.62, box.bottom() - 30)])
        p.drawPolygon([QPointF(box.left() + box.width() * 0.45, box.bottom() - 30),
                       QPointF(box.left() + box.width() * 0.68, box.top() + box.height() * 0.6),
                       QPointF(box.right() - box.width() * 0.1, box.bottom() - 30)])
        draw_text(p, QRectF(0, box.bottom() + 24, w, 50),
                  uistrings.say("image_unavailable", self.ctx.lang, self.ctx.deck),
                  34, theme.MUTED, align=CENTER, max_lines=1)

    def credit(self) -> Text:
        """The deck's credit; 示意图 (a drawn picture) in every language the deck does not
        write it in, from the show's own words (Ilustração on a Portuguese screen)."""
        credit = self.slide.credit
        if not uistrings.is_illustration(credit.zh or credit.zh_hant):
            return credit
        return Text.model_validate({**uistrings.WORDS["illustration"], **credit.entries()})

    def credit_line(self) -> str:
        """"图：示意图 · Illustration", its label in the screen's Chinese (圖： in zh-Hant); on
        an English screen "Illustration · 图：示意图": the label belongs to the Chinese."""
        credit = self.credit()
        return uistrings.credit_line(self.ctx.lang, self.ctx.primary(credit),
                                     self.ctx.secondary(credit), self.ctx.script)

    def band(self) -> Band:
        """The caption band's layout (cached): see :func:`lay_out_band`."""
        if self._band is None:
            w, h = self.ctx.canvas.width(), self.ctx.canvas.height()
            self._band = lay_out_band(w, h, self.ctx.primary(self.slide.caption),
                                      self.ctx.secondary(self.slide.caption),
                                      self.credit_line(), self.source_top(w, h))
        return self._band

    def _paint_band(self, p: QPainter, w: float, h: float) -> None:
        band = self.band()
        fade = FADE * h
        gradient = QLinearGradient(0, band.top - fade, 0, h)
        solid = min(0.9, (fade + 24) / (h - band.top + fade))  # dark from just above the text
        gradient.setColorAt(0, QColor(3, 8, 16, 0))
        gradient.setColorAt(solid * 0.6, QColor(3, 8, 16, 150))
        gradient.setColorAt(solid, QColor(3, 8, 16, 205))
        gradient.setColorAt(1, QColor(3, 8, 16, 240))
        p.fillRect(QRectF(0, band.top - fade, w, h - band.top + fade), gradient)
        if band.caption is not None:
            rect, fitted = band.caption
            centre = rect.top() + metrics(fitted.px, True).ascent() - 0.38 * fitted.px
            p.fillRect(QRectF(theme.MARGIN, centre - 0.42 * fitted.px, 8, 0.84 * fitted.px),
                       theme.ACCENT)  # beside the first line's glyphs
            draw_lines(p, rect, fitted, theme.TEXT, bold=True)
        if band.second is not None:
            draw_lines(p, *band.second, theme.MUTED)
        self._paint_credit(p, *band.credit)
        self.paint_source(p, w, h)

    def _paint_credit(self, p: QPainter, box: QRectF, fitted: Fitted) -> None:
        """The credit as a tag beside the caption: an illustration is never read as a press
        photo (#13 §4). Amber, outlined, at least at the floor for credits."""
        pen = QPen(QColor(theme.WARM.red(), theme.WARM.green(), theme.WARM.blue(), 210))
        pen.setWidthF(2)
        p.setPen(pen)
        p.setBrush(QColor(3, 8, 16, 150))
        p.drawRoundedRect(box.adjusted(1, 1, -1, -1), 10, 10)
        draw_lines(p, box.adjusted(TAG_PAD_X, TAG_PAD_Y, -TAG_PAD_X, -TAG_PAD_Y), fitted,
                   theme.WARM)


TAG_PAD_X, TAG_PAD_Y, GAP = 16, 5, 12
Placed = tuple[QRectF, Fitted]


@dataclass(frozen=True)
class Band:
    """Where the caption band's parts go, in design px, and how each is set: its text
    starts at ``top``."""

    top: float
    caption: Placed | None
    credit: Placed
    second: Placed | None


def _set(text: str, width: float, px: float, lines: int, bold: bool = False) -> Fitted:
    """``text`` at ``px`` and never smaller, wrapped onto up to ``lines`` lines (then cut
    with "…"; `kiosk check` warns before that happens)."""
    return text_layout(text, width, lines * spacing(px, bold), px, bold, min_px=px,
                       max_lines=lines)


def lay_out_band(w: float, h: float, caption: str, second: str, credit: str,
                 bottom: float) -> Band:
    """The caption (bold, full size), the credit tag on the same line when it fits or
    directly under it, then the partner language: all across the full width, wrapped, never
    shrunk (#13 §3); the band grows upwards from ``bottom`` (the source line's top)."""
    left, width = theme.MARGIN + layout.CAPTION_INDENT, layout.caption_width(w)
    cap = _set(caption, width, layout.CAPTION_PX, layout.CAPTION_LINES, True) if caption \
        else None
    sec = _set(second, width, layout.CAPTION_SECOND_PX,
               layout.CAPTION_SECOND_LINES) if second else None
    tag_w = min(width, metrics(CREDIT_PX).horizontalAdvance(credit) + 2 * TAG_PAD_X + 2)
    tag = _set(credit, tag_w - 2 * TAG_PAD_X, CREDIT_PX, CREDIT_LINES)
    tag_h = tag.height + 2 * TAG_PAD_Y
    inline = cap is not None and len(cap.lines) == 1 and (
        metrics(cap.px, True).horizontalAdvance(cap.lines[0]) + 2 * GAP + tag_w <= width)
    cap_h = cap.height if cap is not None else 0.0
    total = cap_h + (0 if inline else (GAP if cap else 0) + tag_h) + (
        GAP + sec.height if sec is not None else 0)
    top = bottom - layout.SOURCE_GAP - total
    y = top + cap_h
    if cap is not None and inline:
        x = left + metrics(cap.px, True).horizontalAdvance(cap.lines[0]) + 2 * GAP
        tag_box = QRectF(x, top + (cap_h - tag_h) / 2 + 2, tag_w, tag_h)
    else:
        y += GAP if cap is not None else 0
        tag_box = QRectF(left, y, tag_w, tag_h)
        y += tag_h
    return Band(top, (QRectF(left, top, width, cap_h), cap) if cap is not None else None,
                (tag_box, tag),
                (QRectF(left, y + GAP, width, sec.height), sec) if sec is not None else None)
