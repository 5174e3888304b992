"""Python's cyclic garbage collected on the UI thread only.

A collection destroys whatever cyclic garbage there is on the thread that runs it. A cycle
that holds Qt objects (a replaced deck's views, a window and its timers, a QObject and the
callbacks that point back at it) must die on the UI thread: destroyed elsewhere, a QObject's
timers cannot be stopped, and the next one to fire is delivered to freed memory. CI crashed
exactly so (QTimerInfoList::activateTimers -> QApplication::notify, under gdb): the stage's
decode thread called ``gc.collect()`` after deriving the zh-Hant texts and destroyed an older
show's window there. That call is gone (tests/test_collector.py keeps every other module from
calling it), and CPython's own automatic collection, which runs in whichever thread allocates
past a threshold (a feed's worker, paho's network thread), is the same hazard.

So automatic collection is switched off and a timer on the UI thread does it instead, with
CPython's own thresholds (the pattern calibre has used for years): every second, a generation
whose count is over its threshold is collected, here. Memory stays bounded by what the
process allocates in a second; a UI thread stalled for longer is the supervisor's business.

A full collection walks every object (80,000 with pyqtgraph loaded: tens of ms on a small
machine, a visible hitch in a transition). CPython skips most of the ones its counters ask for
(until the objects new since the last one are a quarter of the rest), which Python does not
expose; here a full one runs every :data:`FULL_EVERY_S` (while anything is due at all), the
younger generations otherwise. Cyclic garbage old enough to be in the oldest generation waits
that long.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

INTERVAL_MS = 1000
FULL_EVERY_S = 600.0


class UiThreadCollector(QObject):
    """Owns the collection while it lives; :meth:`stop` ends it."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS,
                 thresholds: tuple[int, int, int] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.thresholds = thresholds or gc.get_threshold()
        self.clock = clock
        self.collections = [0, 0, 0]  # tests: how many of each generation ran here
        self._full_at = clock()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Collect the generations CPython would have collected by now (UI thread)."""
        counts = gc.get_count()
        generation = -1
        for g in range(3):  # a generation is collected when its count passes its threshold
            if counts[g] > self.thresholds[g]:
                generation = g
            else:
                break
        if generation < 0:
            return
        now = self.clock()
        if now - self._full_at >= FULL_EVERY_S:
            # at least this often, whatever the counters say: Python 3.14's incremental
            # collector counts differently, and old cycles must not wait for weeks
            generation = 2
            self._full_at = now
        elif generation == 2:
            generation = 1
        gc.collect(generation)
        self.collections[generation] += 1

    def stop(self, restore: bool = True) -> None:
        """Collect what is left, here; ``restore``: give the collection back to CPython (tests;
        ``kiosk run`` keeps it off to the end: worker threads may still run at its exit)."""
        self.timer.stop()
        gc.collect()
        if restore and self._was_enabled:
            gc.enable()


def install(parent: QObject) -> UiThreadCollector:
    """Collect on the UI thread from now on (``parent``: the QApplication)."""
    collector = UiThreadCollector(parent)
    log.debug("cyclic garbage is collected on the UI thread, every %d ms", INTERVAL_MS)
    return collector
