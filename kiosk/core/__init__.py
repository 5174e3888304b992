"""Qt-free core of kiosk: the deck model, its loader, and the playback logic.

Nothing under ``kiosk.core`` may import PySide6 or pyqtgraph (checked by
``tests/test_core_without_qt.py``), so all of it runs and is tested without a display.

The names below are imported on first use: the deck model brings in pydantic, about a third
of a second of start-up, and ``kiosk run`` puts its launch image on screen before that.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# pydantic scans every installed package's entry points for plugins when the first model is
# built (~0.1 s of startup on a full venv). The deck uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

if TYPE_CHECKING:
    from kiosk.core.deck import Deck
    from kiosk.core.loader import LoadResult, load_deck, load_deck_data
    from kiosk.core.player import Change, Player
    from kiosk.core.problems import Problem

_HOMES = {"Deck": "deck", "LoadResult": "loader", "load_deck": "loader",
          "load_deck_data": "loader", "Change": "player", "Player": "player",
          "Problem": "problems"}
__all__ = ["Change", "Deck", "LoadResult", "Player", "Problem", "load_deck", "load_deck_data"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"kiosk.core.{home}"), name)
