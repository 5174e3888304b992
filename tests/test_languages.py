"""More than two languages (#14): zh, zh-Hant (derived with OpenCC), en, pt, as a visitor and
an editor meet them: the language button, the text each step draws, the fallback, check."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from kiosk.cli import LANGUAGES as CLI_LANGUAGES
from kiosk.cli import main
from kiosk.core import chinese, load_deck
from kiosk.core.values import LANGUAGES, Text
from kiosk.qt.slides import title as title_module
from kiosk.qt.stage import Stage
from kiosk.qt.window import ShowWindow

from .conftest import DEMO_DECK, FakeClock, as_array
from .render_util import deck_from as _deck_from
from .test_touch import canvas_to_window, make, tap

FOUR = {"title": "t", "languages": ["zh", "zh-Hant", "en", "pt"]}
# 萬人次 and 經港珠澳大橋 are what OpenCC makes of these; the subtitle has no pt entry
SLIDE = {"type": "title", "title": {"zh": "万人次", "en": "10,000 visits", "pt": "10 000 visitas"},
         "subtitle": {"zh": "经港珠澳大桥", "en": "Over the bridge"}}


def deck_from(folder, data):
    folder.mkdir(parents=True, exist_ok=True)
    return _deck_from(folder, data)


@pytest.fixture
def drawn(monkeypatch):
    """The texts the title view draws, in order (its draw_text, recorded on the way)."""
    texts: list[str] = []
    original = title_module.draw_text

    def record(p, rect, text, *args, **kwargs):
        texts.append(text)
        return original(p, rect, text, *args, **kwargs)

    monkeypatch.setattr(title_module, "draw_text", record)
    return texts


def _shown(window: ShowWindow, drawn: list[str]) -> list[str]:
    drawn.clear()
    window.stage.clear()  # the static layer is drawn afresh
    window.stage.render(window.index, 1e6)
    return list(drawn)


# ---------------------------------------------------------------------------- the visitor


def test_the_language_button_cycles_four_languages_each_drawing_its_text(
        qtbot, app, tmp_path, drawn):
    deck = deck_from(tmp_path, {**FOUR, "slides": [SLIDE]})
    window, _ = make(qtbot, deck)
    touch = pytest.importorskip("PySide6.QtTest").QTest.createTouchDevice()
    tap(window, touch, 480, 200)  # the controls
    buttons = dict(window.interaction.controls().buttons)
    assert "language" in buttons
    button = canvas_to_window(window, buttons["language"].center().x(),
                              buttons["language"].center().y())
    expected = {
        "zh": ["万人次", "10,000 visits", "经港珠澳大桥", "Over the bridge"],
        "zh-Hant": ["萬人次", "10,000 visits", "經港珠澳大橋", "Over the bridge"],
        "en": ["10,000 visits", "万人次", "Over the bridge", "经港珠澳大桥"],
        # no pt subtitle: the English one, and the Chinese under it as for English
        "pt": ["10 000 visitas", "万人次", "Over the bridge", "经港珠澳大桥"],
    }
    assert window.stage.lang == "zh"
    assert _shown(window, drawn) == expected["zh"]
    seen = []
    for _ in range(4):
        tap(window, touch, *button)
        seen.append(window.stage.lang)
        if window.stage.lang != "zh":
            assert _shown(window, drawn) == expected[window.stage.lang], window.stage.lang
    assert seen == ["zh-Hant", "en", "pt", "zh"]  # and round again
    assert _shown(window, drawn) == expected["zh"]
    window.stop()


# a second slide whose title differs, for the change that brings the language back
SKY = {**SLIDE, "title": {"zh": "天空之城", "en": "Sky city"}}


def _until_slide(window: ShowWindow, index: int) -> None:
    """Auto-play on the fake clock, a second at a time, to slide ``index`` (a minute at most)."""
    for _ in range(60):
        window.clock.advance(1)
        window.poll()
        if window.index == index:
            return


def _visitor_picks(qtbot, deck, taps: int):
    """A kiosk window where a visitor opened the controls and tapped the language button
    ``taps`` times; returns the window and the touch device."""
    window, _ = make(qtbot, deck)
    touch = pytest.importorskip("PySide6.QtTest").QTest.createTouchDevice()
    tap(window, touch, 480, 200)
    buttons = dict(window.interaction.controls().buttons)
    language = canvas_to_window(window, buttons["language"].center().x(),
                                buttons["language"].center().y())
    for _ in range(taps):
        tap(window, touch, *language)
    return window, touch


def test_the_next_visitor_finds_the_shows_own_language(qtbot, app, tmp_path, drawn):
    """A visitor picks 繁 and walks away: the screen keeps it while they might come back, and
    once auto-play has resumed, the next slide is in the show's own language again."""
    deck = deck_from(tmp_path, {**FOUR, "idle_resume": "30s", "slides": [SLIDE, SKY]})
    window, _touch = _visitor_picks(qtbot, deck, taps=1)
    assert window.stage.lang == "zh-Hant" and window.visiting
    window.clock.advance(30.1)  # idle_resume passes: auto-play runs again...
    window.poll()
    assert not window.visiting and window.index == 0
    assert window.stage.lang == "zh-Hant"  # ...but the slide on screen does not change words
    assert _shown(window, drawn)[0] == "萬人次"
    _until_slide(window, 1)  # the next slide change
    assert window.index == 1 and window.stage.lang == "zh"
    assert _shown(window, drawn)[0] == "天空之城"
    window.stop()


