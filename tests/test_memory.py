"""Frame-sized buffers go back to the system when freed (glibc), so a week-long show does
not keep every 8 MB image it ever freed."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = r"""
import ctypes, sys
from kiosk.memory import tune_malloc
if sys.argv[1] == "tuned":
    assert tune_malloc()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
SIZE = 8 << 20  # one 1080p frame
libc.free(libc.malloc(SIZE))  # default glibc raises its mmap threshold after this free
block = libc.malloc(SIZE)
for line in open("/proc/self/maps"):
    span, rest = line.split(" ", 1)
    low, high = (int(x, 16) for x in span.split("-"))
    if low <= block < high:
        print("heap" if "[heap]" in rest else "own mapping")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc only")
def test_a_frame_sized_buffer_gets_its_own_mapping_so_freeing_it_returns_it():
    def where(mode):
        return subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True,
                              text=True, check=True).stdout.strip()

    # A buffer in its own mapping goes back to the system when freed; one in the heap
    # mostly stays with the process. That is the difference tune_malloc makes.
    assert where("tuned") == "own mapping"
    assert where("default") == "heap"


# ---------------------------------------------------------------- the show's image buffers
def _settle(window, clock, seconds):
    from PySide6.QtCore import QCoreApplication

    clock.advance(seconds)
    window.poll()
    QCoreApplication.processEvents()  # the still slide's "prepare the next one" step
    window.repaint()
    QCoreApplication.processEvents()


def test_the_slide_left_behind_gives_back_its_buffers_and_a_swipe_back_still_shows_it(
        qtbot, app, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from .render_util import deck_from
    from .test_render import solid_png
    from .test_window import centre, make_window

    solid_png(tmp_path / "red.png", "#ff0000")
    solid_png(tmp_path / "blue.png", "#0000ff")
    photo = {"type": "photo", "credit": "示意图", "ken_burns": False, "duration": "5s"}
    deck = deck_from(tmp_path, {
        "title": "t", "progress": False,
        "defaults": {"transition": {"type": "fade", "duration": "1s"}},
        "slides": [{**photo, "image": "red.png"}, {**photo, "image": "blue.png"},
                   {"type": "title", "title": "三"}]})
    window, clock = make_window(qtbot, deck)
    frame = window.width() * window.height() * 4
    _settle(window, clock, 1)
    _settle(window, clock, 4)  # on to the blue photo
    _settle(window, clock, 1.5)  # its fade is over; the title is prepared next
    assert window.index == 1 and not window.in_transition
    held = window.stage.held_bytes()
    assert held[0] == 0  # the red photo: neither its decoded image nor its layer is kept
    assert held[1] > 0 and held[2] > 0  # on screen, and next
    # the photo on screen holds its decoded image and a layer only as tall as its caption
    # band; the title's layer is one frame
    assert held[1] < frame * 1.3 + frame * 0.35
    assert held[2] <= frame
    QTest.keyClick(window, Qt.Key.Key_Left)  # back to the red photo: decoded again
    _settle(window, clock, 1.5)
    assert window.index == 0
    r, _, b = centre(window)
    assert r > 200 and b < 40
    window.stop()


def test_a_deck_without_charts_never_loads_the_chart_library(qtbot, app, tmp_path):
    from .render_util import deck_from
    from .test_window import make_window

    deck = deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "title", "title": "一"}, {"type": "title", "title": "二"}]})
    window, clock = make_window(qtbot, deck)
    for _ in range(3):
        _settle(window, clock, 0.5)
    assert window.frames_painted > 1 and not window.charts_wanted
    chart = {"type": "chart", "title": "c", "chart": "bar",
             "series": [{"name": "s", "data": [["a", 1]]}]}
    deck2 = deck_from(tmp_path, {"title": "t", "slides": [{"type": "title", "title": "一"},
                                                          chart]})
    window2, clock2 = make_window(qtbot, deck2)
    for _ in range(3):
        _settle(window2, clock2, 0.5)
    assert window2.charts_wanted
    window.stop()
    window2.stop()
