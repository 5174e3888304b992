"""Is this machine's clock synchronised? For the status file and screens in step (#15).

``sync: clock`` screens agree only as well as their clocks do. Linux knows whether NTP
(chrony, systemd-timesyncd, ntpd) keeps the clock and how far off it may be: ``adjtimex``
read-only (modes 0, no privilege needed) returns TIME_ERROR, or sets STA_UNSYNC, when the
clock is not synchronised, and ``maxerror``/``esterror`` in microseconds. One system call,
made at most once a minute; elsewhere, or when it fails, the answer is None ("unknown").
"""

from __future__ import annotations

import ctypes
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
STA_UNSYNC = 0x0040  # <sys/timex.h>
TIME_ERROR = 5  # adjtimex's return value when the clock is not synchronised
REREAD_S = 60.0

ClockInfo = dict[str, Any]


class _Timex(ctypes.Structure):
    """``struct timex`` of <sys/timex.h> (glibc; ``long`` fields follow the platform)."""

    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("constant", ctypes.c_long),
        ("precision", ctypes.c_long),
        ("tolerance", ctypes.c_long),
        ("time_sec", ctypes.c_long),
        ("time_usec", ctypes.c_long),
        ("tick", ctypes.c_long),
        ("ppsfreq", ctypes.c_long),
        ("jitter", ctypes.c_long),
        ("shift", ctypes.c_int),
        ("stabil", ctypes.c_long),
        ("jitcnt", ctypes.c_long),
        ("calcnt", ctypes.c_long),
        ("errcnt", ctypes.c_long),
        ("stbcnt", ctypes.c_long),
        ("tai", ctypes.c_int),
        ("_reserved", ctypes.c_int * 16),  # glibc has 11 spare ints; room to spare
    ]


def read_clock() -> ClockInfo | None:
    """``{"synchronized": bool, "max_error_ms": float, "est_error_ms": float}`` from the
    kernel, or None where that cannot be had (not Linux, no libc, the call fails)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        adjtimex = ctypes.CDLL(None, use_errno=True).adjtimex
    except (OSError, AttributeError):
        return None
    adjtimex.argtypes = [ctypes.POINTER(_Timex)]
    adjtimex.restype = ctypes.c_int
    timex = _Timex()  # modes = 0: read only
    state = adjtimex(ctypes.byref(timex))
    if state < 0:
        return None
    return {"synchronized": state != TIME_ERROR and not timex.status & STA_UNSYNC,
            "max_error_ms": round(timex.maxerror / 1000, 3),
            "est_error_ms": round(timex.esterror / 1000, 3)}


class ClockWatch:
    """:func:`read_clock`, asked again at most every ``every`` seconds of ``now``."""

    def __init__(self, read: Callable[[], ClockInfo | None] = read_clock,
                 every: float = REREAD_S) -> None:
        self._read = read
        self.every = every
        self._at: float | None = None
        self._value: ClockInfo | None = None
        self._warned = False

    def status(self, now: float) -> ClockInfo | None:
        if self._at is None or not 0 <= now - self._at < self.every:
            try:
                self._value = self._read()
            except (OSError, ValueError):
                self._value = None
            self._at = now
        return self._value

    def warn_unsynchronized(self, now: float) -> None:
        """For a deck with ``sync: clock``: say once when the clock is known not to be kept."""
        info = self.status(now)
        if info is not None and not info["synchronized"] and not self._warned:
            self._warned = True
            log.warning("sync: clock: this machine's clock is not synchronised (NTP); "
                        "screens in step drift apart by their clocks' error. Enable chrony or "
                        "systemd-timesyncd (see `timedatectl`)")


SYSTEM = ClockWatch()


def clock_status(now: float | None = None) -> ClockInfo | None:
    """The status file's ``clock``: the system's, read at most once a minute."""
    return SYSTEM.status(time.monotonic() if now is None else now)
