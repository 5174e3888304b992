"""A chart's points as the plot draws them: inline data, a feed's window made drawable, thinned
to what the screen can show, and one point per moment."""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.core.deck import DRAWABLE_LIMIT, Series


def inline(series: Series) -> tuple[list[Any], list[float]]:
    data = series.data or ()
    return [x for x, _ in data], [y for _, y in data]


def drawable(ax: Any, ay: Any) -> tuple[Any, Any]:
    """A feed's points (arrays) as the plot can draw them. A feed may deliver any finite
    float, 1e308 included, and pyqtgraph refuses an infinite axis range (#18 F): points that
    are not finite are skipped, the others clamped to the bound a deck's own values keep."""
    if not ax.size or (np.isfinite(ax).all() and np.isfinite(ay).all()
                       and max(np.abs(ax).max(), np.abs(ay).max()) < DRAWABLE_LIMIT):
        return ax, ay  # the usual case: nothing to change
    keep = np.isfinite(ax) & np.isfinite(ay)
    bound = np.nextafter(DRAWABLE_LIMIT, 0)
    return np.clip(ax[keep], -bound, bound), np.clip(ay[keep], -bound, bound)


def one_per_moment(ax: Any, ay: Any) -> tuple[Any, Any]:
    """The latest value of each run of points at the same x. Two readings stamped with one
    time (a source sampled twice in a tick, a file rewritten within its clock's resolution)
    drew a vertical stroke at the end of a live line (#13): a moment has one value."""
    if len(ax) < 2:
        return ax, ay
    keep = ax[1:] != ax[:-1]
    if keep.all():
        return ax, ay  # the usual case
    keep = np.r_[keep, True]
    return ax[keep], ay[keep]


def decimate(ax: Any, ay: Any, columns: int) -> tuple[Any, Any]:
    """At most two points per pixel column, in their order: the lowest and the highest of
    each, plus the series' first and last point. Under a pen several pixels wide, that line
    covers the pixels of the line through every point: its extremes and its ends stay. A
    100,000-point window drew 100,000 segments on the UI thread, 1-3 s per rewrite (#18 B).
    Points whose x goes back are grouped by position instead (runs of len/columns), which
    keeps their order."""
    n = len(ax)
    if n <= 2 * columns + 2:
        return ax, ay
    if bool(np.all(ax[1:] >= ax[:-1])):  # the usual case: time goes forward
        low, span = ax[0], (ax[-1] - ax[0]) or 1.0
        keys = np.minimum(((ax - low) * (columns / span)).astype(np.int64), columns - 1)
    else:
        keys = np.arange(n, dtype=np.int64) * columns // n
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    lowest = _first_per_run(ay == np.minimum.reduceat(ay, starts)[run], run)
    highest = _first_per_run(ay == np.maximum.reduceat(ay, starts)[run], run)
    keep = np.unique(np.concatenate([[0, n - 1], lowest, highest]))
    return ax[keep], ay[keep]


def _first_per_run(hits: Any, run: Any) -> Any:
    """The index of the first True in each run (every run has one)."""
    index = np.flatnonzero(hits)
    _, first = np.unique(run[index], return_index=True)
    return index[first]


def fmt(value: float, decimals: int | None = None) -> str:
    if abs(value) >= DRAWABLE_LIMIT / 10:  # no 16-digit labels across the plot (#18 F)
        return f"{value:.3g}"
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def minus(text: str) -> str:
    """A label's leading hyphen as the minus sign (U+2212), as typeset figures write it."""
    return "\u2212" + text[1:] if text.startswith("-") else text
