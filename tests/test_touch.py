"""Touch like a visitor: real QTouchEvents (and mouse drags), controls, overview, PIN exit."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtTest import QTest

from kiosk.qt.window import ShowWindow

from .conftest import FakeClock
from .render_util import deck_from

W, H = 960, 540


@pytest.fixture
def deck(tmp_path):
    slides = [{"type": "title", "title": {"zh": f"第{i}页", "en": f"Slide {i}"},
               "duration": "10s"} for i in range(1, 6)]
    return deck_from(tmp_path, {"title": "t", "idle_resume": "30s", "exit_pin": "2468",
                                "slides": slides})


@pytest.fixture
def touch():
    return QTest.createTouchDevice()


def _allow_close(window: ShowWindow) -> None:
    window.stop()
    window._allow_close = True


def _on_screen(qtbot, window: ShowWindow) -> None:
    # a kiosk-mode window refuses to close, so qtbot's close at teardown would leave it on
    # screen over the next test's windows: allow it first
    qtbot.addWidget(window, before_close_func=_allow_close)
    window.resize(W, H)
    window.show()
    qtbot.waitExposed(window)


def make(qtbot, deck, kiosk_mode=True):
    exits = []
    window = ShowWindow(deck, clock=FakeClock(), animations=False, kiosk_mode=kiosk_mode,
                        on_exit=lambda: exits.append(True))
    _on_screen(qtbot, window)
    return window, exits


def logging_window(qtbot, deck, events):
    """A kiosk window on a fake clock whose wall clock follows it, writing ``events``."""
    clock = FakeClock()
    window = ShowWindow(deck, clock=clock, animations=False, kiosk_mode=True, events=events,
                        wall=lambda: 1_800_000_000 + clock.now)
    _on_screen(qtbot, window)
    return window, clock


def swipe(window, device, start, end, steps=6):
    sequence = QTest.touchEvent(window, device)
    sequence.press(0, QPoint(*start), window).commit()
    for k in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * k // steps
        y = start[1] + (end[1] - start[1]) * k // steps
        window.clock.advance(0.02)
        QTest.touchEvent(window, device).move(0, QPoint(x, y), window).commit()
    QTest.touchEvent(window, device).release(0, QPoint(*end), window).commit()


def tap(window, device, x, y):
    QTest.touchEvent(window, device).press(0, QPoint(x, y), window).commit()
    window.clock.advance(0.08)
    QTest.touchEvent(window, device).release(0, QPoint(x, y), window).commit()


def canvas_to_window(window, x, y):
    point = window.stage.transform().map(QPoint(x, y).toPointF())
    return round(point.x()), round(point.y())


def test_swipes_move_like_a_phone(qtbot, app, deck, touch):
    window, _ = make(qtbot, deck)
    swipe(window, touch, (700, 270), (300, 280))
    assert window.index == 1  # swipe left: next
    swipe(window, touch, (300, 270), (700, 260))
    assert window.index == 0  # swipe right: previous
    swipe(window, touch, (500, 270), (500 - int(0.02 * W), 270))
    assert window.index == 0 and window.interaction.drag_dx == 0  # 2%: snaps back
    swipe(window, touch, (480, 60), (500, 480))
    assert window.index == 0  # vertical: nothing
    window.stop()


def test_the_slide_follows_the_finger_while_dragging(qtbot, app, deck, touch):
    window, _ = make(qtbot, deck)
    QTest.touchEvent(window, touch).press(0, QPoint(700, 270), window).commit()
    QTest.touchEvent(window, touch).move(0, QPoint(600, 270), window).commit()
    assert window.interaction.drag_dx == pytest.approx(-100, abs=2)
    assert window.interaction.neighbour[0] == 1  # the next slide is ready to slide in
    QTest.touchEvent(window, touch).release(0, QPoint(600, 270), window).commit()
    window.stop()


def test_mouse_drags_work_like_touch(qtbot, app, deck):
    window, _ = make(qtbot, deck)
    QTest.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(700, 270))
    QTest.mouseMove(window, QPoint(500, 272))
    QTest.mouseMove(window, QPoint(300, 275))
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(300, 275))
    assert window.index == 1
    window.stop()


def test_tap_shows_controls_and_each_control_works(qtbot, app, deck, touch):
    window, _ = make(qtbot, deck)
    tap(window, touch, 480, 200)
    assert window.interaction.controls_visible(window.clock())
    buttons = dict(window.interaction.controls().buttons)
    assert set(buttons) == {"prev", "pause", "overview", "next", "language"}
    assert all(r.width() >= 48 and r.height() >= 48 for r in buttons.values())

    def press(name):
        tap(window, touch, *canvas_to_window(window, buttons[name].center().x(),
                                             buttons[name].center().y()))

    press("next")
    assert window.index == 1
    press("prev")
    assert window.index == 0
    press("pause")
    assert window.player.pause_shown and window.player.paused
    press("pause")
    assert not window.player.pause_shown and not window.player.held
    press("language")
    assert window.stage.lang == "en"
    press("overview")
    assert window.interaction.overview is not None
    window.stop()


def test_controls_fade_after_a_few_seconds(qtbot, app, deck, touch):
    window, _ = make(qtbot, deck)
    tap(window, touch, 480, 200)
    window.clock.advance(5.1)
    assert not window.interaction.controls_visible(window.clock())
    window.stop()


def test_long_press_opens_the_overview_and_a_thumbnail_jumps(qtbot, app, deck, touch):
    window, _ = make(qtbot, deck)
    QTest.touchEvent(window, touch).press(0, QPoint(480, 270), window).commit()
    window.clock.advance(0.7)
    window.interaction._check_long_press()  # the long-press timer fires
    overview = window.interaction.overview
    assert overview is not None and len(window.interaction.thumbs) == 5
    QTest.touchEvent(window, touch).release(0, QPoint(480, 270), window).commit()
    assert window.interaction.overview is overview  # lifting the finger does not close it
    target = dict(overview.visible())[3]
    tap(window, touch, *canvas_to_window(window, target.center().x(), target.center().y()))
    assert window.index == 3 and window.interaction.overview is None
    window.stop()


def test_auto_play_resumes_after_idle(qtbot, app, deck, touch):
    window, _ = make(qtbot, deck)
    tap(window, touch, 480, 200)
    assert window.player.paused
    assert_resumes_after_idle(window)
    window.stop()


def assert_resumes_after_idle(window) -> None:
    """Paused on slide 1 until idle_resume (30 s) passes, then auto-play goes on."""
    window.clock.advance(29.9)
    window.poll()
    assert window.player.paused and window.index == 0
    window.clock.advance(0.2)
    window.poll()
    assert not window.player.paused
    window.clock.advance(10)
    window.poll()
    assert window.index == 1


def test_lockdown_esc_close_and_pin(qtbot, app, deck, touch, caplog):
    window, exits = make(qtbot, deck)
    QTest.keyClick(window, Qt.Key.Key_Escape)
    event = QCloseEvent()
    window.closeEvent(event)
    assert not event.isAccepted() and exits == []  # Esc and Alt+F4/close do not end it
    with caplog.at_level(logging.WARNING):
        QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
        pad = window.interaction.pinpad
        assert pad is not None
        for digit in "1111":
            QTest.keyClick(window, getattr(Qt.Key, f"Key_{digit}"))
        QTest.keyClick(window, Qt.Key.Key_Return)
        assert window.interaction.pinpad is None and exits == []  # wrong PIN: back to show
        QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
        pad = window.interaction.pinpad
        keys = dict(pad.keys)
        for key in "2468":
            rect = keys[key]
            tap(window, touch, *canvas_to_window(window, rect.center().x(), rect.center().y()))
        ok = keys["OK"]
        tap(window, touch, *canvas_to_window(window, ok.center().x(), ok.center().y()))
    assert exits == [True]
    assert "exit refused: wrong PIN" in caplog.text and "exit confirmed" in caplog.text
    window.stop()


def test_five_taps_in_the_corner_ask_to_exit(qtbot, app, deck, touch):
    window, _ = make(qtbot, deck)
    for _ in range(5):
        tap(window, touch, 20, 20)
        window.clock.advance(0.3)
    assert window.interaction.pinpad is not None
    window.stop()


def test_windowed_mode_is_free(qtbot, app, deck):
    window, exits = make(qtbot, deck, kiosk_mode=False)
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert exits == [True]
    window.stop()


def test_a_view_that_raises_becomes_a_placeholder(qtbot, app, deck, caplog):
    window, _ = make(qtbot, deck)
    view = window.stage.view(0)

    def boom(*args):
        raise RuntimeError("bad view")

    view.paint_over = boom
    with caplog.at_level(logging.ERROR):
        window.grab()  # paints synchronously
    assert "painting slide 0 failed" in caplog.text and "bad view" in caplog.text
    assert 0 in window.stage.broken
    window.grab()  # the placeholder paints; the show goes on
    QTest.keyClick(window, Qt.Key.Key_Right)
    assert window.index == 1
    window.stop()


def test_overview_corner_shows_the_version_from_kiosk_init(app, monkeypatch):
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QImage, QPainter

    import kiosk
    from kiosk.qt.overlays import Overview, version_label

    from .conftest import as_array

    def paint():
        overview = Overview(list(range(5)), QSizeF(1920, 1080), 0)
        image = QImage(1920, 1080, QImage.Format.Format_RGB32)
        image.fill(0)
        painter = QPainter(image)
        overview.paint(painter, {}, 0)
        painter.end()
        return overview, as_array(image)

    assert version_label() == f"kiosk {kiosk.__version__}"
    overview, before = paint()
    monkeypatch.setattr(kiosk, "__version__", "12.34.56-rc7")
    _, after = paint()
    r = overview.version_rect
    changed = (before != after).any(axis=2)
    rows, cols = changed.nonzero()
    assert len(rows) > 50  # the new version string is drawn ...
    assert rows.min() >= r.top() and rows.max() <= r.bottom()  # ... in the corner, only there
    assert cols.min() >= r.left() and cols.max() <= r.right()
