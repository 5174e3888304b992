"""`kiosk export` and `kiosk run` as an editor and an operator use them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from kiosk.cli import main
from kiosk.core import load_deck

from .conftest import DEMO_DECK, REPO, as_array


def test_export_writes_one_png_per_enabled_slide_and_a_contact_sheet(app, tmp_path, capsys):
    deck = load_deck(DEMO_DECK).deck
    enabled = sum(1 for s in deck.slides if s.enabled)
    assert main(["export", str(DEMO_DECK), str(tmp_path), "--size", "640x360"]) == 0
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == [f"{n:03d}.png" for n in range(1, enabled + 1)] + ["contact-sheet.png"]
    for name in pngs[:-1]:
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == (640, 360)
        assert as_array(image)[:, :, :3].std() > 5, f"{name} is blank"
    sheet = QImage(str(tmp_path / "contact-sheet.png"))
    assert sheet.width() > 4 * 480 and sheet.height() > 5 * 270
    assert "slides and contact-sheet.png at 640x360" in capsys.readouterr().out


def test_export_skips_disabled_slides(app, tmp_path, write):
    deck = write("d.yaml", """
title: t
slides:
  - {type: title, title: 一}
  - {type: title, title: 二, enabled: false}
  - {type: title, title: 三}
""")
    assert main(["export", str(deck), str(tmp_path / "out"), "--size", "320x180"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == [
        "001.png", "002.png", "contact-sheet.png"]


def run_kiosk(*args, env_extra=None):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "kiosk", "run", *args], capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=120)


def test_run_refuses_a_broken_deck_with_located_messages(write):
    deck = write("d.yaml", "title: t\nslides:\n  - {type: title, title: a, durtion: 5s}\n")
    done = run_kiosk(str(deck), "--exit-after", "1")
    assert done.returncode == 1
    assert "d.yaml:3: slides[0].durtion: unknown key 'durtion' (did you mean 'duration'?)" in (
        done.stderr)
    assert "Traceback" not in done.stderr


def test_run_shows_a_deck_whose_only_problem_is_a_missing_photo(write):
    deck = write("d.yaml", """
title: t
slides:
  - {type: title, title: 一, duration: 1s}
  - {type: photo, image: gone.png, credit: 示意图, duration: 1s}
""")
    done = run_kiosk(str(deck), "--exit-after", "3", "--windowed")
    assert done.returncode == 0, done.stderr
    assert "slides[1].image: file not found: gone.png" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("deck", sorted((REPO / "slides").glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_deck_renders_every_slide(app, deck, tmp_path):
    """Run examples as tests: each deck checks clean and renders every slide headless."""
    from PySide6.QtCore import QSize

    from kiosk.qt.stage import Stage

    result = load_deck(deck)
    assert result.ok, [str(p) for p in result.problems]
    stage = Stage(result.deck, QSize(480, 270), animations=False)
    for index, slide in enumerate(result.deck.slides):
        if slide.enabled:
            pixels = as_array(stage.render(index, 1e6))
            assert pixels[:, :, :3].std() > 5, f"slide {index} is blank"
