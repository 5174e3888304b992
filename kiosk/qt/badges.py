"""Small pills that keep the screen honest: 模拟数据 for simulated feeds, the time of the
last update once data is stale (or 离线 when there is none), and the operator's warning."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from kiosk.core.deck import AnySlide, Deck, SimSource
from kiosk.core.feeds import FeedHub
from kiosk.qt import theme
from kiosk.qt.fonts import font

PX = theme.FLOOR_SMALL  # legible from five metres (#13): was 22
SIM = "模拟数据 · Simulated data"
OFFLINE = "离线 · Offline"


def badge_texts(deck: Deck, slide: AnySlide, feeds: FeedHub | None, wall: float) -> list[str]:
    """What the slide must admit about its data, most important first."""
    names = sorted(deck.sources_of(slide))
    if not names or feeds is None:
        return []
    texts: list[str] = []
    stale = [feeds.feeds[n] for n in names if n in feeds.feeds and feeds.feeds[n].stale(wall)]
    if stale:
        known = [f.updated for f in stale if f.updated is not None]
        if known:
            when = dt.datetime.fromtimestamp(min(known)).strftime("%H:%M:%S")
            texts.append(f"数据更新于 {when} · Updated {when}")
        else:
            texts.append(OFFLINE)
    if any(isinstance(deck.sources.get(n), SimSource) and deck.sources[n].label  # type: ignore[union-attr]
           for n in names):
        texts.append(SIM)
    return texts


def paint_badges(p: QPainter, deck: Deck, slide: AnySlide, feeds: FeedHub | None, wall: float,
                 canvas: QSizeF, operator: str | None = None) -> None:
    right = canvas.width() - theme.MARGIN
    top = theme.MARGIN * 0.35
    for text in badge_texts(deck, slide, feeds, wall):
        warm = not text.startswith("模拟")
        top = _pill(p, text, right, top, QColor(255, 181, 71, 235) if warm else theme.MUTED) + 10
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
