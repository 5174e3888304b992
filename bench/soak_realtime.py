"""Endurance in real time: the demo deck auto-playing under Xvfb, memory sampled every minute.

    .venv/bin/python bench/soak_realtime.py [--minutes 60] [--out bench/results]

Runs ``kiosk run`` on the demo deck with every live feed refreshing once a second, at
1920x1080, for MINUTES. Every minute it samples the show's proportional memory (PSS, child
processes included), RSS, threads and open files. Writes ``soak_realtime.csv`` and a plot,
``soak_realtime.png``, to OUT. Prints ``name=value`` lines: memory at the start, after the
warm-up (minute 5), at the end, and the growth after warm-up (target: under 5 %).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import memory_mb, start_xvfb
from steady import live_demo_deck

WARM_UP_MIN = 5


def threads_and_files(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    threads = int(next(line.split()[1] for line in status.splitlines()
                       if line.startswith("Threads:")))
    return threads, len(os.listdir(f"/proc/{pid}/fd"))


def plot(samples: list[tuple[float, float, float, int, int]], path: Path) -> None:
    if not os.environ.get("QT_QPA_PLATFORM"):  # set but empty counts as unset
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    w, h, left, bottom, top, right = 1200, 600, 90, 60, 50, 30
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(QFont("sans", 11))
    minutes = [s[0] for s in samples]
    top_mb = max(160.0, max(max(s[1], s[2]) for s in samples) * 1.15)
    span = max(1.0, max(minutes))
    area = QRectF(left, top, w - left - right, h - top - bottom)

    def at(minute: float, mb: float) -> QPointF:
        return QPointF(area.left() + area.width() * minute / span,
                       area.bottom() - area.height() * mb / top_mb)

    p.setPen(QPen(QColor("#dddddd"), 1))
    for mb in range(0, int(top_mb) + 1, 20):
        p.drawLine(at(0, mb), at(span, mb))
        p.setPen(QColor("#444444"))
        p.drawText(QRectF(0, at(0, mb).y() - 10, left - 8, 20),
                   int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"{mb} MB")
        p.setPen(QPen(QColor("#dddddd"), 1))
    p.setPen(QColor("#444444"))
    for minute in range(0, int(span) + 1, max(1, int(span) // 12)):
        x = at(minute, 0).x()
        p.drawText(QRectF(x - 30, area.bottom() + 6, 60, 20),
                   int(Qt.AlignmentFlag.AlignCenter), f"{minute} min")
    p.setPen(QPen(QColor("#dd4444"), 1, Qt.PenStyle.DashLine))
    p.drawLine(at(0, 135), at(span, 135))
    p.drawText(at(0, 135) + QPointF(6, -6), "target: 135 MB PSS")
    for column, colour, name in ((1, "#1f77b4", "PSS"), (2, "#999999", "RSS")):
        p.setPen(QPen(QColor(colour), 2.5))
        points = [at(s[0], s[column]) for s in samples]
        for a, b in itertools.pairwise(points):
            p.drawLine(a, b)
        p.drawText(points[-1] + QPointF(-60, -10), name)
    p.setPen(QColor("#000000"))
    p.setFont(QFont("sans", 14, QFont.Weight.Bold))
    p.drawText(QRectF(left, 10, w, 30), int(Qt.AlignmentFlag.AlignLeft),
               f"kiosk run, demo deck, feeds 1/s, Xvfb 1920x1080: memory over {span:.0f} min")
    p.end()
    image.save(str(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between samples")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="kiosk-soak-"))
    server, display = start_xvfb()
    samples: list[tuple[float, float, float, int, int]] = []
    try:
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        env.update(DISPLAY=display, KIOSK_LOG_DIR=str(work / "log"),
                   KIOSK_CACHE_DIR=str(work / "cache"), KIOSK_RUNTIME_DIR=str(work / "run"))
        show = subprocess.Popen([sys.executable, "-m", "kiosk", "run", str(live_demo_deck(work))],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        try:
            count = int(args.minutes * 60 / args.interval)
            for n in range(1, count + 1):
                time.sleep(max(0.0, started + n * args.interval - time.monotonic()))
                if show.poll() is not None:
                    sys.exit(f"the show exited after {n} samples ({show.returncode})")
                minute = (time.monotonic() - started) / 60
                threads, files = threads_and_files(show.pid)
                sample = (round(minute, 2), round(memory_mb(show.pid), 1),
                          round(memory_mb(show.pid, "Rss"), 1), threads, files)
                samples.append(sample)
                print(f"minute {minute:5.1f}: pss {sample[1]} MB, rss {sample[2]} MB, "
                      f"threads {threads}, files {files}", flush=True)
        finally:
            show.terminate()
            show.wait(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    csv = args.out / "soak_realtime.csv"
    csv.write_text("minute,pss_mb,rss_mb,threads,open_files\n" + "".join(
        ",".join(str(v) for v in s) + "\n" for s in samples), encoding="utf-8")
    plot(samples, args.out / "soak_realtime.png")
    per_minute = args.interval / 60
    warm = max(1, round(WARM_UP_MIN / per_minute))
    window = max(1, round(10 / per_minute))  # ten minutes of samples
    early = samples[warm:warm + window] or samples
    late = samples[-window:]

    def mean(rows: list[tuple[float, float, float, int, int]], column: int) -> float:
        return sum(r[column] for r in rows) / len(rows)

    # Means over ten-minute windows, not single samples: memory follows the slide on screen
    # (a photo holds a decoded image), and PSS also moves when other processes that share
    # the Qt libraries start or stop. RSS does not depend on those.
    print(f"soak_minutes={samples[-1][0]:.0f}")
    for column, name in ((1, "pss"), (2, "rss")):
        first, last = mean(early, column), mean(late, column)
        print(f"soak_{name}_mean_after_warmup_mb={first:.1f}")
        print(f"soak_{name}_mean_last_10min_mb={last:.1f}")
        print(f"soak_{name}_growth_pct={100 * (last - first) / first:.1f}")
        print(f"soak_{name}_min_max_mb={min(s[column] for s in samples)},"
              f"{max(s[column] for s in samples)}")
    print(f"soak_threads_first_last={samples[0][3]},{samples[-1][3]}")
    print(f"soak_open_files_first_last={samples[0][4]},{samples[-1][4]}")
    print(f"wrote {csv} and {args.out / 'soak_realtime.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
