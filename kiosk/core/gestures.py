"""Classify a touch (or mouse) track into swipe, tap or long-press. Qt-free, time passed in.

Thresholds follow phones and reveal.js: a swipe must travel about 6% of the screen width
along its dominant axis; a tap barely moves and is short; holding still for 0.6 s is a
long-press. One gesture, one action.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

SWIPE_FRACTION = 0.06  # of the screen width
SLOP_FRACTION = 0.02  # movement still counted as "not moving" (fingers wobble)
LONG_PRESS_S = 0.6

Kind = Literal["swipe_left", "swipe_right", "tap", "long_press", "none"]


@dataclass
class Track:
    """The points of one finger (or mouse button) from press to release."""

    width: float
    height: float
    points: list[tuple[float, float, float]] = field(default_factory=list)  # (t, x, y)

    def add(self, t: float, x: float, y: float) -> None:
        self.points.append((t, x, y))

    @property
    def start(self) -> tuple[float, float, float]:
        return self.points[0]

    def delta(self) -> tuple[float, float]:
        (_, x0, y0), (_, x1, y1) = self.points[0], self.points[-1]
        return x1 - x0, y1 - y0

    def travelled(self) -> float:
        """The farthest the finger got from where it started."""
        _, x0, y0 = self.points[0]
        return max(float(math.hypot(x - x0, y - y0)) for _, x, y in self.points)

    def still(self) -> bool:
        return self.travelled() <= SLOP_FRACTION * self.width

    def held(self, now: float) -> bool:
        """Still for long enough to be a long-press (checked while the finger is down)."""
        return self.still() and now - self.start[0] >= LONG_PRESS_S

    def follow(self) -> float:
        """Horizontal offset for the slide to follow the finger (0 for vertical drags)."""
        dx, dy = self.delta()
        return dx if abs(dx) > abs(dy) and not self.still() else 0.0


def classify(track: Track, released_at: float) -> Kind:
    """What the whole track meant, decided when the finger lifts."""
    if not track.points:
        return "none"
    if track.still():
        return "long_press" if released_at - track.start[0] >= LONG_PRESS_S else "tap"
    dx, dy = track.delta()
    if abs(dx) <= abs(dy) or abs(dx) < SWIPE_FRACTION * track.width:
        return "none"  # vertical, or too short: the slide snaps back
    return "swipe_left" if dx < 0 else "swipe_right"
