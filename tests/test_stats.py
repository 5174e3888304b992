"""``kiosk stats`` (#16 §3): the numbers a curator reads, worked out by hand from a small log,
and a hostile log that cannot hang, flood or fool it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.stats.cli import main
from kiosk.stats.events import MAX_LINE
from kiosk.stats.summary import summarise

REPO = Path(__file__).resolve().parents[1]
T0 = 1_796_119_200_000  # 2026-12-01 10:00:00 UTC, in ms


def line(t_s: float, event: str, **fields: object) -> str:
    """A line as kiosk/core/events.py writes it."""
    return json.dumps({"t": T0 + round(t_s * 1000), "event": event, **fields},
                      separators=(",", ":")) + "\n"


# Two visits. Visit 1 (10:00:20-10:01:20): slide 2 on screen, tap, swipe to 3, tap, overview,
# tap to jump to 1, language; auto-play resumes at 80 s. Visit 2 (11:00:00-11:00:40): on 4, a
# tap, an operator's keypad tap (not a visitor's), a swipe to 1; resumes at 40 s.
DAY = [
    line(0, "slide", index=0, reason="auto"),
    line(15, "slide", index=1, reason="auto"),
    line(20, "visit", active=True),
    line(20, "interaction", kind="tap", index=1),
    line(22, "interaction", kind="swipe", index=1),
    line(22, "slide", index=2, reason="user"),
    line(30, "interaction", kind="tap", index=2),
    line(40, "interaction", kind="overview", index=2),
    line(44, "interaction", kind="tap", index=2),
    line(44, "slide", index=0, reason="user"),
    line(50, "interaction", kind="language", index=0),
    line(80, "slide", index=1, reason="resume"),
    line(80, "visit", active=False),
    line(95, "slide", index=2, reason="auto"),
    line(110, "slide", index=3, reason="auto"),
    line(3600, "visit", active=True),
    line(3600, "interaction", kind="tap", index=3),
    line(3605, "interaction", kind="keypad", index=3),
    line(3610, "interaction", kind="swipe", index=3),
    line(3610, "slide", index=0, reason="user"),
    line(3640, "slide", index=1, reason="resume"),
    line(3640, "visit", active=False),
]


def run_stats(*args: str) -> tuple[int, str]:
    """The command in-process (as ``kiosk stats`` runs it), its exit code and its output."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def rows(output: str) -> dict[int, list[str]]:
    """The table's rows by slide number: [interactions, share, dwell, visits] (no deck)."""
    found = {}
    for text in output.splitlines():
        parts = text.split()
        if parts and parts[0].isdigit() and "%" in text:
            number, interactions, share, *dwell, visits = parts
            found[int(number)] = [interactions, share, " ".join(dwell), visits]
    return found


@pytest.fixture
def day_log(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(DAY), encoding="utf-8")
    return path


def test_the_table_counts_interactions_dwell_and_visits_per_slide(day_log: Path) -> None:
    code, out = run_stats(str(day_log), "--tz", "UTC")
    assert code == 0, out
    table = rows(out)
    # slide 1 (index 0): language in visit 1; dwell 44->80 s and 3610->3640 s = 66 s; 2 visits
    assert table[1] == ["1", "12.5%", "1 min 06 s", "2"]
    # slide 2: tap and swipe at 20-22 s: 2 s of dwell; visit 1 only (the resume is no visit)
    assert table[2] == ["2", "25.0%", "2 s", "1"]
    assert table[3] == ["3", "37.5%", "22 s", "1"]  # tap, overview, tap; 22->44 s
    assert table[4] == ["2", "25.0%", "10 s", "1"]  # tap, swipe; 3600->3610 s
    assert "2 visits, 1 min 40 s with a visitor (on average 50 s); 8 interactions" in out
    assert "4 tap, 2 swipe, 1 overview, 1 language" in out
    assert "operator: 1 keypad (not counted above)" in out
    assert "2026-12-01 10:00 – 2026-12-01 11:00 UTC" in out
    assert "top slides: slide 3 (3); slide 4 (2); slide 2 (2); slide 1 (1)" in out  # ties: dwell
    assert "busiest hours: Tue 1 Dec 10:00 (6); Tue 1 Dec 11:00 (2)" in out
    assert "skipped" not in out


