"""Text that fits: lines broken by phrase, never below the legibility floor (#13 §3).

Lines are broken by kiosk/core/linebreak (BudouX phrases for Chinese, words for Latin, the
kinsoku rules, no one-character last line) and set by kiosk/core/fit (shrink to the floor,
then wrap, then cut with "…"): the same code ``kiosk check`` runs with fontTools' metrics.
Here Qt measures, and each line is drawn on its own, where the layout put it. A layout is
cached per text, box, size and font; views paint their static layer once per slide, so
BudouX runs once per text, not per frame.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from kiosk.core import linebreak
from kiosk.core.fit import Fitted, fit_text, floor_of
from kiosk.core.glyphs import TRADITIONAL
from kiosk.core.layout import FLOOR_SMALL
from kiosk.qt.fonts import families, font

WRAP = Qt.TextFlag.TextWrapAnywhere  # kept for callers; lines are broken by the core now


@functools.lru_cache(maxsize=128)
def _metrics(px: int, bold: bool, fonts: tuple[str, ...]) -> QFontMetricsF:
    return QFontMetricsF(font(px, bold))


def metrics(px: float, bold: bool = False) -> QFontMetricsF:
    """Qt's metrics of the show's font at ``px`` (cached; the font's size is whole px)."""
    return _metrics(max(1, round(px)), bold, tuple(families()))


def measure_at(bold: bool) -> functools.partial[linebreak.Measure]:
    return functools.partial(_measure, bold=bold)


def _measure(px: float, bold: bool) -> linebreak.Measure:
    return _widths(max(1, round(px)), bold, tuple(families()))


@functools.lru_cache(maxsize=128)
def _widths(px: int, bold: bool, fonts: tuple[str, ...]) -> linebreak.Measure:
    """Qt's width of a string at ``px``, remembered: the balancing fitter measures the same
    candidate lines again and again."""
    return functools.lru_cache(maxsize=4096)(_metrics(px, bold, fonts).horizontalAdvance)


def spacing(px: float, bold: bool = False) -> float:
    """The distance between two lines' baselines at ``px``."""
    return metrics(px, bold).lineSpacing()


def language() -> str:
    """Which BudouX model breaks Chinese now: Traditional when the screen shows zh-Hant."""
    return "zh-Hant" if families()[0] == TRADITIONAL else "zh"


def layout(text: str, width: float, height: float, px: float, bold: bool = False,
           min_px: float = FLOOR_SMALL, max_lines: int = 3, wrap: bool = True,
           balance: bool = True, separator: str | None = None,
           keep_phrases: bool = True) -> Fitted:
    """How ``text`` is set in a ``width`` x ``height`` box (kiosk.core.fit.fit_text)."""
    fitted = _layout(text, round(width, 2), round(height, 2), round(px, 3), bold, min_px,
                     max_lines, wrap, balance, separator, keep_phrases, tuple(families()))
    for seen in _recorders:
        seen.append((text, fitted))
    return fitted


_recorders: list[list[tuple[str, Fitted]]] = []


@contextlib.contextmanager
def recording() -> Iterator[list[tuple[str, Fitted]]]:
    """Every (text, layout) laid out inside the block, in order (tests, bench/linebreak)."""
    seen: list[tuple[str, Fitted]] = []
    _recorders.append(seen)
    try:
        yield seen
    finally:
        _recorders.remove(seen)


@functools.lru_cache(maxsize=2048)
def _layout(text: str, width: float, height: float, px: float, bold: bool, min_px: float,
            max_lines: int, wrap: bool, balance: bool, separator: str | None,
            keep_phrases: bool, fonts: tuple[str, ...]) -> Fitted:
    return fit_text(text, width, height, px, measure_at=measure_at(bold),
                    spacing=functools.partial(spacing, bold=bold), min_px=min_px,
                    max_lines=max_lines, wrap=wrap, lang=language(), balance=balance,
                    separator=separator, keep_phrases=keep_phrases)


def draw_text(p: QPainter, rect: QRectF, text: str, px: float, color: QColor,
              bold: bool = False, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
              max_lines: int = 3, min_px: float = FLOOR_SMALL, wrap: bool = True,
              balance: bool = True, separator: str | None = None) -> QRectF:
    """Draw ``text`` set to fit ``rect`` (see :func:`layout`); return the rectangle used.

    ``align``: left, centre or right per line; top (default), vertical centre or bottom for
    the block. ``balance``: lines of even length (a headline's), not a long line and a short
    one. Text never shrinks below ``max(min_px, FLOOR_SMALL)``: it wraps onto more lines of
    ``rect`` instead, and only when those run out is its last line cut with "…".
    """
    if not text:
        return QRectF(rect.topLeft(), rect.topLeft())
    fitted = layout(text, rect.width(), rect.height(), px, bold, min_px, max_lines, wrap,
                    balance, separator)
    return draw_lines(p, rect, fitted, color, bold, align)


def draw_lines(p: QPainter, rect: QRectF, fitted: Fitted, color: QColor, bold: bool = False,
               align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QRectF:
    """Draw a :func:`layout` in ``rect``; return the rectangle its lines cover."""
    f: QFont = font(fitted.px, bold)
    m = metrics(fitted.px, bold)
    p.setFont(f)
    p.setPen(color)
    total = fitted.height
    top = rect.top()
    flags = Qt.AlignmentFlag(int(align))
    if flags & Qt.AlignmentFlag.AlignVCenter:
        top = rect.top() + (rect.height() - total) / 2
    elif flags & Qt.AlignmentFlag.AlignBottom:
        top = rect.bottom() - total
    left, right = rect.right(), rect.left()
    for k, line in enumerate(fitted.lines):
        width = m.horizontalAdvance(line)
        if flags & Qt.AlignmentFlag.AlignHCenter:
            x = rect.left() + (rect.width() - width) / 2
        elif flags & Qt.AlignmentFlag.AlignRight:
            x = rect.right() - width
        else:
            x = rect.left()
        p.drawText(QPointF(x, top + k * fitted.line_height + m.ascent()), line)
        left, right = min(left, x), max(right, x + width)
    if right < left:
        left = right = rect.left()
    return QRectF(left, top, right - left, total)


def text_height(text: str, width: float, px: float, bold: bool = False) -> float:
    """Height of ``text`` broken into lines of ``width`` at ``px`` (no shrinking)."""
    if not text:
        return 0.0
    lines = linebreak.break_lines(text, width, _measure(px, bold), language())
    return len(lines) * spacing(px, bold)


def floor(px: float, min_px: float = FLOOR_SMALL) -> float:
    """The size ``draw_text`` starts from for ``px``: never below the floor."""
    return floor_of(px, min_px)[0]
