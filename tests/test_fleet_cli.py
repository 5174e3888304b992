"""A published deck's URL works everywhere a deck path does: run, supervise, autostart (#15).

Real processes, a real nginx and Debian's minisign: what an operator types, and what the
status file and the exit code tell them.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

from kiosk.cli import main

from .conftest import REPO
from .test_fleet_show import Hall


def _env(tmp_path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(tmp_path),
            "KIOSK_LOG_DIR": str(tmp_path / "log"), "KIOSK_CACHE_DIR": str(tmp_path / "c")}


def test_supervise_plays_a_published_deck_from_its_url(tmp_path):
    hall = Hall(tmp_path)
    hall.publish()
    hall.nginx.start()
    try:
        status = tmp_path / "status.json"
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "supervise", hall.url, "--trust", str(hall.trust),
             "--windowed", "--size", "640x360", "--status-file", str(status),
             "--exit-after", "6"],
            cwd=REPO, env=_env(tmp_path), capture_output=True, text=True, timeout=180)
    finally:
        hall.nginx.stop()
    assert done.returncode == 0, done.stderr
    document = json.loads(status.read_text(encoding="utf-8"))
    assert document["deck"] == hall.url
    assert document["deck_source"]["version"] == 1
    assert document["deck_source"]["signed"] is True
    assert document["deck_source"]["state"] == "ok"
    # the screen fetched the manifest, its signature and the deck's five files, once each
    paths = [path for _, path, code in hall.nginx.requests() if code == 200]
    assert paths[:2] == ["/manifest.json", "/manifest.json.minisig"]
    assert len(paths) == 2 + 5 and len(set(paths)) == len(paths)


def test_a_url_goes_into_the_login_entry_intact(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    url = "https://content.hall.example/厅1/manifest.json?screen=7&lang=zh"
    assert main(["autostart", "enable", url, "--trust", "/etc/kiosk/hall.pub"]) == 0
    text = (tmp_path / "autostart" / "kiosk.desktop").read_text(encoding="utf-8")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert shlex.split(exec_line[5:])[-4:] == ["supervise", url, "--trust",
                                               "/etc/kiosk/hall.pub"][-4:]


def test_operator_mistakes_get_one_line(tmp_path):
    env = _env(tmp_path)
    cases = [
        (["run", str(REPO / "slides" / "zhuhai.yaml"), "--trust", "k.pub"],
         "--trust is for a published deck's URL"),
        (["run", "ftp://example.org/manifest.json"], "http"),
        (["run", "http://127.0.0.1:9/manifest.json", "--trust", str(tmp_path / "none.pub")],
         "none.pub"),
    ]
    for args, words in cases:
        done = subprocess.run([sys.executable, "-m", "kiosk", *args, "--windowed"], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (args, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
