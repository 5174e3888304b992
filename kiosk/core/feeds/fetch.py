"""Fetching, run on worker threads: HTTP with a size cap and an overall deadline, files by
stat stamp (so a rename-replaced file is followed), replays' CSVs, and the simulated
sources (which run on the UI thread: a random step or the next loaded row)."""

from __future__ import annotations

from typing import Any

from kiosk import __version__
from kiosk.core.deck import FileSource, HttpSource, SimSource
from kiosk.core.feeds.feed import Reading
from kiosk.core.feeds.parse import FeedError, Point, parse_csv, parse_json
from kiosk.core.feeds.redact import redact_url
from kiosk.core.files import check_regular, read_regular

FILE_MAX_BYTES = 10_000_000
REPLAY_MAX_ROWS = 100_000  # a replay plays at most the last 100,000 rows of its CSV


def fetch_http(spec: HttpSource, wall: float) -> Reading:
    """GET the URL; refuse bodies over ``max_bytes`` and fetches longer than ``timeout``,
    connect to last byte (#18 B). Messages never show the URL's credentials (#18 F)."""
    import http.client  # here, on a worker thread: urllib and ssl cost 30 ms of startup
    import urllib.error

    from kiosk.core.feeds import httpget

    headers = {"User-Agent": f"kiosk/{__version__}", "Accept": "application/json",
               **spec.headers}
    timed_out = f"timed out after {spec.timeout:g} s"
    try:
        body = httpget.get(spec.url, headers, spec.max_bytes, httpget.Deadline(spec.timeout))
    except urllib.error.HTTPError as exc:
        raise FeedError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise FeedError(timed_out) from None
        raise FeedError(f"cannot reach {redact_url(spec.url)}: {exc.reason}") from None
    except TimeoutError:
        raise FeedError(timed_out) from None
    except OSError as exc:
        raise FeedError(f"connection failed: {exc}") from None
    except http.client.HTTPException as exc:  # not an HTTP server, or a broken one
        raise FeedError(f"bad HTTP response: {type(exc).__name__} {exc}"[:120]) from None
    except ValueError as exc:  # over max_bytes, or a header or URL http.client refuses
        raise FeedError(str(exc)[:120]) from None
    return Reading(parse_json(body, spec.field, spec.window), wall)


def file_stamp(path: str) -> tuple[int, int, int]:
    """Changes when the file is rewritten in place or replaced by a rename."""
    try:
        st = check_regular(path)  # a FIFO or a device is named as such (#18 A)
    except OSError as exc:
        raise FeedError(str(exc)) from None
    return st.st_mtime_ns, st.st_size, st.st_ino


def read_file(path: str) -> bytes:
    """A regular file of at most FILE_MAX_BYTES: never a device, never blocked (#18 A)."""
    try:
        return read_regular(path, FILE_MAX_BYTES)
    except OSError as exc:
        raise FeedError(str(exc)) from None


def fetch_file(spec: FileSource, previous: Any) -> tuple[Reading | None, Any]:
    """(reading, stamp); the reading is None when the file has not changed since ``previous``."""
    stamp = file_stamp(spec.path)
    if stamp == previous:
        return None, stamp
    raw = read_file(spec.path)
    kind = spec.format or ("json" if spec.path.lower().endswith(".json") else "csv")
    # only the window's worth is parsed and handed to the UI thread (#18 B)
    value = (parse_json(raw, spec.field, spec.window) if kind == "json"
             else parse_csv(raw, spec.window))
    return Reading(value, stamp[0] / 1e9), stamp  # data is as fresh as the file


def load_replay(spec: SimSource) -> list[Point]:
    """The rows a replay plays, read on a worker thread, not the UI thread (#18 A)."""
    assert spec.path is not None
    value = parse_csv(read_file(spec.path), REPLAY_MAX_ROWS)
    return value if isinstance(value, list) else [(0.0, value)]


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

    @property
    def needs_rows(self) -> bool:
        """A replay whose CSV is not loaded yet (``load_replay`` on a worker, then set)."""
        return self.spec.mode == "replay" and self.rows is None

    def _replay(self, wall: float) -> Reading:
        if not self.rows:
            raise FeedError("the replay's rows are not loaded")
        index = int(self.cursor) % len(self.rows)
        self.cursor += self.spec.speed
        return Reading(self.rows[index][1], wall)
