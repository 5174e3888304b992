"""Render slides headless for pixel tests."""

from __future__ import annotations

from pathlib import Path

import yaml
from PySide6.QtCore import QSize

from kiosk.core import load_deck
from kiosk.qt.stage import Stage

from .conftest import as_array


def deck_from(tmp_path: Path, data: dict, allow_assets: bool = False):
    path = tmp_path / "deck.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = load_deck(path)
    if allow_assets:
        assert result.deck is not None, [str(p) for p in result.problems]
    else:
        assert result.ok, [str(p) for p in result.problems]
    return result.deck


def render(deck, index: int = 0, size=(1920, 1080), elapsed: float = 1e6, animations=False):
    stage = Stage(deck, QSize(*size), animations=animations)
    image = stage.render(index, elapsed)
    return stage, image, as_array(image)


def bright(array, threshold: int = 150):
    """Mask of pixels brighter than the dark theme's background and panels (text, bars)."""
    return array[:, :, :3].max(axis=2) > threshold


def record_drawn(monkeypatch, view_class, methods=("paint_content",)):
    """Every string ``view_class`` draws with QPainter.drawText from inside ``methods``, with
    its font size in design px: a list filled as slides are rendered."""
    from PySide6.QtGui import QPainter

    calls: list[tuple[str, int]] = []
    original = QPainter.drawText
    inside = [False]

    def record(self, *args):
        if inside[0]:
            text = next((a for a in reversed(args) if isinstance(a, str)), "")
            calls.append((text, self.font().pixelSize()))
        return original(self, *args)

    def watched(method):
        def run(self, *args):
            inside[0] = True
            try:
                return method(self, *args)
            finally:
                inside[0] = False
        return run

    monkeypatch.setattr(QPainter, "drawText", record)
    for name in methods:
        monkeypatch.setattr(view_class, name, watched(getattr(view_class, name)))
    return calls


def demo_slide_layouts(cases):
    """The demo deck rendered as the show renders it (its fonts, Traditional included, and
    warmed feeds), for each (lang, (w, h)) of ``cases``: yields (lang, size, deck, number,
    slide, layouts) per enabled slide, ``number`` counted as the export numbers slides and
    ``layouts`` every (text, layout) kiosk.qt.text set while drawing it."""
    import time

    from kiosk.qt.app import make_app
    from kiosk.qt.export import warm_feeds
    from kiosk.qt.fonts import load_fonts
    from kiosk.qt.text import recording

    from .conftest import DEMO_DECK

    make_app()
    deck = load_deck(DEMO_DECK).deck
    load_fonts(traditional=True)
    feeds = warm_feeds(deck)
    try:
        for lang, size in cases:
            stage = Stage(deck, QSize(*size), lang=lang, animations=False, feeds=feeds)
            try:
                number = 0
                for index, slide in enumerate(deck.slides):
                    if not slide.enabled:
                        continue
                    number += 1
                    stage.clear()  # each slide's views built afresh, the last ones freed
                    with recording() as seen:
                        stage.render(index, 1e6, badges_at=time.time())
                    yield lang, size, deck, number, slide, seen
            finally:
                stage.close()
    finally:
        if feeds is not None:
            feeds.close()
