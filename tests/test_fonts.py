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


# ---------------------------------------------------------------- Traditional and Portuguese (#14)

MACAU_DECK = """
title: {zh-Hant: 橫琴粵澳深度合作區, pt: Zona de Cooperação Aprofundada Guangdong-Macau}
languages: [zh, zh-Hant, en, pt]
language: zh-Hant
zh_hant_conversion: s2hk
exit_pin: "0427"
slides:
  - type: title
    kicker: {zh-Hant: 澳門特別行政區, pt: Região Administrativa Especial de Macau}
    title: {zh-Hant: 經港珠澳大橋, pt: Pela Ponte Hong Kong–Zhuhai–Macau}
    subtitle: {zh: 横琴口岸每日通关旅客, pt: "Posto fronteiriço: ação, inovação, São Lázaro"}
  - type: figures
    items:
      - value: 1200
        unit: 萬人次
        label: {zh-Hant: 年度旅客量, pt: Visitantes por ano}
        note: {zh-Hant: 較上年增長, pt: Crescimento em relação ao ano anterior}
        change: "+12.5%"
      - value: 55
        unit: 公里
        label: {zh-Hant: 大橋全長, pt: Comprimento da ponte}
  - type: chart
    chart: bar
    unit: 萬
    x_label: {zh-Hant: 年份, pt: Ano}
    y_label: {zh-Hant: 旅客（萬人次）, pt: Passageiros (dez mil)}
    series:
      - name: {zh-Hant: 經橫琴口岸, pt: Via Hengqin}
        data: [[澳門, 3], [香港, 5], [珠海, 7]]
  - type: photo
    image: night.png
    caption: {zh-Hant: 橫琴口岸夜景, pt: Posto de Hengqin à noite; Ação Ção ÃÕÑ}
    credit: {zh-Hant: 示意圖, pt: Ilustração}
"""
# Reads the fonts as the show does, with every system font hidden, and reports each character
# of the deck drawn as the missing-glyph box: its image equals that of a code point no font has.
GLYPH_PROBE = r"""
import json, sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QImage, QPainter
from kiosk.core import glyphs, load_deck
from kiosk.core.chinese import derive_traditional
from kiosk.qt import fonts
from kiosk.qt.app import make_app

# withhold a family: the Traditional one (the font set before #14), or the Latin one
fonts._loaded.update({"hk": [], "sc-only": [fonts.TRADITIONAL],
                      "no-latin": [fonts.LATIN]}[sys.argv[2]])
app = make_app()
deck = load_deck(sys.argv[1]).deck
fonts.load_fonts(traditional="zh-Hant" in deck.languages)
derive_traditional(deck)

def shape(char, font):
    image = QImage(72, 72, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.black)
    p = QPainter(image)
    p.setFont(font)
    p.setPen(Qt.GlobalColor.white)
    p.drawText(6, 56, char)
    p.end()
    return bytes(image.constBits())

report = {}
for lang in deck.languages:
    fonts.use_language(lang)
    chars = {c for _, text in glyphs.shown_texts(deck, [lang]) for c in text
             if not glyphs.invisible(c)}
    for bold in (False, True):
        font = fonts.font(48, bold)
        box = shape("\U000F0000", font)  # private use: in no font, drawn as the box
        boxes = sorted(c for c in chars if shape(c, font) == box)
        report[f"{lang}{' bold' if bold else ''}"] = {"checked": len(chars), "boxes": boxes,
                                                       "families": fonts.families()}
print(json.dumps(report, ensure_ascii=False))
"""


