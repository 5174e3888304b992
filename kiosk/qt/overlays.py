"""What a visitor or operator touches: the control bar, the overview grid, the PIN keypad.

Each overlay lays itself out on the design canvas, paints itself, and answers "what is under
this point?" so the window can act. Hit targets are at least 96 design px (about 17 mm on a
55" 1080p screen; the brief's floor is 48 px).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

import kiosk
from kiosk.core import uistrings
from kiosk.core.deck import Deck
from kiosk.core.pinguard import format_wait
from kiosk.qt import theme
from kiosk.qt.fonts import font
from kiosk.qt.text import draw_text

BUTTON = 112  # design px: comfortably above the 48 px minimum
LABEL_H = 44  # under each thumbnail: its number, at the floor for small text (#13)
CORNER = 140  # the top-left corner where five taps ask to exit


@dataclass(frozen=True)
class Hit:
    """A control under a point: ``action`` with an optional ``value`` (slide, digit)."""

    action: str
    value: int = -1


# ---------------------------------------------------------------------------- controls


class Controls:
    """◀ ▶, pause/play, overview and 中/EN, shown for a few seconds after a tap."""

    def __init__(self, deck: Deck, canvas: QSizeF) -> None:
        actions = ["prev", "pause", "overview", "next"]
        self.deck = deck
        if deck.cycle:
            actions.append("language")
        gap = 28
        width = len(actions) * BUTTON + (len(actions) - 1) * gap
        left = (canvas.width() - width) / 2
        top = canvas.height() - theme.MARGIN * 1.25 - BUTTON
        self.buttons = [(action, QRectF(left + i * (BUTTON + gap), top, BUTTON, BUTTON))
                        for i, action in enumerate(actions)]
        self.panel = QRectF(left - 32, top - 24, width + 64, BUTTON + 48)

    def hit(self, point: QPointF) -> Hit | None:
        for action, rect in self.buttons:
            if rect.adjusted(-12, -12, 12, 12).contains(point):
                return Hit(action)
        return Hit("none") if self.panel.contains(point) else None

    def paint(self, p: QPainter, held: bool, lang: str, opacity: float = 1.0) -> None:
        p.save()
        p.setOpacity(opacity)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(6, 16, 31, 215))
        p.drawRoundedRect(self.panel, 40, 40)
        for action, rect in self.buttons:
            p.setBrush(QColor(255, 255, 255, 26))
            p.drawEllipse(rect)
            p.setBrush(theme.TEXT)
            _glyph(p, action, rect, held, self.deck.next_language(lang))
        p.restore()


# The language button names the language a tap brings, in that language: a visitor who
# cannot read the one on screen looks for their own (中 on an English screen, PT for Macau's
# Portuguese readers), as airport and museum kiosks label their language toggles. With two
# languages that is today's EN/中 toggle; with four, each tap says where it goes next.
LANGUAGE_LABELS = uistrings.LANGUAGE_BUTTON


def _glyph(p: QPainter, action: str, rect: QRectF, held: bool, lang: str) -> None:
    """Simple vector icons (fonts differ between machines; shapes do not); ``lang``: the
    language the language button switches to."""
    c = rect.center()
    s = rect.width() * 0.2
    if action in ("prev", "next"):
        sign = -1 if action == "prev" else 1
        p.drawPolygon([QPointF(c.x() + sign * s, c.y()),
                       QPointF(c.x() - sign * s * 0.8, c.y() - s),
                       QPointF(c.x() - sign * s * 0.8, c.y() + s)])
    elif action == "pause":
        if held:  # paused: show "play"
            p.drawPolygon([QPointF(c.x() + s, c.y()), QPointF(c.x() - s * 0.7, c.y() - s),
                           QPointF(c.x() - s * 0.7, c.y() + s)])
        else:
            p.drawRect(QRectF(c.x() - s * 0.8, c.y() - s, s * 0.55, 2 * s))
            p.drawRect(QRectF(c.x() + s * 0.25, c.y() - s, s * 0.55, 2 * s))
    elif action == "overview":
        cell = s * 0.8
        for dx in (-1, 1):
            for dy in (-1, 1):
                p.drawRect(QRectF(c.x() + (dx - 1) * cell / 1.6 + (cell * 0.25 if dx > 0 else 0),
                                  c.y() + (dy - 1) * cell / 1.6 + (cell * 0.25 if dy > 0 else 0),
                                  cell, cell))
    elif action == "language":
        p.setPen(theme.TEXT)
        p.setFont(font(30, bold=True))
        p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), LANGUAGE_LABELS.get(lang, lang))
        p.setPen(Qt.PenStyle.NoPen)


# ---------------------------------------------------------------------------- overview


def version_label() -> str:
    """Shown in the overview's corner, so an operator can tell which build a screen runs."""
    return f"kiosk {kiosk.__version__}"


