"""Test set-up: headless Qt and no animations, decided before anything imports Qt."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # pytest-qt aborts without a display
os.environ["KIOSK_ANIMATIONS"] = "0"  # one setting turns every animation off (cf. Textual)

REPO = Path(__file__).resolve().parent.parent
DEMO_DECK = REPO / "slides" / "zhuhai.yaml"
KIOSK_FOLDERS = ("KIOSK_CACHE_DIR", "KIOSK_LOG_DIR", "KIOSK_RUNTIME_DIR")


@pytest.fixture(scope="session", autouse=True)
def user_folders(tmp_path_factory: pytest.TempPathFactory):
    """Tests never touch the user's folders (#18 G): a test run once left feed data in
    ~/.cache/kiosk that the next real show restored. Every folder a program may find through
    the environment points into the test session's temp dir, and subprocesses inherit it.
    One home per session, not per test, so fontconfig's cache (under XDG_CACHE_HOME) stays
    warm across tests."""
    home = tmp_path_factory.mktemp("home")
    folders = {"HOME": home, "XDG_CONFIG_HOME": home / ".config",
               "XDG_CACHE_HOME": home / ".cache", "XDG_STATE_HOME": home / ".local" / "state",
               "XDG_DATA_HOME": home / ".local" / "share", "XDG_RUNTIME_DIR": home / "run"}
    if sys.platform == "win32":
        folders.update(USERPROFILE=home, APPDATA=home / "Roaming",
                       LOCALAPPDATA=home / "Local")
    for path in folders.values():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)  # Qt wants 0700 for runtime
    with pytest.MonkeyPatch.context() as patch:
        for name, path in folders.items():
            patch.setenv(name, str(path))
        yield folders


@pytest.fixture(autouse=True)
def kiosk_folders(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """The show's own cache, log and lock folders, fresh for each test: one test's feed cache
    or launch image is never another's."""
    base = tmp_path_factory.mktemp("kiosk")
    for name in KIOSK_FOLDERS:
        monkeypatch.setenv(name, str(base / name.split("_")[1].lower()))
    return base


@pytest.fixture(scope="session", autouse=True)
def ui_thread_gc(request: pytest.FixtureRequest):
    """As in `kiosk run` (kiosk.qt.collector): cyclic garbage is collected on the main thread
    only. Every test's show ends in cyclic garbage (a window, its timers, the callbacks that
    point back at it); the next test's worker threads (paho's, a feed's) used to collect it,
    destroying a QWidget off the UI thread: a segfault in CI. (Not where Qt is blocked: the
    core's tests run without it, tests/test_core_without_qt.py.)"""
    try:
        qapp = request.getfixturevalue("qapp")
    except pytest.FixtureLookupError:
        yield None
        return
    from kiosk.qt import collector

    gc_here = collector.install(qapp)
    yield gc_here
    gc_here.stop()


@pytest.fixture(autouse=True)
def collect_after_test(ui_thread_gc):
    """Whatever a test left over its thresholds goes now, on the main thread, not in the
    middle of the next test."""
    yield
    if ui_thread_gc is not None:
        ui_thread_gc.check()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def app(qapp):
    """The QApplication with the bundled fonts loaded (as `kiosk run` does)."""
    from kiosk.qt.app import make_app

    return make_app()


def as_array(image):
    """A QImage as an (h, w, 4) uint8 array in B, G, R, A order (Format_ARGB32)."""
    import numpy as np
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    buffer = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return buffer.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width()].copy()


class FakeClock:
    """A clock the tests move by hand: no sleeps, no timing assertions."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 (tests/feed_server.py), stopped afterwards."""
    from .feed_server import FeedServer

    srv = FeedServer()
    yield srv
    if not srv.release.is_set():
        srv.stop()
