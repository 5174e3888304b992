"""Touch, mouse and keys for the show window: gestures, controls, overview, PIN, lockdown.

Real ``QTouchEvent`` s are handled (many kiosk screens deliver touch), and plain mouse drags
do the same (many touch screens reach X11 as a mouse). Mouse events that Qt synthesises from
touch are ignored, so one finger is one gesture.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QTouchEvent

from kiosk.core.deck import Deck
from kiosk.core.feeds import FeedHub
from kiosk.core.gestures import LONG_PRESS_S, Track, classify
from kiosk.core.pinguard import PinGuard
from kiosk.core.player import Player
from kiosk.core.telemetry import Telemetry
from kiosk.qt.overlays import CORNER, KEYS, Controls, Hit, Overview, PinPad
from kiosk.qt.stage import Stage

log = logging.getLogger(__name__)
CONTROLS_S = 5.0
CORNER_TAPS, CORNER_WINDOW_S = 5, 3.0
SWIPE_S = 0.35


class Host(Protocol):
    """What interaction needs of the window (ShowWindow): named here, so that this module
    does not import the window that imports it."""

    clock: Callable[[], float]
    deck: Deck
    feeds: FeedHub | None
    player: Player
    stage: Stage
    standby: tuple[str, int, float] | None
    kiosk_mode: bool
    telemetry: Telemetry
    visiting: bool

    @property
    def index(self) -> int: ...
    def elapsed(self) -> float: ...
    def width(self) -> int: ...
    def height(self) -> int: ...
    def update(self) -> None: ...
    def schedule(self) -> None: ...
    def go_next(self, kind: str | None = None, already: float = 0.0) -> None: ...
    def go_prev(self, kind: str | None = None, already: float = 0.0) -> None: ...
    def go_to(self, index: int) -> None: ...
    def pause_button(self) -> None: ...
    def toggle_language(self) -> None: ...
    def request_exit(self, how: str) -> None: ...
    def exit_now(self, operator: bool = False) -> None: ...


class Interaction:
    """Owned by the window; keeps the gesture and overlay state, and acts through it."""

    def __init__(self, window: Host, owner: QObject) -> None:
        self.w = window
        self.track: Track | None = None
        self.drag_dx = 0.0
        self.neighbour: tuple[int, QImage] | None = None
        self.controls_until = -1.0
        self.overview: Overview | None = None
        self.thumbs: dict[int, QImage] = {}
        self.pinpad: PinPad | None = None
        self.pin_guard = PinGuard()  # outlives each keypad: closing it does not reset a lockout
        self.corner_taps: list[float] = []
        self.last_input = -1e9
        self.long_press = QTimer(owner)
        self.long_press.setSingleShot(True)
        self.long_press.timeout.connect(self._check_long_press)

    # ------------------------------------------------------------------ events in
    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            assert isinstance(event, QTouchEvent)
            points = event.points()
            if points:
                pos = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self.press(pos)
                elif kind == QEvent.Type.TouchUpdate:
                    self.move(pos)
                elif kind == QEvent.Type.TouchEnd:
                    self.release(pos)
                else:
                    self.cancel()
            event.accept()
            return True
        return False

    @staticmethod
    def from_touch(event: QMouseEvent) -> bool:
        return event.source() != Qt.MouseEventSource.MouseEventNotSynthesized

    def mouse(self, event: QMouseEvent, kind: str) -> None:
        if self.from_touch(event) or event.button() not in (Qt.MouseButton.LeftButton,
                                                            Qt.MouseButton.NoButton):
            return
        pos = event.position()
        if kind == "press":
            self.press(pos)
        elif kind == "move" and self.track is not None:
            self.move(pos)
        elif kind == "release" and self.track is not None:
            self.release(pos)

    # ------------------------------------------------------------------ gestures
    def canvas_point(self, pos: QPointF) -> QPointF:
        return self.w.stage.to_canvas(pos)

    def _touched(self) -> float:
        now = self.w.clock()
        self.last_input = now
        self.w.player.interact(now)  # any interaction pauses auto-play until idle_resume
        if not self.w.visiting:  # a visitor's session starts (#16 analytics)
            self.w.visiting = True
            self.w.telemetry.visit(True)
        return now

    def _record(self, kind: str) -> None:
        """What the visitor did, on which slide: for the events log and /metrics (#16)."""
        self.w.telemetry.interaction(kind, self.w.index)

    def press(self, pos: QPointF) -> None:
        now = self._touched()
        canvas = self.w.stage.canvas
        self.track = Track(canvas.width(), canvas.height())
        point = self.canvas_point(pos)
        self.track.add(now, point.x(), point.y())
        self.long_press.start(round(LONG_PRESS_S * 1000) + 20)
        if not (self.overview or self.pinpad or self.w.standby):
            # a swipe back needs the previous slide, whose buffers were freed: decode now
            self.w.stage.warm(self._neighbour_index(-1))
        self.w.schedule()

    def move(self, pos: QPointF) -> None:
        if self.track is None:
            return
        point = self.canvas_point(pos)
        self.track.add(self.w.clock(), point.x(), point.y())
        if self.overview or self.pinpad or self.w.standby:
            return
        dx = self.track.follow()
        if dx and self.neighbour is None:  # render the slide that will come in, once
            upcoming = self._neighbour_index(1 if dx < 0 else -1)  # left drag: next
            self.neighbour = (upcoming, self.w.stage.render(upcoming, 0.0))
        self.drag_dx = dx * self.w.stage.scale
        self.w.update()

    def release(self, pos: QPointF) -> None:
        if self.track is None:
            return
        self.move(pos)
        track, self.track = self.track, None
        self.long_press.stop()
        now = self._touched()
        kind = classify(track, now)
        point = QPointF(track.points[-1][1], track.points[-1][2])
        dragged, self.drag_dx, self.neighbour = self.drag_dx, 0.0, None
        if self.pinpad is not None:
            if kind == "tap":
                self._record("keypad")
                self._pin_tap(self.pinpad.hit(point))
        elif self.overview is not None:
            if kind == "tap":
                self._record("tap")
                self._overview_tap(self.overview.hit(point))
            elif kind in ("swipe_left", "swipe_right"):
                self._record("swipe")
                self.overview.turn(1 if kind == "swipe_left" else -1)
                self._render_thumbs()
        elif self.w.standby:
            self._record("tap")  # the screen is asleep; a touch only counts as interaction
        elif kind == "swipe_left":
            self._record("swipe")
            self.w.go_next(kind="slide", already=abs(dragged))
        elif kind == "swipe_right":
            self._record("swipe")
            self.w.go_prev(kind="slide", already=abs(dragged))
        elif kind == "tap":
            self._tap(point, now)
        elif kind == "long_press" and self.overview is None:
            self.open_overview()
        self.w.schedule()
        self.w.update()

    def cancel(self) -> None:
        self.track = None
        self.drag_dx, self.neighbour = 0.0, None
        self.long_press.stop()
        self.w.update()

    def _check_long_press(self) -> None:
        track = self.track
        if track is not None and track.held(self.w.clock()) and not (self.overview or self.pinpad):
            self.track = None  # the gesture is used up: lifting the finger does nothing more
            self.open_overview()

    def _neighbour_index(self, step: int) -> int:
        order = self.w.player.order
        position = self.w.player.position
        return order[(position + step) % len(order)]

    # ------------------------------------------------------------------ taps
    def _tap(self, point: QPointF, now: float) -> None:
        # with no PIN to ask, five taps would end the show (and its supervisor): a locked
        # show leaves the exit to the operator's key chord (#18 D)
        corner_exits = bool(self.w.deck.exit_pin) or not self.w.kiosk_mode
        if corner_exits and point.x() < CORNER and point.y() < CORNER:
            self.corner_taps = [t for t in self.corner_taps if now - t <= CORNER_WINDOW_S]
            self.corner_taps.append(now)
            if len(self.corner_taps) >= CORNER_TAPS:
                self.corner_taps.clear()
                self.w.request_exit("five taps in the corner")
                return
        if self.controls_visible(now):
            hit = self.controls().hit(point)
            if hit is not None:
                self._control(hit)
                self.controls_until = now + CONTROLS_S
                return
        self._record("tap")  # a tap on the slide: it shows the controls
        self.controls_until = now + CONTROLS_S

    def controls(self) -> Controls:
        return Controls(self.w.deck, self.w.stage.canvas)

    def controls_visible(self, now: float) -> bool:
        return now < self.controls_until

    def _control(self, hit: Hit) -> None:
        if hit.action != "overview":  # opening the overview records itself
            self._record({"pause": "pause", "language": "language"}.get(hit.action, "control"))
        if hit.action == "prev":
            self.w.go_prev()
        elif hit.action == "next":
            self.w.go_next()
        elif hit.action == "pause":
            self.w.pause_button()
        elif hit.action == "overview":
            self.open_overview()
        elif hit.action == "language":
            self.w.toggle_language()

    # ------------------------------------------------------------------ overview
    def open_overview(self) -> None:
        self.overview = Overview(self.w.player.order, self.w.stage.canvas, self.w.index,
                                 self.w.stage.lang, self.w.deck)
        self.controls_until = -1.0
        self._render_thumbs()
        self._record("overview")
        log.info("overview opened")
        self.w.schedule()
        self.w.update()

    def close_overview(self) -> None:
        self.overview = None
        self.thumbs.clear()  # thumbnails are rendered per opening: no cache grows
        self.w.update()

    def _render_thumbs(self) -> None:
        """Render this page's thumbnails with a small stage of their own."""
        assert self.overview is not None
        size = self.overview.thumb_size(self.w.stage.scale)
        stage = Stage(self.w.deck, QSize(size), lang=self.w.stage.lang, animations=False,
                      feeds=self.w.feeds)
        try:
            self.thumbs = {index: stage.render(index, 1e6)
                           for index, _ in self.overview.visible()}
        finally:
            stage.close()

    def _overview_tap(self, hit: Hit) -> None:
        assert self.overview is not None
        if hit.action == "goto":
            self.close_overview()
            self.w.go_to(hit.value)
        elif hit.action == "page":
            self.overview.turn(hit.value)
            self._render_thumbs()
        elif hit.action == "close":
            self.close_overview()

    # ------------------------------------------------------------------ exit with PIN
    def open_pinpad(self) -> None:
        self.pinpad = PinPad(self.w.stage.canvas, self.w.stage.lang, self.w.deck)
        self.w.schedule()  # it closes after idle_resume, even in standby
        self.w.update()

    def _pin_tap(self, hit: Hit) -> None:
        assert self.pinpad is not None
        if hit.action == "cancel":
            self.pinpad = None
        elif hit.action == "key":
            self.pin_key(KEYS[hit.value])

    def pin_key(self, key: str) -> None:
        assert self.pinpad is not None
        now = self.w.clock()
        if self.pin_guard.locked(now):
            self.pinpad.entered = ""  # keys take nothing while locked
            return
        entered = self.pinpad.press(key)
        if entered is None:
            return
        right = self.pin_guard.check(entered, self.w.deck.exit_pin or "", now)
        if right:
            log.warning("exit confirmed with the PIN")
            self.pinpad = None
            self.w.exit_now(operator=True)
        else:
            log.warning("exit refused: wrong PIN")
            if not self.pin_guard.locked(now):
                self.pinpad = None  # a wrong PIN returns to the show; a lockout stays shown

    # ------------------------------------------------------------------ keys
    def key(self, event: QKeyEvent) -> bool:
        """Keys that overlays and lockdown take; False lets the window navigate."""
        self._touched()
        chord = QKeySequence(self.w.deck.exit_chord)
        if QKeySequence(event.keyCombination()) == chord:
            self.w.request_exit(f"key chord {self.w.deck.exit_chord}")
            return True
        key = event.key()
        if self.pinpad is not None:
            text = event.text()
            if text.isdigit():
                self.pin_key(text)
            elif key == Qt.Key.Key_Backspace:
                self.pin_key("⌫")
            elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.pin_key("OK")
            elif key == Qt.Key.Key_Escape:
                self.pinpad = None
            self.w.schedule()
            self.w.update()
            return True
        if key == Qt.Key.Key_O:
            if self.overview is None:
                self.open_overview()
            else:
                self.close_overview()
            return True
        if key == Qt.Key.Key_Escape:
            if self.overview is not None:
                self.close_overview()
            elif self.w.kiosk_mode:
                log.info("Esc ignored: the show is locked (exit chord: %s)",
                         self.w.deck.exit_chord)
            else:
                self.w.exit_now(operator=True)  # a window, not a kiosk
            return True
        return False

    # ------------------------------------------------------------------ time and paint
    def idle(self, now: float) -> None:
        """After idle_resume without input, the overview and the PIN keypad close (a keypad
        left open would hide the show for good, #18 D); the controls fade by time."""
        if now - self.last_input < self.w.deck.idle_resume:
            return
        if self.overview is not None:
            self.close_overview()
        if self.pinpad is not None:
            log.info("PIN keypad closed after %g s without input", self.w.deck.idle_resume)
            self.pinpad = None
            self.w.update()

    def deadline(self, now: float) -> float | None:
        """When :meth:`idle` next has something to do (also while the player is held, as
        in standby), or the locked keypad's countdown shows the next second."""
        if self.overview is None and self.pinpad is None:
            return None
        due = self.last_input + self.w.deck.idle_resume
        wait = self.pin_guard.remaining(now) if self.pinpad is not None else 0.0
        if wait > 0:
            due = min(due, now + (wait % 1.0 or 1.0))
        return due

    def busy(self, now: float) -> bool:
        """Something on screen moves or waits for the next frame (controls fading out)."""
        return self.track is not None or self.controls_visible(now)

    def paint(self, p: QPainter, now: float) -> None:
        p.save()
        p.setTransform(self.w.stage.transform(), True)
        if self.controls_visible(now) and self.overview is None and self.pinpad is None:
            remaining = self.controls_until - now
            self.controls().paint(p, self.w.player.pause_shown, self.w.stage.lang,
                                  opacity=min(1.0, remaining / 0.5))  # fades out
        if self.overview is not None:
            self.overview.paint(p, self.thumbs, self.w.index)
        if self.pinpad is not None:
            self.pinpad.paint(p, self.pin_guard.remaining(now))
        p.restore()

    def paint_drag(self, p: QPainter) -> bool:
        """While a finger drags, the slide follows it and its neighbour slides in."""
        if not self.drag_dx or self.neighbour is None:
            return False
        w, h = self.w.width(), self.w.height()
        p.save()
        p.translate(self.drag_dx, 0)
        self.w.stage.paint(p, self.w.index, self.w.elapsed())
        p.restore()
        side = w if self.drag_dx < 0 else -w
        p.drawImage(QRectF(self.drag_dx + side, 0, w, h), self.neighbour[1])
        return True
