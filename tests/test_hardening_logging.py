"""Logging never holds up the show (#18): the log file is opened only if it is a regular file,
without blocking, and every line is written by the log's own threads through bounded queues,
so a stderr pipe that nobody reads stalls neither the UI thread nor the file's log. A reload
logs at most 20 of its problems. Real FIFOs, real pipes, real processes."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from .conftest import REPO

GUARD_S = 60  # outer guard only: the old code never got there at all


def title_deck(path: Path, slides: int = 2) -> Path:
    lines = ["title: t", "slides:"]
    for number in range(slides):
        lines += ["  - type: title", f"    title: 第{number}页"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def broken_deck(path: Path, problems: int) -> None:
    """A deck with ``problems`` unknown keys (some 250 KB of log lines for 1,500)."""
    lines = ["title: t", "slides:"]
    for number in range(problems):
        lines += ["  - type: title", f"    title: s{number}", "    bogus: 1"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stamp = time.time_ns() + 10**9  # a new mtime, whatever the clock's resolution
    os.utime(path, ns=(stamp, stamp))


@pytest.mark.parametrize("command", ["run", "supervise"])
def test_a_fifo_in_place_of_the_log_file_holds_neither_run_nor_supervise(tmp_path, command):
    """#18: `mkfifo LOGDIR/kiosk.log` held both in RotatingFileHandler's open for ever."""
    logs = tmp_path / "log"
    logs.mkdir()
    os.mkfifo(logs / "kiosk.log")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_LOG_DIR": str(logs),
           "TMPDIR": str(tmp_path)}
    deck = title_deck(tmp_path / "deck.yaml")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", command, str(deck), "--windowed", "--exit-after", "1"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=GUARD_S)
    finally:  # on the old code: a reader lets the stuck open go, so the child can end
        with open(os.open(logs / "kiosk.log", os.O_RDONLY | os.O_NONBLOCK), "rb"):
            pass
    assert done.returncode == 0, done.stderr
    assert f"{logs / 'kiosk.log'}: is a FIFO, not a file" in done.stderr
    assert "logging to stderr only" in done.stderr
    assert "show ended" in done.stderr  # the show's own lines still reach stderr


def test_a_stderr_nobody_reads_stalls_neither_the_show_nor_its_exit(tmp_path):
    """#18: a reload of a deck with 1,500 problems logged every one of them from the UI thread;
    with stderr a pipe nobody reads, the 64 KB pipe buffer filled and the UI thread (and its
    heartbeat and status file) stopped for good."""
    deck = title_deck(tmp_path / "deck.yaml")
    status = tmp_path / "status.json"
    show = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", str(deck), "--windowed",
         "--status-file", str(status)],
        cwd=REPO, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # never read
    try:
        assert wait_for(lambda: (read(status) or {}).get("deck_ok") is True), "no first status"
        broken_deck(deck, 1500)
        assert wait_for(lambda: (read(status) or {}).get("deck_ok") is False), \
            "the reload's problems never reached the status file: the UI thread is stuck"
        first = read(status)["time"]
        assert wait_for(lambda: read(status)["time"] != first), "the status file stopped"
        logged = (Path(os.environ["KIOSK_LOG_DIR"]) / "kiosk.log").read_text(encoding="utf-8")
        assert logged.count("unknown key 'bogus'") == 20  # stderr's lag costs the file nothing
        assert "… and 1480 more problem(s); `kiosk check` lists them all" in logged
        show.send_signal(signal.SIGTERM)  # the exit waits for no stuck log thread
        assert show.wait(timeout=GUARD_S) == 0
    finally:
        if show.poll() is None:
            show.kill()
            show.wait(timeout=GUARD_S)
        assert show.stderr is not None
        show.stderr.close()


def read(status: Path) -> dict | None:
    try:
        return json.loads(status.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def wait_for(condition, within: float = GUARD_S) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


LINES = 30_000
FLOOD = textwrap.dedent(f"""
    import logging, sys, time
    from kiosk import logsetup
    logsetup.setup_logging("INFO", sys.argv[1])
    log = logging.getLogger("flood")
    for number in range({LINES}):
        log.info("line %05d %s", number, "x" * 80)
    print("logged", flush=True)  # the old code never got here: stderr's pipe was full
    file_outlet = logsetup._outlets[-1]
    deadline = time.monotonic() + 60
    while not file_outlet.drain(deadline) and time.monotonic() < deadline:
        pass
    print("file written", flush=True)  # while stderr is still stuck
    sys.stdin.readline()  # the test reads stderr from now on
    logsetup.drain(60)
""")


def test_a_log_that_cannot_keep_up_drops_and_counts_instead_of_blocking(tmp_path):
    """30,000 lines (4 MB) to a stderr pipe nobody reads: logging returns at once and the file
    is written all the same; each queue drops what it cannot hold and, once it has drained,
    says how many lines it dropped: the lines each wrote and its count add up to all."""
    flood = subprocess.Popen([sys.executable, "-c", FLOOD, str(tmp_path)], cwd=REPO,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert flood.stdout is not None and flood.stdin is not None
        said: list[str] = []
        reader = threading.Thread(target=lambda: said.extend([flood.stdout.readline(),
                                                              flood.stdout.readline()]),
                                  daemon=True)
        reader.start()
        reader.join(GUARD_S)
        assert said == ["logged\n", "file written\n"], "logging blocked on a full stderr pipe"
        logged = "".join(f.read_text(encoding="utf-8") for f in tmp_path.glob("kiosk.log*"))
        assert accounted(logged) == LINES  # while stderr was still stuck
        flood.stdin.write("go\n")
        flood.stdin.flush()
        _, errors = flood.communicate(timeout=GUARD_S)
    finally:
        if flood.poll() is None:
            flood.kill()
            flood.communicate(timeout=GUARD_S)
    assert "log lines dropped" in errors and errors.count(" INFO flood: line ") < LINES
    assert accounted(errors) == LINES


def accounted(log: str) -> int:
    """The lines a log wrote plus those it says it dropped."""
    dropped = re.findall(r"WARNING kiosk: (\d+) log lines dropped: the log could not keep up",
                         log)
    return log.count(" INFO flood: line ") + sum(map(int, dropped))


def test_a_reload_logs_twenty_problems_and_counts_the_rest(qtbot, app, tmp_path, caplog):
    from .test_live import start_show

    deck = title_deck(tmp_path / "deck.yaml")
    show = start_show(qtbot, deck, tmp_path)
    good = show.deck
    broken_deck(deck, 1500)
    with caplog.at_level(logging.WARNING, logger="kiosk.qt.controller"):
        show.check_reload()
        show.wait_reload(timeout=GUARD_S)
    assert show.deck is good
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.qt.controller"]
    assert sum("unknown key 'bogus'" in line for line in lines) == 20
    assert lines[-1] == "… and 1480 more problem(s); `kiosk check` lists them all"
    assert len(lines) == 22  # and one line that says the deck has 1500 problems
    show.stop()
