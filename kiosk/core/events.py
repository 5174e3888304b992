"""``--events PATH``: one JSON line per event, for proof and for analytics (#15, #16).

``{"t": 1767196800123, "event": "slide", "index": 3}``: ``t`` in milliseconds since the Unix
epoch. The UI thread only formats a line and puts it on a bounded queue (never blocks); a
daemon thread appends it to the file, one ``write`` per line (a reader tailing the file sees
whole lines). Distrusted like every path: only a regular file is written (a FIFO or a
device gets one warning and no events), and past ``max_bytes`` the file is rotated to
``PATH.1``, so a screen left for a year does not fill its disk. A full queue or a failing
disk drops lines: counted, logged once.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.core.files import describe_kind
from kiosk.core.telemetry import Listener

log = logging.getLogger(__name__)
MAX_BYTES = 64 << 20  # then PATH.1 (one old file kept): at most 128 MB on disk
QUEUE_LINES = 4096  # ~4 s of a visitor's frantic swiping at 1,000 events a second
CLOSE_WAIT_S = 1.0  # stop() waits this long at most for the last lines
_STOP = None


class EventLog:
    """Appends events to ``path`` from a daemon thread; :meth:`record` is all a caller needs."""

    def __init__(self, path: Path, *, wall: Callable[[], float] = time.time,
                 max_bytes: int = MAX_BYTES, capacity: int = QUEUE_LINES) -> None:
        self.path = path
        self._wall = wall
        self.max_bytes = max_bytes
        self._queue: queue.Queue[str | None] = queue.Queue(capacity)
        self._lock = threading.Lock()
        self.dropped = 0  # lines lost to a full queue or a failing write
        self.written = 0
        self._fd: int | None = None
        self._size = 0
        self._failing: str | None = None  # the last write error, logged once
        self._refused = False  # not a regular file: nothing is ever written
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="kiosk-events", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ UI thread
    def record(self, event: str, *, t: float | None = None, **fields: Any) -> None:
        """One event: ``t`` (seconds since the Unix epoch; default: now) becomes integer
        milliseconds. Never blocks: when the writer is behind, the line is dropped."""
        when = self._wall() if t is None else t
        line = json.dumps({"t": round(when * 1000), "event": event, **fields},
                          ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
        if self._closed:
            return
        try:
            self._queue.put_nowait(line)
        except queue.Full:
            self._drop(f"the writer is behind (more than {self._queue.maxsize} lines queued)")

    def close(self, timeout: float = CLOSE_WAIT_S) -> None:
        """Write what is queued (waiting at most ``timeout``), then close the file."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(queue.Full):
            self._queue.put(_STOP, timeout=timeout)
        self._thread.join(timeout)
        if self.dropped:
            log.warning("events log %s: %d line(s) dropped in all", self.path, self.dropped)

    # ------------------------------------------------------------------ writer thread
    def _drop(self, why: str) -> None:
        with self._lock:
            self.dropped += 1
            first = self.dropped == 1
        if first:
            log.warning("events log %s: a line was dropped: %s (counted from now on, not "
                        "logged again)", self.path, why)

    def _run(self) -> None:
        try:
            self._write(b"")  # open it now: a wrong path is in the log at start, not later
            while True:
                line = self._queue.get()
                if line is _STOP:
                    return
                self._write(line.encode("utf-8"))
        finally:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = None

    def _write(self, data: bytes) -> None:
        if self._refused:
            return
        try:
            if self._fd is not None and self._size + len(data) > self.max_bytes:
                self._rotate()
            if self._fd is None:
                self._open()
                if self._fd is None:
                    return
            if not data:
                return
            view = memoryview(data)
            while view:  # a regular file takes it all at once; a short write is continued
                view = view[os.write(self._fd, view):]
            self._size += len(data)
            self.written += 1
        except OSError as exc:  # a full disk, a removed folder: dropped, logged when it starts
            if self._failing is None:
                log.warning("events log %s: cannot write: %s (the show goes on; lines are "
                            "dropped until it can)", self.path, exc.strerror or exc)
            self._failing = str(exc)
            if data:
                self._drop(f"cannot write: {exc.strerror or exc}")
            self._close_fd()
            return
        if self._failing is not None:
            log.info("events log %s: written again", self.path)
            self._failing = None

    def _open(self) -> None:
        """Append to ``path`` if it is (or becomes) a regular file. O_NONBLOCK: a FIFO with no
        reader would hold ``open`` for ever; the kind is checked on the open descriptor."""
        flags = (os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)
                 | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            fd = os.open(self.path, flags, 0o666)
        except OSError:
            kind = _kind(self.path)
            if kind is None:
                raise
            self._refuse(kind)
            return
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            self._refuse(describe_kind(st.st_mode))
            return
        self._fd, self._size = fd, st.st_size

    def _refuse(self, kind: str) -> None:
        self._refused = True
        log.warning("events log %s is %s, not a file: no events are written", self.path, kind)

    def _rotate(self) -> None:
        self._close_fd()
        os.replace(self.path, self.path.with_name(self.path.name + ".1"))

    def _close_fd(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _kind(path: Path) -> str | None:
    """What stands at ``path`` when it is not a regular file (None: a file or nothing)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else describe_kind(mode)


class EventLogListener(Listener):
    """The show's telemetry into the events log: slide changes, interactions and visits
    (what ``kiosk stats`` reads, #16); frames and reloads are for /metrics only."""

    def __init__(self, events: EventLog) -> None:
        self.events = events

    def slide(self, t: float, index: int, reason: str) -> None:
        self.events.record("slide", t=t, index=index, reason=reason)

    def interaction(self, t: float, kind: str, index: int) -> None:
        self.events.record("interaction", t=t, kind=kind, index=index)

    def visit(self, t: float, active: bool) -> None:
        self.events.record("visit", t=t, active=active)

    def close(self) -> None:
        self.events.close()
