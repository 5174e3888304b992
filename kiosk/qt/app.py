"""``kiosk run``: QApplication set-up, screen choice, fullscreen window, smoke-test exit."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk.core.loader import load_deck
from kiosk.qt.fonts import load_fonts

log = logging.getLogger(__name__)


def animations_enabled(flag_off: bool = False) -> bool:
    """One setting turns every animation off: ``KIOSK_ANIMATIONS=0`` or ``--no-animations``."""
    return not flag_off and os.environ.get("KIOSK_ANIMATIONS", "1") not in ("0", "false", "no")


def make_app() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("kiosk")
    load_fonts()
    return app


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    result = load_deck(args.deck)
    if result.deck is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"kiosk: refusing to show {args.deck}: fix the problems above "
              "(kiosk check lists them)", file=sys.stderr)
        return 1
    for problem in result.problems:  # only missing assets remain: placeholders on screen
        log.warning("%s", problem)
    app = make_app()
    from pathlib import Path

    from kiosk.qt.controller import Show

    show = Show(Path(args.deck), result, animations=animations_enabled(args.no_animations),
                rotate=args.rotate, status_file=Path(args.status_file) if args.status_file
                else None, cache_root=Path(args.cache_dir) if args.cache_dir else None)
    window = show.window
    screens = QGuiApplication.screens()
    screen = screens[args.screen] if 0 <= args.screen < len(screens) else screens[0]
    if args.windowed:
        width, height = args.size or (1280, 720)
        window.resize(width, height)
        window.show()
    else:
        window.setWindowFlag(window.windowFlags().__class__.FramelessWindowHint, True)
        window.setScreen(screen)
        # showFullScreen() alone leaves the window small where no window manager runs
        window.setGeometry(screen.geometry())
        window.showFullScreen()
    log.info("showing %s on screen %d (%dx%d)%s", args.deck, screens.index(screen),
             screen.geometry().width(), screen.geometry().height(),
             " windowed" if args.windowed else "")
    if args.exit_after is not None:
        QTimer.singleShot(round(args.exit_after * 1000), app.quit)
    code = app.exec()
    show.stop()
    return int(code)
