"""Figures slide: 1 to 6 headline numbers that count up, with unit, change and label."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetricsF, QPainter

from kiosk.core.deck import DRAWABLE_LIMIT, FigureItem, FiguresSlide
from kiosk.core.numbers import ease_out_cubic, format_number, magnitude
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides.base import SlideView, ViewContext
from kiosk.qt.text import draw_text

COUNT_UP_S = 1.6
STAGGER_S = 0.12  # each figure starts a little after the previous one
LIVE_S = 0.8  # a live figure glides from its old value to the new one

# columns per row for 1..6 items, landscape and portrait
_ROWS = {1: [1], 2: [2], 3: [3], 4: [2, 2], 5: [3, 2], 6: [3, 3]}
_ROWS_PORTRAIT = {1: [1], 2: [1, 1], 3: [1, 1, 1], 4: [2, 2], 5: [2, 2, 1], 6: [2, 2, 2]}


def grid(count: int, rect: QRectF, portrait: bool, gap: float = 40) -> list[QRectF]:
    """Cells for ``count`` figures in rows that fit the count (3+2 for five)."""
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
class _Slot:
    """Where a figure's number goes; found while painting the static layer."""

    item: FigureItem
    decimals: int
    scale: tuple[float, str]
    right: float  # x where the number ends (right-aligned: the count-up never jitters)
    room: float  # width the number may take
    baseline: float
    px: float
    delay: float


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

    def settle_time(self) -> float:
        return COUNT_UP_S + STAGGER_S * len(self.slide.items)

    def on_show(self) -> None:
        self._motions.clear()  # count up again each time the slide appears
        self._last_elapsed = 0.0
        self._painted = []

    def animating(self, elapsed: float) -> bool:
        if not self.ctx.animations:
            return False
        if not self._motions:
            return elapsed < self.settle_time()
        return any(m.moving(elapsed) for m in self._motions.values())

    def _texts(self, elapsed: float) -> list[str]:
        return [format_number(self._shown(k, slot, elapsed), slot.decimals, slot.scale)
                for k, slot in enumerate(self._slots)]

    def moving_rects(self, elapsed: float) -> list[QRectF] | None:
        if self._slots and self._texts(elapsed) == self._painted:
            return []  # the numbers read the same as on screen: a frame would change nothing
        rects = []
        for slot in self._slots:
            metrics = QFontMetricsF(font(slot.px, True))
            rects.append(QRectF(slot.right - slot.room - 12, slot.baseline - metrics.ascent() - 6,
                                slot.room + 24, metrics.ascent() + metrics.descent() + 12))
        return rects or None

    def data_changed(self) -> None:
        """A live value changed: re-lay out only if the number no longer fits its room."""
        for slot in self._slots:
            value = self.value_of(slot.item)
            if value is None:
                continue
            width = QFontMetricsF(font(slot.px, True)).horizontalAdvance(
                self._number_text(slot.item, value))
            if width > slot.room:
                self.invalidate()
                return

    # ------------------------------------------------------------------ static layer
    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        items = self.slide.items
        cells = grid(len(items), rect, self.ctx.portrait)
        card_h = max(self._card_height(item, cell, len(items)) for item, cell in zip(
            items, cells, strict=True))
        self._slots = []
        for i, (item, cell) in enumerate(zip(items, cells, strict=True)):
            if card_h < cell.height():  # cards as tall as the tallest content, centred
                cell = QRectF(cell.left(), cell.top() + (cell.height() - card_h) / 2,
                              cell.width(), card_h)
            self._paint_item(p, item, cell, len(items), i * STAGGER_S)

    def _sizes(self, item: FigureItem, cell: QRectF, count: int) -> tuple[float, float, float]:
        """(padding, number size, label size) of a card: shared by layout and painting."""
        pad = 40 if count > 1 else 64
        number_px = self._number_px(item, self._final_text(item), cell.width() - 2 * pad,
                                    _MAX_PX.get(count, 130))
        return pad, number_px, 40 if count <= 3 else 34

    def _card_height(self, item: FigureItem, cell: QRectF, count: int) -> float:
        pad, number_px, label_px = self._sizes(item, cell, count)
        sub = 62 if self.ctx.secondary(item.label) else 0
        return (number_px * 1.25 + (60 if item.change else 0) + label_px * 2.7
                + sub + (70 if item.note else 0) + pad * 1.3)

    def _final_text(self, item: FigureItem) -> str:
        """The widest text the number will show: the figure, or room for a live one to grow."""
        final = self.value_of(item)
        if final is None:
            return "—" if isinstance(item.value, float) else "888"
        text = self._number_text(item, final)
        if isinstance(item.value, float):
            return text
        return "8" + text.translate(str.maketrans("0123456789", "8888888888"))

    def _number_text(self, item: FigureItem, value: float) -> str:
        return format_number(value, item.decimals or 0, magnitude(value, item.unit_zh))

    def _paint_item(self, p: QPainter, item: FigureItem, cell: QRectF, count: int,
                    delay: float) -> None:
        pad, number_px, label_px = self._sizes(item, cell, count)
        final_text = self._final_text(item)
        p.fillRect(cell, theme.PANEL)
        p.fillRect(QRectF(cell.left(), cell.top(), 6, cell.height()), theme.ACCENT)
        inner = cell.adjusted(pad, pad * 0.7, -pad, -pad * 0.6)
        unit_px = max(28, number_px * 0.34)
        baseline = inner.top() + number_px * 0.98
        self._paint_frame_of_number(p, item, inner, final_text, number_px, unit_px, baseline,
                                    delay)
        top = baseline + number_px * 0.22
        if item.change:
            rise, fall = theme.change_colors(self.ctx.deck.change_colors)
            arrow = "▼" if item.falling else "▲"
            text = f"{arrow} {item.change.strip().lstrip('+-−')}"
            used = draw_text(p, QRectF(inner.left(), top, inner.width(), 56), text,
                             min(44, unit_px), fall if item.falling else rise, bold=True,
                             max_lines=1)
            top = used.bottom() + 8
        used = draw_text(p, QRectF(inner.left(), top, inner.width(), label_px * 2.6),
                         self.ctx.primary(item.label), label_px, theme.TEXT, max_lines=2)
        top = used.bottom() + 6
        sub = self.ctx.secondary(item.label)
        if sub:
            used = draw_text(p, QRectF(inner.left(), top, inner.width(), 60), sub, 24,
                             theme.MUTED, max_lines=2, min_px=14)
            top = used.bottom() + 10
        note = self.ctx.primary(item.note)
        if note and top < inner.bottom() - 24:
            draw_text(p, QRectF(inner.left(), top, inner.width(), inner.bottom() - top), note,
                      26, theme.WARM, max_lines=2, min_px=14)

    def _number_px(self, item: FigureItem, final_text: str, width: float, max_px: float) -> float:
        """Size from the final (widest) text so the count-up never reflows or jitters."""
        px = max_px
        while px > 24:
            if self._number_width(item, final_text, px) <= width:
                return px
            px *= 0.93
        return px

    def _number_width(self, item: FigureItem, text: str, px: float) -> float:
        unit_px = max(28, px * 0.34)
        number = QFontMetricsF(font(px, True)).horizontalAdvance(text)
        extra = QFontMetricsF(font(unit_px, True))
        prefix = extra.horizontalAdvance(self.ctx.primary(item.prefix) + " ") if item.prefix else 0
        unit = extra.horizontalAdvance(" " + self.ctx.primary(item.unit)) if item.unit else 0
        return prefix + number + unit

    def _paint_frame_of_number(self, p: QPainter, item: FigureItem, inner: QRectF,
                               final_text: str, px: float, unit_px: float, baseline: float,
                               delay: float) -> None:
        """Prefix and unit (static); the number itself is painted over, as it counts."""
        small = font(unit_px, True)
        x = inner.left()
        if item.prefix:
            p.setFont(small)
            p.setPen(theme.MUTED)
            p.drawText(QPointF(x, baseline), self.ctx.primary(item.prefix))
            x += QFontMetricsF(small).horizontalAdvance(self.ctx.primary(item.prefix) + " ")
        final_w = QFontMetricsF(font(px, True)).horizontalAdvance(final_text)
        if item.unit:
            p.setFont(small)
            p.setPen(theme.ACCENT)
            p.drawText(QPointF(x + final_w + QFontMetricsF(small).horizontalAdvance(" "),
                               baseline), self.ctx.primary(item.unit))
        final = self.value_of(item)
        if final is None:  # a feed with no data yet: a dash where the number will stand
            big = font(px, True)
            p.setFont(big)
            p.setPen(theme.MUTED)
            dash = QFontMetricsF(big).horizontalAdvance("—")
            p.drawText(QPointF(x + final_w - dash, baseline), "—")
            return
        self._slots.append(_Slot(item, item.decimals or 0, magnitude(final, item.unit_zh),
                                 x + final_w, final_w, baseline, px, delay))

    # ------------------------------------------------------------------ moving layer
    def paint_over(self, p: QPainter, elapsed: float) -> None:
        p.setPen(theme.TEXT)
        self._painted = self._texts(elapsed)
        for slot, text in zip(self._slots, self._painted, strict=True):
            big = font(slot.px, True)
            p.setFont(big)  # glyphs come from Qt's cache: a frame of count-up stays cheap
            p.drawText(QPointF(slot.right - QFontMetricsF(big).horizontalAdvance(text),
                               slot.baseline), text)
        self._last_elapsed = elapsed

    def _shown(self, k: int, slot: _Slot, elapsed: float) -> float:
        """Count up from 0 on entry; glide from the old to the new value when a feed moves."""
        target = self.value_of(slot.item)
        if target is None:
            target = 0.0
        if not self.ctx.animations:
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


_MAX_PX = {1: 230, 2: 190, 3: 160}
