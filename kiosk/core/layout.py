"""The sizes every slide shares, in design px, in one Qt-free place (#13 §3).

The views (kiosk/qt) lay text out with these numbers and ``kiosk check`` (kiosk/core/fitcheck)
measures the deck's texts against the same ones, so the check warns exactly when the screen
would have to cut a text. Design px are those of the deck's canvas (1920x1080 by default);
a 4K screen draws each at twice the size.
"""

from __future__ import annotations

# The legibility floor, at the 1920x1080 design canvas: a 65-inch 1080p screen has about
# 0.75 mm per pixel, and these sizes stay readable from five metres. Secondary and English
# text is at least FLOOR_SECONDARY; notes, source lines, credits, badges and axis text at least
# FLOOR_SMALL. Text wraps to more lines (or the check warns); it never shrinks below these.
FLOOR_SECONDARY = 36
FLOOR_SMALL = 28

MARGIN = 96  # around the content

# The heading of a figures, chart or photo slide: the title in the screen's language at
# TITLE_PX on every slide (a long one takes a second line, a third in portrait, broken at
# its " · " first; it shrinks towards TITLE_MIN_PX only when those lines do not hold it),
# and its partner language's line under it at the floor for secondary text.
HEADING_TOP = MARGIN * 0.8
HEADING_INDENT = 32  # right of the accent bar
TITLE_PX, TITLE_MIN_PX, TITLE_LINES = 56, 44, 2
HEADING_SEPARATOR = " · "  # a heading breaks between its phrases first
HEADING_SUB_PX, HEADING_SUB_LINES = FLOOR_SECONDARY, 2
# between the heading and the content: a one-line title and its partner line end at 236 px,
# above the line where figures slides start their cards (22.2% of 1080)
HEADING_GAP = 28

# The source line: at the floor for small text, on the bottom row beside the progress dots
# (landscape) or above them across the full width (portrait), on up to SOURCE_LINES lines.
SOURCE_PX = FLOOR_SMALL
SOURCE_LINES = 3
SOURCE_SHARE = 0.62  # of the canvas width, landscape: the dots take the rest of the row
SOURCE_BOTTOM = MARGIN * 0.3  # landscape: from the canvas bottom
FURNITURE = MARGIN * 0.8  # progress bar and dots along the bottom edge
SOURCE_GAP = 24  # between the content and the source line

# A photo's caption band: the caption bold across the full width, its partner language under
# it (kiosk/qt/slides/photo.py draws them; the check measures them with these numbers).
CAPTION_PX, CAPTION_LINES = 52, 4
CAPTION_SECOND_PX, CAPTION_SECOND_LINES = 38, 3
CAPTION_INDENT = 28

# A title slide: (px, floor, lines) of each block; the name itself breaks between its
# " · " phrases and shrinks (to TITLE_SLIDE_MIN_PX) before a phrase is broken.
TITLE_SLIDE_PX = 150
TITLE_SLIDE_PORTRAIT_PX = 120
TITLE_SLIDE_MIN_PX = 72
TITLE_SLIDE_LINES = 3
KICKER = (40, FLOOR_SECONDARY, 1)
KICKER_SECOND = (FLOOR_SECONDARY, FLOOR_SECONDARY, 1)  # the kicker's partner line, under it
TITLE_SECOND = (52, FLOOR_SECONDARY, 2)
SUBTITLE = (40, FLOOR_SECONDARY, 3)
SUBTITLE_SECOND = (FLOOR_SECONDARY, FLOOR_SECONDARY, 3)
TITLE_RULE_H = 28  # the amber rule between the name and the subtitle, with its space
TITLE_BLOCK_GAP = 0.35  # under each block, in ems of its size


def lines_for(lines: int, w: float, h: float) -> int:
    """A portrait canvas is narrow and tall: a heading, a title slide's line or the source
    line may take one line more there than in landscape."""
    return lines + 1 if h > w else lines


def title_slide_blocks(w: float, h: float) -> list[tuple[float, float, int]]:
    """(px, floor, lines) of a title slide's kicker, name, the name's partner line, the
    rule (zeros), subtitle and the subtitle's partner line, on a ``w`` x ``h`` canvas."""
    name = (TITLE_SLIDE_PX if h <= w else TITLE_SLIDE_PORTRAIT_PX, TITLE_SLIDE_MIN_PX,
            TITLE_SLIDE_LINES)
    blocks = [KICKER, name, TITLE_SECOND, (0, 0, 0), SUBTITLE, SUBTITLE_SECOND]
    return [(px, floor, lines if k in (0, 3) else lines_for(lines, w, h))
            for k, (px, floor, lines) in enumerate(blocks)]


def content_width(w: float) -> float:
    return w - 2 * MARGIN


def heading_width(w: float) -> float:
    return w - 2 * MARGIN - HEADING_INDENT


def source_width(w: float, h: float) -> float:
    """The source line's width: beside the dots in landscape, the full width in portrait."""
    return w - 2 * MARGIN if h > w else w * SOURCE_SHARE


def source_bottom(w: float, h: float) -> float:
    """Where the source line's last line ends."""
    return h - FURNITURE if h > w else h - SOURCE_BOTTOM


def caption_width(w: float) -> float:
    return w - 2 * MARGIN - CAPTION_INDENT
