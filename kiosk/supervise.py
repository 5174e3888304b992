"""``kiosk supervise``: keep a show running for weeks.

Starts ``kiosk run`` as a child with a status file, restarts it within 3 s when it dies,
kills and restarts it when the status file's ``time`` stops advancing for 30 s (a frozen UI
thread), backs off when it crashes in a loop, and ends when the show exits cleanly (the exit
chord and PIN). Under systemd it sends ``READY=1`` and ``WATCHDOG=1`` to ``$NOTIFY_SOCKET``.
No Qt here: the decisions are a state machine driven by :meth:`Supervisor.step`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kiosk import resources

log = logging.getLogger("kiosk.supervise")
RESTART_S = 1.0  # after a crash: back within 3 s
FROZEN_S = 30.0  # status time not advancing this long: the UI thread is stuck
STARTUP_GRACE_S = 45.0  # a fresh child may take a while before its first status
LOOP_CRASHES, LOOP_WINDOW_S, LOOP_PAUSE_S = 5, 120.0, 60.0
POLL_S = 1.0


class Child(Protocol):
    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    def wait(self, timeout: float | None = None) -> int: ...


def sd_notify(message: str) -> None:
    """A datagram to systemd's notify socket, if the unit gave us one (no dependency)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):  # abstract namespace
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as exc:
        log.debug("sd_notify failed: %s", exc)


class Supervisor:
    def __init__(self, command: list[str], status_file: Path,
                 spawn: Callable[[list[str]], Child] = subprocess.Popen,
                 clock: Callable[[], float] = time.monotonic,
                 notify: Callable[[str], None] = sd_notify) -> None:
        self.command = command
        self.status_file = status_file
        self.spawn = spawn
        self.clock = clock
        self.notify = notify
        self.child: Child | None = None
        self.started = 0.0
        self.crashes: list[float] = []
        self.restart_at = 0.0
        self.last_status: Any = None
        self.status_changed = 0.0
        self.done = False
        self.watchdog = bool(os.environ.get("WATCHDOG_USEC"))
        # tests shorten the wait; operators have no reason to
        self.frozen_s = float(os.environ.get("KIOSK_SUPERVISE_FROZEN_S", FROZEN_S))

    def step(self) -> float | None:
        """Look once and act; returns how long to wait before the next look (None: done)."""
        now = self.clock()
        if self.child is None:
            if now < self.restart_at:
                return min(POLL_S, self.restart_at - now)
            self._start(now)
            return POLL_S
        code = self.child.poll()
        if code is not None:
            return self._exited(code, now)
        if self._frozen(now):
            log.error("the show stopped updating its status for %.0f s (frozen); restarting it",
                      now - self.status_changed)
            self._stop_child()
            return self._exited(-1, now)
        if self.watchdog:
            self.notify("WATCHDOG=1")
        return POLL_S

    def _start(self, now: float) -> None:
        self.status_file.unlink(missing_ok=True)
        self.child = self.spawn(self.command)
        self.started = self.status_changed = now
        self.last_status = None
        log.info("show started (pid %s): %s", getattr(self.child, "pid", "?"),
                 " ".join(self.command))
        self.notify("READY=1")

    def _exited(self, code: int, now: float) -> float | None:
        self.child = None
        if code == 0:
            log.info("the show exited cleanly; the supervisor ends too")
            self.done = True
            return None
        self.crashes = [t for t in self.crashes if now - t <= LOOP_WINDOW_S] + [now]
        if len(self.crashes) > LOOP_CRASHES:
            log.error("the show crashed %d times in %.0f s (exit code %d); waiting %.0f s "
                      "before trying again. Check the deck with `kiosk check` and the log.",
                      len(self.crashes), LOOP_WINDOW_S, code, LOOP_PAUSE_S)
            self.restart_at = now + LOOP_PAUSE_S
            self.crashes.clear()
        else:
            log.warning("the show exited with code %d; restarting it in %.0f s", code,
                        RESTART_S)
            self.restart_at = now + RESTART_S
        return min(POLL_S, self.restart_at - now)

    def _frozen(self, now: float) -> bool:
        status = self._read_status()
        if status is not None and status != self.last_status:
            self.last_status = status
            self.status_changed = now
            return False
        limit = self.frozen_s if self.last_status is not None else STARTUP_GRACE_S
        return now - self.status_changed > limit

    def _read_status(self) -> Any:
        try:
            return json.loads(self.status_file.read_text(encoding="utf-8")).get("time")
        except (OSError, ValueError, AttributeError):
            return None

    def _stop_child(self) -> None:
        assert self.child is not None
        self.child.terminate()
        try:
            self.child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait(timeout=5)

    def shutdown(self) -> None:
        """The supervisor itself is asked to stop (SIGTERM): stop the show first."""
        if self.child is not None and self.child.poll() is None:
            self._stop_child()
        self.child = None
        self.done = True


def supervise(run_args: list[str]) -> int:
    """Run ``kiosk run RUN_ARGS`` under supervision until the show exits cleanly."""
    import signal

    from kiosk.logsetup import setup_logging

    setup_logging("INFO")
    status = Path(tempfile.gettempdir()) / f"kiosk-supervised-{os.getpid()}.json"
    command = resources.kiosk_command("run", *run_args, "--status-file", str(status))
    supervisor = Supervisor(command, status)
    signal.signal(signal.SIGTERM, lambda *_: supervisor.shutdown())
    try:
        while not supervisor.done:
            delay = supervisor.step()
            if delay is None:
                break
            time.sleep(delay)
    except KeyboardInterrupt:
        supervisor.shutdown()
    status.unlink(missing_ok=True)
    return 0
