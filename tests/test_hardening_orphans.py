"""A supervised show replaces an orphan on its screen, and nothing else (#18): a lock file
naming any process got that process killed, the lock lived in /tmp, and a PermissionError
went uncaught. Now only a `kiosk run` of this user for this screen is signalled, and the
screen locks live in a folder only this user can write to. Real processes, real locks."""

from __future__ import annotations

import logging
import os
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kiosk.supervision import EXIT_OPERATOR

from .conftest import REPO

SLEEPER = "import time; time.sleep(600)"


def lock_naming(folder: Path, pid: int) -> None:
    """The screen-0 lock as QLockFile writes it, naming ``pid`` (and its real process name,
    so that Qt takes the lock for live)."""
    folder.mkdir(mode=0o700, exist_ok=True)
    name = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    (folder / "kiosk-screen-0.lock").write_text(f"{pid}\n{name}\n{socket.gethostname()}\n")


def supervised_run(tmp_path: Path, runtime: Path) -> subprocess.CompletedProcess[str]:
    deck = tmp_path / "deck.yaml"
    deck.write_text("title: t\nslides:\n  - {type: title, title: 封面}\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_SUPERVISED": "1",
           "KIOSK_RUNTIME_DIR": str(runtime)}
    return subprocess.run([sys.executable, "-m", "kiosk", "run", str(deck), "--windowed",
                           "--exit-after", "1"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="Linux /proc")
@pytest.mark.parametrize("other_user", [False, True])
def test_a_lock_naming_a_process_that_is_no_show_of_ours_gets_nothing_killed(tmp_path,
                                                                             other_user):
    """#18: `printf "$V\\npython3.11\\n$(hostname)\\n" > RT/kiosk-screen-0.lock`, then a
    supervised `kiosk run` killed pid $V, whatever it was. Here $V is a plain sleeper, or a
    process of another user whose command line even looks like `kiosk run`."""
    interpreter = sys.executable
    if other_user:
        if os.geteuid() != 0 or not os.access("/usr/bin/python3", os.X_OK):
            pytest.skip("a process of another user: needs root and a system python3")
        interpreter = "/usr/bin/python3"  # one that user may run
    command = [interpreter, "-c", SLEEPER] + (["kiosk", "run"] if other_user else [])
    victim = subprocess.Popen(command, user=65534 if other_user else None)
    try:
        lock_naming(tmp_path / "run", victim.pid)
        done = supervised_run(tmp_path, tmp_path / "run")
        assert victim.poll() is None, "the process the lock named was killed"
        assert done.returncode == EXIT_OPERATOR, done.stderr  # it took the screen, and showed
        assert f"names pid {victim.pid}, which is no show of ours" in done.stderr
    finally:
        victim.kill()
        victim.wait(timeout=60)


def test_a_kiosk_run_is_told_by_its_command_line_and_screen():
    from kiosk.supervision import run_screen

    python = ["/usr/bin/python3", "-m", "kiosk", "run", "deck.yaml"]
    assert run_screen(python, 1) == 0
    assert run_screen([*python, "--screen", "1"], 2) == 1
    assert run_screen([*python, "--screen=1"], 2) == 1
    assert run_screen([*python, "--screen", "3"], 2) == 0  # kiosk run falls back to screen 0
    assert run_screen(["/opt/kiosk/kiosk", "run", "--windowed"], 1) == 0  # frozen
    assert run_screen(["/usr/bin/python3", "/home/a/.venv/bin/kiosk", "run"], 1) == 0
    assert run_screen(["/usr/bin/python3", "-m", "kiosk", "supervise", "run"], 1) is None
    assert run_screen(["python3.11"], 1) is None
    assert run_screen(["/usr/bin/python3", "-c", "run"], 1) is None
    assert run_screen(["/usr/bin/sleep", "run"], 1) is None


@pytest.fixture
def no_runtime_env(monkeypatch, tmp_path):
    """No KIOSK_RUNTIME_DIR nor XDG_RUNTIME_DIR; the temp folder is tmp_path/tmp."""
    monkeypatch.delenv("KIOSK_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    (tmp_path / "tmp").mkdir(mode=0o777)
    (tmp_path / "tmp").chmod(0o1777)  # as /tmp
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return tmp_path / "tmp"


def lock_folder(screen: int = 0) -> Path:
    from kiosk.qt.app import _screen_lock

    return Path(_screen_lock(screen).fileName()).parent


def private(folder: Path) -> bool:
    info = folder.lstat()
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and stat.S_IMODE(info.st_mode) == 0o700)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_the_screen_locks_live_in_a_folder_only_this_user_can_write(no_runtime_env,
                                                                    monkeypatch, tmp_path):
    """#18: the lock was in the temp folder itself, where anyone could write one."""
    folder = lock_folder()
    assert folder == no_runtime_env / f"kiosk-{os.getuid()}" and private(folder)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdg"))
    (tmp_path / "xdg").mkdir(mode=0o700)
    assert lock_folder() == tmp_path / "xdg" / "kiosk" and private(tmp_path / "xdg" / "kiosk")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
@pytest.mark.parametrize("made_by", ["a loose mode", "another user", "a symlink"])
def test_a_lock_folder_someone_else_could_write_to_is_refused(no_runtime_env, caplog,
                                                              made_by):
    """Made in advance by someone else (or open to them): not used, with a warning; the
    locks go to the user's own cache folder instead."""
    folder = no_runtime_env / f"kiosk-{os.getuid()}"
    if made_by == "a loose mode":
        folder.mkdir()
        folder.chmod(0o777)
        says = "has mode 0777, not 0700"
    elif made_by == "another user":
        if os.geteuid() != 0:
            pytest.skip("giving a folder to another user needs root")
        folder.mkdir(mode=0o700)
        os.chown(folder, 65534, 65534)
        says = "belongs to user 65534, not to us"
    else:
        (no_runtime_env / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(no_runtime_env / "elsewhere")
        says = "is not a directory"
    with caplog.at_level(logging.WARNING, logger="kiosk.supervision"):
        used = lock_folder()
    assert used == Path(os.environ["KIOSK_CACHE_DIR"]) / "run" and private(used)
    assert f"not keeping the screen locks in {folder}: {folder} {says}" in caplog.text
