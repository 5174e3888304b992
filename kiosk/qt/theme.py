"""Colours and sizes of the show, in design pixels (1920x1080 canvas)."""

from __future__ import annotations

from PySide6.QtGui import QColor

from kiosk.core import layout

BG_TOP = QColor("#06101f")
BG_BOTTOM = QColor("#0b2140")
TEXT = QColor("#f4f7fb")
MUTED = QColor("#9fb3c8")
ACCENT = QColor("#2ec4ff")
WARM = QColor("#ffb547")
GRID = QColor(255, 255, 255, 28)
PANEL = QColor(255, 255, 255, 14)
# Chinese convention (markets, news): rising is red, falling is green. `change_colors: intl`
# in the deck swaps them.
RISE_CN, FALL_CN = QColor("#ff5a5f"), QColor("#2fd07e")
SERIES = ["#2ec4ff", "#ffb547", "#7ee081", "#ff6f91", "#b69cff", "#4dd8c8", "#ffd166", "#f4f7fb"]

# The legibility floor (#13) and the shared sizes live in kiosk/core/layout, Qt-free, so that
# `kiosk check` measures texts against the numbers the views use.
FLOOR_SECONDARY = layout.FLOOR_SECONDARY  # secondary and English text, design px
FLOOR_SMALL = layout.FLOOR_SMALL  # notes, source lines, credits, badges, axis text
MARGIN = layout.MARGIN  # design px around the content
SOURCE_PX = layout.SOURCE_PX
PROGRESS_H = 6


def change_colors(style: str) -> tuple[QColor, QColor]:
    """(rise, fall) colours for ▲ and ▼."""
    return (RISE_CN, FALL_CN) if style == "cn" else (FALL_CN, RISE_CN)
