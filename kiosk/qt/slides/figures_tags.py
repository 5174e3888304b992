"""The pills beside a figure's number and a target's outline (#13 §1): a plan is tagged
目标 · TARGET and framed by a dashed line, never filled like a result; a simulated number
carries 模拟 · SIMULATED, worded as on a simulated chart line (kiosk.core.uistrings)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from kiosk.core import uistrings
from kiosk.core.deck import Deck
from kiosk.qt import theme
from kiosk.qt.fonts import font

TAG_PX = theme.FLOOR_SMALL
TAG_H = round(TAG_PX * 1.7)
TAG_GAP = 12.0  # between two tags on one line
TARGET_COLOR = theme.WARM
SIM_COLOR = theme.MUTED

Tag = tuple[str, QColor]  # the words, and the colour they are drawn in


def target_tag(lang: str, deck: Deck) -> Tag:
    """目标 · TARGET on a Chinese screen, TARGET · 目标 on an English one."""
    return uistrings.say("target", lang, deck), TARGET_COLOR


def named_tag(own: str, partner: str) -> Tag:
    """A target's own words (a deck's ``tag:``, e.g. 即将出台 · UPCOMING for a policy not yet
    issued), paired and set like 目标 · TARGET: in capitals on Latin screens, a stamp."""
    return uistrings.pair(own, partner).upper(), TARGET_COLOR


def simulated_tag(lang: str, deck: Deck) -> Tag:
    """模拟 · SIMULATED on a Chinese screen, SIMULADO · 模拟 on a Portuguese one."""
    return uistrings.say("simulated", lang, deck), SIM_COLOR


def tag_width(text: str) -> float:
    return QFontMetricsF(font(TAG_PX, True)).horizontalAdvance(text) + TAG_PX * 1.3


def draw_tags(p: QPainter, tags: list[Tag], left: float, top: float,
              centre: float | None) -> list[QRectF]:
    """The tags on one line from ``left`` (or centred on ``centre``); returns their boxes."""
    if not tags:
        return []
    if centre is not None:
        total = sum(tag_width(text) for text, _ in tags) + TAG_GAP * (len(tags) - 1)
        left = centre - total / 2
    rects = []
    for text, color in tags:
        rects.append(draw_tag(p, text, left, top, color, filled=color == SIM_COLOR))
        left = rects[-1].right() + TAG_GAP
    return rects


def draw_tag(p: QPainter, text: str, left: float, top: float, color: QColor,
             filled: bool) -> QRectF:
    """A small pill: 目标 · TARGET (outlined) or 模拟 · SIMULATED (filled); returns it."""
    f = font(TAG_PX, True)
    rect = QRectF(left, top, tag_width(text), TAG_H)
    p.save()
    fill = QColor(color)
    fill.setAlpha(46 if filled else 0)
    p.setBrush(fill)
    p.setPen(QPen(color, 2))
    p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), TAG_H / 2 - 1, TAG_H / 2 - 1)
    p.setPen(theme.TEXT if filled else color)
    p.setFont(f)
    p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
    p.restore()
    return rect


def dashed(p: QPainter, rect: QRectF) -> None:
    """The outline of a target's card: dashed, never filled like a result."""
    color = QColor(TARGET_COLOR)
    color.setAlpha(210)
    pen = QPen(color, 2.5, Qt.PenStyle.DashLine)
    pen.setDashPattern([6, 4])
    p.save()
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    p.restore()
