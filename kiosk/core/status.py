"""The ``--status-file`` document: what the show is doing, for monitoring and tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.core.clocksync import ClockInfo, clock_status
from kiosk.core.deck import AnySlide
from kiosk.core.problems import Problem, display_path


def iso(epoch: float | None, tz: dt.tzinfo | None = None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, tz or dt.datetime.now().astimezone().tzinfo
                                     ).isoformat(timespec="seconds")


def status_document(*, wall: float, deck_path: Path, deck_ok: bool,
                    problems: list[Problem], index: int, slide: AnySlide, paused: bool,
                    sources: dict[str, dict[str, Any]],
                    clock: Callable[[], ClockInfo | None] = clock_status) -> dict[str, Any]:
    """The JSON the status file holds; ``sources`` comes from ``FeedHub.snapshot``;
    ``clock``: whether NTP keeps this machine's clock (null: unknown), read once a minute."""
    title = slide.title.get("zh") if slide.title else ""
    return {
        "time": iso(wall),
        "deck": display_path(deck_path),
        "deck_ok": deck_ok,
        "deck_errors": [str(p) for p in problems],
        "slide": {"index": index, "type": slide.type, "title": title},
        "paused": paused,
        "clock": clock(),  # screens in step are as close as their clocks (#15)
        "sources": {name: {**info, "updated": iso(info.get("updated"))}
                    for name, info in sources.items()},
    }
