"""#18 C and E: the files the show writes itself, and the supervisor.

What an operator would notice: a monitoring agent can read the status file, a damaged launch
image costs only the picture (never a crash, never a noise frame), and `kiosk supervise`
keeps a show on screen whatever happens to its child, its own predecessor or the disk.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.core.files import write_atomic
from kiosk.core.launch import Frame, LaunchStore

from .conftest import DEMO_DECK, REPO


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_written_files_get_the_usual_mode_not_0600(tmp_path, umask):
    """#18 C: mkstemp made the status file 0600, unreadable to a monitor running as another
    user. Now it gets 0666 less the umask, as any program's files do."""
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "status.json", "{}")
        write_atomic(tmp_path / "status.json", "{}")  # replacing keeps the usual mode too
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "status.json").stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]  # no temporary left


# ---------------------------------------------------------------- the launch image (#18 C)

LAUNCH_CONTEXT = {"deck": "/decks/a.yaml", "screen": [64, 36], "dpr": 1.0, "rotate": 0,
                  "animations": True, "code": "0.1.0-abc", "qt": "6"}


def stored(tmp_path):
    """A store holding a good 64x36 RGB32 frame, and that frame."""
    store = LaunchStore(tmp_path / "launch", 0)
    frame = Frame(64, 36, 256, 4, bytes(range(256)) * 36)
    assert store.save(LAUNCH_CONTEXT, [], frame)
    assert store.find(LAUNCH_CONTEXT) == frame
    return store, frame


def edit_meta(store, **changes):
    meta = json.loads(store.meta.read_text(encoding="utf-8"))
    meta.update(changes)
    store.meta.write_text(json.dumps(meta), encoding="utf-8")  # NaN is written as NaN


def find_in_thread(store):
    """find() with an outer guard: on the old code a FIFO blocked it for good."""
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(store.find(LAUNCH_CONTEXT)),
                              daemon=True)
    reader.start()
    reader.join(30)
    assert not reader.is_alive(), "find() is stuck reading the launch image"
    return found[0]


@pytest.mark.parametrize("pixel_format", [1, 2, 3, 0, 7, 99])
def test_a_launch_image_in_a_format_the_store_never_writes_is_refused(tmp_path, caplog,
                                                                      pixel_format):
    """#18 C: 1, 2, 3 (Mono, MonoLSB, Indexed8 with no colour table) segfaulted every start."""
    store, _ = stored(tmp_path)
    edit_meta(store, pixel_format=pixel_format)
    with caplog.at_level(logging.WARNING):
        assert store.find(LAUNCH_CONTEXT) is None
    assert f"pixel format {pixel_format} is not one the store writes" in caplog.text
    assert len(caplog.records) == 1


def test_noise_of_the_right_size_is_refused_by_the_checksum(tmp_path, caplog):
    """#18 C: random bytes of the right size showed a full-screen noise frame at every start."""
    store, frame = stored(tmp_path)
    store.pixels.write_bytes(os.urandom(len(frame.data)))
    with caplog.at_level(logging.WARNING):
        assert store.find(LAUNCH_CONTEXT) is None
    assert "its pixels do not match their checksum" in caplog.text
    assert len(caplog.records) == 1


@pytest.mark.parametrize(("changes", "says"), [
    ({"width": True}, "width is True"),
    ({"width": 64.0}, "width is 64.0"),
    ({"height": float("nan")}, "height is nan"),
    ({"height": 1e300}, "height is 1e+300"),
    ({"height": 10**12}, "not a whole number from 1 to 16384"),
    ({"width": -64, "stride": -256}, "width is -64"),
    ({"stride": 300}, "stride 300 does not fit a width of 64"),
    ({"crc32": "abc"}, "crc32 is 'abc'"),
    ({"files": 5}, "files is not a list"),
    ({"files": [["/a", "big"]]}, "files has an entry"),
])
def test_launch_image_metadata_is_checked_field_by_field(tmp_path, caplog, changes, says):
    store, _ = stored(tmp_path)
    edit_meta(store, **changes)
    with caplog.at_level(logging.WARNING):
        assert store.find(LAUNCH_CONTEXT) is None
    assert says in caplog.text and "ignoring the launch image" in caplog.text


@pytest.mark.parametrize("body", [b"[1, 2]", b"null", b"[" * 100_000 + b"]" * 100_000])
def test_launch_image_metadata_of_the_wrong_shape_is_ignored(tmp_path, caplog, body):
    store, _ = stored(tmp_path)
    store.meta.write_bytes(body)
    with caplog.at_level(logging.WARNING):
        assert store.find(LAUNCH_CONTEXT) is None
    assert "ignoring the launch image" in caplog.text


