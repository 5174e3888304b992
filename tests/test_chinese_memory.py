"""OpenCC's dictionaries (about 44 MB with s2hk) are let go once a deck's strings are
converted: a zh-Hant screen's texts, units and categories then come from the converted table,
and a show that runs for weeks does not carry them (#14, bench/steady.py)."""

from __future__ import annotations

import pytest

from kiosk.core import chinese, load_deck
from kiosk.qt import stage as stage_module

from .conftest import DEMO_DECK


def test_after_conversion_opencc_is_released_and_units_come_from_the_table(monkeypatch):
    result = load_deck(DEMO_DECK)
    assert result.ok and "zh-Hant" in result.deck.languages
    chinese.set_cache_dir(None)
    stage_module._derive_and_release(result.deck)
    assert chinese._converters == {}  # nothing holds the dictionaries

    def no_opencc(profile: str):
        raise AssertionError("OpenCC loaded again after the deck was converted")

    monkeypatch.setattr(chinese, "converter", no_opencc)
    chinese.convert.cache_clear()
    profile = result.deck.zh_hant_conversion
    units = chinese._plain_strings(result.deck)
    assert "亿元" in units
    assert chinese.convert("亿元", profile) == "億元"
    assert all(chinese.convert(u, profile) for u in units)
    titled = [t for _p, t in result.deck.texts() if t.needs_conversion()]
    assert titled and all(t.for_lang("zh-Hant") for t in titled)


def test_a_string_the_deck_never_had_still_converts():
    pytest.importorskip("opencc")
    assert chinese.convert("低空经济新词", "s2t") == "低空經濟新詞"
