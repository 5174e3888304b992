"""A published deck as the show's deck source: polls, states and words for the operator (#15).

:class:`RemoteDeck` drives a :class:`~kiosk.fleet.pull.Puller` from the show's 2 Hz timer.
It never blocks: one poll at a time runs on a daemon thread (:class:`~kiosk.core.background.Job`),
and :meth:`RemoteDeck.tick` only looks whether it has finished. A poll that outlives its own
time limits by far (a DNS look-up cannot be bounded) is abandoned, never waited for.

What the status file says (``deck_source``) and what the operator badge says both come from
here, so the two always agree. Errors are logged when they start or change, not at every
retry; the recovery is logged once too.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.core.background import Job

if TYPE_CHECKING:
    from kiosk.fleet.pull import Bundle, Puller, Update

log = logging.getLogger(__name__)
ABANDON_AFTER = 4 * 3600.0  # s: a poll still running then is left to end by itself (every
# request has its own deadline, a first download of a large bundle included; only a DNS
# look-up, which cannot be bounded, could outlive them)


def is_url(deck: str) -> bool:
    """A deck argument that names a published manifest rather than a file (``C:\\x`` is a file)."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", deck) is not None


class RemoteDeck:
    """The state of one published deck on this screen."""

    def __init__(self, puller: Puller, playing: Bundle | None, *, trusted: bool,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self.puller = puller
        self.playing = playing
        self.trusted = trusted
        self.clock, self.wall = clock, wall
        self.received: Bundle | None = None  # checked, waiting for the next slide change
        self.state = "starting" if playing is not None else "waiting"
        self.error: str | None = None
        self.checked: float | None = None  # wall time of the last check the server answered
        self.failures = 0
        self._job: Job[Update] | None = None
        self._job_started = 0.0
        self._due = clock()  # the first check at once: the cache may be old
        if not trusted:
            log.warning("deck %s: content is not authenticated (no --trust key): anyone who "
                        "can change what the server sends can change what this screen shows",
                        puller.display_url)

    @property
    def version(self) -> int | None:
        return self.playing.version if self.playing is not None else None

    def tick(self) -> Update | None:
        """Called from the UI thread: a new bundle to show, when a poll has brought one."""
        now = self.clock()
        if self._job is not None:
            if not self._job.done():
                if now - self._job_started > ABANDON_AFTER:
                    self._failed(f"a check of {self.puller.display_url} did not end in "
                                 f"{ABANDON_AFTER:g} s; abandoned")
                    self._job = None
                return None
            job, self._job = self._job, None
            try:
                update = job.result()
            except Exception as exc:  # FetchError, or anything unforeseen: never the show's end
                self._failed(_sentence(exc))
                return None
            return self._succeeded(update)
        if now >= self._due and self.received is None:
            # not while a received version waits for its slide change: a newer one committed
            # meanwhile would push the one on screen out of the cache (current + previous)
            self._job = Job("kiosk-deck-poll", self.puller.poll, self.version)
            self._job_started = now
        return None

    def check_now(self) -> None:
        """Ask the server at the next tick, not after the refresh or the backoff (an
        operator's reload; tests)."""
        self._due = self.clock()

    def receive(self, bundle: Bundle) -> None:
        """``bundle`` is handed to the show, which takes it at its next slide change."""
        self.received = bundle

    def taken(self) -> None:
        """The show now plays the received bundle."""
        if self.received is not None:
            self.playing, self.received = self.received, None

    def _succeeded(self, update: Update) -> Update | None:
        self.checked = self.wall()
        self._due = self.clock() + self.puller.delay(failed=False)
        if self.error is not None:
            log.info("deck %s: the server answers again", self.puller.display_url)
        self.failures, self.error = 0, None
        self.state = "ok"
        if update.bundle is None:
            return None
        log.info("deck %s: version %d received and checked; shown from the next slide",
                 self.puller.display_url, update.bundle.version)
        return update

    def _failed(self, error: str) -> None:
        self.failures += 1
        self._due = self.clock() + self.puller.delay(failed=True)
        if error != self.error:
            showing = (f"still showing version {self.version}" if self.playing is not None
                       else "nothing to show yet")
            log.error("deck %s: %s (%s; retrying with backoff)", self.puller.display_url,
                      error, showing)
        self.error = error
        self.state = "error" if self.playing is not None else "waiting"

    def status(self) -> dict[str, Any]:
        """The status file's ``deck_source``."""
        from kiosk.core.status import iso

        return {"url": self.puller.display_url, "version": self.version, "state": self.state,
                "checked": iso(self.checked), "error": self.error,
                "signed": bool(self.playing and self.playing.signed)}

    def badge(self) -> str | None:
        """The operator badge's words, or None when all is well."""
        if self.error is None:
            return None
        if self.playing is None:
            return f"⚠ 尚无可播放的内容 · no content yet: {self.error}"
        return (f"⚠ 内容更新失败,仍在播放第 {self.version} 版 · update failed, showing "
                f"version {self.version}: {self.error}")


def _sentence(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if type(exc).__name__ != "FetchError":
        log.error("checking the published deck failed unexpectedly", exc_info=exc)
    return text[:300]
