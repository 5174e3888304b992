"""``kiosk stats --out report.png`` (#16 §3): the picture a curator looks at. Its size, that
it is drawn (not blank), that a busier hour is a lighter cell of the heat map, and that the
slides' Chinese titles are drawn as characters, not as the missing-glyph box."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kiosk.stats.summary import summarise

from .conftest import as_array
from .render_util import deck_from
from .test_fonts import EMPTY_FONTCONFIG
from .test_stats import DAY, REPO, T0, line, run_stats

TITLES = ["云上智城", "天空之城", "低空经济", "万亿工业强市"]


def make_deck(folder: Path, titles: list[str]):
    folder.mkdir(exist_ok=True)
    return deck_from(folder, {"title": "展厅", "slides": [
        {"type": "title", "title": {"zh": t, "en": f"Slide {k + 1}"}}
        for k, t in enumerate(titles)]})


@pytest.fixture
def deck(tmp_path: Path):
    return make_deck(tmp_path / "real", TITLES)


def busy_log(tmp_path: Path) -> Path:
    """DAY, then more taps at 12:00 (5) and 13:00 (20): four hours of rising activity."""
    extra = [line(7200 + k, "interaction", kind="tap", index=2) for k in range(5)]
    extra += [line(10800 + k, "interaction", kind="tap", index=3) for k in range(20)]
    path = tmp_path / "busy.jsonl"
    path.write_text("".join(DAY + extra), encoding="utf-8")
    return path


def test_the_command_writes_a_png_of_the_report(app, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    out = tmp_path / "report.png"
    code, text = run_stats(str(busy_log(tmp_path)), "--out", str(out), "--tz", "UTC")
    assert code == 0 and f"picture: {out}" in text
    image = QImage(str(out))
    assert image.width() == 1920 and image.height() >= 1080
    pixels = as_array(image)[:, :, :3]
    # drawn, not blank: many colours, bright text and bars over the dark background
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 500
    assert (pixels.max(axis=2) > 200).mean() > 0.01


def test_a_busier_hour_is_a_lighter_cell(app, tmp_path: Path) -> None:
    import datetime as dt

    from kiosk.stats.picture import draw

    summary = summarise([busy_log(tmp_path)])
    image, drawn = draw(summary, None, dt.UTC)
    pixels = as_array(image)

    def lightness(hour: int) -> float:
        cell = drawn.cells[(0, hour)]
        x, y = round(cell.left() + 5), round(cell.top() + 5)  # a corner: clear of the number
        b, g, r = pixels[y, x, :3].astype(float)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    # 10:00 had 6 interactions, 11:00 2, 12:00 5, 13:00 20, 09:00 and 14:00 none
    counts = {9: 0, 10: 6, 11: 2, 12: 5, 13: 20, 14: 0}
    order = sorted(counts, key=lambda h: (counts[h], h))
    values = [lightness(h) for h in order]
    assert values[0] == values[1]  # no activity: the same empty cell
    assert values[1] < values[2] < values[3] < values[4] < values[5], list(zip(order, values,
                                                                               strict=True))


def test_chinese_titles_are_drawn_as_characters_not_boxes(app, tmp_path: Path, deck) -> None:
    """``kiosk stats --out`` run as an operator runs it, with every system font hidden: each
    title's row is drawn with the bundled fonts. Distinct titles give distinct shapes, and
    none looks like the same title written in code points no font has (the box)."""
    from PySide6.QtGui import QImage

    from kiosk.stats.picture import draw

    log = busy_log(tmp_path)
    _, drawn = draw(summarise([log]), deck)  # where the rows are (the layout is the same)
    conf = tmp_path / "fonts.conf"
    conf.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "QT_QPA_PLATFORM": "offscreen"}

    def name_crops(titles: list[str], name: str) -> list[np.ndarray]:
        deck_file = tmp_path / name / "deck.yaml"
        make_deck(tmp_path / name, titles)
        out = tmp_path / f"{name}.png"
        done = subprocess.run([sys.executable, "-m", "kiosk.stats.cli", str(log), "--deck",
                               str(deck_file), "--out", str(out)], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        pixels = as_array(QImage(str(out)))
        crops = []
        for index in range(len(titles)):
            row = drawn.rows[index]
            top, left = round(row.top()), round(row.left()) + 60
            crops.append(pixels[top + 4: top + 34, left: left + 200, :3].astype(int))
        return crops

    real = name_crops(TITLES, "real")
    for k, crop in enumerate(real):
        assert (crop.max(axis=2) > 180).sum() > 150, f"row {k + 1}: no text drawn"
    assert all(np.abs(real[i] - real[j]).sum() > 0
               for i in range(len(real)) for j in range(i + 1, len(real)))
    boxed = name_crops(["\U000f0000" * len(t) for t in TITLES], "boxed")
    for k, (crop, box) in enumerate(zip(real, boxed, strict=True)):
        assert np.abs(crop - box).mean() > 5, f"row {k + 1} is drawn like boxes"


def test_no_events_still_draws_a_page_that_says_so(app, tmp_path: Path) -> None:
    from kiosk.stats.picture import draw

    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"t": T0, "event": "frame"}) + "\n", encoding="utf-8")
    image, drawn = draw(summarise([empty]))
    assert image.width() == 1920 and image.height() == 1080
    assert not drawn.cells
