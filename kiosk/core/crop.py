"""Where a cover crop and its Ken Burns drift sit on a picture, so its subject stays in view.

Qt-free geometry (#13 §4). A picture already scaled to cover the frame (at least as wide and
as tall) shows the frame-sized window whose top-left corner is at an *offset* inside it. A
photo slide's ``focus`` is the subject's point, as fractions of the picture; the window is
placed so that point sits where the eye expects it (``ANCHOR``), inside the part of the frame
the caption band leaves free (``Keep``), and the drift is a short straight pan, at most about
a tenth of the frame, that ends on that framing and never loses the subject on the way.

Each axis is solved on its own: the offsets that keep the focus inside the free part of the
frame form an interval, the picture's edges another; the drift is a segment inside their
intersection (a box in 2D, so every point between the two ends is inside it too). When the
two intervals do not meet (a focus on the picture's very edge), the picture's edge wins: the
focus is then still in the frame, only nearer its border.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.numbers import ease_in_out

# Where the subject is placed, as fractions of the frame: centred across, a little above the
# middle, since the caption band covers the bottom of the frame.
ANCHOR = (0.5, 0.42)
# The drift's travel, as fractions of the frame's width and height (#13: "at most about 10%").
TRAVEL = (0.08, 0.04)


@dataclass(frozen=True)
class Keep:
    """The part of the frame the focus must stay in, as fractions of the frame."""

    left: float = 0.1
    top: float = 0.08
    right: float = 0.9
    bottom: float = 0.72  # where the caption band's gradient starts


@dataclass(frozen=True)
class Drift:
    """A straight pan from ``start`` to ``end`` (window offsets, in the picture's pixels)."""

    start: tuple[float, float]
    end: tuple[float, float]

    def at(self, t: float) -> tuple[float, float]:
        """The offset a fraction ``t`` (0..1) of the way, eased in and out."""
        e = ease_in_out(t)
        return (self.start[0] + (self.end[0] - self.start[0]) * e,
                self.start[1] + (self.end[1] - self.start[1]) * e)


def cover_scale(image: tuple[float, float], frame: tuple[float, float]) -> float:
    """The factor that makes ``image`` just cover ``frame`` (one side equal, one longer)."""
    return max(frame[0] / image[0], frame[1] / image[1])


def _allowed(length: float, frame: float, focus: float, keep: tuple[float, float]
             ) -> tuple[float, float]:
    """Offsets along one axis that keep the picture over the frame and, if possible, the
    focus (a position in the picture) between ``keep`` (fractions of the frame)."""
    spare = max(0.0, length - frame)
    lo = max(0.0, focus - keep[1] * frame)
    hi = min(spare, focus - keep[0] * frame)
    if lo <= hi:
        return lo, hi
    # the focus is too near the picture's edge to reach the kept part: the edge wins
    edge = 0.0 if focus - keep[0] * frame < 0 else spare
    return edge, edge


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, value))


def _axis(length: float, frame: float, focus: float, keep: tuple[float, float],
          anchor: float, travel: float, forward: bool) -> tuple[float, float]:
    """(start, end) offsets along one axis: end at the anchored framing, start ``travel``
    before it (or after it, when that side has no room), both inside the allowed interval."""
    lo, hi = _allowed(length, frame, focus, keep)
    end = _clamp(focus - anchor * frame, lo, hi)
    step = min(travel, hi - lo)
    start = end - step if forward else end + step
    if not lo <= start <= hi:  # no room on that side: come from the other one
        start = end + step if forward else end - step
    return _clamp(start, lo, hi), end


def drift(image: tuple[float, float], frame: tuple[float, float],
          focus: tuple[float, float], way: int = 0, keep: Keep | None = None,
          anchor: tuple[float, float] = ANCHOR,
          travel: tuple[float, float] = TRAVEL) -> Drift:
    """The pan of a ``frame``-sized window over ``image`` (already scaled to cover it).

    ``focus`` is the subject as fractions of the picture; ``way`` (0-3) picks the direction
    the pan comes from, so successive photos do not all move alike. ``travel`` is the most
    the window moves, as fractions of the frame; ``travel=(0, 0)`` gives the still crop, the
    same framing the drift ends on.
    """
    keep = keep or Keep()
    (iw, ih), (fw, fh) = image, frame
    x0, x1 = _axis(iw, fw, focus[0] * iw, (keep.left, keep.right), anchor[0],
                   travel[0] * fw, forward=way in (0, 2))
    y0, y1 = _axis(ih, fh, focus[1] * ih, (keep.top, keep.bottom), anchor[1],
                   travel[1] * fh, forward=way in (0, 1))
    return Drift((x0, y0), (x1, y1))


def crop(image: tuple[float, float], frame: tuple[float, float],
         focus: tuple[float, float], keep: Keep | None = None,
         anchor: tuple[float, float] = ANCHOR) -> tuple[float, float]:
    """The still cover crop's offset: where the drift would end, without the drift."""
    return drift(image, frame, focus, keep=keep, anchor=anchor, travel=(0.0, 0.0)).end


def focus_in_frame(image: tuple[float, float], focus: tuple[float, float],
                   offset: tuple[float, float]) -> tuple[float, float]:
    """Where the focus lands in the frame, in frame pixels, for a window at ``offset``."""
    return focus[0] * image[0] - offset[0], focus[1] * image[1] - offset[1]
