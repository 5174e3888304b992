"""Frame-sized buffers go back to the system when freed (glibc), so a week-long show does
not keep every 8 MB image it ever freed."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = r"""
import ctypes, sys
from kiosk.memory import tune_malloc
if sys.argv[1] == "tuned":
    assert tune_malloc()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
SIZE = 8 << 20  # one 1080p frame
libc.free(libc.malloc(SIZE))  # default glibc raises its mmap threshold after this free
block = libc.malloc(SIZE)
for line in open("/proc/self/maps"):
    span, rest = line.split(" ", 1)
    low, high = (int(x, 16) for x in span.split("-"))
    if low <= block < high:
        print("heap" if "[heap]" in rest else "own mapping")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc only")
def test_a_frame_sized_buffer_gets_its_own_mapping_so_freeing_it_returns_it():
    def where(mode):
        return subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True,
                              text=True, check=True).stdout.strip()

    # A buffer in its own mapping goes back to the system when freed; one in the heap
    # mostly stays with the process. That is the difference tune_malloc makes.
    assert where("tuned") == "own mapping"
    assert where("default") == "heap"
