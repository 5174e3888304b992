"""How big a figures slide's numbers can be (#13 §3): one size for every number of the
slide, the unit beside the number or stacked under it when a card is too narrow, and the
labels and notes at their floors before the numbers go below three quarters of their size.
Pure measurement: nothing here paints."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QFontMetricsF

from kiosk.core.deck import FigureItem
from kiosk.core.units import Reading
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides.figures_layout import GAP, INLINE, MODES, Mode, Style, Tracks
from kiosk.qt.slides.figures_tags import TAG_H, Tag
from kiosk.qt.text import text_height


@dataclass
class Figure:
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
    tags: list[Tag] = field(default_factory=list)


Flow = list[tuple[str, float, float, QColor]]  # (text, px, gap above, colour)


def unit_px(px: float) -> float:
    """The words beside a number of ``px``: a third of it, never below the floor."""
    return max(theme.FLOOR_SECONDARY, px * 0.34)


def widths(fig: Figure, px: float, above: bool = False
           ) -> tuple[float, float, float, float, float]:
    """(the words before on the number's line with their gap, the lead on its own line,
    number, after with its gap, after alone). ``above``: the lead ("at least") goes over
    the number and the rest of the amount ("RMB") stays beside it."""
    small = QFontMetricsF(font(unit_px(px), True))
    r = fig.reading
    space = small.horizontalAdvance(" ")
    inline = r.amount_before if above else r.before
    before = small.horizontalAdvance(inline) if inline else 0.0
    lead = small.horizontalAdvance(r.lead) if above and r.lead else 0.0
    number = QFontMetricsF(font(px, True)).horizontalAdvance(fig.final)
    after = small.horizontalAdvance(r.after) if r.after else 0.0
    return (before + space if before else 0.0, lead, number,
            after + space if after else 0.0, after)


def line_width(fig: Figure, px: float, mode: Mode) -> float:
    """The width the number line takes in ``mode``: its widest row."""
    above, below = mode
    before, lead, number, after, after_alone = widths(fig, px, above)
    rows = [number + before + (0 if below else after), lead]
    if below:
        rows.append(after_alone)
    return max(rows)


def mode_for(fig: Figure, px: float, width: float) -> Mode | None:
    """The first arrangement that fits: all on one line, then a count's noun under the
    number, then the lead over it ("at least" / RMB 10 bn), then both. An amount never
    breaks: "RMB 10 bn" and "4.32 million m²" stay on one line (units.Reading)."""
    r = fig.reading
    for mode in MODES:
        above, below = mode
        if (above and not r.lead) or (below and not (r.splits and r.after)):
            continue
        if line_width(fig, px, mode) <= width:
            return mode
    return None


def fit(figures: list[Figure], room: list[float], max_px: float) -> tuple[float, list[Mode]]:
    """One size for every number of the slide: the largest at which each fits its card,
    all on one line when a little smaller allows it, else stacked."""
    px = max_px
    while px >= max_px * 0.8:  # on one line, if that costs at most a fifth of the size
        if all(line_width(f, px, INLINE) <= w for f, w in zip(figures, room, strict=True)):
            return px, [INLINE] * len(figures)
        px *= 0.96
    px = max_px
    while px > 24:
        modes = [mode_for(f, px, w) for f, w in zip(figures, room, strict=True)]
        if all(m is not None for m in modes):
            return px, [m or INLINE for m in modes]
        px *= 0.96
    return px, [mode_for(f, px, 1e9) or INLINE for f in figures]


def modes_at(figures: list[Figure], room: list[float], px: float) -> list[Mode]:
    return [mode_for(f, px, w) or INLINE for f, w in zip(figures, room, strict=True)]


def tracks(row: list[Figure], modes: list[Mode], px: float, style: Style) -> Tracks:
    """Heights shared by a row, so its numbers and its labels share baselines."""
    small = unit_px(px) * 1.3
    return Tracks(tags=TAG_H + 18 if any(f.tags for f in row) else 0.0,
                  above=small if any(m[0] for m in modes) else 0.0,
                  number=px * 0.78 + max(24.0, px * 0.16),
                  below=small if any(m[1] for m in modes) else 0.0,
                  change=style.change * 1.4 if any(f.change for f in row) else 0.0)


def flow(fig: Figure, style: Style) -> Flow:
    """The text under the number: label, its partner language, the note and its partner
    language (text, px, gap above, colour); never below the floor, wrapped instead."""
    note_second = QColor(theme.WARM)
    note_second.setAlpha(200)
    blocks = [(fig.label, style.label, 0.0, theme.TEXT),
              (fig.label_secondary, style.secondary, 4.0, theme.MUTED),
              (fig.note, style.note, 16.0, theme.WARM),
              (fig.note_secondary, style.note_secondary, 2.0, note_second)]
    return [b for b in blocks if b[0]]


def flow_height(fig: Figure, width: float, style: Style) -> float:
    return sum(gap + text_height(text, width, px) for text, px, gap, _ in flow(fig, style))


def row_height(row: list[Figure], modes: list[Mode], room: list[float], px: float,
               style: Style) -> float:
    flows = max(flow_height(f, w, style) for f, w in zip(row, room, strict=True))
    return style.pad * 0.8 + tracks(row, modes, px, style).total + flows + style.pad


@dataclass(frozen=True)
class GridFit:
    """The sizes a grid of cards was fitted at, and the height each row then takes."""

    px: float
    modes: list[Mode]
    style: Style
    heights: list[float]

    @property
    def total(self) -> float:
        return sum(self.heights) + GAP * (len(self.heights) - 1)


def fit_grid(figures: list[Figure], room: list[float], spans: list[tuple[int, int]],
             max_px: float, base: Style, height: float) -> GridFit:
    """Smaller numbers before cards that run off the slide (down to three quarters); then
    labels and notes at their floors, and the numbers smaller still. ``spans``: (first
    figure, count) per row; ``room``: the width for each figure's number line."""
    for style, least in ((base, 0.75), (base.compact(), 0.55)):
        px, modes = fit(figures, room, max_px)
        while True:
            fitted = GridFit(px, modes, style,
                             [row_height(figures[a:a + c], modes[a:a + c], room[a:a + c], px,
                                         style) for a, c in spans])
            if fitted.total <= height or px <= max_px * least:
                break
            px *= 0.94
            modes = modes_at(figures, room, px)
        if fitted.total <= height:
            break
    return fitted


@dataclass(frozen=True)
class HeroFit:
    px: float
    mode: Mode
    style: Style
    tracks: Tracks
    height: float  # of the number line and the texts under it


def fit_hero(fig: Figure, room: float, column: float, max_px: float, base: Style,
             height: float) -> HeroFit:
    """A single figure's size, by the same steps as a grid's: ``room`` for the number line,
    ``column`` for the texts under it, ``height`` of the area (less the padding)."""
    for style, least in ((base, 0.75), (base.compact(), 0.55)):
        px, (mode,) = fit([fig], [room], max_px)
        while True:
            shared = tracks([fig], [mode], px, style)
            fitted = HeroFit(px, mode, style, shared,
                             shared.total + flow_height(fig, column, style))
            if fitted.height <= height - 2 * style.pad or px <= max_px * least:
                break
            px *= 0.94
            mode = mode_for(fig, px, room) or INLINE
        if fitted.height <= height - 2 * style.pad:
            break
    return fitted
