"""All of a deck's feeds: schedules fetches on worker threads and applies their results.

The Qt layer calls :meth:`FeedHub.tick` from its timer; ``tick`` never blocks: it starts
what is due, collects what has finished, and returns the names of the feeds whose data or
state changed. A server that never answers occupies one worker, never the screen.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from kiosk.core.deck import FileSource, HttpSource, SimSource
from kiosk.core.feeds.feed import Feed, FeedState, Spec
from kiosk.core.feeds.fetch import Simulator, fetch_file, fetch_http
from kiosk.core.feeds.parse import FeedError
from kiosk.core.files import write_atomic

log = logging.getLogger(__name__)
MAX_WORKERS = 8
PERSIST_EVERY_S = 10.0


class FeedHub:
    def __init__(self, sources: dict[str, Spec], now: float, wall: float,
                 cache_dir: Path | None = None) -> None:
        self.feeds = {name: Feed(name, spec, now) for name, spec in sources.items()}
        self._sims = {name: Simulator(spec) for name, spec in sources.items()
                      if isinstance(spec, SimSource)}
        self._pending: dict[str, concurrent.futures.Future[Any]] = {}
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._states: dict[str, FeedState] = {}
        self._persisted: dict[str, float] = {}
        self._cache = cache_dir
        for feed in self.feeds.values():
            self._restore(feed)
            self._states[feed.name] = feed.state(wall)

    # ------------------------------------------------------------------ the loop
    def tick(self, now: float, wall: float) -> set[str]:
        """Apply finished fetches, start due ones; names whose data or state changed."""
        changed: set[str] = set()
        for name, future in list(self._pending.items()):
            if future.done():
                del self._pending[name]
                if self._apply(self.feeds[name], future, now, wall):
                    changed.add(name)
        for feed in self.feeds.values():
            if _due(feed, now) and feed.name not in self._pending:
                if feed.name in self._sims:
                    feed.accept(self._sims[feed.name].next(wall), now)
                    changed.add(feed.name)
                else:
                    self._start(feed, wall)
        for feed in self.feeds.values():
            state = feed.state(wall)
            if state != self._states[feed.name]:
                self._log_change(feed, state)
                self._states[feed.name] = state
                changed.add(feed.name)
        return changed

    def _start(self, feed: Feed, wall: float) -> None:
        if self._pool is None:
            workers = min(MAX_WORKERS, max(1, len(self.feeds) - len(self._sims)))
            self._pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="kiosk-feed")
        spec = feed.spec
        feed.in_flight = True
        if isinstance(spec, HttpSource):
            self._pending[feed.name] = self._pool.submit(fetch_http, spec, wall)
        elif isinstance(spec, FileSource):
            self._pending[feed.name] = self._pool.submit(fetch_file, spec, feed.stamp)

    def _apply(self, feed: Feed, future: concurrent.futures.Future[Any], now: float,
               wall: float) -> bool:
        feed.in_flight = False
        try:
            result = future.result()
        except FeedError as exc:
            feed.fail(str(exc), now)
            return True
        except Exception as exc:  # a bug in a fetcher must not stop the feed loop
            log.exception("feed %s: unexpected error", feed.name)
            feed.fail(f"internal error: {exc!r}", now)
            return True
        if isinstance(result, tuple):  # file feeds: (reading or None, stamp)
            reading, feed.stamp = result
            if reading is None:
                feed.unchanged(now)
                return False
        else:
            reading = result
        feed.accept(reading, now)
        self._persist(feed, wall)
        return True

    def _log_change(self, feed: Feed, state: FeedState) -> None:
        """Once per change of state, not once per attempt."""
        if state == "ok":
            log.info("feed %s: ok", feed.name)
        elif feed.error:
            log.warning("feed %s: %s (%s); keeping the last good value", feed.name, state,
                        feed.error)
        else:
            log.warning("feed %s: %s (no fresh data)", feed.name, state)

    # ------------------------------------------------------------------ queries
    def in_flight(self, name: str) -> bool:
        return name in self._pending

    def wait_idle(self, timeout: float | None = None) -> None:
        """Block until the fetches in flight finish (tests and shutdown only)."""
        concurrent.futures.wait(list(self._pending.values()), timeout=timeout)

    def snapshot(self, wall: float) -> dict[str, dict[str, Any]]:
        """Per feed: state, latest value, point count, updated time, error (status file)."""
        return {name: {"state": feed.state(wall), "value": feed.value,
                       "points": len(feed.points), "updated": feed.updated,
                       "error": feed.error}
                for name, feed in self.feeds.items()}

    def close(self, wall: float | None = None) -> None:
        """Persist every feed and stop the workers (a hanging request is abandoned)."""
        for feed in self.feeds.values():
            if wall is not None:
                self._persist(feed, wall, force=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._pending.clear()

    # ------------------------------------------------------------------ offline cache
    def _cache_file(self, feed: Feed) -> Path | None:
        if self._cache is None:
            return None
        return self._cache / f"{feed.name}.json"

    @staticmethod
    def _fingerprint(spec: Spec) -> str:
        return hashlib.sha1(spec.model_dump_json().encode()).hexdigest()[:16]

    def _persist(self, feed: Feed, wall: float, force: bool = False) -> None:
        path = self._cache_file(feed)
        if path is None or not feed.has_data or feed.updated is None:
            return
        if not force and wall - self._persisted.get(feed.name, -1e18) < PERSIST_EVERY_S:
            return
        self._persisted[feed.name] = wall
        data = {"spec": self._fingerprint(feed.spec), "updated": feed.updated,
                "points": list(feed.points)}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(data))
        except OSError as exc:
            log.warning("feed %s: cannot write the offline cache %s: %s", feed.name, path, exc)

    def _restore(self, feed: Feed) -> None:
        path = self._cache_file(feed)
        if path is None or not path.is_file():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("spec") != self._fingerprint(feed.spec):
                return  # the source changed since: its old data would be wrong
            points = [(float(x), float(y)) for x, y in data["points"]]
            feed.restore(points, float(data["updated"]))
            log.info("feed %s: restored %d point(s) from the offline cache", feed.name,
                     len(points))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("feed %s: ignoring an unreadable offline cache %s: %s", feed.name,
                        path, exc)


def _due(feed: Feed, now: float) -> bool:
    return not feed.in_flight and now >= feed.next_due
