"""Draw the kiosk application icon: a display showing rising bars, in the show's colours.

Writes ``kiosk.png`` (256 px, the desktop entry's icon), ``kiosk-48.png`` and ``kiosk.ico``
(16-256 px, PNG-compressed entries, for the Windows executable and installer). Deterministic.

    QT_QPA_PLATFORM=offscreen python packaging/icons/make_icon.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPen,
)

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.scale(size / 256, size / 256)
    # Rounded tile in the show's night-blue gradient.
    tile = QLinearGradient(0, 0, 0, 256)
    tile.setColorAt(0, QColor("#0b2140"))
    tile.setColorAt(1, QColor("#06101f"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(tile)
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 52, 52)
    # The screen: a bright cyan frame on a stand.
    pen = QPen(QColor("#2ec4ff"), 14)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(QColor(46, 196, 255, 40))
    p.drawRoundedRect(QRectF(38, 48, 180, 124), 14, 14)
    p.drawLine(QPointF(128, 172), QPointF(128, 200))
    p.drawLine(QPointF(92, 204), QPointF(164, 204))
    # Rising bars, the last one warm like a headline figure.
    p.setPen(Qt.PenStyle.NoPen)
    for i, (height, colour) in enumerate(((34, "#9fb3c8"), (56, "#f4f7fb"), (84, "#ffb547"))):
        p.setBrush(QColor(colour))
        x = 70 + i * 42
        p.drawRoundedRect(QRectF(x, 152 - height, 30, height), 5, 5)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[QImage]) -> bytes:
    """A Windows .ico holding one PNG-compressed entry per size (Vista and later read these)."""
    pngs = [png_bytes(image) for image in images]
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries = b""
    for image, png in zip(images, pngs, strict=True):
        side = image.width() % 256  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
    return header + entries + b"".join(pngs)


def main(out: Path) -> None:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(out / "kiosk.png"))
    draw(48).save(str(out / "kiosk-48.png"))
    (out / "kiosk.ico").write_bytes(ico_bytes([draw(s) for s in ICO_SIZES]))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
