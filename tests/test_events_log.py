"""``--events PATH`` (#15): JSON lines appended off the UI thread, bounded, regular files only."""

from __future__ import annotations

import json
import logging
import os
import threading

from kiosk.core.events import EventLog


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_lines_are_appended_with_integer_milliseconds(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{"t": 1, "event": "slide", "index": 0}\n', encoding="utf-8")  # kept
    log = EventLog(path, wall=lambda: 1767225600.1234)
    log.record("slide", index=3)
    log.record("tap", t=1767225601.0, x=0.25, label="中文")  # what #16 adds: any fields
    log.close()
    assert lines(path) == [
        {"t": 1, "event": "slide", "index": 0},
        {"t": 1767225600123, "event": "slide", "index": 3},
        {"t": 1767225601000, "event": "tap", "x": 0.25, "label": "中文"},
    ]
    assert not log._thread.is_alive()
    log.record("slide", index=4)  # after close: ignored, no error
    assert len(lines(path)) == 3


def test_a_fifo_gets_one_warning_and_no_events(tmp_path, caplog):
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)  # nobody reads it: opening it for writing would wait for ever
    log = EventLog(fifo)
    for index in range(50):
        log.record("slide", index=index)
    log.close()
    assert not log._thread.is_alive()
    warnings = [r.getMessage() for r in caplog.records if "events log" in r.getMessage()]
    assert warnings == [f"events log {fifo} is a FIFO, not a file: no events are written"]


def test_a_folder_gets_one_warning(tmp_path, caplog):
    log = EventLog(tmp_path)
    log.record("slide", index=0)
    log.record("slide", index=1)
    log.close()
    assert [r.getMessage() for r in caplog.records] == [
        f"events log {tmp_path} is a directory, not a file: no events are written"]


def test_the_file_is_rotated_at_its_size_bound_whole_lines_only(tmp_path):
    path = tmp_path / "events.jsonl"
    log = EventLog(path, wall=lambda: 1767225600.0, max_bytes=1000)
    for index in range(100):  # ~45 bytes a line: 4,500 bytes through a 1,000-byte bound
        log.record("slide", index=index)
    log.close()
    old = path.with_name("events.jsonl.1")
    assert path.stat().st_size <= 1000 and old.stat().st_size <= 1000
    kept = lines(old) + lines(path)  # one old file is kept: the newest lines, none cut
    assert [e["index"] for e in kept] == list(range(100 - len(kept), 100))
    assert len(kept) >= 30  # two files of ~20 lines of ~49 bytes


class SlowDisk(EventLog):
    """A writer held back until the test lets it go (as a stalled disk would)."""

    def __init__(self, *args, **kwargs):
        self.gate = threading.Event()
        super().__init__(*args, **kwargs)

    def _write(self, data):
        self.gate.wait(10)
        super()._write(data)


def test_a_writer_that_falls_behind_drops_lines_counts_them_and_warns_once(tmp_path, caplog):
    path = tmp_path / "events.jsonl"
    log = SlowDisk(path, capacity=8)
    for index in range(100):  # never blocks the caller
        log.record("slide", index=index)
    assert log.dropped >= 100 - 8 - 1
    log.gate.set()
    log.close()
    assert len(lines(path)) + log.dropped == 100
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(messages) == 2  # the first drop, and the total at close
    assert "a line was dropped: the writer is behind" in messages[0]
    assert messages[1] == f"events log {path}: {log.dropped} line(s) dropped in all"


def test_a_path_that_cannot_be_written_is_said_at_start_once(tmp_path, caplog):
    path = tmp_path / "missing-folder" / "events.jsonl"
    log = EventLog(path)
    log.close()  # no event yet: the problem is in the log already
    assert [r.getMessage() for r in caplog.records] == [
        f"events log {path}: cannot write: No such file or directory (the show goes on; "
        "lines are dropped until it can)"]
    assert log.dropped == 0
