"""Importing Qt-free code without PySide6's import hook, where start-up time counts.

Importing PySide6 replaces ``builtins.__import__`` with a hook for its ``from __feature__``
switches. After every new module the hook checks whether that module uses PySide by reading
its source (napari measured the same: napari/napari#8584). Over pydantic's hundred-odd modules
that costs about 40 ms of a cold start here. The deck model never touches Qt, so ``kiosk run``
imports it with the import function that was in place before PySide6 arrived.

This module must be imported before PySide6 (``kiosk.cli`` does). Imported later, it has
nothing to restore and :func:`plain_imports` changes nothing.
"""

from __future__ import annotations

import builtins
import contextlib
import sys
from collections.abc import Iterator

_BEFORE_PYSIDE = builtins.__import__ if "PySide6" not in sys.modules else None


@contextlib.contextmanager
def plain_imports() -> Iterator[None]:
    """Imports inside skip PySide6's hook. Only for modules that never use PySide6."""
    if _BEFORE_PYSIDE is None or builtins.__import__ is _BEFORE_PYSIDE:
        yield
        return
    hooked = builtins.__import__
    builtins.__import__ = _BEFORE_PYSIDE
    try:
        yield
    finally:
        builtins.__import__ = hooked
