"""Load and check a generated deck of 1,000 slides; print how long it takes.

    .venv/bin/python bench/load_1000.py [SLIDES]

Target (issue #2): well under a second on the 2-core CI machine.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from kiosk.core import load_deck


def make_deck(folder: Path, count: int) -> Path:
    png = folder / "p.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    lines = ["title: {zh: 压力测试, en: Load test}", "sources:",
             "  demo: {kind: sim, refresh: 1s}", "slides:"]
    for i in range(count):
        kind = i % 4
        if kind == 0:
            lines += ["  - type: title", f"    title: {{zh: 第{i}页, en: Slide {i}}}",
                      "    subtitle: 低空经济 · 云上智城", "    duration: 8s"]
        elif kind == 1:
            lines += ["  - type: figures", f"    title: 第{i}页", "    items:"]
            lines += [f'      - {{value: {i}.{j}5, unit: 亿元, label: 指标{j}, change: "+1.{j}%"}}'
                      for j in range(4)]
            lines += ["      - {value: {source: demo}, unit: 架次, label: 今日飞行}"]
        elif kind == 2:
            lines += ["  - type: chart", "    chart: line", "    series:",
                      "      - {name: 历史, data: [[2021, 1.5], [2022, 50.1], [2023, 72.4]]}",
                      "      - {name: 实时, source: demo}"]
        else:
            lines += ["  - type: photo", "    image: p.png", "    caption: 示意",
                      "    credit: 示意图"]
    path = folder / "big.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        deck = make_deck(Path(tmp), count)
        size_kb = deck.stat().st_size / 1024
        times = []
        for _ in range(5):
            start = time.perf_counter()
            result = load_deck(deck)
            times.append(time.perf_counter() - start)
        assert result.ok, result.problems[:3]
        print(f"deck: {count} slides, {size_kb:.0f} KiB of YAML")
        print(f"load+check: median {statistics.median(times) * 1000:.0f} ms, "
              f"best {min(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms (5 runs)")


if __name__ == "__main__":
    main()
