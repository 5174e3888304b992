"""The bundled OFL font (Noto Sans CJK SC subset), so Chinese never renders as boxes."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from kiosk import resources

log = logging.getLogger(__name__)
FAMILY = "Noto Sans SC Kiosk"
FILES = ("NotoSansSC-Kiosk-Regular.otf", "NotoSansSC-Kiosk-Bold.otf")
_loaded = False


def load_fonts() -> str:
    """Register the bundled fonts once and make them the application default."""
    global _loaded
    if not _loaded:
        for name in FILES:
            path = resources.asset("fonts", name)
            if QFontDatabase.addApplicationFont(str(path)) < 0:
                log.error("could not load bundled font %s", path)
        _loaded = True
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        app.setFont(font(16))
    return FAMILY


def font(px: float, bold: bool = False) -> QFont:
    """The show's font at ``px`` design pixels (the painter's transform scales it)."""
    f = QFont(FAMILY)
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)  # scales smoothly
    f.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return f
