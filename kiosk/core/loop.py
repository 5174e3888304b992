"""The common loop of ``sync: clock`` (#15): which slide a wall-clock moment shows.

Every screen that plays the same deck computes the same answer from the same inputs (the
slides in play today, their durations, the epoch) and its own wall clock, so screens agree
without talking to each other; their error is their clocks' offset (NTP: a few ms on a LAN).
Pure functions of ``wall`` (seconds since the Unix epoch); the Qt window owns the real clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.core.deck import Deck
from kiosk.core.schedule import zone

MIN_DURATION = 0.5  # as the player clamps: a 0 s slide would spin the loop (cf. Anthias)


@dataclass(frozen=True)
class Spot:
    """Where the loop stands at one wall-clock moment."""

    index: int  # the deck's slide index (as the status file's slide.index)
    elapsed: float  # seconds since this slide started
    start: float  # wall-clock time the slide started
    end: float  # wall-clock time of the next change (the next boundary)
    slot: int  # how many slide starts since the epoch: a new slot is a new change


@dataclass(frozen=True)
class Loop:
    """The slides in play, in order, with their durations, started at ``epoch``."""

    order: tuple[int, ...]
    durations: tuple[float, ...]
    epoch: float

    @property
    def total(self) -> float:
        return math.fsum(self.durations)

    def spot(self, wall: float) -> Spot:
        """The slide on screen at ``wall``: position = (wall - epoch) mod the loop's length."""
        total = self.total
        since = wall - self.epoch
        cycles = math.floor(since / total)
        into = since - cycles * total
        if into >= total:  # float rounding at the very end of a cycle
            cycles, into = cycles + 1, 0.0
        begin = 0.0
        for k, length in enumerate(self.durations):
            finish = begin + length
            if into < finish or k == len(self.durations) - 1:
                start = wall - (into - begin)
                return Spot(self.order[k], into - begin, start, start + length,
                            cycles * len(self.order) + k)
            begin = finish
        raise AssertionError("unreachable: a loop has at least one slide")


def loop_of(deck: Deck, order: Sequence[int], epoch: float) -> Loop:
    """The loop of ``order`` (the deck's slides in play today, as the player keeps them)."""
    return Loop(tuple(order),
                tuple(max(MIN_DURATION, deck.duration_of(deck.slides[i])) for i in order),
                epoch)


def epoch_of(deck: Deck, given: float | None) -> float:
    """The deck's ``epoch:``, else the one the show was given (a published bundle's publish
    time), else the Unix epoch: screens with the same deck still agree."""
    if deck.epoch is not None:
        return deck.epoch.timestamp()
    return given if given is not None else 0.0


def day_at(deck: Deck, wall: float) -> dt.date:
    """The date at ``wall`` where the deck is shown (its time zone, else the machine's): the
    day whose dated slides are in play."""
    return dt.datetime.fromtimestamp(wall, zone(deck)).date()
