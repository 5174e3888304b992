"""Test set-up: headless Qt and no animations, decided before anything imports Qt."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # pytest-qt aborts without a display
os.environ["KIOSK_ANIMATIONS"] = "0"  # one setting turns every animation off (cf. Textual)

REPO = Path(__file__).resolve().parent.parent
DEMO_DECK = REPO / "slides" / "zhuhai.yaml"


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