@pytest.mark.parametrize("which", ["meta", "pixels"])
def test_a_launch_image_file_that_is_a_fifo_is_refused_at_once(tmp_path, caplog, which):
    store, _ = stored(tmp_path)
    path = getattr(store, which)
    path.unlink()
    os.mkfifo(path)
    with caplog.at_level(logging.WARNING):
        assert find_in_thread(store) is None
    assert "is a FIFO, not a file" in caplog.text


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_launch_image_pixels_on_a_device_are_not_read(tmp_path, device):
    """In a child with 1 GiB of address space: the old code read the device until it ran out
    of memory (it must not take the test machine down with it)."""
    store, _ = stored(tmp_path)
    store.pixels.unlink()
    store.pixels.symlink_to(device)
    code = f"""if True:
        import logging, resource
        from pathlib import Path
        from kiosk.core.launch import LaunchStore
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        logging.basicConfig(level=logging.WARNING)
        print(LaunchStore(Path({str(tmp_path / "launch")!r}), 0).find({LAUNCH_CONTEXT!r}))
    """
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "None"
    assert "is a character device, not a file" in done.stderr


def test_launch_image_pixels_bigger_than_declared_are_not_read(tmp_path, caplog):
    store, frame = stored(tmp_path)
    with store.pixels.open("ab") as out:
        out.truncate(64 << 20)  # 64 MB where 9 KB are declared
    with caplog.at_level(logging.WARNING):
        assert store.find(LAUNCH_CONTEXT) is None
    assert f"over the limit of {len(frame.data)}" in caplog.text


def test_a_launch_image_in_a_format_the_store_never_writes_is_not_saved(tmp_path, caplog):
    store = LaunchStore(tmp_path / "launch", 0)
    with caplog.at_level(logging.WARNING):
        assert not store.save(LAUNCH_CONTEXT, [], Frame(64, 36, 8, 1, bytes(288)))
    assert "not keeping the launch image" in caplog.text and not store.meta.exists()


def test_a_real_start_survives_a_launch_image_in_mono_format(tmp_path):
    """End to end: a fullscreen start keeps its first frame; the metadata is damaged to say
    Mono (pixel_format 1); the next start shows no picture instead of crashing (SIGSEGV)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(tmp_path),
           "KIOSK_LOG_DIR": str(tmp_path / "log")}
    command = [sys.executable, "-m", "kiosk", "run", str(DEMO_DECK), "--exit-after", "2",
               "--cache-dir", str(tmp_path / "cache")]
    first = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=120)
    assert first.returncode == 0, first.stderr
    store = LaunchStore(tmp_path / "cache" / "launch", 0)
    assert store.meta.is_file() and store.pixels.is_file()  # the first frame was kept
    edit_meta(store, pixel_format=1)
    second = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert second.returncode == 0, second.stderr  # the old code: -11 (SIGSEGV) every start
    assert "ignoring the launch image" in second.stderr


# ---------------------------------------------------------------- the supervisor (#18 E)

class Running:
    """A real `kiosk supervise` (windowed demo deck), its stderr and its children's, read by
    a thread so that every wait has an outer guard."""

    def __init__(self, tmp_path, *run_args, **env):
        (tmp_path / "tmp").mkdir(exist_ok=True)  # nothing in /tmp, even if killed
        self.env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path / "tmp"),
                    "KIOSK_RUNTIME_DIR": str(tmp_path / "run"),
                    "KIOSK_LOG_DIR": str(tmp_path / "log"),
                    "KIOSK_CACHE_DIR": str(tmp_path / "cache"), **env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "supervise", str(DEMO_DECK), "--windowed",
             *run_args],
            cwd=REPO, env=self.env, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:  # ends when the last holder of the pipe is gone
            self.lines.put(line)

    def wait_for(self, pattern: str, within: float = 60) -> re.Match[str] | None:
        """The first line from now on matching ``pattern``; None if none came ``within``."""
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found
        return None

    def next_show(self) -> int:
        """The pid of the next show it starts, once that show is on screen (its event loop
        runs, so its SIGTERM handler is in place)."""
        started = self.wait_for(r"show started \(pid (\d+)\)")
        assert started, self.log()
        assert self.wait_for(r"first frame painted"), self.log()
        return int(started.group(1))

    def log(self) -> str:
        return "".join(self.seen)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


def gone(pid: int) -> bool:
    """Exited (a zombie nobody has reaped yet counts: it shows nothing any more)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return True
    return fields[0] in ("Z", "X")


def wait_gone(pid: int, within: float = 30) -> bool:
    deadline = time.monotonic() + within
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return gone(pid)


def test_a_sigterm_to_the_show_alone_brings_the_show_back(tmp_path):
    """#18 E: the show ended cleanly (0) on a SIGTERM, and the supervisor ended with it."""
    supervisor = Running(tmp_path)
    try:
        first = supervisor.next_show()
        os.kill(first, signal.SIGTERM)
        second = supervisor.next_show()
        assert second != first and supervisor.process.poll() is None
        assert "the show stopped (exit code 0) but no operator ended it" in supervisor.log()
    finally:
        supervisor.stop()


