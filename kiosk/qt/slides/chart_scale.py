"""A chart's value axis in the FT manner (#13 §3): a few round major ticks, no minor ones,
and both ends of the axis on a labelled tick, with room left for the value labels.

Plain arithmetic (no Qt), so it is tested on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NICE = (1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class Scale:
    """The axis runs from ``low`` to ``high``; ``ticks`` are the labelled gridlines."""

    low: float
    high: float
    ticks: tuple[float, ...]


def nice_step(span: float, target: int) -> float:
    """The round step (1, 2, 2.5 or 5 times a power of ten) giving about ``target`` steps."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / max(1, target)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for m in NICE:
        if m * magnitude >= raw * (1 - 1e-9):
            return m * magnitude
    return 10 * magnitude


def _multiple(value: float, step: float) -> bool:
    q = value / step
    return abs(q - round(q)) < 1e-6


def _even_step(low: float, high: float, target: int) -> float | None:
    """A round step that starts at ``low`` and lands on ``high`` (both labelled), with 3 to 8
    steps, the count nearest ``target``; None when there is none."""
    span = high - low
    best: tuple[float, float] | None = None
    magnitude = 10.0 ** math.floor(math.log10(span))
    for power in (magnitude / 10, magnitude, magnitude * 10):
        for m in NICE[:-1]:
            step = m * power
            count = span / step
            if 2 <= round(count) <= 8 and _multiple(span, step) and _multiple(low, step):
                score = abs(round(count) - target)
                if best is None or score < best[0]:
                    best = (score, step)
    return best[1] if best else None


def value_scale(data_low: float, data_high: float, *, fixed_low: float | None = None,
                fixed_high: float | None = None, target: int = 5) -> Scale:
    """The axis for values between ``data_low`` and ``data_high``: ends on round ticks
    (or on the deck's ``y_min``/``y_max``, which are then labelled too)."""
    if not (math.isfinite(data_low) and math.isfinite(data_high)):
        data_low, data_high = 0.0, 1.0
    if data_high < data_low:
        data_low, data_high = data_high, data_low
    if data_high == data_low:
        data_high = data_low + (abs(data_low) or 1.0)
    low_guess = fixed_low if fixed_low is not None else data_low
    high_guess = fixed_high if fixed_high is not None else data_high
    if high_guess <= low_guess:
        high_guess = low_guess + (abs(low_guess) or 1.0)
    step = nice_step(high_guess - low_guess, target)
    low = fixed_low if fixed_low is not None else math.floor(data_low / step + 1e-9) * step
    high = fixed_high if fixed_high is not None else math.ceil(data_high / step - 1e-9) * step
    if high <= low:
        high = low + step
    if fixed_low is not None and fixed_high is not None:
        even = _even_step(low, high, target)
        if even is not None:
            step = even
    ticks = [low]
    k = math.floor(low / step) + 1
    while k * step < high - step * 1e-6:
        value = k * step
        if value - ticks[-1] > step * 0.5 and high - value > step * 0.5:
            ticks.append(value)
        k += 1
    ticks.append(high)
    return Scale(low, high, tuple(_clean(t) for t in ticks))


def _clean(value: float) -> float:
    """0.30000000000000004 as 0.3: ticks are labelled with their value."""
    return float(f"{value:.12g}")


def headroom(data_high: float, low: float, fraction: float) -> float:
    """The smallest axis end above ``data_high`` that leaves ``fraction`` of the axis free
    above it (for the value label over the tallest bar)."""
    fraction = min(max(fraction, 0.0), 0.8)
    return (data_high - fraction * low) / (1 - fraction)
