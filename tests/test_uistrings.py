"""The show's own words in every language (#13 §2): the simulated pill and mark, the stale
and offline badges, the target tag, the photo credit's label, the image placeholder and the
keypad, from one table (kiosk.core.uistrings). A zh-Hant screen reads Traditional, a
Portuguese screen reads Portuguese, and figures and charts wear one simulated mark."""

from __future__ import annotations

import re
import string
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSize, QSizeF
from PySide6.QtGui import QImage, QPainter, Qt

from kiosk.core import chinese
from kiosk.core.feeds import FeedHub
from kiosk.core.uistrings import CREDIT_LABEL, WORDS, credit_line, say
from kiosk.qt import badges
from kiosk.qt.overlays import Overview, PinPad
from kiosk.qt.stage import Stage

from .conftest import as_array
from .render_util import deck_from

FOUR = ["zh", "zh-Hant", "en", "pt"]
WALL = 1_700_000_000


# ---------------------------------------------------------------------------- the table
def test_every_word_is_written_in_every_language_with_the_same_blanks():
    for key, entry in WORDS.items():
        assert sorted(entry) == sorted(FOUR), key
        assert all(entry[lang].strip() for lang in FOUR), key
        blanks = {lang: {f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f}
                  for lang in FOUR}
        assert len({frozenset(b) for b in blanks.values()}) == 1, (key, blanks)


def test_traditional_screens_read_traditional_forms_written_in_the_table():
    """模擬數據, not 模拟数据 (OpenCC agrees with every entry, but the show does not ask it)."""
    hant = {key: entry["zh-Hant"] for key, entry in WORDS.items()}
    assert hant["simulated_data"] == "模擬數據"
    assert hant["simulated"] == "模擬"
    assert hant["offline"] == "離線"
    assert hant["updated"].startswith("數據更新於")
    assert hant["image_unavailable"] == "圖片暫不可用"
    assert hant["pin_locked"].startswith("已鎖定")
    assert hant["target"] == "目標"
    assert CREDIT_LABEL["zh-Hant"] == "圖："
    for key, text in hant.items():  # no Simplified character left anywhere
        assert chinese.convert(text, "s2t") == text, key
        assert chinese.convert(WORDS[key]["zh"], "s2t") == text, key


def test_chinese_words_use_full_width_punctuation():
    chinese_texts = [e[lang] for e in WORDS.values() for lang in ("zh", "zh-Hant")]
    for text in [*chinese_texts, *CREDIT_LABEL.values()]:
        assert not re.search(r"[,:;]", text), text


@pytest.mark.parametrize(("lang", "pill", "mark"), [
    ("zh", "模拟数据 · Simulated data", "模拟 · SIMULATED"),
    ("zh-Hant", "模擬數據 · Simulated data", "模擬 · SIMULATED"),
    ("en", "Simulated data · 模拟数据", "SIMULATED · 模拟"),
    ("pt", "Dados simulados · 模拟数据", "SIMULADO · 模拟")])
def test_a_screen_shows_its_language_then_its_partner(lang, pill, mark):
    assert say("simulated_data", lang) == pill
    assert say("simulated", lang) == mark


def test_under_english_a_traditional_deck_pairs_its_own_chinese(tmp_path):
    deck = deck_from(tmp_path, {"title": "t", "language": "zh-Hant",
                                "languages": ["zh-Hant", "en", "pt"],
                                "slides": [{"type": "title", "title": "標題"}]})
    assert say("simulated_data", "en", deck) == "Simulated data · 模擬數據"
    assert say("offline", "pt", deck) == "Sem ligação · 離線"


def test_a_credit_label_stays_with_the_chinese():
    assert credit_line("zh", "示意图", "Illustration", "zh") == "图：示意图 · Illustration"
    assert (credit_line("zh-Hant", "示意圖", "Illustration", "zh-Hant")
            == "圖：示意圖 · Illustration")
    assert credit_line("en", "Illustration", "示意图", "zh") == "Illustration · 图：示意图"
    assert credit_line("zh", "新华社", "", "zh") == "图：新华社"


# ---------------------------------------------------------------------------- on screen
def sim_deck(tmp_path):
    """A figures slide with a simulated live number and a target, a simulated live line,
    and a photo whose file is missing, in the four languages."""
    return deck_from(tmp_path, {
        "title": "t", "languages": FOUR,
        "sources": {"calls": {"kind": "sim", "seed": 3, "start": 72, "step": 1.6, "min": 55,
                              "max": 93, "refresh": "1s", "window": 120}},
        "slides": [
            {"type": "figures", "title": {"zh": "模拟演示", "en": "Simulated demo"},
             "items": [{"value": {"source": "calls"}, "unit": "%", "decimals": 1,
                        "label": {"zh": "使用率", "en": "Utilisation"}},
                       {"value": 20, "unit": "%", "prefix": "最高", "kind": "target",
                        "label": {"zh": "奖补比例", "en": "Subsidy rate"}}]},
            {"type": "chart", "title": {"zh": "实时", "en": "Live"}, "y_min": 0, "y_max": 100,
             "unit": "%", "decimals": 1,
             "series": [{"name": {"zh": "使用率", "en": "Utilisation"}, "source": "calls"}]},
            {"type": "photo", "image": "missing.png", "credit": {"zh": "示意图"},
             "caption": {"zh": "园区", "en": "The park"}}]}, allow_assets=True)


