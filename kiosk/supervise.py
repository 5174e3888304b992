"""``kiosk supervise``: keep a show running for weeks.

Starts ``kiosk run`` as a child, restarts it within 3 s when it dies or
ends for any reason but an operator's (a SIGTERM sent to the child alone included), kills and
restarts it when its heartbeat stops for 30 s (a frozen UI thread), backs off when it crashes
in a loop, and ends when an operator ends the show (the exit chord and PIN: the child's exit
code :data:`~kiosk.supervision.EXIT_OPERATOR`). The heartbeat is a pipe the child's UI thread
writes to, not the status file: a full disk makes status writes fail, and that is no frozen
show (#18 E); the status file is for monitoring: the operator's ``--status-file`` goes to the
show untouched (:func:`status_for`). Under systemd it sends ``READY=1`` and
``WATCHDOG=1`` to ``$NOTIFY_SOCKET``. No Qt here: the decisions are a state machine driven by
:meth:`Supervisor.step`. The child/supervisor contract is in :mod:`kiosk.supervision`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kiosk import resources
from kiosk.supervision import (
    EXIT_OPERATOR,
    EXIT_SCREEN_TAKEN,
    HEARTBEAT_ENV,
    SUPERVISED_ENV,
)

log = logging.getLogger("kiosk.supervise")
RESTART_S = 1.0  # after a crash: back within 3 s
FROZEN_S = 30.0  # no heartbeat (nor status time advancing) this long: the UI is stuck
STARTUP_GRACE_S = 45.0  # a fresh child may take a while before its first status
LOOP_CRASHES, LOOP_WINDOW_S, LOOP_PAUSE_S = 5, 120.0, 60.0
POLL_S = 1.0


class Child(Protocol):
    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    def wait(self, timeout: float | None = None) -> int: ...


def spawn_child(command: list[str], heartbeat_fd: int | None) -> Child:
    """Start the show, told it is supervised and handed the heartbeat pipe's write end."""
    env = {**os.environ, SUPERVISED_ENV: "1"}
    env.pop(HEARTBEAT_ENV, None)
    if heartbeat_fd is None:
        return subprocess.Popen(command, env=env)
    env[HEARTBEAT_ENV] = str(heartbeat_fd)
    return subprocess.Popen(command, env=env, pass_fds=(heartbeat_fd,))


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


def _option(args: list[str], name: str) -> str | None:
    """The value of ``--name X`` or ``--name=X`` in ``kiosk run`` options; the last wins,
    as in argparse."""
    value = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == name and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith(name + "="):
            value = arg.partition("=")[2]
    return value


def status_for(run_args: list[str], posix: bool = os.name == "posix") -> tuple[Path | None, bool]:
    """The status file the supervisor reads, and whether it is its own to add and remove.

    The operator's ``--status-file`` is the show's, passed through untouched: the supervisor
    once appended its own, which argparse preferred, so a monitoring agent's file was never
    written (#18). On POSIX the heartbeat pipe tells whether the show lives and no status
    file is needed; elsewhere, without one from the operator, the supervisor adds its own,
    one stable name per screen in the runtime folder, removed when it ends.
    """
    given = _option(run_args, "--status-file")
    if given:
        return Path(given), False
    if posix:
        return None, False
    from kiosk.supervision import runtime_dir

    screen = _option(run_args, "--screen") or "0"
    number = int(screen) if screen.isdigit() else 0
    return runtime_dir() / f"supervised-screen-{number}.json", True


def _shown(arg: str) -> str:
    """An argument as the log may show it: a deck URL's password or token masked (#15)."""
    if "://" not in arg:
        return arg
    from kiosk.core.feeds.redact import redact_url

    return redact_url(arg)


