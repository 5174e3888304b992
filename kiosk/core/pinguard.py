"""Lockout after wrong exit PINs: a visitor must not guess the PIN by trying them all (#18 D).

Without it, 711 guesses took 56 s. After ``FREE_TRIES`` wrong PINs in a row, each further
wrong PIN locks the keypad for ``FIRST_LOCK_S``, doubling every time, up to ``MAX_LOCK_S``:
a 4-digit PIN then takes weeks to find. The right PIN clears the count. Qt-free and
clock-free: every call takes ``now`` (seconds on a monotonic clock).
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)
FREE_TRIES = 3
FIRST_LOCK_S = 30.0
MAX_LOCK_S = 15 * 60.0


class PinGuard:
    """Counts wrong PINs and says until when the keypad is locked."""

    def __init__(self) -> None:
        self.failures = 0
        self.locked_until = -1.0

    def locked(self, now: float) -> bool:
        return now < self.locked_until

    def remaining(self, now: float) -> float:
        """Seconds until the keypad takes a PIN again (0 when it does now)."""
        return max(0.0, self.locked_until - now)

    def check(self, entered: str, pin: str, now: float) -> bool | None:
        """True: the right PIN. False: wrong (and maybe locked now). None: locked, not tried."""
        if self.locked(now):
            return None
        if entered == pin:
            self.failures = 0
            return True
        self.failures += 1
        if self.failures >= FREE_TRIES:
            doublings = min(self.failures - FREE_TRIES, 16)  # bounded: no huge powers
            lock = min(MAX_LOCK_S, FIRST_LOCK_S * 2 ** doublings)
            self.locked_until = now + lock
            # once per lockout, not per key press while locked
            log.warning("exit PIN keypad locked for %d s after %d wrong PINs",
                        round(lock), self.failures)
        return False


def format_wait(seconds: float) -> str:
    """``125.2`` -> ``2:06``: the time left, rounded up, as a keypad shows it."""
    whole = int(-(-seconds // 1))
    return f"{whole // 60}:{whole % 60:02d}"
