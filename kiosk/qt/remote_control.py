"""Remote commands executed on the show, on the UI thread (#16).

The MQTT network thread parses a message (kiosk.ops.commands) and hands it to
:meth:`RemoteControl.submit`, which is thread-safe: a Qt signal with a queued connection carries
it to the UI thread, where :meth:`execute` moves the show. Before that, a token bucket lets
through 5 commands a second (10 at once): a flood of thousands gets one "busy" reply per burst
and never reaches the UI thread (it stalled it for a second); a screenshot is taken at most once
in 5 s. At most :data:`MAX_PENDING` commands wait at a time; more are refused with a "busy"
reply, so a flood cannot grow a queue.

The screenshot is grabbed on the UI thread (a copy of the window's pixels, a few ms); scaling it
to at most 1920 px wide and encoding the PNG happen on a worker thread, which publishes it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QIODevice, QObject, Qt, Signal
from PySide6.QtGui import QImage

from kiosk.core.background import Job
from kiosk.ops.commands import (
    BUSY,
    COMMAND_BURST,
    COMMAND_RATE,
    SCREENSHOT_EVERY_S,
    Command,
    CommandError,
    TokenBucket,
    reply,
)

if TYPE_CHECKING:
    from kiosk.qt.controller import Show
    from kiosk.qt.identify import IdentifyOverlay

log = logging.getLogger(__name__)

MAX_PENDING = 16
SCREENSHOT_WIDTH = 1920
MAX_SCREENSHOT_BYTES = 8 << 20
Send = Callable[[str, bytes], None]  # (subtopic: "reply" or "screenshot", payload)


class Throttled:
    """One log line per ``every`` seconds for a kind of trouble, with a count of the rest."""

    def __init__(self, logger: logging.Logger, every: float = 60.0) -> None:
        self.logger, self.every = logger, every
        self._last: float | None = None
        self._skipped = 0
        self._lock = threading.Lock()

    def warning(self, message: str, *args: object) -> None:
        now = time.monotonic()
        with self._lock:
            if self._last is not None and now - self._last < self.every:
                self._skipped += 1
                return
            skipped, self._skipped, self._last = self._skipped, 0, now
        if skipped:
            message += f" ({skipped} more like it not logged)"
        self.logger.warning(message, *args)


def encode_png(image: QImage, width: int = SCREENSHOT_WIDTH,
               max_bytes: int = MAX_SCREENSHOT_BYTES) -> bytes:
    """``image`` as a PNG at most ``width`` px wide and ``max_bytes`` long (halved until it
    fits); raises ValueError if even a small one does not."""
    if image.width() > width:
        image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    for _ in range(4):
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
            raise ValueError("the picture could not be encoded as PNG")
        data = bytes(buffer.data().data())
        if len(data) <= max_bytes:
            return data
        image = image.scaledToWidth(max(1, image.width() // 2),
                                    Qt.TransformationMode.SmoothTransformation)
    raise ValueError(f"the PNG is larger than {max_bytes} bytes even at {image.width() * 2} px")


class RemoteControl(QObject):
    """Runs commands on ``show``; replies and screenshots go out through ``send``."""

    _received = Signal(object)

    def __init__(self, show: Show, screen_id: str, send: Send,
                 detail: Callable[[], str] = lambda: "",
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.clock = clock
        self.bucket = TokenBucket(COMMAND_RATE, COMMAND_BURST, clock)
        self._flooded = False  # in a burst over the bucket: its one busy reply has gone out
        self._shot_at: float | None = None
        self.flood = Throttled(log)
        self.show = show
        self.screen_id = screen_id
        self.send = send
        self.detail = detail
        self.errors = Throttled(log)
        self._pending = 0
        self._lock = threading.Lock()
        self._overlay: IdentifyOverlay | None = None
        self._shooting: Job[None] | None = None
        self._received.connect(self._on_received, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ any thread
    def submit(self, item: Command | CommandError) -> None:
        """From the network thread: run ``item`` on the UI thread (or reply with its error)."""
        if self._closed:  # the show is ending: its Qt objects may be gone already
            return
        if not self.bucket.take():
            with self._lock:
                first, self._flooded = not self._flooded, True
            if first:  # one reply per burst, not one per message of a flood
                self.flood.warning("MQTT commands: more than %d at once or %g a second; the "
                                   "rest of this burst is dropped with one busy reply",
                                   COMMAND_BURST, COMMAND_RATE)
                self.send("reply", reply(item.cmd if isinstance(item, CommandError)
                                         else item.name, False, BUSY, item.id))
            return
        with self._lock:
            self._flooded = False
        if isinstance(item, CommandError):
            self.refuse(item)
            return
        if item.name == "screenshot":
            now = self.clock()
            with self._lock:
                ago = None if self._shot_at is None else now - self._shot_at
                if ago is None or ago >= SCREENSHOT_EVERY_S:
                    self._shot_at, ago = now, None
            if ago is not None:
                self.refuse(CommandError(
                    f"a screenshot was taken {ago:.1f} s ago; at most one every "
                    f"{SCREENSHOT_EVERY_S:g} s: try again in {SCREENSHOT_EVERY_S - ago:.1f} s",
                    item.name, item.id))
                return
        with self._lock:
            busy = self._pending >= MAX_PENDING
            if not busy:
                self._pending += 1
        if busy:
            self.refuse(CommandError(f"busy: {MAX_PENDING} commands are waiting; try again",
                                     item.name, item.id))
            return
        try:
            self._received.emit(item)
        except RuntimeError:  # closed and deleted meanwhile: dropped, as at any close
            with self._lock:
                self._pending -= 1

    def refuse(self, error: CommandError) -> None:
        self.errors.warning("MQTT command refused: %s", error)
        self.send("reply", reply(error.cmd, False, str(error), error.id))

    # ------------------------------------------------------------------ UI thread
    def _on_received(self, command: Command) -> None:
        with self._lock:
            self._pending -= 1
        try:
            extra = self.execute(command)
        except CommandError as exc:
            self.refuse(exc)
            return
        except Exception as exc:  # a bug in one command must not end the show
            log.exception("MQTT command %r failed", command.name)
            self.send("reply", reply(command.name, False, f"failed: {type(exc).__name__}",
                                     command.id))
            return
        if extra is not None:  # the screenshot replies when it has been published
            self.send("reply", reply(command.name, True, None, command.id, **extra))

    def execute(self, command: Command) -> dict[str, Any] | None:
        """Do ``command``; the reply's extra fields, or None when the reply comes later.
        Raises :class:`CommandError` for one that cannot be done."""
        window = self.show.window
        name = command.name
        if name == "goto":
            count = len(window.deck.slides)
            assert command.slide is not None
            if not 1 <= command.slide <= count:
                raise CommandError(f"slide {command.slide} is out of range: this deck has slides "
                                   f"1–{count}", name, command.id)
        self.show.telemetry.interaction("command", window.index)
        if name == "next":
            window.go_next(reason="command")
        elif name == "prev":
            window.go_prev(reason="command")
        elif name == "goto":
            assert command.slide is not None
            window.go_to(command.slide - 1, reason="command")
        elif name == "pause":
            if not window.player.held:
                window.toggle_pause()
        elif name == "resume":
            if window.player.paused and not window.player.held:  # a visitor's pause: hold,
                window.toggle_pause()  # then play, which lifts any pause
            if window.player.held:
                window.toggle_pause()
        elif name == "reload":
            self.show.reload_now()
        elif name == "identify":
            self.identify()
        elif name == "screenshot":
            self.screenshot(command)
            return None
        return {"slide": window.index + 1, "paused": window.player.paused}

    def identify(self) -> IdentifyOverlay:
        from kiosk.qt.identify import IdentifyOverlay
        if self._overlay is None:
            self._overlay = IdentifyOverlay(self.show.window, self.screen_id)
        self._overlay.detail = self.detail()
        self._overlay.start()
        return self._overlay

    @property
    def overlay(self) -> IdentifyOverlay | None:
        return self._overlay

    def screenshot(self, command: Command) -> Job[None]:
        if self._shooting is not None and not self._shooting.done():
            raise CommandError("a screenshot is being taken; try again in a moment",
                               command.name, command.id)
        image = self.show.window.grab().toImage()  # the window's pixels, overlays included
        self._shooting = Job("kiosk-screenshot", self._publish_screenshot, image, command)
        return self._shooting

    def _publish_screenshot(self, image: QImage, command: Command) -> None:
        try:
            png = encode_png(image)
        except ValueError as exc:
            self.send("reply", reply(command.name, False, str(exc), command.id))
            return
        self.send("screenshot", png)
        shot = QImage.fromData(png, "PNG")  # type: ignore[arg-type]
        self.send("reply", reply(command.name, True, None, command.id, bytes=len(png),
                                 width=shot.width(), height=shot.height()))

    def wait_screenshot(self, timeout: float = 30) -> None:
        """Tests: until the screenshot being encoded has been sent."""
        if self._shooting is not None:
            self._shooting.wait(timeout)

    _closed = False

    def close(self) -> None:
        """UI thread. The C++ object is deleted by this thread's event loop, whoever drops the
        Python object last: an MQTT thread or a screenshot job may outlive the close, and a
        QObject destroyed on their thread can crash the process."""
        self._closed = True
        if self._overlay is not None:
            self._overlay.stop()
            self._overlay.deleteLater()
            self._overlay = None
        self.deleteLater()
