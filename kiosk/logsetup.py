"""Logging for an unattended show: rotated files in the platform's log folder, stderr, and
hooks so that an exception anywhere is logged instead of ending the process.

Logging never holds up the show (#18): a record is handed to a bounded queue, and each
destination (the file, stderr) writes on its own daemon thread. A stderr pipe that nobody
reads, or a slow disk, stalls only that thread; when its queue is full, records are dropped
and counted, and the count is logged once the queue has drained. The log file is opened only
if it is a regular file (or absent), without blocking: a FIFO in its place held the start for
ever. The exit waits for none of this for long (:func:`drain`, kiosk/qt/exiting.py).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import logging.handlers
import os
import queue
import stat
import sys
import threading
import time
from pathlib import Path
from typing import Any

from kiosk.core.files import UnreadableFileError, describe_kind

log = logging.getLogger("kiosk")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES, BACKUPS = 2 * 1024 * 1024, 5
QUEUE_RECORDS = 10_000  # per destination; beyond it records are dropped and counted
FLUSH_S = 0.05  # per destination, at exit: one stuck in a write is left behind
DRAIN_S = 0.2  # at exit, for what is still queued


def log_dir(explicit: str | None = None) -> Path:
    """``--log-dir``, else ``KIOSK_LOG_DIR``, else the platform's log folder: Windows
    ``%LOCALAPPDATA%\\kiosk\\Logs`` (beside the cache's ``Cache``), Linux
    ``~/.local/state/kiosk/log``."""
    if explicit:
        return Path(explicit)
    if os.environ.get("KIOSK_LOG_DIR"):
        return Path(os.environ["KIOSK_LOG_DIR"])
    import platformdirs

    return Path(platformdirs.user_log_dir("kiosk", appauthor=False))


def open_for_append(path: str, encoding: str | None = None,
                    errors: str | None = None) -> io.TextIOWrapper:
    """``path`` opened to append text, if it is a regular file or absent; else raises
    UnreadableFileError naming what it is. Never blocks: O_NONBLOCK, so that a FIFO cannot
    hold ``open`` until a reader comes, and the kind is checked on the open descriptor."""
    nonblock = getattr(os, "O_NONBLOCK", 0)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | nonblock | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:  # ENXIO: a FIFO with no reader; EISDIR: a directory
        try:
            mode = os.stat(path).st_mode
        except OSError:
            raise exc from None
        if not stat.S_ISREG(mode):
            raise UnreadableFileError(f"{path}: is {describe_kind(mode)}, not a file") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFileError(f"{path}: is {describe_kind(mode)}, not a file")
        if nonblock:
            os.set_blocking(fd, True)  # a regular file's writes wait for no reader
        return open(fd, "a", encoding=encoding, errors=errors)
    except BaseException:
        os.close(fd)
        raise


class RegularFileHandler(logging.handlers.RotatingFileHandler):
    """The rotated log file, opened only as a regular file (at the start and after each
    rotation); a failure to write is reported on stderr once, not once a record."""

    _failing: str | None = None

    def _open(self) -> io.TextIOWrapper:
        return open_for_append(self.baseFilename, self.encoding, self.errors)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        text = str(sys.exc_info()[1])
        if text != self._failing and sys.stderr is not None:
            self._failing = text
            with contextlib.suppress(Exception):  # stderr is gone too: nothing more to say
                sys.stderr.write(f"kiosk: cannot write the log file: {text}\n")


class BoundedQueueHandler(logging.handlers.QueueHandler):
    """Hands a record to a destination's thread; never waits: when that thread lags behind
    by QUEUE_RECORDS, the record is dropped and counted."""

    def __init__(self, records: queue.Queue[Any]) -> None:
        super().__init__(records)
        self._count = threading.Lock()
        self.dropped = 0

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            with self._count:
                self.dropped += 1

    def take_dropped(self) -> int:
        with self._count:
            count, self.dropped = self.dropped, 0
        return count


class Outlet(logging.handlers.QueueListener):
    """One destination on its own daemon thread (QueueListener's), fed by :attr:`entry`."""

    def __init__(self, handler: logging.Handler) -> None:
        self.records: queue.Queue[Any] = queue.Queue(QUEUE_RECORDS)
        self.entry = BoundedQueueHandler(self.records)
        self.handler = handler
        super().__init__(self.records, handler, respect_handler_level=True)

    def handle(self, record: logging.LogRecord) -> None:
        super().handle(record)
        if self.records.empty() and (dropped := self.entry.take_dropped()):
            super().handle(logging.makeLogRecord({
                "name": log.name, "levelno": logging.WARNING, "levelname": "WARNING",
                "msg": f"{dropped} log lines dropped: the log could not keep up"}))

    def drain(self, deadline: float) -> bool:
        """Wait until every queued record is written, or ``deadline``; True if written."""
        with self.records.all_tasks_done:
            return self.records.all_tasks_done.wait_for(
                lambda: not self.records.unfinished_tasks, max(0.0, deadline - time.monotonic()))

    def flush(self) -> bool:
        """Flush the destination unless its thread is stuck in a write; True if flushed."""
        lock = self.handler.lock
        if lock is not None and not lock.acquire(timeout=FLUSH_S):
            return False
        try:
            self.handler.flush()
        except Exception:  # a log that cannot be flushed must not stop the exit
            return False
        finally:
            if lock is not None:
                lock.release()
        return True


_outlets: list[Outlet] = []


def setup_logging(level: str = "INFO", folder: str | None = None) -> Path | None:
    """Log to ``kiosk.log`` (5 x 2 MB, rotated) and stderr; return the file's path."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        root.removeHandler(handler)
    _close_outlets()
    formatter = logging.Formatter(FORMAT)
    handlers: list[logging.Handler] = []
    if sys.stderr is not None:  # None in a windowed Windows executable (kioskw.exe)
        handlers.append(logging.StreamHandler())
    path: Path | None = log_dir(folder) / "kiosk.log"
    problem: str | None = None
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(RegularFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                           encoding="utf-8"))
    except OSError as exc:
        problem = f"cannot write the log file {path} ({exc}); logging to stderr only"
        path = None
    for handler in handlers:
        handler.setFormatter(formatter)
        outlet = Outlet(handler)
        outlet.start()
        _outlets.append(outlet)
        root.addHandler(outlet.entry)
    if problem:
        log.warning("%s", problem)
    install_excepthooks()
    return path


def drain(seconds: float = DRAIN_S) -> bool:
    """Let what is queued reach the file and stderr, and flush them: at most ``seconds``
    for the queues, and FLUSH_S for each destination (one stuck in a write is skipped).
    False when one is stuck."""
    deadline = time.monotonic() + seconds
    written = all([outlet.drain(deadline) for outlet in _outlets])
    return all([outlet.flush() for outlet in _outlets]) and written


def _close_outlets() -> None:
    """Stop the destinations' threads, within bounds. One stuck in a write is left to die
    with the process, and taken off logging's own exit list, whose flush would wait for it
    for ever."""
    drain()
    for outlet in _outlets:
        with contextlib.suppress(queue.Full):
            outlet.records.put_nowait(None)  # QueueListener's sentinel
        if outlet.flush():
            outlet.handler.close()
        else:
            refs = getattr(logging, "_handlerList", None)  # what logging.shutdown() flushes
            if isinstance(refs, list):
                refs[:] = [ref for ref in refs if ref() is not outlet.handler]
    _outlets.clear()


atexit.register(_close_outlets)  # before logging.shutdown(): atexit runs last-in first-out


def install_excepthooks() -> None:
    """An exception in a Qt slot or a thread is logged; the show goes on."""

    def hook(kind: type[BaseException], value: BaseException, tb: object) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)  # type: ignore[arg-type]
            return
        log.critical("uncaught exception (the show goes on)", exc_info=(kind, value, tb))  # type: ignore[arg-type]

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.critical("uncaught exception in thread %s", args.thread.name if args.thread else "?",
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]

    sys.excepthook = hook
    threading.excepthook = thread_hook
