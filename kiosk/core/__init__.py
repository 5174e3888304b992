"""Qt-free core of kiosk: the deck model, its loader, and the playback logic.

Nothing under ``kiosk.core`` may import PySide6 or pyqtgraph (checked by
``tests/test_core_without_qt.py``), so all of it runs and is tested without a display.
"""

import os

# pydantic scans every installed package's entry points for plugins when the first model is
# built (~0.1 s of startup on a full venv). The deck uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from kiosk.core.deck import Deck
from kiosk.core.loader import LoadResult, load_deck, load_deck_data
from kiosk.core.player import Change, Player
from kiosk.core.problems import Problem

__all__ = ["Change", "Deck", "LoadResult", "Player", "Problem", "load_deck", "load_deck_data"]