def test_since_counts_only_what_follows_and_cuts_a_visit_it_falls_in(day_log: Path) -> None:
    code, out = run_stats(str(day_log), "--tz", "UTC", "--since", "2026-12-01T10:00:30")
    assert code == 0
    table = rows(out)
    assert table[3] == ["3", "50.0%", "14 s", "1"]  # from 30 s, not 22 s: tap, overview, tap
    assert table[1] == ["1", "16.7%", "1 min 06 s", "2"]
    assert table[2] == ["0", "0.0%", "0 s", "0"]  # its 2 s and its touches were before
    assert "1 visits" in out  # visit 1 began before the period
    code, out = run_stats(str(day_log), "--tz", "Asia/Shanghai", "--since", "2026-12-01 19:00")
    assert rows(out)[4] == ["2", "100.0%", "10 s", "1"]  # 11:00 UTC is 19:00 in Zhuhai
    assert "busiest hours: Tue 1 Dec 19:00 (2)" in out


def test_a_wrong_since_or_zone_is_one_line_naming_what_to_write(day_log: Path, capsys) -> None:
    assert main([str(day_log), "--since", "last week"]) == 2
    assert "--since 'last week': not a date; write it as 2026-12-01" in capsys.readouterr().err
    assert main([str(day_log), "--tz", "Mars/Olympus"]) == 2
    assert "--tz 'Mars/Olympus': not a time zone" in capsys.readouterr().err


def test_rotated_half_is_read_first_and_a_visit_spans_the_two(tmp_path: Path) -> None:
    """PATH.1 holds the older lines: read before PATH, as one screen's run, whatever the
    order on the command line."""
    log = tmp_path / "events.jsonl"
    (tmp_path / "events.jsonl.1").write_text("".join(DAY[:8]), encoding="utf-8")
    log.write_text("".join(DAY[8:]), encoding="utf-8")
    code, out = run_stats(str(log), str(log) + ".1", "--tz", "UTC")
    assert code == 0
    assert rows(out)[3] == ["3", "37.5%", "22 s", "1"]
    assert "2 visits, 1 min 40 s" in out


def test_two_screens_logs_are_not_interleaved(tmp_path: Path) -> None:
    """Screen B logs nothing during screen A's visit: A's dwell is A's alone."""
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(DAY), encoding="utf-8")
    b.write_text(line(21, "slide", index=5, reason="auto") + line(25, "visit", active=False),
                 encoding="utf-8")
    summary = summarise([a, b])
    assert summary.slides[2].dwell_ms == 22_000
    assert summary.dwell_ms == 100_000 and summary.slides[5].dwell_ms == 0


def test_with_the_deck_rows_carry_titles_aligned_in_terminal_cells(day_log: Path,
                                                                  tmp_path: Path) -> None:
    deck = tmp_path / "deck.yaml"
    deck.write_text(textwrap.dedent("""\
        title: 测试
        slides:
          - {type: title, title: {zh: 云上智城, en: Cloud Smart City}}
          - {type: title, title: {zh: 天空之城, en: Sky City}}
          - {type: title, title: Latin only}
          - {type: title, title: {zh: 万亿工业强市, en: A trillion-yuan industrial city}}
        """), encoding="utf-8")
    code, out = run_stats(str(day_log), "--deck", str(deck), "--tz", "UTC")
    assert code == 0
    table = [t for t in out.splitlines() if t[:4].strip().isdigit()]
    assert "云上智城 · Cloud Smart City" in table[0]
    assert "天空之城 · Sky City" in table[1]
    from kiosk.stats.table import cells

    # the numbers line up although Chinese takes two cells a character
    ends = {cells(t[: t.index("%") + 1]) for t in table}
    assert len(ends) == 1, table
    assert "top slides: 3 Latin only (3); 4 万亿工业强市 (2); 2 天空之城 (2)" in out


