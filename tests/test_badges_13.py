"""The corner pill has a place of its own (#13, curator's review item 3): 模拟数据 ·
Simulated data sat 8 px over a portrait title, across part of its width. It now sits in the
band above the heading, clear of the title's letters, in portrait and landscape alike."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSize, QSizeF

from kiosk.core.feeds import FeedHub
from kiosk.core.layout import HEADING_TOP, MARGIN
from kiosk.core.uistrings import say
from kiosk.qt import badges
from kiosk.qt.stage import Stage

from .conftest import as_array
from .render_util import deck_from

WALL = 1_700_000_000
AIR = 16  # design px at least between the pill and the title's letters
SIZES = [(1920, 1080), (1080, 1920), (3840, 2160)]
# long: set as wide as the heading allows, under the pill's corner
TITLE = {"zh": "模拟演示 · 城市算力平台实时使用率与调度情况一览",
         "en": "Simulated demo · Live load of the city's computing platform, by minute"}


def live_deck(tmp_path, kind):
    slide = {"chart": {"type": "chart", "title": TITLE, "y_min": 0, "y_max": 100,
                       "unit": "%", "series": [{"name": "使用率", "source": "calls"}]},
             "figures": {"type": "figures", "title": TITLE,
                         "items": [{"value": {"source": "calls"}, "unit": "%",
                                    "label": {"zh": "使用率", "en": "Utilisation"}}]}}[kind]
    return deck_from(tmp_path, {
        "title": "t", "languages": ["zh", "en"],
        "sources": {"calls": {"kind": "sim", "seed": 3, "start": 72, "step": 1.6, "min": 55,
                              "max": 93, "refresh": "1s", "window": 120}},
        "slides": [slide]})


def box(mask):
    rows, cols = np.nonzero(mask)
    return rows.min(), cols.min(), rows.max(), cols.max()  # top, left, bottom, right


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", ["chart", "figures"])
def test_the_simulated_pill_keeps_clear_of_the_title(app, tmp_path, kind, size, lang):
    deck = live_deck(tmp_path, kind)
    feeds = FeedHub(deck.sources, now=0, wall=WALL)
    for step in range(3):
        feeds.tick(step, WALL + step)
        feeds.wait_idle(timeout=30)
    stage = Stage(deck, QSize(*size), lang=lang, animations=False, feeds=feeds)
    try:
        bare = as_array(stage.render(0, 1e6))[..., :3].astype(int)
        marked = as_array(stage.render(0, 1e6, badges_at=WALL + 2))[..., :3].astype(int)
    finally:
        stage.close()
        feeds.close()
    s = size[0] / (1920 if size[0] > size[1] else 1080)
    pill = box(np.abs(marked - bare).max(axis=2) > 12)
    assert pill[3] > size[0] - (MARGIN + 40) * s, "the pill is not in the top right corner"
    # the title's letters: the bright ink of the heading's first line, between the margins
    first_line = slice(0, round((HEADING_TOP + 90) * s))
    ink = np.zeros(bare.shape[:2], bool)
    ink[first_line] = bare[first_line].max(axis=2) > 200
    ink[:, : round(MARGIN * s)] = ink[:, round(size[0] - MARGIN * s):] = False
    assert ink.any(), "no title drawn"
    top = box(ink)[0]
    # a band of its own above the heading: a title of any length, set as wide as the
    # margins allow, never runs under the pill
    assert pill[2] + AIR * s < top, f"pill {pill} crowds the title's letters from {top}"


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "en"])
@pytest.mark.parametrize("width", [1920, 1080])
def test_two_pills_share_the_band_above_the_heading(app, width, lang):
    """Stale data and a simulated source at once: side by side, the first in the corner,
    both above the heading's first line, neither over the other, both on the screen."""
    texts = [say("updated", lang, time="07:55:30"), say("simulated_data", lang)]
    first, second = badges.pill_rects(texts, QSizeF(width, 1920 if width < 1920 else 1080))
    assert first.right() == pytest.approx(width - MARGIN)
    assert second.left() > 0 and second.right() < first.left()
    for rect in (first, second):
        assert rect.top() > 0 and rect.bottom() < HEADING_TOP
        assert rect.height() >= badges.PX * 1.4  # the words fit, at the small-text floor
