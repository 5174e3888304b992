"""``identify``: the screen's id large on the screen for 10 s, so that a technician in a hall of
twenty screens sees which one is which (#16).

A child widget over the show's window, drawn in the show's own style (its fonts, colours and
design canvas, rotation included) and transparent to touches, so a visitor can go on using the
slide under it. Its end is measured on the window's clock (a fake one in tests): the single-shot
timer only wakes it up to look.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from kiosk.qt import theme
from kiosk.qt.text import draw_text
from kiosk.qt.window import ShowWindow

IDENTIFY_SECONDS = 10.0


class IdentifyOverlay(QWidget):
    def __init__(self, window: ShowWindow, screen_id: str, detail: str = "",
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(window)
        self.window_ = window
        self.screen_id = screen_id
        self.detail = detail  # small line under the id: address, version
        self.clock: Callable[[], float] = clock or window.clock
        self.until: float | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self.hide()

    @property
    def showing(self) -> bool:
        return self.until is not None and self.isVisible()

    def start(self, seconds: float = IDENTIFY_SECONDS) -> None:
        """Show (or keep showing) the id for ``seconds`` from now."""
        self.until = self.clock() + seconds
        self.setGeometry(self.window_.rect())
        self.show()
        self.raise_()
        self.update()
        self._arm()

    def check(self) -> None:
        """The timer's wake-up: hide when the time is up on the clock, else sleep again."""
        if self.until is None:
            return
        if self.clock() >= self.until:
            self.stop()
        else:
            self._arm()

    def stop(self) -> None:
        self.until = None
        self._timer.stop()
        self.hide()

    def _arm(self) -> None:
        if self.until is None:
            return
        left = max(0.0, self.until - self.clock())
        self._timer.start(max(50, min(int(left * 1000) + 1, 60_000)))

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.geometry() != self.window_.rect():
            self.setGeometry(self.window_.rect())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        stage = self.window_.stage
        p.setTransform(stage.transform())
        w, h = stage.canvas.width(), stage.canvas.height()
        p.fillRect(QRectF(-w, -h, 3 * w, 3 * h), QColor(6, 16, 31, 215))  # BG_TOP, dimmed
        margin = theme.MARGIN
        panel = QRectF(margin, h * 0.22, w - 2 * margin, h * 0.56)
        p.setPen(QPen(theme.ACCENT, 6))
        p.setBrush(QColor(11, 33, 64))
        p.drawRoundedRect(panel, 28, 28)
        inner = panel.adjusted(48, 36, -48, -36)
        draw_text(p, QRectF(inner.left(), inner.top(), inner.width(), 60), "SCREEN · 屏幕", 40,
                  theme.MUTED, align=Qt.AlignmentFlag.AlignHCenter, max_lines=1)
        body = QRectF(inner.left(), inner.top() + 70, inner.width(), inner.height() - 150)
        draw_text(p, body, self.screen_id, min(260.0, body.height() * 0.8), theme.TEXT,
                  bold=True, align=Qt.AlignmentFlag.AlignCenter, max_lines=2, min_px=48,
                  balance=False)
        if self.detail:
            draw_text(p, QRectF(inner.left(), inner.bottom() - 60, inner.width(), 60),
                      self.detail, 36, theme.ACCENT, align=Qt.AlignmentFlag.AlignHCenter,
                      max_lines=1)
        p.end()
