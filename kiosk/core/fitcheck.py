"""``kiosk check``: texts too long for their slide even at the legibility floor (#13 §3).

The show never shrinks text below the floor: it wraps it, and when the lines run out it cuts
the last one with "…". This check sets each heading, caption, title-slide line and source
line as the show would (kiosk/core/fit with the bundled fonts' metrics, the boxes of
kiosk/core/layout), in every language the deck shows, and warns at the text's line:

    deck.yaml:41: slides[3].caption.en: too long for the slide at 1920x1080 (en screen):
    needs 6 lines at 52 px, room for 4; shorten it

(the language of the screen: an English line is also shown, smaller, under the Chinese). One
warning per text, for the first canvas and language where it does not fit.

It checks the deck's canvas and the same canvas turned, which a screen of the other shape
shows (a landscape deck on a portrait screen is laid out on 1080x1920).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.core import layout
from kiosk.core.fit import Fitted, families_for, fit_text, font_measure, font_spacing

if TYPE_CHECKING:
    from kiosk.core.deck import AnySlide, Deck
    from kiosk.core.loader import LoadResult
    from kiosk.core.problems import Problem
    from kiosk.core.values import Text

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Box:
    """A text's box on a slide: where it is in the deck, and how the view sets it."""

    path: PathKey
    text: str
    width: float
    px: float
    min_px: float
    lines: int  # its box is as tall as this many lines at ``px`` (the view's box)
    bold: bool = False
    max_lines: int = 1  # lines before it shrinks
    separator: str | None = None
    keep_phrases: bool = True


def fit_problems(result: LoadResult) -> list[Problem]:
    """One warning per text (and language, and canvas) that the show would have to cut."""
    deck = result.deck
    if deck is None:
        return []
    if "zh-Hant" in deck.languages:
        from kiosk.core.chinese import derive_traditional

        derive_traditional(deck)  # measure the Traditional text the show draws
    found: dict[tuple[PathKey, str], Problem] = {}
    w, h = deck.canvas
    for canvas in dict.fromkeys([(w, h), (h, w)]):
        for lang in deck.languages:
            for box in boxes(deck, lang, *canvas):
                fitted = set_box(box, lang, deck)
                key = (box.path, box.text)
                if fitted.clipped and key not in found:
                    found[key] = result.problem_at(box.path, message(fitted, canvas, lang,
                                                                     deck))
            for index, needed, room in tall_title_slides(deck, lang, *canvas):
                key = (("slides", index), "")  # once per slide
                if key not in found:
                    which = f" ({lang} screen)" if len(deck.languages) > 1 else ""
                    found[key] = result.problem_at(key[0], (
                        f"title slide too tall for the slide at {canvas[0]}x{canvas[1]}{which}"
                        f": its lines need {needed:.0f} px at their smallest, room for "
                        f"{room:.0f}; shorten the subtitle"))
    order = {file: i for i, file in enumerate(result.files)}
    return sorted(found.values(), key=lambda p: (order.get(p.file, len(order)), p.line))


def message(fitted: Fitted, canvas: tuple[int, int], lang: str, deck: Deck) -> str:
    which = f" ({lang} screen)" if len(deck.languages) > 1 else ""
    return (f"too long for the slide at {canvas[0]}x{canvas[1]}{which}: needs "
            f"{fitted.needed} lines at {fitted.px:g} px, room for {fitted.room}; shorten it")


def set_box(box: Box, lang: str, deck: Deck) -> Fitted:
    """``box`` set as the show sets it, measured with the fonts the show uses for ``lang``."""
    fonts = families_for(lang)
    if lang != "zh-Hant" and "zh-Hant" in deck.languages:
        fonts = (fonts[0], *families_for("zh-Hant")[:1], *fonts[1:])
    return fit_text(box.text, box.width, box.lines * font_spacing(box.px, box.bold), box.px,
                    measure_at=lambda px: font_measure(px, box.bold, fonts),
                    spacing=lambda px: font_spacing(px, box.bold), min_px=box.min_px,
                    max_lines=box.max_lines, lang=lang, separator=box.separator,
                    keep_phrases=box.keep_phrases)


def boxes(deck: Deck, lang: str, w: float, h: float) -> Iterator[Box]:
    """Every text box of the deck's enabled slides on a ``w`` x ``h`` canvas in ``lang``."""
    for index, slide in enumerate(deck.slides):
        if not slide.enabled:
            continue
        at: PathKey = ("slides", index)
        if slide.type == "title":
            yield from _title_slide(deck, slide, at, lang, w, h)
        elif slide.title is not None:
            yield from _texts(deck, slide.title, (*at, "title"), lang, layout.heading_width(w),
                              (layout.TITLE_PX, layout.TITLE_MIN_PX,
                               layout.lines_for(layout.TITLE_LINES, w, h), True),
                              (layout.HEADING_SUB_PX, layout.HEADING_SUB_PX,
                               layout.lines_for(layout.HEADING_SUB_LINES, w, h), False),
                              heading=True)
        if slide.type == "photo" and slide.caption is not None:
            yield from _texts(deck, slide.caption, (*at, "caption"), lang,
                              layout.caption_width(w),
                              (layout.CAPTION_PX, layout.CAPTION_PX, layout.CAPTION_LINES, True),
                              (layout.CAPTION_SECOND_PX, layout.CAPTION_SECOND_PX,
                               layout.CAPTION_SECOND_LINES, False))
        note = deck.source_note_of(slide)
        if note is not None:
            where = (*at, "source_note") if slide.source_note is not None else (
                "defaults", "source_note")
            text = note.for_lang(lang)
            if text:
                yield Box(_entry(where, note, lang), text, layout.source_width(w, h),
                          layout.SOURCE_PX, layout.SOURCE_PX,
                          layout.lines_for(layout.SOURCE_LINES, w, h))


