"""Hardening figures for issue #18: memory, exit and UI stalls under hostile feeds.

    .venv/bin/python bench/hardening.py [--only rss|exit|stall] [--runs 5] [--seconds 20]
                                        [--window N] [--root TREE]

Each figure runs the real ``kiosk run --windowed`` in a child process (offscreen Qt):

* ``rss``: a chart fed by a file feed on ``/dev/urandom``. The child's RSS is read from
  /proc every 20 ms for ``--seconds``; the peak is printed beside the same deck fed by a
  small CSV (the show's own baseline). Target: under 300 MB.
* ``exit``: eight HTTP feeds against a server that trickles one byte every 0.2 s (each
  fetch has a 60 s timeout, so all eight are stuck) and a deck reload that never returns
  (``load_deck`` replaced by a wait, as on a hung network share), plus a thread-pool
  job that never ends (as a stuck image decode would be). ``--exit-after 3``
  ends the show; the time from the "show ended" log line (read from the child's stderr
  as it is written) to the process's end is printed, for each of ``--runs``. Target:
  under 2 s.
* ``stall``: a chart fed by a 1,000,000-row CSV (9.9 MB) that is replaced (os.replace)
  every second. The status file is written by a 1 s timer on the UI thread; this script
  polls its mtime every 2 ms, and the longest gap between two writes, less the timer's
  1 s, is the longest UI stall. The same deck fed by a small CSV gives the baseline
  (the timer's own jitter). Target: under 250 ms. ``--window N`` gives the feed a window
  of N points (default: the feed's own, 300; at most 100,000): the chart then draws up to
  N points on every rewrite.

``--root`` runs another checkout (for example the code before #18) with this script.
Prints ``name=value`` lines.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import memory_mb

from tests.feed_server import TrickleServer

ROOT = Path(__file__).resolve().parent.parent


def chart_deck(path: Path, source: dict[str, object]) -> Path:
    path.write_text(json.dumps({"title": "bench", "sources": {"data": source}, "slides": [
        {"type": "chart", "title": "数据", "series": [{"name": "数据", "source": "data"}]}]}),
        encoding="utf-8")
    return path


def kiosk(root: Path, work: Path, deck: Path, seconds: float,
          prelude: str = "") -> subprocess.Popen[str]:
    """``kiosk run --windowed`` of ``deck`` from ``root``; stderr is piped (the log)."""
    script = prelude + "\nimport sys\nfrom kiosk.cli import main\nsys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(work),
           "KIOSK_CACHE_DIR": str(work / "cache"), "PYTHONPATH": str(root)}
    return subprocess.Popen(
        [sys.executable, "-c", script, "run", str(deck), "--windowed", "--exit-after",
         str(seconds), "--log-dir", str(work / "log"), "--status-file",
         str(work / "status.json")],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(show: subprocess.Popen[str], timeout: float) -> str:
    try:
        _, err = show.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        show.kill()
        _, err = show.communicate()
        err += "\n(killed: did not exit)"
    return err


# ---------------------------------------------------------------- rss
def peak_rss(root: Path, work: Path, source: dict[str, object], seconds: float) -> float:
    deck = chart_deck(work / "deck.yaml", source)
    show = kiosk(root, work, deck, seconds)
    peak = 0.0
    while show.poll() is None:
        peak = max(peak, memory_mb(show.pid, "Rss"))
        if peak > 4000:  # old code: 200 MB/s; stop before the machine suffers
            show.kill()
            break
        time.sleep(0.02)
    finish(show, 60)
    return peak


def bench_rss(root: Path, seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="kiosk-rss-") as tmp:
        work = Path(tmp)
        csv = work / "small.csv"
        csv.write_text("x,y\n1,2\n2,3\n", encoding="utf-8")
        base = peak_rss(root, work, {"kind": "file", "path": str(csv)}, seconds)
        noise = peak_rss(root, work, {"kind": "file", "path": "/dev/urandom",
                                      "format": "csv"}, seconds)
    print(f"rss_peak_small_csv_mb={base:.0f}")
    print(f"rss_peak_dev_urandom_mb={noise:.0f}  (target < 300)")


# ---------------------------------------------------------------- exit
STUCK_RELOAD = textwrap.dedent("""
    import concurrent.futures, threading
    import kiosk.qt.controller as controller
    controller.FileWatcher.changed = lambda self: True
    controller.load_deck = lambda path: threading.Event().wait()
    # and a pool job that never ends (a stuck image decode): joined at exit by Python
    concurrent.futures.ThreadPoolExecutor(1).submit(threading.Event().wait)
