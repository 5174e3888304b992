"""Opening hours and date windows: pure functions of ``now`` (an aware datetime).

The deck's ``schedule`` says when the show is open per weekday and which dates it is closed;
slides may carry ``from``/``until`` dates. Outside opening hours the show goes to standby.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kiosk.core.deck import AnySlide, Deck, Schedule

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEARCH_DAYS = 400  # far enough to find the next opening across a long closure


def zone(deck: Deck) -> dt.tzinfo:
    """The deck's time zone, or the machine's."""
    if deck.timezone:
        return ZoneInfo(deck.timezone)
    tz = dt.datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


def _intervals(schedule: Schedule, day: dt.date) -> list[tuple[dt.time, dt.time | None]]:
    """Opening intervals of one calendar day; ``None`` as end means until midnight."""
    if day in schedule.closed:
        return []
    spans = schedule.hours.get(WEEKDAYS[day.weekday()], schedule.hours.get("daily", ()))
    return list(spans)


def _open_spans(schedule: Schedule, day: dt.date, tz: dt.tzinfo
                ) -> list[tuple[dt.datetime, dt.datetime]]:
    """Opening spans starting on ``day`` as aware datetimes; 20:00-02:00 runs past midnight."""
    spans = []
    for start, end in _intervals(schedule, day):
        begin = dt.datetime.combine(day, start, tz)
        if end is None or end == dt.time(0, 0):
            finish = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tz)
        elif end <= start:  # crosses midnight
            finish = dt.datetime.combine(day + dt.timedelta(days=1), end, tz)
        else:
            finish = dt.datetime.combine(day, end, tz)
        spans.append((begin, finish))
    return spans


def is_open(schedule: Schedule | None, now: dt.datetime) -> bool:
    """True when the show should play at ``now`` (no schedule: always)."""
    if schedule is None:
        return True
    tz = now.tzinfo
    assert tz is not None, "now must be timezone-aware"
    for offset in (-1, 0):  # yesterday's late span may still run
        day = now.date() + dt.timedelta(days=offset)
        if any(begin <= now < end for begin, end in _open_spans(schedule, day, tz)):
            return True
    return False


def next_change(schedule: Schedule | None, now: dt.datetime) -> dt.datetime | None:
    """When :func:`is_open` next flips (None: never, e.g. no schedule or always open)."""
    if schedule is None:
        return None
    tz = now.tzinfo
    assert tz is not None
    state = is_open(schedule, now)
    edges: set[dt.datetime] = set()
    for offset in range(-1, SEARCH_DAYS):
        day = now.date() + dt.timedelta(days=offset)
        for begin, end in _open_spans(schedule, day, tz):
            edges.update((begin, end))
        # later days only add edges from their own midnight on: these are final
        horizon = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tz)
        for edge in sorted(e for e in edges if now < e < horizon):
            if is_open(schedule, edge) != state:
                return edge
    return None


def slide_active(slide: AnySlide, day: dt.date) -> bool:
    """A slide with ``from``/``until`` shows only on those dates (both inclusive)."""
    if slide.from_ is not None and day < slide.from_:
        return False
    return not (slide.until is not None and day > slide.until)
