"""Keep a long-running show's memory from creeping up through the C allocator.

The show allocates and frees frame-sized images all the time (8 MB each at 1080p: slide
layers, transition frames, decoded photos). glibc's malloc raises its mmap threshold after
the first such free, so later ones come from the heap and often stay with the process after
they are freed; and every thread that decodes or renders gets its own arena. Fixing the
threshold at 1 MB gives every big buffer its own mapping, returned to the system when freed,
and two arenas are plenty. On a full loop of the demo deck this keeps about 50 MB off the
steady state (bench/steady.py). Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8


def tune_malloc() -> bool:
    """True when glibc took the settings."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = bool(mallopt(M_MMAP_THRESHOLD, 1 << 20)) and bool(mallopt(M_ARENA_MAX, 2))
    if not ok:
        log.debug("mallopt refused the settings")
    return ok


def trim_heap() -> None:
    """Give freed heap memory back to the system now (glibc's malloc_trim): after a large,
    one-off load such as OpenCC's dictionaries. Elsewhere than glibc this does nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        log.debug("no malloc_trim here")
