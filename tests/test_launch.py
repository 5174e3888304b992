"""The launch image: the last start's first frame, on screen while the next start loads its deck.

What an operator would notice: a restart shows the first slide at once, a deck edited since
(or another screen, or new code) never shows an old picture, and a damaged cache file costs
nothing but the picture.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import shiboken6
import yaml
from PySide6.QtGui import QGuiApplication

from kiosk.core import load_deck
from kiosk.core.launch import Frame, LaunchStore, dependencies, repeatable
from kiosk.qt.launch import Launch
from kiosk.qt.window import ShowWindow

from .conftest import DEMO_DECK, FakeClock, as_array
from .test_render import solid_png

CONTEXT = {"deck": "/decks/a.yaml", "screen": [640, 360], "dpr": 1.0, "rotate": 0,
           "animations": True, "code": "0.1.0-abc", "qt": "6"}


def frame(value: int = 7) -> Frame:
    """A frame the size of CONTEXT's screen, as a real start grabs it."""
    return Frame(640, 360, 2560, 4, bytes([value]) * (2560 * 360))


@pytest.fixture
def deck_file(tmp_path):
    solid_png(tmp_path / "red.png", "#ff0000")
    path = tmp_path / "deck.yaml"
    path.write_text(yaml.safe_dump({
        "title": "t", "slides": [
            {"type": "title", "title": {"zh": "云上智城", "en": "Cloud Smart City"}},
            {"type": "photo", "image": "red.png", "credit": "示意图"}]},
        allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the store (no Qt)

def test_the_same_start_finds_its_frame(tmp_path, deck_file):
    store = LaunchStore(tmp_path / "launch", 0)
    assert store.find(CONTEXT) is None  # first start: nothing yet
    assert store.save(CONTEXT, [deck_file, tmp_path / "red.png"], frame(7))
    assert store.find(dict(CONTEXT)) == frame(7)


def test_an_edited_deck_a_changed_photo_or_another_screen_finds_nothing(tmp_path, deck_file):
    store = LaunchStore(tmp_path / "launch", 0)
    photo = tmp_path / "red.png"
    store.save(CONTEXT, [deck_file, photo], frame())
    assert store.find({**CONTEXT, "screen": [1920, 1080]}) is None
    assert store.find({**CONTEXT, "rotate": 90}) is None
    assert store.find({**CONTEXT, "code": "0.1.1-def"}) is None
    with deck_file.open("a", encoding="utf-8") as out:
        out.write("# edited\n")
    assert store.find(CONTEXT) is None
    store.save(CONTEXT, [deck_file, photo], frame())
    photo.unlink()  # the first frame would now show a placeholder
    assert store.find(CONTEXT) is None


def test_another_screen_keeps_its_own_frame(tmp_path):
    LaunchStore(tmp_path, 0).save(CONTEXT, [], frame(1))
    LaunchStore(tmp_path, 1).save(CONTEXT, [], frame(2))
    assert LaunchStore(tmp_path, 0).find(CONTEXT) == frame(1)
    assert LaunchStore(tmp_path, 1).find(CONTEXT) == frame(2)


@pytest.mark.parametrize("damage", ["garbage meta", "truncated pixels", "missing pixels",
                                    "wrong sizes"])
def test_a_damaged_launch_image_is_ignored_with_a_warning(tmp_path, caplog, damage):
    store = LaunchStore(tmp_path, 0)
    store.save(CONTEXT, [], frame())
    if damage == "garbage meta":
        store.meta.write_bytes(b"\xff{not json")
    elif damage == "truncated pixels":
        store.pixels.write_bytes(frame().data[:-3])
    elif damage == "missing pixels":
        store.pixels.unlink()
    else:
        store.meta.write_text(store.meta.read_text().replace('"width": 640', '"width": "x"'))
    with caplog.at_level(logging.WARNING):
        assert store.find(CONTEXT) is None
    assert "ignoring the launch image" in caplog.text


@pytest.mark.parametrize(("screen", "dpr", "size"), [([640, 360], 1.0, (640, 360)),
                                                      ([640, 360], 2, (1280, 720)),
                                                      ([1366, 768], 1.25, (1708, 960))])
def test_a_frame_is_kept_only_at_the_size_of_its_screen(tmp_path, caplog, screen, dpr, size):
    """The screen's size times its pixel ratio, rounded as Qt's grab rounds it (#18)."""
    context = {**CONTEXT, "screen": screen, "dpr": dpr}
    width, height = size
    store = LaunchStore(tmp_path, 0)
    fits = Frame(width, height, width * 4, 4, bytes(width * height * 4))
    assert store.save(context, [], fits) and store.find(context) == fits
    with caplog.at_level(logging.WARNING):
        assert not store.save(context, [], Frame(width - 2, height, (width - 2) * 4, 4,
                                                 bytes((width - 2) * height * 4)))
    assert f"is not the screen's {width}x{height}" in caplog.text


LAUNCH_PROBE = """if True:
    import json, pathlib, re, sys
    from kiosk.core.launch import LaunchStore
    found = LaunchStore(pathlib.Path(sys.argv[1]), 0).find(json.loads(sys.argv[2]))
    # this process's own peak (ru_maxrss would count the forking parent's, pytest's)
    peak = re.search(r"VmHWM:\\s+(\\d+) kB", pathlib.Path("/proc/self/status").read_text())
    print(json.dumps([found is None, int(peak.group(1))]))
"""


def test_a_frame_far_bigger_than_the_screen_is_refused_before_a_pixel_is_read(tmp_path,
                                                                              caplog):
    """#18: metadata copying the real context but saying 16384 x 16384, with a 1 GiB sparse
    pixel file and its right CRC, made a start peak at 2.15 GB and take 11.9 s. The size must
    be the screen's, checked before the pixels are read (peak RSS, in a fresh process)."""
    if not Path("/proc/self/status").exists():
        pytest.skip("the peak RSS is read from Linux /proc")
    import json
    import subprocess
    import sys
    import zlib

    store = LaunchStore(tmp_path, 0)
    assert store.save(CONTEXT, [], frame())
    side = 16384
    with store.pixels.open("wb") as out:
        out.truncate(side * side * 4)  # sparse: no disk used
    crc, zeros = 0, bytes(1 << 24)
    for _ in range(side * side * 4 // len(zeros)):
        crc = zlib.crc32(zeros, crc)
    meta = json.loads(store.meta.read_text(encoding="utf-8"))
    meta.update(width=side, height=side, stride=side * 4, crc32=crc)
    store.meta.write_text(json.dumps(meta), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", LAUNCH_PROBE, str(tmp_path),
                           json.dumps(CONTEXT)], capture_output=True, text=True, timeout=120)
    refused, peak_kib = json.loads(done.stdout)
    assert refused and peak_kib < 200 * 1024, done.stderr  # the old code: over 1 GiB
    with caplog.at_level(logging.WARNING):
        assert store.find(CONTEXT) is None
    assert "a frame of 16384x16384 is not the screen's 640x360" in caplog.text


def test_a_cache_that_cannot_be_written_costs_only_the_picture(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING):
        assert not LaunchStore(blocker / "launch", 0).save(CONTEXT, [], frame())
    assert "cannot keep the launch image" in caplog.text


def test_only_decks_with_the_same_first_frame_at_every_start_are_repeatable(write):
    assert repeatable(load_deck(DEMO_DECK).deck)
    title = "  - {type: title, title: 封面}\n"
    live = ("sources: {s: {kind: sim, seed: 1, start: 5, step: 1}}\n"
            "slides:\n  - type: figures\n    items: [{value: {source: s}, label: 实时}]\n"
            + title)
    hours = 'schedule: {hours: {daily: "09:00-18:00"}}\nslides:\n' + title
    dated = "slides:\n  - {type: title, title: 通知, from: 2026-01-01}\n" + title
    for name, body in (("live", live), ("hours", hours), ("dated", dated)):
        result = load_deck(write(f"{name}.yaml", "title: t\n" + body))
        assert result.deck is not None, [str(p) for p in result.problems]
        assert not repeatable(result.deck), name


def test_the_frame_depends_on_the_deck_and_its_photos(deck_file, tmp_path):
    files = dependencies(load_deck(deck_file))
    assert files == [deck_file, tmp_path / "red.png"]


# ---------------------------------------------------------------- on screen

def show_window(qtbot, deck):
    window = ShowWindow(deck, clock=FakeClock(), animations=False)
    qtbot.addWidget(window)
    window.resize(640, 360)
    return window


def test_a_restart_shows_the_first_frame_until_the_show_paints_its_own(qtbot, app, tmp_path,
                                                                         deck_file):
    result = load_deck(deck_file)
    store = LaunchStore(tmp_path / "launch", 0)
    screen = QGuiApplication.primaryScreen()

    first = Launch(store, CONTEXT)  # the first start: nothing to show, so it keeps a frame
    assert not first.show(screen)
    window = show_window(qtbot, result.deck)
    first.follow(window, result)
    window.show()
    qtbot.waitUntil(lambda: first.writer is not None)
    first.writer.join()
    painted = as_array(window.grab().toImage())
    saved = store.find(CONTEXT)
    assert saved is not None and (saved.width, saved.height) == (640, 360)

    second = Launch(store, CONTEXT)  # the restart: that frame first, then the live show
    assert second.show(screen)
    launch_screen = second.screen_window
    assert launch_screen is not None and launch_screen.isVisible() and launch_screen.painted
    shown = as_array(launch_screen.image)
    assert np.array_equal(shown, painted)
    assert shown[:, :, :3].max(axis=2).mean() > 10  # the title slide, not a black picture
    window2 = show_window(qtbot, result.deck)
    second.follow(window2, result)
    window2.show()
    qtbot.waitUntil(lambda: second.screen_window is None)
    assert not shiboken6.isValid(launch_screen) or not launch_screen.isVisible()
    assert second.writer is None  # the stored frame still fits: nothing rewritten


def test_a_deck_that_became_unrepeatable_drops_its_old_frame(qtbot, app, tmp_path, write):
    store = LaunchStore(tmp_path / "launch", 0)
    store.save(CONTEXT, [], frame())
    result = load_deck(write("hours.yaml", 'title: t\nschedule: {hours: {daily: "09:00-18:00"}}\n'
                                           "slides:\n  - {type: title, title: 封面}\n"))
    launch = Launch(store, {**CONTEXT, "deck": "other"})
    window = show_window(qtbot, result.deck)
    launch.follow(window, result)
    window.show()
    qtbot.waitUntil(lambda: not store.meta.exists())
    assert not store.pixels.exists() and launch.writer is None


def test_the_deck_model_is_imported_past_pysides_import_hook_which_then_returns():
    """kiosk.imports: a measured 40 ms of a cold start; PySide6 must get its hook back."""
    import subprocess
    import sys

    code = """if True:
        import builtins
        import kiosk.cli
        import PySide6.QtCore
        from kiosk.imports import plain_imports
        hooked = builtins.__import__
        assert hooked.__name__ == "__feature_import__", hooked
        try:
            with plain_imports():
                assert builtins.__import__.__name__ == "__import__"
                import kiosk.core.loader
                raise KeyError("an error inside")
        except KeyError:
            pass
        assert builtins.__import__ is hooked
        print("ok")
    """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "ok", done.stderr


def test_the_launch_image_goes_even_if_the_show_never_paints(qtbot, app, tmp_path, monkeypatch):
    """A window manager that keeps the launch image on top would hide the show for good."""
    import kiosk.qt.launch

    monkeypatch.setattr(kiosk.qt.launch, "HAND_OVER_S", 0.05)
    store = LaunchStore(tmp_path, 0)
    store.save(CONTEXT, [], Frame(640, 360, 2560, 4, bytes(range(256)) * 3600))  # RGB32
    launch = Launch(store, CONTEXT)
    assert launch.show(QGuiApplication.primaryScreen())
    result = load_deck(DEMO_DECK)
    window = show_window(qtbot, result.deck)
    launch.follow(window, result)  # the window is never shown, so it never paints
    qtbot.waitUntil(lambda: launch.screen_window is None)
    assert store.find(CONTEXT) is not None  # the frame still fits: kept as it was
