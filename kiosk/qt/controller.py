"""Runs one deck: the window, its live feeds, hot reload of the deck, the status file.

Four timers, each owned here and stopped in :meth:`Show.stop`: feeds (10 Hz, never
blocking: fetches run on worker threads), reload (2 Hz ``stat`` of the deck and its
includes; the new deck is parsed on a worker thread), status (1 Hz), and the schedule
(single-shot, set to the next opening-hours change or midnight).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from kiosk.core.background import Job
from kiosk.core.deck import Deck
from kiosk.core.feeds import FeedHub
from kiosk.core.files import cache_root, write_atomic
from kiosk.core.loader import LoadResult, load_deck
from kiosk.core.problems import Problem, display_path
from kiosk.core.schedule import is_open, next_change, zone
from kiosk.core.status import status_document
from kiosk.core.watch import FileWatcher
from kiosk.fleet.source import RemoteDeck
from kiosk.qt.window import ShowWindow
from kiosk.supervision import heartbeat, heartbeat_wanted

if TYPE_CHECKING:
    from kiosk.ops.mqtt_config import BrokerConfig

log = logging.getLogger(__name__)
FEEDS_MS, RELOAD_MS, STATUS_MS = 100, 500, 1000
PROBLEMS_LOGGED = 20  # per load: the rest are counted (kiosk check lists them all) (#18)


def log_problems(level: int, problems: Sequence[Problem]) -> None:
    """The first PROBLEMS_LOGGED problems, then how many more: a deck saved with 1,500
    problems must not flood the log at every reload."""
    for problem in problems[:PROBLEMS_LOGGED]:
        log.log(level, "%s", problem)
    if len(problems) > PROBLEMS_LOGGED:
        log.log(level, "… and %d more problem(s); `kiosk check` lists them all",
                len(problems) - PROBLEMS_LOGGED)


def cache_dir_for(deck_path: Path, root: Path | None = None, url: str | None = None) -> Path:
    """Where a deck's feeds keep their last good values (the platform's cache folder).

    A published deck's are named by its URL, not by the folder of the version on screen:
    every new version is unpacked into a folder of its own (#15)."""
    root = cache_root(root)
    name = url if url is not None else str(deck_path.resolve())
    key = hashlib.sha1(name.encode()).hexdigest()[:12]
    return root / "feeds" / f"{'published' if url is not None else deck_path.stem}-{key}"


class Show(QObject):
    def __init__(self, deck_path: Path, result: LoadResult, *, animations: bool = True,
                 rotate: int = 0, status_file: Path | None = None,
                 cache_root: Path | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time, kiosk_mode: bool = False,
                 on_exit: Callable[[], None] | None = None, lang: str | None = None,
                 events: Path | None = None, remote: RemoteDeck | None = None,
                 sync_epoch: float | None = None, mqtt: BrokerConfig | None = None) -> None:
        super().__init__()
        assert result.deck is not None
        self.deck_path = deck_path
        self.remote = remote  # a published deck (#15): its versions replace the file watcher
        self._received_deck: Deck | None = None  # a new version waiting for a slide change
        self.clock, self.wall = clock, wall
        self.problems: list[Problem] = list(result.problems)
        self.status_file = status_file
        self._cache = cache_dir_for(deck_path, cache_root,
                                    remote.puller.url if remote is not None else None)
        self.mqtt_broker = mqtt  # kind: mqtt feeds without broker: use the show's (#16)
        self.hub = FeedHub(result.deck.sources, clock(), wall(), cache_dir=self._cache,
                           mqtt=mqtt)
        self.window = ShowWindow(result.deck, clock=clock, animations=animations, rotate=rotate,
                                 feeds=self.hub, wall=wall, kiosk_mode=kiosk_mode,
                                 on_exit=on_exit, lang=lang, events=events,
                                 sync_epoch=sync_epoch)
        self.telemetry = self.window.telemetry  # slide changes, interactions, frames (#16)
        self.window.deck_swapped = self._deck_swapped
        self._pending_hub: FeedHub | None = None  # a new deck's feeds, until it is on screen
        # once a second with the status document: MQTT presence, /metrics (#16)
        self.status_listeners: list[Callable[[dict[str, Any]], None]] = []
        # more parts of the status document, each from a function: {"mqtt": …} (#16)
        self.status_extras: dict[str, Callable[[], Any]] = {}
        self.watcher = FileWatcher(result.files if remote is None else ())
        # a load runs on a daemon thread that stop() and the exit never wait for (#18 B)
        self._loading: Job[LoadResult] | None = None
        self._timers = []
        for interval, slot in ((FEEDS_MS, self.tick_feeds), (RELOAD_MS, self.check_reload),
                               (STATUS_MS, self.write_status)):
            timer = QTimer(self)
            timer.timeout.connect(slot)
            timer.setInterval(interval)
            self._timers.append(timer)
        self._feeds_timer, reload_timer, status_timer = self._timers
        reload_timer.start()
        if status_file is not None or heartbeat_wanted():  # the heartbeat rides on it
            status_timer.start()
        self._run_feeds_timer()
        self._schedule_timer = QTimer(self)  # fires when opening hours or the date change
        self._schedule_timer.setSingleShot(True)
        self._schedule_timer.timeout.connect(self.check_schedule)
        self._open: bool | None = None
        self._day: dt.date | None = None
        self.check_schedule()
        self.tick_feeds()
        self.write_status()

    @property
    def deck(self) -> Deck:
        return self.window.deck

    # ------------------------------------------------------------------ feeds
    def tick_feeds(self) -> None:
        try:
            changed = self.hub.tick(self.clock(), self.wall())
            if changed:
                self.window.on_data(changed)
            if self._pending_hub is not None:  # ready with data when its deck comes on
                self._pending_hub.tick(self.clock(), self.wall())
        except Exception:  # one bad feed or view must not stop the others
            log.exception("updating the live data failed; the show goes on")

    def _run_feeds_timer(self) -> None:
        """Tick the feeds only when the deck has some: a static show wakes up for nothing."""
        if self.hub.feeds or (self._pending_hub is not None and self._pending_hub.feeds):
            self._feeds_timer.start()
        else:
            self._feeds_timer.stop()

    # ------------------------------------------------------------------ schedule
    def check_schedule(self) -> None:
        """Open or standby by the deck's opening hours; dated slides by today's date."""
        deck = self.deck
        now = dt.datetime.fromtimestamp(self.wall(), zone(deck))
        if now.date() != self._day:
            self._day = now.date()
            self.window.player.set_day(self._day)
        open_now = is_open(deck.schedule, now)
        if open_now != self._open:
            self._open = open_now
            schedule = deck.schedule
            if open_now or schedule is None:
                log.info("schedule: open")
                self.window.set_standby(None)
            else:
                log.info("schedule: closed, standby until %s", next_change(schedule, now))
                self.window.set_standby((schedule.standby, schedule.standby_slide - 1,
                                         schedule.standby_dim))
        # look again at the next change, at midnight, and at least hourly (clock jumps)
        midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0, 0),
                                       now.tzinfo)
        due = min(d for d in (next_change(deck.schedule, now), midnight,
                              now + dt.timedelta(hours=1)) if d is not None)
        self._schedule_timer.start(max(1000, round((due - now).total_seconds() * 1000) + 500))

    # ------------------------------------------------------------------ hot reload
    def check_reload(self) -> None:
        """Poll the deck's files; parse an edited deck off the UI thread, then apply it.

        A published deck instead asks its :class:`RemoteDeck`, which fetches, verifies and
        checks new versions off the UI thread."""
        if self.remote is not None:
            self._check_remote(self.remote)
            return
        if self._loading is not None:
            if self._loading.done():
                job, self._loading = self._loading, None
                self._apply(job.result())
            return
        if self.watcher.changed():
            self._loading = Job("kiosk-reload", load_deck, self.deck_path)

    def _check_remote(self, remote: RemoteDeck) -> None:
        if remote.received is not None and self.window.deck is self._received_deck:
            remote.taken()  # the slide change came: that version is on screen now
            self._received_deck = None
        update = remote.tick()
        if update is not None and update.bundle is not None and update.result is not None:
            first = remote.playing is None  # the waiting slide gives way at once
            remote.receive(update.bundle)
            self._received_deck = update.result.deck
            self.deck_path = update.bundle.deck_path
            self._apply(update.result, at_boundary=not first,
                        sync_epoch=update.bundle.published)
            if self.window.deck is self._received_deck:  # taken at once (held, or first)
                remote.taken()
                self._received_deck = None
        badge = remote.badge()
        if badge != self.window.operator_message:
            self.window.operator_message = badge
            self.window.update()

    def _apply(self, result: LoadResult, at_boundary: bool = False,
               sync_epoch: float | None = None) -> None:
        if self.remote is None:
            self.watcher.watch(result.files)  # includes may have been added or removed
        self.problems = list(result.problems)
        if result.deck is None:
            log.error("edited deck %s has %d problem(s); still showing the last good version",
                      display_path(self.deck_path), len(result.problems))
            log_problems(logging.ERROR, result.problems)
            count = len(result.problems)
            self.window.operator_message = (f"⚠ 幻灯片文件有 {count} 处错误,仍在播放上一版 · "
                                            f"deck has {count} error(s); showing the last good one")
            self.window.update()
            self.telemetry.reload("error")
            self.write_status()
            return
        log_problems(logging.WARNING, result.problems)
        log.info("deck %s reloaded: %d slides", display_path(self.deck_path),
                 len(result.deck.slides))
        if self.remote is None:
            self.window.operator_message = None
        self.telemetry.reload("ok")
        hub = self.hub
        if result.deck.sources != self.deck.sources:
            # the slide on screen keeps its feeds until the new deck takes over (at once, or at
            # the next slide change): then _deck_swapped closes the old hub
            if self._pending_hub is not None:
                self._pending_hub.close(self.wall())
            hub = FeedHub(result.deck.sources, self.clock(), self.wall(), cache_dir=self._cache,
                          mqtt=self.mqtt_broker)
            self._pending_hub = hub
            self._run_feeds_timer()
        self.window.replace_deck(result.deck, hub, at_boundary=at_boundary,
                                 sync_epoch=sync_epoch)

    def _deck_swapped(self) -> None:
        """The window took the new deck: its feeds, opening hours and time zone apply now."""
        if self._pending_hub is not None:
            self.hub.close(self.wall())
            self.hub, self._pending_hub = self._pending_hub, None
            self._run_feeds_timer()
        self._open, self._day = None, None
        self.check_schedule()
        self.tick_feeds()
        self.write_status()

    def reload_now(self) -> None:
        """An operator's reload (#16): a published deck asks its server now; a file deck is
        read again even if no file changed."""
        if self.remote is not None:
            self.remote.check_now()
        elif self._loading is None:
            self._loading = Job("kiosk-reload", load_deck, self.deck_path)

    def wait_reload(self, timeout: float = 30) -> None:
        """Tests: let a reload that has started finish, then apply it."""
        if self._loading is not None:
            self._loading.wait(timeout)
        self.check_reload()

    # ------------------------------------------------------------------ status file
    _status_failing: str | None = None  # the last write's error, logged once (#18 E)

    def status_document(self) -> dict[str, Any]:
        """What the show is doing: the status file's JSON, MQTT's presence (#16)."""
        window = self.window
        document = status_document(
            wall=self.wall(), deck_path=self.deck_path, deck_ok=not self.problems,
            problems=self.problems, index=window.index, slide=self.deck.slides[window.index],
            paused=window.player.paused, sources=self.hub.snapshot(self.wall()))
        document["window"] = window.presence.status()  # minimised or gone is not "ok" (#18 D)
        if self.remote is not None:  # where the deck comes from, and how that is going (#15)
            document["deck"] = self.remote.puller.display_url
            document["deck_source"] = self.remote.status()
        for key, part in self.status_extras.items():
            try:
                document[key] = part()
            except Exception:  # a service's bug costs its own part only
                log.exception("the status file's %r part failed", key)
                document[key] = None
        return document

    def watch_status(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call ``listener`` with the status document once a second, on the UI thread."""
        self.status_listeners.append(listener)
        self._timers[2].start()

    def write_status(self) -> None:
        # the supervisor's heartbeat first, from this 1 Hz UI-thread timer (it runs whenever
        # there is a heartbeat pipe, status file or not): a frozen UI stops it, a full disk
        # does not (#18 E)
        heartbeat()
        if self.status_file is None and not self.status_listeners:
            return
        document = self.status_document()
        for listener in self.status_listeners:
            try:
                listener(document)
            except Exception:
                log.exception("a status listener failed; the show goes on")
        if self.status_file is None:
            return
        try:
            write_atomic(self.status_file, json.dumps(document, ensure_ascii=False, indent=2))
        except OSError as exc:  # a full disk: logged when it starts, not every second
            if self._status_failing is None:
                log.warning("cannot write the status file %s: %s (the show goes on)",
                            self.status_file, exc)
            self._status_failing = str(exc)
            return
        if self._status_failing is not None:
            log.info("the status file %s is written again", self.status_file)
            self._status_failing = None

    # ------------------------------------------------------------------ shutdown
    def stop(self) -> None:
        """Stop every timer and thread this show started; persist the feeds."""
        for timer in (*self._timers, self._schedule_timer):
            timer.stop()
        self.window.stop()
        self.hub.close(self.wall())
        if self._pending_hub is not None:
            self._pending_hub.close(self.wall())
            self._pending_hub = None
        self._loading = None  # a stuck load is abandoned, not waited for (#18 B)
        self.write_status()
