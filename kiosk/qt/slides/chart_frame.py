"""What frames a chart's plot (#13 §3): the subtitle (what is measured, in which unit), the
key of a chart with several bar series, the x axis's caption, and the choice of bar
direction.

Painted into the slide's static layer; the plot image goes into the rectangle left over.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from kiosk.core.deck import DRAWABLE_LIMIT, ChartSlide
from kiosk.core.units import CHINESE, NBSP, reading
from kiosk.core.values import Text
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.slides import chart_text as ct
from kiosk.qt.slides.base import ViewContext
from kiosk.qt.slides.chart_data import fmt, minus

_UNIT_LINE = {"zh": "单位：{}", "zh-Hant": "單位：{}", "en": "Unit: {}", "pt": "Unidade: {}"}
SUBTITLE_INDENT = 32  # under the title's text, right of its accent bar (base.paint_heading)
VALUE_AXIS_EST = 100  # design px: the value axis's labels, before the plot is laid out
CATEGORY_AXIS_EST = 90


class ChartFrame:
    """The words around one chart's plot, in the language on screen."""

    def __init__(self, slide: ChartSlide, ctx: ViewContext) -> None:
        self.slide = slide
        self.ctx = ctx

    # ------------------------------------------------------------------ words
    def unit(self) -> str:
        """The unit as the deck writes it for this screen ("%", "家"); the value labels read
        theirs from :meth:`value_text`."""
        return self.ctx.primary(self.slide.unit)

    def value_text(self, value: float) -> str:
        """A value label as the screen's language reads it: 69家 and 92.64亿元 in Chinese,
        "69" (the subtitle says companies) and "RMB 9.26 bn" in English, worked out from the
        Chinese unit (kiosk.core.units, #13 §2)."""
        decimals = self.slide.decimals
        if abs(value) >= DRAWABLE_LIMIT / 10 or not math.isfinite(value):
            return minus(fmt(value, decimals)) + self.unit()
        if decimals is None:  # as fmt shows it: up to two decimals, no trailing zeros
            decimals = len(fmt(value).partition(".")[2])
        r = reading(value, decimals, self.slide.unit, None, self.ctx.lang,
                    label=self.subtitle())
        before = r.before + NBSP if r.before else ""
        after = r.after
        if after and self.ctx.lang not in CHINESE and not after.startswith("%"):
            after = NBSP + after
        return before + minus(r.number(value)) + after

    def subtitle(self) -> str:
        """The line under the title: the deck's subtitle; else what the value axis measures
        (its y_label, which names the unit); else the unit alone. The value axis has no
        title of its own: the subtitle says what it measures, once (FT style)."""
        if self.slide.subtitle:
            return self.ctx.primary(self.slide.subtitle)
        if self.slide.y_label:
            return self.ctx.primary(self.slide.y_label)
        unit = self.unit()
        own = self.slide.unit.own(self.ctx.lang).strip() if self.slide.unit else ""
        if unit and (self.ctx.lang in CHINESE or own or unit.isascii()):
            return _UNIT_LINE.get(self.ctx.lang, _UNIT_LINE["zh"]).format(own or unit)
        return ""  # no Chinese unit on an English screen: the value labels carry theirs

    def x_caption(self, categorical: bool) -> str:
        """The x axis's title, at its right end; category names speak for themselves."""
        return "" if categorical or not self.slide.x_label else self.ctx.primary(
            self.slide.x_label)

    # ------------------------------------------------------------------ layout
    def wants_horizontal(self, names: list[Text | str]) -> bool:
        """Bars run horizontally when the deck says so; with ``auto``, in portrait and when a
        category name, in any of the deck's languages, needs more than two lines under its
        bar. Every language gets the same direction: a visitor switching sees one chart."""
        if self.slide.orientation != "auto":
            return self.slide.orientation == "horizontal"
        if self.ctx.portrait or len(names) > 10:
            return True
        width = self.ctx.canvas.width() - 2 * theme.MARGIN - VALUE_AXIS_EST
        slot = width / max(1, len(names)) * 0.92
        for name in names:
            forms = {name} if isinstance(name, str) else {
                name.for_lang(lang) for lang in self.ctx.deck.languages}
            for form in forms:
                if len(ct.wrap(self.ctx.plain(form), slot, ct.CATEGORY_PX, self.ctx.lang)) > 2:
                    return True
        return False

    def tick_target(self, horizontal: bool) -> int:
        """About how many steps the value axis gets: five, six up a tall portrait plot."""
        return 6 if self.ctx.portrait and not horizontal else 5 if not horizontal else 4

    def estimate_plot_px(self, area: QRectF, horizontal: bool) -> tuple[float, float]:
        """The plot box's size before the widget is laid out (first build)."""
        if area.isEmpty():
            c = self.ctx.canvas
            area = QRectF(0, 0, c.width() - 2 * theme.MARGIN, c.height() * 0.6)
        side = CATEGORY_AXIS_EST * 3 if horizontal else VALUE_AXIS_EST
        return max(1.0, area.width() - side), max(1.0, area.height() - CATEGORY_AXIS_EST)

    # ------------------------------------------------------------------ painting
    def paint(self, p: QPainter, rect: QRectF, colors: list[QColor],
              categorical: bool) -> QRectF:
        """Subtitle, key and the x axis's caption into ``rect``; returns the rectangle left
        for the plot."""
        top = rect.top()
        left = rect.left() + SUBTITLE_INDENT
        room = rect.right() - left
        subtitle = self.subtitle()
        if subtitle:
            lines = ct.wrap(subtitle, room, ct.SUBTITLE_PX, self.ctx.lang)[:2]
            top = _lines(p, lines, left, top, ct.SUBTITLE_PX, ct.SUBTITLE) + 14
        if len(self.slide.series) > 1 and self.slide.chart == "bar":  # lines: named at ends
            top = self._paint_key(p, left, top, room, colors) + 10
        top += 16
        bottom = rect.bottom()
        x_caption = self.x_caption(categorical)
        if x_caption:
            h = ct.line_height(ct.TICK_PX)
            w = ct.width(x_caption, ct.TICK_PX)
            _lines(p, [x_caption], rect.right() - w, bottom - h, ct.TICK_PX, ct.TICK_TEXT)
            bottom -= h + 4
        return QRectF(rect.left(), top, rect.width(), max(1.0, bottom - top))

    def _paint_key(self, p: QPainter, left: float, top: float, room: float,
                   colors: list[QColor]) -> float:
        """One swatch and name per series, in a row that wraps (only for two or more)."""
        h = ct.line_height(ct.KEY_PX)
        x, y, swatch = left, top, ct.KEY_PX * 0.7
        p.setFont(font(ct.KEY_PX))
        for series, color in zip(self.slide.series, colors, strict=True):
            name = self.ctx.primary(series.name)
            w = swatch + 12 + ct.width(name, ct.KEY_PX)
            if x > left and x + w > left + room:
                x, y = left, y + h + 6
            p.fillRect(QRectF(x, y + (h - swatch) / 2, swatch, swatch), color)
            p.setPen(theme.TEXT)
            p.drawText(QRectF(x + swatch + 12, y, w, h),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name)
            x += w + 40
        return y + h


def _lines(p: QPainter, lines: list[str], left: float, top: float, px: float,
           color: QColor) -> float:
    """Draw explicit lines at ``px`` (never shrunk: #13's floor); returns their bottom."""
    p.setFont(font(px))
    p.setPen(color)
    h = ct.line_height(px)
    for line in lines:
        p.drawText(QPointF(left, top + h * 0.5 + (ct.ascent(px) - ct.descent(px)) / 2), line)
        top += h
    return top
