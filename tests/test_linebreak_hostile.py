"""Hostile text never hangs the line breaker nor the show's thread (#13, attacker's review).

A character wider than its line looped forever (chart names on a 480x320 canvas hung
``kiosk export``); 10,000 characters without a space took minutes, measuring every prefix.
Work is counted with a counting measure (deterministic), never timed.
"""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.core import linebreak
from kiosk.core.fit import fit_text
from kiosk.core.linebreak import break_lines, chunks, ellipsize


class Counting:
    """10 px a character (0 for a combining mark); counts calls and characters measured."""

    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0

    def __call__(self, text: str) -> float:
        self.calls += 1
        self.chars += len(text)
        assert self.calls < 100_000, "the breaker does not make progress"
        return 10.0 * sum(1 for c in text if not unicodedata.combining(c))


@pytest.mark.parametrize("text", ["ab", "全省", "。。。", "a😀b", "🇨🇳🇺🇸"])
def test_a_character_wider_than_the_line_gets_a_line_of_its_own(text):
    lines = break_lines(text, 5, Counting(), "en")
    assert "".join(lines) == text
    assert all(lines) and len(lines) <= len(text)


def test_punctuation_only_text_fills_its_lines():
    measure = Counting()
    lines = break_lines("。" * 2000, 100, measure, "zh")
    assert "".join(lines) == "。" * 2000
    assert len(lines) <= 210  # ten to a line, not one
    assert measure.calls < 3000


def test_a_long_word_is_cut_with_bounded_work():
    measure = Counting()
    lines = break_lines("a" * 10_000, 1000, measure, "en")
    assert "".join(lines) == "a" * 10_000 and len(lines) == 100
    assert measure.chars < 400_000  # each line by bisection; every prefix was 10^8 characters


def test_the_cut_never_splits_a_character_as_read():
    text = "e\u0301" * 12 + "🇨🇳" * 6 + "👩\u200d💻" * 4
    for width in (5, 15, 25, 35):
        for line in break_lines(text, width, Counting(), "en"):
            assert not unicodedata.combining(line[0]) and line[0] != "\u200d"
            assert line[-1] != "\u200d"
            flags = sum(1 for c in line if 0x1F1E6 <= ord(c) <= 0x1F1FF)
            assert flags % 2 == 0


@pytest.mark.parametrize("text", ["a" * 10_000, "珠海以新质生产力赋能高质量发展" * 700,
                                  "。" * 10_000, "e\u0301" * 5000, "word " * 2000,
                                  "\n".join(["行"] * 5000)])
def test_a_text_far_longer_than_its_box_is_laid_out_only_as_far_as_it_shows(text):
    measure = Counting()
    fitted = fit_text(text, 600, 200, 40, measure_at=lambda px: measure,
                      spacing=lambda px: 40.0, min_px=40, max_lines=2)
    assert fitted.clipped and len(fitted.lines) == 5 and fitted.lines[-1].endswith("…")
    assert all(measure(line) <= 600 for line in fitted.lines)
    assert fitted.needed > 5
    assert measure.chars < 2_000_000  # the whole text, prefix by prefix, was ~10^8


def test_ellipsis_is_found_by_bisection():
    measure = Counting()
    assert ellipsize("a" * 10_000, 105, measure) == "a" * 9 + "…"
    assert measure.calls < 40


@pytest.mark.parametrize("text", ["全" * 2000, "和" * 3000, "“" * 3000])
def test_pieces_of_a_long_run_take_one_pass(text, monkeypatch):
    calls = []
    pieces = linebreak._pieces
    monkeypatch.setattr(linebreak, "_pieces", lambda *a: calls.append(1) or pieces(*a))
    linebreak.chunks.cache_clear()
    assert "".join(chunks(text)) == text
    assert len(calls) <= 4  # one per join pass, not one per joined pair
