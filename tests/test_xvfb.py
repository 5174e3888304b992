"""`kiosk run` on a real X server: fullscreen at the screen's size, the first slide visible.

Starts Xvfb itself; skips only when Xvfb is missing and cannot be installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtGui import QImage

from .conftest import DEMO_DECK, REPO, as_array

pytestmark = pytest.mark.xvfb
WIDTH, HEIGHT = 1280, 720


@pytest.fixture(scope="module")
def display():
    if shutil.which("Xvfb") is None:
        subprocess.run([str(REPO / "tools" / "setup-system.sh"), "test"], capture_output=True,
                       timeout=600)
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed and could not be installed here")
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0",
                               f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    number = server.stdout.readline().strip()  # Xvfb writes the display once it is ready
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=30)


def screenshot(display: str, path) -> QImage:
    code = ("from PySide6.QtGui import QGuiApplication as A; a = A([]); "
            f"assert A.primaryScreen().grabWindow(0).save({str(path)!r})")
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    return QImage(str(path))


def test_run_goes_fullscreen_and_shows_the_first_slide(app, display, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=display, PYTHONUNBUFFERED="1")
    show = subprocess.Popen([sys.executable, "-m", "kiosk", "run", "--exit-after", "10"],
                            cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
    log = []
    for line in show.stderr:  # wait for the app's own word that a frame is on screen
        log.append(line)
        if "first frame painted" in line:
            break
    assert f"first frame painted at {WIDTH}x{HEIGHT}" in log[-1], "".join(log)
    shot = screenshot(display, tmp_path / "root.png")
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True,
                          text=True, timeout=30).stdout
    log += show.stderr.readlines()
    assert show.wait(timeout=60) == 0, "".join(log)
    assert "Traceback" not in "".join(log)

    kiosk_windows = [line for line in tree.splitlines() if "珠海" in line]
    assert any(f"{WIDTH}x{HEIGHT}+0+0" in line for line in kiosk_windows), tree
    assert (shot.width(), shot.height()) == (WIDTH, HEIGHT)

    from kiosk.cli import main

    assert main(["export", str(DEMO_DECK), str(tmp_path / "ref"), "--size",
                 f"{WIDTH}x{HEIGHT}"]) == 0
    expected = as_array(QImage(str(tmp_path / "ref" / "001.png")))[: HEIGHT * 9 // 10]
    seen = as_array(shot)[: HEIGHT * 9 // 10]
    difference = abs(expected[:, :, :3].astype(int) - seen[:, :, :3].astype(int)).mean()
    assert difference < 3, f"the screen does not show the first slide (mean diff {difference})"


def test_a_restart_shows_the_first_slide_before_the_deck_is_loaded(app, display, tmp_path):
    """The first start keeps its first frame; the second puts it on screen, then loads."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=display, KIOSK_CACHE_DIR=str(tmp_path / "cache"),
               KIOSK_LOG_DIR=str(tmp_path / "log"), KIOSK_RUNTIME_DIR=str(tmp_path / "run"))
    command = [sys.executable, "-m", "kiosk", "run", "--exit-after", "3"]
    logs = [subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    assert [run.returncode for run in logs] == [0, 0], logs[-1].stderr
    first, second = (run.stderr for run in logs)
    assert "launch image" not in first  # nothing kept yet
    lines = second.splitlines()
    shown = next(i for i, line in enumerate(lines) if "launch image on screen" in line)
    loaded = next(i for i, line in enumerate(lines) if "deck" in line and "loaded" in line)
    assert shown < loaded, second

    from kiosk.cli import main
    from kiosk.core.launch import LaunchStore

    assert main(["export", str(DEMO_DECK), str(tmp_path / "ref"), "--size",
                 f"{WIDTH}x{HEIGHT}"]) == 0
    stored = LaunchStore(tmp_path / "cache" / "launch", 0)
    meta = stored.meta.read_text(encoding="utf-8")
    assert str(DEMO_DECK) in meta and f'"screen": [{WIDTH}, {HEIGHT}]' in meta
    pixels = np.frombuffer(stored.pixels.read_bytes(), np.uint8).reshape(HEIGHT, WIDTH, 4)
    expected = as_array(QImage(str(tmp_path / "ref" / "001.png")))
    rows = HEIGHT * 9 // 10  # above the time bar
    difference = abs(expected[:rows, :, :3].astype(int) - pixels[:rows, :, :3].astype(int))
    assert difference.mean() < 3, "the kept frame is not the first slide"
