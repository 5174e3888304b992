"""Figures slide: 1 to 6 headline numbers that count up, with unit, change and label.

One grid for every figures slide (#13 §3): the cards start on the same line whatever the
title and the count, every number on a slide has one size (labels share a baseline), and a
single figure is a centred hero. A target is drawn outlined and tagged 目标 · TARGET, and a
simulated number carries 模拟 · SIMULATED beside it (#13 §1). English and Portuguese read
their units naturally (kiosk.core.units: 92.64亿元 is RMB 9.26 bn).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen

from kiosk.core import layout
from kiosk.core.deck import DRAWABLE_LIMIT, FigureItem, FiguresSlide, SimSource, SourceRef
from kiosk.core.numbers import ease_out_cubic
from kiosk.core.units import CHINESE, Reading, reading
from kiosk.core.values import Text
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides.base import CENTER, LEFT, SlideView, ViewContext
from kiosk.qt.text import draw_text, spacing, text_height

log = logging.getLogger(__name__)

COUNT_UP_S = 1.6
STAGGER_S = 0.12  # each figure starts a little after the previous one
LIVE_S = 0.8  # a live figure glides from its old value to the new one
GAP = 40  # between cards

TARGET = Text.model_validate({"zh": "目标", "zh-Hant": "目標", "en": "TARGET", "pt": "META"})
SIMULATED = Text.model_validate({"zh": "模拟", "zh-Hant": "模擬", "en": "SIMULATED",
                                 "pt": "SIMULADO"})
TARGET_COLOR = theme.WARM
SIM_COLOR = theme.MUTED

# columns per row for 1..6 items, landscape and portrait
_ROWS = {1: [1], 2: [2], 3: [3], 4: [4], 5: [3, 2], 6: [3, 3]}
_ROWS_PORTRAIT = {1: [1], 2: [1, 1], 3: [1, 1, 1], 4: [2, 2], 5: [2, 2, 1], 6: [2, 2, 2]}
# the largest number for a count; every number of a slide then shares the size that fits
_MAX_PX = {1: 300, 2: 200, 3: 170, 4: 140, 5: 130, 6: 130}
_MAX_PX_PORTRAIT = {1: 300, 2: 200, 3: 170, 4: 150, 5: 130, 6: 130}
Mode = tuple[bool, bool]  # (the words before go over the number, the unit goes under it)
INLINE: Mode = (False, False)
MODES: tuple[Mode, ...] = (INLINE, (False, True), (True, False), (True, True))
TAG_PX = theme.FLOOR_SMALL
TAG_H = round(TAG_PX * 1.7)


def grid_top(portrait: bool) -> float:
    """The line every figures slide's cards start on (#13 §3), whatever its title: under a
    heading of one title line and one partner line (two title lines in portrait, where
    titles wrap sooner). A longer heading pushes the cards down; nothing else does."""
    title = (2 * spacing(layout.TITLE_MIN_PX, True) if portrait
             else spacing(layout.TITLE_PX, True))
    return (layout.HEADING_TOP + title + 4 + spacing(layout.HEADING_SUB_PX)
            + layout.HEADING_GAP)


def grid(count: int, rect: QRectF, portrait: bool, gap: float = GAP) -> list[QRectF]:
    """Cells for ``count`` figures in rows that fit the count (3+2 for five), each row
    ``rect.height() / rows`` tall (cards are then as tall as their content)."""
    rows = (_ROWS_PORTRAIT if portrait else _ROWS)[max(1, min(6, count))]
    cell_h = (rect.height() - gap * (len(rows) - 1)) / len(rows)
    cells = []
    for r, cols in enumerate(rows):
        cell_w = (rect.width() - gap * (cols - 1)) / cols
        for c in range(cols):
            cells.append(QRectF(rect.left() + c * (cell_w + gap),
                                rect.top() + r * (cell_h + gap), cell_w, cell_h))
    return cells[:count]


@dataclass(frozen=True)
class Style:
    """Sizes of the text on a card (design px); never below the legibility floor."""

    label: float
    secondary: float = theme.FLOOR_SECONDARY
    note: float = 30
    note_secondary: float = theme.FLOOR_SMALL
    change: float = 44
    pad: float = 40

    def compact(self) -> Style:
        """Labels and notes at their floors: for a slide whose texts do not fit otherwise."""
        return replace(self, label=max(theme.FLOOR_SECONDARY, self.label - 4),
                       secondary=theme.FLOOR_SECONDARY, note=theme.FLOOR_SMALL,
                       note_secondary=theme.FLOOR_SMALL)

    @staticmethod
    def for_count(count: int) -> Style:
        if count == 1:
            return Style(label=48, secondary=38, note=32, note_secondary=30, change=52, pad=56)
        if count <= 3:
            return Style(label=40)
        return Style(label=36, note=theme.FLOOR_SMALL, pad=32)


@dataclass
class _Figure:
    """What one figure shows in the language on screen, worked out once per layout."""

    item: FigureItem
    value: float | None
    reading: Reading
    final: str  # the widest text the number will show
    label: str
    label_secondary: str
    note: str
    note_secondary: str
    change: str
    target: bool
    tags: list[tuple[str, QColor]] = field(default_factory=list)


@dataclass(frozen=True)
class Tracks:
    """Heights shared by a row of cards (design px): tags, the words over the number, the
    number, the unit under it, the change."""

    tags: float
    above: float
    number: float
    below: float
    change: float

    @property
    def total(self) -> float:
        return self.tags + self.above + self.number + self.below + self.change


@dataclass(frozen=True)
class Card:
    """Where a figure was laid out, in design px (tests read it as a visitor would look)."""

    rect: QRectF  # the card (a hero's outline, if any)
    number: QRectF  # the number at its final width: cap height from the baseline
    tags: tuple[QRectF, ...]
    target: bool
    stacked: bool  # the unit went under the number (too wide beside it)


@dataclass(frozen=True)
class _Slot:
    """Where a figure's number goes; found while painting the static layer."""

    item: FigureItem
    reading: Reading
    right: float  # x where the number ends (right-aligned: the count-up never jitters)
    room: float  # width the number may take
    baseline: float
    px: float
    delay: float
    target: bool


