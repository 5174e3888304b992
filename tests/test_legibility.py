"""No text on any slide of the demo deck is drawn below the legibility floor (#13 §3).

At the 1920x1080 design canvas: secondary lines (the partner language under a title, label,
caption or subtitle) at least 36 px; everything else, notes, source lines, credits, badges,
axis ticks, at least 28 px. A 65-inch 1080p screen has about 0.75 mm per pixel: smaller text
is readable only to about three metres. On other screens the floor scales with the slide.

What is drawn is observed, not what the code meant to draw: every QPainter.drawText call
(the slide views, badges, pyqtgraph's axes) with its font's size through the painter's
transform, and every text item of a chart's scene (pyqtgraph's TextItem and labels).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QGuiApplication, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsTextItem, QGraphicsView

from kiosk.core.layout import FLOOR_SECONDARY, FLOOR_SMALL
from kiosk.core.loader import load_deck

from .conftest import DEMO_DECK
from .render_util import demo_slide_layouts

SIZES = [(1920, 1080), (1080, 1920), (3840, 2160), (1280, 720)]
SECONDARY_FIELDS = ("title", "label", "caption", "subtitle")  # their partner line: >= 36


@dataclass(frozen=True)
class Drawn:
    slide: int  # 1-based, as exported
    text: str
    px: float  # device pixels


def _px(font: QFont, transform: QTransform) -> float:
    """A font's size in device pixels under ``transform`` (rotated text too)."""
    size = font.pixelSize()
    if size <= 0:  # set in points (pyqtgraph's HTML labels)
        size = font.pointSizeF() * QGuiApplication.primaryScreen().logicalDotsPerInchY() / 72
    return size * math.sqrt(abs(transform.determinant()))


def _scene_texts(view: object) -> list[tuple[str, float]]:
    """Text items of the charts a view holds: pyqtgraph draws these in C++, not drawText."""
    out = []
    for value in vars(view).values():
        if not isinstance(value, QGraphicsView) or value.scene() is None:
            continue
        for item in value.scene().items():
            if not isinstance(item, QGraphicsTextItem) or not item.isVisible():
                continue
            text = item.toPlainText().strip()
            if not text:
                continue
            transform = item.deviceTransform(value.viewportTransform())
            block = item.document().begin()
            sizes = []
            while block.isValid():
                it = block.begin()
                while not it.atEnd():
                    fragment = it.fragment()
                    if fragment.text().strip():
                        sizes.append(_px(fragment.charFormat().font(), transform))
                    it += 1
                block = block.next()
            out.append((text, min(sizes) if sizes else _px(item.font(), transform)))
    return out


def render_demo(lang: str, size: tuple[int, int]) -> tuple[list[Drawn], float, object]:
    """Every text the demo deck draws at ``size`` in ``lang``; the device scale; the deck."""
    from kiosk.qt.export import warm_feeds
    from kiosk.qt.fonts import load_fonts
    from kiosk.qt.stage import Stage

    deck = load_deck(DEMO_DECK).deck
    load_fonts(traditional="zh-Hant" in deck.languages)
    feeds = warm_feeds(deck)
    stage = Stage(deck, QSize(*size), lang=lang, animations=False, feeds=feeds)
    drawn: list[Drawn] = []
    current = [0]
    original = QPainter.drawText

    def record(painter: QPainter, *args: object) -> object:
        text = next((a for a in args if isinstance(a, str)), "")
        if text.strip():
            drawn.append(Drawn(current[0], text, _px(painter.font(), painter.worldTransform())))
        return original(painter, *args)

    QPainter.drawText = record  # type: ignore[method-assign]
    try:
        number = 0
        for index, slide in enumerate(deck.slides):
            if not slide.enabled:
                continue
            number += 1
            current[0] = number
            stage.clear()
            stage.render(index, 1e6, badges_at=time.time())
            for view in list(stage._views.values()):
                drawn += [Drawn(number, text, px) for text, px in _scene_texts(view)]
    finally:
        QPainter.drawText = original  # type: ignore[method-assign]
        stage.close()
        if feeds is not None:
            feeds.close()
    return drawn, stage.scale, deck


def secondary_lines(deck: object, lang: str) -> dict[int, tuple[set[str], set[str]]]:
    """Slide number -> (its partner-language lines that must be >= 36, its primary texts)."""
    out: dict[int, tuple[set[str], set[str]]] = {}
    number = 0
    for index, slide in enumerate(deck.slides):  # type: ignore[attr-defined]
        if not slide.enabled:
            continue
        number += 1
        secondary: set[str] = set()
        primary: set[str] = set()
        for path, text in deck.texts():  # type: ignore[attr-defined]
            if path[:2] != ("slides", index):
                continue
            shown = text.for_lang(lang)
            primary.add(shown)
            partner = text.own(deck.partner(lang))  # type: ignore[attr-defined]
            if partner and partner != shown and path[-1] in SECONDARY_FIELDS:
                secondary.add(partner)
        out[number] = (secondary, primary)
    return out