def test_an_operator_exit_is_told_apart_from_a_sigterm(qtbot, app, tmp_path):
    """The chord (no PIN) and a right PIN are an operator's exit; a SIGTERM's is not. `kiosk
    run` turns the first into EXIT_OPERATOR under a supervisor (end to end: --exit-after in
    tests/test_supervise.py::test_supervise_ends_when_the_show_ends_on_purpose)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from .render_util import deck_from
    from .test_touch import make

    slides = [{"type": "title", "title": "封面"}]
    chord = (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
             | Qt.KeyboardModifier.ShiftModifier)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    pinned, exits = make(qtbot, deck_from(tmp_path / "a", {"title": "t", "exit_pin": "2468",
                                                           "slides": slides}))
    QTest.keyClick(pinned, *chord)
    for key in (Qt.Key.Key_2, Qt.Key.Key_4, Qt.Key.Key_6, Qt.Key.Key_8, Qt.Key.Key_Return):
        QTest.keyClick(pinned, key)
    assert exits == [True] and pinned.operator_exit
    pinned.exit_now()  # a SIGTERM arriving while it ends does not undo the operator's choice
    assert pinned.operator_exit
    pinned.stop()

    bare, exits = make(qtbot, deck_from(tmp_path / "b", {"title": "t", "slides": slides}))
    bare.exit_now()  # what the SIGTERM handler does
    assert exits == [True] and not bare.operator_exit
    QTest.keyClick(bare, *chord)  # no PIN set: the chord alone is the operator's exit
    assert bare.operator_exit
    bare.stop()


def test_a_new_supervisor_replaces_the_show_a_killed_one_left_behind(tmp_path):
    """#18 E: the old show held the screen, the new child said "already running" and exited
    0, the new supervisor ended, and the orphan ran on unsupervised."""
    old = Running(tmp_path)
    new = None
    try:
        orphan = old.next_show()
        os.kill(old.process.pid, signal.SIGKILL)
        old.process.wait(timeout=60)
        assert not gone(orphan)  # left behind, still on screen
        new = Running(tmp_path)
        replacement = new.next_show()
        assert f"a show (pid {orphan}) holds this screen without a supervisor" in new.log()
        assert wait_gone(orphan)
        assert new.process.poll() is None and not gone(replacement)  # supervising its own
    finally:
        for running in (new, old):
            if running is not None:
                running.stop()
        if not gone(orphan):
            os.kill(orphan, signal.SIGKILL)


def test_a_second_supervisor_leaves_a_supervised_show_alone(tmp_path):
    """Two live supervisors must not take the screen from each other for ever: the second one
    ends (exit 1) with a reason, and the first one's show is untouched."""
    first = Running(tmp_path)
    second = None
    try:
        show = first.next_show()
        second = Running(tmp_path)
        assert second.process.wait(timeout=120) == 1, second.log()
        assert second.wait_for("another supervisor already runs a show on this screen")
        assert not gone(show) and first.process.poll() is None
    finally:
        for running in (second, first):
            if running is not None:
                running.stop()


@pytest.fixture
def small_tmpfs(tmp_path):
    """A real 16 MB filesystem (needs root, as CI has); skipped where it cannot be mounted."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_temp_dir_does_not_get_a_healthy_show_restarted(tmp_path, small_tmpfs):
    """#18 E: status writes failed on a full temp dir and the supervisor took that for a
    frozen show, restarting it every 30 s (here 2 s). The heartbeat does not need the disk."""
    supervisor = Running(tmp_path, "--status-file", str(small_tmpfs / "status.json"),
                         KIOSK_SUPERVISE_FROZEN_S="2")
    try:
        show = supervisor.next_show()
        filler = small_tmpfs / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as out:  # fill it for real
            while True:
                out.write(b"\0" * 4096)
                out.flush()
        assert supervisor.wait_for("cannot write the status file"), supervisor.log()
        # five times the freeze limit with no status written: not one restart
        restart = supervisor.wait_for(r"no sign of life|stopped updating|show started|exited",
                                      within=10)
        assert restart is None, supervisor.log()
        assert not gone(show) and supervisor.process.poll() is None
        filler.unlink()  # space again: monitoring resumes
        assert supervisor.wait_for("is written again"), supervisor.log()
    finally:
        supervisor.stop()


def test_a_show_without_a_status_file_lives_on_its_heartbeat(tmp_path):
    """The supervisor adds no status file of its own any more (#18): the heartbeat, which
    rode on the status file's timer, must beat without one. Five times the freeze limit with
    no status file: not one restart."""
    supervisor = Running(tmp_path, KIOSK_SUPERVISE_FROZEN_S="2")
    try:
        show = supervisor.next_show()
        restart = supervisor.wait_for(r"no sign of life|show started|exited", within=10)
        assert restart is None, supervisor.log()
        assert not gone(show) and supervisor.process.poll() is None
    finally:
        supervisor.stop()


def test_the_heartbeat_never_blocks_nor_fails_the_show(caplog):
    """A supervisor that reads late (a full pipe) or is gone (no reader) costs the show
    nothing: the UI thread writes its beat without waiting, and stops when nobody listens."""
    from kiosk.supervision import Heartbeat

    read_end, write_end = os.pipe()
    heart = Heartbeat(write_end)
    for _ in range(70_000):  # more than a pipe holds (64 KiB on Linux)
        heart.beat()
    os.close(read_end)
    with caplog.at_level(logging.WARNING):
        heart.beat()
        heart.beat()
    assert heart.fd is None
    assert caplog.text.count("no longer reads the heartbeat") == 1
