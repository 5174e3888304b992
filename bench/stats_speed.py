"""How long ``kiosk stats`` takes on a simulated week of a hall (#16 acceptance: under 10 s
for about a million events, the PNG included).

    .venv/bin/python bench/stats_speed.py [--events 1000000] [--runs 3] [--keep DIR]

Generates the week with bench/week_events.py (40 screens' logs, in a temporary folder unless
``--keep``), then times the whole command as an operator runs it, in a fresh process each
run: ``python -m kiosk.stats.cli screen-*.jsonl --deck slides/zhuhai.yaml --out report.png``
(start-up, imports, the deck, reading, the table and the picture). Prints ``name=value``
lines: the median and worst seconds, events per second, and the PNG's path when kept.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the week and report.png here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-stats-") as temp:
        folder = args.keep or Path(temp)
        hall = folder / "hall"
        subprocess.run([sys.executable, str(REPO / "bench" / "week_events.py"), str(hall),
                        "--events", str(args.events)], check=True)
        logs = sorted(str(p) for p in hall.glob("screen-*.jsonl"))
        out = folder / "report.png"
        command = [sys.executable, "-m", "kiosk.stats.cli", *logs, "--deck",
                   str(REPO / "slides" / "zhuhai.yaml"), "--out", str(out)]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        times, events = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                sys.exit(f"kiosk stats failed:\n{done.stderr}")
            events = int(done.stdout.split(" events", 1)[0].replace(",", ""))
        median, worst = statistics.median(times), max(times)
        print(f"events={events}")
        print(f"files={len(logs)}")
        print(f"seconds_median={median:.2f}")
        print(f"seconds_worst={worst:.2f}")
        print(f"events_per_second={events / median:,.0f}")
        print(f"target_seconds={TARGET_S} {'ok' if worst < TARGET_S else 'OVER'}")
        if args.keep:
            print(f"png={out}")
    return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