class Overview:
    """A grid of slide thumbnails, a page at a time; tapping one jumps to it."""

    def __init__(self, order: list[int], canvas: QSizeF, current: int, lang: str = "zh",
                 deck: Deck | None = None) -> None:
        self.order = order
        self.canvas = canvas
        self.heading = uistrings.say("all_slides", lang, deck)  # in the screen's language
        portrait = canvas.height() > canvas.width()
        self.cols, self.rows = (2, 4) if portrait else (4, 3)
        self.per_page = self.cols * self.rows
        self.page = order.index(current) // self.per_page if current in order else 0
        self.pages = max(1, -(-len(order) // self.per_page))
        m = theme.MARGIN
        self.area = QRectF(m, m * 1.3, canvas.width() - 2 * m, canvas.height() - m * 2.9)
        gap = 32
        self.thumb_w = (self.area.width() - gap * (self.cols - 1)) / self.cols
        self.thumb_h = min(self.thumb_w * canvas.height() / canvas.width(),
                           (self.area.height() - gap * (self.rows - 1)) / self.rows - LABEL_H)
        self.thumb_w = self.thumb_h * canvas.width() / canvas.height()
        self.gap = gap
        bottom = canvas.height() - m * 1.1
        self.close_rect = QRectF(canvas.width() - m - BUTTON, m * 0.1, BUTTON, BUTTON)
        self.version_rect = QRectF(self.close_rect.left() - 520, self.close_rect.top(), 490,
                                   BUTTON)
        self.prev_rect = QRectF(m, bottom - BUTTON * 0.7, BUTTON, BUTTON)
        self.next_rect = QRectF(canvas.width() - m - BUTTON, bottom - BUTTON * 0.7, BUTTON,
                                BUTTON)

    def thumb_size(self, scale: float) -> QSize:
        return QSize(max(16, round(self.thumb_w * scale)), max(9, round(self.thumb_h * scale)))

    def visible(self) -> list[tuple[int, QRectF]]:
        """(slide index, rectangle) of the thumbnails on this page."""
        first = self.page * self.per_page
        cells = []
        total_w = self.cols * self.thumb_w + (self.cols - 1) * self.gap
        left = self.area.left() + (self.area.width() - total_w) / 2
        for k, index in enumerate(self.order[first:first + self.per_page]):
            row, col = divmod(k, self.cols)
            cells.append((index, QRectF(left + col * (self.thumb_w + self.gap),
                                        self.area.top() + row * (self.thumb_h + LABEL_H + self.gap),
                                        self.thumb_w, self.thumb_h)))
        return cells

    def hit(self, point: QPointF) -> Hit:
        if self.close_rect.adjusted(-16, -16, 16, 16).contains(point):
            return Hit("close")
        if self.pages > 1 and self.prev_rect.contains(point):
            return Hit("page", -1)
        if self.pages > 1 and self.next_rect.contains(point):
            return Hit("page", 1)
        for index, rect in self.visible():
            if rect.contains(point):
                return Hit("goto", index)
        return Hit("none")

    def turn(self, step: int) -> None:
        self.page = (self.page + step) % self.pages

    def paint(self, p: QPainter, thumbs: dict[int, QImage], current: int) -> None:
        p.save()
        p.fillRect(QRectF(0, 0, self.canvas.width(), self.canvas.height()),
                   QColor(3, 8, 16, 238))
        draw_text(p, QRectF(theme.MARGIN, theme.MARGIN * 0.35, 900, 60),
                  self.heading, 40, theme.TEXT, bold=True, max_lines=1)
        draw_text(p, self.version_rect, version_label(), theme.FLOOR_SMALL, theme.MUTED,
                  align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, max_lines=1)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for index, rect in self.visible():
            image = thumbs.get(index)
            if image is not None:
                p.drawImage(rect, image)
            else:
                p.fillRect(rect, theme.PANEL)
            pen = QPen(theme.ACCENT if index == current else QColor(255, 255, 255, 50))
            pen.setWidthF(6 if index == current else 2)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect)
            draw_text(p, QRectF(rect.left(), rect.bottom() + 4, rect.width(), LABEL_H - 4),
                      f"{self.order.index(index) + 1}", theme.FLOOR_SMALL, theme.MUTED,
                      max_lines=1)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 30))
        p.drawEllipse(self.close_rect)
        pen = QPen(theme.TEXT)
        pen.setWidthF(8)
        p.setPen(pen)
        c, s = self.close_rect.center(), BUTTON * 0.18
        p.drawLine(QPointF(c.x() - s, c.y() - s), QPointF(c.x() + s, c.y() + s))
        p.drawLine(QPointF(c.x() - s, c.y() + s), QPointF(c.x() + s, c.y() - s))
        if self.pages > 1:
            p.setPen(Qt.PenStyle.NoPen)
            for action, rect in (("prev", self.prev_rect), ("next", self.next_rect)):
                p.setBrush(QColor(255, 255, 255, 30))
                p.drawEllipse(rect)
                p.setBrush(theme.TEXT)
                _glyph(p, action, rect, False, "zh")
            draw_text(p, QRectF(0, self.prev_rect.top() + 30, self.canvas.width(), 50),
                      f"{self.page + 1} / {self.pages}", 30, theme.MUTED,
                      align=Qt.AlignmentFlag.AlignHCenter, max_lines=1)
        p.restore()