@dataclass
class _Motion:
    """A number moving from ``start`` to ``end``, beginning at ``t0`` (view seconds)."""

    start: float
    end: float
    t0: float
    duration: float

    def at(self, elapsed: float) -> float:
        if self.duration <= 0:
            return self.end
        return self.start + (self.end - self.start) * ease_out_cubic(
            (elapsed - self.t0) / self.duration)

    def moving(self, elapsed: float) -> bool:
        return elapsed < self.t0 + self.duration


class FiguresView(SlideView):
    slide: FiguresSlide

    def __init__(self, slide: FiguresSlide, ctx: ViewContext) -> None:
        super().__init__(slide, ctx)
        self._slots: list[_Slot] = []
        self._motions: dict[int, _Motion] = {}
        self._last_elapsed = 0.0
        self._painted: list[str] = []  # the numbers as last painted
        self.cards: list[Card] = []  # the layout last painted
        self._warned = False  # texts too long for the slide: said once

    # ------------------------------------------------------------------ data
    def value_of(self, item: FigureItem) -> float | None:
        """The number to show: as written, or the feed's latest value (None: no data yet)."""
        if isinstance(item.value, float):
            return item.value
        feeds = self.ctx.feeds
        feed = feeds.feeds.get(item.value.source) if feeds is not None else None
        value = feed.value if feed is not None else None
        if value is not None and not abs(value) < DRAWABLE_LIMIT:
            # a feed may deliver 1e308, which no card can hold (#18 F): a dash, as for no data
            return None
        return value

    def simulated(self, item: FigureItem) -> bool:
        """The number comes from a simulated feed that the deck says to label (#13 §1)."""
        if not isinstance(item.value, SourceRef):
            return False
        source = self.ctx.deck.sources.get(item.value.source)
        return isinstance(source, SimSource) and source.label

    def reading_of(self, item: FigureItem, value: float) -> Reading:
        """How the figure reads next to its label: in the label's language on an English or
        Portuguese screen (a label with no English keeps its Chinese units)."""
        lang = self.ctx.lang
        if lang not in CHINESE:
            source = item.label.source(lang) or lang
            lang = source if source not in CHINESE else self.ctx.script
        # the labels of every figure with this unit: a slide says "companies" after all its
        # 家 figures or after none (41 SMEs beside 49 companies would read as two units)
        labels = " / ".join(self.ctx.primary(other.label) for other in self.slide.items
                            if other.unit_zh == item.unit_zh)
        return reading(value, item.decimals or 0, item.unit, item.prefix, lang, labels)

    def _figure(self, item: FigureItem) -> _Figure:
        value = self.value_of(item)
        r = self.reading_of(item, value if value is not None else 0.0)
        if value is None:
            final = "—" if isinstance(item.value, float) else "888"
        elif isinstance(item.value, float):
            final = r.number(value)
        else:  # a live figure: room for any digits of its length, so it lays out again
            final = _room(r.number(value))  # only when the length changes (999 -> 1000)
        ctx = self.ctx
        tags = []
        if item.kind == "target":
            tags.append((self._tag(TARGET), TARGET_COLOR))
        if self.simulated(item):
            tags.append((self._tag(SIMULATED), SIM_COLOR))
        change = ""
        if item.change:
            change = f"{'▼' if item.falling else '▲'} {item.change.strip().lstrip('+-−')}"
        return _Figure(item, value, r, final, ctx.primary(item.label), ctx.secondary(item.label),
                       ctx.primary(item.note), ctx.secondary(item.note), change,
                       item.kind == "target", tags)

    def tag_texts(self, item: FigureItem) -> list[str]:
        """The tags beside a figure's number, as drawn: 目标 · TARGET, 模拟 · SIMULATED."""
        return [text for text, _ in self._figure(item).tags]

    def _tag(self, text: Text) -> str:
        second = self.ctx.secondary(text)
        return f"{self.ctx.primary(text)} · {second}" if second else self.ctx.primary(text)

    # ------------------------------------------------------------------ the player's contract
    def settle_time(self) -> float:
        return COUNT_UP_S + STAGGER_S * len(self.slide.items)

    def on_show(self) -> None:
        self._motions.clear()  # count up again each time the slide appears
        self._last_elapsed = 0.0
        self._painted = []

    def animating(self, elapsed: float) -> bool:
        if not self.ctx.animations or all(
                i.kind == "target" and isinstance(i.value, float) for i in self.slide.items):
            return False  # targets stand still: nothing on this slide counts
        if not self._motions:
            return elapsed < self.settle_time()
        return any(m.moving(elapsed) for m in self._motions.values())

    def _texts(self, elapsed: float) -> list[str]:
        return [slot.reading.number(self._shown(k, slot, elapsed))
                for k, slot in enumerate(self._slots)]

    def moving_rects(self, elapsed: float) -> list[QRectF] | None:
        if self._layer is None:
            return None  # not laid out yet: the whole slide
        if self._texts(elapsed) == self._painted:
            return []  # the numbers read the same as on screen: a frame would change nothing
        rects = []
        for slot in self._slots:
            metrics = QFontMetricsF(font(slot.px, True))
            rects.append(QRectF(slot.right - slot.room - 12, slot.baseline - metrics.ascent() - 6,
                                slot.room + 24, metrics.ascent() + metrics.descent() + 12))
        return rects

    def data_changed(self) -> None:
        """A live value changed: re-lay out only if it no longer fits its room or reads with
        other words (an English scale word, a Chinese 万)."""
        for slot in self._slots:
            value = self.value_of(slot.item)
            if value is None:
                continue
            now = self.reading_of(slot.item, value)
            room = QFontMetricsF(font(slot.px, True)).horizontalAdvance(
                _room(now.number(value)))
            # a digit more or fewer (999 -> 1000): lay out again, so the unit stays beside
            # the number
            words = (now.before, now.after, now.divisor, now.suffix)
            was = (slot.reading.before, slot.reading.after, slot.reading.divisor,
                   slot.reading.suffix)
            if abs(room - slot.room) > 0.5 or words != was:
                self.invalidate()
                return

    # ------------------------------------------------------------------ static layer
    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        figures = [self._figure(item) for item in self.slide.items]
        style = Style.for_count(len(figures))
        portrait = self.ctx.portrait
        top = grid_top(portrait)
        area = QRectF(rect.left(), max(rect.top(), top), rect.width(),
                      rect.bottom() - max(rect.top(), top))
        self._slots = []
        self.cards = []
        if len(figures) == 1:
            self._hero(p, figures[0], area, rect, style)
        else:
            self._grid(p, figures, area, rect, style)

    # sizes of the number line -------------------------------------------------------
    @staticmethod
    def _unit_px(px: float) -> float:
        return max(theme.FLOOR_SECONDARY, px * 0.34)

    def _widths(self, fig: _Figure, px: float) -> tuple[float, float, float, float, float]:
        """(before with its gap, before alone, number, after with its gap, after alone)."""
        small = QFontMetricsF(font(self._unit_px(px), True))
        r = fig.reading
        space = small.horizontalAdvance(" ")
        before = small.horizontalAdvance(r.before) if r.before else 0.0
        number = QFontMetricsF(font(px, True)).horizontalAdvance(fig.final)
        after = small.horizontalAdvance(r.after) if r.after else 0.0
        return (before + space if before else 0.0, before, number,
                after + space if after else 0.0, after)

    def _line_width(self, fig: _Figure, px: float, mode: Mode) -> float:
        """The width the number line takes in ``mode``: its widest row."""
        before, before_alone, number, after, after_alone = self._widths(fig, px)
        above, below = mode
        rows = [number + (0 if above else before) + (0 if below else after)]
        if above:
            rows.append(before_alone)
        if below:
            rows.append(after_alone)
        return max(rows)

    def _mode(self, fig: _Figure, px: float, width: float) -> Mode | None:
        """The first arrangement that fits: all on one line, then the unit under the number,
        then the words before it over it ("at least RMB" / 10 bn), then both."""
        r = fig.reading
        for mode in MODES:
            above, below = mode
            if (above and not _stackable(r.before)) or (below and not _stackable(r.after)):
                continue
            if self._line_width(fig, px, mode) <= width:
                return mode
        return None

    def _fit(self, figures: list[_Figure], widths: list[float],
             max_px: float) -> tuple[float, list[Mode]]:
        """One size for every number of the slide: the largest at which each fits its card,
        all on one line when a little smaller allows it, else stacked."""
        px = max_px
        while px >= max_px * 0.8:  # on one line, if that costs at most a fifth of the size
            if all(self._line_width(f, px, INLINE) <= w
                   for f, w in zip(figures, widths, strict=True)):
                return px, [INLINE] * len(figures)
            px *= 0.96
        px = max_px
        while px > 24:
            modes = [self._mode(f, px, w) for f, w in zip(figures, widths, strict=True)]
            if all(m is not None for m in modes):
                return px, [m or INLINE for m in modes]
            px *= 0.96
        return px, [self._mode(f, px, 1e9) or INLINE for f in figures]

    def _modes_at(self, figures: list[_Figure], widths: list[float], px: float) -> list[Mode]:
        return [self._mode(f, px, w) or INLINE for f, w in zip(figures, widths, strict=True)]

    def _tracks(self, row: list[_Figure], modes: list[Mode], px: float,
                style: Style) -> Tracks:
        """Heights shared by a row, so its numbers and its labels share baselines."""
        small = self._unit_px(px) * 1.3
        return Tracks(tags=TAG_H + 18 if any(f.tags for f in row) else 0.0,
                      above=small if any(m[0] for m in modes) else 0.0,
                      number=px * 0.78 + max(24.0, px * 0.16),
                      below=small if any(m[1] for m in modes) else 0.0,
                      change=style.change * 1.4 if any(f.change for f in row) else 0.0)

    @staticmethod
    def _flow(fig: _Figure, style: Style) -> list[tuple[str, float, float, QColor]]:
        """The text under the number: label, its partner language, the note and its partner
        language (text, px, gap above, colour); never below the floor, wrapped instead."""
        note_second = QColor(theme.WARM)
        note_second.setAlpha(200)
        blocks = [(fig.label, style.label, 0.0, theme.TEXT),
                  (fig.label_secondary, style.secondary, 4.0, theme.MUTED),
                  (fig.note, style.note, 16.0, theme.WARM),
                  (fig.note_secondary, style.note_secondary, 2.0, note_second)]
        return [b for b in blocks if b[0]]

    def _flow_height(self, fig: _Figure, width: float, style: Style) -> float:
        return sum(gap + text_height(text, width, px)
                   for text, px, gap, _ in self._flow(fig, style))

    # the grid of cards ---------------------------------------------------------------
    def _grid(self, p: QPainter, figures: list[_Figure], area: QRectF, heading: QRectF,
              base: Style) -> None:
        n = len(figures)
        portrait = self.ctx.portrait
        rows = (_ROWS_PORTRAIT if portrait else _ROWS)[n]
        spans: list[tuple[int, int]] = []  # (first figure, count) per row
        widths: list[float] = []
        first = 0
        for cols in rows:
            spans.append((first, cols))
            cell_w = (area.width() - GAP * (cols - 1)) / cols
            widths += [cell_w - 2 * base.pad] * cols
            first += cols
        max_px = (_MAX_PX_PORTRAIT if portrait else _MAX_PX)[n]
        # smaller numbers before cards that run off the slide; then labels and notes at
        # their floors, and the numbers smaller still
        for style, least in ((base, 0.75), (base.compact(), 0.55)):
            px, modes = self._fit(figures, widths, max_px)
            while True:
                heights = [self._row_height(figures[a:a + c], modes[a:a + c],
                                            widths[a:a + c], px, style) for a, c in spans]
                total = sum(heights) + GAP * (len(rows) - 1)
                if total <= area.height() or px <= max_px * least:
                    break
                px *= 0.94
                modes = self._modes_at(figures, widths, px)
            if total <= area.height():
                break
        if total > area.height():  # still too tall: start right under the heading
            area = QRectF(heading)
        if total > area.height():  # and end above the source line, the last lines cut
            self._too_long(area)
            room = area.height() - GAP * (len(rows) - 1)
            heights = [h * room / (total - GAP * (len(rows) - 1)) for h in heights]
        top = area.top()
        for (a, c), height in zip(spans, heights, strict=True):
            cell_w = (area.width() - GAP * (c - 1)) / c
            row = figures[a:a + c]
            tracks = self._tracks(row, modes[a:a + c], px, style)
            for k in range(c):
                cell = QRectF(area.left() + k * (cell_w + GAP), top, cell_w, height)
                self._card(p, row[k], cell, px, modes[a + k], tracks, style, a + k)
            top += height + GAP

    def _too_long(self, area: QRectF) -> None:
        if not self._warned:
            self._warned = True
            log.warning("figures slide %r: its texts do not fit a %gx%g canvas even at the "
                        "legibility floor; their last lines are cut. Shorten its labels or "
                        "notes, or split the slide", self.ctx.primary(self.slide.title),
                        self.ctx.canvas.width(), self.ctx.canvas.height())

    def _row_height(self, row: list[_Figure], modes: list[Mode], widths: list[float],
                    px: float, style: Style) -> float:
        flows = max(self._flow_height(f, w, style) for f, w in zip(row, widths, strict=True))
        return style.pad * 0.8 + self._tracks(row, modes, px, style).total + flows + style.pad

    def _card(self, p: QPainter, fig: _Figure, cell: QRectF, px: float, mode: Mode,
              tracks: Tracks, style: Style, index: int) -> None:
        if fig.target:  # a plan: outlined, never filled like a result
            _dashed(p, cell.adjusted(1.25, 1.25, -1.25, -1.25))
        else:
            p.fillRect(cell, theme.PANEL)
            p.fillRect(QRectF(cell.left(), cell.top(), 6, cell.height()), theme.ACCENT)
        inner = cell.adjusted(style.pad, style.pad * 0.8, -style.pad, -style.pad)
        tag_rects = self._tags(p, fig, inner.left(), inner.top(), None)
        number = self._number_line(p, fig, inner.left(), inner.top() + tracks.tags, px, mode,
                                   tracks, index)
        y = inner.top() + tracks.tags + tracks.above + tracks.number + tracks.below
        if fig.change:
            self._change(p, fig, QRectF(inner.left(), y, inner.width(), tracks.change), style,
                         LEFT)
        y += tracks.change
        self._paint_flow(p, fig, QRectF(inner.left(), y, inner.width(), inner.bottom() - y),
                         style, LEFT)
        self.cards.append(Card(cell, number, tuple(tag_rects), fig.target, mode[1]))

    # the hero ----------------------------------------------------------------------
    def _hero(self, p: QPainter, fig: _Figure, area: QRectF, heading: QRectF,
              base: Style) -> None:
        """One figure: centred, big (about 300 px), no card with an empty half. A target's
        is framed by a dashed outline, as a target's card is."""
        column = area.width() if self.ctx.portrait else min(area.width(), 1400.0)
        room = area.width() - 2 * base.pad
        max_px = (_MAX_PX_PORTRAIT if self.ctx.portrait else _MAX_PX)[1]
        for style, least in ((base, 0.75), (base.compact(), 0.55)):
            px, (mode,) = self._fit([fig], [room], max_px)
            while True:
                tracks = self._tracks([fig], [mode], px, style)
                height = tracks.total + self._flow_height(fig, column, style)
                if height <= area.height() - 2 * style.pad or px <= max_px * least:
                    break
                px *= 0.94
                mode = self._mode(fig, px, room) or INLINE
            if height <= area.height() - 2 * style.pad:
                break
        if height > area.height() - 2 * style.pad:
            area = QRectF(heading)
            if height > area.height() - style.pad:
                self._too_long(area)
        top = area.top() + max(style.pad, (area.height() - height) / 2)
        cx = area.center().x()
        tag_rects = self._tags(p, fig, cx, top, cx)
        number = self._number_line(p, fig, cx, top + tracks.tags, px, mode, tracks, 0,
                                   centred=True)
        y = top + tracks.tags + tracks.above + tracks.number + tracks.below
        if fig.change:
            self._change(p, fig, QRectF(cx - column / 2, y, column, tracks.change), style,
                         CENTER)
        y += tracks.change
        used = self._paint_flow(p, fig, QRectF(cx - column / 2, y, column,
                                               area.bottom() - style.pad * 0.8 - y),
                                style, CENTER)
        line = self._line_width(fig, px, mode)
        half = max(line / 2, used.width() / 2 if used.width() else 0.0,
                   *(abs(r.left() - cx) for r in tag_rects)) + style.pad * 1.5
        half = min(half, area.width() / 2)
        box = QRectF(cx - half, top - style.pad, 2 * half,
                     max(used.bottom(), y) - top + style.pad * 1.8)
        if fig.target:
            _dashed(p, box)
        self.cards.append(Card(box, number, tuple(tag_rects), fig.target, mode[1]))

    # parts -------------------------------------------------------------------------
    def _tags(self, p: QPainter, fig: _Figure, left: float, top: float,
              centre: float | None) -> list[QRectF]:
        if not fig.tags:
            return []
        gap = 12.0
        if centre is not None:
            total = sum(tag_width(text) for text, _ in fig.tags) + gap * (len(fig.tags) - 1)
            left = centre - total / 2
        rects = []
        for text, color in fig.tags:
            rects.append(draw_tag(p, text, left, top, color, filled=color == SIM_COLOR))
            left = rects[-1].right() + gap
        return rects

    def _number_line(self, p: QPainter, fig: _Figure, x: float, top: float, px: float,
                     mode: Mode, tracks: Tracks, index: int, centred: bool = False) -> QRectF:
        """The words before and after (static) around where the number counts (painted
        over); ``x`` is the left edge, or the centre when ``centred``. Returns the number's
        box at its final width."""
        before, before_alone, number_w, after, after_alone = self._widths(fig, px)
        above, below = mode
        small = font(self._unit_px(px), True)
        r = fig.reading
        line = number_w + (0 if above else before) + (0 if below else after)
        left = x - line / 2 if centred else x
        baseline = top + tracks.above + px * 0.78
        small_baseline = self._unit_px(px) * 0.95

        def at(width: float) -> float:  # a row of its own: centred, or at the left edge
            return x - width / 2 if centred else x

        p.setFont(small)
        if r.before:
            p.setPen(theme.MUTED)
            if above:
                p.drawText(QPointF(at(before_alone), top + small_baseline), r.before)
            else:
                p.drawText(QPointF(left, baseline), r.before)
        right = left + (0 if above else before) + number_w
        if r.after:
            p.setPen(theme.ACCENT)
            if below:
                p.drawText(QPointF(at(after_alone), top + tracks.above + tracks.number
                                   + small_baseline), r.after)
            else:
                p.drawText(QPointF(right + after - after_alone, baseline), r.after)
        if fig.value is None:  # a feed with no data yet: a dash where the number will stand
            big = font(px, True)
            p.setFont(big)
            p.setPen(theme.MUTED)
            p.drawText(QPointF(right - QFontMetricsF(big).horizontalAdvance("—"), baseline), "—")
        elif fig.target and isinstance(fig.item.value, float):
            # a plan was never tallied: it does not count up, it stands (and its outline,
            # costly to stroke, is drawn once with the slide, not every frame)
            draw_number(p, r.number(fig.value), right, baseline, px, True)
        else:
            self._slots.append(_Slot(fig.item, r, right, number_w, baseline, px,
                                     index * STAGGER_S, fig.target))
        return QRectF(right - number_w, baseline - px * 0.76, number_w, px * 0.76)

    def _change(self, p: QPainter, fig: _Figure, rect: QRectF, style: Style,
                align: Qt.AlignmentFlag) -> None:
        rise, fall = theme.change_colors(self.ctx.deck.change_colors)
        draw_text(p, rect, fig.change, style.change, fall if fig.item.falling else rise,
                  bold=True, align=align, max_lines=1, min_px=theme.FLOOR_SECONDARY)

    def _paint_flow(self, p: QPainter, fig: _Figure, rect: QRectF, style: Style,
                    align: Qt.AlignmentFlag) -> QRectF:
        """The label and notes under one another, at their sizes, down to ``rect``'s bottom:
        a text that would run past it is cut with "…" (a card never runs off the slide).
        Returns the rectangle the lines cover."""
        y = rect.top()
        covered = QRectF()
        for text, px, gap, color in self._flow(fig, style):
            height = text_height(text, rect.width(), px)
            lines = 99
            room = rect.bottom() - (y + gap)
            if height > room + 0.5:
                lines = int(room // spacing(px))
                if lines < 1:
                    break
                height = lines * spacing(px)
            used = draw_text(p, QRectF(rect.left(), y + gap, rect.width(), height + 2), text,
                             px, color, align=align, max_lines=lines, min_px=px)
            covered = covered.united(used) if not covered.isNull() else used
            y += gap + height
        return covered

    # ------------------------------------------------------------------ moving layer
    def paint_over(self, p: QPainter, elapsed: float) -> None:
        self._painted = self._texts(elapsed)
        for slot, text in zip(self._slots, self._painted, strict=True):
            draw_number(p, text, slot.right, slot.baseline, slot.px, slot.target)
        self._last_elapsed = elapsed

    def _shown(self, k: int, slot: _Slot, elapsed: float) -> float:
        """Count up from 0 on entry; glide from the old to the new value when a feed moves.
        A rank (第5名, 5th) does not count: it stands."""
        target = self.value_of(slot.item)
        if target is None:
            target = 0.0
        if not self.ctx.animations or not slot.reading.counts:
            return target
        motion = self._motions.get(k)
        if motion is None:
            motion = _Motion(0.0, target, slot.delay, COUNT_UP_S)
            self._motions[k] = motion
        elif motion.end != target:
            now = max(elapsed, self._last_elapsed)
            motion = _Motion(motion.at(now), target, now, LIVE_S)
            self._motions[k] = motion
        return motion.at(elapsed) if elapsed >= motion.t0 else motion.start


def draw_number(p: QPainter, text: str, right: float, baseline: float, px: float,
                outlined: bool) -> None:
    """The big number, right-aligned at ``right``: solid for a result, an outline for a
    target (a plan must not look like a result, #13 §1)."""
    big = font(px, True)
    x = right - QFontMetricsF(big).horizontalAdvance(text)
    if not outlined:
        p.setFont(big)  # glyphs come from Qt's cache: a frame of count-up stays cheap
        p.setPen(theme.TEXT)
        p.drawText(QPointF(x, baseline), text)
        return
    path = QPainterPath()
    path.addText(QPointF(x, baseline), big, text)
    p.save()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(theme.TEXT, max(2.0, px / 48), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                  Qt.PenJoinStyle.RoundJoin))
    p.drawPath(path)
    p.restore()


def _room(number: str) -> str:
    """The widest text of a number's length: a live number changes within it."""
    return number.translate(str.maketrans("0123456789", "8888888888"))


def _stackable(words: str) -> bool:
    """Words may go on a line of their own ("million m²", "at least RMB"); "%", 家 or 第
    stay beside the number."""
    return len(words) > 3 or " " in words


def _dashed(p: QPainter, rect: QRectF) -> None:
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


def tag_width(text: str) -> float:
    return QFontMetricsF(font(TAG_PX, True)).horizontalAdvance(text) + TAG_PX * 1.3


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
