"""Chinese breaks by phrase, never inside a word; kinsoku; no one-character last line (#13 §3).

Before #13 Qt wrapped Chinese anywhere: 小/巨人, 单项冠/军, 全/省, 相/关服务, and 率 alone
on the last line. The core (kiosk.core.linebreak) is tested with a plain measure; the demo
deck as the show lays it out, at the four screen sizes, against BudouX's own phrases.
"""

from __future__ import annotations

import itertools

import pytest

from kiosk.core import linebreak
from kiosk.core.linebreak import NO_END, NO_START, break_lines, break_phrases, chunks
from kiosk.core.loader import load_deck

from .conftest import DEMO_DECK
from .render_util import demo_slide_layouts


def measure(text: str) -> float:
    """A hanzi is 1 wide, anything else 0.5: like the show's font, near enough."""
    return sum(1.0 if linebreak.is_cjk(c) else 0.5 for c in text)


def widths(text: str) -> list[float]:
    """Every line width that gives a different breaking, from the widest piece (narrower,
    a piece must be cut between characters) to all of the text on one line."""
    widest = max(measure(piece.rstrip()) for piece in chunks(text))
    return [w / 2 for w in range(int(2 * widest), int(2 * measure(text)) + 2)]


def kept_together(text: str, lang: str = "zh") -> set[int]:
    """Positions inside a word BudouX keeps together (its phrases, less their spaces), but
    for two places where the breaker knows better: after a title's bar 丨, which BudouX reads
    as a hanzi (访谈丨市 | 工业), and after a place's 省 or 市 (广东 | 省制造业 -> 广东省)."""
    places = {m.end() for m in linebreak._PLACE.finditer(text)}
    inside: set[int] = set()
    start = 0
    for phrase in linebreak.budoux_chunks(text, lang):
        for k in range(start + 1, start + len(phrase)):
            if not (text[k - 1].isspace() or text[k].isspace() or text[k - 1] in "丨｜"
                    or k in places):
                inside.add(k)
        start += len(phrase)
    return inside


def breaks(text: str, lines: list[str] | tuple[str, ...]) -> list[int]:
    """Where in ``text`` each line after the first starts (spaces and a dropped " · " at a
    break skipped); the lines must be ``text`` in order."""
    pos, out = 0, []
    for k, line in enumerate(lines):
        while pos < len(text) and (text[pos].isspace() or text[pos] == "·"):
            pos += 1
        if k:
            out.append(pos)
        body = line.removesuffix("…")
        assert text.startswith(body, pos), (text, lines)
        pos += len(body)
    return out


ISSUE = {  # the words the issue saw broken, in the texts they were broken in
    "新增国家级专精特新“小巨人”企业": ["小巨人"],
    "入选2024年广东省制造业单项冠军企业公示名单": ["冠军", "单项"],
    "省级单项冠军新增数量全省排名": ["全省", "冠军"],
    "优化企业服务，提供相关服务": ["相关"],
    "工业经济对全市GDP增长贡献率": ["贡献率", "全市"],
}


@pytest.mark.parametrize("text", ISSUE)
def test_the_issues_words_are_never_broken(text):
    for width in widths(text):
        lines = break_lines(text, width, measure)
        assert "".join(lines) == text
        for word in ISSUE[text]:
            start = text.index(word)
            inside = set(range(start + 1, start + len(word)))
            assert not inside & set(breaks(text, lines)), (width, lines)


def test_a_lone_character_never_ends_a_paragraph():
    text = "工业经济对全市GDP增长贡献率"
    for width in widths(text):
        for balance in (False, True):
            lines = break_lines(text, width, measure, balance=balance)
            assert len(lines) == 1 or sum(c.isalnum() for c in lines[-1]) > 1, (width, lines)
    assert break_lines(text, 12, measure) != ["工业经济对全市GDP增长贡献", "率"]


def test_kinsoku_in_every_breaking():
    texts = ["完善算力、算法、数据等新型要素资源，引入垂直领域的行业大模型。",
             "（全省第一）增长433.4%。“4+3”战略性新兴产业集群「示意」",
             "来源：观海融媒《系列访谈丨市工业和信息化局副局长姚蔚：以新质生产力赋能高质量发展》"]
    for text in texts:
        for width in widths(text):
            lines = break_lines(text, width, measure)
            assert "".join(lines) == text
            for line in lines[1:]:
                assert line[0] not in NO_START, (width, lines)
            for line in lines[:-1]:
                assert line[-1] not in NO_END, (width, lines)


