"""Two real `kiosk run` processes with a ``sync: clock`` deck agree on the slide (#15).

No screen talks to the other: each derives the slide from the wall clock. Their events logs
must list the same slides in the same order for the changes they share, and every change
must be the loop's change at its boundary (placed from its ``t`` and the deck, as
bench/sync.py does; how close in milliseconds is the bench's business, not a test's).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from .conftest import REPO

_spec = importlib.util.spec_from_file_location("bench_sync", REPO / "bench" / "sync.py")
assert _spec is not None and _spec.loader is not None
bench = sys.modules.setdefault("bench_sync", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(bench)


def test_two_screens_show_the_same_slide_at_each_boundary(tmp_path):
    deck = bench.make_deck(tmp_path, seconds=1, count=4)
    shows = []
    for name in ("a", "b"):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "KIOSK_LOG_DIR": str(tmp_path / name / "log"),
               "KIOSK_RUNTIME_DIR": str(tmp_path / name / "run")}
        shows.append(subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", str(deck), "--windowed", "--size",
             "640x360", "--exit-after", "6", "--events", str(tmp_path / f"{name}.jsonl"),
             "--cache-dir", str(tmp_path / name / "cache")],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    for show in shows:
        _, stderr = show.communicate(timeout=120)
        assert show.returncode == 0, stderr
    loop = bench.loop_for(deck)
    a, b = (bench.place(bench.read_changes(tmp_path / f"{name}.jsonl"), loop)
            for name in ("a", "b"))
    assert len(a) >= 3 and len(b) >= 3  # 1 s slides for ~6 s each
    # every change is the loop's: the slide the loop shows from the boundary it falls on
    assert [p.index for p in a] == [p.expected for p in a]
    assert [p.index for p in b] == [p.expected for p in b]
    assert [p.slot for p in a] == sorted({p.slot for p in a})  # one change per boundary
    shared = bench.pair(a, b)
    assert len(shared) >= 2, (a, b)
    assert [x.index for x, _ in shared] == [y.index for _, y in shared]
