"""The end of a ``kiosk run`` process: bounded, whatever is still stuck (#18 B).

Python joins every non-daemon thread at exit and Qt waits for its thread pools, so one
stuck fetch, deck load or image decode froze a confirmed operator exit until the
supervisor killed the show and restarted it, which undid the exit. Here the process ends
within EXIT_GRACE_S of the event loop's end: threads that finish in time (the launch
image's writer) are joined, logs and stdio are flushed (the log's queues within DRAIN_S), then
``os._exit`` ends it with the show's exit code. A watchdog does the same if the show's own
clean-up hangs.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import NoReturn

from kiosk.logsetup import DRAIN_S, drain
from kiosk.logsetup import FLUSH_S as LOG_FLUSH_S

EXIT_GRACE_S = 1.5  # from the end of the event loop to the end of the process
LOG_S = DRAIN_S + 2 * LOG_FLUSH_S  # the most _end gives the log's threads (file, stderr)
JOIN_S = 1.0  # of which threads that are still working may take this long
FLUSH_S = 0.1  # per log handler: one held by a stuck thread is skipped


def arm_watchdog(code: int) -> threading.Timer:
    """Ends the process with ``code`` in EXIT_GRACE_S, even if the clean-up hangs."""
    timer = threading.Timer(EXIT_GRACE_S - LOG_S, _end, args=(code, "the clean-up hung"))
    timer.name, timer.daemon = "kiosk-exit-watchdog", True
    timer.start()
    return timer


def end_process(code: int) -> NoReturn:
    """Join the threads that end in time, flush, and end the process with ``code``."""
    deadline = time.monotonic() + JOIN_S
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in threading.enumerate()
             if t is not threading.current_thread() and not t.daemon and t.is_alive()]
    _end(code, f"abandoning stuck thread(s): {', '.join(stuck)}" if stuck else None)


def _end(code: int, why: str | None) -> NoReturn:
    if why:
        logging.getLogger(__name__).warning("exit: %s", why)
    # the log's own threads (kiosk/logsetup.py): what is queued, bounded. If one is stuck in
    # a write to a stderr pipe nobody reads, flushing stderr here would wait for it for ever.
    stuck = not drain(DRAIN_S)
    for handler in logging.getLogger().handlers:
        if handler.lock is None or handler.lock.acquire(timeout=FLUSH_S):
            try:
                handler.flush()
            except Exception:  # a log that cannot be flushed must not stop the exit
                pass
            finally:
                if handler.lock is not None:
                    handler.lock.release()
    for stream in (sys.stdout,) if stuck else (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # a closed pipe: nothing more to say
            pass
    os._exit(code)
