"""#18 D: a visitor must not be able to end or stall the show.

Taps, keys and the overlays are driven like tests/test_touch.py does: real QTouchEvents and key
clicks on a window with a fake clock. The window-manager cases run on a real X server
(tests/test_xvfb_window.py).
"""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from kiosk.cli import main
from kiosk.core import load_deck
from kiosk.core.keys import KEYS
from kiosk.core.pinguard import FIRST_LOCK_S, MAX_LOCK_S, PinGuard
from kiosk.qt.window import ShowWindow

from .conftest import DEMO_DECK, FakeClock
from .render_util import deck_from
from .test_touch import canvas_to_window, make, tap

CHORD = (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def deck_data(**extra):
    slides = [{"type": "title", "title": {"zh": f"第{i}页", "en": f"Slide {i}"},
               "duration": "10s"} for i in range(1, 4)]
    return {"title": "t", "idle_resume": "30s", "slides": slides, **extra}


@pytest.fixture
def touch():
    return QTest.createTouchDevice()


def pin_window(qtbot, tmp_path, **extra) -> tuple[ShowWindow, list[bool]]:
    return make(qtbot, deck_from(tmp_path, deck_data(exit_pin="2468", **extra)))


def type_pin(window: ShowWindow, digits: str) -> None:
    for digit in digits:
        QTest.keyClick(window, getattr(Qt.Key, f"Key_{digit}"))
    QTest.keyClick(window, Qt.Key.Key_Return)


# ---------------------------------------------------------------- exit without a PIN


def test_corner_taps_do_not_end_a_kiosk_without_a_pin_but_the_chord_does(qtbot, app, tmp_path,
                                                                         touch):
    window, exits = make(qtbot, deck_from(tmp_path, deck_data()))
    for _ in range(10):
        tap(window, touch, 20, 20)
        window.clock.advance(0.3)
    assert exits == [] and window.interaction.pinpad is None  # the show goes on
    QTest.keyClick(window, *CHORD)  # the operator's chord still ends it
    assert exits == [True]
    window.stop()


def test_corner_taps_still_ask_for_the_pin_when_there_is_one(qtbot, app, tmp_path, touch):
    window, exits = pin_window(qtbot, tmp_path)
    for _ in range(5):
        tap(window, touch, 20, 20)
        window.clock.advance(0.3)
    assert window.interaction.pinpad is not None and exits == []
    window.stop()


def test_check_warns_about_a_deck_without_exit_pin_and_still_passes(write, capsys):
    bare = write("bare.yaml", "title: t\nslides:\n  - {type: title, title: a}\n")
    assert main(["check", str(bare)]) == 0
    out = capsys.readouterr().out
    assert "bare.yaml: warning: exit_pin: not set" in out
    assert 'exit_pin: "0427"' in out  # says how to set one
    assert out.strip().splitlines()[-1].endswith("ok: 1 slides (1 title); loop 8s")
    pinned = write("pinned.yaml", 'title: t\nexit_pin: "2468"\n'
                   "slides:\n  - {type: title, title: a}\n")
    assert main(["check", str(pinned)]) == 0
    assert "warning" not in capsys.readouterr().out


def test_the_demo_deck_says_how_to_set_an_exit_pin():
    comments = [line for line in DEMO_DECK.read_text(encoding="utf-8").splitlines()
                if line.lstrip().startswith("#")]
    assert any('exit_pin: "' in line for line in comments)


# ---------------------------------------------------------------- PIN guessing


def test_pin_guard_backs_off_exponentially_up_to_15_minutes(caplog):
    clock = FakeClock()
    guard = PinGuard()
    with caplog.at_level(logging.WARNING, logger="kiosk.core.pinguard"):
        assert guard.check("0000", "2468", clock()) is False
        assert guard.check("0001", "2468", clock()) is False
        assert not guard.locked(clock())  # two free mistakes
        assert guard.check("0002", "2468", clock()) is False
        assert guard.remaining(clock()) == FIRST_LOCK_S == 30
        assert guard.check("2468", "2468", clock()) is None  # locked: not even the right PIN
        clock.advance(29.9)
        assert guard.check("0003", "2468", clock()) is None  # not counted either
        waits = []
        for _ in range(8):
            clock.advance(guard.remaining(clock()))
            assert guard.check("0004", "2468", clock()) is False
            waits.append(guard.remaining(clock()))
    assert waits == [60, 120, 240, 480, MAX_LOCK_S, MAX_LOCK_S, MAX_LOCK_S, MAX_LOCK_S]
    assert MAX_LOCK_S == 15 * 60
    lockouts = [r.getMessage() for r in caplog.records if "locked" in r.getMessage()]
    assert len(lockouts) == 9  # each lockout once, none for the refused tries
    assert lockouts[0] == "exit PIN keypad locked for 30 s after 3 wrong PINs"
    clock.advance(guard.remaining(clock()))
    assert guard.check("2468", "2468", clock()) is True
    assert guard.failures == 0


def test_wrong_pins_lock_the_keypad_which_says_for_how_long(qtbot, app, tmp_path):
    window, exits = pin_window(qtbot, tmp_path)
    for guess in ("1111", "2222", "3333"):
        QTest.keyClick(window, *CHORD)
        type_pin(window, guess)
    pad = window.interaction.pinpad
    assert pad is not None  # the lockout stays on screen
    wait = window.interaction.pin_guard.remaining(window.clock())
    assert pad.title(wait) == "已锁定,0:30 后重试 · Locked, try again in 0:30"
    window.clock.advance(10)
    type_pin(window, "2468")  # the right PIN, but locked: refused, nothing typed
    assert exits == [] and pad.entered == ""
    assert pad.title(window.interaction.pin_guard.remaining(window.clock())).endswith("0:20")
    locked = window.grab().toImage()
    window.clock.advance(20)
    assert window.grab().toImage() != locked  # the title on screen changed with the lock
    type_pin(window, "2468")
    assert exits == [True]
    window.stop()


def test_711_guesses_do_not_get_through(qtbot, app, tmp_path, caplog):
    window, exits = pin_window(qtbot, tmp_path)
    with caplog.at_level(logging.WARNING):
        for guess in range(711):
            QTest.keyClick(window, *CHORD)
            type_pin(window, f"{guess:04d}")  # never 2468
            window.clock.advance(0.08)  # 711 guesses in 56 s, as in the issue
    lines = [r.getMessage() for r in caplog.records]
    assert lines.count("exit refused: wrong PIN") == 4  # three free, 30 s locked, one more
    assert [line for line in lines if "locked" in line] == [
        "exit PIN keypad locked for 30 s after 3 wrong PINs",
        "exit PIN keypad locked for 60 s after 4 wrong PINs"]
    window.clock.advance(window.interaction.pin_guard.remaining(window.clock()))
    QTest.keyClick(window, *CHORD)
    type_pin(window, "2468")
    assert exits == [True]  # ... and the operator still gets out
    window.stop()


# ---------------------------------------------------------------- forgotten keypad and pause


def test_a_forgotten_keypad_closes_after_idle_resume(qtbot, app, tmp_path):
    window, _ = pin_window(qtbot, tmp_path)
    QTest.keyClick(window, *CHORD)
    assert window.interaction.pinpad is not None
    window.clock.advance(29.9)
    window.poll()
    assert window.interaction.pinpad is not None
    window.clock.advance(0.2)
    window.poll()
    assert window.interaction.pinpad is None
    window.stop()


def test_a_keypad_opened_in_standby_is_still_timed(qtbot, app, tmp_path):
    window, _ = pin_window(qtbot, tmp_path)
    window.set_standby(("black", 0, 1.0))  # auto-play held: the player has no deadline
    QTest.keyClick(window, *CHORD)
    assert window.interaction.pinpad is not None
    assert window._deadline.isActive()  # the window will look again ...
    assert abs(window._deadline.remainingTime() - 30_000) < 1_000  # ... when idle_resume ends
    window.clock.advance(30)
    window.poll()
    assert window.interaction.pinpad is None
    window.stop()


def test_the_pause_button_resumes_after_idle_resume(qtbot, app, tmp_path, touch):
    window, _ = pin_window(qtbot, tmp_path)
    tap(window, touch, 480, 200)
    button = dict(window.interaction.controls().buttons)["pause"]
    tap(window, touch, *canvas_to_window(window, button.center().x(), button.center().y()))
    assert window.player.paused
    window.clock.advance(29.9)
    window.poll()
    assert window.player.paused and window.index == 0
    window.clock.advance(0.2)
    window.poll()
    assert not window.player.paused
    assert not window.player.pause_shown  # the button shows ⏸ again
    window.clock.advance(10)
    window.poll()
    assert window.index == 1  # auto-play goes on, as the README says
    window.stop()


def test_space_is_the_operators_hold_until_space_again(qtbot, app, tmp_path):
    window, _ = pin_window(qtbot, tmp_path)
    QTest.keyClick(window, Qt.Key.Key_Space)
    window.clock.advance(3600)
    window.poll()
    assert window.player.held and window.index == 0
    QTest.keyClick(window, Qt.Key.Key_Space)
    assert not window.player.paused
    window.stop()


# ---------------------------------------------------------------- exit_chord


@pytest.mark.parametrize(("chord", "why"), [
    ("Ctrl+Shift+Banana", "'Banana' in 'Ctrl+Shift+Banana' is not a key name"),
    ("", "expected a key chord like"),
    ("Q", "'Q' can be typed by anyone at a keyboard: hold at least one of Ctrl, Alt, Meta"),
    ("Shift+Q", "can be typed by anyone"),
    ("Ctrl+Shift", "ends with a modifier"),
    ("Hyper+Q", "'Hyper' in 'Hyper+Q' is not a modifier"),
    ("Ctrl+Q+W", "'Q' in 'Ctrl+Q+W' is not a modifier"),
    ("Ctrl+F36", "'F36' in 'Ctrl+F36' is not a key name"),
])
def test_exit_chord_must_be_real_keys_with_a_modifier(tmp_path, chord, why):
    path = tmp_path / "deck.yaml"
    path.write_text(f'title: t\nexit_chord: "{chord}"\nslides:\n  - {{type: title, title: a}}\n',
                    encoding="utf-8")
    result = load_deck(path)
    assert result.deck is None
    (problem,) = result.problems
    assert problem.line == 2 and problem.path == ("exit_chord",)
    assert why in problem.message
    assert "allowed: modifiers Ctrl, Alt, Meta, Shift" in problem.message
    assert "A-Z, 0-9, F1-F35" in problem.message and "Esc" in problem.message


def test_every_key_name_allowed_is_one_qt_reads(app):
    for name in KEYS.values():
        sequence = QKeySequence(f"Ctrl+{name}")
        assert sequence.count() == 1 and sequence.toString() == f"Ctrl+{name}", name


def test_a_chord_written_in_lower_case_works(qtbot, app, tmp_path):
    deck = deck_from(tmp_path, deck_data(exit_chord="ctrl+alt+escape"))
    assert deck.exit_chord == "Ctrl+Alt+Esc"
    window, exits = make(qtbot, deck)
    QTest.keyClick(window, Qt.Key.Key_Escape, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.AltModifier)
    assert exits == [True]
    window.stop()


def test_windowed_mode_without_a_pin_keeps_its_corner_exit(qtbot, app, tmp_path, touch):
    window, exits = make(qtbot, deck_from(tmp_path, deck_data()), kiosk_mode=False)
    for _ in range(5):
        tap(window, touch, 20, 20)
        window.clock.advance(0.3)
    assert exits == [True]
    window.stop()
