"""What the bench scripts share: a fake clock, a private Xvfb, and /proc readings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class Clock:
    """A clock the script moves by hand (``clock.now += step``)."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def start_xvfb(size: str = "1920x1080") -> tuple[subprocess.Popen[str], str]:
    """An X server of its own; (process, DISPLAY). Xvfb writes the display once it is ready."""
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", f"{size}x24",
                               "-nolisten", "tcp"], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    number = server.stdout.readline().strip()
    if not number.isdigit():
        sys.exit("Xvfb did not start (apt-get install xvfb)")
    return server, f":{number}"


def family(pid: int) -> list[int]:
    """pid and all its descendants."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            children = []
        queue.extend(int(c) for c in children)
    return found


def memory_mb(pid: int, kind: str = "Pss") -> float:
    """``Pss`` or ``Rss`` of ``pid`` and its descendants, from /proc/*/smaps_rollup, in MB."""
    total = 0
    for member in family(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith(f"{kind}:"):
                    total += int(line.split()[1])
        except OSError:
            pass  # a child that ended between the listing and the reading
    return total / 1024


def malloc_mb() -> dict[str, float]:
    """This process's C heap from glibc's ``mallinfo2``, in MB: ``heap_used`` (allocated
    from the heap arenas), ``heap_free`` (held by the arenas but free: fragmentation or a
    high-water mark), ``mmapped`` (big blocks with mappings of their own). Empty elsewhere."""
    import ctypes
    import ctypes.util

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallinfo2 = libc.mallinfo2
    except (OSError, AttributeError):
        return {}
    mallinfo2.restype = MallInfo2
    info = mallinfo2()
    mb = 1024 * 1024
    return {"heap_used_mb": round(info.uordblks / mb, 1),
            "heap_free_mb": round(info.fordblks / mb, 1),
            "mmapped_mb": round(info.hblkhd / mb, 1)}
