"""The offline cache: each feed's last good data, kept across restarts.

The show wrote the file, but a disk, an editor or another program may have changed it
since: it is read like any input (#18 C): a regular file of bounded size, and a strict
shape (finite numbers, a plausible time, a list of (x, y) pairs). Anything else is
reported in one sentence and the cache is ignored; it never stops a start.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

from kiosk.core.feeds.parse import Point
from kiosk.core.files import read_regular

# a full window (100,000 points) of 13-digit times and values is about 4 MB
CACHE_MAX_BYTES = 8_000_000
MAX_POINTS = 100_000
FUTURE_SLACK_S = 86_400.0  # a cache "from tomorrow" means a wrong clock or a forgery
DUMP_SLICE = 2_000  # points per json.dumps call: about 1.5 ms each


class CacheError(ValueError):
    """The cache file is unusable; the message says why, for one warning."""


def fingerprint(spec_json: str) -> str:
    """Names the source's definition: a cache written for another one is not used."""
    return hashlib.sha1(spec_json.encode()).hexdigest()[:16]


def dump(spec_json: str, updated: float, points: list[Point]) -> str:
    """The cache file's text. Encoded a slice at a time: one ``json.dumps`` of 100,000
    points holds the interpreter for 70 ms, which the UI thread would wait out (#18 B)."""
    head = json.dumps({"spec": fingerprint(spec_json), "updated": updated, "points": []})
    parts = [head[:-2]]  # up to the points' opening "["
    for start in range(0, len(points), DUMP_SLICE):
        parts.append(("" if start == 0 else ", ") +
                     json.dumps(points[start:start + DUMP_SLICE])[1:-1])
    parts.append("]}")
    return "".join(parts)


def load(path: Path, spec_json: str, wall: float) -> tuple[list[Point], float] | None:
    """(points, updated), or None when there is no cache or it is for another source.

    Raises :class:`CacheError` when the file is there but unusable.
    """
    if not os.path.lexists(path):
        return None
    try:
        raw = read_regular(path, CACHE_MAX_BYTES)
    except OSError as exc:
        raise CacheError(str(exc)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CacheError(f"not JSON ({str(exc)[:60]})") from None
    if not isinstance(data, dict):
        raise CacheError(f"expected an object, got {type(data).__name__}")
    if data.get("spec") != fingerprint(spec_json):
        return None  # the source changed since: its old data would be wrong
    updated = _finite(data.get("updated"), "updated")
    if not 0 <= updated <= wall + FUTURE_SLACK_S:
        raise CacheError(f"updated time {updated:g} is not plausible")
    points = data.get("points")
    if not isinstance(points, list) or not points:
        raise CacheError("points is not a non-empty list")
    if len(points) > MAX_POINTS:
        raise CacheError(f"{len(points)} points is over {MAX_POINTS}")
    return [_point(item, i) for i, item in enumerate(points)], updated


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CacheError(f"{what} is not a number")
    try:
        result = float(value)
    except OverflowError:
        raise CacheError(f"{what} is out of range") from None
    if not math.isfinite(result):
        raise CacheError(f"{what} is not a finite number")
    return result


def _point(item: Any, index: int) -> Point:
    if not isinstance(item, list) or len(item) != 2:
        raise CacheError(f"point {index} is not an [x, y] pair")
    return _finite(item[0], f"point {index} x"), _finite(item[1], f"point {index} y")
