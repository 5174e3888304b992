"""`kiosk autostart` writes and removes a login entry that runs the supervised show."""

from __future__ import annotations

import shlex
import sys

from kiosk.cli import main


def test_enable_status_disable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    entry = tmp_path / "autostart" / "kiosk.desktop"
    assert main(["autostart", "enable", "/srv/decks/展厅.yaml", "--screen", "1"]) == 0
    text = entry.read_text(encoding="utf-8")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert shlex.split(exec_line[5:]) == [sys.executable, "-m", "kiosk", "supervise",
                                          "/srv/decks/展厅.yaml", "--screen", "1"]
    assert "Type=Application" in text and "Terminal=false" in text
    assert main(["autostart", "status"]) == 0
    assert "autostart is enabled" in capsys.readouterr().out
    assert main(["autostart", "disable"]) == 0
    assert not entry.exists()
    assert main(["autostart", "disable"]) == 0
    assert capsys.readouterr().out.strip().endswith("autostart was not enabled")


def test_a_frozen_bundle_starts_itself_and_prefers_the_windowed_exe_on_windows(tmp_path,
                                                                              monkeypatch):
    from kiosk import resources

    exe = tmp_path / "kiosk.exe"
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    assert resources.kiosk_command("supervise", "d.yaml") == [str(exe), "supervise", "d.yaml"]
    monkeypatch.setattr(sys, "platform", "win32")
    assert resources.kiosk_command("run") == [str(exe), "run"]  # no kioskw.exe beside it
    (tmp_path / "kioskw.exe").write_bytes(b"")
    # the show and its supervisor run windowed: no console window behind the slides
    assert resources.kiosk_command("run") == [str(tmp_path / "kioskw.exe"), "run"]


def _kiosk(*argv: str):
    import subprocess

    return subprocess.run([sys.executable, "-m", "kiosk", *argv], capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def test_help_after_enable_prints_help_and_writes_no_entry(user_folders):
    """`kiosk autostart enable --help` wrote ~/.config/autostart/kiosk.desktop (#18): --help
    went to kiosk run through argparse.REMAINDER. A real process, HOME redirected."""
    entry = user_folders["XDG_CONFIG_HOME"] / "autostart" / "kiosk.desktop"
    for argv in (["enable", "--help"], ["enable", "deck.yaml", "-h"], ["status", "--help"]):
        done = _kiosk("autostart", *argv)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("usage: kiosk autostart"), done.stdout
        assert "{enable,disable,status}" in done.stdout
        assert not entry.exists() and not entry.parent.exists()


def test_supervise_help_prints_help_and_starts_no_show():
    """`kiosk supervise deck.yaml --help` ran `kiosk run deck.yaml --help` as its show and
    restarted it for ever (a show's exit 0 that nobody chose is restarted)."""
    done = _kiosk("supervise", "deck.yaml", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: kiosk supervise"), done.stdout
    assert "show started" not in done.stderr
