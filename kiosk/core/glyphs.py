"""Which characters of a deck no bundled font can draw (#14): read from the fonts' own cmaps.

A character that none of the bundled fonts has shows as a box on a machine without a system
font for it (a hall's PC has none for CJK). ``kiosk check`` warns about each, at the line of
the text that holds it. Qt-free: the character maps are read with fontTools, once per process.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import resources

# No pydantic at import: kiosk.qt.fonts takes the file names from here before the launch
# image is up, and the deck model costs a third of a second of start-up.
if TYPE_CHECKING:
    from kiosk.core.deck import Deck
    from kiosk.core.loader import LoadResult
    from kiosk.core.problems import Problem

PathKey = tuple[str | int, ...]
# The bundled families (assets/fonts/README.md). The show always loads the Simplified pair;
# the Traditional pair only for a deck that lists zh-Hant, and lists it first for zh-Hant
# text, with the Simplified pair behind it for what the two draw alike. The Latin pair
# (Source Sans 3, the design of Noto Sans CJK's Latin) is always loaded and always last: it
# draws only the Latin-1 / Latin Extended-A letters the CJK faces lack (Ł Č Ś Ž İ ő …).
SIMPLIFIED = "Noto Sans SC Kiosk"
TRADITIONAL = "Noto Sans HK Kiosk"
LATIN = "Kiosk Sans Latin"
FILES: dict[str, tuple[str, str]] = {
    SIMPLIFIED: ("NotoSansSC-Kiosk-Regular.otf", "NotoSansSC-Kiosk-Bold.otf"),
    TRADITIONAL: ("NotoSansHK-Kiosk-Regular.otf", "NotoSansHK-Kiosk-Bold.otf"),
    LATIN: ("KioskSansLatin-Regular.otf", "KioskSansLatin-Bold.otf"),
}
# Fields that hold text for the program, not for visitors (paths, addresses, names of feeds).
NOT_SHOWN = frozenset({"notes", "image", "path", "url", "field", "source", "color", "timezone",
                       "exit_pin", "exit_chord", "headers", "type", "kind", "mode", "format",
                       "zh_hant_conversion", "languages", "language"})
# Drawn as nothing, never as a box: spaces, line breaks, joiners, variation selectors.
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def families(traditional: bool) -> tuple[str, ...]:
    """The bundled families a show loads: the Traditional pair only when the deck has zh-Hant."""
    return (SIMPLIFIED, TRADITIONAL, LATIN) if traditional else (SIMPLIFIED, LATIN)


def font_files(family: str) -> tuple[Path, ...]:
    return tuple(resources.asset("fonts", name) for name in FILES[family])


@functools.cache
def cmap(family: str) -> frozenset[int]:
    """Every code point ``family`` draws (its Regular file; the Bold file has the same set)."""
    from fontTools.ttLib import TTFont  # only `kiosk check` pays for it (0.1 s)

    with TTFont(str(font_files(family)[0]), lazy=True) as font:
        return frozenset(font.getBestCmap())


def coverage(traditional: bool) -> frozenset[int]:
    """The code points the bundled fonts that a show loads can draw between them."""
    return frozenset().union(*(cmap(f) for f in families(traditional)))


def invisible(char: str) -> bool:
    """True for characters drawn as nothing: whitespace, controls, joiners, selectors."""
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors (Mn)
        return True
    return char.isspace() or unicodedata.category(char) in _INVISIBLE


def missing(text: str, covered: frozenset[int]) -> list[str]:
    """The distinct characters of ``text`` (in order) that ``covered`` lacks. Composed first:
    e + U+0301 is drawn as the font's é."""
    seen: dict[str, None] = {}
    for char in unicodedata.normalize("NFC", text):
        if ord(char) not in covered and not invisible(char):
            seen.setdefault(char)
    return list(seen)


def describe(chars: Iterable[str]) -> str:
    """``𠮷 (U+20BB7), 😀 (U+1F600)``"""
    return ", ".join(f"{c} (U+{ord(c):04X})" for c in chars)


def shown_texts(deck: Deck, languages: Iterable[str] = ()) -> Iterator[tuple[PathKey, str]]:
    """Every string of ``deck`` that reaches the screen, with its path as the YAML names it:
    each text in every language the deck shows (or in ``languages``; zh-Hant as converted,
    when it has been), and the plain strings drawn as they are (units, prefixes, changes,
    chart categories)."""
    langs = tuple(languages) or deck.languages
    for path, text in deck.texts():
        seen: dict[str, None] = {}
        for lang in langs:
            seen.setdefault(text.for_lang(lang))
        for entry in seen:
            yield path, entry
    yield from plain_strings(deck)


def plain_strings(node: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """The plain strings under ``node`` that are drawn as they are (not Texts), with paths."""
    from kiosk.core.deck import walk_leaves

    for where, leaf in walk_leaves(node, path, NOT_SHOWN):
        if isinstance(leaf, str):
            yield where, leaf


def glyph_problems(result: LoadResult) -> list[Problem]:
    """One problem per text with characters no loaded bundled font draws, at its line:
    ``deck.yaml:7: slides[0].subtitle: no bundled glyph for 𠮷 (U+20BB7), …``."""
    deck = result.deck
    if deck is None:
        return []
    if "zh-Hant" in deck.languages:
        from kiosk.core.chinese import derive_traditional

        derive_traditional(deck)  # check the Traditional forms the show will draw
    traditional = "zh-Hant" in deck.languages
    covered = coverage(traditional)
    by_path: dict[PathKey, dict[str, None]] = {}
    for path, text in shown_texts(deck):
        for char in missing(text, covered):
            by_path.setdefault(path, {}).setdefault(char)
    found = [result.problem_at(path, _message(list(chars), traditional))
             for path, chars in by_path.items()]
    order = {file: i for i, file in enumerate(result.files)}
    return sorted(found, key=lambda p: (order.get(p.file, len(order)), p.line))


def _message(chars: list[str], traditional: bool) -> str:
    text = (f"no bundled glyph for {describe(chars)}; these show as boxes where the system has "
            "no such font")
    if not traditional and all(ord(c) in cmap(TRADITIONAL) for c in chars):
        text += ("; the bundled Traditional font has them: list zh-Hant in the deck's "
                 "languages to load it")
    return text
