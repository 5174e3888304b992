"""Opening hours and date windows on a fake clock: across midnight, closed dates, zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kiosk.core import Player, load_deck_data
from kiosk.core.schedule import is_open, next_change

SH = ZoneInfo("Asia/Shanghai")


def deck(schedule, slides=None):
    result = load_deck_data({"title": "t", "timezone": "Asia/Shanghai", "schedule": schedule,
                             "slides": slides or [{"type": "title", "title": "a"}]})
    assert result.ok, [str(p) for p in result.problems]
    return result.deck


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def test_weekday_hours_and_daily_default():
    d = deck({"hours": {"daily": "09:00-18:00", "sun": "closed"}})
    assert not is_open(d.schedule, at("2026-11-27 08:59"))  # Friday
    assert is_open(d.schedule, at("2026-11-27 09:00"))
    assert not is_open(d.schedule, at("2026-11-27 18:00"))
    assert not is_open(d.schedule, at("2026-11-29 12:00"))  # Sunday closed
    assert next_change(d.schedule, at("2026-11-27 12:00")) == at("2026-11-27 18:00")
    assert next_change(d.schedule, at("2026-11-28 18:30")) == at("2026-11-30 09:00")


def test_hours_across_midnight():
    d = deck({"hours": {"daily": ["10:00-14:00", "19:00-01:30"]}})
    assert is_open(d.schedule, at("2026-11-27 23:59"))
    assert is_open(d.schedule, at("2026-11-28 01:00"))  # yesterday's evening span
    assert not is_open(d.schedule, at("2026-11-28 01:30"))
    assert next_change(d.schedule, at("2026-11-27 23:00")) == at("2026-11-28 01:30")
    assert next_change(d.schedule, at("2026-11-28 01:30")) == at("2026-11-28 10:00")


def test_until_midnight_and_closed_dates():
    d = deck({"hours": {"daily": "09:00-24:00"}, "closed": ["2026-12-25"]})
    assert is_open(d.schedule, at("2026-12-24 23:59"))
    assert not is_open(d.schedule, at("2026-12-25 12:00"))
    assert next_change(d.schedule, at("2026-12-24 20:00")) == at("2026-12-25 00:00")
    assert next_change(d.schedule, at("2026-12-25 00:00")) == at("2026-12-26 09:00")


def test_no_schedule_is_always_open():
    d = deck(None)
    assert is_open(d.schedule, at("2026-11-27 03:00"))
    assert next_change(d.schedule, at("2026-11-27 03:00")) is None


def test_slide_date_windows_announce_an_exhibit():
    d = deck(None, [{"type": "title", "title": "常设"},
                    {"type": "title", "title": "预告", "until": "2026-11-30"},
                    {"type": "title", "title": "新展", "from": "2026-12-01"}])
    player = Player(d, now=0, day=dt.date(2026, 11, 30))
    assert player.order == [0, 1]
    player.set_day(dt.date(2026, 12, 1))
    assert player.order == [0, 2]


def test_schedule_mistakes_are_located():
    result = load_deck_data({"title": "t", "timezone": "Mars/Base", "schedule": {
        "hours": {"monday": "9-18"}}, "slides": [{"type": "title", "title": "a"}]})
    messages = sorted(p.message for p in result.problems)
    assert messages == [
        "unknown day 'monday'; allowed: mon, tue, wed, thu, fri, sat, sun, daily",
        "unknown time zone 'Mars/Base'; use a name like \"Asia/Shanghai\""]
