"""`kiosk run --status-file` writes the show's state while it runs (real timers)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

from .conftest import DEMO_DECK, REPO


def test_status_file_from_a_real_run(tmp_path):
    status = tmp_path / "status.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", str(DEMO_DECK), "--windowed", "--exit-after",
         "4", "--status-file", str(status), "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
        preexec_fn=lambda: os.umask(0o022))  # the usual umask of a login session
    assert done.returncode == 0, done.stderr
    # a monitoring agent running as another user can read it (#18 C: mkstemp made it 0600)
    assert stat.S_IMODE(status.stat().st_mode) == 0o644
    doc = json.loads(status.read_text(encoding="utf-8"))
    assert set(doc) == {"time", "deck", "deck_ok", "deck_errors", "slide", "paused", "sources",
                        "window", "clock"}
    assert doc["deck_ok"] is True and doc["deck_errors"] == []
    assert doc["slide"]["type"] == "title" and doc["paused"] is False
    assert set(doc["sources"]) == {"compute", "model_calls", "flights", "airborne"}
    compute = doc["sources"]["compute"]
    assert compute["state"] == "ok" and compute["points"] >= 3 and compute["error"] is None
    assert 55 <= compute["value"] <= 93
    assert doc["time"][:4].isdigit() and "T" in doc["time"]
    assert (tmp_path / "cache" / "feeds").is_dir()  # last good values kept for offline use
