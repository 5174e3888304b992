"""Keep the screen awake while the show runs, and let it sleep again afterwards.

Linux: the freedesktop ScreenSaver D-Bus ``Inhibit`` where a session offers it, otherwise
``xset s off -dpms``. Windows: ``SetThreadExecutionState``. Never fails; logs once.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys

log = logging.getLogger(__name__)


class ScreenAwake:
    def __init__(self) -> None:
        self.method: str | None = None
        self._cookie: int | None = None

    def hold(self) -> None:
        try:
            if sys.platform == "win32":
                self._windows(True)
            elif self._dbus_inhibit() or self._xset(True):
                pass
        except Exception as exc:  # never let power management stop the show
            log.warning("could not keep the screen awake: %s", exc)
        if self.method is None:
            log.warning("cannot keep the screen awake here (no ScreenSaver D-Bus, no xset); "
                        "check the machine's power settings")
        else:
            log.info("screen kept awake via %s", self.method)

    def release(self) -> None:
        try:
            if self.method == "dbus" and self._cookie is not None:
                self._bus_call("UnInhibit", self._cookie)
            elif self.method == "xset":
                self._xset(False)
            elif self.method == "windows":
                self._windows(False)
        except Exception as exc:
            log.warning("could not release the screen-awake hold: %s", exc)
        self.method = None

    # ------------------------------------------------------------------ back ends
    def _dbus_inhibit(self) -> bool:
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return False
        reply = self._bus_call("Inhibit", "kiosk", "exhibition show running")
        if reply is None:
            return False
        self._cookie = int(str(reply))
        self.method = "dbus"
        return True

    @staticmethod
    def _bus_call(method: str, *args: object) -> object | None:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage

        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return None
        screensaver = QDBusInterface("org.freedesktop.ScreenSaver",
                                     "/org/freedesktop/ScreenSaver",
                                     "org.freedesktop.ScreenSaver", bus)
        if not screensaver.isValid():
            return None
        reply = screensaver.call(method, *args)
        if reply.type() == QDBusMessage.MessageType.ErrorMessage:
            return None
        values = reply.arguments()
        return values[0] if values else True

    def _xset(self, hold: bool) -> bool:
        if not os.environ.get("DISPLAY") or shutil.which("xset") is None:
            return False
        args = ["s", "off", "-dpms"] if hold else ["s", "on", "+dpms"]
        done = subprocess.run(["xset", *args], capture_output=True, timeout=10)
        if done.returncode != 0:
            return False
        self.method = "xset" if hold else None
        return True

    def _windows(self, hold: bool) -> None:
        import ctypes

        continuous, system, display = 0x80000000, 0x00000001, 0x00000002
        flags = continuous | system | display if hold else continuous
        ctypes.windll.kernel32.SetThreadExecutionState(flags)  # type: ignore[attr-defined]
        self.method = "windows" if hold else None
