"""Keeps a kiosk window on screen, and says when it is not (#18 D).

A window manager's keyboard menu can iconify the show (openbox: Alt+Space), and another X
client can destroy its window (``xdotool windowclose``), while the process runs on as if all
were well. Once a second, and at once when the window state changes, the window is checked:
a minimised window is restored and raised; a window that Qt still shows but the display no
longer exposes (unmapped or destroyed behind Qt's back) is raised, and if that does not bring
it back, its native window is created anew.
"""

from __future__ import annotations

import logging
from typing import Literal

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)
CHECK_MS = 1000
SOON_MS = 100  # after a state change: let the window manager finish what it does first
WindowState = Literal["normal", "minimized", "hidden"]


def window_state(widget: QWidget) -> WindowState:
    """What a person in front of the screen would see of ``widget``."""
    if widget.isMinimized():
        return "minimized"
    handle = widget.windowHandle()
    if not widget.isVisible() or handle is None or not handle.isExposed():
        return "hidden"
    return "normal"


class Presence(QObject):
    """Owned by the window (its timers stop in :meth:`stop`); acts only when ``enabled``."""

    def __init__(self, widget: QWidget, enabled: bool) -> None:
        super().__init__(widget)
        self.widget = widget
        self.enabled = enabled
        self.state: WindowState = window_state(widget)
        self.reasserted = 0  # times the window was brought back (for tests and the log)
        self._seen = False  # on screen once: before that, hidden is just not shown yet
        self._strikes = 0
        self._wanted = Qt.WindowState.WindowNoState
        self._geometry = QRect()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(SOON_MS)
        self._soon.timeout.connect(self.check)
        if enabled:
            self._timer.start()

    def status(self) -> dict[str, object]:
        """For the status file: ``{"visible": bool, "state": "normal|minimized|hidden"}``."""
        state = window_state(self.widget)
        return {"visible": state == "normal", "state": state}

    def state_changed(self) -> None:
        """The window's state changed (Qt's WindowStateChange): look again shortly."""
        if self.enabled:
            self._soon.start()

    def check(self) -> None:
        state = window_state(self.widget)
        if state != self.state and self._seen:  # not the first showing
            if state == "normal":
                log.info("window back on screen")
            else:
                log.warning("window %s: bringing it back", state)
        self.state = state
        if state == "normal":
            self._seen, self._strikes = True, 0
            self._wanted = self.widget.windowState() & ~Qt.WindowState.WindowMinimized
            self._geometry = self.widget.geometry()
            return
        if not (self.enabled and self._seen):
            return
        self._strikes += 1
        if state == "hidden" and self._strikes > 1:
            self._recreate()
        else:
            self._restore()

    def _restore(self) -> None:
        widget = self.widget
        widget.setWindowState(self._wanted)
        if self._wanted & Qt.WindowState.WindowFullScreen and not self._geometry.isEmpty():
            widget.setGeometry(self._geometry)  # without a window manager, fullscreen is ours
        widget.show()
        widget.raise_()
        widget.activateWindow()
        self.reasserted += 1

    def _recreate(self) -> None:
        """Raising did not bring it back: its native window is gone. Make a new one."""
        log.warning("window still not on screen: creating its native window again")
        self._strikes = 0
        self.widget.destroy(True, True)
        self.widget.create()
        self._restore()

    def stop(self) -> None:
        """The show ends (or the window may close): stop keeping it on screen."""
        self.enabled = False
        self._timer.stop()
        self._soon.stop()
