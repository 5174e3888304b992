"""``kiosk run``: QApplication set-up, screen choice, fullscreen window, smoke-test exit."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile, QTimer
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
    from kiosk.logsetup import setup_logging

    log_file = setup_logging(args.log_level, args.log_dir)
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
    from kiosk.qt.controller import Show
    from kiosk.qt.power import ScreenAwake

    screens = QGuiApplication.screens()
    screen = screens[args.screen] if 0 <= args.screen < len(screens) else screens[0]
    lock = single_instance(screens.index(screen))
    if lock is None:
        print(f"kiosk: a show is already running on screen {screens.index(screen)}; "
              "not starting a second one.", file=sys.stderr)
        return 0
    log.info("deck %s loaded: %d slides; log file %s", args.deck, len(result.deck.slides),
             log_file)
    show = Show(Path(args.deck), result, animations=animations_enabled(args.no_animations),
                rotate=args.rotate, status_file=Path(args.status_file) if args.status_file
                else None, cache_root=Path(args.cache_dir) if args.cache_dir else None,
                kiosk_mode=not args.windowed, on_exit=lambda: QCoreApplication.exit(0))
    window = show.window
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
        # through the window: in kiosk mode it refuses to close unless the exit is allowed
        # (Qt 6's quit() asks every window to close and gives up if one refuses)
        QTimer.singleShot(round(args.exit_after * 1000), window.exit_now)
    # systemd and installers stop the show with SIGTERM: end as cleanly as the exit chord
    # (Python runs the handler at its next bytecode: the deck watcher's 500 ms timer always
    # runs, so that is within half a second even on a still slide without feeds)
    signal.signal(signal.SIGTERM, lambda *_: window.exit_now())
    freeze = os.environ.get("KIOSK_TEST_FREEZE_AFTER")
    if freeze:  # test mode for `kiosk supervise`: the UI thread hangs, as a real bug would
        log.warning("KIOSK_TEST_FREEZE_AFTER=%s: the UI thread will hang (test mode)", freeze)
        QTimer.singleShot(round(float(freeze) * 1000), lambda: time.sleep(10**9))
    awake = ScreenAwake()
    # xset and D-Bus calls are not needed for the first frame: keep them off its path
    QTimer.singleShot(1000, awake.hold)
    try:
        code = app.exec()
    finally:
        show.stop()
        awake.release()
        lock.unlock()
    log.info("show ended")
    return int(code)


def single_instance(screen: int) -> QLockFile | None:
    """One show per screen: a lock file per screen number (stale locks are taken over)."""
    folder = Path(os.environ.get("KIOSK_RUNTIME_DIR") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(folder / f"kiosk-screen-{screen}.lock"))
    lock.setStaleLockTime(0)  # a crashed show's lock (dead pid) does not block a restart
    return lock if lock.tryLock(100) else None