""")


def exit_time(root: Path, work: Path, url: str) -> tuple[float | None, str]:
    deck = work / "deck.yaml"
    deck.write_text(json.dumps({"title": "bench", "sources": {
        f"feed{i}": {"kind": "http", "url": url, "timeout": "60s"} for i in range(8)},
        "slides": [{"type": "figures", "title": "数据", "items": [
            {"value": {"source": f"feed{i}"}, "label": str(i)} for i in range(j, j + 4)]}
            for j in (0, 4)]}), encoding="utf-8")
    show = kiosk(root, work, deck, 3, STUCK_RELOAD)
    ended: list[float] = []
    lines: list[str] = []

    def read() -> None:
        assert show.stderr is not None
        for line in show.stderr:
            lines.append(line)
            if "show ended" in line:
                ended.append(time.perf_counter())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        show.wait(timeout=60)
        gone = time.perf_counter()
    except subprocess.TimeoutExpired:
        show.kill()
        show.wait()
        return None, "".join(lines[-5:])
    reader.join(5)
    return (gone - ended[0] if ended else None), "".join(lines[-5:])


def bench_exit(root: Path, runs: int) -> None:
    server = TrickleServer("headers")
    times = []
    try:
        for run in range(runs):
            with tempfile.TemporaryDirectory(prefix="kiosk-exit-") as tmp:
                seconds, tail = exit_time(root, Path(tmp), server.url)
            if seconds is None:
                print(f"exit_run{run}=did not exit within 60 s after start\n{tail}")
                continue
            times.append(seconds)
            print(f"exit_run{run}_s={seconds:.3f}")
    finally:
        server.stop()
    if times:
        print(f"exit_after_show_ended_median_s={statistics.median(times):.3f}")
        print(f"exit_after_show_ended_max_s={max(times):.3f}  (target < 2)")


# ---------------------------------------------------------------- stall
def longest_gap(root: Path, work: Path, rows: int, seconds: float,
                window: int | None = None) -> tuple[float, int, dict[str, object]]:
    """(longest gap between status writes in s, writes seen, the feed's last status) with
    a ``rows``-row CSV replaced every second."""
    versions = []
    for n in range(2):  # two contents, so that every replace is a change
        path = work / f"v{n}.csv"
        path.write_text("x,y\n" + "".join(f"{i},{(i + n) % 97}\n" for i in range(rows)),
                        encoding="utf-8")
        versions.append(path.read_bytes())
    target = work / "data.csv"
    target.write_bytes(versions[0])
    source: dict[str, object] = {"kind": "file", "path": str(target), "refresh": "1s"}
    if window is not None:
        source["window"] = window
    deck = chart_deck(work / "deck.yaml", source)
    stop = threading.Event()

    def rewrite() -> None:
        n = 0
        while not stop.wait(1.0):
            n += 1
            temp = work / "data.tmp"
            temp.write_bytes(versions[n % 2])
            os.replace(temp, target)

    status = work / "status.json"
    show = kiosk(root, work, deck, seconds)
    writer = threading.Thread(target=rewrite, daemon=True)
    writer.start()
    stamps: list[int] = []
    try:
        while show.poll() is None:
            try:
                stamp = os.stat(status).st_mtime_ns
            except OSError:
                stamp = None
            if stamp is not None and (not stamps or stamp != stamps[-1]):
                stamps.append(stamp)
            time.sleep(0.002)
    finally:
        stop.set()
        finish(show, 60)
    steady = stamps[2:-1]  # past the start (first paint, first fetch) and before the end
    gaps = [(b - a) / 1e9 for a, b in itertools.pairwise(steady)]
    feed = json.loads(status.read_text(encoding="utf-8"))["sources"]["data"]
    return (max(gaps) if gaps else float("nan")), len(stamps), feed


def bench_stall(root: Path, seconds: float, window: int | None = None) -> None:
    results = {}
    if window is not None:
        print(f"stall_window={window}")
    for name, rows in (("small_csv", 3), ("million_row_csv", 1_000_000)):
        with tempfile.TemporaryDirectory(prefix="kiosk-stall-") as tmp:
            gap, writes, feed = longest_gap(root, Path(tmp), rows, seconds, window)
        results[name] = gap
        print(f"stall_{name}_longest_status_gap_s={gap:.3f} ({writes} writes; feed at the "
              f"end: {feed['state']}, {feed['points']} points, updated {feed['updated']})")
    for name, gap in results.items():
        note = "  (target < 250)" if name == "million_row_csv" else ""
        print(f"stall_{name}_ms={max(0.0, gap - 1.0) * 1000:.0f}{note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("rss", "exit", "stall"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--window", type=int, default=None,
                        help="stall: the feed's window (points drawn), up to 100000")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to run")
    args = parser.parse_args()
    root = args.root.resolve()
    print(f"root={root}")
    if args.only in (None, "rss"):
        bench_rss(root, args.seconds)
    if args.only in (None, "exit"):
        bench_exit(root, args.runs)
    if args.only in (None, "stall"):
        bench_stall(root, args.seconds, args.window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
