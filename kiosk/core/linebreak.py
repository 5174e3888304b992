"""Line breaking for the screen (#13): CJK by phrase, Latin at spaces, kinsoku, no orphans.

Qt-free, so the show (kiosk/qt/text.py, measuring with Qt) and ``kiosk check`` (measuring
with fontTools, kiosk/core/fit.py) break every text in the same places. Two steps:

* :func:`chunks` cuts a paragraph into pieces no line may split: BudouX's phrases for Chinese
  (its zh-hans or zh-hant model), words for Latin text, with punctuation glued on by the
  kinsoku rules (no line starts with ，。」 … and none ends with （「“ …). BudouX's Chinese
  models leave many single characters on their own (全/省, 单/项, 人/工智/能); a lone
  character joins the neighbour it is more tightly bound to, and a short quoted name
  (“小巨人”, “4+3”, 'Doubling Park Investment') stays whole. Names stay whole too: a
  place with its 省/市 (广东省), an organisation "X和Y局" (工业和信息化局), each item of a
  list parted by 、 (装备制造、), and two-hanzi words BudouX parts only weakly (单项冠军).
  A line may break after a title's bar 丨. Cached per (text, language).
* :func:`break_lines` fits the pieces into lines of a width, given ``measure(str) -> float``:
  greedy, or balanced (the narrowest width that needs no more lines, as a designer sets a
  headline), never with a single character alone on the last line, nor ending on a " · ".
  A piece wider than the line is cut between characters, still keeping the kinsoku rules.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from budoux import Parser

Measure = Callable[[str], float]

# Kinsoku shori: characters a line must not start with (closing brackets and quotes,
# sentence and clause marks, the middle dot, a title's bar 丨, iteration marks, small kana) ...
NO_START = frozenset(
    "、。，．：；！？）］｝〕〉》」』】〙〗〟”’»›・·…‥ー々〻ゝゞヽヾ丨｜"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    ",.:;!?)]}%‰°′″℃％｡｣､･｠")
# ... and characters it must not end with (opening brackets and quotes).
NO_END = frozenset("（［｛〔〈《「『【〘〖〝“‘«‹([{｟｢")
# A short quoted name stays on one line: “小巨人” “4+3” 《…》 up to this many characters.
QUOTED_MAX = 8
_QUOTES = {"“": "”", "「": "」", "『": "』", "《": "》", "‘": "’", "〈": "〉"}
_SPACE = re.compile(r"\s+")


def is_cjk(char: str) -> bool:
    """Han, kana, hangul and CJK symbols: scripts written without spaces between words."""
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
            or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFFEF
            or 0x20000 <= code <= 0x3FFFF)


# 丨 is a hanzi to Unicode and to BudouX, but in 《系列访谈丨市工业和信息化局…》 it is a bar
# between a series' name and the article's: a line may break after it, never before it.
BARS = frozenset("丨｜")


def _hanzi(char: str) -> bool:
    """A character of a word (not punctuation), in a script without spaces."""
    return is_cjk(char) and unicodedata.category(char)[0] in "LN" and char not in BARS


@functools.cache
def _parser(model: str) -> Parser:
    import budoux  # only when Chinese text is laid out (2 ms; its model 3 ms)

    if model == "zh-hant":
        return budoux.load_default_traditional_chinese_parser()
    return budoux.load_default_simplified_chinese_parser()


def model_for(lang: str) -> str:
    """BudouX's model for a deck language: zh-hant for Traditional, else zh-hans."""
    return "zh-hant" if lang == "zh-Hant" else "zh-hans"


