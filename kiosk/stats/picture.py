"""``kiosk stats --out report.png``: the summary as a picture a curator reads at a glance (#16 §3).

Drawn with QPainter in the show's own style (kiosk/qt/theme: the night-blue gradient, the
cyan accent, amber for time; the bundled Noto Sans CJK, so Chinese never shows as boxes),
laid out like a newspaper's chart page: a heading with the period and the totals, the five
most touched slides, every slide's interactions and dwell as bars on one row (the top three
lit, the rest muted), and a day x hour heat map of interactions with its legend. 1920 px
wide; as tall as the deck's slides need, 1080 at least. Works headless.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
)

from kiosk.core.files import write_atomic
from kiosk.qt import theme
from kiosk.qt.fonts import font, load_fonts
from kiosk.qt.slides.chart_text import wrap
from kiosk.stats.summary import Heat, Summary, heat, local_time
from kiosk.stats.table import duration, slide_names

if TYPE_CHECKING:
    from kiosk.core.deck import Deck

W, MIN_H, M = 1920, 1080, 96
ROW_H = 62
MAX_ROWS = 40  # more slides than this: the most touched 40, and one line for the rest
CARD_H = 240
HEAT_ROW_H = 58
MUTED_BAR = QColor("#46607d")
RULE = QColor(255, 255, 255, 40)
EMPTY_CELL = QColor(255, 255, 255, 12)
# The heat map's ramp: night blue to the accent cyan to ice; its lightness only rises, so
# a busier hour is always a lighter cell.
RAMP = [(0.0, QColor("#133052")), (0.45, QColor("#1b78a8")), (0.8, QColor("#2ec4ff")),
        (1.0, QColor("#d4f4ff"))]
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


@dataclass
class Drawn:
    """Where things were drawn (for the tests): heat cells by (row, hour), slide rows."""

    cells: dict[tuple[int, int], QRectF] = field(default_factory=dict)
    rows: dict[int, QRectF] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)


def save_picture(summary: Summary, path: Path, deck: Deck | None = None,
                 tz: dt.tzinfo | None = None) -> Path:
    """Draw and write the PNG (atomically: a viewer never opens half a picture)."""
    image, _ = draw(summary, deck, tz)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise OSError(f"{path}: Qt could not encode the PNG")
    write_atomic(path, bytes(buffer.data().data()))
    return path


def ramp(x: float) -> QColor:
    """The heat colour of ``x`` in 0..1."""
    x = min(1.0, max(0.0, x))
    for (a, ca), (b, cb) in itertools.pairwise(RAMP):
        if x <= b:
            f = (x - a) / (b - a)
            return QColor(round(ca.red() + (cb.red() - ca.red()) * f),
                          round(ca.green() + (cb.green() - ca.green()) * f),
                          round(ca.blue() + (cb.blue() - ca.blue()) * f))
    return QColor(RAMP[-1][1])


def draw(summary: Summary, deck: Deck | None = None,
         tz: dt.tzinfo | None = None) -> tuple[QImage, Drawn]:
    """The report as an image, and where its parts are."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(sys.argv[:1])  # kept alive until the image is drawn
    load_fonts()
    names = slide_names(deck)
    indexes = sorted(set(summary.slides) | set(names))
    rest: list[int] = []
    if len(indexes) > MAX_ROWS:
        keep = {s.index for s in summary.top(MAX_ROWS)}
        keep |= set(indexes[: MAX_ROWS - len(keep)]) if len(keep) < MAX_ROWS else set()
        rest = [i for i in indexes if i not in keep]
        indexes = sorted(keep)
    grid = heat(summary, tz)
    rows_h = len(indexes) * ROW_H + (ROW_H if rest else 0)
    heat_h = 150 + max(1, len(grid.rows)) * HEAT_ROW_H + 120
    height = max(MIN_H, round(250 + CARD_H + 130 + rows_h + 60 + heat_h + 70)) + 300
    image = QImage(W, height, QImage.Format.Format_RGB32)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    drawn = Drawn()
    try:
        _background(p, height)
        y = _heading(p, summary, deck, tz)
        y = _top_cards(p, summary, names, y + 36)
        y = _slide_rows(p, summary, names, indexes, rest, y + 56, drawn)
        y = _heat(p, grid, y + 60, drawn)
        _footer(p, summary, y + 24)
    finally:
        p.end()
    used = max(MIN_H, round(y + 90))
    return (image.copy(0, 0, W, used) if used < height else image), drawn


