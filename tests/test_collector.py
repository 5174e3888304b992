"""Qt objects in cyclic garbage die on the UI thread, never on a worker's (kiosk.qt.collector).

CI segfaulted in the Qt event loop: the stage's decode thread ran ``gc.collect()`` and destroyed
a window and timers left by an earlier test; CPython's automatic collection, on whichever
thread allocates (paho's, a feed's), is the same hazard."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading

from PySide6.QtCore import Qt, QTimer

from kiosk.core import chinese, load_deck
from kiosk.qt import stage as stage_module
from kiosk.qt.collector import FULL_EVERY_S, UiThreadCollector

from .conftest import DEMO_DECK, REPO, FakeClock


def _qt_cycle(died_in: list[str]) -> None:
    """A QTimer (a QObject living on this thread) that only a reference cycle keeps."""
    timer = QTimer()
    holder = {"timer": timer}
    holder["self"] = holder  # the cycle: only the cyclic collector frees it
    timer.destroyed.connect(lambda *_: died_in.append(threading.current_thread().name),
                            Qt.ConnectionType.DirectConnection)


def _allocate(keep: list[object], n: int = 50_000) -> None:
    """What a feed's parser or paho's reader does: allocate container objects, many of
    them; CPython would collect on this thread as soon as gen 0 passes its threshold."""
    keep.extend([i] for i in range(n))


def _garbage_then_a_busy_worker() -> tuple[list[str], list[object]]:
    """A fresh Qt cycle, then a worker thread ("paho-like") that allocates past gen 0's
    threshold; returns where the Qt object died so far, and what the worker allocated."""
    gc.collect()
    died_in: list[str] = []
    _qt_cycle(died_in)
    keep: list[object] = []
    worker = threading.Thread(target=_allocate, args=(keep,), name="paho-like")
    worker.start()
    worker.join(30)
    return died_in, keep


def test_a_qt_object_in_cyclic_garbage_dies_on_the_ui_thread(qapp, qtbot, ui_thread_gc) -> None:
    ui_thread_gc.timer.stop()  # the session's collector would take the cycle first, at times
    collector = UiThreadCollector(qapp, interval_ms=50)
    try:
        assert not gc.isenabled()
        died_in, keep = _garbage_then_a_busy_worker()
        assert died_in == []  # the worker's allocations collected nothing
        # gen 0 is over its threshold now: the UI thread's timer collects it, here
        qtbot.waitUntil(lambda: bool(died_in), timeout=5000)
        assert died_in == ["MainThread"]
        assert collector.collections[0] >= 1
        del keep
    finally:
        collector.stop()
        ui_thread_gc.timer.start()


def test_the_collector_collects_the_generations_cpython_would(qapp) -> None:
    collector = UiThreadCollector(qapp, interval_ms=60_000)  # checked by hand below
    try:
        gc.collect()
        collector.check()
        assert collector.collections == [0, 0, 0]  # nothing over its threshold: nothing done
        keep: list[object] = []
        _allocate(keep, collector.thresholds[0] + 100)
        collector.check()
        assert collector.collections == [1, 0, 0]
        del keep
    finally:
        collector.stop()


def test_a_full_collection_runs_at_most_every_ten_minutes(qapp) -> None:
    """A full collection walks every object (a hitch in a transition): when the counters ask
    for one sooner, the younger generations are collected instead."""
    def all_due(keep: list[object]) -> None:  # every generation's count over a zero threshold
        gc.collect(1)  # count 2 > 0
        gc.collect(0)  # count 1 > 0
        _allocate(keep, 10)  # count 0 > 0
        assert all(c > 0 for c in gc.get_count())

    clock = FakeClock()
    collector = UiThreadCollector(qapp, interval_ms=60_000, thresholds=(0, 0, 0), clock=clock)
    try:
        keep: list[object] = []
        for _ in range(3):
            all_due(keep)
            collector.check()
        assert collector.collections == [0, 3, 0]  # the full ones asked for: not yet
        clock.advance(FULL_EVERY_S)
        all_due(keep)
        collector.check()
        assert collector.collections == [0, 3, 1]
        all_due(keep)
        collector.check()
        assert collector.collections == [0, 4, 1]  # and again not for ten minutes
    finally:
        collector.stop()


def test_a_full_collection_runs_every_ten_minutes_whatever_the_counters_say(qapp) -> None:
    """Python 3.14's incremental collector counts generations differently: old cycles are
    collected every ten minutes all the same, while anything at all is due."""
    clock = FakeClock()
    never = 10**9
    collector = UiThreadCollector(qapp, interval_ms=60_000, thresholds=(0, never, never),
                                  clock=clock)
    try:
        keep: list[object] = []
        _allocate(keep, 1000)  # gen 0 due, nothing older
        collector.check()
        assert collector.collections == [1, 0, 0]
        clock.advance(FULL_EVERY_S)
        _allocate(keep, 1000)
        assert gc.get_count()[0] > 0
        collector.check()
        assert collector.collections == [1, 0, 1]
    finally:
        collector.stop()


def test_without_it_a_worker_thread_would_collect(qapp) -> None:
    """The hazard itself, so that the test above cannot pass for a wrong reason: with
    CPython's automatic collection on, the worker's allocations destroy the Qt object there."""
    was = gc.isenabled()
    gc.enable()
    try:
        died_in, _keep = _garbage_then_a_busy_worker()
        assert died_in == ["paho-like"]
    finally:
        if not was:
            gc.disable()


def test_kiosk_run_collects_on_the_ui_thread(tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", str(DEMO_DECK), "--windowed", "--exit-after",
         "1", "--log-level", "DEBUG", "--log-dir", str(tmp_path / "log"), "--cache-dir",
         str(tmp_path / "cache")],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "cyclic garbage is collected on the UI thread" in done.stderr


def test_warming_traditional_chinese_on_the_worker_collects_nothing(qapp, qtbot,
                                                                    monkeypatch) -> None:
    """The path that crashed: 800 ms after the first frame the stage derives the zh-Hant texts
    on its decode thread, then let OpenCC go with a ``gc.collect()`` there, destroying an older
    show's window and timers off the UI thread (a timer then fired on a freed object)."""
    from PySide6.QtCore import QSize

    released: list[str] = []
    real_release = chinese.release
    monkeypatch.setattr(chinese, "release", lambda: (
        released.append(threading.current_thread().name), real_release())[1])
    chinese.set_cache_dir(None)
    deck = load_deck(DEMO_DECK).deck  # fresh: its Traditional texts are not derived yet
    assert deck is not None and "zh-Hant" in deck.languages
    stage = stage_module.Stage(deck, QSize(640, 360))
    gc.collect()
    died_in: list[str] = []
    _qt_cycle(died_in)
    stage.warm_languages()
    stage.close()  # waits for the worker
    assert released and released[0].startswith("kiosk-decode")  # the path was taken
    assert died_in == []  # nothing of Qt died there
    gc.collect()
    assert died_in == ["MainThread"]


def test_only_the_ui_thread_collector_calls_gc_collect() -> None:
    """kiosk's code cannot know on which thread it runs: a ``gc.collect()`` anywhere else may
    run on a worker and destroy Qt objects there."""
    import ast

    callers = []
    for path in (REPO / "kiosk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "collect" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "gc"):
                callers.append(path.relative_to(REPO).as_posix())
    assert sorted(set(callers)) == ["kiosk/qt/collector.py"]
