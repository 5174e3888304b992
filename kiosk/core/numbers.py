"""Number formatting the Chinese way, and the easing curves of on-screen motion. Qt-free."""

from __future__ import annotations

import math

YI = 100_000_000  # 亿
WAN = 10_000  # 万


def magnitude(value: float, unit: str = "") -> tuple[float, str]:
    """The divisor and suffix for ``value``: 亿 from 1e8, 万 from 1e4, none below.

    A unit that already carries a magnitude (亿元, 万平方米) keeps the number as written, and
    so does a percentage (12345.6% is not 1.23万%).
    """
    if unit[:1] in ("亿", "万") or unit.strip() in ("%", "‰", "％"):
        return 1.0, ""
    size = abs(value)
    if size >= YI:
        return float(YI), "亿"
    if size >= WAN:
        return float(WAN), "万"
    return 1.0, ""


def format_number(value: float, decimals: int, scale: tuple[float, str] = (1.0, "")) -> str:
    """``92.64`` with 2 decimals -> ``"92.64"``; 432_0000 with scale 万 -> ``"432万"``.

    No thousands separators (the Chinese way groups by 万 and 亿 instead). When a scale
    applies, up to 2 decimals are shown and trailing zeros dropped.
    """
    if not math.isfinite(value):
        return "—"
    divisor, suffix = scale
    if divisor != 1.0:
        text = f"{value / divisor:.2f}".rstrip("0").rstrip(".")
        return text + suffix
    text = f"{value:.{max(0, decimals)}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # -0.00


def ease_out_cubic(t: float) -> float:
    t = min(1.0, max(0.0, t))
    return 1 - (1 - t) ** 3


def ease_in_out(t: float) -> float:
    t = min(1.0, max(0.0, t))
    return t * t * (3 - 2 * t)


def count_up(final: float, elapsed: float, duration: float) -> float:
    """The value shown ``elapsed`` seconds into a count-up from 0 to ``final``."""
    if duration <= 0 or elapsed >= duration:
        return final
    return final * ease_out_cubic(elapsed / duration)
