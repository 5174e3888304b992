"""``kiosk autostart enable|disable|status``: start the supervised show at login.

Linux: an XDG autostart entry (``~/.config/autostart/kiosk.desktop``), which every desktop
session honours. Windows: the current user's ``Run`` registry key. Both run
``kiosk supervise`` with the deck and options given, so a crash or freeze is recovered.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from kiosk import resources

ENTRY_NAME = "kiosk.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "kiosk"


def command(run_args: list[str]) -> list[str]:
    """The command line that autostart runs (frozen bundle or source install)."""
    return resources.kiosk_command("supervise", *run_args)


def xdg_entry_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / ENTRY_NAME


# Desktop Entry spec, "The Exec key": an argument with one of these is quoted in "…", inside
# which " ` $ \ take a backslash; % is written %%. shlex.quote is shell quoting, which the
# spec does not use: its '…' and a raw newline made extra keys in the entry (#18 F).
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class AutostartError(ValueError):
    """An argument that cannot go into a login entry; the message says which and why."""


def check_args(run_args: list[str]) -> None:
    """Refuse control characters (a newline, a tab): no login entry can hold them safely."""
    for n, arg in enumerate(run_args, start=1):
        found = _CONTROL.search(arg)
        if found:
            raise AutostartError(
                f"argument {n} ({arg!r}) contains a control character "
                f"({found.group()!r}); autostart arguments must be printable text")


def exec_arg(arg: str) -> str:
    """One argument of an Exec key, quoted only when the spec requires it."""
    arg = arg.replace("%", "%%")  # % starts a field code (%f, %u …)
    if arg and not _RESERVED.intersection(arg):
        return arg
    return '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'


def desktop_entry(run_args: list[str]) -> str:
    check_args(run_args)
    quoted = " ".join(exec_arg(part) for part in command(run_args))
    exec_line = quoted.replace("\\", "\\\\")  # then the key file's own escaping of \
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=kiosk",
        "Name[zh_CN]=展厅大屏",
        "Comment=Exhibition-hall show (started at login by kiosk autostart)",
        f"Exec={exec_line}",
        "Icon=kiosk",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def enable(run_args: list[str]) -> str:
    check_args(run_args)
    if sys.platform == "win32":
        import winreg

        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0,  # type: ignore[attr-defined]
                            winreg.KEY_SET_VALUE) as key:  # type: ignore[attr-defined]
            value = " ".join(f'"{part}"' for part in command(run_args))
            winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, value)  # type: ignore[attr-defined]
        return f"HKCU\\{RUN_KEY}\\{RUN_VALUE}"
    path = xdg_entry_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(desktop_entry(run_args), encoding="utf-8")
    return str(path)


def disable() -> str | None:
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0,  # type: ignore[attr-defined]
                                winreg.KEY_SET_VALUE) as key:  # type: ignore[attr-defined]
                winreg.DeleteValue(key, RUN_VALUE)  # type: ignore[attr-defined]
        except FileNotFoundError:
            return None
        return f"HKCU\\{RUN_KEY}\\{RUN_VALUE}"
    path = xdg_entry_path()
    if not path.exists():
        return None
    path.unlink()
    return str(path)


def main(action: str, run_args: list[str]) -> int:
    if action == "enable":
        try:
            where = enable(run_args)
        except AutostartError as exc:
            print(f"kiosk autostart: {exc}; nothing was changed", file=sys.stderr)
            return 2
        print(f"kiosk will start at login ({where}): {' '.join(command(run_args))}")
    elif action == "disable":
        removed = disable()
        print(f"autostart removed ({removed})" if removed else "autostart was not enabled")
    elif sys.platform == "win32":
        print(f"autostart status: see HKCU\\{RUN_KEY}\\{RUN_VALUE}")
    elif xdg_entry_path().exists():
        print(f"autostart is enabled: {xdg_entry_path()}")
    else:
        print("autostart is not enabled")
    return 0
