"""Chinese units read naturally in English and Portuguese, from value and unit (#13 §2)."""

from __future__ import annotations

import pytest

from kiosk.core.numbers import count_up
from kiosk.core.units import known, reading
from kiosk.core.values import Text


def shown(value, decimals, unit, prefix=None, lang="en", label=""):
    """The figure as a visitor reads it: before, number and after, joined by spaces."""
    r = reading(value, decimals, Text.model_validate(unit) if unit is not None else None,
                Text.model_validate(prefix) if prefix is not None else None, lang, label)
    return " ".join(part for part in (r.before, r.number(value), r.after) if part)


@pytest.mark.parametrize(("value", "decimals", "unit", "english"), [
    (92.64, 2, "亿元", "RMB 9.26 bn"),
    (140.24, 2, "亿元", "RMB 14.02 bn"),
    (100, 0, "亿元", "RMB 10 bn"),
    (155, 0, "亿元", "RMB 15.5 bn"),  # never rounded away: 155亿 is not 16 bn
    (5.5, 1, "亿元", "RMB 550 million"),
    (12000, 0, "亿元", "RMB 1.2 tn"),
    (9_264_000_000, 0, "元", "RMB 9.26 bn"),
    (50, 0, "万元", "RMB 500,000"),
    (8.5, 1, "万元", "RMB 85,000"),
    (3000, 0, "万元", "RMB 30 million"),
    (432, 0, "万平方米", "4.32 million m²"),
    (4_320_000, 0, "平方米", "4.32 million m²"),
    (8.5, 1, "万平方米", "85,000 m²"),
    (120, 0, "万人", "1.2 million people"),
    (66, 0, "%", "66 %"),
    (10.7, 1, "%", "10.7 %"),
    (1975, 0, "次/分钟", "1,975 per min"),
    (60, 0, "架", "60 aircraft"),
    (1268, 0, "架次", "1,268 flights"),
    (5, 0, "家", "5 companies"),
    (1, 0, "家", "1 company"),
    (211, 0, "个", "211"),  # the general measure word: the label names the projects
    (3, 0, "倍", "3 times"),
])
def test_english_forms_of_chinese_units(value, decimals, unit, english):
    assert shown(value, decimals, unit) == english


@pytest.mark.parametrize(("value", "decimals", "unit", "portuguese"), [
    (92.64, 2, "亿元", "RMB 9,26 mil milhões"),
    (432, 0, "万平方米", "4,32 milhões de m²"),
    (100, 0, "万平方米", "1 milhão de m²"),
    (50, 0, "万元", "RMB 500\u00a0000"),
    (1975, 0, "次/分钟", "1975 por minuto"),
    (5, 0, "家", "5 empresas"),
    (10.7, 1, "%", "10,7 %"),
])
def test_portuguese_forms_use_the_decimal_comma_and_the_long_scale(value, decimals, unit,
                                                                     portuguese):
    assert shown(value, decimals, unit, lang="pt") == portuguese


def test_a_count_the_label_already_names_is_not_said_twice():
    assert shown(41, 0, "家", label="New national 'little giant' SMEs") == "41"
    assert shown(49, 0, "家", label="A-share listed companies in total") == "49"
    assert shown(60, 0, "架", label="Drones in the air now") == "60"
    assert shown(1268, 0, "架次", label="Low-altitude flights today") == "1,268"
    assert shown(1975, 0, "次/分钟", label="AI model calls per minute") == "1,975"
    # a word that merely contains the letters does not count ("assessment" is no SME)
    assert shown(5, 0, "家", label="Passed the assessment") == "5 companies"


