"""pyqtgraph without its OpenGL half.

pyqtgraph imports Qt's OpenGL bindings at import time (``PlotCurveItem`` and its
``OpenGLHelpers`` module), for a plot mode the kiosk never turns on: charts are painted with
the raster engine into the slide's layer (``useOpenGL`` stays False). Those bindings are 11 MB
on Windows (``QtOpenGL.pyd``, ``Qt6OpenGL.dll``) and 9 MB on Linux, loaded into every show
with a chart and shipped in every installer (#17). :func:`without_opengl` puts small stand-ins
in their place before pyqtgraph is first imported, so neither is loaded, and the frozen
bundles leave them out (``packaging/kiosk.spec``). Anything that does reach for OpenGL gets an
ImportError or AttributeError that says why, not a crash.
"""

from __future__ import annotations

import sys
import types
from typing import Any, NoReturn

WHY = ("OpenGL plotting is not part of the kiosk (charts paint with the raster engine; "
       "kiosk.qt.plotlib)")


class _NoOpenGL(types.ModuleType):
    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"{self.__name__}.{name}: {WHY}")


class _NeverAViewport:
    """Stands in for QOpenGLWidget and pyqtgraph's GraphicsViewGLWidget: pyqtgraph subclasses
    it at import and asks ``isinstance(widget, GraphicsViewGLWidget)`` while painting; no
    instance is ever made, so the answer is always no."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ImportError(WHY)


def _helpers() -> types.ModuleType:
    module = _NoOpenGL("pyqtgraph.Qt.OpenGLHelpers", WHY)
    module.__dict__.update(GraphicsViewGLWidget=_NeverAViewport, getFunctions=_refuse,
                           setUniformValue=_refuse, __all__=["getFunctions",
                                                             "GraphicsViewGLWidget"])
    return module


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise ImportError(WHY)


def without_opengl() -> bool:
    """Put the stand-ins in place unless pyqtgraph or Qt's OpenGL is already imported (then
    nothing changes: this process has chosen). True when they are in place."""
    if not all(name not in sys.modules for name in
               ("pyqtgraph", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets")):
        return isinstance(sys.modules.get("PySide6.QtOpenGL"), _NoOpenGL)
    sys.modules["PySide6.QtOpenGL"] = _NoOpenGL("PySide6.QtOpenGL", WHY)
    widgets = _NoOpenGL("PySide6.QtOpenGLWidgets", WHY)
    widgets.QOpenGLWidget = _NeverAViewport  # type: ignore[attr-defined]  # pyqtgraph subclasses it
    sys.modules["PySide6.QtOpenGLWidgets"] = widgets
    sys.modules["pyqtgraph.Qt.OpenGLHelpers"] = _helpers()
    return True
