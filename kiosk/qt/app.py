"""``kiosk run``: QApplication set-up, screen choice, fullscreen window, smoke-test exit."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLockFile, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication

from kiosk.imports import plain_imports
from kiosk.qt.exiting import arm_watchdog, end_process
from kiosk.qt.fonts import load_fonts
from kiosk.supervision import (
    EXIT_OPERATOR,
    EXIT_SCREEN_TAKEN,
    replace_orphan,
    runtime_dir,
    supervised,
)

if TYPE_CHECKING:
    from kiosk.core.loader import LoadResult
    from kiosk.fleet.source import RemoteDeck
    from kiosk.ops.mqtt_config import BrokerConfig
    from kiosk.qt.controller import Show
    from kiosk.qt.launch import Launch

log = logging.getLogger(__name__)


def animations_enabled(flag_off: bool = False) -> bool:
    """One setting turns every animation off: ``KIOSK_ANIMATIONS=0`` or ``--no-animations``."""
    return not flag_off and os.environ.get("KIOSK_ANIMATIONS", "1") not in ("0", "false", "no")


def make_app(fonts: bool = True) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("kiosk")
    if fonts:
        load_fonts()
    return app


def run(args: argparse.Namespace) -> int:
    from kiosk.logsetup import setup_logging

    log_file = setup_logging(args.log_level, args.log_dir)
    app = make_app(fonts=False)
    screens = QGuiApplication.screens()
    number = args.screen if 0 <= args.screen < len(screens) else 0
    screen = screens[number]
    lock = single_instance(number)
    if lock is None and supervised():
        lock = take_over(number)  # an orphan of a killed supervisor gives way (#18 E)
    if lock is None:
        print(f"kiosk: a show is already running on screen {number}; "
              "not starting a second one.", file=sys.stderr)
        return EXIT_SCREEN_TAKEN if supervised() else 0
    try:
        code = _run(args, app, screen, number, log_file)
    finally:
        lock.unlock()
    end_process(code)  # bounded, whatever is still stuck (#18 B)


def _run(args: argparse.Namespace, app: QApplication, screen: QScreen, number: int,
         log_file: Path | None) -> int:
    from kiosk.qt import collector

    # from here on, worker threads run: Qt objects in cyclic garbage must die on this thread
    gc_here = collector.install(app)
    try:
        return _show(args, app, screen, number, log_file)
    finally:
        gc_here.stop(restore=False)


def _show(args: argparse.Namespace, app: QApplication, screen: QScreen, number: int,
          log_file: Path | None) -> int:
    animations = animations_enabled(args.no_animations)
    cache = Path(args.cache_dir) if args.cache_dir else None
    from kiosk.fleet.source import is_url

    remote = is_url(args.deck)
    if args.trust and not remote:
        print("kiosk: --trust is for a published deck's URL (https://…/manifest.json); "
              f"{args.deck} is a file", file=sys.stderr)
        return 2
    launch = None if remote else _launch_image(args, screen, number, cache, animations)
    load_fonts()
    with plain_imports():  # the deck model is Qt-free: skip PySide6's per-import check
        from kiosk.core.loader import load_deck

        if remote:
            opened = _open_remote(args, cache)
            if opened is None:
                return 2
            source, result, deck_path, epoch = opened
        else:
            source, result, deck_path, epoch = None, load_deck(args.deck), Path(args.deck), None
    if result.deck is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"kiosk: refusing to show {args.deck}: fix the problems above "
              "(kiosk check lists them)", file=sys.stderr)
        return 1
    from kiosk.qt.controller import log_problems

    log_problems(logging.WARNING, result.problems)  # only missing assets: placeholders
    deck = result.deck
    lang = args.lang
    if lang is not None and lang not in deck.languages:  # forgiving: the show still starts
        log.warning("--lang %s is not one of the deck's languages (%s); starting in %s",
                    lang, ", ".join(deck.languages), deck.language)
        lang = None
    load_fonts(traditional="zh-Hant" in deck.languages)
    from kiosk.core import chinese
    from kiosk.core.files import cache_root

    chinese.set_cache_dir(cache_root(cache) / "zh-Hant")  # a zh-Hant start reads it back
    chinese.set_child_command(_converter_command())
    from kiosk.qt.controller import Show
    from kiosk.qt.power import ScreenAwake

    log.info("deck %s loaded: %d slides; log file %s",
             source.puller.display_url if source is not None else args.deck,
             len(result.deck.slides), log_file)
    show = Show(deck_path, result, animations=animations, rotate=args.rotate,
                mqtt=_mqtt_broker(args),
                status_file=Path(args.status_file) if args.status_file else None,
                cache_root=cache, kiosk_mode=not args.windowed, lang=lang,
                events=Path(args.events) if args.events else None, remote=source,
                sync_epoch=epoch,
                on_exit=lambda: QCoreApplication.exit(0))
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
        if launch is not None:
            launch.follow(window, result)
        window.showFullScreen()
    shown = source.puller.display_url if source is not None else args.deck
    log.info("showing %s on screen %d (%dx%d)%s", shown, number,
             screen.geometry().width(), screen.geometry().height(),
             " windowed" if args.windowed else "")
    if args.exit_after is not None:
        # through the window: in kiosk mode it refuses to close unless the exit is allowed
        # (Qt 6's quit() asks every window to close and gives up if one refuses)
        # (an exit on purpose, as an operator's: it ends `kiosk supervise` too)
        QTimer.singleShot(round(args.exit_after * 1000), lambda: window.exit_now(operator=True))
    # systemd and installers stop the show with SIGTERM: end as cleanly as the exit chord
    # (Python runs the handler at its next bytecode: the deck watcher's 500 ms timer always
    # runs, so that is within half a second even on a still slide without feeds)
    signal.signal(signal.SIGTERM, lambda *_: window.exit_now())
    services = _start_services(args, show)  # /metrics and MQTT (#16), when asked for
    freeze = os.environ.get("KIOSK_TEST_FREEZE_AFTER")
    if freeze:  # test mode for `kiosk supervise`: the UI thread hangs, as a real bug would
        log.warning("KIOSK_TEST_FREEZE_AFTER=%s: the UI thread will hang (test mode)", freeze)
        QTimer.singleShot(round(float(freeze) * 1000), lambda: time.sleep(10**9))
    awake = ScreenAwake()
    # xset and D-Bus calls are not needed for the first frame: keep them off its path
    QTimer.singleShot(1000, awake.hold)
    code = 1  # if the event loop itself raised
    try:
        code = int(app.exec())
        if code == 0 and window.operator_exit and supervised():
            code = EXIT_OPERATOR  # the supervisor ends too; on a mere SIGTERM it restarts us
    finally:
        arm_watchdog(code)  # a hung clean-up must not hold the exit either (#18 B)
        show.stop()
        for service in services:  # after the show: MQTT still says "offline"
            try:
                service.close()
            except Exception:
                log.exception("stopping %s failed", type(service).__name__)
        awake.release()
    log.info("show ended")
    return int(code)


def _mqtt_broker(args: argparse.Namespace) -> BrokerConfig | None:
    """The show's own broker for ``kind: mqtt`` feeds that name none (#16); a bad --mqtt is
    logged once by kiosk.ops.mqtt.start, and those feeds say "no MQTT broker"."""
    if not getattr(args, "mqtt", None):
        return None
    from kiosk.ops.mqtt_config import MqttConfigError, parse_broker

    try:
        return parse_broker(args.mqtt, password_file=args.mqtt_password_file,
                            ca_file=args.mqtt_ca)
    except MqttConfigError:
        return None


def _start_services(args: argparse.Namespace, show: Show) -> list[Any]:
    """The network services an operator asked for; each has ``close()``. One that fails to
    start is logged and left out: the show goes on without it."""
    services: list[Any] = []
    wanted = [("metrics", "kiosk.ops.metrics"), ("mqtt", "kiosk.ops.mqtt")]
    for option, module in wanted:
        if getattr(args, option, None) is None:
            continue
        try:
            services.append(importlib.import_module(module).start(args, show))
        except Exception:
            log.exception("--%s could not start; the show goes on without it", option)
    return services


def _open_remote(args: argparse.Namespace, cache: Path | None
                 ) -> tuple[RemoteDeck, LoadResult, Path, float | None] | None:
    """A published deck (#15): the last good version kept in the cache, checked again, or the
    waiting slide until the first check brings one. None (and a message) for a bad --trust."""
    from kiosk.core.files import cache_root
    from kiosk.fleet.minisign import SignatureError, load_public_key
    from kiosk.fleet.pull import Puller
    from kiosk.fleet.source import RemoteDeck
    from kiosk.fleet.waiting import waiting_deck

    trust = None
    if args.trust:
        try:
            trust = load_public_key(args.trust)
        except SignatureError as exc:
            print(f"kiosk: --trust {args.trust}: {exc}", file=sys.stderr)
            return None
    try:
        puller = Puller(args.deck, cache_root(cache), trust, refresh=args.deck_refresh)
    except ValueError as exc:  # not an http(s) URL, or one it cannot use
        print(f"kiosk: {exc}", file=sys.stderr)
        return None
    cached = puller.cached()
    if cached is None:
        log.warning("deck %s: no checked version in the cache yet; showing the waiting slide "
                    "until the server answers", puller.display_url)
        result = waiting_deck(puller.display_url)
        return RemoteDeck(puller, None, trusted=trust is not None), result, result.files[0], None
    bundle, result = cached
    log.info("deck %s: version %d from the cache until the server answers",
             puller.display_url, bundle.version)
    source = RemoteDeck(puller, bundle, trusted=trust is not None)
    return source, result, bundle.deck_path, bundle.published


def _launch_image(args: argparse.Namespace, screen: QScreen, number: int, cache: Path | None,
                  animations: bool) -> Launch | None:
    """Fullscreen starts: the last start's first frame on screen before the deck loads (see
    kiosk.core.launch)."""
    if args.windowed:
        return None
    try:
        from kiosk.core.files import cache_root
        from kiosk.core.launch import LaunchStore
        from kiosk.qt.launch import Launch, context

        store = LaunchStore(cache_root(cache) / "launch", number)
        launch = Launch(store, context(Path(args.deck), screen, rotate=args.rotate,
                                       animations=animations, lang=args.lang))
        launch.show(screen)
        return launch
    except Exception:  # a picture to bridge the load is never worth a failed start
        log.exception("the launch image failed; starting without it")
        return None


def single_instance(screen: int) -> QLockFile | None:
    """One show per screen: a lock file per screen number (stale locks are taken over)."""
    lock = _screen_lock(screen)
    return lock if lock.tryLock(100) else None


def take_over(screen: int) -> QLockFile | None:
    """Supervised: stop the show that holds ``screen`` unless a live supervisor runs it, and
    take the screen (:func:`kiosk.supervision.replace_orphan`); None if it stays."""
    lock = _screen_lock(screen)
    pid = int(lock.getLockInfo()[0])  # QLockFile keeps the holder's pid in the file
    if not replace_orphan(pid, screen, len(QGuiApplication.screens())):
        return None
    if lock.tryLock(100):
        return lock
    lock.removeStaleLockFile()  # its holder is gone, or a zombie that nobody reaps yet
    return lock if lock.tryLock(1000) else None


def _screen_lock(screen: int) -> QLockFile:
    folder = runtime_dir()  # this user's alone: a lock there names only our shows (#18)
    lock = QLockFile(str(folder / f"kiosk-screen-{screen}.lock"))
    lock.setStaleLockTime(0)  # a crashed show's lock (dead pid) does not block a restart
    return lock


def _converter_command() -> list[str]:
    """The helper that converts zh-Hant texts out of the show's own memory (#14): this
    kiosk's console program (on Windows kiosk.exe, not kioskw.exe: its output is read)."""
    import sys

    from kiosk.resources import kiosk_command

    if getattr(sys, "frozen", False):
        console = Path(sys.executable).with_name("kiosk.exe")
        exe = str(console) if sys.platform == "win32" and console.exists() else sys.executable
        return [exe, "convert-zh-hant"]
    return kiosk_command("convert-zh-hant")