def tall_title_slides(deck: Deck, lang: str, w: float, h: float
                      ) -> Iterator[tuple[int, float, float]]:
    """(slide index, height needed, height there is) of each title slide whose lines, all at
    their floors (the smallest the view sets them), are taller than the slide leaves them:
    the space between the margin and the source line."""
    for index, slide in enumerate(deck.slides):
        if not slide.enabled or slide.type != "title":
            continue
        at: PathKey = ("slides", index)
        needed = float(layout.TITLE_RULE_H)
        for box in _title_slide(deck, slide, at, lang, w, h):
            smallest = Box(box.path, box.text, box.width, box.min_px, box.min_px, box.lines,
                           box.bold, box.max_lines, box.separator)
            fitted = set_box(smallest, lang, deck)
            needed += fitted.height + fitted.px * layout.TITLE_BLOCK_GAP
        room = _source_top(deck, slide, lang, w, h) - layout.SOURCE_GAP - layout.MARGIN
        if needed > room + 0.5:
            yield index, needed, room


def _source_top(deck: Deck, slide: AnySlide, lang: str, w: float, h: float) -> float:
    """Where the source line starts, as SlideView.source_top places it."""
    bottom = layout.source_bottom(w, h)
    note = deck.source_note_of(slide)
    text = note.for_lang(lang) if note is not None else ""
    if not text:
        return bottom
    fitted = set_box(Box((), text, layout.source_width(w, h), layout.SOURCE_PX,
                         layout.SOURCE_PX, layout.lines_for(layout.SOURCE_LINES, w, h)),
                     lang, deck)
    return bottom - fitted.height


def _entry(path: PathKey, text: Text, lang: str) -> PathKey:
    """The path of the entry the screen shows for ``lang`` ({zh, en}: its own line; the
    Traditional converted from zh: the zh line)."""
    if not text.bilingual:
        return path
    source = text.source(lang) or lang
    return (*path, "zh" if source == "zh-Hant" and not text.zh_hant else source)


def _texts(deck: Deck, text: Text, path: PathKey, lang: str, width: float,
           first: tuple[float, float, int, bool], second: tuple[float, float, int, bool],
           heading: bool = False) -> Iterator[Box]:
    """The primary line of ``text`` and its partner language's line, if shown. ``heading``:
    set as SlideView.paint_heading sets a slide's title: the title takes its lines before it
    shrinks, both lines break between their " · " phrases first."""
    primary = text.for_lang(lang)
    px, floor, lines, bold = first
    sep = layout.HEADING_SEPARATOR if heading else None
    if primary:
        yield Box(_entry(path, text, lang), primary, width, px, floor, lines, bold,
                  max_lines=lines if heading else 1, separator=sep, keep_phrases=not heading)
    partner = deck.partner(lang)
    own = text.own(partner)
    if own and own != primary:
        px, floor, lines, bold = second
        yield Box(_entry(path, text, partner), own, width, px, floor, lines, bold,
                  separator=sep)


def _title_slide(deck: Deck, slide: AnySlide, at: PathKey, lang: str, w: float, h: float
                 ) -> Iterator[Box]:
    """A title slide's lines as the view sets each (kiosk.core.layout.title_slide_blocks);
    the name bold, everything broken between its " · " phrases first."""
    kicker, name, name_second, _, subtitle, subtitle_second = layout.title_slide_blocks(w, h)
    specs = {"kicker": (kicker, layout.KICKER_SECOND), "title": (name, name_second),
             "subtitle": (subtitle, subtitle_second)}
    for field, (first, second) in specs.items():
        text = getattr(slide, field, None)
        if text is None:
            continue
        for k, (path, entry) in enumerate(_entries(deck, text, (*at, field), lang)):
            px, floor, lines = first if k == 0 else second
            yield Box(path, entry, layout.content_width(w), px, floor, lines,
                      bold=field == "title" and k == 0, max_lines=lines, separator=" · ")


def _entries(deck: Deck, text: Text, path: PathKey, lang: str) -> Iterator[tuple[PathKey, str]]:
    primary = text.for_lang(lang)
    if primary:
        yield _entry(path, text, lang), primary
    partner = deck.partner(lang)
    own = text.own(partner)
    if own and own != primary:
        yield _entry(path, text, partner), own
