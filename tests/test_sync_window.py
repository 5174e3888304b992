"""``sync: clock`` on screen (#15): what the window shows as a fake wall clock moves.

Each slide is a solid colour, so the slide on screen is read from its pixels. Two fake
clocks: the monotonic one (``clock=``) and the wall clock (``wall=``); they move together
unless a test steps the wall clock, as NTP may.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt

from kiosk.core.events import EventLogListener
from kiosk.qt.window import ShowWindow

from .conftest import as_array
from .render_util import deck_from
from .test_render import solid_png

WALL = 1_767_225_600.0  # 2026-01-01T00:00:00Z
COLOURS = {"red": (255, 0, 0), "blue": (0, 0, 255), "green": (0, 255, 0),
           "yellow": (255, 255, 0), "magenta": (255, 0, 255)}


class Clocks:
    def __init__(self, wall: float) -> None:
        self.now, self.wall_now = 1000.0, wall

    def mono(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.wall_now

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.wall_now += seconds


def colour_deck(tmp_path, colours=("red", "blue", "green"), durations=(4, 6, 10), **top):
    slides = []
    for colour, duration in zip(colours, durations, strict=True):
        solid_png(tmp_path / f"{colour}.png", "#{:02x}{:02x}{:02x}".format(*COLOURS[colour]))
        slides.append({"type": "photo", "image": f"{colour}.png", "credit": "示意图",
                       "ken_burns": False, "duration": duration})
    folder = tmp_path / "-".join(colours)
    folder.mkdir(exist_ok=True)
    for colour in colours:
        (folder / f"{colour}.png").write_bytes((tmp_path / f"{colour}.png").read_bytes())
    return deck_from(folder, {"title": "t", "progress": False, "sync": "clock",
                              "timezone": "UTC", "idle_resume": 30,
                              "defaults": {"transition": "none"}, "slides": slides, **top})


def open_window(qtbot, deck, clocks, **kwargs):
    window = ShowWindow(deck, clock=clocks.mono, wall=clocks.wall, animations=False, **kwargs)
    qtbot.addWidget(window)
    window.resize(640, 360)
    window.show()
    qtbot.waitExposed(window)
    return window


def on_screen(window) -> str:
    """The name of the colour at the centre of the window."""
    b, g, r = as_array(window.grab().toImage())[120, 320, :3].astype(int)
    near = [name for name, rgb in COLOURS.items()
            if max(abs(r - rgb[0]), abs(g - rgb[1]), abs(b - rgb[2])) < 60]
    assert len(near) == 1, (r, g, b)
    return near[0]


def test_the_first_frame_shows_the_loops_slide_and_the_timer_waits_for_its_end(
        qtbot, app, tmp_path):
    clocks = Clocks(WALL + 20 * 5000 + 5)  # 5,000 loops of 4+6+10 s, then 5 s: blue, 1 s in
    window = open_window(qtbot, colour_deck(tmp_path), clocks)
    assert on_screen(window) == "blue"
    assert window._deadline.timerType() == Qt.TimerType.PreciseTimer
    assert window._deadline.interval() == 5000  # to the wall-clock boundary, 5 s away
    window.stop()


def test_a_wall_clock_step_is_followed_at_the_next_tick(qtbot, app, tmp_path):
    clocks = Clocks(WALL + 1)
    window = open_window(qtbot, colour_deck(tmp_path), clocks)
    assert on_screen(window) == "red"
    clocks.now += 0.5
    clocks.wall_now += 11.5  # NTP stepped the clock 11 s forward: 12.5 s into the loop
    window.poll()
    assert on_screen(window) == "green"
    assert window._deadline.interval() == 7500  # green ends 20 s into the loop
    clocks.wall_now -= 12  # and back: 1 s into the loop
    window.poll()
    assert on_screen(window) == "red"
    window.stop()


def test_after_a_swipe_idle_resume_rejoins_the_loop_at_its_current_position(
        qtbot, app, tmp_path):
    clocks = Clocks(WALL + 1)
    window = open_window(qtbot, colour_deck(tmp_path, idle_home=True), clocks)
    window.go_next(kind="slide")  # a visitor swipes to blue
    assert on_screen(window) == "blue"
    clocks.advance(29.5)
    window.poll()
    assert on_screen(window) == "blue"  # within idle_resume: the visitor's slide stays
    clocks.advance(1.5)  # idle_resume has passed: 32 s = 12 s into the loop
    window.poll()
    # not slide 1 (idle_home is ignored under sync), not the visitor's slide: the loop's
    assert on_screen(window) == "green"
    assert window._deadline.interval() == 8000
    window.stop()


def test_after_standby_the_show_opens_on_the_loops_slide_not_slide_one(qtbot, app, tmp_path):
    clocks = Clocks(WALL + 1)
    window = open_window(qtbot, colour_deck(tmp_path), clocks)
    window.set_standby(("black", 0, 0.3))  # closing time
    clocks.advance(3600 + 5)  # an hour later, 6 s into the loop: blue
    window.poll()
    window.set_standby(None)  # opening time
    window.poll()  # the deadline timer, due at once
    assert on_screen(window) == "blue"
    assert window._deadline.interval() == 4000
    window.stop()


def test_a_slide_not_active_today_does_not_count_in_the_loop(qtbot, app, tmp_path):
    deck = colour_deck(tmp_path)
    slides = list(deck.slides)
    slides[1] = slides[1].model_copy(update={"from_": dt.date(2026, 3, 1)})
    deck = deck.model_copy(update={"slides": tuple(slides)})
    clocks = Clocks(WALL + 5)  # the loop is 4+10 s today: 5 s in is green
    window = open_window(qtbot, deck, clocks)
    assert on_screen(window) == "green"
    clocks.advance(9)  # 14 s: the loop starts again
    window.poll()
    assert on_screen(window) == "red"
    window.stop()


def test_a_deck_replaced_at_the_boundary_keeps_the_old_slide_until_then(qtbot, app, tmp_path):
    clocks = Clocks(WALL + 1)
    window = open_window(qtbot, colour_deck(tmp_path), clocks)
    new = colour_deck(tmp_path, colours=("yellow", "magenta"), durations=(4, 4))
    window.replace_deck(new, None, at_boundary=True)
    assert on_screen(window) == "red" and window.deck is not new
    clocks.advance(2.5)
    window.poll()  # no change due yet: the old deck stays
    assert on_screen(window) == "red"
    clocks.advance(0.5)  # 4 s: the boundary; the new loop (4+4 s) is at magenta
    window.poll()
    assert window.deck is new and on_screen(window) == "magenta"
    assert window._deadline.interval() == 4000
    window.stop()


def test_the_new_deck_fades_in_from_the_old_decks_last_frame(qtbot, app, tmp_path):
    clocks = Clocks(WALL + 1)
    window = ShowWindow(colour_deck(tmp_path), clock=clocks.mono, wall=clocks.wall)
    qtbot.addWidget(window)
    window.resize(640, 360)
    window.show()
    qtbot.waitExposed(window)
    new = colour_deck(tmp_path, colours=("yellow", "magenta"), durations=(4, 4))
    new = new.model_copy(update={"defaults": new.defaults.model_copy(update={
        "transition": new.defaults.transition.model_copy(update={"type": "fade",
                                                                  "duration": 1.0})})})
    window.replace_deck(new, None, at_boundary=True)
    clocks.advance(3)
    window.poll()
    assert window.in_transition
    clocks.advance(0.5)  # halfway: red going, magenta coming (red stays, blue rises)
    b, g, r = as_array(window.grab().toImage())[120, 320, :3].astype(int)
    assert r > 200 and 60 < b < 200 and g < 40
    window.stop()


def test_a_held_show_takes_a_new_deck_at_once(qtbot, app, tmp_path):
    clocks = Clocks(WALL + 1)
    window = open_window(qtbot, colour_deck(tmp_path), clocks)
    window.toggle_pause()  # the operator's hold: no change is due
    window.replace_deck(colour_deck(tmp_path, colours=("yellow", "magenta"), durations=(4, 4)),
                        None, at_boundary=True)
    assert on_screen(window) == "yellow" and window.player.held
    window.stop()


def test_without_at_boundary_the_new_deck_is_shown_at_once(qtbot, app, tmp_path):
    clocks = Clocks(WALL + 1)
    window = open_window(qtbot, colour_deck(tmp_path), clocks)
    window.replace_deck(colour_deck(tmp_path, colours=("yellow", "magenta"), durations=(4, 4)),
                        None)
    assert on_screen(window) == "yellow"
    window.stop()


def test_the_events_log_has_a_line_per_slide_change(qtbot, app, tmp_path):
    events = tmp_path / "events.jsonl"
    clocks = Clocks(WALL + 1)
    window = open_window(qtbot, colour_deck(tmp_path), clocks, events=events)
    for _ in range(3):
        clocks.advance(window._deadline.interval() / 1000)
        window.poll()
    clocks.advance(0.25)
    window.go_prev()  # a visitor's change is a slide change too
    writer = next(x.events for x in window.telemetry.listeners if isinstance(x, EventLogListener))
    window.stop()  # closes the log: every line is in the file
    lines = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    ms = round(WALL * 1000)
    assert lines == [
        {"t": ms + 4000, "event": "slide", "index": 1, "reason": "auto"},
        {"t": ms + 10000, "event": "slide", "index": 2, "reason": "auto"},
        {"t": ms + 20000, "event": "slide", "index": 0, "reason": "auto"},
        {"t": ms + 20250, "event": "slide", "index": 2, "reason": "user"},
    ]
    assert not writer._thread.is_alive()


@pytest.mark.parametrize("sync", [None, "clock"])
def test_the_status_index_and_the_event_index_agree(qtbot, app, tmp_path, sync):
    events = tmp_path / "e.jsonl"
    deck = colour_deck(tmp_path).model_copy(update={"sync": sync})
    clocks = Clocks(WALL)
    window = open_window(qtbot, deck, clocks, events=events)
    clocks.advance(4)
    window.poll()
    index = window.index
    window.stop()
    assert json.loads(events.read_text(encoding="utf-8"))["index"] == index == 1
