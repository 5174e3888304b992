"""One feed's state: last good data, staleness, failures and when to try again."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

from kiosk.core.deck import MQTT_DEFAULT_STALE_S, FileSource, HttpSource, MqttSource, SimSource
from kiosk.core.feeds.parse import Point

FeedState = Literal["ok", "stale", "error"]
Spec = HttpSource | FileSource | SimSource | MqttSource
BACKOFF_CAP_S = 60.0
FILE_POLL_S = 0.5  # a rewritten file reaches the screen within about a second


def default_stale_after(spec: Spec) -> float:
    """When the deck sets no ``stale_after``: three missed refreshes, at least 10 s; an mqtt
    feed, which is pushed and has no refresh, 5 minutes without a message."""
    if spec.stale_after is not None:
        return spec.stale_after
    if isinstance(spec, MqttSource):
        return MQTT_DEFAULT_STALE_S
    return max(10.0, 3 * spec.refresh)


@dataclass(frozen=True)
class Reading:
    """What a fetch produced: a scalar or a series, and when the data is from (epoch s)."""

    value: float | list[Point]
    updated: float


class Feed:
    """Last good value, bounded series, failure count and backoff for one named source."""

    def __init__(self, name: str, spec: Spec, now: float, seed: int | None = None) -> None:
        self.name = name
        self.spec = spec
        self.points: deque[Point] = deque(maxlen=spec.window)
        self.updated: float | None = None  # wall time of the newest data
        self.error: str | None = None
        self.failures = 0
        self.next_due = now
        self.in_flight = False
        self.stamp: Any = None  # file feeds: (mtime, size, inode) of the last read
        self.version = 0  # bumps on every new reading (views compare it)
        self._restored = False  # points came from the offline cache
        self._rng = random.Random(seed if seed is not None else hash(name))

    # ------------------------------------------------------------------ data
    @property
    def value(self) -> float | None:
        return self.points[-1][1] if self.points else None

    @property
    def has_data(self) -> bool:
        return bool(self.points)

    def accept(self, reading: Reading, now: float) -> None:
        """A good fetch: keep its data, forget the failures, schedule the next one."""
        if isinstance(reading.value, list):
            self.points.clear()
            self.points.extend(reading.value[-self.spec.window:])
        else:
            if self._restored and self.points and (
                    reading.updated - self.points[-1][0] > max(60.0, 10 * self.interval())):
                # cached history from long ago: a line across the gap would invent data
                self.points.clear()
            self.points.append((reading.updated, reading.value))
        self._restored = False
        self.updated = reading.updated
        self.error = None
        self.failures = 0
        self.version += 1
        self.next_due = now + self.interval()

    def unchanged(self, now: float) -> None:
        """A file that did not change, an mqtt feed subscribed again: no failure now."""
        self.error = None
        self.failures = 0
        self.next_due = now + self.interval()

    def fail(self, error: str, now: float) -> None:
        """A failed fetch: keep the last good data, back off exponentially with jitter."""
        self.error = error
        self.failures += 1
        self.next_due = now + self.backoff()

    def restore(self, points: list[Point], updated: float) -> None:
        """Data from the offline cache: shown (marked stale) until fresh data arrives."""
        self.points.extend(points[-self.spec.window:])
        self.updated = updated
        self.version += 1
        self._restored = True

    # ------------------------------------------------------------------ timing
    def interval(self) -> float:
        if isinstance(self.spec, MqttSource):  # pushed: a third of stale_after between values
            return default_stale_after(self.spec) / 3
        if isinstance(self.spec, FileSource):
            return min(self.spec.refresh, FILE_POLL_S)
        return self.spec.refresh

    def backoff(self) -> float:
        """refresh x 2^(failures-1), capped, times a random 0.5-1.0 (jitter)."""
        growth = float(2 ** min(self.failures - 1, 16))
        refresh = self.interval() if isinstance(self.spec, MqttSource) else self.spec.refresh
        base = min(max(BACKOFF_CAP_S, refresh), refresh * growth)
        return base * (0.5 + 0.5 * self._rng.random())

    # ------------------------------------------------------------------ state
    def age(self, wall: float) -> float | None:
        return None if self.updated is None else max(0.0, wall - self.updated)

    def stale(self, wall: float) -> bool:
        """Past ``stale_after`` (or no data at all): the slide shows a badge."""
        age = self.age(wall)
        return age is None or age > default_stale_after(self.spec)

    def state(self, wall: float) -> FeedState:
        if self.failures and not self.has_data:
            return "error"
        if self.failures:
            return "error" if not self.stale(wall) else "stale"
        return "stale" if self.stale(wall) else "ok"
