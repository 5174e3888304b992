"""The operator's warning stays on the screen, whatever its length (#15: a published deck's
reason, with a URL and a key id, ran off the left edge)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSizeF
from PySide6.QtGui import QImage, QPainter

from kiosk.qt import theme
from kiosk.qt.badges import operator_lines, paint_badges

from .render_util import deck_from

LONG = ("⚠ 尚无可播放的内容 · no content yet: the manifest is not signed (manifest.json.minisig: "
        "HTTP 404 Not Found), and --trust 59D2612CC85665E1 allows only signed content")


def _reddish(image: QImage) -> np.ndarray:
    ptr = image.constBits()
    array = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.width(), 4)
    b, g, r = (array[:, :, i].astype(int) for i in range(3))
    return (r > 150) & (r - g > 40) & (r - b > 40)


def test_a_long_warning_wraps_inside_the_margins(tmp_path, app):
    deck = deck_from(tmp_path, {"title": "t", "slides": [{"type": "title", "title": "一"}]})
    for size in ((1920, 1080), (1080, 1920)):
        image = QImage(*size, QImage.Format.Format_ARGB32)
        image.fill(0)
        p = QPainter(image)
        paint_badges(p, deck, deck.slides[0], None, 0.0, QSizeF(*size), LONG)
        p.end()
        red = _reddish(image)
        columns = np.flatnonzero(red.any(axis=0))
        assert columns.size, "the warning is drawn"
        assert columns[0] >= theme.MARGIN and columns[-1] <= size[0] - theme.MARGIN
        room = size[0] - 2 * theme.MARGIN - 60
        lines = operator_lines(LONG, room)
        assert 1 <= len(lines) <= 2 and lines[0].startswith("⚠ 尚无可播放的内容")
        rows = np.flatnonzero(red.any(axis=1))
        assert rows[-1] < size[1]  # above the bottom edge
    assert operator_lines("⚠ short", 1000) == ["⚠ short"]