# ---------------------------------------------------------------------------- hostile logs
def test_garbage_long_lines_and_unknown_events_are_counted_and_skipped(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    junk = [
        "not json at all\n",
        "{\"t\": 1, \"event\": \"slide\"\n",  # cut short
        "[1, 2, 3]\n",
        "\x00\xff\xfe garbage\n",
        line(1, "frame", seconds=0.01),  # an event this version does not know
        line(2, "frame", seconds=0.01),
        line(3, "reboot"),
        json.dumps({"t": T0, "event": "slide", "index": -1}) + "\n",  # malformed
        json.dumps({"t": T0, "event": "interaction", "kind": "tap", "index": True}) + "\n",
        json.dumps({"t": "soon", "event": "visit", "active": True}) + "\n",
        "x" * (MAX_LINE + 1) + "\n",
        "{\"t\":" + "1" * (3 * 1024 * 1024) + "}\n",  # a 3 MB line across chunks
        # the show's events in another spelling (spaces, key order, an extra field): counted
        json.dumps({"index": 1, "event": "interaction", "kind": "tap", "t": T0 + 21_000,
                    "screen": "a"}) + "\n",
    ]
    log.write_bytes("".join(DAY[:3] + junk + DAY[3:]).encode("utf-8", "surrogateescape")
                    + b"\n\n")
    code, out = run_stats(str(log), "--tz", "UTC")
    assert code == 0
    assert rows(out)[2][0] == "3"  # the two of the clean log, and the respelled tap
    assert ("skipped: 4 not JSON; 2 over 4 KB; 3 malformed; 3 unknown events (frame ×2, "
            "reboot ×1) line(s)") in out


def test_a_fifo_a_folder_and_a_missing_file_are_refused_at_once(day_log: Path,
                                                                tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    # in a child: a reader that waited for a writer would hang it (the timeout fails the test)
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.stats.cli", str(fifo), str(tmp_path),
         str(tmp_path / "absent.jsonl"), str(day_log), "--tz", "UTC"],
        capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert f"not read: {fifo}: is a FIFO, not a file" in done.stdout
    assert f"not read: {tmp_path}: is a directory, not a file" in done.stdout
    assert "absent.jsonl: file not found" in done.stdout
    assert "2 visits" in done.stdout  # the good file is still summed
    alone = subprocess.run([sys.executable, "-m", "kiosk.stats.cli", str(fifo)],
                           capture_output=True, text=True, timeout=60, cwd=REPO)
    assert alone.returncode == 1  # nothing could be read


def test_memory_stays_bounded_on_a_file_of_one_endless_line(tmp_path: Path) -> None:
    """200 MB without a newline: skipped as one long line, read in bounded chunks."""
    log = tmp_path / "endless.jsonl"
    with log.open("wb") as out:
        block = b"7" * (1 << 20)
        for _ in range(200):
            out.write(block)
    import tracemalloc

    tracemalloc.start()
    summary = summarise([log])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert summary.report.too_long == 1 and summary.report.events == 0
    assert peak < 16 << 20, peak


def test_the_first_slide_is_known_from_the_touches_on_it(tmp_path: Path) -> None:
    """The show does not log the slide it opens on: a visitor's touch names it, and its
    dwell counts from there."""
    log = tmp_path / "events.jsonl"
    log.write_text(line(0, "visit", active=True) + line(0, "interaction", kind="tap", index=4)
                   + line(10, "interaction", kind="tap", index=4)
                   + line(40, "visit", active=False), encoding="utf-8")
    summary = summarise([log])
    assert summary.slides[4].dwell_ms == 40_000 and summary.slides[4].visits == 1