def test_latin_breaks_at_spaces_and_mixed_text_keeps_its_names():
    english = "Value added of the \"4+3\" strategic emerging industry clusters, year on year"
    words = english.split(" ")
    for width in widths(english):
        for line in break_lines(english, width, measure):
            assert all(word in words for word in line.split(" ")), (width, line)
    mixed = "“4+3”战略性新兴产业集群增加值同比增长"
    assert chunks(mixed)[0] == "“4+3”战略性"[:len(chunks(mixed)[0])]
    for width in widths(mixed):
        lines = break_lines(mixed, width, measure)
        assert not {1, 2, 3, 4} & set(breaks(mixed, lines)), lines  # “4+3” whole


def test_phrases_first_then_words():
    name = "人工智能 · 低空经济 · 人形机器人 · 固态电池"
    assert break_phrases(name, 10, measure) == ["人工智能 · 低空经济", "人形机器人", "固态电池"]
    assert break_phrases(name, 12, measure, balance=True) == ["人工智能 · 低空经济",
                                                               "人形机器人 · 固态电池"]
    narrow = break_phrases(name, 3, measure)  # a phrase wider than the line: cut, evenly
    assert "".join(narrow) == name.replace(" · ", "")
    assert all(measure(line) <= 3 and len(line) >= 2 for line in narrow), narrow


def test_traditional_text_uses_the_traditional_model():
    text = "新增國家級專精特新「小巨人」企業"
    assert "".join(chunks(text, "zh-Hant")) == text
    inside = kept_together(text, "zh-Hant")
    cuts = set(itertools.accumulate(len(c) for c in chunks(text, "zh-Hant")))
    assert not inside & cuts
    assert any("「小巨人」" in c for c in chunks(text, "zh-Hant"))


def test_pieces_never_split_what_budoux_keeps_together():
    deck = load_deck(DEMO_DECK).deck
    for _path, text in deck.texts():
        for lang in ("zh", "zh-Hant"):
            entry = text.for_lang(lang)
            pieces = chunks(entry, lang)
            assert "".join(pieces) == entry
            cuts = set(itertools.accumulate(len(p) for p in pieces))
            assert not cuts & kept_together(entry, lang), (entry, pieces)


def test_budoux_runs_once_per_text():
    text = "新增国家级专精特新“小巨人”企业" * 3
    chunks(text)
    before = chunks.cache_info()
    for _ in range(100):
        chunks(text)
    after = chunks.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (100, 0)


# ---------------------------------------------------------------- the demo deck on screen


SIZES = [(1920, 1080), (1080, 1920), (3840, 2160), (1280, 720)]
CASES = ([("zh", size) for size in SIZES]
         + [(lang, size) for lang in ("zh-Hant", "en") for size in SIZES[:2]])


@pytest.fixture(scope="module")
def laid_out(qapp):
    """(lang, size) -> every (text, layout) the show made rendering the demo deck."""
    out: dict = {}
    for lang, size, _deck, _number, _slide, seen in demo_slide_layouts(CASES):
        out.setdefault((lang, size), []).extend(seen)
    return out


@pytest.mark.parametrize(("lang", "size"), CASES, ids=[f"{lang}-{w}x{h}" for lang, (w, h) in CASES])
def test_no_chinese_line_on_screen_breaks_inside_a_word(laid_out, lang, size):
    wrong = []
    model = "zh-Hant" if lang == "zh-Hant" else "zh"
    for text, fitted in laid_out[lang, size]:
        if len(fitted.lines) < 2 or not any(linebreak.is_cjk(c) for c in text):
            continue
        flat = text.replace("\n", " ")
        inside = kept_together(flat, model)
        for at in breaks(flat, fitted.lines):
            if at in inside:
                wrong.append(f"{flat[:at]}|{flat[at:]}  ({' / '.join(fitted.lines)})")
        for line in fitted.lines[1:]:
            if line[0] in NO_START:
                wrong.append(f"line starts with {line[0]}: {' / '.join(fitted.lines)}")
        for line in fitted.lines[:-1]:
            if line[-1] in NO_END:
                wrong.append(f"line ends with {line[-1]}: {' / '.join(fitted.lines)}")
        last = fitted.lines[-1]
        if sum(1 for c in last if c.isalnum()) == 1 and not fitted.clipped:
            wrong.append(f"one character alone on the last line: {' / '.join(fitted.lines)}")
    assert not wrong, "\n".join(wrong)
    assert any(len(f.lines) > 1 for _, f in laid_out[lang, size])  # it saw wrapped text


