"""#18 C and E: the files the show writes itself, and the supervisor.

What an operator would notice: a monitoring agent can read the status file, a damaged launch
image costs only the picture (never a crash, never a noise frame), and `kiosk supervise`
keeps a show on screen whatever happens to its child, its own predecessor or the disk.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
import threading

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
