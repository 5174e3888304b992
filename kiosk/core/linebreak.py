"""Line breaking for the screen (#13): CJK by phrase, Latin at spaces, kinsoku, no orphans.

Qt-free, so the show (kiosk/qt/text.py, measuring with Qt) and ``kiosk check`` (measuring
with fontTools, kiosk/core/fit.py) break every text in the same places. Two steps:

* :func:`chunks` cuts a paragraph into pieces no line may split: BudouX's phrases for Chinese
  (its zh-hans or zh-hant model), words for Latin text, with punctuation glued on by the
  kinsoku rules (no line starts with ，。」 … and none ends with （「“ …). BudouX's Chinese
  models leave many single characters on their own (全/省, 单/项, 人/工智/能); a lone
  character joins the neighbour it is more tightly bound to, and a short quoted name
  (“小巨人”, “4+3”) stays whole. Cached per (text, language).
* :func:`break_lines` fits the pieces into lines of a width, given ``measure(str) -> float``:
  greedy, or balanced (the narrowest width that needs no more lines, as a designer sets a
  headline), never with a single character alone on the last line. A piece wider than the
  line is cut between characters, still keeping the kinsoku rules.
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
# sentence and clause marks, the middle dot, iteration marks, small kana) ...
NO_START = frozenset(
    "、。，．：；！？）］｝〕〉》」』】〙〗〟”’»›・·…‥ー々〻ゝゞヽヾ"
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


def _hanzi(char: str) -> bool:
    """A character of a word (not punctuation), in a script without spaces."""
    return is_cjk(char) and unicodedata.category(char)[0] in "LN"


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
    _keep_quotes(text, breaks)
    _join_lone_characters(text, breaks)
    cuts = [0] + [i for i in range(1, n) if breaks[i] is not None] + [n]
    return tuple(text[a:b] for a, b in itertools.pairwise(cuts))


def _keep_quotes(text: str, breaks: list[float | None]) -> None:
    """No break inside “…”, 「…」, 《…》 … when it holds at most QUOTED_MAX characters."""
    for start, char in enumerate(text):
        close = _QUOTES.get(char)
        if close is None:
            continue
        end = text.find(close, start + 1)
        if 0 < end - start - 1 <= QUOTED_MAX:
            for i in range(start + 1, end + 1):
                breaks[i] = None


# Where a lone character belongs when BudouX leaves it alone: function words and affixes
# lean on the word after them (在珠海, 新增, 第五) or before them (领域的, 战略性, 国家级).
LEAN_RIGHT = frozenset("在对将把被从向以与和及或为于由新副总非超第初首准每各该本")
LEAN_LEFT = frozenset("的了着地得性化率者级型式类们度量值等")


def _pieces(text: str, breaks: list[float | None]) -> list[tuple[int, int]]:
    cuts = [0] + [i for i in range(1, len(text)) if breaks[i] is not None] + [len(text)]
    return list(itertools.pairwise(cuts))


def _lone(text: str) -> str | None:
    """The hanzi of a piece that holds just one (and punctuation), else None."""
    word = [c for c in text if _hanzi(c)]
    if len(word) != 1 or any(c.isspace() or (not is_cjk(c) and c.isalnum()) for c in text):
        return None
    return word[0]


def _join_lone_characters(text: str, breaks: list[float | None]) -> None:
    """A piece of one hanzi never stands alone: BudouX's zh models cut 全省, 单项, 名单 and
    人工智能 apart this way. Lone characters side by side join each other (全省, 技改);
    one left on its own joins the word it leans on (LEAN_RIGHT, LEAN_LEFT), else the
    neighbour whose boundary is weaker, or at the edge of a run the only one it has."""
    while True:  # two lone characters side by side: the most weakly parted pair first
        pieces = _pieces(text, breaks)
        pairs = [b for (a, b), (_, c) in itertools.pairwise(pieces)
                 if _lone(text[a:b]) and _lone(text[b:c]) and not text[b - 1].isspace()]
        if not pairs:
            break
        breaks[min(pairs, key=lambda b: breaks[b] or 0.0)] = None
    for a, b in _pieces(text, breaks):
        char = _lone(text[a:b])
        if char is None:
            continue
        left = breaks[a] if a > 0 and not text[a - 1].isspace() else None
        right = breaks[b] if b < len(text) and not text[b - 1].isspace() else None
        if left is not None and (right is None or char in LEAN_LEFT
                                 or (char not in LEAN_RIGHT and left <= right)):
            breaks[a] = None
        elif right is not None:
            breaks[b] = None


def _visible(line: str) -> int:
    """Characters of a line that are not spaces or punctuation."""
    return sum(1 for c in line if not c.isspace() and unicodedata.category(c)[0] not in "PZ")


def _split_wide(piece: str, width: float, measure: Measure) -> list[str]:
    """Cut a piece wider than the line between characters, never before a closing or after
    an opening mark, and never leaving one character alone at the end."""
    parts: list[str] = []
    rest = piece
    while rest and measure(rest.rstrip()) > width:
        k = len(rest) - 1
        while k > 1 and measure(rest[:k].rstrip()) > width:
            k -= 1
        while k > 1 and (rest[k] in NO_START or rest[k - 1] in NO_END):
            k -= 1
        parts.append(rest[:k])
        rest = rest[k:]
    if rest:
        parts.append(rest)
    if len(parts) >= 2 and _visible(parts[-1]) == 1 and len(parts[-2]) > 2:
        parts[-2], parts[-1] = parts[-2][:-1], parts[-2][-1] + parts[-1]
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
            out.append("".join(line).strip())
    return out


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
    """``line`` cut to end in "…" within ``width``."""
    text = line.rstrip()
    while text and measure(text + "…") > width:
        text = text[:-1].rstrip()
    return text + "…"
