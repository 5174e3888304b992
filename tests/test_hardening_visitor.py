"""#18 D: a visitor must not be able to end or stall the show.

Taps, keys and the overlays are driven like tests/test_touch.py does: real QTouchEvents and key
clicks on a window with a fake clock. The window-manager cases run on a real X server
(tests/test_xvfb_window.py).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
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
from .test_touch import assert_resumes_after_idle, canvas_to_window, make, tap

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
    assert pad.title(wait) == "已锁定，0:30 后重试 · Locked, try again in 0:30"
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
    assert_resumes_after_idle(window)  # auto-play goes on, as the README says
    assert not window.player.pause_shown  # the button shows ⏸ again
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
    # keys X delivers as another key, or not at all (tests/test_exit_chord_x.py types them)
    ("Ctrl+Shift+1", "'Ctrl+Shift+1' cannot be typed: Shift+1 arrives as the symbol above 1"),
    ("Ctrl+Shift+Tab", "cannot be typed: Shift+Tab arrives as Backtab, not as Tab"),
    ("Ctrl+Pause", "cannot be typed: Ctrl+Pause arrives as Break, not as Pause"),
    ("Alt+Shift+Print", "cannot be typed: Alt+Print arrives as SysReq, not as Print"),
    ("Ctrl+Enter", "Enter is the keypad's Enter, which arrives flagged as a keypad key; "
                   "the main Enter key is Return"),
    ("Ctrl+Alt+F2", "cannot be typed: Ctrl+Alt+F2 switches to a text console on Linux"),
    ("Ctrl+F13", "keyboards under Linux send the keys marked F13-F24 as other keys"),
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
    assert "A-Z, 0-9 (not with Shift), F1-F12" in problem.message and "Esc" in problem.message
    assert "Enter" not in problem.message.split("allowed:")[1]


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


# ---------------------------------------------------------------- iconified or destroyed window


@pytest.fixture
def kiosk_show(qtbot, app, tmp_path):
    """A locked show with a status file, on screen; stopped even when the test fails."""
    from kiosk.qt.controller import Show

    from .test_touch import _allow_close

    path = tmp_path / "deck.yaml"
    path.write_text(yaml.safe_dump(deck_data(exit_pin="2468")), encoding="utf-8")
    show = Show(path, load_deck(path), animations=False, status_file=tmp_path / "status.json",
                cache_root=tmp_path / "cache", clock=FakeClock(), kiosk_mode=True,
                on_exit=lambda: None)
    qtbot.addWidget(show.window, before_close_func=_allow_close)
    show.window.resize(320, 180)
    show.window.show()
    on_screen(qtbot, show.window)
    yield show
    show.stop()


def on_screen(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.windowHandle().isExposed(), timeout=30_000)
    window.presence.check()  # on screen once: from now on it is kept there


def window_status(show) -> dict:
    show.write_status()
    return json.loads(show.status_file.read_text(encoding="utf-8"))["window"]


def test_an_iconified_kiosk_window_comes_back_and_the_status_says_so(qtbot, kiosk_show,
                                                                     caplog):
    show = kiosk_show
    window = show.window
    assert window_status(show) == {"visible": True, "state": "normal"}
    with caplog.at_level(logging.INFO, logger="kiosk.qt.presence"):
        window.setWindowState(Qt.WindowState.WindowMinimized)  # as a window manager does
        assert window_status(show) == {"visible": False, "state": "minimized"}
        qtbot.waitUntil(lambda: not window.isMinimized(), timeout=30_000)  # a guard, not a
        qtbot.waitUntil(lambda: window_status(show)["visible"], timeout=30_000)  # stopwatch
        qtbot.waitUntil(lambda: len(caplog.messages) == 2, timeout=30_000)
    assert window_status(show) == {"visible": True, "state": "normal"}
    assert caplog.messages == ["window minimized: bringing it back", "window back on screen"]


def test_a_kiosk_window_whose_native_window_is_gone_is_made_again(qtbot, kiosk_show, caplog):
    show = kiosk_show
    window = show.window
    with caplog.at_level(logging.WARNING, logger="kiosk.qt.presence"):
        window.windowHandle().destroy()  # what `xdotool windowclose` leaves Qt with
        assert window_status(show) == {"visible": False, "state": "hidden"}
        qtbot.waitUntil(lambda: window_status(show)["visible"], timeout=30_000)
    assert "window hidden: bringing it back" in caplog.messages
    window.grab()  # it paints again


def test_a_windowed_show_may_be_minimised(qtbot, app, tmp_path):
    window, _ = make(qtbot, deck_from(tmp_path, deck_data()), kiosk_mode=False)
    on_screen(qtbot, window)
    window.setWindowState(Qt.WindowState.WindowMinimized)
    window.presence.check()
    assert window.isMinimized() and window.presence.reasserted == 0
    window.stop()


# ---------------------------------------------------------------- the same on a real X server

TITLE = "visitor-presence-test"


@pytest.fixture
def x_display():
    """Xvfb with openbox, the window manager whose Alt+Space menu iconified the show."""
    from .conftest import REPO

    if shutil.which("Xvfb") is None or shutil.which("openbox") is None:
        subprocess.run([str(REPO / "tools" / "setup-system.sh"), "test"], capture_output=True,
                       timeout=600)
    missing = [tool for tool in ("Xvfb", "openbox", "xdotool", "xprop")
               if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"not installed and could not be installed here: {', '.join(missing)}")
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24",
                               "-nolisten", "tcp"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    number = server.stdout.readline().strip()  # written once the server is ready
    assert number.isdigit(), "Xvfb did not start"
    display = f":{number}"
    env = {**os.environ, "DISPLAY": display}
    manager = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    yield display
    for process in (manager, server):
        process.terminate()
        process.wait(timeout=30)


def x(display: str, *args: str) -> str:
    return subprocess.run(list(args), env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True, timeout=60).stdout


def until(predicate, what: str, guard: float = 60.0):
    """Poll ``predicate`` until it holds; ``guard`` only keeps a broken run from hanging."""
    import time

    end = time.monotonic() + guard
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"never happened: {what}")


@pytest.mark.xvfb
def test_on_x_a_minimised_or_closed_window_comes_back(x_display, tmp_path):
    from .conftest import REPO

    deck = tmp_path / "deck.yaml"
    deck.write_text(yaml.safe_dump({"title": TITLE, "exit_pin": "2468",
                                    "slides": [{"type": "title", "title": "一"}]},
                                   allow_unicode=True), encoding="utf-8")
    status = tmp_path / "status.json"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=x_display, PYTHONUNBUFFERED="1", KIOSK_CACHE_DIR=str(tmp_path / "c"),
               KIOSK_LOG_DIR=str(tmp_path / "log"), KIOSK_RUNTIME_DIR=str(tmp_path / "run"))
    show = subprocess.Popen([sys.executable, "-m", "kiosk", "run", str(deck), "--status-file",
                             str(status), "--exit-after", "300"], cwd=REPO, env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        for line in show.stderr:
            if "first frame painted" in line:
                break

        def window() -> str:
            found = x(x_display, "xdotool", "search", "--onlyvisible", "--name", TITLE).split()
            return found[0] if found else ""

        def status_window() -> dict:
            try:
                return json.loads(status.read_text(encoding="utf-8"))["window"]
            except (OSError, ValueError, KeyError):
                return {}

        first = until(window, "the show's window on screen")
        until(lambda: status_window().get("visible"), "the status file saying visible")

        x(x_display, "xdotool", "windowminimize", first)  # what openbox's Alt+Space menu does
        until(lambda: "Normal" in x(x_display, "xprop", "-id", first, "WM_STATE"),
              "the minimised window back in the normal state")
        assert window() == first

        x(x_display, "xdotool", "windowclose", first)  # destroys the X window under Qt
        second = until(lambda: window() not in ("", first) and window(),
                       "a new window for the show")
        assert second != first
        until(lambda: status_window() == {"visible": True, "state": "normal"},
              "the status file saying visible again")
        assert show.poll() is None  # it never stopped
    finally:
        show.terminate()  # SIGTERM: the show ends as cleanly as with the exit chord
        rest = show.stderr.read()
        code = show.wait(timeout=60)
    assert code == 0, rest
    assert "window minimized: bringing it back" in rest
    assert "creating its native window again" in rest
    assert "Traceback" not in rest


def test_interaction_does_not_import_the_window():
    """interaction.py names what it needs of the window (Host), so the two modules no longer
    import each other, not even for type checking."""
    import kiosk.qt.interaction as interaction

    source = Path(interaction.__file__).read_text(encoding="utf-8")
    assert "kiosk.qt.window" not in source
