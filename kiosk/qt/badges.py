"""Small pills that keep the screen honest: 模拟数据 for simulated feeds, the time of the
last update once data is stale (or 离线 when there is none), and the operator's warning.
Their words, in the screen's language and its partner's, come from kiosk.core.uistrings.

The data pills have a place of their own: one row in the band above the slide's heading,
right-aligned with the content, clear of the title in landscape and portrait alike (a pill
stacked into the heading's line sat 8 px over a portrait title: curator's review)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from kiosk.core import uistrings
from kiosk.core.deck import AnySlide, Deck, SimSource
from kiosk.core.feeds import FeedHub
from kiosk.core.layout import HEADING_TOP
from kiosk.qt import theme
from kiosk.qt.fonts import font

PX = theme.FLOOR_SMALL  # legible from five metres (#13): was 22
HEIGHT = PX * 1.5  # a tag around one line of text: it fits the band above the heading
PAD = 18  # design px either side of the words
GAP = 12  # between two pills in the row
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


def pill_rects(texts: list[str], canvas: QSizeF) -> list[QRectF]:
    """Where the data pills go, most important first: in a row from the right margin
    leftwards (the first in the corner), centred in the band between the screen's top edge
    and the title's first line (kiosk.core.layout.HEADING_TOP), so that they sit above the
    heading and never on it. Two pills too wide for the content width (a portrait screen)
    draw closer and may reach into the left margin; a row wider still goes on below (never
    with the show's words in Chinese or English)."""
    metrics = QFontMetricsF(font(PX))
    widths = [metrics.horizontalAdvance(text) for text in texts]
    right_edge = canvas.width() - theme.MARGIN
    pad, gap, limit = float(PAD), float(GAP), float(theme.MARGIN)
    if sum(widths) + 2 * pad * len(widths) + gap * (len(widths) - 1) > right_edge - limit:
        pad, gap, limit = PAD * 2 / 3, GAP * 2 / 3, theme.MARGIN / 4
    right, top = right_edge, (HEADING_TOP - HEIGHT) / 2
    rects: list[QRectF] = []
    for width in (w + 2 * pad for w in widths):
        if rects and right - width < limit:
            right, top = right_edge, top + HEIGHT + gap
        rects.append(QRectF(right - width, top, width, HEIGHT))
        right -= width + gap
    return rects


def paint_badges(p: QPainter, deck: Deck, slide: AnySlide, feeds: FeedHub | None, wall: float,
                 canvas: QSizeF, operator: str | None = None, lang: str | None = None) -> None:
    """The data badges above the heading, top right (:func:`pill_rects`), and the
    operator's warning at the bottom; ``lang``: the language on screen (the deck's first
    when not given)."""
    found = _badges(deck, slide, feeds, wall, lang or deck.language)
    for rect, (text, color) in zip(pill_rects([t for t, _ in found], canvas), found,
                                   strict=True):
        _pill(p, text, rect, color)
    if operator:
        lines = operator_lines(operator, canvas.width() - 2 * theme.MARGIN - 2 * PAD)
        metrics = QFontMetricsF(font(PX))
        width = max(metrics.horizontalAdvance(line) for line in lines) + 2 * PAD
        height = HEIGHT + (len(lines) - 1) * metrics.lineSpacing()
        right = canvas.width() - theme.MARGIN
        bottom = canvas.height() - theme.MARGIN * 1.6 + HEIGHT
        _pill(p, "\n".join(lines), QRectF(right - width, bottom - height, width, height),
              QColor("#ff8a80"))


def operator_lines(text: str, room: float, most: int = 2) -> list[str]:
    """The operator's warning in at most ``most`` lines of at most ``room`` design px,
    broken at spaces, the last cut with … (the whole sentence is in the log and the status
    file): a long reason ran off the screen's left edge (#15)."""
    metrics = QFontMetricsF(font(PX))
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < most - 1 and metrics.horizontalAdvance(rest) > room:
        words = rest.split(" ")
        cut = len(words) - 1
        while cut > 1 and metrics.horizontalAdvance(" ".join(words[:cut])) > room:
            cut -= 1
        lines.append(metrics.elidedText(" ".join(words[:cut]), Qt.TextElideMode.ElideRight,
                                        room))
        rest = " ".join(words[cut:])
    if rest:
        lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, room))
    return lines


def _pill(p: QPainter, text: str, rect: QRectF, color: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(6, 16, 31, 200))
    p.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    p.setPen(color)
    p.setFont(font(PX))
    p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
