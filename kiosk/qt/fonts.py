"""The bundled OFL fonts (Noto Sans CJK subsets), so Chinese never renders as boxes.

Three families (assets/fonts/README.md): Simplified, always loaded, and Traditional (#14),
loaded only for a deck that lists zh-Hant: 7 MB that other decks never read. For zh-Hant the
Traditional family comes first, with the Simplified one behind it, which draws Latin, digits
and the hanzi both write alike (left out of the Traditional files, glyph for glyph the same).
Last, always loaded (32 KB): the Latin letters Noto Sans CJK lacks (Ł Č Ś Ž İ ő …), in its
Latin's own design, Source Sans; Qt takes from it only what the families before it lack.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from kiosk.core.glyphs import LATIN, SIMPLIFIED, TRADITIONAL, font_files

log = logging.getLogger(__name__)
FAMILY = SIMPLIFIED
FILES = tuple(path.name for path in font_files(SIMPLIFIED))
_loaded: set[str] = set()
_traditional_first = False


def _load(family: str) -> None:
    if family in _loaded:
        return
    for path in font_files(family):
        if QFontDatabase.addApplicationFont(str(path)) < 0:
            log.error("could not load bundled font %s", path)
    _loaded.add(family)
    log.debug("loaded the bundled font family %s", family)


def load_fonts(traditional: bool = False) -> str:
    """Register the bundled fonts once (the Traditional pair too when asked) and make the
    Simplified family the application default."""
    _load(SIMPLIFIED)
    _load(LATIN)
    if traditional:
        _load(TRADITIONAL)
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        app.setFont(font(16))
    return FAMILY


def use_language(lang: str) -> None:
    """From now on :func:`font` puts the Traditional family first for ``"zh-Hant"`` (loading
    it if a caller has not yet), and the Simplified family first for any other language."""
    global _traditional_first
    _traditional_first = lang == "zh-Hant"
    if _traditional_first:
        _load(TRADITIONAL)


def families() -> list[str]:
    """The family list :func:`font` gives now: the language's family, then the other, then
    the Latin letters both lack."""
    order = [TRADITIONAL, SIMPLIFIED] if _traditional_first else [SIMPLIFIED, TRADITIONAL]
    return [f for f in [*order, LATIN] if f in _loaded] or [SIMPLIFIED]


def font(px: float, bold: bool = False) -> QFont:
    """The show's font at ``px`` design pixels (the painter's transform scales it)."""
    f = QFont()
    f.setFamilies(families())
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)  # scales smoothly
    f.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return f
