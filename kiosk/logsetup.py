"""Logging for an unattended show: rotated files in the platform's log folder, stderr, and
hooks so that an exception anywhere is logged instead of ending the process."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path

log = logging.getLogger("kiosk")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES, BACKUPS = 2 * 1024 * 1024, 5


def log_dir(explicit: str | None = None) -> Path:
    """``--log-dir``, else ``KIOSK_LOG_DIR``, else the platform's log folder: Windows
    ``%LOCALAPPDATA%\\kiosk\\Logs`` (beside the cache's ``Cache``), Linux
    ``~/.local/state/kiosk/log``."""
    if explicit:
        return Path(explicit)
    if os.environ.get("KIOSK_LOG_DIR"):
        return Path(os.environ["KIOSK_LOG_DIR"])
    import platformdirs

    return Path(platformdirs.user_log_dir("kiosk", appauthor=False))


def setup_logging(level: str = "INFO", folder: str | None = None) -> Path | None:
    """Log to ``kiosk.log`` (5 x 2 MB, rotated) and stderr; return the file's path."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        root.removeHandler(handler)
    if sys.stderr is not None:  # None in a windowed Windows executable (kioskw.exe)
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stream)
    path: Path | None = log_dir(folder) / "kiosk.log"
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        rotating = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                        backupCount=BACKUPS, encoding="utf-8")
        rotating.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(rotating)
    except OSError as exc:
        log.warning("cannot write the log file %s (%s); logging to stderr only", path, exc)
        path = None
    install_excepthooks()
    return path


def install_excepthooks() -> None:
    """An exception in a Qt slot or a thread is logged; the show goes on."""

    def hook(kind: type[BaseException], value: BaseException, tb: object) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)  # type: ignore[arg-type]
            return
        log.critical("uncaught exception (the show goes on)", exc_info=(kind, value, tb))  # type: ignore[arg-type]

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.critical("uncaught exception in thread %s", args.thread.name if args.thread else "?",
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]

    sys.excepthook = hook
    threading.excepthook = thread_hook