def _scores(text: str, model: str) -> list[float]:
    """BudouX's score for a break before each character (index 0 unused): > 0 is a break.

    The same sums as ``budoux.Parser.parse``, kept so that a lone character can tell
    which of its two neighbours it belongs with."""
    m = _parser(model).model
    base = -sum(sum(g.values()) for g in m.values()) * 0.5
    get = {k: m.get(k, {}) for k in ("UW1", "UW2", "UW3", "UW4", "UW5", "UW6", "BW1", "BW2",
                                     "BW3", "TW1", "TW2", "TW3", "TW4")}
    n = len(text)
    out = [0.0] * n
    for i in range(1, n):
        s = base + get["UW3"].get(text[i - 1], 0) + get["UW4"].get(text[i], 0)
        s += get["BW2"].get(text[i - 1:i + 1], 0)
        if i > 2:
            s += get["UW1"].get(text[i - 3], 0) + get["TW1"].get(text[i - 3:i], 0)
        if i > 1:
            s += (get["UW2"].get(text[i - 2], 0) + get["BW1"].get(text[i - 2:i], 0)
                  + get["TW2"].get(text[i - 2:i + 1], 0))
        if i + 1 < n:
            s += (get["UW5"].get(text[i + 1], 0) + get["BW3"].get(text[i:i + 2], 0)
                  + get["TW3"].get(text[i - 1:i + 2], 0))
        if i + 2 < n:
            s += get["UW6"].get(text[i + 2], 0) + get["TW4"].get(text[i:i + 3], 0)
        out[i] = s
    return out


def budoux_chunks(text: str, lang: str = "zh") -> list[str]:
    """BudouX's own phrases of ``text`` (what tests hold the breaker to)."""
    return _parser(model_for(lang)).parse(text)


@functools.lru_cache(maxsize=4096)
def chunks(text: str, lang: str = "zh") -> tuple[str, ...]:
    """The pieces of one paragraph that no line break may split; joined, they are ``text``.

    Whitespace ends a piece (Latin words, and the spaces around " · "). Text with Chinese,
    Japanese or Korean also breaks between BudouX's phrases. Never inside a run of Latin
    letters and digits ("GDP", "2024-08-26", "4+3"), never before closing or after opening
    punctuation, never inside a short quoted name.
    """
    if not text:
        return ()
    n = len(text)
    # breaks[i]: the strength of a break before text[i]; None: no break there
    breaks: list[float | None] = [None] * (n + 1)
    for match in _SPACE.finditer(text):  # after a run of spaces: always a break
        if match.end() < n:
            breaks[match.end()] = float("inf")
    if any(is_cjk(c) for c in text):
        scores = _scores(text, model_for(lang))
        for i in range(1, n):
            if breaks[i] is None and scores[i] > 0:
                breaks[i] = scores[i]
    for i in range(1, n):
        before, after = text[i - 1], text[i]
        if breaks[i] is None:
            continue
        if (after in NO_START or before in NO_END or after.isspace()
                or (not is_cjk(before) and not is_cjk(after) and not before.isspace())
                or (before == after and before in "—…‥")):
            breaks[i] = None
    for i in range(1, n):  # after a title's bar: a break as strong as a space
        if text[i - 1] in BARS and _hanzi(text[i]):
            breaks[i] = float("inf")
    _keep_quotes(text, breaks)
    _keep_names(text, breaks)
    _join_lone_characters(text, breaks)
    _join_enumerations(text, breaks)
    _join_compounds(text, breaks)
    cuts = [0] + [i for i in range(1, n) if breaks[i] is not None] + [n]
    return tuple(text[a:b] for a, b in itertools.pairwise(cuts))


# A quoted name in Latin text ('Doubling Park Investment', "4+3") stays on one line up to
# this many characters: a name, not a quoted sentence.
QUOTED_LATIN_MAX = 32
_LATIN_QUOTE = re.compile(r"""(?<![^\s(\[])(?:'(\S[^']*?\S)'|"(\S[^"]*?\S)"|‘(\S[^’]*?\S)’"""
                          r"""|“(\S[^”]*?\S)”)(?!\w)""")


def _keep_quotes(text: str, breaks: list[float | None]) -> None:
    """No break inside “…”, 「…」, 《…》 … when it holds at most QUOTED_MAX characters, nor
    inside a quoted name in Latin text ('Doubling Park Investment') of QUOTED_LATIN_MAX."""
    for start, char in enumerate(text):
        close = _QUOTES.get(char)
        if close is None:
            continue
        end = text.find(close, start + 1, start + QUOTED_MAX + 2)  # no further: too long
        if 0 < end - start - 1 <= QUOTED_MAX:
            for i in range(start + 1, end + 1):
                breaks[i] = None
    for match in _LATIN_QUOTE.finditer(text):
        inner = next(g for g in match.groups() if g)
        if (" " in inner and len(inner) <= QUOTED_LATIN_MAX
                and not any(_hanzi(c) for c in inner)):
            for i in range(match.start() + 1, match.end()):
                breaks[i] = None


