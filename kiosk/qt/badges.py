"""Small pills that keep the screen honest: 模拟数据 for simulated feeds, the time of the
last update once data is stale (or 离线 when there is none), and the operator's warning.
Their words, in the screen's language and its partner's, come from kiosk.core.uistrings."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from kiosk.core import uistrings
from kiosk.core.deck import AnySlide, Deck, SimSource
from kiosk.core.feeds import FeedHub
from kiosk.qt import theme
from kiosk.qt.fonts import font

PX = theme.FLOOR_SMALL  # legible from five metres (#13): was 22
WARM = QColor(255, 181, 71, 235)  # stale or offline: the data may be out of date


def badge_texts(deck: Deck, slide: AnySlide, feeds: FeedHub | None, wall: float,
                lang: str | None = None) -> list[str]:
    """What the slide must admit about its data, most important first, as the screen in
    ``lang`` says it (the deck's first language when not given)."""
    return [text for text, _ in _badges(deck, slide, feeds, wall, lang or deck.language)]


def _badges(deck: Deck, slide: AnySlide, feeds: FeedHub | None, wall: float,
            lang: str) -> list[tuple[str, QColor]]:
    names = sorted(deck.sources_of(slide))
    if not names or feeds is None:
        return []
    badges: list[tuple[str, QColor]] = []
    stale = [feeds.feeds[n] for n in names if n in feeds.feeds and feeds.feeds[n].stale(wall)]
    if stale:
        known = [f.updated for f in stale if f.updated is not None]
        if known:
            when = dt.datetime.fromtimestamp(min(known)).strftime("%H:%M:%S")
            badges.append((uistrings.say("updated", lang, deck, time=when), WARM))
        else:
            badges.append((uistrings.say("offline", lang, deck), WARM))
    if any(isinstance(deck.sources.get(n), SimSource) and deck.sources[n].label  # type: ignore[union-attr]
           for n in names):
        badges.append((uistrings.say("simulated_data", lang, deck), theme.MUTED))
    return badges


def paint_badges(p: QPainter, deck: Deck, slide: AnySlide, feeds: FeedHub | None, wall: float,
                 canvas: QSizeF, operator: str | None = None, lang: str | None = None) -> None:
    """The data badges top right, one under another, and the operator's warning at the
    bottom; ``lang``: the language on screen (the deck's first when not given)."""
    right = canvas.width() - theme.MARGIN
    top = theme.MARGIN * 0.35
    for text, color in _badges(deck, slide, feeds, wall, lang or deck.language):
        top = _pill(p, text, right, top, color) + 10
    if operator:
        _pill(p, operator, right, canvas.height() - theme.MARGIN * 1.6, QColor("#ff8a80"))


def _pill(p: QPainter, text: str, right: float, top: float, color: QColor) -> float:
    f = font(PX)
    width = QFontMetricsF(f).horizontalAdvance(text) + 36
    rect = QRectF(right - width, top, width, PX * 1.8)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(6, 16, 31, 200))
    p.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    p.setPen(color)
    p.setFont(f)
    p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
    return rect.bottom()
