"""Colours and sizes of the show, in design pixels (1920x1080 canvas)."""

from __future__ import annotations

from PySide6.QtGui import QColor

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

# The legibility floor (#13), in design px at 1920x1080: a 65-inch 1080p screen has about
# 0.75 mm per pixel, and these sizes stay readable from five metres. Secondary and English
# text is at least FLOOR_SECONDARY; notes, source lines, credits, badges and axis text at least
# FLOOR_SMALL. Text wraps or the check warns; it never shrinks below these.
FLOOR_SECONDARY = 36
FLOOR_SMALL = 28

MARGIN = 96  # design px around the content
SOURCE_PX = 22
PROGRESS_H = 6


def change_colors(style: str) -> tuple[QColor, QColor]:
    """(rise, fall) colours for ▲ and ▼."""
    return (RISE_CN, FALL_CN) if style == "cn" else (FALL_CN, RISE_CN)
