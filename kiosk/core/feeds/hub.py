"""All of a deck's feeds: schedules fetches on worker threads and applies their results.

The Qt layer calls :meth:`FeedHub.tick` from its timer; ``tick`` never blocks: it starts
what is due, collects what has finished, and returns the names of the feeds whose data or
state changed. Each source has at most one fetch at a time, on its own daemon thread: a
server that never answers holds one thread, never the screen, never another source, and
never the exit (#18 B). A fetch past its deadline is abandoned: its feed fails with
"timed out after N s" while the thread ends by itself. One broken feed never stops the
others: each feed's step is guarded.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.background import Job
from kiosk.core.deck import FileSource, HttpSource, MqttSource, SimSource
from kiosk.core.feeds import cache
from kiosk.core.feeds.feed import Feed, FeedState, Reading, Spec
from kiosk.core.feeds.fetch import Simulator, fetch_file, fetch_http, load_replay
from kiosk.core.feeds.parse import FeedError
from kiosk.core.feeds.redact import redact
from kiosk.core.files import write_atomic

if TYPE_CHECKING:
    from kiosk.core.feeds.mqtt import LinkState, MqttFeeds
    from kiosk.ops.mqtt_config import BrokerConfig

log = logging.getLogger(__name__)
PERSIST_EVERY_S = 10.0
FILE_TIMEOUT_S = 5.0  # reading a local file or a replay's CSV (a hung network share)
GRACE_S = 1.0  # past its own deadline, a fetch that has not returned is abandoned
WRITE_WAIT_S = 0.5  # at close, for an offline-cache write still in progress


@dataclass
class _Fetch:
    job: Job[Any]
    timeout: float  # what the feed's error will say
    abandon_at: float  # on the hub's clock
    abandoned: bool = False


class FeedHub:
    """``mqtt``: the show's own broker (``--mqtt``), for ``kind: mqtt`` sources that name
    none; its login is used for it only."""

    def __init__(self, sources: dict[str, Spec], now: float, wall: float,
                 cache_dir: Path | None = None, mqtt: BrokerConfig | None = None) -> None:
        self.feeds = {name: Feed(name, spec, now) for name, spec in sources.items()}
        self._sims = {name: Simulator(spec) for name, spec in sources.items()
                      if isinstance(spec, SimSource)}
        self._pending: dict[str, _Fetch] = {}
        self._states: dict[str, FeedState] = {}
        self._persisted: dict[str, float] = {}
        self._writing: dict[str, Job[None]] = {}  # offline-cache writes in progress
        self._cache = cache_dir
        for feed in self.feeds.values():
            self._restore(feed, wall)
            self._states[feed.name] = feed.state(wall)
        self.mqtt: MqttFeeds | None = None  # pushed feeds: one client per broker (#16)
        self._links: dict[str, LinkState] = {}  # per mqtt feed: the state last applied
        pushed = {name: spec for name, spec in sources.items() if isinstance(spec, MqttSource)}
        if pushed:
            from kiosk.core.feeds.mqtt import MqttFeeds

            self.mqtt = MqttFeeds(pushed, mqtt)

    # ------------------------------------------------------------------ the loop
    def tick(self, now: float, wall: float) -> set[str]:
        """Apply finished fetches, start due ones; names whose data or state changed."""
        changed: set[str] = set()
        for name, fetch in list(self._pending.items()):
            if fetch.job.done():
                del self._pending[name]
                feed = self.feeds[name]
                feed.in_flight = False
                if not fetch.abandoned and self._guarded(feed, now, self._apply, fetch.job,
                                                         wall):
                    changed.add(name)
            elif not fetch.abandoned and now >= fetch.abandon_at:
                # stuck past its deadline (a DNS look-up, a hung share): say so now; the
                # thread is left to end by itself, and no second one starts meanwhile
                fetch.abandoned = True
                self._fail(self.feeds[name], f"timed out after {fetch.timeout:g} s", now)
                changed.add(name)
        for feed in self.feeds.values():
            if isinstance(feed.spec, MqttSource):
                if self._guarded(feed, now, self._take, wall):
                    changed.add(feed.name)
            elif (_due(feed, now) and feed.name not in self._pending
                    and self._guarded(feed, now, self._step, wall)):
                changed.add(feed.name)
        for feed in self.feeds.values():
            state = feed.state(wall)
            if state != self._states[feed.name]:
                self._log_change(feed, state)
                self._states[feed.name] = state
                changed.add(feed.name)
        return changed

    def _step(self, feed: Feed, now: float, wall: float) -> bool:
        """Start a due fetch, or take a simulation's next value (True: new data)."""
        sim = self._sims.get(feed.name)
        if sim is not None and not sim.needs_rows:
            feed.accept(sim.next(wall), now)
            return True
        spec = feed.spec
        if isinstance(spec, HttpSource):
            self._start(feed, now, spec.timeout, fetch_http, spec, wall)
        elif isinstance(spec, FileSource):
            self._start(feed, now, FILE_TIMEOUT_S, fetch_file, spec, feed.stamp)
        elif isinstance(spec, SimSource):  # a replay's CSV: read off the UI thread (#18 A)
            self._start(feed, now, FILE_TIMEOUT_S, load_replay, spec)
        return False

    def _take(self, feed: Feed, now: float, wall: float) -> bool:
        """An mqtt feed: its newest message since the last tick, then how its broker is
        doing. A broker down is said in ``error`` and the data goes stale in its time (not
        an error at once: a sensor's broker restarting is no fault of the data); a login or
        subscription refused, or a payload that is not a value, is an error (True: changed)."""
        assert self.mqtt is not None
        changed = False
        message = self.mqtt.take(feed.name)
        if message is not None:
            value, error = message
            if error is not None or value is None:
                raise FeedError(error or "no value")
            feed.accept(Reading(value, wall), now)
            self._persist(feed, wall)
            changed = True
        link = self.mqtt.state(feed.name)
        before = self._links.get(feed.name)
        if link != before:
            self._links[feed.name] = link
            said = redact(before.message, feed.spec) if before and before.message else None
            if link.kind == "refused":
                self._fail(feed, link.message or "refused", now)
            elif link.kind == "down":
                feed.error = link.message
            elif said is not None and feed.error == said:
                feed.unchanged(now)  # the broker's refusal or absence is over
            if link.kind == "subscribed" and not feed.has_data and feed.error is None:
                # a broker grants a subscription its ACL will not serve (Mosquitto does):
                # say so until a value comes
                feed.error = link.message
            changed = True
        return changed

    def _start(self, feed: Feed, now: float, timeout: float, fn: Any, *args: Any) -> None:
        try:
            job = Job(f"kiosk-feed-{feed.name}", fn, *args)
        except RuntimeError as exc:  # no thread to be had: try again after the backoff
            raise FeedError(f"cannot start a fetch: {exc}") from None
        feed.in_flight = True
        self._pending[feed.name] = _Fetch(job, timeout, now + timeout + GRACE_S)

    def _guarded(self, feed: Feed, now: float, step: Callable[..., bool], *args: Any) -> bool:
        """``step(feed, now, *args)``; whatever it raises fails that feed alone (#18 B)."""
        try:
            return step(feed, now, *args)
        except FeedError as exc:
            self._fail(feed, str(exc), now)
        except Exception as exc:  # a bug: its traceback once per new message, not per tick
            message = redact(f"internal error: {exc!r}", feed.spec)
            if message != feed.error:
                log.error("feed %s: %s", feed.name, redact(
                    "".join(traceback.format_exception(exc)).rstrip(), feed.spec))
            self._fail(feed, message, now)
        return True

    def _fail(self, feed: Feed, error: str, now: float) -> None:
        feed.fail(redact(error, feed.spec), now)  # never a password or token (#18 F)

    def _apply(self, feed: Feed, now: float, job: Job[Any], wall: float) -> bool:
        result = job.result()
        sim = self._sims.get(feed.name)
        if sim is not None:  # a replay's rows, loaded
            sim.rows = result
            feed.accept(sim.next(wall), now)
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
        """Block until the fetches in flight end, ``timeout`` in all (tests and export)."""
        end = None if timeout is None else time.monotonic() + timeout
        for fetch in list(self._pending.values()):
            fetch.job.wait(None if end is None else max(0.0, end - time.monotonic()))
        self._wait_writes(None if end is None else max(0.0, end - time.monotonic()))

    def _wait_writes(self, timeout: float | None) -> None:
        end = None if timeout is None else time.monotonic() + timeout
        for job in list(self._writing.values()):
            job.wait(None if end is None else max(0.0, end - time.monotonic()))

    def snapshot(self, wall: float) -> dict[str, dict[str, Any]]:
        """Per feed: state, latest value, point count, updated time, error (status file)."""
        return {name: {"state": feed.state(wall), "value": feed.value,
                       "points": len(feed.points), "updated": feed.updated,
                       "error": feed.error}
                for name, feed in self.feeds.items()}

    def close(self, wall: float | None = None) -> None:
        """Persist every feed; fetches in flight are abandoned, never waited for, and
        cache writes in progress get :data:`WRITE_WAIT_S` in all."""
        if wall is not None:
            self._wait_writes(WRITE_WAIT_S)
        for feed in self.feeds.values():
            if wall is not None:
                self._persist(feed, wall, force=True)
        self._pending.clear()
        if self.mqtt is not None:
            self.mqtt.close()

    # ------------------------------------------------------------------ offline cache
    def _cache_file(self, feed: Feed) -> Path | None:
        if self._cache is None:
            return None
        return self._cache / f"{feed.name}.json"

    def _persist(self, feed: Feed, wall: float, force: bool = False) -> None:
        """Write the feed's offline cache: at most every 10 s, on a thread of its own (a
        full window is 100,000 points: 2.4 MB of JSON, and a slow disk), one write per
        feed at a time; ``force`` (at close) writes now, unless a write is still stuck."""
        path = self._cache_file(feed)
        if path is None or not feed.has_data or feed.updated is None:
            return
        writing = self._writing.get(feed.name)
        if writing is not None and not writing.done():
            if force:  # close waited for it: the disk is stuck, and so would this write be
                log.warning("feed %s: the offline cache %s is still being written; "
                            "not writing it again", feed.name, path)
            return
        if not force and wall - self._persisted.get(feed.name, -1e18) < PERSIST_EVERY_S:
            return
        self._persisted[feed.name] = wall
        args = (feed.name, path, feed.spec.model_dump_json(), feed.updated, list(feed.points))
        if force:
            _write_cache(*args)
            return
        try:
            self._writing[feed.name] = Job(f"kiosk-cache-{feed.name}", _write_cache, *args)
        except RuntimeError as exc:  # no thread to be had: the next persist tries again
            log.warning("feed %s: cannot write the offline cache now: %s", feed.name, exc)

    def _restore(self, feed: Feed, wall: float) -> None:
        path = self._cache_file(feed)
        if path is None:
            return
        try:
            cached = cache.load(path, feed.spec.model_dump_json(), wall)
        except cache.CacheError as exc:
            log.warning("feed %s: ignoring the offline cache %s: %s", feed.name, path, exc)
            return
        if cached is not None:
            feed.restore(*cached)
            log.info("feed %s: restored %d point(s) from the offline cache", feed.name,
                     len(cached[0]))


def _write_cache(name: str, path: Path, spec_json: str, updated: float,
                 points: list[Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, cache.dump(spec_json, updated, points))
    except OSError as exc:
        log.warning("feed %s: cannot write the offline cache %s: %s", name, path, exc)


def _due(feed: Feed, now: float) -> bool:
    return not feed.in_flight and now >= feed.next_due
