"""The show window on a fake clock: auto-advance, transitions from frames, keys, timers."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest

from kiosk.qt.window import ShowWindow

from .conftest import FakeClock, as_array
from .render_util import deck_from
from .test_render import solid_png


@pytest.fixture
def colour_deck(tmp_path):
    solid_png(tmp_path / "red.png", "#ff0000")
    solid_png(tmp_path / "blue.png", "#0000ff")
    photo = {"type": "photo", "credit": "示意图", "ken_burns": False, "duration": "5s"}
    return deck_from(tmp_path, {
        "title": "t", "progress": False,
        "defaults": {"transition": {"type": "fade", "duration": "1s"}},
        "slides": [{**photo, "image": "red.png"}, {**photo, "image": "blue.png"},
                   {"type": "title", "title": "三", "transition": "none"}]})


def make_window(qtbot, deck, animations=True):
    clock = FakeClock()
    window = ShowWindow(deck, clock=clock, animations=animations)
    qtbot.addWidget(window)
    window.resize(640, 360)
    window.show()
    qtbot.waitExposed(window)
    return window, clock


def centre(window):
    pixels = as_array(window.grab().toImage())
    b, g, r = pixels[120, 320, :3].astype(int)
    return r, g, b


def test_auto_advance_with_a_fade_composed_from_two_frames(qtbot, app, colour_deck):
    window, clock = make_window(qtbot, colour_deck)
    assert window.index == 0 and centre(window)[0] > 200
    clock.advance(4.9)
    window.poll()
    assert window.index == 0
    clock.advance(0.1)
    window.poll()
    assert window.index == 1 and window.in_transition
    clock.advance(0.5)  # halfway through the fade: red and blue mixed
    r, _, b = centre(window)
    assert 60 < r < 200 and 60 < b < 200
    clock.advance(0.6)
    window.poll()
    assert not window.in_transition
    r, _, b = centre(window)
    assert b > 200 and r < 40
    window.stop()


def test_transition_none_and_animations_off_cut_at_once(qtbot, app, colour_deck):
    window, clock = make_window(qtbot, colour_deck, animations=False)
    clock.advance(5)
    window.poll()
    assert window.index == 1 and not window.in_transition
    assert centre(window)[2] > 200
    window.stop()


def test_keys_navigate_and_pause(qtbot, app, colour_deck):
    window, clock = make_window(qtbot, colour_deck, animations=False)
    QTest.keyClick(window, Qt.Key.Key_Right)
    assert window.index == 1
    QTest.keyClick(window, Qt.Key.Key_PageUp)  # presenter clickers send PageUp/PageDown
    assert window.index == 0
    QTest.keyClick(window, Qt.Key.Key_End)
    assert window.index == 2
    QTest.keyClick(window, Qt.Key.Key_Space)
    assert window.player.held
    clock.advance(3600)
    window.poll()
    assert window.index == 2  # held: no auto-advance
    window.stop()


def test_no_timer_left_running_after_stop(qtbot, app, colour_deck):
    window, clock = make_window(qtbot, colour_deck)
    clock.advance(5)
    window.poll()
    timers = window.findChildren(QTimer)
    assert any(t.isActive() for t in timers)
    window.stop()
    assert [t for t in window.findChildren(QTimer) if t.isActive()] == []
    assert isinstance(window, QObject)


def test_progress_bar_grows_with_the_slide_time(qtbot, app, tmp_path):
    deck = deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "title", "title": "一", "duration": "10s"},
        {"type": "title", "title": "二"}]})
    window, clock = make_window(qtbot, deck, animations=False)

    def bar_length():
        row = as_array(window.grab().toImage())[358, :, :3].astype(int)
        accent = (row[:, 0] > 180) & (row[:, 2] < 120)  # #2ec4ff: blue high, red low
        return int(np.count_nonzero(accent))

    start = bar_length()
    clock.advance(5)
    half = bar_length()
    assert start < 20 and 300 < half < 340
    window.stop()


def test_a_still_slide_repaints_only_the_sliver_the_time_bar_grew(qtbot, app, tmp_path,
                                                                  monkeypatch):
    deck = deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "figures", "title": "低空经济", "duration": "60s",
         "items": [{"value": "92.64", "unit": "亿元", "label": "产值"}]},
        {"type": "title", "title": "二"}]})
    window, clock = make_window(qtbot, deck, animations=False)
    full_paints = []
    original = window._paint
    monkeypatch.setattr(window, "_paint", lambda p: (full_paints.append(1), original(p)))
    app.processEvents()  # whatever showing the window asked for
    window.repaint()
    full_paints.clear()
    for _ in range(40):  # 40 ticks of the bar's timer over 20 s of a still slide
        clock.advance(0.5)
        window._on_frame()
        app.processEvents()
    assert full_paints == []  # the slide itself was never painted again
    on_screen = as_array(window.screen().grabWindow(window.winId()).toImage())
    full = as_array(window.grab().toImage())  # a complete repaint, for comparison
    assert on_screen.shape == full.shape
    assert np.array_equal(on_screen[:, :, :3], full[:, :, :3])  # the same pixels
    row = full[358, :, :3].astype(int)
    accent = (row[:, 0] > 180) & (row[:, 2] < 120)  # BGRA: #2ec4ff, blue high, red low
    assert 200 < int(np.count_nonzero(accent)) < 230  # a third of the 60 s has passed
    window.stop()


def test_a_count_up_repaints_its_numbers_not_the_slide(qtbot, app, tmp_path, monkeypatch):
    deck = deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "figures", "title": "2024年上半年", "duration": "60s", "items": [
            {"value": "92.64", "unit": "亿元", "change": "+27.95%", "label": "低空经济产值"},
            {"value": "433.4", "unit": "%", "label": "互联网服务营收增长"}]},
        {"type": "title", "title": "二"}]})
    window, clock = make_window(qtbot, deck, animations=True)
    app.processEvents()
    window.repaint()
    painted = []
    original = window.paintEvent
    monkeypatch.setattr(window, "paintEvent",
                        lambda event: (painted.append(event.region()), original(event)))
    for _ in range(90):  # three seconds of frames: the count-up runs and ends
        clock.advance(1 / 30)
        window._on_frame()
        app.processEvents()
    assert painted, "the count-up painted nothing"
    area = window.width() * window.height()
    for region in painted:
        assert sum(r.width() * r.height() for r in region) < area * 0.3
    on_screen = as_array(window.screen().grabWindow(window.winId()).toImage())
    full = as_array(window.grab().toImage())
    # nothing left half-drawn (the time bar, in the bottom rows, moves on in steps)
    assert np.array_equal(on_screen[:356, :, :3], full[:356, :, :3])

    def bar(image):
        row = image[359, :, :3].astype(int)
        return np.flatnonzero((row[:, 0] > 180) & (row[:, 2] < 120))  # BGRA accent

    shown, true = bar(on_screen), bar(full)
    assert len(shown) > 0 and shown[0] == 0  # the bar on screen starts at the left edge
    assert np.array_equal(shown, np.arange(len(shown)))  # in one piece, no gaps
    assert abs(len(shown) - len(true)) <= 640 / 320 + 2  # within a step of where it should be
    window.stop()
