"""exit_chord on a real X server (#18): `Ctrl+Shift+1` checked ok, but X delivers
Ctrl+Shift+! for it, so the chord never matched and the exit was silently disabled.

Here every chord `kiosk check` accepts is typed with xdotool into a Qt window under Xvfb and
must arrive as itself; every refused one (but F13 and up, see below) must arrive as something
else, so that each refusal stands on what X does. Then the show itself ends by its default
chord and by an allowed chord with Shift.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

from kiosk.core.keys import KEYS, parse_chord

from .conftest import REPO
from .test_hardening_visitor import TITLE, until, x, x_display  # noqa: F401 (a fixture)

pytestmark = pytest.mark.xvfb

# xdotool's keysym for each key name, where it is not the name itself
KEYSYMS = {"Esc": "Escape", "Backspace": "BackSpace", "Enter": "KP_Enter", "Ins": "Insert",
           "Del": "Delete", "PgUp": "Prior", "PgDown": "Next", "Space": "space"}
MODIFIERS = {"Ctrl": "ctrl", "Alt": "alt", "Meta": "super", "Shift": "shift"}

PROBE = textwrap.dedent("""
    import sys
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QApplication, QWidget
    MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                     Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_AltGr}
    app = QApplication(sys.argv)
    out = open(sys.argv[1], "a", encoding="utf-8")
    class Probe(QWidget):
        def keyPressEvent(self, event):
            if event.key() not in MODIFIER_KEYS:  # what the show compares with its chord
                out.write(QKeySequence(event.keyCombination()).toString() + "\\n")
                out.flush()
    probe = Probe()
    probe.setWindowTitle("chord-probe")
    probe.resize(200, 200)
    probe.show()
    print("shown", flush=True)
    app.exec()
""")


def every_chord() -> list[tuple[str, bool]]:
    """Each modifier set with at least one of Ctrl, Alt, Meta, with every key name: (chord,
    accepted by kiosk check)."""
    chords = []
    for n in range(1, 5):
        for mods in itertools.combinations(MODIFIERS, n):
            if set(mods) == {"Shift"}:
                continue
            for key in sorted(set(KEYS.values())):
                if key == "Backspace" and {"Ctrl", "Alt"} <= set(mods):
                    continue  # may end the X server itself (zap), never a show's chord
                chord = "+".join([*mods, key])
                try:
                    parse_chord(chord)
                except ValueError:
                    chords.append((chord, False))
                else:
                    chords.append((chord, True))
    return chords


def typed(chord: str) -> str:
    *mods, key = chord.split("+")
    keysym = KEYSYMS.get(key, key.lower() if len(key) == 1 else key)
    return "+".join([*(MODIFIERS[m] for m in mods), keysym])


@pytest.fixture
def bare_x():
    """Xvfb with no window manager: nothing grabs a chord before the application sees it."""
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        subprocess.run([str(REPO / "tools" / "setup-system.sh"), "test"], capture_output=True,
                       timeout=600)
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        pytest.skip("Xvfb or xdotool is not installed and could not be installed here")
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24",
                               "-nolisten", "tcp"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    number = server.stdout.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=30)


def test_every_accepted_chord_arrives_as_itself_and_every_refused_one_does_not(bare_x,
                                                                               tmp_path):
    from PySide6.QtGui import QKeySequence

    log = tmp_path / "keys.txt"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = bare_x
    probe = subprocess.Popen([sys.executable, "-c", PROBE, str(log)], env=env,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert probe.stdout.readline().strip() == "shown"
        window = until(lambda: x(bare_x, "xdotool", "search", "--name", "chord-probe").split(),
                       "the probe's window")
        for wid in window:
            x(bare_x, "xdotool", "windowfocus", "--sync", wid)
        chords = every_chord()
        for start in range(0, len(chords), 50):  # a separator after each: a plain Z
            batch = [part for chord, _ in chords[start:start + 50] for part in (typed(chord), "z")]
            done = subprocess.run(["xdotool", "key", "--delay", "5", *batch],
                                  env={**os.environ, "DISPLAY": bare_x}, timeout=120)
            assert done.returncode == 0

        def arrived() -> list[list[str]]:
            groups: list[list[str]] = [[]]
            for line in log.read_text(encoding="utf-8").splitlines():
                if line == "Z":
                    groups.append([])
                else:
                    groups[-1].append(line)
            return groups[:-1] if len(groups) > len(chords) else []

        groups = until(arrived, "every chord typed", guard=120)
    finally:
        probe.terminate()
        probe.wait(timeout=30)
    wrong, matched = [], []
    for (chord, accepted), got in zip(chords, groups, strict=True):
        matches = got == [QKeySequence(chord).toString()]
        if accepted and not matches:
            wrong.append(f"{chord} arrived as {got}")
        # xdotool types F13 and up on a spare keycode, which a keyboard under Linux does
        # not: its keys marked F13-F24 send XF86Tools, XF86Launch5, …
        key = chord.split("+")[-1]
        if not accepted and matches and not (key[0] == "F" and key[1:].isdigit()
                                             and int(key[1:]) > 12):
            matched.append(chord)
    assert not wrong, f"accepted by kiosk check but never arrive: {wrong}"
    assert not matched, f"refused by kiosk check but arrive as written: {matched}"
    refused = {chord for chord, accepted in chords if not accepted}
    assert {"Ctrl+Shift+1", "Ctrl+Shift+Tab", "Ctrl+Pause", "Alt+Print", "Ctrl+Enter",
            "Ctrl+Alt+F1"} <= refused
    assert {"Ctrl+Shift+Q", "Ctrl+1", "Ctrl+Shift+Return", "Ctrl+Alt+Shift+F1"}.isdisjoint(
        refused)


@pytest.mark.parametrize("chord", [None, "Ctrl+Shift+F5", "Alt+Shift+Home"])
def test_the_show_ends_by_its_chord_on_x(x_display, tmp_path, chord):  # noqa: F811
    data = {"title": TITLE, "slides": [{"type": "title", "title": "一"}]}
    if chord is not None:
        data["exit_chord"] = chord
    deck = tmp_path / "deck.yaml"
    deck.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=x_display, PYTHONUNBUFFERED="1")
    show = subprocess.Popen([sys.executable, "-m", "kiosk", "run", str(deck),
                             "--exit-after", "300"], cwd=REPO, env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        for line in show.stderr:
            if "first frame painted" in line:
                break
        window = until(lambda: x(x_display, "xdotool", "search", "--onlyvisible", "--name",
                                 TITLE).split(), "the show's window on screen")[0]
        x(x_display, "xdotool", "windowactivate", "--sync", window)
        x(x_display, "xdotool", "key", typed(chord or "Ctrl+Shift+Q"))
        code = show.wait(timeout=60)  # the --exit-after guard is 300 s
        rest = show.stderr.read()
    finally:
        if show.poll() is None:
            show.kill()
            show.wait(timeout=30)
    assert code == 0, rest
    assert f"exit requested (key chord {chord or 'Ctrl+Shift+Q'})" in rest
