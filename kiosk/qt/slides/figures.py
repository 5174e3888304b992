"""Figures slide: 1 to 6 headline numbers that count up, with unit, change and label.

One grid for every figures slide (#13 §3): the cards start on the same line whatever the
title and the count, every number on a slide has one size (labels share a baseline), and a
single figure is a centred hero. A target is drawn outlined and tagged 目标 · TARGET, and a
simulated number carries 模拟 · SIMULATED beside it (#13 §1). English and Portuguese read
their units naturally (kiosk.core.units: 92.64亿元 is RMB 9.26 bn).

The view decides what each figure says and where its card goes; the grid's geometry is in
figures_layout, the sizes in figures_measure, the tags in figures_tags and the number line
in figures_number.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter

from kiosk.core.deck import DRAWABLE_LIMIT, FigureItem, FiguresSlide, SimSource, SourceRef
from kiosk.core.units import CHINESE, Reading, reading
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides.base import CENTER, LEFT, SlideView, ViewContext
from kiosk.qt.slides.figures_layout import (
    GAP,
    Card,
    Mode,
    Style,
    Tracks,
    grid_top,
    max_px_for,
    rows_for,
)
from kiosk.qt.slides.figures_measure import Figure, fit_grid, fit_hero, flow, line_width, tracks
from kiosk.qt.slides.figures_number import (
    COUNT_UP_S,
    LIVE_S,
    STAGGER_S,
    Motion,
    Slot,
    draw_number,
    number_line,
    room,
)
from kiosk.qt.slides.figures_tags import (
    dashed,
    draw_tags,
    named_tag,
    simulated_tag,
    target_tag,
)
from kiosk.qt.text import draw_text, spacing, text_height

log = logging.getLogger(__name__)

# what other modules and tests name from here
__all__ = ["COUNT_UP_S", "LIVE_S", "STAGGER_S", "Card", "FiguresView"]


class FiguresView(SlideView):
    slide: FiguresSlide

    def __init__(self, slide: FiguresSlide, ctx: ViewContext) -> None:
        super().__init__(slide, ctx)
        self._slots: list[Slot] = []
        self._motions: dict[int, Motion] = {}
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

    def _figure(self, item: FigureItem) -> Figure:
        value = self.value_of(item)
        r = self.reading_of(item, value if value is not None else 0.0)
        if value is None:
            final = "—" if isinstance(item.value, float) else "888"
        elif isinstance(item.value, float):
            final = r.number(value)
        else:  # a live figure: room for any digits of its length, so it lays out again
            final = room(r.number(value))  # only when the length changes (999 -> 1000)
        ctx = self.ctx
        tags = []
        if item.kind == "target" and item.tag is not None:  # what the plan is, in its words
            tags.append(named_tag(ctx.primary(item.tag), ctx.secondary(item.tag)))
        elif item.kind == "target":
            tags.append(target_tag(ctx.lang, ctx.deck))
        if self.simulated(item):
            tags.append(simulated_tag(ctx.lang, ctx.deck))
        change = ""
        if item.change:
            change = f"{'▼' if item.falling else '▲'} {item.change.strip().lstrip('+-−')}"
        return Figure(item, value, r, final, ctx.primary(item.label), ctx.secondary(item.label),
                      ctx.primary(item.note), ctx.secondary(item.note), change,
                      item.kind == "target", tags)

    def tag_texts(self, item: FigureItem) -> list[str]:
        """The tags beside a figure's number, as drawn: 目标 · TARGET (or the deck's own tag,
        即将出台 · UPCOMING), 模拟 · SIMULATED."""
        return [text for text, _ in self._figure(item).tags]

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
        return [slot.rect() for slot in self._slots]

    def data_changed(self) -> None:
        """A live value changed: re-lay out only if it no longer fits its room or reads with
        other words (an English scale word, a Chinese 万)."""
        for slot in self._slots:
            value = self.value_of(slot.item)
            if value is None:
                continue
            now = self.reading_of(slot.item, value)
            width = QFontMetricsF(font(slot.px, True)).horizontalAdvance(
                room(now.number(value)))
            # a digit more or fewer (999 -> 1000): lay out again, so the unit stays beside
            # the number
            words = (now.before, now.after, now.divisor, now.suffix)
            was = (slot.reading.before, slot.reading.after, slot.reading.divisor,
                   slot.reading.suffix)
            if abs(width - slot.room) > 0.5 or words != was:
                self.invalidate()
                return

    # ------------------------------------------------------------------ static layer
    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        figures = [self._figure(item) for item in self.slide.items]
        style = Style.for_count(len(figures))
        top = grid_top(self.ctx.portrait)
        area = QRectF(rect.left(), max(rect.top(), top), rect.width(),
                      rect.bottom() - max(rect.top(), top))
        self._slots = []
        self.cards = []
        if len(figures) == 1:
            self._hero(p, figures[0], area, rect, style)
        else:
            self._grid(p, figures, area, rect, style)

    def _grid(self, p: QPainter, figures: list[Figure], area: QRectF, heading: QRectF,
              base: Style) -> None:
        rows = rows_for(len(figures), self.ctx.portrait)
        spans: list[tuple[int, int]] = []  # (first figure, count) per row
        widths: list[float] = []
        first = 0
        for cols in rows:
            spans.append((first, cols))
            cell_w = (area.width() - GAP * (cols - 1)) / cols
            widths += [cell_w - 2 * base.pad] * cols
            first += cols
        fitted = fit_grid(figures, widths, spans, max_px_for(len(figures), self.ctx.portrait),
                          base, area.height())
        heights, total = fitted.heights, fitted.total
        if total > area.height():  # too tall: start right under the heading
            area = QRectF(heading)
        if total > area.height():  # and end above the source line, the last lines cut
            self._too_long(area)
            gaps = GAP * (len(rows) - 1)
            heights = [h * (area.height() - gaps) / (total - gaps) for h in heights]
        top = area.top()
        if not self.ctx.portrait and total < area.height():
            # landscape: the group is centred in the room under the heading (a keynote's
            # balance; three cards at the top left 40% of the screen empty, curator's review)
            top += (area.height() - total) / 2
        for (a, c), height in zip(spans, heights, strict=True):
            cell_w = (area.width() - GAP * (c - 1)) / c
            row = figures[a:a + c]
            shared = tracks(row, fitted.modes[a:a + c], fitted.px, fitted.style)
            for k in range(c):
                cell = QRectF(area.left() + k * (cell_w + GAP), top, cell_w, height)
                self._card(p, row[k], cell, fitted.px, fitted.modes[a + k], shared,
                           fitted.style, a + k)
            top += height + GAP

    def _too_long(self, area: QRectF) -> None:
        if not self._warned:
            self._warned = True
            log.warning("figures slide %r: its texts do not fit a %gx%g canvas even at the "
                        "legibility floor; their last lines are cut. Shorten its labels or "
                        "notes, or split the slide", self.ctx.primary(self.slide.title),
                        self.ctx.canvas.width(), self.ctx.canvas.height())

    def _card(self, p: QPainter, fig: Figure, cell: QRectF, px: float, mode: Mode,
              shared: Tracks, style: Style, index: int) -> None:
        if fig.target:  # a plan: outlined, never filled like a result
            dashed(p, cell.adjusted(1.25, 1.25, -1.25, -1.25))
        else:
            p.fillRect(cell, theme.PANEL)
            p.fillRect(QRectF(cell.left(), cell.top(), 6, cell.height()), theme.ACCENT)
        inner = cell.adjusted(style.pad, style.pad * 0.8, -style.pad, -style.pad)
        tag_rects = draw_tags(p, fig.tags, inner.left(), inner.top(), None)
        number = self._number_line(p, fig, inner.left(), inner.top() + shared.tags, px, mode,
                                   shared, index)
        y = inner.top() + shared.tags + shared.above + shared.number + shared.below
        if fig.change:
            self._change(p, fig, QRectF(inner.left(), y, inner.width(), shared.change), style,
                         LEFT)
        y += shared.change
        self._paint_flow(p, fig, QRectF(inner.left(), y, inner.width(), inner.bottom() - y),
                         style, LEFT)
        self.cards.append(Card(cell, number, tuple(tag_rects), fig.target, mode[1]))

    def _hero(self, p: QPainter, fig: Figure, area: QRectF, heading: QRectF,
              base: Style) -> None:
        """One figure: centred, big (about 300 px), no card with an empty half. A target's
        is framed by a dashed outline, as a target's card is."""
        # the number and the texts keep at least the outline's padding on both sides (a note
        # ran to the outline's edge, curator's review); landscape texts at most 1600 px wide
        room = area.width() - 2 * base.pad
        column = min(room, 1600.0)
        fitted = fit_hero(fig, room, column,
                          max_px_for(1, self.ctx.portrait), base, area.height())
        style, shared, height = fitted.style, fitted.tracks, fitted.height
        if height > area.height() - 2 * style.pad:
            area = QRectF(heading)
            if height > area.height() - style.pad:
                self._too_long(area)
        top = area.top() + max(style.pad, (area.height() - height) / 2)
        cx = area.center().x()
        tag_rects = draw_tags(p, fig.tags, cx, top, cx)
        number = self._number_line(p, fig, cx, top + shared.tags, fitted.px, fitted.mode,
                                   shared, 0, centred=True)
        y = top + shared.tags + shared.above + shared.number + shared.below
        if fig.change:
            self._change(p, fig, QRectF(cx - column / 2, y, column, shared.change), style,
                         CENTER)
        y += shared.change
        used = self._paint_flow(p, fig, QRectF(cx - column / 2, y, column,
                                               area.bottom() - style.pad * 0.8 - y),
                                style, CENTER)
        line = line_width(fig, fitted.px, fitted.mode)
        half = max(line / 2, used.width() / 2 if used.width() else 0.0,
                   *(abs(r.left() - cx) for r in tag_rects)) + style.pad * 1.5
        half = min(half, area.width() / 2)
        box = QRectF(cx - half, top - style.pad, 2 * half,
                     max(used.bottom(), y) - top + style.pad * 1.8)
        if fig.target:
            dashed(p, box)
        self.cards.append(Card(box, number, tuple(tag_rects), fig.target, fitted.mode[1]))

    def _number_line(self, p: QPainter, fig: Figure, x: float, top: float, px: float,
                     mode: Mode, shared: Tracks, index: int, centred: bool = False) -> QRectF:
        box, slot = number_line(p, fig, x, top, px, mode, shared, index, centred)
        if slot is not None:  # the moving layer counts it
            self._slots.append(slot)
        return box

    def _change(self, p: QPainter, fig: Figure, rect: QRectF, style: Style,
                align: Qt.AlignmentFlag) -> None:
        rise, fall = theme.change_colors(self.ctx.deck.change_colors)
        draw_text(p, rect, fig.change, style.change, fall if fig.item.falling else rise,
                  bold=True, align=align, max_lines=1, min_px=theme.FLOOR_SECONDARY)

    def _paint_flow(self, p: QPainter, fig: Figure, rect: QRectF, style: Style,
                    align: Qt.AlignmentFlag) -> QRectF:
        """The label and notes under one another, at their sizes, down to ``rect``'s bottom:
        a text that would run past it is cut with "…" (a card never runs off the slide).
        Returns the rectangle the lines cover."""
        y = rect.top()
        covered = QRectF()
        for text, px, gap, color in flow(fig, style):
            height = text_height(text, rect.width(), px)
            lines = 99
            room_h = rect.bottom() - (y + gap)
            if height > room_h + 0.5:
                lines = int(room_h // spacing(px))
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

    def _shown(self, k: int, slot: Slot, elapsed: float) -> float:
        """Count up from 0 on entry; glide from the old to the new value when a feed moves.
        A rank (第5名, 5th) does not count: it stands."""
        target = self.value_of(slot.item)
        if target is None:
            target = 0.0
        if not self.ctx.animations or not slot.reading.counts:
            return target
        motion = self._motions.get(k)
        if motion is None:
            motion = Motion(0.0, target, slot.delay, COUNT_UP_S)
            self._motions[k] = motion
        elif motion.end != target:
            now = max(elapsed, self._last_elapsed)
            motion = Motion(motion.at(now), target, now, LIVE_S)
            self._motions[k] = motion
        return motion.at(elapsed) if elapsed >= motion.t0 else motion.start
