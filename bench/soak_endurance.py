"""Endurance, accelerated: weeks of a show's churn in minutes, on a fake clock.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/soak_endurance.py [--scale 1.0]

Drives the real ``Show`` (window, stage, views, feed hub, reload watcher) through:
- 20,000 slide changes (fade and slide transitions of 0.2 s, every frame of each painted);
- 1,000,000 feed updates across 3 ``file`` feeds, fetched on the hub's worker threads;
- every 1,000 updates of a feed, 20 fetches of garbage: the feed fails, then recovers;
- 200 hot reloads of the deck (the title alternates, so each one is a real replace).
Memory (PSS, RSS, and glibc's own account of its heap) and counts of QObjects, QTimers,
threads, open files and plot items are sampled after a warm-up (10 %), in the middle and at
the end. Growth is judged on RSS: PSS also moves when other processes share the libraries.
Like ``kiosk run``, the run tunes malloc first (kiosk/memory.py). ``--scale 0.1`` runs a
tenth of everything. Prints ``name=value`` lines and a table. Target (issue #7): memory
growth under 5 % after warm-up, counts flat.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import yaml
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QImage

from kiosk.core import load_deck
from kiosk.memory import tune_malloc
from kiosk.qt.app import make_app
from kiosk.qt.controller import Show
from kiosk.resources import asset

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Clock, malloc_mb, memory_mb

TICK = 0.1  # simulated seconds per step: each feed is due every step
FEEDS = ("a", "b", "c")


def deck(title: str, folder: Path) -> dict:
    return {
        "title": title,
        "defaults": {"duration": "1.5s", "transition": {"type": "fade", "duration": "200ms"}},
        "sources": {name: {"kind": "file", "path": str(folder / f"{name}.json"),
                           "refresh": "100ms", "window": 300} for name in FEEDS},
        "slides": [
            {"type": "figures", "title": "实时数字", "items": [
                {"value": {"source": "a"}, "unit": "%", "label": "甲", "decimals": 1},
                {"value": {"source": "b"}, "unit": "架次", "label": "乙", "decimals": 0}]},
            {"type": "chart", "title": "实时曲线", "transition": {"type": "slide",
                                                              "duration": "200ms"},
             "series": [{"name": n, "source": n} for n in FEEDS]},
            {"type": "photo", "image": str(folder / "photo.jpg"),
             "caption": "示意图", "credit": "示意图 · Illustration"},
            {"type": "chart", "chart": "bar", "title": "柱状",
             "series": [{"name": "x", "data": [["一", 1], ["二", 2], ["三", 3]]}]},
            {"type": "title", "title": title},
        ],
    }


def counts(show: Show) -> dict[str, float]:
    gc.collect()
    window = show.window
    tree = show.findChildren(QObject) + window.findChildren(QObject)
    wrappers = sum(1 for o in gc.get_objects() if isinstance(o, QObject))
    plot_items = sum(len(v._widget.getPlotItem().items) for v in window.stage._views.values()
                     if getattr(v, "_widget", None) is not None)
    with open("/proc/self/status") as status:
        os_threads = next(int(line.split()[1]) for line in status if line.startswith("Threads:"))
    pss, rss = round(memory_mb(os.getpid()), 1), round(memory_mb(os.getpid(), "Rss"), 1)
    return {"pss_mb": pss, "rss_mb": rss, "qobjects": len(tree),
            "qobject_wrappers": wrappers,
            "qtimers": len(show.findChildren(QTimer) + window.findChildren(QTimer)),
            "py_threads": threading.active_count(), "os_threads": os_threads,
            "open_files": len(os.listdir("/proc/self/fd")), "plot_items": plot_items,
            "views": len(window.stage._views), **malloc_mb()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    changes_goal = round(20_000 * args.scale)
    updates_goal = round(1_000_000 * args.scale)
    reloads_goal = round(200 * args.scale)

    logging.disable(logging.WARNING)  # the failures are intended; their log lines are not news
    tune_malloc()  # as `kiosk run` does, before Qt allocates anything
    app = make_app()
    # the feed files change 30 times a simulated second: keep them in memory where there is
    # a tmpfs (on this machine an open() in /tmp costs 0.3 ms, in /dev/shm 0.02 ms)
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="kiosk-endurance-",
                                   dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None))
    path = folder / "deck.yaml"
    # the demo illustration, at the size this run shows it: decoding the full 2.6 MP PNG on
    # every pass (46 ms) would measure PNG decoding 4,000 times, not the show's churn
    QImage(str(asset("photos", "evtol-flight.webp"))).scaled(
        720, 405, Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation).save(str(folder / "photo.jpg"), quality=90)
    for name in FEEDS:
        (folder / f"{name}.json").write_text("0", encoding="utf-8")
    path.write_text(yaml.safe_dump(deck("耐久 A", folder), allow_unicode=True), encoding="utf-8")
    clock, wall = Clock(0.0), Clock(float(int(time.time())))
    show = Show(path, load_deck(path), status_file=folder / "status.json",
                cache_root=folder / "cache", clock=clock, wall=wall)
    for timer in show.findChildren(QTimer) + show.window.findChildren(QTimer):
        timer.blockSignals(True)  # this loop drives everything on the fake clock
    show.window.resize(640, 360)  # leaks, not paint cost, are what this run is about
    show.window.show()
    app.processEvents()

    updates = {name: 0 for name in FEEDS}
    seen_version = {name: 0 for name in FEEDS}
    garbage_left = {name: 0 for name in FEEDS}
    next_failure = {name: 1000 for name in FEEDS}
    failing = {name: False for name in FEEDS}
    failures = recoveries = reloads = changes = frames = 0
    last_index = show.window.index
    reload_every = max(1, updates_goal // max(1, reloads_goal) // len(FEEDS))
    samples: dict[str, dict[str, float]] = {}
    next_report = updates_goal // 10
    started = time.perf_counter()
    step = 0
    while sum(updates.values()) < updates_goal or changes < changes_goal:
        step += 1
        clock.now += TICK
        wall.now += TICK
        stamp_ns = int(wall.now * 1e9)
        for n, name in enumerate(FEEDS):
            if garbage_left[name] > 0:  # a broken upstream for 20 steps (2 simulated s)
                garbage_left[name] -= 1
                body = "{not json" if step % 2 else "<html>502 Bad Gateway</html>"
            else:
                body = json.dumps(round(50 + 40 * ((step * (n + 1)) % 97) / 97, 2))
            feed_file = folder / f"{name}.json"
            feed_file.write_text(body, encoding="utf-8")
            os.utime(feed_file, ns=(stamp_ns, stamp_ns))  # data time on the fake wall clock
        show.tick_feeds()  # starts the fetches on the hub's workers
        show.hub.wait_idle(timeout=10)
        show.tick_feeds()  # applies them, updates the views
        for name in FEEDS:
            feed = show.hub.feeds[name]
            if feed.error is not None and not failing[name]:
                failing[name] = True
                failures += 1
            elif feed.error is None and failing[name]:
                failing[name] = False
                recoveries += 1
            version = feed.version
            if version != seen_version[name]:
                updates[name] += version - seen_version[name]
                seen_version[name] = version
                if updates[name] >= next_failure[name]:
                    next_failure[name] += 1000
                    garbage_left[name] = 20
        show.window.poll()
        if show.window.index != last_index:
            changes += 1
            last_index = show.window.index
        if show.window.in_transition or step % 10 == 0:
            show.window.repaint()
            frames += 1
        if step % reload_every == 0 and reloads < reloads_goal:
            reloads += 1
            title = "耐久 B" if reloads % 2 else "耐久 A"
            path.write_text(yaml.safe_dump(deck(title, folder), allow_unicode=True),
                            encoding="utf-8")
            show.check_reload()
            show.wait_reload()
            last_index = show.window.index
        if step % 50 == 0:
            app.processEvents()
            # what returning to the event loop does in the real app: run deleteLater()s
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        total = sum(updates.values())
        if "warm-up" not in samples and total >= updates_goal * 0.1:
            samples["warm-up"] = counts(show)
        if "middle" not in samples and total >= updates_goal * 0.5:
            samples["middle"] = counts(show)
        if total >= next_report:  # progress, so a long run can be followed (and cut short)
            next_report += updates_goal // 10
            sample = counts(show)
            print(f"{100 * total / updates_goal:3.0f}% {time.perf_counter() - started:6.0f}s: "
                  f"changes {changes}, reloads {reloads}, failures {failures}, "
                  f"recoveries {recoveries}, "
                  + ", ".join(f"{k} {v}" for k, v in sample.items()), flush=True)
    samples["end"] = counts(show)
    seconds = time.perf_counter() - started
    show.stop()

    print(f"endurance_slide_changes={changes}")
    print(f"endurance_feed_updates={sum(updates.values())}")
    print(f"endurance_feed_failures={failures}")
    print(f"endurance_feed_recoveries={recoveries}")
    print(f"endurance_hot_reloads={reloads}")
    print(f"endurance_frames_painted={frames}")
    print(f"endurance_simulated_hours={clock.now / 3600:.1f}")
    print(f"endurance_real_seconds={seconds:.0f}")
    first, end = samples["warm-up"], samples["end"]
    for key in first:
        print(f"endurance_{key}_warmup={first[key]}")
        print(f"endurance_{key}_end={end[key]}")
    # judge growth on RSS: PSS also moves when other processes map the same libraries
    for kind in ("rss", "pss"):
        growth = 100 * (end[f"{kind}_mb"] - first[f"{kind}_mb"]) / first[f"{kind}_mb"]
        print(f"endurance_{kind}_growth_pct={growth:.1f}")
    print()
    print("| | " + " | ".join(samples) + " |")
    print("| --- |" + " --- |" * len(samples))
    for key in first:
        print(f"| {key} | " + " | ".join(str(s[key]) for s in samples.values()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
