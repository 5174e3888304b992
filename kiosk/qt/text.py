"""Text that fits: wrap and shrink into a rectangle, never overflow it."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from kiosk.qt.fonts import font

WRAP = Qt.TextFlag.TextWrapAnywhere  # CJK has no spaces; Qt still prefers word boundaries


def fit_px(text: str, rect: QRectF, px: float, bold: bool = False, min_px: float = 12,
           max_lines: int = 3, wrap: bool = True) -> float:
    """The largest size <= ``px`` at which ``text`` fits ``rect`` in at most ``max_lines``."""
    size = px
    while size > min_px:
        if _fits(text, rect, size, bold, max_lines, wrap):
            return size
        size *= 0.92
    return min_px


def _fits(text: str, rect: QRectF, px: float, bold: bool, max_lines: int, wrap: bool) -> bool:
    metrics = QFontMetricsF(font(px, bold))
    if not wrap:  # explicit lines only
        rows = text.split("\n")
        widest = max(metrics.horizontalAdvance(row) for row in rows)
        return widest <= rect.width() and metrics.lineSpacing() * len(rows) <= rect.height()
    flags = int(Qt.TextFlag.TextWordWrap)
    bound = metrics.boundingRect(QRectF(0, 0, rect.width(), 1e6), flags, text)
    lines = round(bound.height() / metrics.lineSpacing()) if metrics.lineSpacing() else 1
    return bound.width() <= rect.width() + 0.5 and bound.height() <= rect.height() and (
        lines <= max_lines)


def draw_text(p: QPainter, rect: QRectF, text: str, px: float, color: QColor,
              bold: bool = False, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
              max_lines: int = 3, min_px: float = 12, wrap: bool = True) -> QRectF:
    """Draw ``text`` shrunk to fit ``rect``; return the rectangle the text used."""
    if not text:
        return QRectF(rect.topLeft(), rect.topLeft())
    size = fit_px(text, rect, px, bold, min_px, max_lines, wrap)
    p.setFont(font(size, bold))
    p.setPen(color)
    flags = int(align) | (int(Qt.TextFlag.TextWordWrap) if wrap else 0)
    used = p.boundingRect(rect, flags, text)
    p.drawText(rect, flags, text)
    return used


def text_height(text: str, width: float, px: float, bold: bool = False) -> float:
    metrics = QFontMetricsF(font(px, bold))
    flags = int(Qt.TextFlag.TextWordWrap)
    return metrics.boundingRect(QRectF(0, 0, width, 1e6), flags, text).height()


def phrase_lines(text: str, rect: QRectF, px: float, bold: bool = False,
                 separator: str = " · ") -> str:
    """Break a heading like ``人工智能 · 低空经济 · 人形机器人`` only between its phrases.

    Greedy: phrases are joined while the line fits ``rect`` at ``px``; the result has
    explicit newlines, to be drawn with ``wrap=False`` (then shrunk if still too wide).
    """
    metrics = QFontMetricsF(font(px, bold))
    if metrics.horizontalAdvance(text) <= rect.width() or separator not in text:
        return text
    lines: list[str] = []
    for phrase in text.split(separator):
        candidate = f"{lines[-1]}{separator}{phrase}" if lines else phrase
        if lines and metrics.horizontalAdvance(candidate) <= rect.width():
            lines[-1] = candidate
        else:
            lines.append(phrase)
    return "\n".join(lines)
