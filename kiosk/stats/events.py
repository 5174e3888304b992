"""Reading the events log (``kiosk run --events PATH``, kiosk/core/events.py) for ``kiosk stats``.

Qt-free and distrustful: only regular files are read (kiosk.core.files.open_regular, so a FIFO
cannot hold the reader), in bounded chunks; a line over :data:`MAX_LINE` bytes, a line that is
not JSON, an event with missing or wrong fields and an event of an unknown name are each
counted and skipped, never fatal. Unknown extra fields are ignored.

Fast: the lines the show writes have one fixed shape (``json.dumps`` with compact separators,
keys in order), matched by one regular expression, about 1 µs a line; any other line falls
back to ``json.loads`` and is checked field by field. A million events read in about 2 s.

An event is a tuple ``(t_ms, code, a, b)``:

- ``(t, SLIDE, index, reason)``
- ``(t, INTERACTION, index, kind)``
- ``(t, VISIT, active, "")`` with ``active`` 1 or 0
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.files import UnreadableFileError, open_regular

MAX_LINE = 4096  # bytes: the show's lines are under 120
CHUNK = 1 << 20
MAX_INDEX = 100_000  # a slide index beyond this is not from a deck: the line is malformed
MAX_NAMES = 64  # distinct unknown event names / interaction kinds remembered, then "other"
SLIDE, INTERACTION, VISIT = 0, 1, 2
Event = tuple[int, int, int, str]

_FAST_RE = re.compile(
    rb'\{"t":(\d{1,15}),"event":"(?:'
    rb'slide","index":(\d{1,5}),"reason":"([a-z_]{1,32})"'
    rb'|interaction","kind":"([a-z_]{1,32})","index":(\d{1,5})'
    rb'|visit","active":(true|false))\}\r?')
FAST = _FAST_RE.fullmatch  # groups: 1 t; slide 2 index, 3 reason; interaction 4 kind, 5
# index; visit 6 active. ``lastindex`` (3, 5 or 6) says which.
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,31}")


@dataclass
class ReadReport:
    """What was read, and what was skipped and why (one summary line for the operator)."""

    files: int = 0
    lines: int = 0
    events: int = 0
    too_long: int = 0  # lines over MAX_LINE bytes
    not_json: int = 0
    malformed: int = 0  # JSON, but not an event the show writes (fields missing or wrong)
    unknown: Counter[str] = field(default_factory=Counter)  # events of other names
    refused: list[str] = field(default_factory=list)  # files not read, in words

    def skipped(self) -> str:
        """"" when every line was an event; else one line saying what was skipped."""
        parts = []
        if self.not_json:
            parts.append(f"{self.not_json:,} not JSON")
        if self.too_long:
            parts.append(f"{self.too_long:,} over {MAX_LINE // 1024} KB")
        if self.malformed:
            parts.append(f"{self.malformed:,} malformed")
        if self.unknown:
            names = ", ".join(f"{name} ×{n:,}" for name, n in self.unknown.most_common(5))
            more = " …" if len(self.unknown) > 5 else ""
            parts.append(f"{sum(self.unknown.values()):,} unknown events ({names}{more})")
        return ("skipped: " + "; ".join(parts) + " line(s)") if parts else ""

    def note_unknown(self, name: object) -> None:
        key = name if isinstance(name, str) and _NAME.fullmatch(name) else "?"
        if key not in self.unknown and len(self.unknown) >= MAX_NAMES:
            key = "other"
        self.unknown[key] += 1


def read_batches(path: Path, report: ReadReport) -> Iterator[list[bytes]]:
    """The lines of a regular file, a chunk's worth at a time, without their newlines; a
    line over MAX_LINE bytes is counted and skipped (memory stays bounded by CHUNK +
    MAX_LINE whatever the file holds)."""
    with open_regular(path) as (fd, _):
        carry = b""
        overlong = False  # inside a line already too long: drop up to its newline
        while True:
            try:
                chunk = os.read(fd, CHUNK)
            except OSError as exc:
                raise UnreadableFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
            if not chunk:
                break
            lines = chunk.split(b"\n")
            lines[0] = carry + lines[0]
            carry = lines.pop()
            if overlong:
                if not lines:  # still inside it
                    carry = b""
                    continue
                overlong = False
                lines.pop(0)
            if any(len(line) > MAX_LINE for line in lines):
                kept = [line for line in lines if len(line) <= MAX_LINE]
                report.too_long += len(lines) - len(kept)
                lines = kept
            if len(carry) > MAX_LINE:
                report.too_long += 1
                carry, overlong = b"", True
            if lines:
                yield lines
        if carry:
            yield [carry]  # the last line, cut short by a crash or still being written


def read_events(path: Path, report: ReadReport) -> Iterator[Event]:
    """The events of one file, in file order; raises UnreadableFileError if it cannot be
    opened as a regular file (the caller reports it and goes on with the others)."""
    report.files += 1
    for lines in read_batches(path, report):
        for line in lines:
            event = parse(line, report)
            if event is not None:
                yield event


def parse(line: bytes, report: ReadReport) -> Event | None:
    """One line as an event, or None (counted in ``report`` as what it was)."""
    m = FAST(line)
    if m is not None:
        report.lines += 1
        report.events += 1
        last = m.lastindex
        if last == 3:
            return int(m[1]), SLIDE, int(m[2]), m[3].decode()
        if last == 5:
            return int(m[1]), INTERACTION, int(m[5]), m[4].decode()
        return int(m[1]), VISIT, 1 if m[6] == b"true" else 0, ""
    return slow(line, report)


def slow(line: bytes, report: ReadReport) -> Event | None:
    """Any line but the show's own spelling (spaces, other key order, extra fields, garbage):
    parsed with json and checked field by field; counted in ``report``."""
    if not line.strip():
        return None  # a blank line is no line
    report.lines += 1
    event = _slow(line, report)
    if event is not None:
        report.events += 1
    return event


def _slow(line: bytes, report: ReadReport) -> Event | None:
    """Any other spelling of an event (spaces, other key order, extra fields), checked."""
    try:
        doc = json.loads(line)
    except (ValueError, RecursionError):
        report.not_json += 1
        return None
    if not isinstance(doc, dict):
        report.not_json += 1
        return None
    t, name = doc.get("t"), doc.get("event")
    if not isinstance(t, (int, float)) or not _number(t) or not isinstance(name, str):
        report.malformed += 1
        return None
    t_ms = round(t)
    index = doc.get("index")
    if name == "slide":
        reason = doc.get("reason", "")
        if isinstance(index, int) and _index(index) and isinstance(reason, str) and (
                len(reason) <= 32):
            return t_ms, SLIDE, index, reason
    elif name == "interaction":
        kind = doc.get("kind")
        if isinstance(index, int) and _index(index) and isinstance(kind, str) and (
                _NAME.fullmatch(kind)):
            return t_ms, INTERACTION, index, kind
    elif name == "visit":
        active = doc.get("active")
        if isinstance(active, bool):
            return t_ms, VISIT, int(active), ""
    else:
        report.note_unknown(name)
        return None
    report.malformed += 1
    return None


def _number(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and 0 <= value < 1e15)


def _index(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_INDEX


def streams(paths: list[Path]) -> list[list[Path]]:
    """The files grouped by screen, each group in time order: ``PATH.1`` (the rotated, older
    half) before ``PATH``. A group is read as one run of the show; separate groups (several
    screens' logs) are never interleaved, so one screen's visit does not end another's."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        name = str(path)
        key = name[:-2] if name.endswith(".1") else name
        groups.setdefault(key, []).append(path)
    return [sorted(group, key=lambda p: (0 if str(p).endswith(".1") else 1, str(p)))
            for group in groups.values()]