def _no_system_fonts(tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"), encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf), "QT_QPA_PLATFORM": "offscreen"}


def _macau_deck(tmp_path):
    from PySide6.QtGui import QColor, QImage

    photo = QImage(320, 180, QImage.Format.Format_RGB32)
    photo.fill(QColor("#203040"))
    photo.save(str(tmp_path / "night.png"))
    deck = tmp_path / "macau.yaml"
    deck.write_text(MACAU_DECK, encoding="utf-8")
    return deck


def _probe(deck, env, fonts_loaded="hk"):
    import json

    done = subprocess.run([sys.executable, "-c", GLYPH_PROBE, str(deck), fonts_loaded],
                          env=env, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_traditional_and_portuguese_deck_has_no_boxes_without_system_fonts(app, tmp_path):
    """#14 acceptance: titles, labels, units and captions in Traditional Chinese and
    Portuguese, every system font hidden: no character is drawn as the box, in any language
    or weight; and the detector does see boxes when the Traditional font is withheld."""
    env = _no_system_fonts(tmp_path)
    deck = _macau_deck(tmp_path)
    report = _probe(deck, env)
    for key, found in report.items():
        assert found["checked"] > 40, key
        assert found["boxes"] == [], key
    assert report["zh-Hant"]["families"] == ["Noto Sans HK Kiosk", "Noto Sans SC Kiosk",
                                             "Kiosk Sans Latin"]
    assert report["pt"]["families"] == ["Noto Sans SC Kiosk", "Noto Sans HK Kiosk",
                                        "Kiosk Sans Latin"]
    withheld = _probe(deck, env, "sc-only")  # what the old font set drew
    assert {"橫", "區", "經", "門", "萬"} <= set(withheld["zh-Hant"]["boxes"])
    assert set(withheld["pt"]["boxes"]) == {"萬", "門"}  # units, categories: all Portuguese drawn


def test_traditional_and_portuguese_deck_exports_without_system_fonts(app, tmp_path):
    """The same deck exported in each language on a machine with no fonts at all: every
    slide written, Traditional and Portuguese slides drawn differently from each other."""
    env = _no_system_fonts(tmp_path)
    deck = _macau_deck(tmp_path)
    from PySide6.QtGui import QImage

    shots = {}
    for lang in ("zh-Hant", "pt", "zh", "en"):
        out = tmp_path / lang
        done = subprocess.run([sys.executable, "-m", "kiosk", "export", str(deck), str(out),
                               "--size", "960x540", "--lang", lang], env=env,
                              capture_output=True, text=True, cwd=REPO, timeout=300)
        assert done.returncode == 0, done.stderr
        shots[lang] = [as_array(QImage(str(out / f"{n:03d}.png"))) for n in range(1, 5)]
    for n in range(4):
        assert (shots["zh-Hant"][n] != shots["pt"][n]).any(), f"slide {n + 1}"


def test_traditional_text_takes_the_hk_forms_and_simplified_keeps_its_font(app):
    """骨 is written differently in Hong Kong and on the mainland: zh-Hant text draws the HK
    glyph, zh text draws exactly what it drew before the Traditional font existed."""
    from kiosk.qt import fonts

    before = _shape("骨直角", font(48))
    fonts.load_fonts(traditional=True)
    try:
        fonts.use_language("zh")
        assert _shape("骨直角", font(48)) == before
        fonts.use_language("zh-Hant")
        assert _shape("骨直角", font(48)) != before
        assert font(48).family() == "Noto Sans HK Kiosk"
    finally:
        fonts.use_language("zh")


def _runs(text, f):
    from PySide6.QtGui import QTextLayout

    layout = QTextLayout(text, f)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return layout.glyphRuns()


def test_portuguese_and_latin_draw_in_the_english_family_whatever_the_language(app):
    """Latin-1 and the 30 letters of Latin Extended-A Noto Sans CJK has come from the family
    that draws English text, also when zh-Hant puts the Traditional family first; the other
    98 (Ł Č Ś Ž İ ő …) from the Latin family, Source Sans like Noto's Latin, never a box."""
    from kiosk.core.glyphs import LATIN, SIMPLIFIED, cmap
    from kiosk.qt import fonts

    letters = [c for c in [*range(0x21, 0x7F), *range(0xA1, 0x180)] if c != 0xAD]
    english = "".join(chr(c) for c in letters if c in cmap(SIMPLIFIED))
    others = "".join(chr(c) for c in letters if c not in cmap(SIMPLIFIED))
    assert len(others) == 98
    fonts.load_fonts(traditional=True)
    try:
        for lang in ("en", "pt", "zh-Hant"):
            fonts.use_language(lang)
            for bold in (False, True):
                for text, families in ((english + " São João, ação, Conceição", {FAMILY}),
                                       (others, {LATIN}),
                                       ("Łódź, Žižkov, İstanbul, São Tomé", {FAMILY, LATIN})):
                    runs = _runs(text, font(40, bold))
                    assert {r.rawFont().familyName() for r in runs} == families, lang
                    assert all(0 not in r.glyphIndexes() for r in runs), lang
                    assert {r.rawFont().weight() for r in runs} == {700 if bold else 400}
    finally:
        fonts.use_language("zh")


def test_the_latin_family_leaves_english_pixel_for_pixel_as_it_was(app):
    """Listing the Latin family last changes nothing that the CJK families draw: English,
    Portuguese, digits and hanzi give the same pixels with it and without it."""
    from kiosk.qt import fonts

    fonts.load_fonts()
    for bold in (False, True):
        with_latin = font(96, bold)
        assert with_latin.families()[-1] == "Kiosk Sans Latin"
        without = font(96, bold)
        without.setFamilies(with_latin.families()[:-1])
        for sample in ("Visitors 2024: São Tomé, Ação", "The quick brown fox ±3% — 92.64",
                       "横琴粤澳深度合作区 亿元"):
            assert _shape(sample, with_latin, 1600) == _shape(sample, without, 1600)
        assert _shape("Łódź", with_latin) != _shape("Łódź", without)


LATIN_DECK = """
title: Latin
languages: [zh, en, pt]
exit_pin: "0427"
slides:
  - type: title
    title: '{letters}'
    subtitle: {{zh: 罗兹, en: "Łódź, Žižkov, İstanbul", pt: "São Tomé, Ação, Győr"}}
"""


def test_every_latin_1_and_extended_a_letter_is_drawn_without_system_fonts(app, tmp_path):
    """With every system font hidden, no letter of Latin-1 and Latin Extended-A is drawn as
    the missing-glyph box, in any language or weight; without the Latin family (the fonts
    before it), the detector sees the 98 letters Noto Sans CJK lacks as boxes."""
    letters = "".join(chr(c) for c in range(0xA1, 0x180) if c != 0xAD)
    deck = tmp_path / "latin.yaml"
    deck.write_text(LATIN_DECK.format(letters=letters), encoding="utf-8")
    env = _no_system_fonts(tmp_path)
    report = _probe(deck, env, "hk")
    assert set(report) == {"zh", "zh bold", "en", "en bold", "pt", "pt bold"}
    for key, found in report.items():
        assert found["checked"] > 222 and found["boxes"] == [], key
        assert found["families"][-1] == "Kiosk Sans Latin"
    old = _probe(deck, env, "no-latin")
    assert len(old["pt"]["boxes"]) == len(old["en bold"]["boxes"]) == 98
    assert {"Ł", "Ž", "İ", "ő", "ű"} <= set(old["pt"]["boxes"])


def _shape(text, f, width=200):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    height = max(64, 2 * f.pixelSize())
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.black)
    p = QPainter(image)
    p.setFont(f)
    p.setPen(Qt.GlobalColor.white)
    p.drawText(4, height - 12 - f.pixelSize() // 3, text)
    p.end()
    return as_array(image).tobytes()