@pytest.fixture
def hub(tmp_path):
    hubs = []

    def make(deck):
        feeds = FeedHub(deck.sources, now=0, wall=WALL)
        for step in range(3):
            feeds.tick(step, WALL + step)
            feeds.wait_idle(timeout=30)
        hubs.append(feeds)
        return feeds

    yield make
    for feeds in hubs:
        feeds.close()


@pytest.fixture
def drawn(monkeypatch):
    """Every string a QPainter draws while the fixture is active."""
    texts: list[str] = []
    original = QPainter.drawText

    def record(self, *args):
        texts.append(next((a for a in reversed(args) if isinstance(a, str)), ""))
        return original(self, *args)

    monkeypatch.setattr(QPainter, "drawText", record)
    return texts


def painted_badges(deck, slide, feeds, lang, wall=WALL + 2):
    """The corner pills as painted on a 1920x1080 screen in ``lang``: their pixels."""
    image = QImage(QSize(1920, 1080), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.black)
    p = QPainter(image)
    try:
        badges.paint_badges(p, deck, slide, feeds, wall, QSizeF(1920, 1080), lang=lang)
    finally:
        p.end()
    return as_array(image)


def test_a_zh_hant_screen_shows_traditional_words_on_a_simulated_slide(app, tmp_path, hub,
                                                                      drawn):
    deck = sim_deck(tmp_path)
    feeds = hub(deck)
    stage = Stage(deck, QSize(1920, 1080), lang="zh-Hant", animations=False, feeds=feeds)
    try:
        stage.render(0, 1e6)
        figures = stage.view(0)
        live, target = deck.slides[0].items
        assert figures.tag_texts(live) == ["模擬 · SIMULATED"]
        assert figures.tag_texts(target) == ["目標 · TARGET"]
        assert "模擬 · SIMULATED" in drawn and "目標 · TARGET" in drawn
        drawn.clear()
        pixels = painted_badges(deck, deck.slides[0], feeds, "zh-Hant")
        assert drawn == ["模擬數據 · Simulated data"]
        assert pixels[20:110, 1100:1850, :3].max() > 120  # the pill is there, top right
        drawn.clear()
        stage.render(2, 1e6)
        assert "圖片暫不可用 · Image unavailable" in drawn
        assert stage.view(2).credit_line() == "圖：示意圖 · Illustration"
    finally:
        stage.close()


def test_a_portuguese_screen_speaks_portuguese(app, tmp_path, hub, drawn):
    deck = sim_deck(tmp_path)
    feeds = hub(deck)
    stage = Stage(deck, QSize(1920, 1080), lang="pt", animations=False, feeds=feeds)
    try:
        live, target = deck.slides[0].items
        assert stage.view(0).tag_texts(live) == ["SIMULADO · 模拟"]
        assert stage.view(0).tag_texts(target) == ["META · 目标"]
        painted_badges(deck, deck.slides[0], feeds, "pt")
        assert drawn == ["Dados simulados · 模拟数据"]
        drawn.clear()
        stage.render(2, 1e6)
        assert "Imagem indisponível · 图片暂不可用" in drawn
        assert stage.view(2).credit_line() == "Ilustração · 图：示意图"
    finally:
        stage.close()
    stale = SimpleNamespace(feeds={"calls": SimpleNamespace(stale=lambda wall: True,
                                                            updated=None)})
    assert badges.badge_texts(deck, deck.slides[0], stale, WALL, "pt")[0] == "Sem ligação · 离线"
    stale.feeds["calls"].updated = WALL
    when = badges.badge_texts(deck, deck.slides[0], stale, WALL, "pt")[0]
    assert re.fullmatch(r"Atualizado às (\d\d:\d\d:\d\d) · 数据更新于 \1", when), when
    pad = PinPad(QSizeF(1920, 1080), "pt", deck)
    assert pad.title(30) == "Bloqueado, tente de novo dentro de 0:30 · 已锁定，0:30 后重试"
    assert Overview([0, 1, 2], QSizeF(1920, 1080), 0, "pt", deck).heading == \
        "Todos os diapositivos · 全部页面"


@pytest.mark.parametrize("lang", FOUR)
def test_figures_and_charts_wear_the_same_simulated_mark(app, tmp_path, hub, lang):
    """Figures said "SIMULATED · 模拟" on an English screen, charts "SIMULATED"."""
    deck = sim_deck(tmp_path)
    feeds = hub(deck)
    stage = Stage(deck, QSize(1920, 1080), lang=lang, animations=False, feeds=feeds)
    try:
        (figure_mark,) = stage.view(0).tag_texts(deck.slides[0].items[0])
        stage.render(1, 1e6)
        value, *mark = stage.view(1)._labels[0][0].toPlainText().splitlines()
        assert re.fullmatch(r"[\d.,]+%", value), value  # 70,9% in Portuguese
        assert " · ".join(mark) == figure_mark == say("simulated", lang, deck)
    finally:
        stage.close()


def test_the_stage_paints_the_pill_in_the_screens_language(app, tmp_path, hub, drawn):
    deck = sim_deck(tmp_path)
    stage = Stage(deck, QSize(1920, 1080), lang="zh-Hant", animations=False, feeds=hub(deck))
    try:
        drawn.clear()
        stage.render(0, 1e6, badges_at=WALL + 2)
        assert "模擬數據 · Simulated data" in drawn
    finally:
        stage.close()
