"""A valid deck loads into typed, immutable models with paths and precedence resolved."""

from __future__ import annotations

import pydantic
import pytest

from kiosk.core import load_deck
from kiosk.core.deck import FiguresSlide, PhotoSlide

from .conftest import DEMO_DECK, REPO


def test_demo_deck_is_clean():
    result = load_deck(DEMO_DECK)
    assert result.problems == ()
    assert result.ok and result.deck is not None
    assert len(result.deck.slides) >= 10


def test_decimals_follow_the_yaml_text(write):
    deck = write("d.yaml", """
title: t
slides:
  - type: figures
    items:
      - {value: 92.64, unit: 亿元, label: a}
      - {value: 92.60, label: b}
      - {value: 211, label: c}
      - {value: "140.24", label: d}
      - {value: 1.5, decimals: 3, label: e}
""")
    [slide] = load_deck(deck).deck.slides
    assert isinstance(slide, FiguresSlide)
    assert [(i.value, i.decimals) for i in slide.items] == [
        (92.64, 2), (92.6, 2), (211, 0), (140.24, 2), (1.5, 3)]


def test_include_splices_and_resolves_paths_against_its_own_file(write, tmp_path):
    (tmp_path / "parts" / "img").mkdir(parents=True)
    (tmp_path / "parts" / "img" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8))
    write("parts/sky.yaml", """
sources:
  flights: {kind: sim}
slides:
  - {type: photo, image: img/a.png, credit: 示意图}
  - type: figures
    items: [{value: {source: flights}, label: 今日飞行}]
""")
    deck_file = write("deck.yaml", """
title: t
slides:
  - {type: title, title: a}
  - include: parts/sky.yaml
  - {type: title, title: z}
""")
    result = load_deck(deck_file)
    assert result.ok, [str(p) for p in result.problems]
    slides = result.deck.slides
    assert [s.type for s in slides] == ["title", "photo", "figures", "title"]
    assert isinstance(slides[1], PhotoSlide)
    assert slides[1].image == str(tmp_path / "parts" / "img" / "a.png")
    assert "flights" in result.deck.sources
    assert result.files == (deck_file, tmp_path / "parts" / "sky.yaml")


def test_text_forms_and_transition_shorthand(write):
    deck = write("d.yaml", """
title: {zh: 天空之城, en: Sky City}
defaults: {transition: slide, duration: 1.5s}
slides:
  - {type: title, title: 2024, transition: {type: none}}
  - {type: title, title: {en: only english}, duration: 600ms}
""")
    d = load_deck(deck).deck
    assert d.title.get("en") == "Sky City" and d.title.get("zh") == "天空之城"
    assert d.slides[0].title.get() == "2024"
    assert d.slides[1].title.get("zh") == "only english"
    assert d.transition_of(d.slides[0]).type == "none"
    assert d.transition_of(d.slides[1]).type == "slide"
    assert d.duration_of(d.slides[0]) == 1.5
    assert d.duration_of(d.slides[1]) == pytest.approx(0.6)


def test_models_are_immutable():
    deck = load_deck(DEMO_DECK).deck
    with pytest.raises(pydantic.ValidationError):
        deck.slides[0].duration = 3  # type: ignore[misc]
    assert isinstance(deck.slides, tuple)


def test_every_bundled_deck_checks_clean():
    for path in sorted((REPO / "slides").glob("*.yaml")):
        assert load_deck(path).problems == (), path
