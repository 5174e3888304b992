"""OpenCC's dictionaries (about 44 MB with s2hk) are let go once a deck's strings are
converted: a zh-Hant screen's texts, units and categories then come from the converted table,
and a show that runs for weeks does not carry them (#14, bench/steady.py)."""

from __future__ import annotations

import logging
import subprocess
import sys

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
    # units are texts since #13 ({zh, en}): converted with the rest, kept on the text
    units = [i.unit for s in result.deck.slides if s.type == "figures" for i in s.items
             if i.unit is not None]
    assert "億元" in [u.for_lang("zh-Hant") for u in units]
    plain = chinese._plain_strings(result.deck)  # what is left plain (chart categories …)
    assert all(chinese.convert(u, profile) for u in plain)
    titled = [t for _p, t in result.deck.texts() if t.needs_conversion()]
    assert titled and all(t.for_lang("zh-Hant") for t in titled)


def test_a_string_the_deck_never_had_still_converts():
    pytest.importorskip("opencc")
    assert chinese.convert("低空经济新词", "s2t") == "低空經濟新詞"


def test_kiosk_run_converts_in_a_helper_process_and_never_loads_opencc(tmp_path):
    """A real helper process (the hidden `kiosk convert-zh-hant`): the show's own process gets
    the converted texts and units without importing OpenCC at all."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kiosk.core import chinese, load_deck\n"
        "from kiosk.resources import kiosk_command\n"
        f"deck = load_deck(Path({str(DEMO_DECK)!r})).deck\n"
        f"chinese.set_cache_dir(Path({str(tmp_path)!r}))\n"
        "chinese.set_child_command(kiosk_command('convert-zh-hant'))\n"
        "chinese.derive_traditional(deck)\n"
        "assert 'opencc' not in sys.modules, 'OpenCC was loaded in the show'\n"
        "print(chinese.convert('亿元', deck.zh_hant_conversion))\n"
        "print(deck.slides[0].title.for_lang('zh-Hant'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    unit, title = done.stdout.split("\n")[:2]
    assert unit == "億元" and title and title != load_deck(DEMO_DECK).deck.slides[0].title.zh


def test_a_helper_that_fails_falls_back_to_converting_here(caplog):
    result = load_deck(DEMO_DECK)
    chinese.set_cache_dir(None)
    chinese.set_child_command([sys.executable, "-c", "import sys; sys.exit(3)"])
    try:
        with caplog.at_level(logging.WARNING):
            chinese.derive_traditional(result.deck)
    finally:
        chinese.set_child_command(None)
    assert "the conversion helper failed (exit 3); converting here" in caplog.text
    assert chinese.convert("亿元", result.deck.zh_hant_conversion) == "億元"


def test_a_reloaded_deck_keeps_its_units_in_traditional():
    """A reload converts only what is new; the units known from before keep their forms."""
    chinese.set_cache_dir(None)
    first = load_deck(DEMO_DECK).deck
    chinese.derive_traditional(first)
    again = load_deck(DEMO_DECK).deck  # as a hot reload builds it
    chinese.derive_traditional(again)
    chinese.convert.cache_clear()
    assert chinese.convert("亿元", again.zh_hant_conversion) == "億元"
