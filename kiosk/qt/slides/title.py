"""Title slide: an initiative's name in Chinese and English, a subtitle, the source line."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from kiosk.core import layout
from kiosk.core.deck import TitleSlide
from kiosk.qt import theme
from kiosk.qt.slides.base import CENTER, SlideView
from kiosk.qt.text import draw_text, spacing
from kiosk.qt.text import layout as text_layout

KICKER_SECOND = layout.KICKER_SECOND  # the kicker's partner language, one line at the floor
NAME = 2  # the block that is the name, set bold


class TitleView(SlideView):
    slide: TitleSlide

    def paint_heading(self, p: QPainter, w: float, h: float) -> QRectF:
        m = theme.MARGIN  # the title is the content, down to the source line
        return QRectF(m, m, w - 2 * m, self.source_top(w, h) - layout.SOURCE_GAP - m)

    def blocks(self) -> list[Block]:
        """The title slide's lines, top to bottom, with their sizes and floors: the kicker
        and its partner language's line (加快推进, then Accelerating, as every other text of
        the slide pairs its languages), the name, its partner line, the rule, the subtitle
        and its partner line."""
        ctx, slide = self.ctx, self.slide
        kicker, *rest = layout.title_slide_blocks(ctx.canvas.width(), ctx.canvas.height())
        specs = [kicker, KICKER_SECOND, *rest]
        partner = QColor(theme.ACCENT)
        partner.setAlpha(190)
        texts = [(ctx.primary(slide.kicker), theme.ACCENT), (ctx.secondary(slide.kicker), partner),
                 (ctx.primary(slide.title), theme.TEXT),
                 (ctx.secondary(slide.title), theme.MUTED), ("", theme.WARM),  # the rule
                 (ctx.primary(slide.subtitle), theme.TEXT),
                 (ctx.secondary(slide.subtitle), theme.MUTED)]
        return [Block(text, px, floor, lines, color, bold=k == NAME)
                for k, ((text, color), (px, floor, lines)) in enumerate(zip(texts, specs,
                                                                            strict=True))]

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        self._paint_rings(p, rect)
        placed = set_blocks(self.blocks(), rect.width(), rect.height())
        total = sum(height for _, _, height in placed)
        top = rect.top() + max(0.0, (rect.height() - total) / 2)
        for block, px, height in placed:
            if block.px == 0:
                p.fillRect(QRectF(rect.center().x() - 60, top + 10, 120, 4), block.color)
            elif block.text:  # laid out by set_blocks already: the same call, from the cache
                draw_text(p, QRectF(rect.left(), top, rect.width(), block.box(px)), block.text,
                          px, block.color, bold=block.bold, align=CENTER, max_lines=block.lines,
                          min_px=min(px, block.floor), separator=SEPARATOR)
            top += height

    def _paint_rings(self, p: QPainter, rect: QRectF) -> None:
        """Quiet concentric arcs: the 'sky' and 'cloud' motif behind the name."""
        centre = QPointF(rect.center().x(), rect.center().y())
        for i, radius in enumerate((260, 380, 520, 680)):
            pen = QPen(QColor(46, 196, 255, 34 - i * 6))
            pen.setWidthF(2)
            p.setPen(pen)
            p.drawEllipse(centre, radius * 1.6, radius)


@dataclass(frozen=True)
class Block:
    """One line group of a title slide: its text, size, floor, most lines, colour."""

    text: str
    px: float
    floor: float
    lines: int
    color: QColor
    bold: bool = False

    def box(self, px: float) -> float:
        """The height its box gets at ``px``: room for its lines."""
        return self.lines * spacing(px, self.bold)


SEPARATOR = " · "  # names and subtitles break between their phrases first


def set_blocks(blocks: list[Block], width: float, height: float
               ) -> list[tuple[Block, float, float]]:
    """(block, size, height taken with the gap below) for each block: all a step smaller
    (never below their floors) while they are taller than ``height``."""
    scale = 1.0
    while True:
        placed: list[tuple[Block, float, float]] = []
        for block in blocks:
            if not block.text:
                placed.append((block, 0.0, layout.TITLE_RULE_H if block.px == 0 else 0.0))
                continue
            px = max(block.floor, block.px * scale)
            fitted = text_layout(block.text, width, block.box(px), px, bold=block.bold,
                                 min_px=min(px, block.floor), max_lines=block.lines,
                                 separator=SEPARATOR)
            placed.append((block, px, fitted.height + fitted.px * layout.TITLE_BLOCK_GAP))
        total = sum(h for _, _, h in placed)
        if total <= height or all(b.px * scale <= b.floor for b in blocks if b.text):
            return placed
        scale *= 0.92
