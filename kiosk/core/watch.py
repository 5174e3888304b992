"""Notice when a deck file, or any file it includes, changes on disk (hot reload)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

Stamp = tuple[int, int, int] | None


def stamp(path: Path) -> Stamp:
    """(mtime, size, inode): changes on an in-place write and on a rename-replace."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class FileWatcher:
    """Polled by the caller (cheap ``stat`` calls); no threads, no platform APIs."""

    def __init__(self, files: Iterable[Path]) -> None:
        self._stamps: dict[Path, Stamp] = {}
        self.watch(files)

    def watch(self, files: Iterable[Path]) -> None:
        """Watch exactly ``files`` (the deck and its includes, after each load)."""
        self._stamps = {Path(f): stamp(Path(f)) for f in files}

    def changed(self) -> list[Path]:
        """Files whose stamp differs from the last look (each change is reported once)."""
        changed = []
        for path, old in self._stamps.items():
            new = stamp(path)
            if new != old:
                self._stamps[path] = new
                changed.append(path)
        return changed