# Place names that take 省 or 市 (广东省, 珠海市): the suffix is part of the name, though
# BudouX's zh-hant model leaves it alone (廣東 | 省 | 製造業) to join the next word.
_PLACE_NAMES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 "
    "湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 广州 深圳 珠海 佛山 东莞 中山 江门 "
    "肇庆 惠州 汕头 湛江 韶关 清远 阳江 茂名 潮州 揭阳 汕尾 河源 梅州 云浮 杭州 南京 苏州 "
    "武汉 成都 西安 长沙 厦门 青岛 宁波 "
    "重慶 遼寧 黑龍江 江蘇 河南 湖北 廣東 貴州 雲南 陝西 臺灣 台灣 廣州 東莞 江門 "
    "肇慶 惠州 湛江 韶關 清遠 陽江 潮州 揭陽 汕尾 雲浮 蘇州 長沙 廈門 寧波")
PLACES = tuple(_PLACE_NAMES.split())
_PLACE = re.compile("(?:" + "|".join(sorted(set(PLACES), key=len, reverse=True)) + ")[省市]")
# An organisation named "X和Y局" (工业和信息化局, 住房和城乡建设局): the 和 inside is no
# place to break, though BudouX parts it as 工业 | 和 | 信息化局.
ORG_SUFFIX = frozenset("局厅部委办署院")
ORG_AND = frozenset("和与及")
ORG_SIDE = 6  # hanzi at most on either side of its 和


def _keep_names(text: str, breaks: list[float | None]) -> None:
    """No break inside a place name with its 省/市, nor inside an organisation's name."""
    n = len(text)
    for match in _PLACE.finditer(text):
        start, end = match.span()
        inner = [breaks[i] for i in range(start + 1, end) if breaks[i] is not None]
        for i in range(start + 1, end):
            breaks[i] = None
        if end < n and breaks[end] is None and inner and _hanzi(text[end]):
            breaks[end] = max(inner, key=lambda b: b or 0.0)  # the break moves after 省
    for j, char in enumerate(text):
        if char not in ORG_AND or j == 0 or j + 1 >= n:
            continue
        start = j - 1  # the word before 和: back to the break that starts it
        while (start > 0 and j - start <= ORG_SIDE and breaks[start] is None
               and _hanzi(text[start - 1])):
            start -= 1
        if not _hanzi(text[start]) or j - start > ORG_SIDE or (
                start > 0 and breaks[start] is None):
            continue
        end = j + 1
        while end < n and end - j <= ORG_SIDE and _hanzi(text[end]):
            end += 1
            if text[end - 1] in ORG_SUFFIX and (end == n or breaks[end] is not None
                                                or not _hanzi(text[end])):
                for i in range(start + 1, end):
                    breaks[i] = None
                break


# Where a lone character belongs when BudouX leaves it alone: function words and affixes
# lean on the word after them (在珠海, 新增, 第五) or before them (领域的, 战略性, 国家级).
LEAN_RIGHT = frozenset("在对将把被从向以与和及或为于由新副总非超第初首准每各该本")
LEAN_LEFT = frozenset("的了着地得性化率者级型式类们度量值等省市县区")


def _pieces(text: str, breaks: list[float | None]) -> list[tuple[int, int]]:
    cuts = [0] + [i for i in range(1, len(text)) if breaks[i] is not None] + [len(text)]
    return list(itertools.pairwise(cuts))


def _lone(text: str) -> str | None:
    """The hanzi of a piece that holds just one (and punctuation), else None."""
    text = text.rstrip()
    word = [c for c in text if _hanzi(c)]
    if len(word) != 1 or any(c.isspace() or (not is_cjk(c) and c.isalnum()) for c in text):
        return None
    return word[0]


