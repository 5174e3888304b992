"""Charts draw without Qt's OpenGL bindings: neither loaded nor needed (#17's smaller bundle)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from kiosk.qt import plotlib

SHOW_A_CHART = textwrap.dedent("""
    import sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from tests.render_util import deck_from, render
    deck = deck_from(Path(sys.argv[1]), {
        "title": "t", "slides": [{"type": "chart", "chart": "bar", "title": "t",
        "series": [{"name": "n", "color": "#ff0000", "data": [["a", 3], ["b", 5]]}]}]})
    stage, image, px = render(deck)
    red = ((px[:, :, 2] > 200) & (px[:, :, 1] < 60) & (px[:, :, 0] < 60)).sum()  # BGRA
    maps = [line.split()[-1] for line in open("/proc/self/maps") if "OpenGL" in line]
    print(red, sorted(set(maps)), type(sys.modules["PySide6.QtOpenGL"]).__name__)
""")


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc")
def test_a_chart_is_drawn_without_loading_qt_opengl(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", SHOW_A_CHART, str(tmp_path)], env=env,
                         capture_output=True, text=True, timeout=120,
                         cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.returncode == 0, out.stderr[-2000:]
    red, rest = out.stdout.strip().split(" ", 1)
    libraries, stand_in = rest.rsplit(" ", 1)
    assert int(red) > 20_000  # the two bars are on screen
    assert libraries == "[]"  # no libQt6OpenGL*, no QtOpenGL bindings mapped
    assert stand_in == "_NoOpenGL"


def test_reaching_for_opengl_says_why():
    module = plotlib._NoOpenGL("PySide6.QtOpenGL", plotlib.WHY)
    with pytest.raises(AttributeError, match="not part of the kiosk"):
        module.QOpenGLBuffer  # noqa: B018
    with pytest.raises(ImportError, match="raster engine"):
        plotlib._helpers().GraphicsViewGLWidget()