# ---------------------------------------------------------------------------- parts
def _text(p: QPainter, rect: QRectF, text: str, px: float, color: QColor,
          align: Qt.AlignmentFlag = LEFT, bold: bool = False) -> float:
    """One line in ``rect``, cut with … when it is too long; returns its width."""
    f = font(px, bold)
    metrics = QFontMetricsF(f)
    line = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    p.setFont(f)
    p.setPen(color)
    p.drawText(rect, int(align), line)
    return metrics.horizontalAdvance(line)


def _background(p: QPainter, height: int) -> None:
    g = QLinearGradient(0, 0, 0, height)
    g.setColorAt(0, theme.BG_TOP)
    g.setColorAt(1, theme.BG_BOTTOM)
    p.fillRect(QRectF(0, 0, W, height), g)


def _period(summary: Summary, tz: dt.tzinfo | None) -> str:
    if summary.first_ms is None or summary.last_ms is None:
        return "没有记录 · No events"
    a, b = local_time(summary.first_ms, tz), local_time(summary.last_ms, tz)
    days = (b.date() - a.date()).days + 1
    span = f"{a:%Y-%m-%d}" if days == 1 else f"{a:%Y-%m-%d} – {b:%Y-%m-%d}"
    return f"{span}  ·  {days} 天 days  ·  {b.tzname() or ''}".rstrip(" ·")