def _join_lone_characters(text: str, breaks: list[float | None]) -> None:
    """A piece of one hanzi never stands alone: BudouX's zh models cut 全省, 单项, 名单 and
    人工智能 apart this way. Lone characters side by side join each other (全省, 技改);
    one left on its own joins the word it leans on (LEAN_RIGHT, LEAN_LEFT), else the
    neighbour whose boundary is weaker, or at the edge of a run the only one it has."""
    # two lone characters side by side: the most weakly parted pair first (one pass in that
    # order; a pair whose character has already joined the other side is passed over)
    pieces = _pieces(text, breaks)
    lone = [_lone(text[a:b]) is not None for a, b in pieces]
    pairs = sorted((breaks[b] or 0.0, k) for k, (a, b) in enumerate(pieces[:-1])
                   if lone[k] and lone[k + 1] and not _firm(text, breaks, b))
    joined = [False] * len(pieces)
    for _, k in pairs:
        if not (joined[k] or joined[k + 1]):
            breaks[pieces[k][1]] = None
            joined[k] = joined[k + 1] = True
    for a, b in _pieces(text, breaks):
        char = _lone(text[a:b])
        if char is None:
            continue
        left = breaks[a] if a > 0 and not _firm(text, breaks, a) else None
        right = breaks[b] if b < len(text) and not _firm(text, breaks, b) else None
        if left is not None and (right is None or char in LEAN_LEFT
                                 or (char not in LEAN_RIGHT and left <= right)):
            breaks[a] = None
        elif right is not None:
            breaks[b] = None


def _firm(text: str, breaks: list[float | None], i: int) -> bool:
    """A break no join removes: after a space or a title's bar."""
    return text[i - 1].isspace() or breaks[i] == float("inf")


def _words(text: str) -> int | None:
    """How many hanzi a piece holds when it is hanzi only (trailing punctuation or spaces
    aside), else None."""
    body = text.rstrip().rstrip("、，。：；！？")
    return len(body) if body and all(_hanzi(c) for c in body) else None


# Enumerations (集成电路、装备制造、精细化工) break after their 、: an item of at most
# ENUM_ITEM hanzi is one piece, so 装备制造 never parts at 装备 | 制造.
ENUM_ITEM = 4
ENUM_MARKS = "、"
ITEM_ENDS = "、，。：；！？,;:"


def _join_enumerations(text: str, breaks: list[float | None]) -> None:
    """Each item of a list parted by 、 stays whole: an item between two 、 of at most
    ENUM_ITEM + 2 hanzi, and at the list's ends its last (or first) ENUM_ITEM hanzi."""
    n = len(text)
    cuts = [0] + [i + 1 for i, c in enumerate(text) if c in ITEM_ENDS or c.isspace()] + [n]
    for a, b in itertools.pairwise(cuts):
        if b - a < 2:
            continue
        after = text[b - 1] in ENUM_MARKS  # an item ending in 、
        before = a > 0 and text[a - 1] in ENUM_MARKS
        if not (after or before):
            continue
        body_end = b - 1 if text[b - 1] in ITEM_ENDS or text[b - 1].isspace() else b
        if not all(_hanzi(c) for c in text[a:body_end]):
            continue
        if after and before and body_end - a <= ENUM_ITEM + 2:
            lo, hi = a, body_end
        elif after:  # the first item: its last pieces, up to ENUM_ITEM hanzi
            lo, hi = _edge(breaks, a, body_end, from_end=True)
        else:  # the last item: its first pieces
            lo, hi = _edge(breaks, a, body_end, from_end=False)
        for i in range(lo + 1, hi):
            breaks[i] = None


def _edge(breaks: list[float | None], a: int, b: int, from_end: bool) -> tuple[int, int]:
    """The pieces at one end of text[a:b] that together hold at most ENUM_ITEM characters."""
    cuts = [a] + [i for i in range(a + 1, b) if breaks[i] is not None] + [b]
    if from_end:
        lo = next((c for c in cuts if b - c <= ENUM_ITEM), b)
        return lo, b
    hi = max((c for c in cuts if c - a <= ENUM_ITEM), default=a)
    return a, hi


# Two words of two hanzi that BudouX parts only weakly (a break score below JOIN_BELOW)
# make a four-character term: 单项 | 冠军, 光伏 | 系统, 装备 | 制造 stay together.
JOIN_BELOW = 2000.0
_FUNCTION_WORDS = ("其中 以及 并且 並且 同时 同時 已经 已經 正在 通过 通過 包括 目前 "
                   "其他 以上 以下 之间 之間 按照 根据 根據 对于 對於 关于 關於")
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


