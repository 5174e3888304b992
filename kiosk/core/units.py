"""How a figure reads in each language: Chinese units in English and Portuguese. Qt-free.

A deck writes a figure the way the article does: ``92.64`` with the unit ``亿元``. A Chinese
screen shows it so. An English screen must not (#13 §2): 92.64亿元 is "RMB 9.26 bn" and
432万平方米 is "4.32 million m²", worked out here from the value and the unit, never typed
twice by hand. Portuguese (Macau) is done properly too, with its decimal comma and long
scale: "RMB 9,26 mil milhões", "4,32 milhões de m²".

A :class:`Reading` is what the slide draws: fixed text before the number ("RMB", "up to"),
the number itself (formatted by :meth:`Reading.number`, so it can count up), and fixed text
after it ("bn", "million m²", "%"). An explicit ``{zh, en}`` unit or prefix in the deck wins.

An amount is one phrase: "RMB 10 bn" and "4.32 million m²" never break across lines (4.32
alone is not the area; the curator's review of #13). Only the words that qualify it ("at
least", 最高) may stand on a line of their own (``Reading.lead``), and a count's noun
("flights") may go under its number (``Reading.splits``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from kiosk.core.numbers import format_number, magnitude
from kiosk.core.values import Text

CHINESE = ("zh", "zh-Hant")
NBSP = "\u00a0"  # a space that never breaks a number from its unit


@dataclass(frozen=True)
class Unit:
    """One Chinese unit's forms: the noun after the number, plural and singular.

    ``kind`` says how it reads: ``money`` puts the currency before the number, ``measure``
    and ``count`` put the noun after it; a count's noun is left out when the label on screen
    already names what is counted (``said_by``), as a Chinese measure word (家, 个) has no
    English of its own: "41" over "New 'little giant' SMEs", not "41 companies" twice."""

    kind: str  # money | measure | count | percent | times
    en: str = ""
    en_one: str = ""
    pt: str = ""
    pt_one: str = ""
    said_by: tuple[str, ...] = ()  # words in a label that already say it, lower case

    def noun(self, lang: str, one: bool) -> str:
        if lang == "pt":
            return self.pt_one if one and self.pt_one else self.pt
        return self.en_one if one and self.en_one else self.en


_COMPANIES = ("compan", "firm", "enterprise", "sme", "business", "empresa")
_AIRCRAFT = ("aircraft", "drone", "plane", "uav", "aeronave", "avião", "aviões")
_PEOPLE = ("people", "person", "resident", "visitor", "worker", "staff", "pessoa")

# The table of #13 §2. Keys are the unit without its magnitude (万, 亿): 亿元 is 亿 + 元.
UNITS: dict[str, Unit] = {
    "元": Unit("money", "RMB", pt="RMB"),
    "人民币": Unit("money", "RMB", pt="RMB"),
    "美元": Unit("money", "US$", pt="USD"),
    "平方米": Unit("measure", "m²", pt="m²"),
    "平方公里": Unit("measure", "km²", pt="km²"),
    "公里": Unit("measure", "km", pt="km"),
    "吨": Unit("measure", "tonnes", "tonne", "toneladas", "tonelada"),
    "千瓦": Unit("measure", "kW", pt="kW"),
    "家": Unit("count", "companies", "company", "empresas", "empresa", _COMPANIES),
    "个": Unit("count"),  # the general measure word: the label names what is counted
    "项": Unit("count"),
    "次": Unit("count"),
    "架": Unit("count", "aircraft", "aircraft", "aeronaves", "aeronave", _AIRCRAFT),
    "架次": Unit("count", "flights", "flight", "voos", "voo", ("flight", "sortie", "voo")),
    "人": Unit("count", "people", "person", "pessoas", "pessoa", _PEOPLE),
    "名": Unit("count", "people", "person", "pessoas", "pessoa", _PEOPLE),
    "%": Unit("percent", "%", pt="%"),
    "倍": Unit("times", "times", "time", "vezes", "vez"),
}

# 次/分钟: a rate. The part after the slash, per language.
PER: dict[str, tuple[str, str]] = {
    "秒": ("per s", "por segundo"),
    "分钟": ("per min", "por minuto"),
    "分": ("per min", "por minuto"),
    "小时": ("per hour", "por hora"),
    "天": ("per day", "por dia"),
    "日": ("per day", "por dia"),
    "月": ("per month", "por mês"),
    "年": ("per year", "por ano"),
}
_PER_SAID = {"per s": ("per second",), "per min": ("per minute", "a minute", "/min"),
             "per hour": ("an hour", "/h"), "per day": ("a day", "daily"),
             "per month": ("a month", "monthly"), "per year": ("a year", "annual")}

# Magnitudes a unit may start with, longest first (万亿 before 万).
MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("万亿", 1e12), ("千万", 1e7), ("百万", 1e6), ("亿", 1e8), ("万", 1e4), ("千", 1e3))

# Words before the number.
PREFIXES: dict[str, tuple[str, str]] = {
    "最高": ("up to", "até"),
    "最多": ("up to", "até"),
    "不少于": ("at least", "pelo menos"),
    "不低于": ("at least", "pelo menos"),
    "至少": ("at least", "pelo menos"),
    "超过": ("over", "mais de"),
    "逾": ("over", "mais de"),
    "近": ("nearly", "quase"),
    "约": ("about", "cerca de"),
    "达": ("", ""),
}
ORDINAL = "第"  # 第5名: fifth
_RANK_UNITS = ("名", "位", "")

# Large numbers in words: (size, English, English for money, Portuguese, Portuguese for 1)
_SCALES: tuple[tuple[float, str, str, str, str], ...] = (
    (1e12, "trillion", "tn", "biliões", "bilião"),
    (1e9, "billion", "bn", "mil milhões", "mil milhões"),
    (1e6, "million", "million", "milhões", "milhão"),
)


@dataclass(frozen=True)
class Reading:
    """A figure as drawn in one language: ``before`` NUMBER ``after``.

    The number is ``value / divisor`` with ``decimals``, then ``suffix`` glued to it
    (Chinese 万 and 亿, English ordinals). ``before`` and ``after`` never change while the
    number counts up. ``counts``: False for a rank, which does not count up from 0."""

    before: str = ""
    after: str = ""
    divisor: float = 1.0
    decimals: int = 0
    suffix: str = ""
    lang: str = "zh"
    counts: bool = True
    strip: bool = False  # Chinese 万/亿: up to 2 decimals, trailing zeros dropped
    ordinal: bool = False
    lead: str = ""  # the start of ``before`` that qualifies the amount ("at least", 最高)
    splits: bool = False  # ``after`` is a count's noun ("flights"), not part of an amount

    @property
    def amount_before(self) -> str:
        """The words before the number that belong to the amount ("RMB" of "at least
        RMB"): they stay beside the number when the lead goes on a line of its own."""
        return self.before[len(self.lead):].strip() if self.lead else self.before

    def number(self, value: float) -> str:
        """The number as drawn for ``value`` (during a count-up too)."""
        if not math.isfinite(value):
            return "—"
        if self.lang in CHINESE:
            return format_number(value, self.decimals, (self.divisor, self.suffix))
        shown = value / self.divisor
        if self.ordinal and float(shown).is_integer() and shown >= 1:
            whole = int(shown)
            return f"{whole}{ordinal_suffix(whole, self.lang)}"
        if self.ordinal:  # not a rank (0, -3, 2.5): the number as it is, no 0th or -3rd
            digits = f"{shown:.6f}".rstrip("0").split(".")[1]
            return group(shown, len(digits), self.lang)
        return group(shown, self.decimals, self.lang) + self.suffix


def ordinal_suffix(n: int, lang: str) -> str:
    """1st 2nd 3rd 4th 11th 21st; Portuguese 1.º 5.º."""
    if lang == "pt":
        return ".º"
    if 10 <= abs(n) % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(abs(n) % 10, "th")


def group(value: float, decimals: int, lang: str) -> str:
    """``1975.5`` -> "1,975.5" (en) or "1975,5" (pt; 12 345,6 from five digits)."""
    text = f"{value:,.{max(0, decimals)}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # never "-0"
    if lang != "pt":
        return text
    whole, _, frac = text.partition(".")
    digits = whole.lstrip("-").replace(",", "")
    whole = whole.replace(",", NBSP) if len(digits) > 4 else whole.replace(",", "")
    return whole + ("," + frac if frac else "")


def split_magnitude(unit_zh: str) -> tuple[float, str]:
    """亿元 -> (1e8, "元"); 万平方米 -> (1e4, "平方米"); 家 -> (1, "家"). A unit in the table
    is never split (千瓦 is kilowatts, not a thousand 瓦)."""
    if unit_zh in UNITS:
        return 1.0, unit_zh
    for word, size in MAGNITUDES:
        if unit_zh.startswith(word):
            return size, unit_zh[len(word):]
    return 1.0, unit_zh


def known(unit_zh: str) -> bool:
    """True when an English and a Portuguese form of this Chinese unit can be worked out
    (a deck may still give one explicitly: ``{zh: …, en: …}``)."""
    if not unit_zh or not _has_cjk(unit_zh):
        return True
    if "/" in unit_zh:
        count, _, per = unit_zh.partition("/")
        return known(count) and per in PER
    size, base = split_magnitude(unit_zh)
    return base in UNITS or (base == "" and size != 1.0)


def reading(value: float, decimals: int, unit: Text | None = None, prefix: Text | None = None,
            lang: str = "zh", label: str = "") -> Reading:
    """How ``value`` with ``unit`` and ``prefix`` reads in ``lang``, beside ``label``.

    Chinese: as written (92.64 亿元; 4320000 平方米 -> 432万 平方米). English and Portuguese:
    worked out from the table, unless the deck gives the unit or prefix in that language.
    ``label`` is the label as shown; a count's noun it already says is left out."""
    unit_zh = _zh(unit)
    prefix_zh = _zh(prefix)
    rank = prefix_zh == ORDINAL and split_magnitude(unit_zh)[1] in _RANK_UNITS
    if lang in CHINESE:
        divisor, suffix = magnitude(value, unit_zh)
        words = prefix.for_lang(lang) if prefix else ""
        return Reading(words, unit.for_lang(lang) if unit else "", divisor, decimals, suffix,
                       lang, counts=not rank, strip=divisor != 1.0,
                       lead="" if rank else words,  # 第5名 is one word
                       splits=divisor == 1.0 and counted(unit_zh) and not rank)
    words = _prefix_words(prefix, prefix_zh, lang)
    if rank:
        return Reading(words, "", 1.0, 0, "", lang, counts=False, ordinal=True, lead=words)
    own = unit.own(lang) if unit else ""
    if own or not known(unit_zh):
        # the deck's own words (or a unit the table does not know, shown as written)
        after = own or (unit.for_lang(lang) if unit else "")
        return Reading(words, after, 1.0, decimals, "", lang, lead=words,
                       splits=known(unit_zh) and counted(unit_zh))
    return _worked_out(value, decimals, unit_zh, words, lang, label.lower())


def counted(unit_zh: str) -> bool:
    """The unit names things counted, with no magnitude (家, 架次; not 万人, 亿元, 平方米, %
    or a rate, 次/分钟): its words may go under the number without changing the amount."""
    if not unit_zh or "/" in unit_zh:
        return False
    size, base = split_magnitude(unit_zh)
    return size == 1.0 and base in UNITS and UNITS[base].kind == "count"


def _worked_out(value: float, decimals: int, unit_zh: str, before: str, lang: str,
                label: str) -> Reading:
    per = ""
    if "/" in unit_zh:
        unit_zh, _, per_zh = unit_zh.partition("/")
        en_per, pt_per = PER[per_zh]
        said = (en_per, pt_per, *_PER_SAID.get(en_per, ()))
        per = "" if any(word in label for word in said) else (pt_per if lang == "pt" else en_per)
    size, base = split_magnitude(unit_zh)
    unit = UNITS.get(base, Unit("count"))
    total = value * size
    divisor, scale = 1.0 / size, ""  # below a million: the whole number (50万元: 500,000)
    for bound, en, en_money, pt, pt_one in _SCALES:
        if abs(total) >= bound and unit.kind in ("money", "measure", "count"):
            divisor = bound / size
            shown = round(total / bound, 2)
            if lang == "pt":
                scale = pt_one if shown == 1 else pt
            else:
                scale = en_money if unit.kind == "money" else en
            break
    if unit.kind == "percent" or (size == 1.0 and divisor == 1.0):
        shown_decimals = decimals  # as written: 92.60 keeps its zero
    else:
        shown_decimals = _decimals(value / divisor, decimals + round(math.log10(divisor)))
    shown = round(value / divisor, shown_decimals)
    noun = unit.noun(lang, shown == 1 and not scale)
    if unit.kind == "count" and _says(label, unit.said_by):
        noun = ""
    if unit.kind == "money":
        words = [before, unit.noun(lang, False)]
        after = [scale]
    elif unit.kind == "percent":
        words, after = [before], [noun]
    else:
        words = [before]
        joiner = " de " if lang == "pt" and scale and noun else " "
        after = [joiner.join(w for w in (scale, noun) if w)]
    after.append(per)
    return Reading(" ".join(w for w in words if w), " ".join(w for w in after if w), divisor,
                   shown_decimals, "", lang, lead=before,
                   splits=counted(unit_zh) and not scale and not per)


def _says(label: str, words: tuple[str, ...]) -> bool:
    """True when a word of ``label`` starts with one of ``words`` ("SMEs" says "sme",
    "assessment" does not)."""
    return any(re.search(r"\b" + re.escape(word), label) for word in words)


def _decimals(shown: float, exact: int) -> int:
    """Fewest decimals (at most 2, at most ``exact``) that show ``shown`` as 2 would:
    10.0 -> 0, 15.5 -> 1, 9.264 -> 2."""
    cap = max(0, min(2, exact))
    if math.floor(round(shown, cap)) != math.floor(shown) and exact > cap:
        # rounding to 2 would carry into the next whole number (9999.99万平方米 read as
        # "100 million m²", 99.999亿元 as "RMB 10 bn"): a stated figure is never rounded up
        # to a rounder one; show it to its own last digit (99.9999 million m²)
        cap = min(exact, 6)
    target = round(shown, cap)
    for d in range(cap + 1):
        if round(shown, d) == target:
            return d
    return cap


def _prefix_words(prefix: Text | None, prefix_zh: str, lang: str) -> str:
    if prefix is None:
        return ""
    own = prefix.own(lang)
    if own:
        return own
    if prefix_zh == ORDINAL:
        return ""
    if prefix_zh in PREFIXES:
        en, pt = PREFIXES[prefix_zh]
        return pt if lang == "pt" else en
    return prefix.for_lang(lang)  # "≥", or words the table does not know, as written


def _zh(text: Text | None) -> str:
    if text is None:
        return ""
    return (text.zh or text.for_lang("zh")).strip()


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)
