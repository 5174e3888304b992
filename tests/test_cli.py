"""`kiosk check`, `kiosk schema` and the no-display message, as an editor sees them."""

from __future__ import annotations

import os
import subprocess
import sys

from kiosk.cli import main

from .conftest import DEMO_DECK, REPO


def test_check_clean_deck_prints_summary(capsys):
    assert main(["check", str(DEMO_DECK)]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("slides/zhuhai.yaml: ok: ") or ": ok: " in out
    assert "title" in out and "figures" in out and "chart" in out and "photo" in out
    assert "loop " in out


def test_check_summary_counts(write, capsys):
    deck = write("d.yaml", """
title: t
defaults: {duration: 30s}
slides:
  - {type: title, title: a}
  - {type: title, title: b, duration: 1min}
  - {type: title, title: c, enabled: false}
""")
    assert main(["check", str(deck)]) == 0
    assert capsys.readouterr().out.strip().endswith(
        "ok: 2 slides (2 title), 1 disabled; loop 1m 30s")


def test_check_broken_deck_exits_1(write, capsys):
    deck = write("d.yaml", "title: t\nslides:\n  - {type: title}\n")
    assert main(["check", str(deck)]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("d.yaml:3: slides[0]: missing required key 'title'")
    assert "Traceback" not in captured.out + captured.err


def test_python_m_kiosk_and_console_script():
    out = subprocess.run([sys.executable, "-m", "kiosk", "check", str(DEMO_DECK)],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert ": ok: " in out.stdout


def test_run_without_display_says_so_in_one_line():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "kiosk", "run", "--exit-after", "1"],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith("kiosk: no display found")
