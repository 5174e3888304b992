"""What ``kiosk supervise`` and its ``kiosk run`` child tell each other (#18 E). No Qt.

- The child's exit code says how the show ended. 0 is not "done": a SIGTERM sent to the child
  alone ends it cleanly too, and the supervisor must bring that show back. Only
  :data:`EXIT_OPERATOR` (the exit chord and PIN, or ``--exit-after``) ends the supervisor.
  Unsupervised, ``kiosk run`` keeps returning 0 for all of these.
- A heartbeat: one byte a second down a pipe the supervisor hands over
  (:data:`HEARTBEAT_ENV` names its fd), written by the show's UI thread. A frozen UI thread
  stops it; a full disk does not (the status file is for monitoring, and its writes can fail).
- One show per screen: when the screen is held by a show whose supervisor was killed (an
  orphan), a supervised child stops that show and takes the screen (:func:`replace_orphan`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from pathlib import Path

log = logging.getLogger(__name__)
SUPERVISED_ENV = "KIOSK_SUPERVISED"  # "1" in the child's environment
HEARTBEAT_ENV = "KIOSK_HEARTBEAT_FD"  # the write end of the heartbeat pipe
EXIT_OPERATOR = 80  # ended on purpose (exit chord and PIN, --exit-after): the supervisor ends
EXIT_SCREEN_TAKEN = 81  # another live supervisor's show holds the screen: this one ends
ORPHAN_STOP_S = 10.0  # the old show's own exit takes at most 1.5 s (#18 B); then SIGKILL


def supervised() -> bool:
    """This process is a show that ``kiosk supervise`` started."""
    return os.environ.get(SUPERVISED_ENV) == "1"


class Heartbeat:
    """The child's end: :meth:`beat` once a second from the UI thread; never blocks."""

    def __init__(self, fd: int | None) -> None:
        self.fd = fd
        if fd is not None:
            try:
                os.set_blocking(fd, False)  # a supervisor that reads late must not stall us
            except OSError as exc:
                log.warning("no heartbeat for the supervisor (fd %d): %s", fd, exc)
                self.fd = None

    @classmethod
    def from_env(cls) -> Heartbeat:
        value = os.environ.get(HEARTBEAT_ENV, "")
        return cls(int(value) if value.isdigit() else None)

    def beat(self) -> None:
        if self.fd is None:
            return
        try:
            os.write(self.fd, b".")
        except BlockingIOError:
            pass  # the pipe is full: the supervisor has beats enough to read
        except OSError as exc:  # EPIPE: the supervisor is gone
            log.warning("the supervisor no longer reads the heartbeat (%s); stopping it", exc)
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


_heartbeat: Heartbeat | None = None


def heartbeat() -> None:
    """One beat of this process's heartbeat (set up from the environment on first use)."""
    global _heartbeat
    if _heartbeat is None:
        _heartbeat = Heartbeat.from_env()
    _heartbeat.beat()


# ------------------------------------------------------------------ orphans (Linux /proc)

def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it is gone or cannot be told."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()  # the name in (…) may hold spaces
    try:
        return fields[0], int(fields[1])
    except (IndexError, ValueError):
        return None


def _is_supervisor(pid: int) -> bool:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"supervise" in args and any(b"kiosk" in arg for arg in args)


def _gone(pid: int) -> bool:
    found = _proc_stat(pid)
    return found is None or found[0] in ("Z", "X")  # a zombie shows nothing any more


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not _gone(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def replace_orphan(pid: int) -> bool:
    """Stop the show ``pid`` that holds our screen, unless a live supervisor runs it.

    True when it is gone (the screen is ours to take). Another supervisor's show is left
    alone: two supervisors would otherwise take the screen from each other for ever. Where
    /proc cannot tell who runs it, it is left alone too.
    """
    if pid <= 0 or pid == os.getpid():
        return False
    found = _proc_stat(pid)
    if found is None:
        log.warning("cannot tell who runs the show (pid %d) on this screen; leaving it", pid)
        return False
    if _gone(pid):
        return True
    parent = found[1]
    if parent != os.getppid() and _is_supervisor(parent):
        log.error("the show (pid %d) on this screen runs under another supervisor (pid %d); "
                  "leaving it", pid, parent)
        return False
    log.warning("a show (pid %d) holds this screen without a supervisor (its own was "
                "stopped or killed); replacing it", pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not _wait_gone(pid, ORPHAN_STOP_S):
        log.warning("the old show (pid %d) did not stop within %.0f s; killing it", pid,
                    ORPHAN_STOP_S)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if not _wait_gone(pid, 5.0):
            return False
    return True
