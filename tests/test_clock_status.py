"""The status file's ``clock`` (#15): does NTP keep this machine's clock, read cheaply."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from kiosk.core import load_deck_data
from kiosk.core.clocksync import ClockWatch, read_clock
from kiosk.core.status import status_document


def test_the_kernel_answers_on_linux():
    if not sys.platform.startswith("linux"):
        assert read_clock() is None
        return
    info = read_clock()  # the real adjtimex system call, read only
    assert info is not None
    assert isinstance(info["synchronized"], bool)
    # the kernel's bound: up to 16 s when no NTP daemon tends the clock
    assert 0 <= info["max_error_ms"] <= 16_000 and 0 <= info["est_error_ms"] <= 16_000


def test_read_once_a_minute_not_at_every_status_write():
    reads = []

    def read():
        reads.append(1)
        return {"synchronized": len(reads) > 1, "max_error_ms": 5.0, "est_error_ms": 1.0}

    watch = ClockWatch(read, every=60)
    for second in range(0, 60):  # the status file is written every second
        assert watch.status(1000.0 + second)["synchronized"] is False
    assert len(reads) == 1
    assert watch.status(1060.0)["synchronized"] is True and len(reads) == 2
    watch.status(900.0)  # a clock that went back reads again
    assert len(reads) == 3


def test_a_failing_read_is_unknown_not_an_error():
    def broken():
        raise OSError("no adjtimex here")

    assert ClockWatch(broken).status(0.0) is None


def test_an_unsynchronised_clock_is_logged_once(caplog):
    watch = ClockWatch(lambda: {"synchronized": False, "max_error_ms": 16000.0,
                                "est_error_ms": 16000.0}, every=0)
    with caplog.at_level(logging.WARNING):
        for second in range(5):
            watch.warn_unsynchronized(float(second))
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "not synchronised (NTP)" in messages[0]
    assert "chrony or systemd-timesyncd" in messages[0]


@pytest.mark.parametrize("info", [None, {"synchronized": True, "max_error_ms": 12.5,
                                          "est_error_ms": 0.4}])
def test_the_status_document_carries_it(info):
    deck = load_deck_data({"title": "t", "slides": [{"type": "title", "title": "a"}]}).deck
    doc = status_document(wall=1767225600.0, deck_path=Path("d.yaml"), deck_ok=True,
                          problems=[], index=0, slide=deck.slides[0], paused=False,
                          sources={}, clock=lambda: info)
    assert doc["clock"] == info