def _join_compounds(text: str, breaks: list[float | None]) -> None:
    """Join two-hanzi pieces into four-hanzi terms where BudouX's break is weak, from the
    left (a modifier joins the word it qualifies: 單項冠軍 | 企業, not 單項 | 冠軍企業);
    never across punctuation or a space, nor with a function word (其中 | 智能家电)."""
    pieces = _pieces(text, breaks)
    k = 0
    while k + 1 < len(pieces):
        (a, b), (_, c) = pieces[k], pieces[k + 1]
        if (_words(text[a:b]) == 2 and len(text[a:b]) == 2 and _words(text[b:c]) == 2
                and text[a:b] not in FUNCTION_WORDS and text[b:c].rstrip() not in FUNCTION_WORDS
                and not _firm(text, breaks, b) and (breaks[b] or 0.0) < JOIN_BELOW):
            breaks[b] = None
            k += 2
        else:
            k += 1


def _visible(line: str) -> int:
    """Characters of a line that are not spaces or punctuation."""
    return sum(1 for c in line if not c.isspace() and unicodedata.category(c)[0] not in "PZ")


ZWJ = "\u200d"


def _extends(char: str) -> bool:
    """A code point that belongs to the character before it: a combining mark, a zero-width
    joiner, a variation selector, an emoji's skin tone or tag."""
    code = ord(char)
    return (char == ZWJ or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF
            or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F
            or unicodedata.category(char) in ("Mn", "Me", "Mc"))


# No character as a reader sees it holds more code points than this (Unicode's stream-safe
# text holds at most 30 marks on a letter): 10,000 accents in a row can still be cut.
CLUSTER_MAX = 32


def clusters(text: str) -> list[int]:
    """Where a line may be cut between characters as a reader sees them: the start of each
    (e + its accent, 👩‍💻, a flag's pair of regional indicators 🇨🇳), and ``len(text)``."""
    starts = [0] if text else []
    flags = 0  # regional indicators just before: an odd count leaves a flag half made
    for i, char in enumerate(text):
        flag = 0x1F1E6 <= ord(char) <= 0x1F1FF
        if i and (i - starts[-1] >= CLUSTER_MAX
                  or not (_extends(char) or text[i - 1] == ZWJ or (flag and flags % 2))):
            starts.append(i)
        flags = flags + 1 if flag else 0
    starts.append(len(text))
    return starts


def _split_wide(piece: str, width: float, measure: Measure) -> list[str]:
    """Cut a piece wider than the line between characters (grapheme clusters), never before
    a closing or after an opening mark unless nothing else fits, and never leaving one
    character alone at the end. Each part holds at least one character, however narrow the
    line; each is found by bisection, so a part costs O(log n) measures of one line."""
    starts = clusters(piece)
    last = len(starts) - 1
    parts: list[str] = []
    a, step = 0, 1  # the part starts at starts[a]; step: the last part's length, a first guess
    while a < last:
        s = starts[a]

        def fits(j: int, s: int = s) -> bool:
            return measure(piece[s:starts[j]].rstrip()) <= width

        good, bad = a, None  # gallop: fits(good) (or good == a); the first j that does not
        while True:
            j = min(a + step, last)
            if not fits(j):
                bad = j
                break
            good = j
            if j == last:
                break
            step *= 2
        if bad is None:  # the rest fits on one line
            parts.append(piece[s:])
            break
        good = last_fitting(good, bad, fits)
        k = cut = max(good, a + 1)

        def kinsoku(k: int) -> bool:
            return k < last and (piece[starts[k]] in NO_START or piece[starts[k] - 1] in NO_END)

        while k > a + 1 and kinsoku(k):
            k -= 1
        if kinsoku(k):  # nowhere the rules allow ("。。。。"): cut where the line is full
            k = cut
        parts.append(piece[s:starts[k]])
        step = max(1, k - a)
        a = k
    if len(parts) >= 2 and _visible(parts[-1]) == 1:
        before = clusters(parts[-2])
        if len(before) > 3:  # more than two characters: its last one joins the orphan
            cut = before[-2]
            parts[-2], parts[-1] = parts[-2][:cut], parts[-2][cut:] + parts[-1]
    return parts


def _greedy(pieces: Sequence[str], width: float, measure: Measure,
            trim: Callable[[str], str] = str.rstrip) -> list[list[str]]:
    lines: list[list[str]] = []
    current: list[str] = []
    for piece in pieces:
        if current and measure(trim("".join(current) + piece)) <= width:
            current.append(piece)
            continue
        if current:
            lines.append(current)
        if measure(trim(piece)) > width:
            parts = _split_wide(piece, width, measure)
            lines.extend([part] for part in parts[:-1])
            current = [parts[-1]]
        else:
            current = [piece]
    if current:
        lines.append(current)
    return lines