def test_the_way_back_is_a_transition_from_what_the_visitor_saw(qtbot, app, tmp_path):
    """With animations on, the slide change that brings the show's language back starts
    from the frame on screen (Traditional), not from the outgoing slide redrawn."""
    deck = deck_from(tmp_path, {**FOUR, "idle_resume": "30s", "slides": [SLIDE, SKY]})
    window = ShowWindow(deck, clock=FakeClock(), animations=True)
    qtbot.addWidget(window)
    window.resize(640, 360)
    window.player.interact(window.clock())  # a visitor, as a tap would make one
    window.visiting = True
    window.toggle_language()
    seen = window.stage.render(0, 1e6)  # what they saw
    window.clock.advance(30.1)
    window.poll()
    _until_slide(window, 1)
    assert window.index == 1 and window.stage.lang == "zh"
    assert window._transition is not None and window._transition.old == seen
    window.stop()


def test_a_new_visitor_keeps_their_language(qtbot, app, tmp_path):
    """A visit ends, and before the next slide change a new visitor touches: the slide
    changes they make keep the language they see."""
    deck = deck_from(tmp_path, {**FOUR, "idle_resume": "30s", "slides": [SLIDE, SLIDE]})
    window, touch = _visitor_picks(qtbot, deck, taps=2)
    assert window.stage.lang == "en"
    window.clock.advance(30.1)  # the first visitor has gone
    window.poll()
    assert not window.visiting and window.index == 0
    tap(window, touch, 480, 200)  # a new one
    assert window.visiting
    window.go_next()  # their swipe
    assert window.index == 1 and window.stage.lang == "en"
    window.stop()


def test_a_resume_that_goes_home_brings_the_language_back_too(qtbot, app, tmp_path):
    """``idle_home``: auto-play resumes on slide 1, and that slide is already in the show's
    language (the change resuming makes is the show's, not the visitor's)."""
    deck = deck_from(tmp_path, {**FOUR, "idle_resume": "30s", "idle_home": True,
                                "slides": [SLIDE, SKY, SLIDE]})
    window, _touch = _visitor_picks(qtbot, deck, taps=2)
    window.go_next()
    assert window.index == 1 and window.stage.lang == "en"
    window.clock.advance(30.1)
    window.poll()
    assert window.index == 0 and window.stage.lang == "zh"
    window.stop()


