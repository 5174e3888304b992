"""Text that fits a box: shrink to the floor, then wrap to more lines, then cut (#13 §3).

One algorithm, Qt-free, for the show and for ``kiosk check``: the show measures with Qt
(kiosk/qt/text.py), the check with the bundled fonts' own metrics read by fontTools
(:func:`font_measure`), and both break lines with kiosk/core/linebreak.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core import linebreak
from kiosk.core.glyphs import LATIN, SIMPLIFIED, TRADITIONAL, font_files
from kiosk.core.layout import FLOOR_SMALL

MeasureAt = Callable[[float], linebreak.Measure]  # a size in px -> measure(str) -> width
SHRINK = 0.92  # each step of shrink-to-fit


@dataclass(frozen=True)
class Fitted:
    """How a text is set in its box: its size, its lines, and whether it had to be cut."""

    px: float
    lines: tuple[str, ...]
    line_height: float
    needed: int  # lines the whole text takes at px
    room: int  # lines the box holds at px
    clipped: bool  # the text did not fit even at its floor: the last line ends in "…"

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height


def floor_of(px: float, min_px: float) -> tuple[float, float]:
    """(start size, floor): nothing is set below FLOOR_SMALL, nor below ``min_px``."""
    floor = max(min_px, FLOOR_SMALL)
    return max(px, floor), floor


def fit_text(text: str, width: float, height: float, px: float, *, measure_at: MeasureAt,
             spacing: Callable[[float], float], min_px: float = FLOOR_SMALL,
             max_lines: int = 3, wrap: bool = True, lang: str = "zh", balance: bool = True,
             separator: str | None = None, keep_phrases: bool = True) -> Fitted:
    """Set ``text`` in a ``width`` x ``height`` box, starting at ``px``.

    Above the floor the text shrinks (by 8% a step) until it fits in ``max_lines`` lines (or
    its own lines, ``wrap=False``) within the box. At the floor it no longer shrinks: it wraps
    onto as many lines as the box's height holds (at least ``max_lines``), and only when
    even those are too few is the last one cut with "…" (``clipped``). ``separator``: break
    only between the phrases it parts (a title's " · ") unless a phrase alone is too wide.
    ``keep_phrases``: with a separator, shrink before a phrase is broken (a title slide's
    name); False: a phrase too wide breaks between its words at the same size, and the text
    shrinks only when ``max_lines`` lines do not hold it (a slide's heading keeps one size
    across the show, taking a second line as an exhibition designer would).
    """
    size, floor = floor_of(px, min_px)
    whole = text
    while True:
        final = size <= floor
        if final:
            size = floor
        measure = measure_at(size)
        line_h = spacing(size)
        room = math.floor((height + 0.5) / line_h) if line_h > 0 else max_lines
        text = _enough(whole, width, max(max_lines, room), measure, lang)
        if text is not whole and not final:  # more lines than the box holds: smaller
            size *= SHRINK
            continue
        most = None if keep_phrases else max(max_lines, math.floor((height + 0.5) / line_h)
                                              if final and line_h > 0 else max_lines)
        lines = _lines(text, width, measure, lang, wrap and not final, separator, wrap,
                       keep_phrases, most)
        fits_width = all(measure(line) <= width + 0.5 for line in lines)
        if not final:
            if (fits_width and len(lines) * line_h <= height + 0.5
                    and (not wrap or len(lines) <= max_lines)):
                return _final(text, width, measure, lang, wrap, separator, balance, size, line_h,
                              height, max_lines, lines, most)
            size *= SHRINK
            continue
        fitted = _final(text, width, measure, lang, True, separator,
                        balance and text is whole,  # a text cut short: its lines full, as read
                        size, line_h, height, max_lines, lines if fits_width else None, most)
        if text is not whole:  # as many lines as the shown part takes, pro rata
            share = math.ceil(fitted.needed * len(whole) / len(text))
            fitted = dataclasses.replace(fitted, needed=max(fitted.needed, share))
        return fitted


# A text far longer than its box is laid out only as far as the box can show: a line holds
# at most width / (the text's narrowest advance) characters but for zero-width ones, and the
# part laid out must take SPARE lines more than the box holds, so that its end (cut mid-word)
# never changes the lines shown nor the one the "…" cuts. Parts are 2^k x PART characters
# long, the same at every size, so each is broken into pieces (BudouX) once.
SPARE = 3
PART = 256


def _enough(text: str, width: float, lines: int, measure: linebreak.Measure,
            lang: str) -> str:
    """``text``, or when it is far longer than ``lines`` lines of ``width`` can show, its
    beginning that already takes ``lines + SPARE`` lines: the rest is never drawn, and laying
    it out would cost seconds (10,000 characters) on the show's thread."""
    if len(text) <= PART:
        return text
    narrowest = min((w for c in set(text[:4 * PART]) if (w := measure(c)) > 0), default=0.0)
    need = (lines + SPARE) * (width / narrowest + 1) if narrowest > 0 else len(text)
    cap = PART
    while cap < need:
        cap *= 2
    while cap < len(text):  # more characters than guessed (zero-width marks): twice as many
        part = text[:cap]
        if len(linebreak.break_lines(part, width, measure, lang)) >= lines + SPARE:
            return part
        cap *= 2
    return text


def _lines(text: str, width: float, measure: linebreak.Measure, lang: str, strict: bool,
           separator: str | None, wrap: bool, keep_phrases: bool = True,
           most: int | None = None) -> list[str]:
    """Lines for a size test; ``strict``: a line that needs a word cut counts as too wide."""
    if not wrap:
        return text.split("\n")
    if strict:  # a word (or with a separator, a phrase) too wide: shrink before cutting it
        pieces = (text.replace("\n", separator).split(separator) if separator and keep_phrases
                  else [c for paragraph in text.split("\n")
                        for phrase in (paragraph.split(separator) if separator else [paragraph])
                        for c in linebreak.chunks(phrase.strip(), lang)])
        if any(measure(piece.strip()) > width + 0.5 for piece in pieces):
            return [text]
    if separator:
        return _phrases(text, width, measure, separator, lang, False, most)
    return linebreak.break_lines(text, width, measure, lang)


def _phrases(text: str, width: float, measure: linebreak.Measure, separator: str, lang: str,
             balance: bool, most: int | None) -> list[str]:
    """Lines broken between phrases first; when that takes more than ``most`` lines and
    breaking between words takes fewer, between words ("2023 · The" / "'Doubling Park
    Investment'" / "programme" rather than a smaller size)."""
    lines = linebreak.break_phrases(text, width, measure, separator, lang, balance)
    if most is not None and len(lines) > most:
        words = linebreak.break_lines(text, width, measure, lang, balance)
        if len(words) < len(lines):
            return words
    return lines


def _final(text: str, width: float, measure: linebreak.Measure, lang: str, wrap: bool,
           separator: str | None, balance: bool, size: float, line_h: float, height: float,
           max_lines: int, lines: list[str] | None, most: int | None = None) -> Fitted:
    if lines is None or (wrap and balance and len(lines) >= 2):
        if separator:
            lines = _phrases(text, width, measure, separator, lang, balance, most)
        else:
            lines = linebreak.break_lines(text, width, measure, lang, balance)
    room = max(1, math.floor((height + 0.5) / line_h)) if line_h > 0 else max_lines
    needed = len(lines)
    if needed <= room:
        return Fitted(size, tuple(lines), line_h, needed, room, False)
    kept = lines[:room]
    kept[-1] = linebreak.ellipsize(" ".join([kept[-1], lines[room]]), width, measure)
    return Fitted(size, tuple(kept), line_h, needed, room, True)


# ---------------------------------------------------------------- fontTools measures


@dataclass(frozen=True)
class _Face:
    upm: int
    advances: dict[str, int]  # character -> advance (font units)
    kerning: dict[tuple[str, str], int]  # pairs of characters -> adjustment (font units)
    ascent: int  # hhea, font units
    descent: int  # hhea, font units (positive)
    gap: int


KERNED_BELOW = 0x3000  # kerning is read for Latin, Greek, Cyrillic…; CJK is set solid


@functools.cache
def _face(family: str, bold: bool) -> _Face:
    from fontTools.ttLib import TTFont  # only `kiosk check` measures this way

    with TTFont(str(font_files(family)[1 if bold else 0]), lazy=True) as font:
        cmap = font.getBestCmap()
        hmtx = font["hmtx"]
        hhea = font["hhea"]
        advances = {chr(code): hmtx[name][0] for code, name in cmap.items()}
        chars: dict[str, list[str]] = {}
        for code, name in cmap.items():
            if code < KERNED_BELOW:
                chars.setdefault(name, []).append(chr(code))
        kerning = _kerning(font, chars) if "GPOS" in font else {}
        return _Face(font["head"].unitsPerEm, advances, kerning, hhea.ascent, -hhea.descent,
                     hhea.lineGap)


def _kerning(font: object, chars: dict[str, list[str]]) -> dict[tuple[str, str], int]:
    """Pair adjustments of the 'kern' feature (PairPos formats 1 and 2) between the
    characters of ``chars`` (glyph name -> characters), as Qt applies them."""
    table = font["GPOS"].table  # type: ignore[index]
    indices = {i for record in table.FeatureList.FeatureRecord
               if record.FeatureTag == "kern" for i in record.Feature.LookupListIndex}
    glyph_pairs: dict[tuple[str, str], int] = {}
    for index in sorted(indices):
        for sub in table.LookupList.Lookup[index].SubTable:
            sub = getattr(sub, "ExtSubTable", sub)
            covered = [(k, g) for k, g in enumerate(sub.Coverage.glyphs) if g in chars]
            firsts = [g for _, g in covered]
            if sub.Format == 1:
                for k, first in covered:  # only these pair sets are read (lazily)
                    for record in sub.PairSet[k].PairValueRecord:
                        value = getattr(record.Value1, "XAdvance", 0) or 0
                        if value and record.SecondGlyph in chars:
                            glyph_pairs.setdefault((first, record.SecondGlyph), value)
            elif sub.Format == 2:
                class1, class2 = dict(sub.ClassDef1.classDefs), dict(sub.ClassDef2.classDefs)
                seconds: dict[int, list[str]] = {}
                for name in chars:
                    seconds.setdefault(class2.get(name, 0), []).append(name)
                for first in firsts:
                    row = sub.Class1Record[class1.get(first, 0)].Class2Record
                    for c2, names in seconds.items():
                        record = row[c2]
                        value = (getattr(record.Value1, "XAdvance", 0) or 0
                                 if record.Value1 else 0)
                        for second in names if value else ():
                            glyph_pairs.setdefault((first, second), value)
    return {(a, b): value for (first, second), value in glyph_pairs.items()
            for a in chars[first] for b in chars[second]}


def families_for(lang: str) -> tuple[str, ...]:
    """The order in which the show's font takes glyphs (kiosk/qt/fonts.py families())."""
    if lang == "zh-Hant":
        return (TRADITIONAL, SIMPLIFIED, LATIN)
    return (SIMPLIFIED, LATIN)


@functools.lru_cache(maxsize=256)
def font_measure(px: float, bold: bool = False,
                 families: tuple[str, ...] = (SIMPLIFIED, LATIN)) -> linebreak.Measure:
    """``measure(str) -> width`` in px of the bundled fonts at ``px`` (rounded as the show
    rounds a font's pixel size), with their kerning: within 0.5% of what Qt measures."""
    first = _face(families[0], bold)
    scale = max(1, round(px)) / first.upm
    widths: dict[str, float] = {}
    owner: dict[str, int] = {}
    faces: list[_Face] = [first]

    def face(k: int) -> _Face:  # the fallback families are read when a character needs them
        while len(faces) <= k:
            faces.append(_face(families[len(faces)], bold))
        return faces[k]

    def width(char: str) -> float:
        k = next((k for k in range(len(families)) if char in face(k).advances), 0)
        owner[char] = k
        widths[char] = faces[k].advances.get(char, faces[k].upm) * scale
        return widths[char]

    @functools.lru_cache(maxsize=8192)
    def measure(text: str) -> float:
        total = sum(widths.get(c) or width(c) for c in text)
        for a, b in itertools.pairwise(text):
            if a < "\u3000" and b < "\u3000" and owner[a] == owner[b]:
                total += faces[owner[a]].kerning.get((a, b), 0) * scale
        return total

    return measure


def font_spacing(px: float, bold: bool = False) -> float:
    """The line spacing of the bundled fonts at ``px`` (the Simplified family's), as FreeType
    gives it to Qt: ascent and descent each truncated to 1/64 px."""
    face = _face(SIMPLIFIED, bold)
    size = max(1, round(px))
    return sum((units * size * 64) // face.upm for units in (face.ascent, face.descent,
                                                             face.gap)) / 64
