"""Fetching, run on worker threads: HTTP with a size cap and an overall deadline, files by
stat stamp (so a rename-replaced file is followed), and the simulated sources."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.core.deck import FileSource, HttpSource, SimSource
from kiosk.core.feeds.feed import Reading
from kiosk.core.feeds.parse import FeedError, Point, parse_csv, parse_json

CHUNK = 65536
FILE_MAX_BYTES = 10_000_000


def fetch_http(spec: HttpSource, wall: float) -> Reading:
    """GET the URL; refuse bodies over ``max_bytes`` and responses slower than ``timeout``."""
    import urllib.error  # here, on a worker thread: urllib and ssl cost 30 ms of startup
    import urllib.request

    request = urllib.request.Request(spec.url, headers={
        "User-Agent": f"kiosk/{__version__}", "Accept": "application/json", **spec.headers})
    deadline = time.monotonic() + spec.timeout
    try:
        with urllib.request.urlopen(request, timeout=spec.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > spec.max_bytes:
                raise FeedError(f"body of {int(length)} bytes is over max_bytes "
                                f"({spec.max_bytes})")
            body = bytearray()
            while chunk := response.read(CHUNK):
                body += chunk
                if len(body) > spec.max_bytes:
                    raise FeedError(f"body is over max_bytes ({spec.max_bytes})")
                if time.monotonic() > deadline:  # a server that trickles bytes forever
                    raise FeedError(f"timed out after {spec.timeout:g}s")
    except urllib.error.HTTPError as exc:
        raise FeedError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FeedError(f"cannot reach {spec.url}: {exc.reason}") from None
    except TimeoutError:
        raise FeedError(f"timed out after {spec.timeout:g}s") from None
    except OSError as exc:
        raise FeedError(f"connection failed: {exc}") from None
    return Reading(parse_json(bytes(body), spec.field), wall)


def file_stamp(path: str) -> tuple[int, int, int]:
    """Changes when the file is rewritten in place or replaced by a rename."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise FeedError(f"cannot read {Path(path).name}: {exc.strerror or exc}") from None
    return st.st_mtime_ns, st.st_size, st.st_ino


def fetch_file(spec: FileSource, previous: Any) -> tuple[Reading | None, Any]:
    """(reading, stamp); the reading is None when the file has not changed since ``previous``."""
    stamp = file_stamp(spec.path)
    if stamp == previous:
        return None, stamp
    if stamp[1] > FILE_MAX_BYTES:
        raise FeedError(f"file is over {FILE_MAX_BYTES} bytes")
    try:
        raw = Path(spec.path).read_bytes()
    except OSError as exc:
        raise FeedError(f"cannot read {Path(spec.path).name}: {exc.strerror or exc}") from None
    kind = spec.format or ("json" if spec.path.lower().endswith(".json") else "csv")
    value = parse_json(raw, spec.field) if kind == "json" else parse_csv(raw)
    return Reading(value, stamp[0] / 1e9), stamp  # data is as fresh as the file


class Simulator:
    """A seeded random walk, or a CSV replayed at ``speed``; labelled 模拟数据 on screen."""

    def __init__(self, spec: SimSource) -> None:
        import random

        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.value = spec.start
        self.rows: list[Point] | None = None
        self.cursor = 0.0

    def next(self, wall: float) -> Reading:
        if self.spec.mode == "replay":
            return self._replay(wall)
        spec = self.spec
        self.value += spec.drift + self.rng.uniform(-spec.step, spec.step)
        if spec.min is not None:
            self.value = max(spec.min, self.value)
        if spec.max is not None:
            self.value = min(spec.max, self.value)
        return Reading(round(self.value, 6), wall)

    def _replay(self, wall: float) -> Reading:
        if self.rows is None:
            assert self.spec.path is not None
            value = parse_csv(Path(self.spec.path).read_bytes())
            self.rows = value if isinstance(value, list) else [(0.0, value)]
        index = int(self.cursor) % len(self.rows)
        self.cursor += self.spec.speed
        return Reading(self.rows[index][1], wall)