def test_the_button_names_the_language_a_tap_brings(qtbot, app, tmp_path):
    from kiosk.qt.overlays import LANGUAGE_LABELS

    deck = deck_from(tmp_path, {**FOUR, "slides": [SLIDE]})
    labels = [LANGUAGE_LABELS[deck.next_language(lang)] for lang in deck.languages]
    assert labels == ["繁", "EN", "PT", "中"]


def _controls_image(deck, lang: str) -> np.ndarray:
    from PySide6.QtGui import QPainter

    from kiosk.qt.overlays import Controls

    stage = Stage(deck, QSize(960, 540), lang=lang, animations=False)
    image = QImage(QSize(960, 540), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    p = QPainter(image)
    p.setTransform(stage.transform())
    controls = Controls(deck, stage.canvas)
    controls.paint(p, False, lang)
    p.end()
    rect = stage.transform().mapRect(dict(controls.buttons)["language"]).toRect()
    stage.close()
    return as_array(image.copy(rect))


def test_the_button_label_changes_with_each_step(app, tmp_path):
    deck = deck_from(tmp_path, {**FOUR, "slides": [SLIDE]})
    labels = [_controls_image(deck, lang) for lang in deck.languages]
    for i in range(4):
        for j in range(i + 1, 4):
            assert np.abs(labels[i].astype(int) - labels[j].astype(int)).sum() > 0, (i, j)


def test_a_text_without_pt_falls_back_to_english_then_chinese():
    only_zh = Text.model_validate("天空之城")
    both = Text.model_validate({"zh": "天空之城", "en": "Sky City"})
    assert both.for_lang("pt") == "Sky City"  # pt → en
    assert only_zh.for_lang("pt") == "天空之城"  # pt → en → zh
    assert only_zh.for_lang("en") == "天空之城"  # en → zh
    assert Text.model_validate({"en": "Sky City"}).for_lang("zh") == "Sky City"  # zh → en
    assert Text.model_validate({"zh-Hant": "天空之城"}).for_lang("zh") == "天空之城"
    assert only_zh.for_lang("zh-Hant") == "天空之城"  # not converted yet: zh
    assert Text.model_validate({"pt": "Cidade do Céu"}).for_lang("en") == "Cidade do Céu"


def test_an_explicit_zh_hant_entry_wins_over_the_conversion(app, tmp_path, drawn):
    slide = {"type": "title", "title": {"zh": "万人次", "zh-Hant": "萬人次(澳門)"}}
    deck = deck_from(tmp_path, {**FOUR, "slides": [slide]})
    stage = Stage(deck, QSize(960, 540), lang="zh-Hant", animations=False)
    stage.render(0, 1e6)
    stage.close()
    assert drawn[0] == "萬人次(澳門)"


def test_converted_text_draws_exactly_like_text_typed_in_traditional(app, tmp_path):
    converted = deck_from(tmp_path / "a", {**FOUR, "zh_hant_conversion": "s2hk",
                                           "slides": [SLIDE]})
    typed = dict(SLIDE, title={**SLIDE["title"], "zh-Hant": "萬人次"},
                 subtitle={**SLIDE["subtitle"], "zh-Hant": "經港珠澳大橋"})
    by_hand = deck_from(tmp_path / "b", {**FOUR, "slides": [typed]})
    images = []
    for deck in (converted, by_hand):
        stage = Stage(deck, QSize(960, 540), lang="zh-Hant", animations=False)
        images.append(as_array(stage.render(0, 1e6)))
        stage.close()
    assert np.array_equal(images[0], images[1])
    simplified = Stage(converted, QSize(960, 540), lang="zh", animations=False)
    assert not np.array_equal(images[0], as_array(simplified.render(0, 1e6)))
    simplified.close()


@pytest.mark.parametrize("simplified, typed", [
    ({"type": "figures", "items": [{"value": 92.64, "unit": "亿元", "prefix": "不少于",
                                    "label": "产值"}]},
     {"type": "figures", "items": [{"value": 92.64, "unit": "億元", "prefix": "不少於",
                                    "label": "產值"}]}),
    ({"type": "chart", "chart": "bar", "unit": "万",
      "series": [{"name": "增速", "data": [["低空经济", 27.95], ["软件和信息技术服务", 28.2]]}]},
     {"type": "chart", "chart": "bar", "unit": "萬",
      "series": [{"name": "增速", "data": [["低空經濟", 27.95], ["軟件和信息技術服務", 28.2]]}]}),
])
def test_units_prefixes_and_categories_are_converted_too(app, tmp_path, simplified, typed):
    """Plain strings (a unit, a prefix, a chart's categories) are written once, in Simplified
    Chinese: on a zh-Hant screen they draw as if typed in Traditional."""
    images = []
    for name, slide in (("a", simplified), ("b", typed)):
        deck = deck_from(tmp_path / name, {**FOUR, "slides": [slide]})
        stage = Stage(deck, QSize(960, 540), lang="zh-Hant", animations=False)
        images.append(as_array(stage.render(0, 1e6)))
        stage.close()
    assert np.array_equal(images[0], images[1])


def test_regional_profile_is_a_deck_setting(tmp_path):
    deck = deck_from(tmp_path, {**FOUR, "slides": [{"type": "title", "title": "里面的软件"}]})
    assert deck.zh_hant_conversion == "s2t"
    chinese.derive_traditional(deck)
    assert deck.slides[0].title.for_lang("zh-Hant") == "裏面的軟件"
    for profile, expected in (("s2hk", "裏面的軟件"), ("s2tw", "裡面的軟件"),
                              ("s2twp", "裡面的軟體")):
        other = deck_from(tmp_path / profile, {**FOUR, "zh_hant_conversion": profile,
                                               "slides": [{"type": "title",
                                                           "title": "里面的软件"}]})
        chinese.derive_traditional(other)
        assert other.slides[0].title.for_lang("zh-Hant") == expected, profile


# ---------------------------------------------------------------------------- the start path


def test_a_chinese_start_converts_nothing_until_after_the_first_frame(app, tmp_path, qtbot):
    deck = deck_from(tmp_path, {**FOUR, "slides": [SLIDE]})
    window = ShowWindow(deck, clock=FakeClock(), animations=False)
    qtbot.addWidget(window)
    window.resize(480, 270)
    window.grab()  # the first frame
    assert chinese.pending(deck) == ["t", "万人次", "经港珠澳大桥"]  # not converted for it
    window.stage.warm_languages()  # what the window does 800 ms after the first frame
    window.stage.close()  # waits for the worker
    assert chinese.pending(deck) == []
    assert deck.slides[0].title.for_lang("zh-Hant") == "萬人次"
    window.stop()


def test_a_zh_hant_start_reads_the_conversion_back_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(chinese, "_cache_dir", tmp_path / "cache")
    first = deck_from(tmp_path / "a", {**FOUR, "slides": [SLIDE]})
    chinese.derive_traditional(first)
    (kept,) = (tmp_path / "cache").glob("*.json")
    again = deck_from(tmp_path / "b", {**FOUR, "slides": [SLIDE]})

    def no_opencc(profile):
        raise AssertionError("OpenCC loaded although the cache holds the conversion")

    monkeypatch.setattr(chinese, "converter", no_opencc)
    chinese.derive_traditional(again)
    assert again.slides[0].title.for_lang("zh-Hant") == "萬人次"
    assert json.loads(kept.read_text("utf-8"))["profile"] == "s2t"


@pytest.mark.parametrize("damage", [
    b"\xff\xfe not json", b"[1, 2]", b'{"profile": "s2t", "texts": {"x": "y"}}',
    b'{"profile": "s2tw", "texts": {}}', '{"profile": "s2t", "texts": {"万人次": 7}}'.encode(),
])
def test_a_damaged_cache_is_ignored_with_a_warning(tmp_path, monkeypatch, caplog, damage):
    monkeypatch.setattr(chinese, "_cache_dir", tmp_path / "cache")
    deck = deck_from(tmp_path / "a", {**FOUR, "slides": [{"type": "title", "title": "万人次"}]})
    file = chinese._cache_file("s2t", chinese.pending(deck))
    assert file is not None
    file.parent.mkdir(parents=True)
    file.write_bytes(damage)
    with caplog.at_level(logging.WARNING, logger="kiosk.core.chinese"):
        chinese.derive_traditional(deck)
    assert deck.slides[0].title.for_lang("zh-Hant") == "萬人次"  # converted afresh
    assert "ignoring the zh-Hant cache" in caplog.text


# ---------------------------------------------------------------------------- the editor


def test_check_refuses_a_language_the_deck_does_not_list(write, capsys):
    deck = write("d.yaml", "title: t\nslides:\n  - type: title\n"
                           "    title: {zh: 澳门, en: Macau, pt: Macau}\n")
    assert main(["check", str(deck)]) == 1
    assert ("d.yaml:4: slides[0].title.pt: pt is not one of the deck's languages (zh, en), so "
            "this text would never be shown; add it: languages: [zh, en, pt], or remove it"
            ) in capsys.readouterr().out


def test_check_lists_the_language_keys_a_text_allows(write, capsys):
    deck = write("d.yaml", "title: t\nlanguages: [zh, zh-Hant, en, pt]\nslides:\n"
                           "  - type: title\n    title: {zh: 澳门, zh-hant: 澳門}\n")
    assert main(["check", str(deck)]) == 1
    assert ("d.yaml:5: slides[0].title.zh-hant: unknown key 'zh-hant' (did you mean 'zh-Hant'?); "
            "allowed: zh, zh-Hant, en, pt") in capsys.readouterr().out


def test_check_refuses_a_first_language_that_is_not_listed(write, capsys):
    deck = write("d.yaml", "title: t\nlanguages: [zh, en]\nlanguage: pt\n"
                           "slides:\n  - {type: title, title: 甲}\n")
    assert main(["check", str(deck)]) == 1
    assert ("d.yaml:3: language: pt is not one of languages: [zh, en]; add it there or pick "
            "one of them") in capsys.readouterr().out


def test_the_first_language_defaults_to_the_first_listed(tmp_path):
    deck = deck_from(tmp_path, {"title": "t", "languages": ["pt", "zh"], "slides": [SLIDE]})
    assert deck.language == "pt"


def test_todays_decks_keep_their_two_language_toggle(tmp_path):
    bilingual = deck_from(tmp_path / "a", {"title": "t", "slides": [
        {"type": "title", "title": {"zh": "天空之城", "en": "Sky City"}}]})
    assert bilingual.languages == ("zh", "en") and bilingual.cycle == ("zh", "en")
    assert bilingual.next_language("zh") == "en" and bilingual.next_language("en") == "zh"
    chinese_only = deck_from(tmp_path / "b", {"title": "t", "slides": [SLIDE | {
        "title": "天空之城", "subtitle": "低空经济"}]})
    assert chinese_only.cycle == ()  # no button, as before


def test_the_cli_offers_exactly_the_deck_languages():
    assert CLI_LANGUAGES == LANGUAGES


# ---------------------------------------------------------------------------- --lang


def test_export_lang_picks_the_language(app, tmp_path):
    out = {}
    for lang in ("zh", "pt"):
        assert main(["export", str(DEMO_DECK), str(tmp_path / lang), "--size", "480x270",
                     "--lang", lang]) == 0
        out[lang] = as_array(QImage(str(tmp_path / lang / "001.png")))
    assert not np.array_equal(out["zh"], out["pt"])


def test_export_refuses_a_language_the_deck_does_not_list(app, tmp_path, write, capsys):
    deck = write("d.yaml", "title: t\nslides:\n  - {type: title, title: 甲}\n")
    assert main(["export", str(deck), str(tmp_path / "o"), "--lang", "pt"]) == 2
    assert ("--lang pt is not one of the deck's languages (zh, en); add it to languages: in "
            "the deck") in capsys.readouterr().err


def test_run_lang_starts_in_that_language(app, tmp_path, qtbot):
    from kiosk.cli import build_parser
    from kiosk.core.loader import load_deck as load
    from kiosk.qt.controller import Show

    path = tmp_path / "d.yaml"
    path.write_text(json.dumps({**FOUR, "slides": [SLIDE]}, ensure_ascii=False), "utf-8")
    args = build_parser().parse_args(["run", str(path), "--lang", "pt"])
    assert args.lang == "pt"
    show = Show(path, load(path), clock=FakeClock(), lang=args.lang)
    try:
        assert show.window.stage.lang == "pt"
    finally:
        show.stop()
        show.window.close()


def test_a_reload_keeps_the_visitors_language(app, tmp_path, qtbot):
    deck = deck_from(tmp_path, {**FOUR, "slides": [SLIDE]})
    window = ShowWindow(deck, clock=FakeClock(), animations=False, lang="pt")
    qtbot.addWidget(window)
    edited = deck_from(tmp_path / "b", {**FOUR, "slides": [SLIDE, SLIDE]})
    window.replace_deck(edited, None)
    assert window.stage.lang == "pt"
    without_pt = deck_from(tmp_path / "c", {"title": "t", "slides": [SLIDE | {
        "title": {"zh": "万人次", "en": "10,000 visits"}}]})
    window.replace_deck(without_pt, None)
    assert window.stage.lang == "zh"  # the deck's own first language
    window.stop()


def test_the_demo_deck_has_four_languages_and_no_typed_traditional():
    deck = load_deck(DEMO_DECK).deck
    assert deck is not None and deck.languages == ("zh", "zh-Hant", "en", "pt")
    assert deck.zh_hant_conversion == "s2hk"
    texts = [text for _path, text in deck.texts()]
    assert not any(text.zh_hant for text in texts)  # derived, never typed
    titles = [s for s in deck.slides if s.type == "title"]
    assert all(s.title is not None and s.title.pt for s in titles)
    assert chinese.derive_traditional(deck) >= 0
    assert deck.slides[0].title.for_lang("zh-Hant") == "雲上智城 · 天空之城"


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_a_long_four_phrase_title_stays_clear_of_the_source_line(app, lang):
    """The demo's future-industries slide in English or Portuguese: four phrases, one a line,
    pushed the subtitle over the source line at the bottom before #14; now all of it shrinks."""
    from .render_util import bright

    deck = load_deck(DEMO_DECK).deck
    index = next(i for i, s in enumerate(deck.slides)
                 if s.type == "title" and s.title is not None and "固态电池" in s.title.zh)
    stage = Stage(deck, QSize(1920, 1080), lang=lang, animations=False)
    mask = bright(as_array(stage.render(index, 1e6)))
    source_top = stage.view(index).source_top()  # since #13 it may wrap to two lines
    stage.close()
    assert 900 < source_top < 1080 - 96 * 0.72
    assert not mask[int(source_top) - 32:int(source_top) - 2].any()  # a clear gap above it


@pytest.mark.parametrize(("lang", "line"), [("zh", "图：示意图 · Illustration"),
                                             ("zh-Hant", "圖：示意圖 · Illustration")])
def test_a_photo_credit_is_labelled_in_the_screens_chinese(app, tmp_path, lang, line):
    """Seen under Xvfb: a zh-Hant screen read "图:示意圖", the label left in Simplified."""
    deck = _deck_from(tmp_path, {**FOUR, "slides": [
        {"type": "photo", "image": "missing.png",
         "credit": {"zh": "示意图", "en": "Illustration"}}]}, allow_assets=True)
    stage = Stage(deck, QSize(960, 540), lang=lang, animations=False)
    assert stage.view(0).credit_line() == line
    stage.close()