def _heading(p: QPainter, summary: Summary, deck: Deck | None, tz: dt.tzinfo | None) -> float:
    top = 64.0
    p.fillRect(QRectF(M, top + 6, 8, 118), theme.ACCENT)
    x = M + 32
    title = "观众互动 · Visitor analytics"
    if deck is not None:
        title = f"{deck.title.own('zh') or deck.title.for_lang('en')} · 观众互动"
    _text(p, QRectF(x, top, W - x - M, 70), title, 56, theme.TEXT, bold=True)
    _text(p, QRectF(x, top + 72, W - x - M, 48), _period(summary, tz), 34, theme.MUTED)
    visits = summary.visits
    dwell = summary.dwell_ms
    figures = [(f"{visits:,}", "次访问 visits"),
               (f"{summary.interactions:,}", "次互动 interactions"),
               (duration(dwell), "有观众的时长 time with a visitor"),
               (duration(dwell // visits) if visits else "–", "平均每次 per visit")]
    y = top + 150
    col = (W - 2 * M) / len(figures)
    for k, (value, label) in enumerate(figures):
        fx = M + k * col
        _text(p, QRectF(fx, y, col - 32, 60), value, 48, theme.WARM if k == 0 else theme.TEXT,
              bold=True)
        _text(p, QRectF(fx, y + 60, col - 32, 36), label, 24, theme.MUTED)
    return y + 100


def _name(names: dict[int, tuple[str, str]], index: int) -> tuple[str, str]:
    zh, en = names.get(index, ("", ""))
    if not zh and not en:
        return f"第 {index + 1} 页", f"Slide {index + 1}"
    return zh, en


def _top_cards(p: QPainter, summary: Summary, names: dict[int, tuple[str, str]],
               y: float) -> float:
    _text(p, QRectF(M, y, 1200, 44), "最受关注 · Most touched slides", 34, theme.TEXT, bold=True)
    y += 60
    p.fillRect(QRectF(M, y - 8, W - 2 * M, 2), RULE)
    top = summary.top(5)
    total = summary.interactions or 1
    gap = 24
    cw = (W - 2 * M - 4 * gap) / 5
    if not top:
        _text(p, QRectF(M, y + 20, W - 2 * M, 50), "这段时间没有观众互动 · No visitor touched "
              "the screen in this period", 30, theme.MUTED)
    for k, s in enumerate(top):
        x = M + k * (cw + gap)
        card = QRectF(x, y + 12, cw, CARD_H - 24)
        p.fillRect(card, theme.PANEL)
        p.fillRect(QRectF(x, card.top(), cw, 4), theme.ACCENT if k < 3 else MUTED_BAR)
        lit = theme.ACCENT if k < 3 else theme.MUTED
        _text(p, QRectF(x + 20, card.top() + 14, 60, 60), str(k + 1), 52, lit, bold=True)
        _text(p, QRectF(x + 80, card.top() + 16, cw - 100, 34),
              f"{s.interactions:,} 次互动", 28, theme.TEXT, bold=True)
        _text(p, QRectF(x + 80, card.top() + 48, cw - 100, 26),
              f"第 {s.index + 1} 页 slide · {s.interactions / total:.1%}", 22, theme.MUTED)
        zh, en = _name(names, s.index)
        inner = QRectF(x + 20, card.top() + 86, cw - 40, 34)
        lines = _two_lines(zh or en, inner.width(), 26)
        for line in lines:
            _text(p, inner, line, 26, theme.TEXT, bold=True)
            inner.translate(0, 34)
        if en and zh:
            _text(p, inner.adjusted(0, 2, 0, 0), en, 20, theme.MUTED)
    return y + CARD_H


def _two_lines(text: str, room: float, px: float) -> list[str]:
    """A title on at most two lines: broken at its " · " first (as the show breaks a
    heading), else between phrases; the second line ends with … if it must."""
    if QFontMetricsF(font(px, True)).horizontalAdvance(text) <= room:
        return [text]
    head, sep, tail = text.partition(" · ")
    lines = [head, tail] if sep else wrap(text, room, px, "zh", bold=True)
    return [lines[0], "".join(lines[1:])] if len(lines) > 1 else lines


def _slide_rows(p: QPainter, summary: Summary, names: dict[int, tuple[str, str]],
                indexes: list[int], rest: list[int], y: float, drawn: Drawn) -> float:
    name_w, label_w = 600.0, 170.0
    col1 = M + 60 + name_w + 40
    col_w = (W - M - col1 - 60) / 2
    col2 = col1 + col_w + 60
    _text(p, QRectF(M, y, name_w, 44), "每一页 · Every slide", 34, theme.TEXT, bold=True)
    _text(p, QRectF(col1, y, col_w, 44), "互动 · Interactions", 30, theme.ACCENT, bold=True)
    _text(p, QRectF(col2, y, col_w, 44), "停留 · Dwell (visitor present)", 30, theme.WARM,
          bold=True)
    y += 60
    p.fillRect(QRectF(M, y - 8, W - 2 * M, 2), RULE)
    stats = [summary.slides.get(i) for i in indexes]
    inter = [s.interactions if s else 0 for s in stats]
    dwell = [s.dwell_ms if s else 0 for s in stats]
    lit_i = {i for i, _ in sorted(zip(indexes, inter, strict=True),
                                  key=lambda t: -t[1])[:3] if _ > 0}
    lit_d = {i for i, _ in sorted(zip(indexes, dwell, strict=True),
                                  key=lambda t: -t[1])[:3] if _ > 0}
    max_i, max_d = max(inter, default=0) or 1, max(dwell, default=0) or 1
    for row, index in enumerate(indexes):
        ry = y + row * ROW_H
        drawn.rows[index] = QRectF(M, ry, W - 2 * M, ROW_H)
        if row % 2:
            p.fillRect(QRectF(M, ry, W - 2 * M, ROW_H), QColor(255, 255, 255, 6))
        _text(p, QRectF(M, ry, 44, ROW_H), str(index + 1), 26, theme.MUTED, RIGHT)
        zh, en = _name(names, index)
        drawn.titles.append(zh)
        if en and zh:
            _text(p, QRectF(M + 60, ry + 4, name_w, 32), zh, 26, theme.TEXT)
            _text(p, QRectF(M + 60, ry + 33, name_w, 26), en, 20, theme.MUTED)
        else:
            _text(p, QRectF(M + 60, ry, name_w, ROW_H), zh or en, 26, theme.TEXT)
        _bar(p, col1, ry, col_w - label_w, inter[row] / max_i, f"{inter[row]:,}",
             theme.ACCENT if index in lit_i else MUTED_BAR, index in lit_i)
        _bar(p, col2, ry, col_w - label_w, dwell[row] / max_d, duration(dwell[row]),
             theme.WARM if index in lit_d else MUTED_BAR, index in lit_d)
    y += len(indexes) * ROW_H
    if rest:
        count = sum(summary.slides[i].interactions for i in rest if i in summary.slides)
        _text(p, QRectF(M + 60, y, W - 2 * M, ROW_H),
              f"另有 {len(rest)} 页 · {len(rest)} more slides: {count:,} interactions", 26,
              theme.MUTED)
        y += ROW_H
    return y


def _bar(p: QPainter, x: float, y: float, room: float, share: float, label: str,
         color: QColor, lit: bool) -> None:
    h = 26
    w = max(2.0, room * share) if share > 0 else 0.0
    p.fillRect(QRectF(x, y + (ROW_H - h) / 2, w, h), color)
    p.fillRect(QRectF(x, y + 10, 1, ROW_H - 20), QColor(255, 255, 255, 90))  # the baseline
    _text(p, QRectF(x + w + 12, y, 200, ROW_H), label, 24,
          theme.TEXT if lit else theme.MUTED, bold=lit)


def _heat(p: QPainter, grid: Heat, y: float, drawn: Drawn) -> float:
    _text(p, QRectF(M, y, 1400, 44), "什么时候有人互动 · When visitors touch the screen", 34,
          theme.TEXT, bold=True)
    what = "每小时互动次数" + ("" if grid.dated else "（各周合计）")
    _text(p, QRectF(M, y + 46, 1400, 36), what + " · interactions per hour"
          + ("" if grid.dated else ", all weeks summed"), 26, theme.MUTED)
    y += 100
    p.fillRect(QRectF(M, y - 8, W - 2 * M, 2), RULE)
    if not grid.rows:
        return y
    active = [h for h in range(24) if any(row[h] for row in grid.cells)]
    first = min([8, *active]) if active else 8
    last = max([20, *active]) if active else 20
    hours = list(range(first, last + 1))
    label_w = 230.0
    cw = (W - 2 * M - label_w) / len(hours)
    peak = grid.peak or 1
    y += 16
    for r, label in enumerate(grid.rows):
        ry = y + r * HEAT_ROW_H
        _text(p, QRectF(M, ry, label_w - 20, HEAT_ROW_H / 2 + 4), grid.rows_zh[r], 24,
              theme.TEXT)
        _text(p, QRectF(M, ry + HEAT_ROW_H / 2 - 2, label_w - 20, HEAT_ROW_H / 2), label, 20,
              theme.MUTED)
        for k, h in enumerate(hours):
            value = grid.cells[r][h]
            cell = QRectF(M + label_w + k * cw + 2, ry + 2, cw - 4, HEAT_ROW_H - 4)
            drawn.cells[(r, h)] = cell
            color = ramp(value / peak) if value else EMPTY_CELL
            p.fillRect(cell, color)
            if value and cw >= 64:
                ink = theme.BG_TOP if color.lightnessF() > 0.55 else theme.TEXT
                _text(p, cell.adjusted(0, 0, 0, 0), _short(value), 20, ink, CENTRE)
    y += len(grid.rows) * HEAT_ROW_H + 8
    for k, h in enumerate(hours):
        _text(p, QRectF(M + label_w + k * cw, y, cw, 32), f"{h:02d}", 22, theme.MUTED, CENTRE)
    y += 52
    _legend(p, W - M - 700, y, peak)
    _text(p, QRectF(M, y, 900, 40), "空白：无互动（闭馆或待机）· blank: no interactions "
          "(closed or standby)", 22, theme.MUTED)
    return y + 60


def _legend(p: QPainter, x: float, y: float, peak: int) -> None:
    """The ramp from 1 to the busiest hour, as a strip with its two ends named."""
    width, steps = 360.0, 60
    _text(p, QRectF(x, y, 80, 30), "1", 22, theme.MUTED, RIGHT)
    left = x + 92
    for k in range(steps):
        p.fillRect(QRectF(left + k * width / steps, y + 4, width / steps + 0.5, 22),
                   ramp((k + 0.5) / steps))
    _text(p, QRectF(left + width + 12, y, 200, 30), f"{peak:,} / 小时 hour", 22, theme.MUTED)


def _short(value: int) -> str:
    return f"{value / 1000:.1f}k" if value >= 10_000 else f"{value:,}"


def _footer(p: QPainter, summary: Summary, top: float) -> None:
    r = summary.report
    note = (f"kiosk stats · {r.events:,} events from {r.files} log(s) · dwell: time a slide "
            f"was on screen while a visitor was active · no personal data is recorded")
    skipped = r.skipped()
    if skipped:
        note += f" · {skipped}"
    p.fillRect(QRectF(M, top, W - 2 * M, 1), RULE)
    _text(p, QRectF(M, top + 12, W - 2 * M, 36), note, 20, theme.MUTED)
