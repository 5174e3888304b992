"""The one place that knows where bundled files live, from source or in a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def root() -> Path:
    """Folder holding ``assets/`` and ``slides/``: the repo from source, the bundle frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def asset(*parts: str) -> Path:
    return root().joinpath("assets", *parts)


def demo_deck() -> Path:
    return root() / "slides" / "zhuhai.yaml"


def kiosk_command(*args: str) -> list[str]:
    """Argv that starts this kiosk again: the frozen executable, or ``python -m kiosk``."""
    if getattr(sys, "frozen", False):
        windowed = Path(sys.executable).with_name("kioskw.exe")  # Windows: no console window
        if sys.platform == "win32" and windowed.exists():
            return [str(windowed), *args]
        return [sys.executable, *args]
    return [sys.executable, "-m", "kiosk", *args]
