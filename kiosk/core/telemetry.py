"""What the show does, told to whoever listens: the events log, /metrics, MQTT (#15, #16).

The window and the show call :class:`Telemetry` on the UI thread; it hands each event to every
:class:`Listener`. A listener must return at once (put a line on a queue, add to a counter,
hand a message to a network thread). One that raises is logged once and kept: a broken
metrics exporter must not end the show, nor flood its log at 60 frames a second.

The events, with what each carries:

- ``slide``: a slide change starts (``index``: the deck's 0-based slide; ``reason``: ``auto``,
  ``user``, ``resume``, ``command`` or ``deck``, a new deck taking over);
- ``interaction``: a visitor or an operator did something (``kind``: ``tap``, ``swipe``,
  ``overview``, ``language``, ``pause``, ``control``, ``keypad``, ``command``; ``index``: the
  slide on screen then);
- ``visit``: a visitor's session starts (``active`` true: the first touch after auto-play ran)
  or ends (false: auto-play resumes after ``idle_resume`` without a touch);
- ``frame``: a frame was painted (``seconds``: how long the paint took);
- ``reload``: a new deck was loaded, or refused (``result``: ``ok`` or ``error``).

Nothing personal is recorded: no positions on the glass, no times finer than milliseconds, no
identifiers of a visitor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
INTERACTION_KINDS = ("tap", "swipe", "overview", "language", "pause", "control", "keypad",
                     "command")
SLIDE_REASONS = ("auto", "user", "resume", "command", "deck")


class Listener:
    """Override what you need; every method must return at once."""

    def slide(self, t: float, index: int, reason: str) -> None:
        pass

    def interaction(self, t: float, kind: str, index: int) -> None:
        pass

    def visit(self, t: float, active: bool) -> None:
        pass

    def frame(self, seconds: float) -> None:
        pass

    def reload(self, result: str) -> None:
        pass

    def close(self) -> None:
        pass


class Telemetry:
    """Fans each event out to the listeners, guarding the show against their failures."""

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self.wall = wall
        self.listeners: list[Listener] = []
        self._failed: set[tuple[int, str]] = set()  # (listener, method) already logged

    def add(self, listener: Listener) -> Listener:
        self.listeners.append(listener)
        return listener

    def slide(self, index: int, reason: str, t: float | None = None) -> None:
        when = self.wall() if t is None else t
        for listener in self.listeners:
            self._call(listener, "slide", when, index, reason)

    def interaction(self, kind: str, index: int, t: float | None = None) -> None:
        when = self.wall() if t is None else t
        for listener in self.listeners:
            self._call(listener, "interaction", when, kind, index)

    def visit(self, active: bool, t: float | None = None) -> None:
        when = self.wall() if t is None else t
        for listener in self.listeners:
            self._call(listener, "visit", when, active)

    def frame(self, seconds: float) -> None:
        for listener in self.listeners:
            self._call(listener, "frame", seconds)

    def reload(self, result: str) -> None:
        for listener in self.listeners:
            self._call(listener, "reload", result)

    def close(self) -> None:
        for listener in self.listeners:
            self._call(listener, "close")
        self.listeners = []

    def _call(self, listener: Listener, method: str, *args: object) -> None:
        try:
            getattr(listener, method)(*args)
        except Exception:
            key = (id(listener), method)
            if key not in self._failed:
                self._failed.add(key)
                log.exception("%s.%s failed (logged once; the show goes on)",
                              type(listener).__name__, method)
