"""Steady state and idle: memory (PSS) and CPU of the running show, under Xvfb 1920x1080.

    .venv/bin/python bench/steady.py [--frozen PATH] [--quick] [--extra-args "--metrics 9100"]

1. Auto-play of the demo deck with every live feed refreshing once a second: proportional
   memory (sum of PSS from /proc/PID/smaps_rollup, child processes included) after 30 s,
   and CPU time over the next 60 s as a percentage of one core.
2. Idle: a single static figures slide with a 60 s duration. After its count-up has ended
   (5 s), CPU over the next 30 s. Nothing should repaint.
The show runs as a separate process, started like an operator would (``kiosk run``).
``--quick`` shortens the windows to 10/20/10 s for a smoke run. ``--extra-args`` adds options to
both ``kiosk run`` commands (the cost of ``--metrics`` or ``--mqtt``, #16). Prints ``name=value``
lines.
Targets (issue #7): at most 135 MB PSS; at most 6 % of a core auto-playing, 1 % idle.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import family, memory_mb, start_xvfb

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    total = 0
    for member in family(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (after the comm field)
    return total / TICKS


def live_demo_deck(folder: Path) -> Path:
    """The demo deck with every source refreshing once a second (images made absolute)."""
    source = ROOT / "slides" / "zhuhai.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for spec in data.get("sources", {}).values():
        spec["refresh"] = "1s"
    for slide in data["slides"]:
        if "image" in slide:
            slide["image"] = str((source.parent / slide["image"]).resolve())
    path = folder / "live-demo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def static_deck(folder: Path) -> Path:
    path = folder / "static.yaml"
    path.write_text(yaml.safe_dump({
        "title": "idle", "slides": [{"type": "figures", "title": "2024年上半年 · 低空经济",
                                     "duration": "60s", "items": [
            {"value": "92.64", "unit": "亿元", "change": "+27.95%",
             "label": "低空经济产业产值"}]}]}, allow_unicode=True), encoding="utf-8")
    return path


def run_show(command: list[str], env: dict[str, str], phases: list[tuple[str, float]]):
    """Start the show; for each (kind, seconds) phase: wait, or measure CPU across it."""
    show = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    results: dict[str, float] = {}
    try:
        for kind, seconds in phases:
            start_cpu, start = cpu_seconds(show.pid), time.monotonic()
            time.sleep(seconds)
            if show.poll() is not None:
                sys.exit(f"the show exited early ({show.returncode}): {command}")
            if kind == "wait":
                results["pss_mb"] = memory_mb(show.pid)
            else:
                used = cpu_seconds(show.pid) - start_cpu
                results[kind] = 100 * used / (time.monotonic() - start)
        results["pss_end_mb"] = memory_mb(show.pid)
    finally:
        show.terminate()
        show.wait(timeout=30)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", help="run this frozen kiosk executable instead of source")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--extra-args", default="", metavar="ARGS",
                        help="more kiosk run options, one shell-quoted string")
    args = parser.parse_args()
    settle, window, idle = (10, 20, 10) if args.quick else (30, 60, 30)

    work = Path(tempfile.mkdtemp(prefix="kiosk-steady-"))
    server, display = start_xvfb()
    try:
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        env.update(DISPLAY=display, KIOSK_LOG_DIR=str(work / "log"),
                   KIOSK_CACHE_DIR=str(work / "cache"), KIOSK_RUNTIME_DIR=str(work / "run"))
        kiosk = [args.frozen] if args.frozen else [sys.executable, "-m", "kiosk"]
        label = "frozen" if args.frozen else "source"
        extra = shlex.split(args.extra_args)
        play = run_show([*kiosk, "run", str(live_demo_deck(work)), *extra], env,
                        [("wait", settle), ("cpu", window)])
        still = run_show([*kiosk, "run", str(static_deck(work)), *extra], env,
                         [("wait", 5), ("cpu", idle)])
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(f"steady_{label}_pss_after_{settle}s_mb={play['pss_mb']:.1f}")
    print(f"steady_{label}_pss_after_{settle + window}s_mb={play['pss_end_mb']:.1f}")
    print(f"steady_{label}_cpu_autoplay_pct={play['cpu']:.1f}")
    print(f"idle_{label}_cpu_static_pct={still['cpu']:.2f}")
    print(f"idle_{label}_pss_mb={still['pss_end_mb']:.1f}")
    print()
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| PSS after {settle} s of auto-play | {play['pss_mb']:.1f} MB | ≤ 135 MB |")
    print(f"| CPU over {window} s of auto-play, feeds at 1/s | {play['cpu']:.1f} % | ≤ 6 % |")
    print(f"| CPU on a static slide, {idle} s after the count-up | {still['cpu']:.2f} % | ≤ 1 % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
