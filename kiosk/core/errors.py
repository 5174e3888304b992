"""Turn pydantic's validation errors into messages a content editor can act on.

Each message says what is wrong and what is allowed, at the real file and line:
``zhuhai.yaml:41: slides[3].durtion: unknown key 'durtion' (did you mean 'duration'?); …``
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from kiosk.core.deck import SLIDE_TYPES, SOURCE_KINDS, Deck
from kiosk.core.problems import Problem
from kiosk.core.values import describe

PathKey = tuple[str | int, ...]

_EXPECTED = {
    "float": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "string": "text",
    "list": "a list",
    "tuple": "a list",
    "dict": "a mapping {key: value}",
    "model": "a mapping {key: value}",
}
_COMPARE = {
    "greater_than": ">",
    "greater_than_equal": "≥",
    "less_than": "<",
    "less_than_equal": "≤",
}


def suggest(word: str, allowed: Iterable[str]) -> str:
    """`` (did you mean 'duration'?)`` when a close match exists, else an empty string."""
    match = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def problems_from_validation(
    exc: ValidationError, data: Any, lines: dict[PathKey, tuple[Path, int]], root: Path
) -> list[Problem]:
    """One located :class:`Problem` per error, in the file that holds the value."""
    problems = []
    for error in exc.errors(include_url=False):
        if _spurious(error):
            continue
        path = _clean_path(error["loc"], data)
        file, line = _locate(path, lines, root)
        problems.append(Problem(file, line, path, _message(error, path, data)))
    return problems


def _spurious(error: ErrorDetails) -> bool:
    """pydantic counts only the valid items of a tuple, so a list of 2 slides with one broken
    reports "too short" besides the real error; the input's own length settles it."""
    ctx = error.get("ctx") or {}
    value = error.get("input")
    return (error["type"] == "too_short" and isinstance(value, list | tuple)
            and len(value) >= int(ctx.get("min_length", 0)))


def _clean_path(loc: tuple[str | int, ...], data: Any) -> PathKey:
    """Follow pydantic's ``loc`` through the data, dropping union tags and branch names."""
    node: Any = data
    out: list[str | int] = []
    tag_skipped = False
    for part in loc:
        if not tag_skipped and _is_union_tag(out, node, part):
            tag_skipped = True
            continue
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            continue
        out.append(part)
    return tuple(out)


def _is_union_tag(path: list[str | int], node: Any, part: str | int) -> bool:
    """pydantic puts the tag of a discriminated union (slide type, source kind) in ``loc``."""
    if len(path) != 2 or not isinstance(node, dict):
        return False
    tag = {"slides": "type", "sources": "kind"}.get(str(path[0]))
    return tag is not None and node.get(tag) == part


def _locate(
    path: PathKey, lines: dict[PathKey, tuple[Path, int]], root: Path
) -> tuple[Path, int]:
    for end in range(len(path), -1, -1):
        found = lines.get(path[:end])
        if found:
            return found
    return root, 1 if lines else 0


def _message(error: ErrorDetails, path: PathKey, data: Any) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else str(error["loc"][-1])
        allowed = allowed_keys(path[:-1], data)
        listed = f"; allowed: {', '.join(allowed)}" if allowed else ""
        comma = ""
        if value is None and not suggest(key, allowed):
            # `{zh: 模拟数据, 演示…}`: a comma inside {…} starts a new key
            comma = " (a comma inside {…} starts a new key: put text with commas in quotes)"
        return f"unknown key '{key}'{suggest(key, allowed)}{comma}{listed}"
    if kind == "missing":
        return f"missing required key '{error['loc'][-1]}'"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        name = str(ctx.get("discriminator", "type")).strip("'")
        choices = SLIDE_TYPES if name == "type" else SOURCE_KINDS
        listed = ", ".join(choices)
        if kind == "union_tag_not_found":
            return f"missing key '{name}'; allowed: {listed}"
        tag = str(ctx.get("tag"))
        what = "slide type" if name == "type" else "source kind"
        return f"unknown {what} '{tag}'{suggest(tag, choices)}; allowed: {listed}"
    if kind == "literal_error":
        options: list[str] = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = suggest(str(value), options)
        return f"{value!r} is not allowed{hint}; allowed: {', '.join(options)}"
    if kind in ("too_short", "too_long"):
        value_len = len(value) if isinstance(value, list | tuple) else None
        count = value_len if value_len is not None else ctx.get("actual_length")
        bound = (f"at least {ctx.get('min_length')}" if kind == "too_short"
                 else f"at most {ctx.get('max_length')}")
        return f"has {count} item(s); allowed: {bound}"
    if kind in _COMPARE:
        bound = next(iter(ctx.values()), "?")
        return f"must be {_COMPARE[kind]} {bound}, got {value!r}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    base = kind.split("_")[0]
    if base in _EXPECTED and (kind.endswith("_type") or kind.endswith("_parsing")
                              or kind.startswith("int_from")):
        return f"expected {_EXPECTED[base]}, got {describe(value)}"
    return str(error["msg"])


def allowed_keys(path: PathKey, data: Any) -> list[str]:
    """The keys the schema allows at ``path``, choosing union members by the data's tag."""
    model = _model_at(path, data)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()
            if not name.startswith("_")]


def _model_at(path: PathKey, data: Any) -> type[BaseModel] | None:
    annotation: Any = Deck
    node = data
    for part in path:
        annotation = _pick(annotation, node)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        else:
            origin = typing.get_origin(annotation)
            if origin in (list, tuple):
                annotation = typing.get_args(annotation)[0]
            elif origin is dict:
                annotation = typing.get_args(annotation)[1]
            else:
                return None
        node = node.get(part) if isinstance(node, dict) else (
            node[part] if isinstance(node, list) and isinstance(part, int)
            and 0 <= part < len(node) else None)
    picked = _pick(annotation, node)
    return picked if isinstance(picked, type) and issubclass(picked, BaseModel) else None


def _pick(annotation: Any, node: Any) -> Any:
    """Unwrap ``Annotated``/``Optional``; pick the union member whose tag matches ``node``."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [typing.get_args(a)[0] if typing.get_origin(a) is typing.Annotated else a
                   for a in typing.get_args(annotation)]
        models = [a for a in members if isinstance(a, type) and issubclass(a, BaseModel)]
        for model in models:
            for tag in ("type", "kind"):
                field = model.model_fields.get(tag)
                if field is not None and isinstance(node, dict) and (
                    node.get(tag) in typing.get_args(field.annotation)
                ):
                    return model
        return models[0] if len(models) == 1 else None
    return annotation
