"""Transitions composed from two finished frames (never by animating live widgets)."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from kiosk.core.numbers import ease_in_out


def compose(p: QPainter, old: QImage, new: QImage, kind: str, t: float, direction: int,
            rect: QRectF) -> None:
    """Paint the frame ``t`` (0..1) of a transition from ``old`` to ``new`` into ``rect``.

    ``direction`` +1 moves forward (the new slide enters from the right), -1 backward.
    """
    t = ease_in_out(t)
    # Both frames are opaque: copy them rather than blend (about half the cost per frame).
    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
    try:
        _compose(p, old, new, kind, t, direction, rect)
    finally:
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)


def _compose(p: QPainter, old: QImage, new: QImage, kind: str, t: float, direction: int,
             rect: QRectF) -> None:
    if kind == "slide":
        shift = rect.width() * t * direction
        p.drawImage(QRectF(rect.left() - shift, rect.top(), rect.width(), rect.height()), old)
        p.drawImage(QRectF(rect.left() + rect.width() * direction - shift, rect.top(),
                           rect.width(), rect.height()), new)
        return
    if kind == "fade":
        p.drawImage(rect, old)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        p.setOpacity(t)
        p.drawImage(rect, new)
        p.setOpacity(1.0)
        return
    p.drawImage(rect, new)
