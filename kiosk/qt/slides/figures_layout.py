"""The figures slide's grid (#13 §3): where cards start, how many go in a row, the largest
number for a count, the sizes of a card's text, and the record of what was laid out.

One grid for every figures slide: the cards start on the same line whatever the title and
the count, every number on a slide has one size (labels share a baseline), and a single
figure is a centred hero.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QRectF

from kiosk.core import layout
from kiosk.qt import theme
from kiosk.qt.text import spacing

GAP = 40  # between cards

# columns per row for 1..6 items, landscape and portrait
_ROWS = {1: [1], 2: [2], 3: [3], 4: [4], 5: [3, 2], 6: [3, 3]}
_ROWS_PORTRAIT = {1: [1], 2: [1, 1], 3: [1, 1, 1], 4: [2, 2], 5: [2, 2, 1], 6: [2, 2, 2]}
# the largest number for a count; every number of a slide then shares the size that fits
_MAX_PX = {1: 300, 2: 200, 3: 170, 4: 140, 5: 130, 6: 130}
_MAX_PX_PORTRAIT = {1: 300, 2: 200, 3: 170, 4: 150, 5: 130, 6: 130}

Mode = tuple[bool, bool]  # (the words before go over the number, the unit goes under it)
INLINE: Mode = (False, False)
MODES: tuple[Mode, ...] = (INLINE, (False, True), (True, False), (True, True))


def rows_for(count: int, portrait: bool) -> list[int]:
    """Figures per row for ``count`` figures (3+2 for five; one a row in portrait)."""
    return (_ROWS_PORTRAIT if portrait else _ROWS)[max(1, min(6, count))]


def max_px_for(count: int, portrait: bool) -> float:
    """The largest number for ``count`` figures (about 300 px for a hero)."""
    return (_MAX_PX_PORTRAIT if portrait else _MAX_PX)[max(1, min(6, count))]


def grid_top(portrait: bool) -> float:
    """The line every figures slide's cards start on (#13 §3), whatever its title: under a
    heading of one title line and one partner line (two title lines in portrait, where
    titles wrap sooner; every heading keeps TITLE_PX, a long one taking a second line). A
    longer heading pushes the cards down; nothing else does."""
    title = (2 if portrait else 1) * spacing(layout.TITLE_PX, True)
    return (layout.HEADING_TOP + title + 4 + spacing(layout.HEADING_SUB_PX)
            + layout.HEADING_GAP)


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
