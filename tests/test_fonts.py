"""Chinese renders with the bundled font, identically on a machine with no fonts at all."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QFont, QFontMetrics

from kiosk.core import load_deck
from kiosk.qt.fonts import FAMILY, font

from .conftest import DEMO_DECK, REPO, as_array

EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def deck_text(deck) -> str:
    """Every piece of text in a deck that reaches the screen."""
    return "".join(str(v) for v in _walk(deck.model_dump()))


def _walk(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in ("image", "notes", "type", "path", "url"):
                yield from _walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, str):
        yield value


def test_bundled_font_covers_every_character_of_the_demo_deck(app):
    deck = load_deck(DEMO_DECK).deck
    metrics = QFontMetrics(font(40))
    assert QFont(FAMILY).exactMatch() or font(40).family() == FAMILY
    text = deck_text(deck) + "▲▼◀▶中EN图片暂不可用模拟数据离线数据更新于"
    missing = sorted({c for c in text if not c.isspace() and not metrics.inFontUcs4(ord(c))})
    assert missing == []


def test_demo_renders_identically_with_no_system_fonts(app, tmp_path):
    """Hide every system font (empty fontconfig), export, compare with this process's render."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "QT_QPA_PLATFORM": "offscreen"}
    probe = subprocess.run(
        [sys.executable, "-c", "from PySide6.QtGui import QFontDatabase as D;"
         "from PySide6.QtGui import QGuiApplication as A; a=A([]); print(sorted(D.families()))"],
        env=env, capture_output=True, text=True, timeout=60)
    # only fontconfig's generic aliases remain, backed by no font file
    assert probe.stdout.strip() == "['Monospace', 'Sans Serif', 'Serif']", probe.stdout
    out = tmp_path / "nofonts"
    done = subprocess.run([sys.executable, "-m", "kiosk", "export", str(DEMO_DECK), str(out),
                           "--size", "960x540"], env=env, capture_output=True, text=True,
                          cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr

    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage

    from kiosk.qt.stage import Stage

    deck = load_deck(DEMO_DECK).deck
    stage = Stage(deck, QSize(960, 540), animations=False)
    for n, index in enumerate([i for i, s in enumerate(deck.slides) if s.enabled], 1):
        if deck.sources_of(deck.slides[index]):
            continue  # live slides show the time of day; every other slide must match
        here = as_array(stage.render(index, 1e6))
        there = as_array(QImage(str(out / f"{n:03d}.png")))
        assert abs(here.astype(int) - there.astype(int)).mean() < 0.5, f"slide {n} differs"


def test_glyphs_are_real_not_tofu(app):
    """Distinct characters draw distinct shapes; a missing glyph would draw the same box."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    shapes = set()
    for char in "云上智城天空之城亿元"[:9]:
        image = QImage(64, 64, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.black)
        p = QPainter(image)
        p.setFont(font(48))
        p.setPen(Qt.GlobalColor.white)
        p.drawText(4, 52, char)
        p.end()
        shapes.add(as_array(image).tobytes())
    assert len(shapes) == 8  # 城 appears twice
