"""Title slide: an initiative's name in Chinese and English, a subtitle, the source line."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from kiosk.core.deck import TitleSlide
from kiosk.qt import theme
from kiosk.qt.slides.base import CENTER, SlideView
from kiosk.qt.text import draw_text, phrase_lines, text_height


class TitleView(SlideView):
    slide: TitleSlide

    def paint_heading(self, p: QPainter, w: float, h: float) -> QRectF:
        m = theme.MARGIN
        return QRectF(m, m, w - 2 * m, h - 2 * m)  # the title is the content

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        ctx, slide = self.ctx, self.slide
        self._paint_rings(p, rect)
        w = rect.width()
        big = 150 if not ctx.portrait else 120
        blocks: list[tuple[str, float, QColor, bool, int]] = [
            (ctx.primary(slide.kicker), 40, theme.ACCENT, False, 1),
            (ctx.primary(slide.title), big, theme.TEXT, True, 3),
            (ctx.secondary(slide.title), 52, theme.MUTED, False, 2),
            ("", 0, theme.TEXT, False, 0),  # the rule
            (ctx.primary(slide.subtitle), 40, theme.TEXT, False, 3),
            (ctx.secondary(slide.subtitle), 28, theme.MUTED, False, 3),
        ]
        scale = min(1.0, rect.height() / max(1.0, self._measured(blocks, w)))
        if scale < 1.0:  # long names (Portuguese, English) in four phrases: all a bit smaller
            blocks = [(text, px * scale, color, bold, lines)
                      for text, px, color, bold, lines in blocks]
        heights = [px * 1.45 * lines if text else (28 if px == 0 else 0)
                   for text, px, _, _, lines in blocks]
        total = sum(heights)
        top = rect.top() + max(0.0, (rect.height() - total) / 2)
        for (text, px, color, bold, lines), height in zip(blocks, heights, strict=True):
            if px == 0:
                p.fillRect(QRectF(rect.center().x() - 60, top + 10, 120, 4), theme.WARM)
                top += height
                continue
            if not text:
                continue
            box = QRectF(rect.left(), top, w, height)
            wrap = not bold
            if bold:  # the name itself: break between phrases, never inside a word
                text = phrase_lines(text, box, px, bold)
                # one long phrase of words (Portuguese, English): between words, not shrunk
                # to a line smaller than the Chinese under it
                wrap = "\n" not in text and " " in text.strip()
            used = draw_text(p, box, text, px, color, bold=bold, align=CENTER,
                             max_lines=lines, wrap=wrap)
            top = used.bottom() + px * 0.35

    @staticmethod
    def _measured(blocks: list[tuple[str, float, QColor, bool, int]], w: float) -> float:
        """The height the blocks take with their real line counts (the title one line per
        phrase), to tell whether they overflow the slide."""
        total = 0.0
        for text, px, _, bold, lines in blocks:
            if px == 0:
                total += 28
            elif text and bold:
                total += px * 1.45 * (phrase_lines(text, QRectF(0, 0, w, 1e6), px, bold)
                                      .count("\n") + 1)
            elif text:
                rows = round(text_height(text, w, px) / (px * 1.2)) or 1
                total += px * 1.45 * min(lines, rows)
        return total

    def _paint_rings(self, p: QPainter, rect: QRectF) -> None:
        """Quiet concentric arcs: the 'sky' and 'cloud' motif behind the name."""
        centre = QPointF(rect.center().x(), rect.center().y())
        for i, radius in enumerate((260, 380, 520, 680)):
            pen = QPen(QColor(46, 196, 255, 34 - i * 6))
            pen.setWidthF(2)
            p.setPen(pen)
            p.drawEllipse(centre, radius * 1.6, radius)