def _no_orphan(lines: list[list[str]], width: float, measure: Measure,
               trim: Callable[[str], str]) -> list[list[str]]:
    """Pull the previous line's last piece down onto a one-character last line."""
    if len(lines) < 2 or _visible("".join(lines[-1])) != 1 or len(lines[-2]) < 2:
        return lines
    moved = [lines[-2][-1], *lines[-1]]
    if measure(trim("".join(moved))) > width:
        return lines
    return [*lines[:-2], lines[-2][:-1], moved]


def _layout(pieces: Sequence[str], width: float, measure: Measure, balance: bool,
            trim: Callable[[str], str] = str.rstrip) -> list[list[str]]:
    lines = _greedy(pieces, width, measure, trim)
    if balance and len(lines) >= 2:
        # the narrowest width that still needs no more lines: even lines, like a headline
        # (never narrower than the widest piece: that would cut it between characters)
        widest = max(measure(trim(p)) for p in pieces)
        lo, hi = max(widest, width * (len(lines) - 1) / len(lines)), width
        if lo < hi and len(_greedy(pieces, lo, measure, trim)) <= len(lines):
            hi = lo
        elif lo < hi:
            for _ in range(14):
                mid = (lo + hi) / 2
                if len(_greedy(pieces, mid, measure, trim)) <= len(lines):
                    hi = mid
                else:
                    lo = mid
                if hi - lo < 0.5:
                    break
        if hi < width:
            lines = _greedy(pieces, hi, measure, trim)
    return _no_orphan(lines, width, measure, trim)


def break_lines(text: str, width: float, measure: Measure, lang: str = "zh",
                balance: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` (as ``measure`` measures them), breaking
    only between :func:`chunks`; each ``\\n`` in the text starts a new line."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        pieces = chunks(paragraph, lang)
        if not pieces:
            out.append("")
            continue
        for line in _layout(pieces, width, measure, balance):
            out.append(_unhang("".join(line).strip()))
    return out


def _unhang(line: str) -> str:
    """A line never ends on the " · " that parted two phrases: the break parts them now."""
    return line[:-1].rstrip() if line.endswith(" ·") else line


def break_phrases(text: str, width: float, measure: Measure, separator: str = " · ",
                  lang: str = "zh", balance: bool = False) -> list[str]:
    """A name like ``人工智能 · 低空经济 · 人形机器人`` broken only between its phrases, the
    separator dropped where a line ends; a phrase too wide for a line is broken by
    :func:`break_lines`."""
    mark = separator.strip()

    def trim(line: str) -> str:
        line = line.strip()
        return line[:-len(mark)].rstrip() if mark and line.endswith(mark) else line

    out: list[str] = []
    for paragraph in text.split("\n"):
        phrases = paragraph.split(separator)
        pieces = [p + separator for p in phrases[:-1]] + phrases[-1:]
        wide = [p for p in phrases if measure(p.strip()) > width]
        if wide:  # lay the wide ones out on lines of their own
            for phrase in phrases:
                out.extend(break_lines(phrase.strip(), width, measure, lang, balance))
            continue
        out.extend(trim("".join(line)) for line in _layout(pieces, width, measure, balance, trim))
    return out


def ellipsize(line: str, width: float, measure: Measure) -> str:
    """``line`` cut to end in "…" within ``width``: the longest beginning (whole characters)
    that fits with it, found by bisection (a line of 10,000 characters takes ~14 measures)."""
    text = line.rstrip()
    if measure(text + "…") <= width:
        return text + "…"
    starts = clusters(text)

    def fits(j: int) -> bool:
        return measure(text[:starts[j]].rstrip() + "…") <= width

    good = last_fitting(0, len(starts) - 1, fits)
    return text[:starts[good]].rstrip() + "…" if good else "…"


def last_fitting(good: int, bad: int, fits: Callable[[int], bool]) -> int:
    """Bisection: the largest ``k`` in [good, bad) with ``fits(k)``, given that ``good``
    fits and ``bad`` does not (each probe is one measurement of a prefix)."""
    while bad - good > 1:
        mid = (good + bad) // 2
        if fits(mid):
            good = mid
        else:
            bad = mid
    return good
