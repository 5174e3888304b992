"""The launch image on screen (see :mod:`kiosk.core.launch`), and the show's first frame kept.

This module is imported before the deck is loaded, so it imports only QtCore and QtGui names
that the first picture needs. It does not touch the ``Qt`` namespace either, not even through
an enum's class: the first access to it builds every one of its enums, some 30 ms here, which
the show pays later anyway. So the launch image sets no window flags (a fullscreen window is
undecorated anyway) and hides the pointer with a transparent cursor image.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer
from PySide6.QtGui import (
    QColor,
    QCursor,
    QGuiApplication,
    QImage,
    QPainter,
    QPaintEvent,
    QPixmap,
    QRasterWindow,
    QScreen,
)
from PySide6.QtWidgets import QWidget

from kiosk.core.launch import PIXEL_FORMATS, Frame, LaunchStore

if TYPE_CHECKING:
    from kiosk.core.loader import LoadResult

log = logging.getLogger(__name__)
PAINT_WAIT_S = 0.5  # how long the start waits for the launch image to reach the screen
HAND_OVER_S = 5.0  # the launch image goes by then even if the show has not painted yet


class LaunchScreen(QRasterWindow):
    """A fullscreen window that shows one picture and nothing else, pointer hidden."""

    def __init__(self, image: QImage) -> None:
        super().__init__()
        self.image = image
        self.painted = False
        nothing = QPixmap(1, 1)
        nothing.fill(QColor(0, 0, 0, 0))
        self.setCursor(QCursor(nothing))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(self.geometry().translated(-self.x(), -self.y()), self.image)
        painter.end()
        self.painted = True


def context(deck: Path, screen: QScreen, *, rotate: int, animations: bool,
            lang: str | None = None) -> dict[str, Any]:
    """Everything besides the deck's files that decides what the first frame looks like."""
    from PySide6 import __version__ as pyside

    from kiosk.core.launch import code_stamp

    size = screen.geometry().size()
    return {"deck": str(deck.resolve()), "screen": [size.width(), size.height()],
            "dpr": screen.devicePixelRatio(), "rotate": rotate, "animations": animations,
            "code": code_stamp(), "qt": pyside, "lang": lang}  # --lang (#14)


class Launch(QObject):
    """One start's launch image. :meth:`show` puts the stored frame on screen before the deck
    loads; :meth:`follow` watches the show's window for its first painted frame, then closes
    the launch image or, when there was none, keeps that frame for the next start."""

    def __init__(self, store: LaunchStore, facts: dict[str, Any]) -> None:
        super().__init__()
        self.store, self.facts = store, facts
        self.screen_window: LaunchScreen | None = None
        self.window: QWidget | None = None
        self.files: list[Path] | None = None
        self.writer: threading.Thread | None = None
        self.used = False  # a stored frame went on screen: it still fits, keep it as it is

    def show(self, screen: QScreen) -> bool:
        """Put the stored frame on ``screen`` and wait until it is there; False if none fits."""
        frame = self.store.find(self.facts)
        if frame is None:
            return False
        try:
            image = QImage(frame.data, frame.width, frame.height, frame.stride,
                           QImage.Format(frame.pixel_format)).copy()  # owns its pixels
        except ValueError as exc:  # an unknown pixel format number
            log.warning("ignoring the launch image: %s", exc)
            return False
        self.used = True
        window = self.screen_window = LaunchScreen(image)
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
        window.showFullScreen()
        deadline = time.monotonic() + PAINT_WAIT_S
        while not window.painted and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)
        QGuiApplication.sync()  # the painted picture reaches the window system now
        log.info("launch image %s while the deck loads",
                 "on screen" if window.painted else "not painted yet")
        return True

    def follow(self, window: QWidget, result: LoadResult) -> None:
        """Call before the show's window is shown."""
        self.window = window
        # first of all: the launch image must go, whatever else fails. If the show never
        # paints (a window manager that keeps the launch image on top hides it, so it gets
        # no expose), it goes after a while anyway and the show is raised.
        window.installEventFilter(self)
        if self.used:
            QTimer.singleShot(round(HAND_OVER_S * 1000), window, self._close)
        try:
            from kiosk.core.launch import dependencies, repeatable

            # None: this deck's first frame differs between starts, so none is kept
            deck = result.deck
            self.files = dependencies(result) if deck and repeatable(deck) else None
        except Exception:
            log.exception("cannot tell what the first frame depends on; not keeping it")
            self.files = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._after_first_frame)  # once this paint is on screen
        return False

    def _close(self) -> None:
        """The launch image goes; the show comes up and takes the keys (the exit chord)."""
        if self.screen_window is None:
            return
        self.screen_window.close()
        self.screen_window.deleteLater()
        self.screen_window = None
        if self.window is not None:
            self.window.raise_()
            self.window.activateWindow()

    def _after_first_frame(self) -> None:
        window = self.window
        assert window is not None
        if self.used:
            self._close()
            return
        if self.files is None:
            self.store.forget()
            return
        # the frame on screen first (Qt would hand it over only when its loop goes idle),
        # then draw it again for the file
        QGuiApplication.sync()
        image = window.grab().toImage()
        if image.format().value not in PIXEL_FORMATS:  # the only ones the store reads back
            image = image.convertToFormat(QImage.Format.Format_RGB32)
        frame = Frame(image.width(), image.height(), image.bytesPerLine(),
                      image.format().value, bytes(image.constBits()))
        self.writer = threading.Thread(target=self.store.save, name="kiosk-launch-image",
                                       args=(self.facts, self.files, frame))
        self.writer.start()
