"""``kiosk export``: every enabled slide rendered headless in its final state, plus a
contact sheet for an editor's review."""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.core.deck import AnySlide, Deck, SimSource
from kiosk.core.feeds import FeedHub
from kiosk.core.loader import load_deck
from kiosk.core.problems import display_path

if TYPE_CHECKING:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage

log = logging.getLogger(__name__)
SHEET_COLS = 4
THUMB_W = 480
CAPTION_PX = 20


def export(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # export never needs a display
    result = load_deck(args.deck)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.deck is None:
        return 1
    if args.lang is not None and args.lang not in result.deck.languages:
        print(f"kiosk export: --lang {args.lang} is not one of the deck's languages "
              f"({', '.join(result.deck.languages)}); add it to languages: in the deck",
              file=sys.stderr)
        return 2
    from PySide6.QtCore import QSize

    from kiosk.qt.app import make_app
    from kiosk.qt.fonts import load_fonts

    app = make_app()
    load_fonts(traditional="zh-Hant" in result.deck.languages)
    size = QSize(*(args.size or result.deck.canvas))
    paths = export_deck(result.deck, Path(args.outdir), size, args.lang)
    print(f"{display_path(Path(args.outdir))}: {len(paths) - 1} slides and contact-sheet.png "
          f"at {size.width()}x{size.height()}")
    del app
    return 0


def export_deck(deck: Deck, outdir: Path, size: QSize, lang: str | None = None) -> list[Path]:
    """Write 001.png… and contact-sheet.png; return their paths (sheet last)."""
    from kiosk.qt.stage import Stage

    outdir.mkdir(parents=True, exist_ok=True)
    feeds = warm_feeds(deck)
    stage = Stage(deck, size, lang=lang, animations=False, feeds=feeds)
    enabled = [i for i, s in enumerate(deck.slides) if s.enabled]
    frames, paths = [], []
    for n, index in enumerate(enabled, start=1):
        image = stage.render(index, elapsed=1e6, badges_at=time.time())
        path = outdir / f"{n:03d}.png"
        image.save(str(path))
        paths.append(path)
        frames.append(image)
    stage.close()
    if feeds is not None:
        feeds.close()
    sheet = contact_sheet(frames, deck, stage.lang)
    sheet_path = outdir / "contact-sheet.png"
    sheet.save(str(sheet_path))
    paths.append(sheet_path)
    return paths


def warm_feeds(deck: Deck, history_s: float = 120.0) -> FeedHub | None:
    """Feeds with data to show: simulations run for two minutes of history, real sources
    are read once (5 s at most), so live slides export with values, not dashes."""
    if not deck.sources:
        return None
    wall = time.time()
    hub = FeedHub(deck.sources, 0.0, wall - history_s)
    hub.tick(0.0, wall - history_s)  # replays read their CSV on a worker: let them load
    hub.wait_idle(timeout=5)
    steps = int(history_s * 2)
    for step in range(steps + 1):
        hub.tick(step * 0.5, wall - history_s + step * 0.5)
    for feed in hub.feeds.values():  # read real sources now, stamped with the present time
        if not isinstance(feed.spec, SimSource):  # a sim sampled twice at `wall` drew a
            feed.next_due = 0.0  # vertical hook at the end of its line (#18 F)
    for _ in range(2):  # start, then apply; at the loop's last `now`: no sim is due
        hub.wait_idle(timeout=5)
        hub.tick(history_s, wall)
    return hub


def contact_sheet(frames: list[QImage], deck: Deck, lang: str | None = None) -> QImage:
    """All slides as numbered thumbnails on one image, captioned in ``lang``."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter

    from kiosk.qt.fonts import font

    if not frames:
        return QImage(16, 16, QImage.Format.Format_RGB32)
    aspect = frames[0].height() / frames[0].width()
    thumb_h = round(THUMB_W * aspect)
    cols = min(SHEET_COLS, len(frames))
    rows = math.ceil(len(frames) / cols)
    pad, label = 24, 40
    sheet = QImage(cols * (THUMB_W + pad) + pad, rows * (thumb_h + pad + label) + pad + 60,
                   QImage.Format.Format_RGB32)
    sheet.fill(QColor("#1b2330"))
    p = QPainter(sheet)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor("#f4f7fb"))
    p.setFont(font(28, True))
    heading = QFontMetricsF(font(28, True)).elidedText(
        f"{deck.title.for_lang(lang or deck.language)} · {len(frames)} slides",
        Qt.TextElideMode.ElideMiddle,
        sheet.width() - 2 * pad)
    p.drawText(QRectF(pad, 12, sheet.width() - 2 * pad, 44), int(Qt.AlignmentFlag.AlignVCenter),
               heading)
    enabled = [s for s in deck.slides if s.enabled]
    for n, frame in enumerate(frames):
        x = pad + (n % cols) * (THUMB_W + pad)
        y = 60 + pad + (n // cols) * (thumb_h + pad + label)
        p.drawImage(QRectF(x, y, THUMB_W, thumb_h), frame)
        p.setFont(font(CAPTION_PX))
        p.drawText(QRectF(x, y + thumb_h + 6, THUMB_W, label - 6),
                   int(Qt.AlignmentFlag.AlignLeft),
                   caption(n + 1, enabled[n], THUMB_W, lang or deck.language))
    p.end()
    return sheet


def caption(number: int, slide: AnySlide, width: float, lang: str = "zh") -> str:
    """A thumbnail's caption, ending in "…" when it is wider than ``width`` (a clipped
    drawText cut it mid-character, #18 F)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontMetricsF

    from kiosk.qt.fonts import font

    named = slide.title or (slide.caption if slide.type == "photo" else None)
    text = f"{number:03d} · {slide.type} · {named.for_lang(lang) if named else ''}"
    return QFontMetricsF(font(CAPTION_PX)).elidedText(text, Qt.TextElideMode.ElideRight, width)
