"""One view per slide type, built from its core model."""

from __future__ import annotations

from kiosk.core.deck import AnySlide
from kiosk.qt.plotlib import without_opengl
from kiosk.qt.slides.base import SlideView, ViewContext

without_opengl()  # before the chart module first imports pyqtgraph


def make_view(slide: AnySlide, ctx: ViewContext) -> SlideView:
    """The view for ``slide``. The chart module (pyqtgraph, numpy) is imported only here."""
    if slide.type == "title":
        from kiosk.qt.slides.title import TitleView

        return TitleView(slide, ctx)
    if slide.type == "figures":
        from kiosk.qt.slides.figures import FiguresView

        return FiguresView(slide, ctx)
    if slide.type == "photo":
        from kiosk.qt.slides.photo import PhotoView

        return PhotoView(slide, ctx)
    from kiosk.qt.slides.chart import ChartView

    return ChartView(slide, ctx)


def preload_charts() -> None:
    """Import pyqtgraph and numpy now (about 0.6 s): call when idle, not mid-transition."""
    import kiosk.qt.slides.chart  # noqa: F401
