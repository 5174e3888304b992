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
  The screen locks live in a folder only this user can write to (:func:`runtime_dir`), and
  nothing is signalled but a ``kiosk run`` of this user for this screen: a lock file naming
  any other process once got that process killed (#18).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import stat
import tempfile
import time
from collections.abc import Iterator
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


def heartbeat_wanted() -> bool:
    """A supervisor handed this show a heartbeat pipe: beat, status file or not."""
    return os.environ.get(HEARTBEAT_ENV, "").isdigit()


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


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.decode("utf-8", "surrogateescape").split("\0")[:-1]


def _is_supervisor(pid: int) -> bool:
    args = _cmdline(pid) or []
    return "supervise" in args and any("kiosk" in arg for arg in args)


KIOSK_NAMES = frozenset({"kiosk", "kiosk.exe", "kioskw.exe"})  # the script, frozen binaries


def run_screen(args: list[str], screens: int) -> int | None:
    """The screen a ``kiosk run`` command line shows on (clamped as ``kiosk run`` clamps
    it to ``screens``), or None when it is not a ``kiosk run``: ``python -m kiosk run …``,
    ``…/kiosk run …`` (the script, with or without its interpreter, or the frozen binary)."""
    for index, arg in enumerate(args):
        if arg != "run" or index == 0:
            continue
        if args[index - 1].replace("\\", "/").rsplit("/", 1)[-1] in KIOSK_NAMES:
            return _screen_option(args[index + 1:], screens)
    return None


def _screen_option(args: list[str], screens: int) -> int | None:
    screen = 0  # kiosk run's default
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--screen" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--screen="):
            value = arg.partition("=")[2]
        else:
            continue
        try:
            screen = int(value)
        except ValueError:
            return None
    return screen if 0 <= screen < screens else 0


def _uids(pid: int) -> tuple[int, int] | None:
    """(real, effective) user ids of a process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("Uid:"):
                real, effective = line.split()[1:3]
                return int(real), int(effective)
    except (OSError, ValueError):
        return None
    return None


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


def replace_orphan(pid: int, screen: int = 0, screens: int = 1) -> bool:
    """Stop the show ``pid`` that holds our ``screen`` (of ``screens``), unless a live
    supervisor runs it; True when the screen is ours to take.

    Only a ``kiosk run`` of this user for this screen is ever signalled (#18). A lock naming
    any other process (of another user, or not a show: its pid was reused) is stale: the
    screen is taken and nothing is signalled. Another supervisor's show is left alone: two
    supervisors would otherwise take the screen from each other for ever. Where /proc cannot
    tell who runs it, it is left alone too.
    """
    if pid <= 0 or pid == os.getpid():
        return False
    with _pinned(pid) as pidfd:  # the pid cannot be reused by another process meanwhile
        found, args, uids = _proc_stat(pid), _cmdline(pid), _uids(pid)
        if found is None and Path("/proc/self/stat").exists():
            return True  # it is gone: the lock is stale
        if found is None or args is None or uids is None:
            log.warning("cannot tell who runs the show (pid %d) on this screen; leaving it",
                        pid)
            return False
        if _gone(pid):
            return True
        if uids != (os.getuid(), os.getuid()) or run_screen(args, screens) is None:
            log.warning("the lock of screen %d names pid %d, which is no show of ours; the "
                        "lock is stale and nothing is stopped", screen, pid)
            return True
        if run_screen(args, screens) != screen:
            log.error("the lock of screen %d names a show (pid %d) on another screen; "
                      "leaving it", screen, pid)
            return False
        parent = found[1]
        if parent != os.getppid() and _is_supervisor(parent):
            log.error("the show (pid %d) on this screen runs under another supervisor "
                      "(pid %d); leaving it", pid, parent)
            return False
        log.warning("a show (pid %d) holds this screen without a supervisor (its own was "
                    "stopped or killed); replacing it", pid)
        for sig, wait in ((signal.SIGTERM, ORPHAN_STOP_S), (signal.SIGKILL, 5.0)):
            if sig == signal.SIGKILL:
                log.warning("the old show (pid %d) did not stop within %.0f s; killing it",
                            pid, ORPHAN_STOP_S)
            try:
                _signal(pid, pidfd, sig)
            except ProcessLookupError:
                return True
            except PermissionError as exc:
                log.error("cannot stop the show (pid %d) on this screen: %s; leaving it",
                          pid, exc)
                return False
            if _wait_gone(pid, wait):
                return True
        return False


@contextlib.contextmanager
def _pinned(pid: int) -> Iterator[int | None]:
    """A pidfd for ``pid`` (Linux 5.3+), so that a signal can never reach another process
    that got its number; None where there is none (the process is gone, or no pidfd)."""
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        yield pidfd
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _signal(pid: int, pidfd: int | None, sig: int) -> None:
    if pidfd is not None:
        signal.pidfd_send_signal(pidfd, sig)
    else:
        os.kill(pid, sig)


# ------------------------------------------------------------------ the runtime folder

class UnsafeFolderError(OSError):
    """A folder that someone else could write to: no place for the screen locks."""


def runtime_dir() -> Path:
    """The folder of the screen locks, writable by this user alone (#18): ``KIOSK_RUNTIME_DIR``,
    else ``$XDG_RUNTIME_DIR/kiosk``, else ``kiosk-UID`` in the temp folder, made with mode
    0700. One that exists with another owner or a looser mode is refused, with a warning, for
    ``run`` in the cache folder; OSError if that one will not do either."""
    explicit = os.environ.get("KIOSK_RUNTIME_DIR")
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if explicit:
        folder = Path(explicit)
    elif xdg:
        folder = Path(xdg) / "kiosk"
    elif hasattr(os, "getuid"):
        folder = Path(tempfile.gettempdir()) / f"kiosk-{os.getuid()}"
    else:  # Windows: the temp folder is the user's own
        folder = Path(tempfile.gettempdir()) / "kiosk"
    try:
        return private_dir(folder)
    except OSError as exc:
        from kiosk.core.files import cache_root

        fallback = cache_root() / "run"
        log.warning("not keeping the screen locks in %s: %s; using %s", folder, exc, fallback)
        return private_dir(fallback)


def private_dir(folder: Path) -> Path:
    """``folder``, made with mode 0700 if absent; UnsafeFolderError unless it is a directory
    (not a link) that this user owns and nobody else may write to."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    if not hasattr(os, "getuid"):  # Windows: no owner or mode bits to check
        return folder
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolderError(f"{folder} is not a directory")
    if info.st_uid != os.getuid():
        raise UnsafeFolderError(f"{folder} belongs to user {info.st_uid}, not to us")
    if info.st_mode & 0o077:
        raise UnsafeFolderError(f"{folder} has mode {stat.S_IMODE(info.st_mode):04o}, "
                                "not 0700")
    return folder
