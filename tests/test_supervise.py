"""`kiosk supervise`: restarts on a crash, kills a frozen show, backs off a crash loop.

The fakes beat through the real heartbeat pipe the supervisor hands them (#18 E)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from kiosk.supervise import FROZEN_S, LOOP_PAUSE_S, Supervisor, status_for
from kiosk.supervision import EXIT_OPERATOR, EXIT_SCREEN_TAKEN

from .conftest import DEMO_DECK, REPO, FakeClock


class FakeChild:
    def __init__(self, heartbeat_fd: int | None) -> None:
        self.code: int | None = None
        self.terminated = False
        # a real child has its own copy of the pipe's write end; the supervisor closes its own
        self.heartbeat = os.dup(heartbeat_fd) if heartbeat_fd is not None else None

    def beat(self) -> None:
        assert self.heartbeat is not None
        os.write(self.heartbeat, b".")

    def poll(self):
        return self.code

    def terminate(self):
        self.terminated = True
        self.code = -15

    def kill(self):
        self.code = -9

    def wait(self, timeout=None):
        return self.code


def make(tmp_path):
    children: list[FakeChild] = []
    notes: list[str] = []

    def spawn(command, heartbeat_fd):
        children.append(FakeChild(heartbeat_fd))
        return children[-1]

    clock = FakeClock(0)
    sup = Supervisor(["kiosk", "run"], tmp_path / "status.json", spawn=spawn, clock=clock,
                     notify=notes.append)
    return sup, children, clock, notes


def run_for(sup, clock, seconds):
    end = clock.now + seconds
    while clock.now < end and not sup.done:
        delay = sup.step()
        if delay is None:
            break
        clock.advance(delay)


def write_status(tmp_path, stamp):
    (tmp_path / "status.json").write_text(json.dumps({"time": stamp}), encoding="utf-8")


def alive(child, tmp_path, stamp):
    """What a healthy show does every second: a heartbeat, and a status for monitoring."""
    child.beat()
    write_status(tmp_path, stamp)


def test_a_crash_is_restarted_within_3_seconds(tmp_path, caplog):
    sup, children, clock, notes = make(tmp_path)
    sup.step()
    assert len(children) == 1 and "READY=1" in notes
    children[0].code = -6  # e.g. an abort
    crashed_at = clock.now
    with caplog.at_level(logging.WARNING):
        while len(children) < 2:
            clock.advance(sup.step())
    assert clock.now - crashed_at <= 3
    assert "the show exited with code -6; restarting it" in caplog.text


def test_a_frozen_show_is_killed_and_restarted(tmp_path, caplog):
    sup, children, clock, _ = make(tmp_path)
    sup.step()
    for second in range(10):  # healthy: it beats
        alive(children[0], tmp_path, f"t{second}")
        clock.advance(1)
        sup.step()
    with caplog.at_level(logging.ERROR):  # then it stops advancing
        run_for(sup, clock, FROZEN_S + 3)
    assert children[0].terminated and len(children) == 2
    assert "gave no sign of life" in caplog.text


def test_a_crash_loop_backs_off_with_a_readable_reason(tmp_path, caplog):
    sup, children, clock, _ = make(tmp_path)
    with caplog.at_level(logging.ERROR):
        for _ in range(6):
            while not children or children[-1].code is not None:
                clock.advance(sup.step())
            children[-1].code = 1
            clock.advance(sup.step())
    assert "crashed 6 times in 120 s" in caplog.text
    started = len(children)
    run_for(sup, clock, LOOP_PAUSE_S - 5)
    assert len(children) == started  # waiting, not hammering
    run_for(sup, clock, 10)
    assert len(children) == started + 1


def test_an_operator_exit_ends_the_supervisor(tmp_path):
    sup, children, _clock, _ = make(tmp_path)
    sup.step()
    children[0].code = EXIT_OPERATOR
    assert sup.step() is None and sup.done and not sup.failed


def test_systemd_watchdog_is_fed_while_healthy(tmp_path, monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "20000000")
    sup, _children, _clock, notes = make(tmp_path)
    sup.step()
    alive(_children[0], tmp_path, "t1")
    sup.step()
    assert "WATCHDOG=1" in notes


def test_supervise_ends_when_the_show_ends_on_purpose(tmp_path):
    """--exit-after is an exit on purpose, as the operator's chord and PIN: the end."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(tmp_path),
           "KIOSK_LOG_DIR": str(tmp_path / "log"), "KIOSK_CACHE_DIR": str(tmp_path / "c")}
    done = subprocess.run([sys.executable, "-m", "kiosk", "supervise", str(DEMO_DECK),
                           "--windowed", "--exit-after", "3"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "show started" in done.stderr
    assert "the show was ended on purpose (exit chord and PIN); the supervisor ends too" \
        in done.stderr


def test_real_shows_killed_or_frozen_are_brought_back(tmp_path):
    """End to end, with real processes: SIGKILL the show, then let one hang its UI thread."""
    import re
    import signal

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(tmp_path),
           "KIOSK_LOG_DIR": str(tmp_path / "log"), "KIOSK_CACHE_DIR": str(tmp_path / "c"),
           "KIOSK_TEST_FREEZE_AFTER": "4", "KIOSK_SUPERVISE_FROZEN_S": "3"}
    sup = subprocess.Popen([sys.executable, "-m", "kiosk", "supervise", str(DEMO_DECK),
                            "--windowed"], cwd=REPO, env=env, stderr=subprocess.PIPE,
                           text=True)
    assert sup.stderr is not None
    seen: list[str] = []

    def next_start() -> int:
        for line in sup.stderr:
            seen.append(line)
            found = re.search(r"show started \(pid (\d+)\)", line)
            if found:
                return int(found.group(1))
        raise AssertionError("".join(seen))

    try:
        first = next_start()
        os.kill(first, signal.SIGKILL)  # a crash nothing could catch
        second = next_start()
        assert second != first
        assert "the show exited with code -9; restarting it" in "".join(seen)
        third = next_start()  # the second one hangs after 4 s and is killed
        assert third != second
        assert "gave no sign of life" in "".join(seen)
    finally:
        sup.terminate()
        sup.wait(timeout=30)


def test_a_clean_exit_that_no_operator_chose_is_restarted(tmp_path, caplog):
    """#18 E: a SIGTERM to the show alone ends it with 0; that is no reason to stop."""
    sup, children, clock, _ = make(tmp_path)
    sup.step()
    children[0].code = 0
    with caplog.at_level(logging.WARNING):
        run_for(sup, clock, 3)
    assert len(children) == 2 and not sup.done
    assert "no operator ended it" in caplog.text


def test_a_show_that_beats_is_never_frozen_even_without_a_status_file(tmp_path):
    """#18 E: a full disk stops the status file, not the heartbeat."""
    sup, children, clock, _ = make(tmp_path)
    sup.step()
    for _ in range(round(FROZEN_S * 10)):
        children[0].beat()
        clock.advance(sup.step())
    assert len(children) == 1 and not children[0].terminated
    assert not (tmp_path / "status.json").exists()


def test_a_screen_another_supervisor_holds_ends_this_one_as_failed(tmp_path):
    sup, children, _clock, _ = make(tmp_path)
    sup.step()
    children[0].code = EXIT_SCREEN_TAKEN
    assert sup.step() is None and sup.done and sup.failed


def test_systemd_restarts_the_supervisor_only_when_it_failed():
    """The user unit must not undo an operator's exit: the supervisor ends with 0 then, and
    systemd restarts on failure (a non-zero exit, a signal, the watchdog), not always (#18 E)."""
    unit = (REPO / "packaging" / "linux" / "kiosk.service").read_text(encoding="utf-8")
    service = unit.split("[Service]", 1)[1].split("\n[", 1)[0]
    keys = dict(line.split("=", 1) for line in service.splitlines() if "=" in line
                and not line.startswith("#"))
    assert keys["Restart"] == "on-failure"
    assert "WatchdogSec" in keys


def test_the_operators_status_file_is_the_one_the_show_writes(tmp_path):
    """#18: the supervisor appended its own --status-file (/tmp/kiosk-supervised-PID.json),
    which argparse preferred, so the path a monitoring agent was given was never written,
    and a killed supervisor left its file behind under a new name at every start."""
    (tmp_path / "tmp").mkdir()
    status = tmp_path / "monitor" / "status.json"
    status.parent.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path / "tmp")}
    done = subprocess.run([sys.executable, "-m", "kiosk", "supervise", str(DEMO_DECK),
                           "--windowed", "--status-file", str(status), "--exit-after", "3"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    document = json.loads(status.read_text(encoding="utf-8"))
    assert document["deck_ok"] is True and "visible" in document["window"]
    assert list((tmp_path / "tmp").iterdir()) == []  # no file of the supervisor's own


def test_the_supervisor_adds_a_status_file_only_where_it_has_no_heartbeat():
    """POSIX: the heartbeat pipe says the show lives, so no status file of its own. Elsewhere,
    without the operator's: one stable name per screen, in the user's runtime folder."""
    from kiosk.supervision import runtime_dir

    for posix in (True, False):
        assert status_for(["d.yaml", "--status-file", "s.json"], posix) == (Path("s.json"), False)
        assert status_for(["d.yaml", "--status-file=a", "--status-file=b"], posix) == \
            (Path("b"), False)  # the last one wins, as in argparse
    assert status_for(["d.yaml"], posix=True) == (None, False)
    own = runtime_dir() / "supervised-screen-1.json"
    assert status_for(["d.yaml", "--screen", "1"], posix=False) == (own, True)
    assert status_for(["d.yaml", "--screen=1"], posix=False) == (own, True)  # at every start


def test_the_operators_status_file_is_never_removed(tmp_path):
    children: list[FakeChild] = []
    status = tmp_path / "status.json"
    write_status(tmp_path, "before the start")
    sup = Supervisor(["kiosk", "run"], status, own_status=False, clock=FakeClock(0),
                     spawn=lambda command, fd: children.append(FakeChild(fd)) or children[-1])
    sup.step()
    assert len(children) == 1 and status.exists()
    children[0].code = EXIT_OPERATOR
    sup.step()
    assert sup.done and status.exists()
