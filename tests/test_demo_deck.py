"""The demo deck as a curator reads it (#13 §1): a city government speaks through it, so its
periods are fixed, its plans never pass for results, no figure is said twice on a slide,
simulated numbers say so in their title, Chinese text is set with full-width punctuation and
the source line names the article. Qt-free: these are checks on the words, not the pixels."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest

from kiosk.core import load_deck
from kiosk.core.deck import Deck, FiguresSlide, SimSource, walk_leaves
from kiosk.core.values import Text

from .conftest import DEMO_DECK

# The article, as 观海融媒 published it on 2024-08-26 (its own colon and comma are half-width;
# a Chinese text on screen sets them full-width).
ARTICLE_TITLE = ("系列访谈丨市工业和信息化局副局长姚蔚：以新质生产力赋能高质量发展，"
                 "助力珠海加速迈向万亿工业强市")
SOURCE_EN = ("Source: Guanhai Media, 26 Aug 2024, interview with Yao Wei, Deputy Director, "
             "Zhuhai Municipal Bureau of Industry and Information Technology")
# The article's plans and promises that the deck shows as figures: (value, Chinese unit)
ARTICLE_TARGETS = {(20.0, "%"): "最高20%", (100.0, "亿元"): "不少于100亿元"}

CJK = "\u3400-\u9fff\uf900-\ufaff"
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"[{CJK}][,:;()!?]|[,:;()!?][{CJK}]")
RELATIVE_PERIOD = re.compile(r"今年|本年|去年|明年|近日|(?<![年\d])上半年|(?<![年\d])下半年"
                             r"|\b(this|last|next) year\b|\beste ano\b|\bneste ano\b",
                             re.IGNORECASE)
# words that make a figure a plan, a target or a promise rather than a result
PLAN_WORDS = re.compile(r"最高|不少于|不低于|至少|目标|计划|(?<!模)拟|将|确保|力争|预计"
                        r"|\b(up to|at least|target|plan|planned|will|to be|goal)\b",
                        re.IGNORECASE)
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                  "九": 9, "十": 10}


@pytest.fixture(scope="module")
def deck() -> Deck:
    result = load_deck(DEMO_DECK)
    assert result.deck is not None, result.problems
    return result.deck


def shown(deck: Deck) -> Iterator[tuple[str, str, str]]:
    """(where, language, string) for every string a visitor may read: each entry of every
    text, and plain strings (chart categories); editors' notes are never shown."""
    for path, leaf in walk_leaves(deck, skip=frozenset({"notes"})):
        where = ".".join(str(p) for p in path)
        if isinstance(leaf, Text):
            for lang, entry in leaf.entries().items():
                yield where, lang, entry
        elif re.search(f"[{CJK}]", leaf):
            yield where, "zh", leaf


def slide_no(where: str) -> str:
    match = re.match(r"slides\.(\d+)", where)
    return f"slide {int(match.group(1)) + 1}" if match else where


def test_periods_are_fixed_never_this_year(deck):
    """The article's 今年 (2024-08-26) is 2024; a screen that says "this year" in 2025 is wrong."""
    found = [f"{slide_no(where)} ({where}, {lang}): {text!r}"
             for where, lang, text in shown(deck) if RELATIVE_PERIOD.search(text)]
    assert not found, "relative periods; write 2024, 2024年上半年, 截至2024年7月:\n" + \
        "\n".join(found)


def test_chinese_text_uses_full_width_punctuation(deck):
    found = [f"{slide_no(where)} ({where}): …{m.group(0)}… in {text!r}"
             for where, lang, text in shown(deck) if lang in ("zh", "zh-Hant")
             for m in HALF_WIDTH_NEXT_TO_CJK.finditer(text)]
    assert not found, "half-width , : ; ( ) ! ? next to Chinese; use ，：；（）！？:\n" + \
        "\n".join(found)


def test_plans_and_targets_are_drawn_as_targets(deck):
    """最高20% and 不少于100亿元 are promises of the article, not results: kind: target."""
    wrong = []
    for n, slide in enumerate(deck.slides, 1):
        if not isinstance(slide, FiguresSlide):
            continue
        title = " ".join(slide.title.entries().values()) if slide.title else ""
        for item in slide.items:
            words = " ".join(t for text in (item.label, item.note, item.prefix) if text
                             for t in text.entries().values())
            plan = PLAN_WORDS.search(f"{title} {words}")
            if plan and item.kind != "target":
                wrong.append(f"slide {n}: {item.label.zh!r} says {plan.group(0)!r} "
                             "but is kind: result")
    assert not wrong, "\n".join(wrong)
    shown_as = {(item.value, item.unit_zh): item.kind for slide in deck.slides
                if isinstance(slide, FiguresSlide) for item in slide.items}
    for key, words in ARTICLE_TARGETS.items():
        assert shown_as.get(key) == "target", f"{words}: expected on a slide as kind: target"


def _numbers(text: str) -> list[float]:
    text = re.sub(r"第([一二三四五六七八九十])",
                  lambda m: f"第{CHINESE_DIGITS[m.group(1)]}", text)
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_slide_shows_the_same_figure_twice(deck, lang):
    """Slide 5 showed 第5名 and 全省排名第五; slide 14 showed 27.95% as change and note."""
    twice = []
    for n, slide in enumerate(deck.slides, 1):
        if not isinstance(slide, FiguresSlide):
            continue
        figures = [item.value for item in slide.items if isinstance(item.value, float)]
        figures += [_numbers(item.change)[0] for item in slide.items if item.change]
        said: Counter[float] = Counter(round(v, 6) for v in figures)
        for item in slide.items:
            for text in (item.label, item.note, item.prefix, item.unit):
                if text is not None:
                    said.update(round(v, 6) for v in _numbers(text.for_lang(lang)))
        twice += [f"slide {n}: {value:g} is shown {said[round(value, 6)]} times"
                  for value in dict.fromkeys(figures) if said[round(value, 6)] > 1]
    assert not twice, "\n".join(twice)


def test_simulated_slides_say_so_in_their_title(deck):
    """A made-up number about a real city must never read as live data from it."""
    for n, slide in enumerate(deck.slides, 1):
        simulated = any(isinstance(deck.sources.get(name), SimSource)
                        for name in deck.sources_of(slide))
        zh, en = (slide.title.zh, slide.title.en) if slide.title else ("", "")
        titled = zh.startswith("模拟演示") and en.startswith("Simulated demo")
        assert simulated == titled, (
            f"slide {n} ({zh!r} / {en!r}): "
            + ("shows a simulated feed; title it 模拟演示 · … / Simulated demo · …" if simulated
               else "is titled as a simulation but shows no simulated feed"))
        assert "实时演示" not in zh and "Live demo" not in en, f"slide {n}"


def test_the_source_line_names_the_article(deck):
    note = deck.defaults.source_note
    assert note is not None
    match = re.search(r"《(.+?)》", note.zh)
    assert match, f"no 《title》 in the source line {note.zh!r}"
    named = match.group(1)
    assert named == ARTICLE_TITLE or (
        named.endswith("…") and len(named) > 10 and ARTICLE_TITLE.startswith(named[:-1])), (
        f"《{named}》 is not the article's title, in full or cut with …")
    assert "观海融媒" in note.zh and "2024-08-26" in note.zh
    assert note.en == SOURCE_EN
