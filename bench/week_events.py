"""A simulated week of a hall of touch screens' events logs, for ``kiosk stats`` (#16 §3).

    .venv/bin/python bench/week_events.py OUTDIR [--events 1000000] [--screens 40]
        [--seed 16] [--start 2026-11-23] [--slides 24]

Writes ``OUTDIR/screen-NN.jsonl``, one log per screen as each screen's ``kiosk run --events``
writes it (kiosk/core/events.py), about ``--events`` lines in all: a single screen cannot
honestly log a million events in a week (that is a touch every 0.6 s for 70 opening hours),
a hall of forty does. In the machine's local time: seven days from ``--start`` (a
Monday), open 09:00–18:00 on weekdays and
09:00–20:00 at the weekend (the screen is in standby outside, and logs nothing). Auto-play
changes slide every 15 s while no one touches it. Visitors arrive at random, more in the
afternoon and about twice as many at the weekend; each visit is a session of swipes, taps,
overview jumps, language changes and the odd pause, and ends when auto-play resumes 30 s
after the last touch. Some slides draw far more attention than others (a Zipf-like weight):
an overview jump lands on them, and visitors linger on them. The rate is scaled so the file
hall's logs hold about ``--events`` lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

SLIDE_S = 15.0
IDLE_RESUME_S = 30.0


def opening(day: dt.date) -> tuple[int, int]:
    return (9, 20) if day.weekday() >= 5 else (9, 18)


def arrivals_per_hour(day: dt.date, hour: int) -> float:
    """Visits starting per hour, before scaling: a morning lull, a lunch bump, a busy
    afternoon; the weekend twice as busy, Sunday a little less than Saturday."""
    shape = {9: 0.35, 10: 0.6, 11: 0.75, 12: 0.9, 13: 0.8, 14: 1.0, 15: 1.15, 16: 1.1,
             17: 0.8, 18: 0.7, 19: 0.45}.get(hour, 0.0)
    weekday = day.weekday()
    factor = {5: 2.1, 6: 1.8, 4: 1.2, 0: 0.7}.get(weekday, 1.0)
    return 40.0 * shape * factor


class Screen:
    def __init__(self, out: list[str], rng: random.Random, slides: int, weights: list[float]):
        self.out, self.rng, self.n, self.weights = out, rng, slides, weights
        self.index = 0

    def emit(self, t: float, event: str, **fields: object) -> None:
        self.out.append(json.dumps({"t": round(t * 1000), "event": event, **fields},
                                   ensure_ascii=False, separators=(",", ":")) + "\n")

    def show(self, t: float, index: int, reason: str) -> None:
        self.index = index % self.n
        self.emit(t, "slide", index=self.index, reason=reason)

    def autoplay(self, t: float, until: float) -> float:
        while t + SLIDE_S <= until:
            t += SLIDE_S
            self.show(t, self.index + 1, "auto")
        return t

    def visit(self, t: float, close: float) -> float:
        """One visitor's session from ``t``; returns when auto-play has resumed."""
        rng = self.rng
        self.emit(t, "visit", active=True)
        actions = max(1, int(rng.expovariate(1 / 10)))
        language_done = False
        for _ in range(actions):
            if t >= close:  # closing time: the screen goes to standby mid-visit
                break
            pick = rng.random()
            if pick < 0.48:
                self.emit(t, "interaction", kind="swipe", index=self.index)
                step = 1 if rng.random() < 0.8 else -1
                self.show(t, self.index + step, "user")
            elif pick < 0.70:
                self.emit(t, "interaction", kind="tap", index=self.index)
            elif pick < 0.82:
                self.emit(t, "interaction", kind="overview", index=self.index)
                t += rng.uniform(1.5, 6)
                self.emit(t, "interaction", kind="tap", index=self.index)
                self.show(t, rng.choices(range(self.n), self.weights)[0], "user")
            elif pick < 0.90 and not language_done:
                self.emit(t, "interaction", kind="language", index=self.index)
                language_done = True
            elif pick < 0.95:
                self.emit(t, "interaction", kind="control", index=self.index)
            else:
                self.emit(t, "interaction", kind="pause", index=self.index)
            # a slide the crowd likes is read for longer
            interest = self.weights[self.index] / max(self.weights)
            t += rng.uniform(1.0, 4.0) + rng.expovariate(1 / (2 + 14 * interest))
        t += IDLE_RESUME_S
        self.show(t, self.index + 1, "resume")
        self.emit(t, "visit", active=False)
        return t


def simulate(start: dt.date, slides: int, scale: float, seed: int) -> list[str]:
    weights = [1 / (1 + rank) ** 0.9 for rank in range(slides)]
    random.Random(slides).shuffle(weights)  # which slides the crowd likes: the same on every screen
    rng = random.Random(seed)
    weights[0] = max(weights) * 1.1  # the title slide is where visitors land first
    out: list[str] = []
    screen = Screen(out, rng, slides, weights)
    for k in range(7):
        day = start + dt.timedelta(days=k)
        first, last = opening(day)
        t = dt.datetime(day.year, day.month, day.day, first).timestamp()
        close = dt.datetime(day.year, day.month, day.day, last).timestamp()
        screen.show(t, 0, "auto")
        while t < close:
            hour = dt.datetime.fromtimestamp(t).hour
            rate = arrivals_per_hour(day, hour) * scale / 3600
            arrive = t + rng.expovariate(rate) if rate > 0 else close
            t = screen.autoplay(t, min(arrive, close))
            if arrive >= close:
                break
            t = screen.visit(max(t, arrive), close)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a folder: screen-01.jsonl … are written in it")
    parser.add_argument("--screens", type=int, default=40)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 11, 23))
    parser.add_argument("--slides", type=int, default=24)
    args = parser.parse_args()
    per_screen = args.events / max(1, args.screens)
    scale = 1.0
    for _ in range(8):  # the arrival rate, scaled on four screens until their count is near
        count = sum(len(simulate(args.start, args.slides, scale, args.seed + k))
                    for k in range(4)) / 4
        if abs(count - per_screen) <= per_screen * 0.02:
            break
        scale *= per_screen / max(1, count)
    args.out.mkdir(parents=True, exist_ok=True)
    total = size = 0
    for screen in range(args.screens):
        lines = simulate(args.start, args.slides, scale, args.seed + screen)
        path = args.out / f"screen-{screen + 1:02d}.jsonl"
        path.write_text("".join(lines), encoding="utf-8")
        total += len(lines)
        size += path.stat().st_size
    print(f"{args.out}: {total:,} events from {args.screens} screens, {size / 1e6:.1f} MB, "
          f"the week of {args.start} (arrivals x{scale:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
