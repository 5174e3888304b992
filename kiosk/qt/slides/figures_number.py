"""A figure's number line: the words before and after it, drawn with the slide, and the
number itself, which counts up (or glides to a live value) on the moving layer. A target's
number is an outline and stands: a plan was never tallied (#13 §1)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPen

from kiosk.core.deck import FigureItem
from kiosk.core.numbers import ease_out_cubic
from kiosk.core.units import Reading
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides.figures_layout import Mode, Tracks
from kiosk.qt.slides.figures_measure import Figure, unit_px, widths

COUNT_UP_S = 1.6
STAGGER_S = 0.12  # each figure starts a little after the previous one
LIVE_S = 0.8  # a live figure glides from its old value to the new one


@dataclass(frozen=True)
class Slot:
    """Where a figure's number goes; found while painting the static layer."""

    item: FigureItem
    reading: Reading
    right: float  # x where the number ends (right-aligned: the count-up never jitters)
    room: float  # width the number may take
    baseline: float
    px: float
    delay: float
    target: bool

    def rect(self) -> QRectF:
        """The canvas rectangle the number can change in (a moving frame repaints it)."""
        metrics = QFontMetricsF(font(self.px, True))
        return QRectF(self.right - self.room - 12, self.baseline - metrics.ascent() - 6,
                      self.room + 24, metrics.ascent() + metrics.descent() + 12)


@dataclass
class Motion:
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


def room(number: str) -> str:
    """The widest text of a number's length: a live number changes within it."""
    return number.translate(str.maketrans("0123456789", "8888888888"))


def number_line(p: QPainter, fig: Figure, x: float, top: float, px: float, mode: Mode,
                tracks: Tracks, index: int, centred: bool = False) -> tuple[QRectF, Slot | None]:
    """The words before and after (static) around where the number counts (painted
    over); ``x`` is the left edge, or the centre when ``centred``. Returns the number's
    box at its final width, and its slot when the moving layer draws it."""
    above, below = mode
    before, lead, number_w, after, after_alone = widths(fig, px, above)
    small = font(unit_px(px), True)
    r = fig.reading
    line = number_w + before + (0 if below else after)
    left = x - line / 2 if centred else x
    baseline = top + tracks.above + px * 0.78
    small_baseline = unit_px(px) * 0.95

    def at(width: float) -> float:  # a row of its own: centred, or at the left edge
        return x - width / 2 if centred else x

    p.setFont(small)
    p.setPen(theme.MUTED)
    if above:  # the lead over the number ("at least"); the amount's own words stay beside it
        p.drawText(QPointF(at(lead), top + small_baseline), r.lead)
    inline = r.amount_before if above else r.before
    if inline:
        p.drawText(QPointF(left, baseline), inline)
    right = left + before + number_w
    if r.after:
        p.setPen(theme.ACCENT)
        if below:
            p.drawText(QPointF(at(after_alone), top + tracks.above + tracks.number
                               + small_baseline), r.after)
        else:
            p.drawText(QPointF(right + after - after_alone, baseline), r.after)
    slot = None
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
        slot = Slot(fig.item, r, right, number_w, baseline, px, index * STAGGER_S, fig.target)
    return QRectF(right - number_w, baseline - px * 0.76, number_w, px * 0.76), slot


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
