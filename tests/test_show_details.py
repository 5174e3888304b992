"""Rotation, the hidden cursor, and pyqtgraph kept out of the first frame."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QTransform
from PySide6.QtTest import QTest

from kiosk.core import load_deck
from kiosk.qt.stage import Stage
from kiosk.qt.window import ShowWindow

from .conftest import DEMO_DECK, REPO, FakeClock, as_array


def test_rotate_90_draws_the_landscape_show_on_a_portrait_mounted_screen(app):
    deck = load_deck(DEMO_DECK).deck
    upright = Stage(deck, QSize(960, 540), animations=False).render(0, 1e6)
    turned = Stage(deck, QSize(540, 960), rotate=90, animations=False).render(0, 1e6)
    expected = upright.transformed(QTransform().rotate(90))
    assert (expected.width(), expected.height()) == (540, 960)
    diff = abs(as_array(expected)[:, :, :3].astype(int) - as_array(turned)[:, :, :3].astype(int))
    assert diff.mean() < 2


def test_portrait_screen_gets_a_portrait_layout_not_a_letterbox(app):
    deck = load_deck(DEMO_DECK).deck
    stage = Stage(deck, QSize(1080, 1920), animations=False)
    assert (stage.canvas.width(), stage.canvas.height()) == (1080, 1920)
    assert not stage.letterboxed
    pixels = as_array(stage.render(1, 1e6))
    assert pixels[:200, :, :3].max() > 150 and pixels[1500:1800, :, :3].max() > 150


def test_cursor_hidden_until_the_mouse_moves(qtbot, app):
    window = ShowWindow(load_deck(DEMO_DECK).deck, clock=FakeClock(), animations=False)
    qtbot.addWidget(window)
    window.resize(640, 360)
    window.show()
    qtbot.waitExposed(window)
    assert window.cursor().shape() == Qt.CursorShape.BlankCursor
    QTest.mouseMove(window, QPoint(100, 100))
    assert window.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert window._cursor.isActive()
    window._cursor.timeout.emit()  # the 3 s hide timer fires
    assert window.cursor().shape() == Qt.CursorShape.BlankCursor
    window.stop()


def test_pyqtgraph_is_imported_after_the_first_frame_not_before():
    code = f"""
import os, sys
os.environ['QT_QPA_PLATFORM'] = 'offscreen'
from PySide6.QtCore import QTimer
from kiosk.core import load_deck
from kiosk.qt.app import make_app
from kiosk.qt.window import ShowWindow
app = make_app()
window = ShowWindow(load_deck({str(DEMO_DECK)!r}).deck)
window.resize(640, 360)
window.show()
app.processEvents()
print('after first frame:', 'pyqtgraph' in sys.modules, 'numpy' in sys.modules, flush=True)
QTimer.singleShot(3000, app.quit)
app.exec()
print('a moment later:', 'pyqtgraph' in sys.modules, flush=True)
window.stop()
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "after first frame: False False" in done.stdout
    assert "a moment later: True" in done.stdout
