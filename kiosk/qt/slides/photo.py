"""Photo slide: cover or contain, a slow Ken Burns drift, a caption band with the credit.

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

from kiosk.core.deck import PhotoSlide
from kiosk.core.files import UnreadableFileError, read_regular
from kiosk.core.images import HEAD_BYTES, MAX_IMAGE_BYTES, sniff, too_large_to_decode
from kiosk.core.numbers import ease_in_out
from kiosk.qt import theme
from kiosk.qt.slides.base import CENTER, RIGHT, SlideView, ViewContext
from kiosk.qt.text import draw_text

log = logging.getLogger(__name__)
ZOOM = 0.10  # Ken Burns: from 100% to 110% over the slide
BACKDROP = QColor("#03070d")
BAND = 0.2  # caption band height, fraction of the canvas height
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
        top = h * (1 - BAND - 0.08)  # where the caption band's gradient starts
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

    def _offset(self, elapsed: float) -> tuple[int, int]:
        """Device-pixel position of the drift at ``elapsed``: whole pixels, so a frame is a
        copy, and the picture moves by at most a pixel or two per frame (no judder)."""
        assert self._image is not None
        t = 1.0 if not self.ctx.animations else ease_in_out(
            min(1.0, elapsed / max(0.1, self.settle_time())))
        spare_x = self._image.width() - round(self.ctx.canvas.width() * self.ctx.scale)
        spare_y = self._image.height() - round(self.ctx.canvas.height() * self.ctx.scale)
        across = (t, 1 - t, t, 1 - t)[self._seed]  # left to right, or right to left
        down = (t, t, 1 - t, 1 - t)[self._seed]
        return round(spare_x * across), round(spare_y * (0.25 + 0.5 * down))

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
        if self.slide.fit == "cover":
            base = max(w / iw, h / ih)
        else:
            base = min(w / iw, (h * (1 - BAND * 0.6)) / ih)
        zoom = 1.0
        dx = dy = 0.0
        if self.slide.ken_burns and self.slide.fit == "cover":
            t = 1.0 if not self.ctx.animations else ease_in_out(elapsed / self.settle_time())
            zoom = 1.0 + ZOOM * (t if self._seed % 2 == 0 else 1 - t)
            direction = (-1, 1, 1, -1)[self._seed]
            dx = direction * (t - 0.5) * ZOOM * 0.5 * w
            dy = -(t - 0.5) * ZOOM * 0.25 * h
        sw, sh = iw * base * zoom, ih * base * zoom
        x = (w - sw) / 2 + dx
        y = (h - sh) / 2 + dy if self.slide.fit == "cover" else (h * (1 - BAND * 0.6) - sh) / 2
        # keep the image covering the canvas while it drifts
        if self.slide.fit == "cover":
            x = min(0.0, max(w - sw, x))
            y = min(0.0, max(h - sh, y))
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
        draw_text(p, QRectF(0, box.bottom() + 24, w, 50), "图片暂不可用 · Image unavailable",
                  34, theme.MUTED, align=CENTER, max_lines=1)

    def credit_line(self) -> str:
        """"图:示意图 · Illustration", its label in the screen's Chinese (圖 in zh-Hant)."""
        label = "圖" if self.ctx.script == "zh-Hant" else "图"
        line = f"{label}:{self.ctx.primary(self.slide.credit)}"
        secondary = self.ctx.secondary(self.slide.credit)
        return f"{line} · {secondary}" if secondary else line

    def _paint_band(self, p: QPainter, w: float, h: float) -> None:
        caption = self.ctx.primary(self.slide.caption)
        sub = self.ctx.secondary(self.slide.caption)
        top = h * (1 - BAND)
        band = QLinearGradient(0, top - h * 0.08, 0, h)
        band.setColorAt(0, QColor(3, 8, 16, 0))
        band.setColorAt(0.35, QColor(3, 8, 16, 190))
        band.setColorAt(1, QColor(3, 8, 16, 235))
        p.fillRect(QRectF(0, top - h * 0.08, w, h - top + h * 0.08), band)
        m = theme.MARGIN
        credit_w = w * 0.24 if not self.ctx.portrait else w * 0.4
        text_w = w - 2 * m - credit_w - 32
        y = top + 8
        if caption:
            p.fillRect(QRectF(m, y + 10, 8, 48), theme.ACCENT)
            used = draw_text(p, QRectF(m + 28, y, text_w - 28, 70), caption, 52, theme.TEXT,
                             bold=True, max_lines=1)
            y = used.bottom() + 6
        if sub:
            draw_text(p, QRectF(m + 28, y, text_w - 28, 44), sub, 30, theme.MUTED, max_lines=1)
        draw_text(p, QRectF(w - m - credit_w, top + 20, credit_w, 40), self.credit_line(),
                  24, theme.MUTED, align=RIGHT, max_lines=1, min_px=14)
        self.paint_source(p, w, h)
