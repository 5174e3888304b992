"""docs/limits.md promises operators and editors numbers; these are the numbers the code keeps.
A change to a limit without its page (or the page without the code) fails here (#18)."""

from __future__ import annotations

from kiosk.core import pinguard, yamlsrc
from kiosk.core.feeds import cache, feed, fetch, hub
from kiosk.core.images import MAX_DECODED_BYTES, MAX_IMAGE_BYTES, MAX_PROGRESSIVE_BYTES
from kiosk.core.values import MAX_TEXT_CHARS
from kiosk.supervise import FROZEN_S, STARTUP_GRACE_S
from kiosk.supervision import EXIT_OPERATOR, EXIT_SCREEN_TAKEN

from .conftest import REPO

LIMITS = (REPO / "docs" / "limits.md").read_text(encoding="utf-8")


def test_the_byte_caps_on_the_page_are_the_codes() -> None:
    assert yamlsrc.MAX_YAML_BYTES == 8 << 20 and "8 MB, and 200,000 values" in LIMITS
    assert yamlsrc.MAX_NODES == 200_000
    assert MAX_IMAGE_BYTES == 64 << 20 and "| a photo file | 64 MB on disk |" in LIMITS
    assert MAX_DECODED_BYTES == 256 << 20 and "256 MB decoded" in LIMITS
    assert MAX_PROGRESSIVE_BYTES == 504 << 20 and "| 504 MB of DCT coefficients" in LIMITS
    assert fetch.FILE_MAX_BYTES == 10_000_000 and "| 10 MB, read within 5 s |" in LIMITS
    assert fetch.REPLAY_MAX_ROWS == 100_000 and "the last 100,000 rows" in LIMITS
    assert cache.CACHE_MAX_BYTES == 8_000_000 and cache.MAX_POINTS == 100_000
    assert "at most 8 MB and 100,000 points" in LIMITS
    assert MAX_TEXT_CHARS == 1000 and "| 1,000 characters | refused at its line" in LIMITS


def test_the_deadlines_on_the_page_are_the_codes() -> None:
    assert hub.FILE_TIMEOUT_S == 5.0 and hub.GRACE_S == 1.0
    assert "still running 1 s after its deadline" in LIMITS
    assert feed.BACKOFF_CAP_S == 60.0 and "capped at 60 s" in LIMITS
    assert (FROZEN_S, STARTUP_GRACE_S) == (30.0, 45.0)
    assert "No heartbeat for 30 s (45 s after a start)" in LIMITS


def test_the_lockout_and_exit_codes_on_the_page_are_the_codes() -> None:
    assert (pinguard.FREE_TRIES, pinguard.FIRST_LOCK_S, pinguard.MAX_LOCK_S) == (3, 30.0, 900.0)
    assert "The third wrong PIN in a row locks the keypad for 30 s" in LIMITS
    assert "up to 15 minutes" in LIMITS
    assert (EXIT_OPERATOR, EXIT_SCREEN_TAKEN) == (80, 81)
    assert "exits with **80**" in LIMITS and "exits with **81**" in LIMITS


def test_the_log_limits_on_the_page_are_the_codes() -> None:
    from kiosk import logsetup
    from kiosk.qt import controller

    assert (logsetup.MAX_BYTES, logsetup.BACKUPS) == (2 << 20, 5)
    assert "rotated at 2 MB, 5 kept" in LIMITS
    assert logsetup.QUEUE_RECORDS == 10_000 and "a queue of 10,000 lines each" in LIMITS
    assert logsetup.DRAIN_S == 0.2 and "the queues get at most 0.2 s" in LIMITS
    assert controller.PROBLEMS_LOGGED == 20 and "logs its first\n  20 problems" in LIMITS
