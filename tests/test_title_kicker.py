"""A title slide's kicker pairs its languages like every other text of the slide (curator's
review of #13, item 12: 加快推进 showed no English on a Chinese screen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize

from kiosk.core import load_deck
from kiosk.qt import theme
from kiosk.qt.slides.title import TitleView
from kiosk.qt.stage import Stage

from .conftest import DEMO_DECK
from .render_util import record_drawn


@pytest.fixture
def drawn(monkeypatch):
    """Every string a title slide draws, with its size in design px."""
    return record_drawn(monkeypatch, TitleView)


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1280, 720)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("lang", "partner"), [("zh", "en"), ("en", "zh")])
def test_every_kicker_shows_its_partner_line(app, drawn, size, lang, partner):
    deck = load_deck(DEMO_DECK).deck
    stage = Stage(deck, QSize(*size), lang=lang, animations=False)
    for index, slide in enumerate(deck.slides):
        if slide.type != "title" or slide.kicker is None:
            continue
        drawn.clear()
        stage.render(index, 1e6)
        texts = dict(drawn)
        own, second = slide.kicker.for_lang(lang), slide.kicker.own(partner)
        assert own in texts and second in texts, (index + 1, list(texts))
        assert texts[second] >= theme.FLOOR_SECONDARY
        order = [text for text, _ in drawn]
        assert order.index(second) == order.index(own) + 1  # right under the kicker
