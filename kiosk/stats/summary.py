"""What visitors did, summed from the events log (#16 §3): per slide, per hour, in all.

Qt-free. One pass over each screen's events in file order:

- **interactions**: a visitor's ``interaction`` events (tap, swipe, overview, language, pause,
  control, and any kind a later version adds), counted on the slide on screen then; the
  operator's (``keypad``, the PIN pad; ``command``, a remote command) are counted apart;
- **dwell**: the time a slide was on screen while a visit was on (from ``visit`` true, a
  visitor's first touch, to ``visit`` false, auto-play resuming), split at every ``slide``
  event. A gap of more than :data:`GAP_CAP_S` between two events inside a visit (a show that
  stopped mid-visit, an operator's long pause) counts as that much, no more;
- **visits** per slide: how many visits had that slide on screen at some point (not the
  slide auto-play resumes on: the show logs it just before the visit's end);
- **heat**: visitor interactions per day and hour, in local time (``tz``).

``since`` (epoch ms) drops what happened before it, yet the events before it still set which
slide was on screen and whether a visit was on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.files import UnreadableFileError
from kiosk.stats.events import (
    FAST,
    INTERACTION,
    SLIDE,
    VISIT,
    ReadReport,
    read_batches,
    slow,
    streams,
)

OPERATOR_KINDS = frozenset({"keypad", "command"})
GAP_CAP_S = 600
QUARTER_MS = 900_000  # heat buckets: every UTC offset in use is a whole quarter of an hour
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
DATED_DAYS = 14  # up to this many days: one heat row per date; more: per weekday, summed


@dataclass
class SlideStats:
    index: int  # 0-based, as in the log
    interactions: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    dwell_ms: int = 0
    visits: int = 0


@dataclass
class Summary:
    slides: dict[int, SlideStats] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)  # visitor interactions by kind
    operator: Counter[str] = field(default_factory=Counter)  # keypad, command
    visits: int = 0
    open_visits: int = 0  # visits the log ends inside (the show stopped, or is still on)
    slide_changes: int = 0
    first_ms: int | None = None
    last_ms: int | None = None
    quarters: Counter[int] = field(default_factory=Counter)  # t // QUARTER_MS -> interactions
    report: ReadReport = field(default_factory=ReadReport)

    @property
    def interactions(self) -> int:
        return sum(self.kinds.values())

    @property
    def dwell_ms(self) -> int:
        return sum(s.dwell_ms for s in self.slides.values())

    def slide(self, index: int) -> SlideStats:
        stats = self.slides.get(index)
        if stats is None:
            stats = self.slides[index] = SlideStats(index)
        return stats

    def top(self, n: int = 5) -> list[SlideStats]:
        """The most touched slides: by interactions, then dwell, then the deck's order."""
        ranked = sorted(self.slides.values(),
                        key=lambda s: (-s.interactions, -s.dwell_ms, s.index))
        return [s for s in ranked if s.interactions or s.dwell_ms][:n]


def summarise(paths: list[Path], since_ms: int | None = None) -> Summary:
    """Read every file (``PATH.1`` with its ``PATH``, each screen on its own) and sum."""
    summary = Summary()
    for group in streams(paths):
        _Stream(summary, since_ms or 0).run(group)
    return summary


