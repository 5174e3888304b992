"""Unattended operation: standby by the schedule, crash resilience, one show per screen."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import yaml

from kiosk.core import load_deck
from kiosk.qt.controller import Show

from .conftest import DEMO_DECK, REPO, FakeClock

SH = ZoneInfo("Asia/Shanghai")


def epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH).timestamp()


def scheduled_show(qtbot, tmp_path, wall):
    deck = tmp_path / "deck.yaml"
    deck.write_text(yaml.safe_dump({
        "title": "t", "timezone": "Asia/Shanghai",
        "schedule": {"hours": {"daily": "09:00-22:30"}, "closed": ["2026-12-25"],
                     "standby": "slide", "standby_slide": 2, "standby_dim": 0.3},
        "slides": [{"type": "title", "title": "一"}, {"type": "title", "title": "二"},
                   {"type": "title", "title": "圣诞快乐", "from": "2026-12-24",
                    "until": "2026-12-26"}]}, allow_unicode=True), encoding="utf-8")
    show = Show(deck, load_deck(deck), animations=False, cache_root=tmp_path / "cache",
                clock=FakeClock(), wall=wall)
    qtbot.addWidget(show.window)
    return show


def test_standby_and_back_across_midnight_and_a_closed_date(qtbot, app, tmp_path, caplog):
    wall = FakeClock(epoch("2026-12-24 22:29"))
    with caplog.at_level(logging.INFO, logger="kiosk.qt.controller"):
        show = scheduled_show(qtbot, tmp_path, wall)
        assert show.window.standby is None
        assert show.window.player.order == [0, 1, 2]  # the dated slide is on for the 24th
        wall.now = epoch("2026-12-24 22:30")
        show.check_schedule()
        assert show.window.standby == ("slide", 1, 0.3) and show.window.player.held
        wall.now = epoch("2026-12-25 09:00")  # a closed date: still standby
        show.check_schedule()
        assert show.window.standby is not None
        wall.now = epoch("2026-12-26 08:59")
        show.check_schedule()
        assert show.window.standby is not None
        wall.now = epoch("2026-12-26 09:00")
        show.check_schedule()
        assert show.window.standby is None and not show.window.player.held
        wall.now = epoch("2026-12-27 10:00")
        show.check_schedule()
        assert show.window.player.order == [0, 1]  # the dated slide's window has closed
    lines = [r.getMessage() for r in caplog.records]
    assert lines.count("schedule: open") == 2
    assert sum(line.startswith("schedule: closed, standby until 2026-12-26 09:00") for line in
               lines) == 1  # logged once per change, not per check
    show.stop()


def test_standby_paints_the_dimmed_slide(qtbot, app, tmp_path):
    wall = FakeClock(epoch("2026-12-24 23:00"))
    show = scheduled_show(qtbot, tmp_path, wall)
    show.window.resize(320, 180)
    image = show.window.grab().toImage()
    from .conftest import as_array

    pixels = as_array(image)[:, :, :3]
    assert 0 < pixels.mean() < 30  # dim, not black, not bright
    show.stop()


def test_a_feed_callback_that_raises_is_logged_and_the_show_goes_on(qtbot, app, tmp_path,
                                                                    caplog):
    show = scheduled_show(qtbot, tmp_path, FakeClock(epoch("2026-12-24 12:00")))

    def boom(changed):
        raise RuntimeError("bad callback")

    show.window.on_data = boom
    show.hub.tick = lambda now, wall: {"x"}
    with caplog.at_level(logging.ERROR):
        show.tick_feeds()
    assert "updating the live data failed" in caplog.text and "bad callback" in caplog.text
    show.window.clock.advance(100)
    show.window.poll()
    assert show.window.index == 1  # still playing
    show.stop()


def test_a_second_instance_on_the_same_screen_exits_0(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(tmp_path),
           "KIOSK_LOG_DIR": str(tmp_path / "log"), "KIOSK_CACHE_DIR": str(tmp_path / "c")}
    first = subprocess.Popen([sys.executable, "-m", "kiosk", "run", str(DEMO_DECK),
                              "--exit-after", "20"], cwd=REPO, env=env,
                             stderr=subprocess.PIPE, text=True)
    for line in first.stderr:  # wait until the first show is on screen
        if "first frame painted" in line:
            break
    second = subprocess.run([sys.executable, "-m", "kiosk", "run", str(DEMO_DECK)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    first.terminate()
    first.wait(timeout=30)
    assert second.returncode == 0
    assert "kiosk: a show is already running on screen 0; not starting a second one." in (
        second.stderr)
    assert "first frame painted" not in second.stderr
    assert (tmp_path / "log" / "kiosk.log").is_file()  # logs go to the log folder too
