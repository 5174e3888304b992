"""The line breaker's cost per slide (#13): BudouX phrases, kinsoku, fit to the floor.

    .venv/bin/python bench/linebreak.py [--size 1920x1080] [--lang zh] [--runs 5]

Renders each enabled slide of the demo deck headless and times the text layouts its views
ask for (kiosk.qt.text.layout: BudouX, the line fitter and Qt's measuring), per slide:

* cold: every cache emptied first (BudouX's phrases, the layouts, the font metrics), as on
  the first showing of a slide or after a language change;
* cached: the same slide painted again, as when its static layer is rebuilt (a resize, a
  feed's new data): the layouts come from the cache.

A view paints its static layer once per slide, so neither is paid per frame. Prints
``name=value`` lines (milliseconds; median and max over the slides, best of --runs) and the
one-off cost of loading BudouX's model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deck", default=str(ROOT / "slides" / "zhuhai.yaml"))
    args = parser.parse_args()

    from PySide6.QtCore import QSize

    from kiosk.core import linebreak
    from kiosk.core.loader import load_deck
    from kiosk.qt import text
    from kiosk.qt.app import make_app
    from kiosk.qt.fonts import load_fonts
    from kiosk.qt.stage import Stage

    app = make_app()
    deck = load_deck(args.deck).deck
    assert deck is not None
    load_fonts(traditional="zh-Hant" in deck.languages)
    start = time.perf_counter()
    linebreak._parser(linebreak.model_for(args.lang))
    model_ms = (time.perf_counter() - start) * 1000

    spent = [0.0]
    calls = [0]
    inner = text._layout

    def timed(*a: object) -> object:  # text.layout calls it for every layout a view asks for
        t0 = time.perf_counter()
        try:
            return inner(*a)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - t0
            calls[0] += 1

    text._layout = timed  # type: ignore[assignment]
    width, height = (int(v) for v in args.size.split("x"))
    stage = Stage(deck, QSize(width, height), lang=args.lang, animations=False)
    enabled = [i for i, s in enumerate(deck.slides) if s.enabled]
    cold: dict[int, float] = {}
    cached: dict[int, float] = {}
    counts: dict[int, int] = {}
    for _ in range(args.runs):
        for index in enabled:
            linebreak.chunks.cache_clear()
            inner.cache_clear()
            text._metrics.cache_clear()
            text._widths.cache_clear()
            stage.clear()
            spent[0], calls[0] = 0.0, 0
            stage.render(index, 1e6)
            cold[index] = min(cold.get(index, 1e9), spent[0] * 1000)
            counts[index] = calls[0]
            stage.clear()
            spent[0] = 0.0
            stage.render(index, 1e6)
            cached[index] = min(cached.get(index, 1e9), spent[0] * 1000)
    stage.close()
    text._layout = inner  # type: ignore[assignment]

    def line(name: str, values: dict[int, float]) -> None:
        data = list(values.values())
        print(f"{name}_median_ms={statistics.median(data):.2f}")
        print(f"{name}_max_ms={max(data):.2f}")

    print(f"deck={Path(args.deck).name} size={args.size} lang={args.lang} "
          f"slides={len(enabled)} layouts={sum(counts.values())}")
    print(f"budoux_model_load_ms={model_ms:.1f}")
    line("cold_per_slide", cold)
    line("cached_per_slide", cached)
    worst = max(cold, key=lambda i: cold[i])
    print(f"slowest_slide={enabled.index(worst) + 1} ({deck.slides[worst].type}, "
          f"{counts[worst]} layouts, {cold[worst]:.2f} ms cold)")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
