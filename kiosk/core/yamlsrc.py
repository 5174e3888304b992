"""Safe YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` forgets positions, so we compose the node tree ourselves (safe
constructors only) and record, for every path in the document, the file and line of the
key or item that holds it. Duplicate keys, recursive aliases and alias bombs are reported
instead of silently accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.core.files import UnreadableFileError, read_regular
from kiosk.core.problems import Problem

PathKey = tuple[str | int, ...]
# libyaml's parser when present (10x faster on big decks); it gives the same marks.
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 200_000  # a 1,000-slide deck has ~75,000; more is an alias bomb
# A deck or an included file is at most 8 MB (a 1,000-slide deck is about 150 KB): a 1 GB
# include or /dev/zero is refused before it is read, not parsed into gigabytes (#18 A).
MAX_YAML_BYTES = 8 << 20
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class Located:
    """A parsed YAML document with the line of every path and the source text of floats."""

    file: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    float_text: dict[PathKey, str] = field(default_factory=dict)


class _StopReadingError(Exception):
    """Abandon a document that cannot be read further."""


class _Reader:
    def __init__(self, file: Path, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.loader = yaml.SafeLoader("")
        self.count = 0
        self.stack: set[int] = set()
        self.doc = Located(file, None)

    def fail(self, line: int, message: str, path: PathKey = ()) -> None:
        self.problems.append(Problem(self.file, line, path, message))

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node.start_mark.line + 1, f"document too large (over {MAX_NODES} values)")
            raise _StopReadingError
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.stack:
            self.fail(node.start_mark.line + 1, "an alias refers to itself (recursive)", path)
            raise _StopReadingError
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.convert(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
        finally:
            self.stack.discard(id(node))
        self.fail(node.start_mark.line + 1, "unsupported YAML node", path)
        return None

    def scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        if node.tag == _STR_TAG:  # most values: skip the generic constructor
            return node.value
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.fail(node.start_mark.line + 1, f"cannot read value: {_problem_text(exc)}", path)
            return None
        except (ValueError, OverflowError) as exc:  # e.g. an impossible date 2024-13-45
            self.fail(node.start_mark.line + 1, f"cannot read value {node.value!r}: {exc}", path)
            return None
        if isinstance(value, float):
            self.doc.float_text[path] = node.value
        return value

    def mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        try:
            self.loader.flatten_mapping(node)  # resolve `<<: *anchor` merge keys
        except yaml.YAMLError as exc:
            self.fail(node.start_mark.line + 1, f"bad merge key: {_problem_text(exc)}", path)
            return {}
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(line, "a key must be plain text, not a list or mapping", path)
                continue
            key = self.scalar(key_node, path)
            if isinstance(key, float | bool) or key is None:
                key = key_node.value  # keys are names: `1.5:` or `yes:` mean the text
            if key in result:
                self.fail(line, f"duplicate key '{key}' (the first one is on line "
                          f"{self.doc.lines.get((*path, key), '?')})", path)
                continue
            self.doc.lines[(*path, key)] = line
            result[key] = self.convert(value_node, (*path, key))
        return result


def _problem_text(exc: yaml.YAMLError) -> str:
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    text = "; ".join(p for p in parts if p)
    return text or str(exc).splitlines()[0]


def _count_nodes(text: str) -> int | None:
    """The line where ``text`` passes MAX_NODES values, or None if it never does.

    A pass over the parser's events, which are dropped as they come: composing 8 MB of
    ``[a,a,a,…]`` would build 4 million nodes (1.3 GB, 18 s) before they could be counted
    (#18 A). Under MAX_NODES characters there cannot be that many, so small decks skip it.
    """
    count = 0
    for event in yaml.parse(text, Loader=_COMPOSER):
        if isinstance(event, yaml.ScalarEvent | yaml.SequenceStartEvent | yaml.MappingStartEvent):
            count += 1
            if count > MAX_NODES:
                mark = event.start_mark
                return mark.line + 1 if mark is not None else 1
    return None


def read_yaml(file: Path, problems: list[Problem], text: str | None = None) -> Located | None:
    """Parse one YAML file; on failure append located problems and return None."""
    if text is None:
        try:  # regular files only, opened without blocking: a FIFO never hangs (#18 A)
            raw = read_regular(file, MAX_YAML_BYTES)
        except UnreadableFileError as exc:
            reason = str(exc).removeprefix(f"{file}: ")
            problems.append(Problem(file, 0, (), f"cannot read file: {reason}"))
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            problems.append(Problem(file, line, (), "file is not UTF-8 text; save it as UTF-8"))
            return None
    reader = _Reader(file, problems)
    try:
        too_many = _count_nodes(text) if len(text) > MAX_NODES else None
        if too_many is not None:
            problems.append(Problem(file, too_many, (),
                                    f"document too large (over {MAX_NODES} values)"))
            return None
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else 0
        problems.append(
            Problem(file, line, (), f"YAML syntax error: {_problem_text(exc)}", column=column)
        )
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(file, 0, (), f"YAML error: {_problem_text(exc)}"))
        return None
    if node is None:
        problems.append(Problem(file, 1, (), "file is empty"))
        return None
    try:
        reader.doc.data = reader.convert(node, ())
    except _StopReadingError:
        return None
    except RecursionError:
        problems.append(Problem(file, 1, (), "document is nested too deeply"))
        return None
    return reader.doc
