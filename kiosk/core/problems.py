"""The one Qt-free channel for problems found in a deck: located, formatted like a compiler."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ProblemKind = Literal["error", "asset"]


def display_path(file: Path) -> str:
    """A path as an editor wants to read it: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(file)
    except ValueError:  # another drive on Windows
        return str(file)
    return str(file) if rel.startswith("..") else rel


def format_path(path: tuple[str | int, ...]) -> str:
    """``('slides', 3, 'items', 0)`` -> ``slides[3].items[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a deck. ``kind='asset'`` marks a missing or unreadable file,
    which ``kiosk run`` tolerates (the slide shows a placeholder)."""

    file: Path
    line: int
    path: tuple[str | int, ...]
    message: str
    column: int = 0
    kind: ProblemKind = "error"

    def __str__(self) -> str:
        where = display_path(self.file)
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        dotted = format_path(self.path)
        return f"{where}: {dotted}: {self.message}" if dotted else f"{where}: {self.message}"