def test_prefixes_and_ranks():
    assert shown(20, 0, "%", prefix="最高") == "up to 20 %"
    assert shown(100, 0, "亿元", prefix="不少于") == "at least RMB 10 bn"
    assert shown(100, 0, "亿元", prefix="不少于", lang="pt") == "pelo menos RMB 10 mil milhões"
    assert shown(5, 0, "名", prefix="第") == "5th"
    assert [shown(n, 0, "名", prefix="第") for n in (1, 2, 3, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "22nd", "101st"]
    assert shown(5, 0, "名", prefix="第", lang="pt") == "5.º"
    assert shown(5, 0, "名", prefix="第", lang="zh") == "第 5 名"
    assert shown(80, 0, "%", prefix="≥") == "≥ 80 %"  # a sign is the same in every language


def test_the_decks_own_words_win():
    assert shown(60, 0, {"zh": "架", "en": "drones"}) == "60 drones"
    assert shown(92.64, 2, {"zh": "亿元", "en": "hundred million yuan"}) == (
        "92.64 hundred million yuan")
    assert shown(20, 0, "%", prefix={"zh": "最高", "en": "as much as"}) == "as much as 20 %"
    # Portuguese has no entry of its own here: the table's Portuguese, not the English
    assert shown(60, 0, {"zh": "架", "en": "drones"}, lang="pt") == "60 aeronaves"


def test_chinese_reads_as_written():
    assert shown(92.64, 2, "亿元", lang="zh") == "92.64 亿元"
    assert shown(92.6, 2, "亿元", lang="zh") == "92.60 亿元"
    assert shown(4_320_000, 0, "平方米", lang="zh") == "432万 平方米"
    assert shown(1975, 0, "次/分钟", lang="zh") == "1975 次/分钟"
    assert shown(18500, 0, "次/分钟", lang="zh") == "1.85万 次/分钟"
    # a percentage is never scaled: 12345.6% is not 1.23万%
    assert shown(12345.6, 1, "%", lang="zh") == "12345.6 %"
    assert shown(12345.6, 1, "%") == "12,345.6 %"


def test_an_unknown_unit_is_shown_as_written_and_reported():
    assert not known("斤")
    assert shown(3, 0, "斤") == "3 斤"
    assert known("亿元") and known("万平方米") and known("家") and known("次/分钟")
    assert known("GW") and known("%")


def test_the_count_up_keeps_its_words_and_scale():
    """RMB and bn are fixed text; only the number moves, with the final value's decimals."""
    final = reading(92.64, 2, Text.model_validate("亿元"), None, "en")
    early = count_up(92.64, 0.2, 1.6)
    assert (final.before, final.after) == ("RMB", "bn")
    assert final.number(early).count(".") == 1 and len(final.number(early).split(".")[1]) == 2
    assert float(final.number(early)) < 9.26
    assert final.number(92.64) == "9.26" and final.number(0) == "0.00"
    assert final.counts
    assert not reading(5, 0, Text.model_validate("名"), Text.model_validate("第"), "en").counts


@pytest.mark.parametrize(("value", "unit", "prefix", "lang", "lead", "splits"), [
    (100, "亿元", "不少于", "en", "at least", False),  # "at least" / "RMB 10 bn"
    (100, "亿元", "不少于", "zh", "不少于", False),
    (432, "万平方米", None, "en", "", False),  # 4.32 million m², one phrase
    (432, "万平方米", None, "zh", "", False),
    (20, "%", "最高", "en", "up to", False),
    (1975, "次/分钟", None, "en", "", False),  # a rate is an amount too
    (1268, "架次", None, "en", "", True),  # "1,268" / "flights": a noun, not an amount
    (1268, "架次", None, "zh", "", True),
    (120, "万人", None, "en", "", False),  # 1.2 million people: the scale stays
    (5, "名", "第", "zh", "", False),  # 第5名 is one word
])
def test_an_amount_is_one_phrase_only_its_lead_stands_apart(value, unit, prefix, lang, lead,
                                                           splits):
    """What may leave the number's line (the curator's review of #13: "at least RMB" / "10 bn"
    split the amount): the lead over it, a count's noun under it; never a currency, a scale
    word or a unit of measure."""
    r = reading(value, 0, Text.model_validate(unit),
                Text.model_validate(prefix) if prefix else None, lang)
    assert (r.lead, r.splits) == (lead, splits)
    assert (r.lead + " " + r.amount_before).strip() == r.before


@pytest.mark.parametrize(("value", "decimals", "unit", "english"), [
    (9999.99, 2, "万平方米", "99.9999 million m²"),  # was "100 million m²"
    (99.999, 3, "亿元", "RMB 9.9999 bn"),  # was "RMB 10 bn"
    (92.64, 2, "亿元", "RMB 9.26 bn"),  # the form: two decimals when nothing carries
])
def test_a_stated_figure_is_never_rounded_up_to_a_rounder_one(value, decimals, unit, english):
    assert shown(value, decimals, unit) == english


def test_only_a_whole_rank_reads_as_an_ordinal():
    assert [shown(n, 0, "名", prefix="第") for n in (0, -3)] == ["0", "-3"]  # no 0th, -3rd
    assert shown(2.5, 1, "名", prefix="第") == "2.5"  # Python's round(2.5) made it "2nd"


def test_no_negative_zero():
    from kiosk.core.numbers import format_number

    assert [format_number(v, 2) for v in (-0.001, -0.0, -1.5)] == ["0.00", "0.00", "-1.50"]
