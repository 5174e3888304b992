"""Playback state machine: which slide is shown, and when the next change is due.

Qt-free and clock-free: every method that depends on time takes ``now`` (seconds on any
monotonic clock). The Qt window owns the one real clock and a single timer that it sets to
:meth:`Player.deadline`.

With ``sync: clock`` (#15) auto-play follows the common loop (kiosk/core/loop.py) instead:
the methods that advance or resume also take ``wall`` (seconds since the Unix epoch), and the
slide and its elapsed time are re-derived from it at every tick, so no drift accumulates.
A visitor still navigates freely; when auto-play resumes, the show rejoins the loop where
it stands now. ``idle_home`` does not apply: the loop, not slide 1, is home.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from kiosk.core.deck import AnySlide, Deck
from kiosk.core.loop import MIN_DURATION, Loop, epoch_of, loop_of
from kiosk.core.schedule import slide_active

log = logging.getLogger(__name__)
__all__ = ["MIN_DURATION", "Change", "Player", "same_slide", "successor"]


@dataclass(frozen=True)
class Change:
    """What the view must do after a call: show ``index``, moving ``direction`` (+1/-1)."""

    index: int
    direction: int
    reason: str  # "auto" | "user" | "resume"


class Player:
    """Current slide, auto-advance, user navigation, pause and idle resume."""

    def __init__(self, deck: Deck, now: float, start: int = 0,
                 day: dt.date | None = None, *, wall: float | None = None,
                 epoch: float | None = None) -> None:
        self.deck = deck
        self.synced = deck.sync == "clock"
        self.epoch = epoch_of(deck, epoch)  # used with sync: clock only
        self._offset = 0.0 if wall is None else wall - now  # wall minus now, last seen
        self._slot: int | None = None  # the loop's slide start on screen (sync only)
        self._rejoin = False  # sync: play again after a hold, rejoin the loop at the next tick
        self._order: list[int] = []
        self._loop: Loop | None = None
        self.day: dt.date | None = None
        self.set_day(day)
        self.index = self._nearest(start)
        self._started = now
        self._elapsed_at_pause = 0.0
        self._idle_until: float | None = None
        self._held = False
        self._by_button = False  # paused with the pause button: resumes after idle_resume
        if self.synced:  # the first frame already shows the loop's slide
            self._follow(now, wall, "auto")

    def set_day(self, day: dt.date | None) -> None:
        """Show only the slides whose ``from``/``until`` include ``day`` (None: ignore dates).

        The slide on screen stays until it is left, even if its window just closed.
        Under sync, the loop is made of these slides only, from the next change on."""
        self.day = day
        self._order = [i for i, s in enumerate(self.deck.slides)
                       if s.enabled and (day is None or slide_active(s, day))]
        if not self._order:  # nothing dated for today: fall back to every enabled slide
            self._order = [i for i, s in enumerate(self.deck.slides) if s.enabled] or [0]
        self._loop = loop_of(self.deck, self._order, self.epoch) if self.synced else None

    # ------------------------------------------------------------------ queries
    @property
    def slide(self) -> AnySlide:
        return self.deck.slides[self.index]

    @property
    def position(self) -> int:
        """0-based position among the slides in play (for the position dots)."""
        if self.index in self._order:
            return self._order.index(self.index)
        return next((k for k, i in enumerate(self._order) if i > self.index), 0)

    @property
    def order(self) -> list[int]:
        """Indexes of the slides in play, in order (the overview shows these)."""
        return list(self._order)

    @property
    def count(self) -> int:
        return len(self._order)

    @property
    def waiting_idle(self) -> bool:
        """Paused by a visitor (or the pause button) until ``idle_resume`` passes."""
        return self._idle_until is not None

    @property
    def paused(self) -> bool:
        return self._held or self._idle_until is not None

    @property
    def held(self) -> bool:
        """Held by the operator (Space) or by standby: no automatic resume."""
        return self._held

    @property
    def pause_shown(self) -> bool:
        """The pause button shows "play": held, or paused with the button."""
        return self._held or self._by_button

    def upcoming(self) -> int:
        """The slide auto-play shows next (to prepare it ahead of time)."""
        if self.index not in self._order:
            return self._order[self.position]
        return self._order[(self.position + 1) % len(self._order)]

    def duration(self) -> float:
        return max(MIN_DURATION, self.deck.duration_of(self.slide))

    def elapsed(self, now: float) -> float:
        if self.paused:
            return self._elapsed_at_pause
        return min(max(0.0, now - self._started), self.duration())

    def progress(self, now: float) -> float:
        """Fraction 0..1 of the current slide's time that has passed."""
        return self.elapsed(now) / self.duration()

    def deadline(self, now: float, wall: float | None = None) -> float | None:
        """When :meth:`tick` next has something to do; None while held indefinitely.

        Under sync: the loop's next boundary on the wall clock, converted to ``now``'s clock
        at this call (the caller sets its timer from it right away)."""
        if self._held:
            return None
        if self._idle_until is not None:
            return self._idle_until
        if self._rejoin:
            return now
        if self._loop is not None:
            wall = self._wall(now, wall)
            return now + (self._loop.spot(wall).end - wall)
        return self._started + self.duration()

    # ------------------------------------------------------------------ time
    def tick(self, now: float, wall: float | None = None) -> Change | None:
        """Advance if the current slide's time is up, or resume after idle."""
        if self._held:
            return None
        if self._idle_until is not None:
            if now < self._idle_until:
                return None
            return self._resume(now, wall)
        if self.synced:
            return self._follow(now, wall, "resume" if self._rejoin else "auto")
        if now >= self._started + self.duration():
            return self._move(+1, now, "auto")
        return None

    # ------------------------------------------------------------------ navigation
    def next(self, now: float, user: bool = True) -> Change:
        return self._after_user(now, self._move(+1, now, "user"), user)

    def prev(self, now: float, user: bool = True) -> Change:
        return self._after_user(now, self._move(-1, now, "user"), user)

    def goto(self, index: int, now: float, user: bool = True) -> Change:
        """Jump to slide ``index`` of the deck (a disabled one goes to the next enabled)."""
        target = self._nearest(index)
        direction = 1 if self._order.index(target) >= self.position else -1
        change = self._show(target, direction, now, "user")
        return self._after_user(now, change, user)

    def first(self, now: float, user: bool = True) -> Change:
        return self.goto(self._order[0], now, user)

    def last(self, now: float, user: bool = True) -> Change:
        return self.goto(self._order[-1], now, user)

    # ------------------------------------------------------------------ pausing
    def interact(self, now: float) -> None:
        """A visitor touched: pause auto-play until ``idle_resume`` passes without input."""
        if not self.paused:
            self._elapsed_at_pause = self.elapsed(now)
        if not self._held:
            self._idle_until = now + self.deck.idle_resume

    def toggle_hold(self, now: float, wall: float | None = None) -> bool:
        """Hold or play explicitly (Space, standby). Returns True when now held.

        Under sync, playing again rejoins the loop: call :meth:`tick` next for the change."""
        self._by_button = False
        if self._held:
            self._held = False
            self._idle_until = None
            self._restart(now, wall)
        else:
            if not self.paused:
                self._elapsed_at_pause = self.elapsed(now)
            self._held = True
            self._idle_until = None
        return self._held

    def toggle_pause(self, now: float, wall: float | None = None) -> bool:
        """The pause button: pause until ``idle_resume`` passes without input, or play.

        A visitor's pause must not stop the show for good: it resumes like any other
        interaction, as the README says (#18 D). Returns True when now paused."""
        if self._held:
            return self.toggle_hold(now, wall)  # play lifts an operator's hold too
        if self._by_button:
            self._by_button = False
            self._idle_until = None
            self._restart(now, wall)
            return False
        if not self.paused:
            self._elapsed_at_pause = self.elapsed(now)
        self._by_button = True
        self._idle_until = now + self.deck.idle_resume
        return True

    # ------------------------------------------------------------------ internals
    def _after_user(self, now: float, change: Change, user: bool) -> Change:
        if user:
            self._elapsed_at_pause = 0.0
            if not self._held:
                self._idle_until = now + self.deck.idle_resume
        return change

    def _resume(self, now: float, wall: float | None = None) -> Change | None:
        self._idle_until = None
        self._by_button = False
        if self.synced:  # the loop went on meanwhile: rejoin it where it is now
            return self._follow(now, wall, "resume")
        if self.deck.idle_home and self.index != self._order[0]:
            return self._show(self._order[0], -1, now, "resume")
        self._restart(now)
        return None

    def _restart(self, now: float, wall: float | None = None) -> None:
        if self.synced:  # rejoin the loop at the next tick, which is due at once
            self._elapsed_at_pause = 0.0
            self._rejoin = True
            return
        # Resume where the slide's clock stood, but grant at least a short look.
        remaining = self.duration() - self._elapsed_at_pause
        self._started = now - self._elapsed_at_pause if remaining > 1.0 else now
        self._elapsed_at_pause = 0.0

    def _move(self, step: int, now: float, reason: str) -> Change:
        position = self.position if self.index not in self._order and step > 0 else (
            self.position + step)
        position %= len(self._order)
        return self._show(self._order[position], step, now, reason)

    def _show(self, index: int, direction: int, now: float, reason: str) -> Change:
        self.index = index
        self._started = now
        self._elapsed_at_pause = 0.0
        return Change(index, direction, reason)

    def _wall(self, now: float, wall: float | None) -> float:
        """The wall clock at ``now``: as given, else from the offset last seen."""
        if wall is None:
            return now + self._offset
        self._offset = wall - now
        return wall

    def _follow(self, now: float, wall: float | None, reason: str) -> Change | None:
        """Sync: take the loop's slide and its elapsed time from the wall clock. A change when
        the slide differs, or (auto) when the loop has started the slide again; otherwise
        only the slide's clock is set again, which undoes any drift of ``now``."""
        assert self._loop is not None
        spot = self._loop.spot(self._wall(now, wall))
        changed = spot.index != self.index or (reason == "auto" and spot.slot != self._slot)
        self._rejoin = False
        change = self._show(spot.index, +1, now, reason) if changed else None
        self._started = now - spot.elapsed
        self._slot = spot.slot
        return change

    def _nearest(self, index: int) -> int:
        """``index`` if enabled, else the next enabled slide (wrapping)."""
        total = len(self.deck.slides)
        for offset in range(total):
            candidate = (index + offset) % total
            if candidate in self._order:
                return candidate
        return self._order[0]


def same_slide(old: Deck, new: Deck, index: int) -> int:
    """Where slide ``index`` of ``old`` is in ``new`` (an edited deck): the same slide if it
    is still there and enabled, else the same place."""
    current = old.slides[min(index, len(old.slides) - 1)]
    same = [i for i, s in enumerate(new.slides) if s == current and s.enabled]
    return same[0] if same else min(index, len(new.slides) - 1)


def successor(player: Player, deck: Deck, now: float, wall: float, epoch: float | None,
              target: int, user: bool = False) -> Player:
    """The player of ``deck`` taking over from ``player`` (a deck edited or published anew):
    on the slide of the old deck's ``target`` where it still is (under sync: the new loop's
    slide), on the same day, held if it was; ``user``: a visitor's swipe brought the change,
    so the visitor's slide stays and auto-play waits for ``idle_resume``."""
    start = same_slide(player.deck, deck, target)
    new = Player(deck, now, start=start, day=player.day, wall=wall, epoch=epoch)
    if player.held:
        new.toggle_hold(now)
    elif user:
        new.goto(start, now)
    return new