class Supervisor:
    def __init__(self, command: list[str], status_file: Path | None,
                 spawn: Callable[[list[str], int | None], Child] = spawn_child,
                 clock: Callable[[], float] = time.monotonic,
                 notify: Callable[[str], None] = sd_notify, own_status: bool = True) -> None:
        self.command = command
        self.status_file = status_file
        self.own_status = own_status  # else the operator's: never removed
        self.spawn = spawn
        self.clock = clock
        self.notify = notify
        self.child: Child | None = None
        self.started = 0.0
        self.crashes: list[float] = []
        self.restart_at = 0.0
        self.last_status: Any = None
        self.alive_at = 0.0  # the last sign of life: a heartbeat, or a new status time
        self.heard_from = False  # any sign of life yet from this child (else: starting up)
        self.done = False
        self.failed = False  # ended without a show of its own (another supervisor's screen)
        self.beats: int | None = None  # the heartbeat pipe's read end (POSIX)
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
            log.error("the show gave no sign of life for %.0f s (frozen); restarting it",
                      now - self.alive_at)
            self._stop_child()
            return self._exited(-1, now)
        if self.watchdog:
            self.notify("WATCHDOG=1")
        return POLL_S

    def _start(self, now: float) -> None:
        if self.status_file is not None and self.own_status:
            self.status_file.unlink(missing_ok=True)
        last = None if self.own_status else self._read_status()  # an old time is no life
        self._close_beats()
        write_end: int | None = None
        if os.name == "posix":  # pass_fds is POSIX; elsewhere the status file's time counts
            self.beats, write_end = os.pipe()
            os.set_blocking(self.beats, False)
        try:
            self.child = self.spawn(self.command, write_end)
        finally:
            if write_end is not None:
                os.close(write_end)  # the child's copy is the only one: EOF when it dies
        self.started = self.alive_at = now
        self.last_status = last
        self.heard_from = False
        log.info("show started (pid %s): %s", getattr(self.child, "pid", "?"),
                 " ".join(_shown(arg) for arg in self.command))
        self.notify("READY=1")

    def _exited(self, code: int, now: float) -> float | None:
        self.child = None
        self._close_beats()
        if code == EXIT_OPERATOR:
            log.info("the show was ended on purpose (exit chord and PIN); the supervisor "
                     "ends too")
            self.done = True
            return None
        if code == EXIT_SCREEN_TAKEN:
            log.error("another supervisor already runs a show on this screen; this one ends")
            self.done = self.failed = True
            return None
        self.crashes = [t for t in self.crashes if now - t <= LOOP_WINDOW_S] + [now]
        if len(self.crashes) > LOOP_CRASHES:
            log.error("the show crashed %d times in %.0f s (exit code %d); waiting %.0f s "
                      "before trying again. Check the deck with `kiosk check` and the log.",
                      len(self.crashes), LOOP_WINDOW_S, code, LOOP_PAUSE_S)
            self.restart_at = now + LOOP_PAUSE_S
            self.crashes.clear()
        elif code == 0:  # SIGTERM to the show alone, a window closed: nobody chose to end it
            log.warning("the show stopped (exit code 0) but no operator ended it; restarting "
                        "it in %.0f s", RESTART_S)
            self.restart_at = now + RESTART_S
        else:
            log.warning("the show exited with code %d; restarting it in %.0f s", code,
                        RESTART_S)
            self.restart_at = now + RESTART_S
        return min(POLL_S, self.restart_at - now)

    def _frozen(self, now: float) -> bool:
        """No sign of life for too long: no heartbeat (without a pipe: no new status time)."""
        if self._heard() if self.beats is not None else self._status_advanced():
            self.alive_at = now
            self.heard_from = True
            return False
        limit = self.frozen_s if self.heard_from else STARTUP_GRACE_S
        return now - self.alive_at > limit

    def _status_advanced(self) -> bool:
        """Without a heartbeat pipe (not POSIX), the status file's time must move."""
        status = self._read_status()
        if status is None or status == self.last_status:
            return False
        self.last_status = status
        return True

    def _heard(self) -> bool:
        """Drain the heartbeat pipe; True when at least one beat came since the last look."""
        heard = False
        while self.beats is not None:
            try:
                chunk = os.read(self.beats, 4096)
            except OSError:  # BlockingIOError: nothing more for now
                break
            if not chunk:
                break  # EOF: the child closed it or died; poll() tells which
            heard = True
        return heard

    def _close_beats(self) -> None:
        if self.beats is not None:
            os.close(self.beats)
            self.beats = None

    def _read_status(self) -> Any:
        if self.status_file is None:
            return None
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
        self._close_beats()
        self.done = True


def supervise(run_args: list[str]) -> int:
    """Run ``kiosk run RUN_ARGS`` under supervision until an operator ends the show (0), or
    until the screen turns out to be another supervisor's (1)."""
    import signal

    from kiosk.logsetup import setup_logging

    setup_logging("INFO")
    status, own = status_for(run_args)
    extra = ["--status-file", str(status)] if own and status is not None else []
    command = resources.kiosk_command("run", *run_args, *extra)
    supervisor = Supervisor(command, status, own_status=own)
    signal.signal(signal.SIGTERM, lambda *_: supervisor.shutdown())
    try:
        while not supervisor.done:
            delay = supervisor.step()
            if delay is None:
                break
            time.sleep(delay)
    except KeyboardInterrupt:
        supervisor.shutdown()
    if own and status is not None:
        status.unlink(missing_ok=True)
    return 1 if supervisor.failed else 0
