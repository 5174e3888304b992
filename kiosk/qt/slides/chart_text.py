"""The words on a chart (#13): sizes at the legibility floor, category names broken by
phrase, and the mark that tells a visitor a line is simulated."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor, QFontMetricsF

from kiosk.core import uistrings
from kiosk.core.linebreak import break_lines
from kiosk.qt import theme
from kiosk.qt.fonts import families, font

if TYPE_CHECKING:
    from kiosk.core.deck import Deck

# Sizes in design px at 1920x1080 (the views scale them): never below the floor (#13 §3)
TICK_PX = theme.FLOOR_SMALL  # axis tick labels, captions
MARK_PX = theme.FLOOR_SMALL  # 模拟 · SIMULATED
CATEGORY_PX = 32  # category names: primary labels
KEY_PX = 32  # the key of a chart with several series
VALUE_PX = 36  # value labels on bars and line ends (bold)
SUBTITLE_PX = theme.FLOOR_SECONDARY  # what is measured, in which unit
SUBTITLE = QColor("#c3d1df")  # a step brighter than the English title line above it
TICK_TEXT = theme.MUTED
MUTED_BAR = QColor("#46607d")  # the bars that are not highlighted: grey-blue, calm
MUTED_LABEL = theme.MUTED
GRID = QColor(255, 255, 255, 34)
BASELINE = QColor(255, 255, 255, 110)


def sim_mark(lang: str, deck: Deck | None = None) -> str:
    """The mark next to a simulated line's value, worded as beside a simulated figure:
    模拟 · SIMULATED, SIMULATED · 模拟 on an English screen (kiosk.core.uistrings)."""
    return uistrings.say("simulated", lang, deck)


def _metrics(px: float, bold: bool) -> QFontMetricsF:
    return _metrics_of(px, bold, tuple(families()))  # the families follow the language


@lru_cache(maxsize=256)
def _metrics_of(px: float, bold: bool, _families: tuple[str, ...]) -> QFontMetricsF:
    return QFontMetricsF(font(px, bold))


def width(text: str, px: float, bold: bool = False) -> float:
    """Width of one line of ``text`` in design px."""
    return _metrics(px, bold).horizontalAdvance(text)


def line_height(px: float, bold: bool = False) -> float:
    return _metrics(px, bold).lineSpacing()


def ascent(px: float, bold: bool = False) -> float:
    return _metrics(px, bold).ascent()


def descent(px: float, bold: bool = False) -> float:
    return _metrics(px, bold).descent()


def wrap(text: str, room: float, px: float, lang: str, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``room``, broken between phrases (BudouX for Chinese,
    spaces for Latin) and balanced, as a designer sets a label; never inside 小巨人."""
    if not text:
        return [""]
    if width(text, px, bold) <= room:
        return [text]
    return break_lines(text, room, _metrics(px, bold).horizontalAdvance, lang=lang,
                       balance=True)


def set_label(label: Any, text: str, pos: tuple[float, float] | None,
              anchor: tuple[float, float] | None = None, color: QColor | None = None,
              html: bool = False) -> None:
    """Change only what changed on a pyqtgraph TextItem: setText re-lays out rich text
    (~70 us), on every update otherwise."""
    if getattr(label, "_kiosk_text", None) != (text, html):
        if html:
            label.setHtml(text)
        else:
            label.setText(text)
        label._kiosk_text = (text, html)
    if color is not None and getattr(label, "_kiosk_color", None) != color.rgba():
        label.setColor(color)
        label._kiosk_color = color.rgba()
    if pos is not None and getattr(label, "_kiosk_pos", None) != pos:
        label.setPos(*pos)
        label._kiosk_pos = pos
    if anchor is not None and getattr(label, "_kiosk_anchor", None) != anchor:
        label.setAnchor(anchor)
        label._kiosk_anchor = anchor
