"""Startup: from process start to the first slide painted on a real (virtual) screen.

    .venv/bin/python bench/startup.py [--runs 5] [--frozen PATH]

Starts Xvfb at 1920x1080, then for each run launches ``kiosk run`` on the demo deck and polls
the screen from this process (XGetImage through Qt's xcb grab, about every 15 ms) until it
shows the first slide: the same pixels as ``kiosk export`` renders for slide 1 (mean
difference under 3 of 255, above the progress bar). The time is measured from just before
the launch, outside the app, so imports, deck loading, window mapping and the first paint are
all in it. Runs the source tree (``python -m kiosk``) and, when given or found, the frozen
bundle (``build/bundle/kiosk/kiosk`` or ``/opt/kiosk/kiosk``).

Each is timed twice: as a restart (the start before kept its first frame, which goes on screen
before the deck loads: kiosk.core.launch) and cold (that launch image removed before every
run, as on a first start or after the deck was edited). After the first slide appears, the
screen is watched for one more second: the worst difference from the slide in that second
shows whether anything else (a blank frame, a flicker) appeared while the live show took over.
Prints ``name=value`` lines and a table. Target (issue #7): median at most 0.6 s from source.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import start_xvfb

ROOT = Path(__file__).resolve().parent.parent
W, H = 1920, 1080
STARTS = ("restart", "cold")  # restart: the launch image from the start before; cold: none
STEP = 4  # compare every 4th pixel: the grab, not the comparison, should dominate a poll


def as_rgb(image) -> np.ndarray:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8)  # type: ignore[call-overload]
    rows = data.reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[: H * 9 // 10 : STEP, : image.width() : STEP, :3].astype(np.int16)


def reference(work: Path) -> np.ndarray:
    from PySide6.QtGui import QImage

    subprocess.run([sys.executable, "-m", "kiosk", "export", str(ROOT / "slides" / "zhuhai.yaml"),
                    str(work / "ref"), "--size", f"{W}x{H}"], check=True, capture_output=True,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return as_rgb(QImage(str(work / "ref" / "001.png")))


def time_to_first_slide(command: list[str], expected: np.ndarray, env: dict[str, str],
                        timeout: float = 20.0, watch: float = 0.0) -> tuple[float, int, float]:
    """Seconds until the first slide is on screen, polls made, and the largest difference
    from it seen during ``watch`` seconds after that (a blank or wrong frame while the live
    show takes over from the launch image would show here)."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    start = time.perf_counter()
    show = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    polls = 0
    try:
        while time.perf_counter() - start < timeout:
            seen = as_rgb(screen.grabWindow(0).toImage())
            polls += 1
            if np.abs(seen - expected).mean() < 3:
                found = time.perf_counter() - start
                worst = 0.0
                while time.perf_counter() - start < found + watch:
                    seen = as_rgb(screen.grabWindow(0).toImage())
                    worst = max(worst, float(np.abs(seen - expected).mean()))
                return found, polls, worst
        raise SystemExit(f"the first slide never appeared within {timeout} s: {command}")
    finally:
        show.terminate()
        show.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frozen", help="frozen kiosk executable (default: look for one)")
    parser.add_argument("--source-only", action="store_true", help="skip the frozen bundle")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kiosk-startup-"))
    server, display = start_xvfb()
    try:
        os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        from PySide6.QtGui import QGuiApplication

        _app = QGuiApplication(sys.argv[:1])
        # bytecode as `make demo` leaves it (an editable install compiles nothing itself)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kiosk")], check=True)
        expected = reference(work)
        base = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        base.update(KIOSK_LOG_DIR=str(work / "log"), KIOSK_RUNTIME_DIR=str(work / "run"))
        deck = str(ROOT / "slides" / "zhuhai.yaml")
        variants = {"source": [sys.executable, "-m", "kiosk", "run", deck]}
        frozen = args.frozen or next((p for p in (ROOT / "build" / "bundle" / "kiosk" / "kiosk",
                                                  Path("/opt/kiosk/kiosk")) if p.exists()), None)
        if frozen and not args.source_only:
            variants["frozen"] = [str(frozen), "run", deck]
        rows = []
        for (variant, command), start in itertools.product(variants.items(), STARTS):
            name = f"{variant}_{start}"
            cache = work / "cache" / name
            env = {**base, "KIOSK_CACHE_DIR": str(cache)}
            # once to warm the page cache and, for restarts, to keep the launch image
            time_to_first_slide(command, expected, env, watch=2.0)
            times, intervals, worst = [], [], 0.0
            for _ in range(args.runs):
                if start == "cold":
                    shutil.rmtree(cache / "launch", ignore_errors=True)
                seconds, polls, after = time_to_first_slide(command, expected, env, watch=1.0)
                times.append(seconds)
                intervals.append(seconds / polls)
                worst = max(worst, after)
            median = statistics.median(times)
            print(f"startup_{name}_median_s={median:.3f}")
            print(f"startup_{name}_poll_interval_ms={1000 * statistics.mean(intervals):.0f}")
            print(f"startup_{name}_runs_s={','.join(f'{t:.3f}' for t in times)}")
            print(f"startup_{name}_worst_diff_next_1s={worst:.2f}")
            rows.append((variant, start, median, min(times), max(times), worst))
        print()
        print("| variant | start | median | min | max | worst diff in the next 1 s |")
        print("| --- | --- | --- | --- | --- | --- |")
        for variant, start, median, low, high, worst in rows:
            print(f"| {variant} | {start} | {median:.2f} | {low:.2f} | {high:.2f} | {worst:.2f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