class _Stream:
    """One screen's run of events: which slide is on, whether a visit is on. The loop is
    written flat, with locals, and matches the show's lines itself: a million events in
    about 2 s (bench/stats_speed.py)."""

    def __init__(self, summary: Summary, since: int) -> None:
        self.s = summary
        self.since = since
        self.current = -1  # no slide yet
        self.visiting = False
        self.seen: set[int] = set()  # slides on screen during this visit
        self.last = 0

    def run(self, group: list[Path]) -> None:
        for path in group:
            self.s.report.files += 1
            try:
                for lines in read_batches(path, self.s.report):
                    self._batch(lines)
            except UnreadableFileError as exc:
                self.s.report.refused.append(str(exc))
        if self.visiting:
            self.s.open_visits += 1

    def _batch(self, lines: list[bytes]) -> None:
        s, report = self.s, self.s.report
        since, cap = self.since, GAP_CAP_S * 1000
        slides, kinds, quarters, names = s.slides, s.kinds, s.quarters, _NAMES
        operator = OPERATOR_KINDS
        current, visiting, seen, last = self.current, self.visiting, self.seen, self.last
        first, last_seen = s.first_ms, s.last_ms
        events = 0
        for line in lines:
            m = FAST(line)
            if m is not None:
                t = int(m[1])
                code = m.lastindex
                if code == 3:
                    code, a, b = SLIDE, int(m[2]), "resume" if m[3] == b"resume" else ""
                elif code == 5:
                    raw = m[4]
                    code, a, b = INTERACTION, int(m[5]), names.get(raw) or _name(raw)
                else:
                    code, a = VISIT, m[6] == b"true"
                events += 1
            else:
                event = slow(line, report)
                if event is None:
                    continue
                t, code, a, b = event
            if visiting and current >= 0 and t > last:
                start = last if last > since else since
                end = t if t - last <= cap else last + cap
                if end > start:
                    stats = slides.get(current) or s.slide(current)
                    stats.dwell_ms += end - start
            last = t
            if t < since:  # before the period: it only sets the state
                if code == SLIDE:
                    current = a
                elif code == VISIT:
                    visiting = bool(a)
                    seen = set()
                continue
            if first is None or t < first:
                first = t
            if last_seen is None or t > last_seen:
                last_seen = t
            if code == INTERACTION:
                current = a  # the slide on screen (the first one shown is not logged)
                if b in operator:
                    s.operator[b] += 1
                    continue
                stats = slides.get(a) or s.slide(a)
                stats.interactions += 1
                stats.kinds[b] += 1
                kinds[b] += 1
                quarters[t // QUARTER_MS] += 1
                if visiting and a not in seen:
                    seen.add(a)
                    stats.visits += 1
            elif code == SLIDE:
                current = a
                s.slide_changes += 1
                if a not in slides:  # a row for every slide shown, touched or not
                    s.slide(a)
                if visiting and a not in seen and b != "resume":  # resume: the visitor left
                    seen.add(a)
                    (slides.get(a) or s.slide(a)).visits += 1
            elif a:  # a visit starts (a second "start" inside one changes nothing)
                if not visiting:
                    visiting = True
                    s.visits += 1
                    seen = set()
                    if current >= 0:
                        seen.add(current)
                        (slides.get(current) or s.slide(current)).visits += 1
            else:
                visiting = False
        report.lines += events
        report.events += events
        self.current, self.visiting, self.seen, self.last = current, visiting, seen, last
        s.first_ms, s.last_ms = first, last_seen


_NAMES: dict[bytes, str] = {}


def _name(raw: bytes) -> str:
    """An interaction kind's str, made once per kind (at most 64 kept)."""
    text = raw.decode()
    if len(_NAMES) < 64:
        _NAMES[raw] = text
    return text


# ---------------------------------------------------------------------------- heat map
@dataclass
class Heat:
    """Interactions per row (a date, or a weekday summed over weeks) and hour 0..23."""

    rows: list[str]  # labels, English: "Mon 30 Nov" or "Mon"
    rows_zh: list[str]
    cells: list[list[int]]  # [row][hour]
    dated: bool

    @property
    def peak(self) -> int:
        return max((v for row in self.cells for v in row), default=0)


def heat(summary: Summary, tz: dt.tzinfo | None = None) -> Heat:
    """The day x hour grid in ``tz`` (None: this machine's local time)."""
    by_hour: Counter[tuple[dt.date, int]] = Counter()
    for quarter, n in summary.quarters.items():
        local = local_time(quarter * QUARTER_MS, tz)
        by_hour[(local.date(), local.hour)] += n
    if summary.first_ms is None or summary.last_ms is None:
        return Heat([], [], [], True)
    first = local_time(summary.first_ms, tz).date()
    last = local_time(summary.last_ms, tz).date()
    days = (last - first).days + 1
    if days <= DATED_DAYS:
        dates = [first + dt.timedelta(days=k) for k in range(days)]
        cells = [[by_hour[(d, h)] for h in range(24)] for d in dates]
        return Heat([f"{WEEKDAYS[d.weekday()]} {d.day} {d:%b}" for d in dates],
                    [f"{d.month}月{d.day}日 {WEEKDAYS_ZH[d.weekday()]}" for d in dates],
                    cells, True)
    week = [[0] * 24 for _ in range(7)]
    for (d, h), n in by_hour.items():
        week[d.weekday()][h] += n
    return Heat(list(WEEKDAYS), list(WEEKDAYS_ZH), week, False)


def local_time(ms: int, tz: dt.tzinfo | None = None) -> dt.datetime:
    """An epoch-ms instant in ``tz`` (None: local time, with its daylight saving)."""
    if tz is None:
        return dt.datetime.fromtimestamp(ms / 1000).astimezone()
    return dt.datetime.fromtimestamp(ms / 1000, tz)