# ---------------------------------------------------------------- names and terms (review 1, 7)

WHOLE = [  # (text, language, what no break may split): the curator saw each one split
    ("入选2024年广东省制造业单项冠军企业公示名单", "zh", ["广东省", "单项冠军"]),
    ("入選2024年廣東省製造業單項冠軍企業公示名單", "zh-Hant", ["廣東省", "單項冠軍"]),
    ("来源：观海融媒 2024-08-26《系列访谈丨市工业和信息化局副局长姚蔚：以新质生产力赋能"
     "高质量发展，助力珠海加速迈向万亿工业强市》", "zh", ["工业和信息化局", "访谈"]),
    ("來源：觀海融媒 2024-08-26《系列訪談丨市工業和信息化局副局長姚蔚：以新質生產力賦能"
     "高質量發展，助力珠海加速邁向萬億工業強市》", "zh-Hant", ["工業和信息化局", "訪談"]),
    ("国家级制造业单项冠军总量（2024年）", "zh", ["单项冠军"]),
    ("新增国家级制造业单项冠军企业", "zh", ["单项冠军"]),
    ("其中智能家电、集成电路、装备制造、精细化工产业实现两位数增长", "zh",
     ["智能家电", "集成电路", "装备制造", "精细化工"]),
    ("新政策将首次把自制设备、光伏系统、储能设施纳入技改支持范围", "zh", ["光伏系统", "储能设施"]),
    ("新政策將首次把自製設備、光伏系統、儲能設施納入技改支持範圍", "zh-Hant", ["光伏系統"]),
]


@pytest.mark.parametrize(("text", "lang", "words"), WHOLE, ids=[w[0] for _, _, w in WHOLE])
def test_names_and_terms_are_never_broken(text, lang, words):
    for width in widths(text):
        for balance in (False, True):
            lines = break_lines(text, width, measure, lang, balance)
            for word in words:
                start = text.index(word)
                if measure(word) <= width:
                    inside = set(range(start + 1, start + len(word)))
                    assert not inside & set(breaks(text, lines)), (word, width, lines)


def test_a_bureau_keeps_its_city_unless_the_line_is_too_narrow():
    text = WHOLE[2][0]
    name = "市工业和信息化局"
    start = text.index(name)
    for width in widths(text):
        lines = break_lines(text, width, measure)
        assert start + 1 not in breaks(text, lines), (width, lines)  # never 市 | 工业
        assert start in breaks(text, lines) or not any(  # it starts a line after 丨 …
            line.endswith("丨市") for line in lines), lines
    assert break_lines(text, 20, measure)[1].startswith("市工业和信息化局副局长"), \
        break_lines(text, 20, measure)


def test_an_enumeration_breaks_after_its_mark():
    text = "其中智能家电、集成电路、装备制造、精细化工产业实现两位数增长"
    for width in widths(text):
        for line in break_lines(text, width, measure)[:-1]:
            # a line ends before the list, at a 、, or after the list: never inside an item
            end = text.index(line) + len(line)
            assert (end == text.index("智能") or line.endswith("、")
                    or end >= text.index("产业")), (width, line)


def test_a_quoted_name_in_english_is_never_broken():
    title = "2023 · The 'Doubling Park Investment' programme"
    quoted = "'Doubling Park Investment'"
    start = title.index(quoted)
    for width in widths(title):
        if measure(quoted) > width:
            continue
        for lines in (break_lines(title, width, measure, "en", balance=True),
                      break_phrases(title, width, measure, lang="en", balance=True)):
            inside = set(range(start + 1, start + len(quoted)))
            assert not inside & set(breaks(title, lines)), (width, lines)
    assert "‘ready to move in’ " in chunks("Ready-to-produce, ‘ready to move in’ communities")
    assert "Zhuhai's " in chunks("Zhuhai's 'Super G' gigafactory")  # an apostrophe is no quote


def test_no_middle_dot_hangs_at_a_line_end():
    title = "Simulated demo · Computing utilisation"
    for width in widths(title):
        for balance in (False, True):
            lines = break_lines(title, width, measure, "en", balance)
            assert not any(line.endswith("·") or line.startswith("·") for line in lines), lines