def floors(drawn: list[Drawn], scale: float, deck: object, lang: str) -> list[str]:
    """What is drawn below its floor: 'slide 12: 'text' at 21.0 px, floor 28.0 (…)'."""
    partner = secondary_lines(deck, lang)
    low = []
    for item in drawn:
        secondary, primary = partner.get(item.slide, (set(), set()))
        body = item.text.replace("…", "").strip()
        is_secondary = len(body) >= 3 and any(body in s for s in secondary) and not any(
            body in p for p in primary)
        floor = (FLOOR_SECONDARY if is_secondary else FLOOR_SMALL) * scale
        if item.px < floor - 0.5:
            kind = "secondary" if is_secondary else "small"
            low.append(f"slide {item.slide}: {item.text!r} at {item.px / scale:.1f} design px "
                       f"({item.px:.1f} device px), {kind} floor {floor / scale:.0f}")
    return low


CASES = [(lang, size) for lang in ("zh", "en") for size in SIZES]


@pytest.mark.parametrize(("lang", "size"), CASES,
                         ids=[f"{lang}-{w}x{h}" for lang, (w, h) in CASES])
def test_no_text_on_the_demo_deck_is_drawn_below_the_floor(app, lang, size):
    drawn, scale, deck = render_demo(lang, size)
    assert len({d.slide for d in drawn}) == len([s for s in deck.slides if s.enabled])
    low = floors(drawn, scale, deck, lang)
    assert not low, f"{len(low)} texts below the floor at {size[0]}x{size[1]} ({lang}):\n" + (
        "\n".join(low))


def test_the_observer_sees_small_text(app, monkeypatch):
    """The test itself: text drawn at 22 px (the old source line) is reported."""
    from kiosk.core import layout
    from kiosk.qt.slides import base

    monkeypatch.setattr(layout, "SOURCE_PX", 22)
    monkeypatch.setattr(base.layout, "SOURCE_PX", 22)
    monkeypatch.setattr("kiosk.core.fit.FLOOR_SMALL", 12)
    drawn, scale, deck = render_demo("zh", (1920, 1080))
    low = floors(drawn, scale, deck, "zh")
    assert any("来源" in line and "at 22.0 design px" in line for line in low), low


# ---------------------------------------------------------------- headings (review 1, item 4)

HEADING_CASES = [(lang, size) for lang in ("zh", "zh-Hant", "en")
                 for size in ((1920, 1080), (1080, 1920))]


@pytest.fixture(scope="module")
def headings(qapp):
    """(lang, size) -> {slide number: (the title's layout, its partner line's layout)} of
    every slide with a heading, as the show lays them out rendering the demo deck."""
    from kiosk.qt.slides.base import ViewContext

    out: dict = {}
    for lang, size, deck, number, slide, seen in demo_slide_layouts(HEADING_CASES):
        if slide.type == "title" or slide.title is None:
            continue
        ctx = ViewContext(deck, QSize(*size), lang=lang)
        title, partner = ctx.primary(slide.title), ctx.secondary(slide.title)
        out.setdefault((lang, size), {})[number] = (
            next(f for t, f in seen if t == title),
            next((f for t, f in seen if partner and t == partner), None))
    return out


@pytest.mark.parametrize(("lang", "size"), HEADING_CASES,
                         ids=[f"{lang}-{w}x{h}" for lang, (w, h) in HEADING_CASES])
def test_every_heading_of_an_orientation_has_one_size(headings, lang, size):
    """A long title takes another line, as an exhibition designer sets it; it does not
    shrink (the curator saw 64 px on slide 4 and 48 px on slide 5 at 1080x1920)."""
    from kiosk.core import linebreak
    from kiosk.core.layout import TITLE_PX, heading_width
    from kiosk.qt.text import measure_at

    measure = measure_at(True)(TITLE_PX)
    sizes = {}
    for n, (title, _) in headings[lang, size].items():
        text = " ".join(title.lines)
        # only a name no line may break ('Industrial Space Consolidation') wider than the
        # line at TITLE_PX makes a heading smaller
        if all(measure(c.strip()) <= heading_width(size[0])
               for c in linebreak.chunks(text, "zh-Hant" if lang == "zh-Hant" else "zh")):
            sizes[n] = title.px
    assert len(sizes) >= len(headings[lang, size]) - 1
    assert set(sizes.values()) == {TITLE_PX}, {n: px for n, px in sizes.items() if px != TITLE_PX}
    for n, (title, partner) in headings[lang, size].items():
        for fitted in (title, partner):
            if fitted is None:
                continue
            assert not fitted.clipped, (n, fitted.lines)
            for line in fitted.lines:  # the " · " between two phrases never hangs
                assert not line.endswith("·") and not line.startswith("·"), (n, fitted.lines)


def test_portrait_english_headings_break_between_their_phrases(headings):
    en = headings["en", (1080, 1920)]
    assert en[9][0].lines == ("Simulated demo", "Cloud Smart City computing")
    assert en[10][0].lines == ("Simulated demo", "Computing utilisation")
    assert en[11][0].lines[:2] == ("H1 2024", "Digital economy")
    assert any("'Doubling Park Investment'" in line for line in en[19][0].lines), en[19][0].lines
    # the same name as the partner line under the Chinese title
    zh = headings["zh", (1080, 1920)]
    assert any("'Doubling Park Investment'" in line for line in zh[19][1].lines), zh[19][1].lines