# ---------------------------------------------------------------------------- PIN pad

KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]


class PinPad:
    """An on-screen keypad asking for the deck's ``exit_pin`` before the show exits."""

    def __init__(self, canvas: QSizeF, lang: str = "zh", deck: Deck | None = None) -> None:
        self.canvas = canvas
        self.lang, self.deck = lang, deck  # its words: the screen's language and its partner's
        self.entered = ""
        self.wrong = False
        size, gap = BUTTON * 1.15, 24
        width = 3 * size + 2 * gap
        left = (canvas.width() - width) / 2
        top = canvas.height() / 2 - (4 * size + 3 * gap) / 2 + 60
        self.keys = [(key, QRectF(left + (k % 3) * (size + gap), top + (k // 3) * (size + gap),
                                  size, size)) for k, key in enumerate(KEYS)]
        self.cancel_rect = QRectF(canvas.width() - theme.MARGIN - BUTTON, theme.MARGIN * 0.4,
                                  BUTTON, BUTTON)
        self.top = top

    def hit(self, point: QPointF) -> Hit:
        if self.cancel_rect.adjusted(-16, -16, 16, 16).contains(point):
            return Hit("cancel")
        for key, rect in self.keys:
            if rect.contains(point):
                return Hit("key", KEYS.index(key))
        return Hit("none")

    def press(self, key: str) -> str | None:
        """Type a key; returns the entered PIN when OK is pressed."""
        self.wrong = False
        if key == "⌫":
            self.entered = self.entered[:-1]
        elif key == "OK":
            entered, self.entered = self.entered, ""
            return entered
        elif len(self.entered) < 8:
            self.entered += key
        return None

    def title(self, wait: float = 0.0) -> str:
        """The line above the keys; ``wait``: seconds the keypad stays locked (#18 D)."""
        if wait > 0:
            return uistrings.say("pin_locked", self.lang, self.deck, wait=format_wait(wait))
        return uistrings.say("pin_wrong" if self.wrong else "pin_prompt", self.lang, self.deck)

    def paint(self, p: QPainter, wait: float = 0.0) -> None:
        p.save()
        p.fillRect(QRectF(0, 0, self.canvas.width(), self.canvas.height()), QColor(0, 0, 0, 235))
        alarm = self.wrong or wait > 0
        draw_text(p, QRectF(0, self.top - 230, self.canvas.width(), 60), self.title(wait), 40,
                  QColor("#ff8a80") if alarm else theme.TEXT, bold=True,
                  align=Qt.AlignmentFlag.AlignHCenter, max_lines=1)
        if wait > 0:
            p.setOpacity(0.3)  # the keys are there, but take nothing while locked
        dots = "●" * len(self.entered) if self.entered else "—"
        draw_text(p, QRectF(0, self.top - 150, self.canvas.width(), 70), dots, 48, theme.ACCENT,
                  align=Qt.AlignmentFlag.AlignHCenter, max_lines=1)
        for key, rect in self.keys:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(255, 255, 255, 30))
            p.drawEllipse(rect)
            draw_text(p, rect.adjusted(0, rect.height() * 0.28, 0, 0), key, 44, theme.TEXT,
                      bold=True, align=Qt.AlignmentFlag.AlignHCenter, max_lines=1)
        p.setOpacity(1.0)
        draw_text(p, self.cancel_rect.adjusted(0, BUTTON * 0.3, 0, 0), "✕", 44, theme.TEXT,
                  align=Qt.AlignmentFlag.AlignHCenter, max_lines=1)
        p.restore()
