"""A shortened accelerated run (bench/soak_accelerated.py runs 30 minutes): nothing grows."""

from __future__ import annotations

import sys

from .conftest import REPO


def test_no_growth_in_plot_items_timers_threads_or_memory(app):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from soak_accelerated import run_soak
    finally:
        sys.path.pop(0)
    samples = run_soak(minutes=4, report=lambda line: None)
    first, last = samples[0], samples[-1]
    assert last["plot_items"] == first["plot_items"] > 0
    assert last["threads"] <= first["threads"]
    assert last["qtimers"] == first["qtimers"]  # no timer objects pile up
    assert last["active_qtimers"] <= last["qtimers"]  # (which are running varies by moment)
    assert last["points"] == first["points"] == 300  # bounded by the source's window
    assert last["views"] <= 4  # the stage's LRU of views
    assert last["rss_mb"] - first["rss_mb"] < 25
