"""Guards against a Qt binding that would kill a long-running show.

PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None on every call that returns
nothing; after a few thousand paints the interpreter aborts (none_dealloc). pyproject pins
<6.12; this test fails loudly if whatever got installed has the bug.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QImage, QPainter


def test_void_calls_keep_none_alive():
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(500):
            painter.setPen(QColor(1, 2, 3))
            painter.drawLine(0, 0, 10, 10)
        after = sys.getrefcount(None)
    finally:
        painter.end()
    # 1000 void calls; a healthy binding leaves None's count roughly where it was
    assert after - before > -100, f"None lost {before - after} references"
