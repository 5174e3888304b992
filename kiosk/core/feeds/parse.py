"""Turn a feed's bytes into a reading: a scalar (for figures) or (x, y) points (for charts).

Every failure raises :class:`FeedError` with a message for the operator's log; the caller
keeps the last good value.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

Point = tuple[float, float]


class FeedError(Exception):
    """A fetch or parse failed; the message says why, for the log and the status file."""


def extract_field(data: Any, field: str | None) -> Any:
    """Follow a dotted path like ``data.series.0.value`` (list indexes allowed)."""
    if not field:
        return data
    node = data
    walked: list[str] = []
    for part in field.split("."):
        walked.append(part)
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and _is_index(part) and -len(node) <= int(part) < len(node):
            node = node[int(part)]
        else:
            raise FeedError(f"field {'.'.join(walked)!r} not found in the data")
    return node


def _is_index(part: str) -> bool:
    return part.lstrip("-").isdigit()


def number(value: Any, what: str = "value") -> float:
    """A finite float from a JSON number or numeric string; anything else is an error."""
    if isinstance(value, bool) or value is None:
        raise FeedError(f"{what} is not a number: {value!r}")
    if isinstance(value, int | float):
        try:
            result = float(value)
        except OverflowError:  # an integer like 10**400: bad input, not a bug (#18 F)
            raise FeedError(f"{what} is out of range: {str(value)[:20]}…") from None
    elif isinstance(value, str):
        try:
            result = float(value.strip().replace(",", ""))
        except ValueError:
            raise FeedError(f"{what} is not a number: {value[:40]!r}") from None
    else:
        raise FeedError(f"{what} is not a number: {type(value).__name__}")
    if not math.isfinite(result):
        raise FeedError(f"{what} is not a finite number: {value!r}")
    return result


def reading_from(value: Any, keep: int | None = None) -> float | list[Point]:
    """A scalar, or a series from ``[y, …]``, ``[[x, y], …]`` or ``[{x:…, y:…}, …]``.

    ``keep``: convert only the last ``keep`` items (the feed's window); the rest would be
    thrown away after costing the worker time and memory (#18 B).
    """
    if isinstance(value, list):
        points: list[Point] = []
        start = 0 if keep is None else max(0, len(value) - keep)
        for i, item in enumerate(value[start:], start):
            if isinstance(item, list | tuple) and len(item) == 2:
                points.append((number(item[0], f"point {i} x"), number(item[1], f"point {i} y")))
            elif isinstance(item, dict) and "y" in item:
                points.append((number(item.get("x", i), f"point {i} x"),
                               number(item["y"], f"point {i} y")))
            else:
                points.append((float(i), number(item, f"point {i}")))
        if not points:
            raise FeedError("the series is empty")
        return points
    if isinstance(value, dict):
        for key in ("value", "y", "total"):
            if key in value:
                return number(value[key])
        raise FeedError("expected a number or a list of points, got an object; set field:")
    return number(value)


def parse_json(raw: bytes, field: str | None, keep: int | None = None) -> float | list[Point]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(f"malformed JSON: {str(exc)[:80]}") from None
    except RecursionError:  # [[[[…]]]] thousands deep: bad input, not a bug (#18 F)
        raise FeedError("malformed JSON: nested too deeply") from None
    return reading_from(extract_field(data, field), keep)


def parse_csv(raw: bytes, keep: int | None = None) -> float | list[Point]:
    """CSV of ``x,y`` rows (a header row is skipped), or a single value.

    ``keep``: only the last ``keep`` rows are parsed (a series keeps its ``window`` anyway).
    A 1,000,000-row file rewritten every second would otherwise cost seconds of parsing
    and a million tuples per rewrite (#18 B); the tail is found with a few ``rfind`` calls.
    """
    if b"\r" in raw:  # "CSV (Macintosh)" ends lines with a bare CR, which csv refuses (#18)
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    start = 0 if keep is None else _tail_start(raw, keep)
    try:
        text = raw[start:].decode("utf-8-sig" if start == 0 else "utf-8")
    except UnicodeDecodeError:
        raise FeedError("CSV is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text))
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:  # bad input, not a bug: no "internal error" traceback (#18)
        raise FeedError(_csv_problem(exc, _line(raw, start, reader.line_num))) from None
    if not rows:
        raise FeedError("CSV is empty")
    if start == 0 and len(rows) == 1 and len(rows[0]) == 1:
        return number(rows[0][0])
    points: list[Point] = []
    for line, row in enumerate(rows, start=1):
        if len(row) < 2:
            raise FeedError(f"CSV line {_line(raw, start, line)}: expected x,y, "
                            f"got {','.join(row)[:40]!r}")
        try:
            points.append((number(row[0]), number(row[1])))
        except FeedError:
            if line == 1 and not points and start == 0:
                continue  # header
            raise FeedError(f"CSV line {_line(raw, start, line)}: not numbers: "
                            f"{','.join(row)[:40]!r}") from None
    if not points:
        raise FeedError("CSV has no data rows")
    return points


def _csv_problem(exc: csv.Error, line: int) -> str:
    if "field limit" in str(exc):
        return (f"CSV line {line}: a field is longer than {csv.field_size_limit():,} "
                f"characters (a quote that is never closed?)")
    return f"CSV line {line}: {str(exc)[:80]}"


def _tail_start(raw: bytes, keep: int) -> int:
    """Offset of the start of the last ``keep`` non-empty lines (0: the whole file)."""
    end = len(raw)
    while end > 0 and raw[end - 1] in b"\r\n\t ":
        end -= 1
    found = 0
    while end > 0:
        newline = raw.rfind(b"\n", 0, end)
        if newline < 0:
            return 0
        if raw[newline + 1:end].strip():
            found += 1
            if found == keep:
                return newline + 1
        end = newline
    return 0


def _line(raw: bytes, start: int, row: int) -> int:
    """The file's line number of the ``row``-th line of the tail starting at ``start``."""
    return row + (raw.count(b"\n", 0, start) if start else 0)
