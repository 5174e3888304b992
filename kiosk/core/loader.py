"""YAML deck -> typed, immutable :class:`Deck`, with every problem located as FILE:LINE.

Strict by design (``kiosk check`` refuses unknown keys and wrong types) and total: whatever
the input, :func:`load_deck` returns a result and never raises.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.core.deck import Deck
from kiosk.core.errors import problems_from_validation, suggest
from kiosk.core.files import UnreadableFileError, check_regular
from kiosk.core.images import image_problem
from kiosk.core.problems import Problem
from kiosk.core.yamlsrc import Located, PathKey, read_yaml

log = logging.getLogger(__name__)

INCLUDED_FILE_KEYS = ("slides", "sources")


@dataclass(frozen=True)
class LoadResult:
    """A deck (or None when it cannot be shown) and every problem found.

    ``deck`` is set when the only problems are missing or unreadable assets: the show can
    run with placeholders for those slides, while ``kiosk check`` still fails.
    """

    deck: Deck | None
    problems: tuple[Problem, ...]
    files: tuple[Path, ...] = ()  # the deck and every included file, for reload watching
    # where each path was written, for checks made after loading (kiosk check's glyph
    # coverage, #14): (file, line), and final slide index -> index in its own file
    lines: dict[PathKey, tuple[Path, int]] = field(default_factory=dict, repr=False, compare=False)
    local_index: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.deck is not None and not self.problems

    def problem_at(self, path: PathKey, message: str) -> Problem:
        """A problem at ``path`` of the deck, located as the loader locates its own."""
        key = path
        while key and key not in self.lines:  # a default or a converted entry: its parent
            key = key[:-1]
        root = self.files[0] if self.files else Path("<deck>")
        file, line = self.lines.get(key, (root, 0))
        if file != root and len(path) >= 2 and path[0] == "slides" and isinstance(path[1], int):
            path = ("slides", self.local_index.get(path[1], path[1]), *path[2:])
        return Problem(file, line, path, message)


@dataclass
class _State:
    problems: list[Problem] = field(default_factory=list)
    lines: dict[PathKey, tuple[Path, int]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    assets: list[tuple[PathKey, str, Path]] = field(default_factory=list)
    sources: dict[Any, Any] = field(default_factory=dict)  # the deck's, then included files'
    local_index: dict[int, int] = field(default_factory=dict)  # final slide -> index in its file

    def add(self, file: Path, line: int, path: PathKey, message: str, kind: Any = "error") -> None:
        self.problems.append(Problem(file, line, path, message, kind=kind))


def load_deck(path: str | os.PathLike[str], text: str | None = None) -> LoadResult:
    """Load and validate a deck file (``text`` overrides reading it, for editors and tests)."""
    file = Path(os.path.abspath(path))
    try:
        return _load(file, text)
    except Exception as exc:  # the loader must never let an exception reach the show
        log.exception("internal error while loading %s", file)
        problem = Problem(file, 0, (), f"internal error while loading the deck: {exc!r}")
        return LoadResult(None, (problem,), (file,))


def load_deck_data(data: Any, file: str | os.PathLike[str] = "<data>") -> LoadResult:
    """Validate already-parsed data as if it were the deck file ``file`` (no line numbers)."""
    root = Path(os.path.abspath(file))
    try:
        return _finish(Located(root, data), _State(files=[root]))
    except Exception as exc:
        log.exception("internal error while validating deck data")
        problem = Problem(root, 0, (), f"internal error while loading the deck: {exc!r}")
        return LoadResult(None, (problem,), (root,))


def _load(file: Path, text: str | None) -> LoadResult:
    state = _State(files=[file])
    doc = read_yaml(file, state.problems, text)
    if doc is None:
        return LoadResult(None, tuple(state.problems), (file,))
    return _finish(doc, state)


def _finish(doc: Located, state: _State) -> LoadResult:
    if not isinstance(doc.data, dict):
        state.add(doc.file, 1, (), "a deck must be a mapping of keys (title:, slides:, …)")
        return LoadResult(None, tuple(state.problems), tuple(state.files))
    data = dict(doc.data)
    for key, line in doc.lines.items():
        state.lines[key] = (doc.file, line)
    if isinstance(data.get("sources"), dict):
        state.sources.update(_resolve_sources(doc, data["sources"], state))
    if isinstance(data.get("slides"), list):
        slides: list[Any] = []
        _expand_slides(doc, data["slides"], [doc.file], state, slides)
        data["slides"] = slides
    if state.sources or "sources" in data:
        data["sources"] = state.sources
    try:
        deck: Deck | None = Deck.model_validate(data)
    except ValidationError as exc:
        deck = None
        state.problems.extend(problems_from_validation(exc, data, state.lines, doc.file))
    if deck is not None:
        _check_languages(deck, state, doc.file)
    _check_references(data, state, doc.file)
    _check_assets(state)
    problems = _dedupe([_local(p, state, doc.file) for p in state.problems])
    if any(p.kind != "asset" for p in problems):
        deck = None
    return LoadResult(deck, tuple(problems), tuple(state.files), state.lines, state.local_index)


def _expand_slides(
    doc: Located, slides: list[Any], stack: list[Path], state: _State, out: list[Any]
) -> None:
    """Append ``slides`` to ``out``, splicing ``- include: file`` entries in place and
    re-keying line numbers to the final slide indexes."""
    by_slide: dict[Any, list[tuple[PathKey, int]]] = {}
    for key, key_line in doc.lines.items():
        if len(key) >= 2 and key[0] == "slides":
            by_slide.setdefault(key[1], []).append((key[2:], key_line))
    for j, entry in enumerate(slides):
        where: PathKey = ("slides", j)
        if isinstance(entry, dict) and "include" in entry:
            _splice(doc, entry, where, stack, state, out)
            continue
        index = len(out)
        state.local_index[index] = j
        for rest, key_line in by_slide.get(j, ()):
            state.lines[("slides", index, *rest)] = (doc.file, key_line)
        out.append(_resolve_slide(doc, entry, where, ("slides", index), state))


def _splice(
    doc: Located, entry: dict[str, Any], where: PathKey, stack: list[Path], state: _State,
    out: list[Any],
) -> None:
    line = doc.lines.get(where, 0)
    target = entry["include"]
    extra = [str(k) for k in entry if k != "include"]
    if extra:
        state.add(doc.file, line, where, f"an include takes no other keys, got: {extra[0]}")
    if not isinstance(target, str) or not target.strip():
        state.add(doc.file, line, (*where, "include"),
                  "expected a file path like slides/sky.yaml")
        return
    file = Path(os.path.normpath(doc.file.parent / target))
    if file in stack:
        chain = " -> ".join(p.name for p in [*stack[stack.index(file):], file])
        state.add(doc.file, line, (*where, "include"), f"include cycle: {chain}")
        return
    reason = _not_a_file(file)
    if reason is not None:  # a FIFO or a device is named as such, and never opened (#18 A)
        state.add(doc.file, line, (*where, "include"),
                  f"included file not found: {target}" if reason == "file not found"
                  else f"included file {target} {reason}")
        return
    state.files.append(file)
    sub = read_yaml(file, state.problems)
    if sub is None:
        return
    if not isinstance(sub.data, dict) or not isinstance(sub.data.get("slides"), list):
        state.add(file, 1, (), "an included file must have a slides: list")
        return
    for key in sub.data:
        if key not in INCLUDED_FILE_KEYS:
            hint = suggest(str(key), INCLUDED_FILE_KEYS)
            state.add(file, sub.lines.get((key,), 1), (key,),
                      f"unknown key '{key}' in an included file{hint}; allowed: slides, sources")
    if isinstance(sub.data.get("sources"), dict):
        _merge_sources(sub, state)
    _expand_slides(sub, sub.data["slides"], [*stack, file], state, out)


def _merge_sources(sub: Located, state: _State) -> None:
    for name, spec in _resolve_sources(sub, sub.data["sources"], state).items():
        where = ("sources", name)
        if name in state.sources:
            if spec != state.sources[name]:
                first_file, first_line = state.lines.get(where, (sub.file, 0))
                state.add(sub.file, sub.lines.get(where, 0), where,
                          f"source '{name}' is already declared differently "
                          f"at {first_file.name}:{first_line}")
            continue
        for key, line in sub.lines.items():
            if key[:2] == where:
                state.lines[key] = (sub.file, line)
        state.sources[name] = spec


def _resolve_sources(doc: Located, sources: dict[Any, Any], state: _State) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for name, spec in sources.items():
        if isinstance(spec, dict) and isinstance(spec.get("path"), str):
            spec = {**spec, "path": _asset(doc, spec["path"], ("sources", name, "path"), state)}
        out[name] = spec
    return out


def _resolve_slide(doc: Located, slide: Any, where: PathKey, final: PathKey, state: _State) -> Any:
    """Resolve the image path against the slide's own file and keep figures' decimals."""
    if not isinstance(slide, dict):
        return slide
    slide = dict(slide)
    if isinstance(slide.get("image"), str):
        slide["image"] = _asset(doc, slide["image"], (*final, "image"), state)
    items = slide.get("items")
    if slide.get("type") == "figures" and isinstance(items, list):
        slide["items"] = [_with_decimals(doc, item, (*where, "items", k))
                          for k, item in enumerate(items)]
    return slide


def _with_decimals(doc: Located, item: Any, where: PathKey) -> Any:
    """92.64 keeps two decimals, 92.60 keeps two as written: read them from the YAML text."""
    if not isinstance(item, dict) or "decimals" in item:
        return item
    value = item.get("value")
    text = doc.float_text.get((*where, "value"))
    if isinstance(value, str):
        text = value.replace(",", "")
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    if text is None:
        return item
    mantissa = text.lower().split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return {**item, "decimals": min(decimals, 6)}


def _asset(doc: Located, raw: str, final: PathKey, state: _State) -> str:
    resolved = Path(os.path.normpath(doc.file.parent / os.path.expanduser(raw)))
    state.assets.append((final, raw, resolved))
    return str(resolved)


def _check_references(data: dict[str, Any], state: _State, root: Path) -> None:
    declared = state.sources
    names = sorted(str(n) for n in declared)
    slides = data.get("slides")
    for i, slide in enumerate(slides if isinstance(slides, list) else []):
        if not isinstance(slide, dict):
            continue
        refs: list[tuple[PathKey, Any]] = []
        items, series_list = slide.get("items"), slide.get("series")
        for j, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get("value"), dict):
                refs.append((("slides", i, "items", j, "value"), item["value"].get("source")))
        for j, series in enumerate(series_list if isinstance(series_list, list) else []):
            if isinstance(series, dict) and "source" in series:
                refs.append((("slides", i, "series", j, "source"), series["source"]))
        for path, name in refs:
            if isinstance(name, str) and name not in declared:
                file, line = state.lines.get(path, (root, 0))
                listed = ", ".join(names) if names else "none (add a sources: section)"
                state.add(file, line, path, f"source '{name}' is not declared under sources"
                          f"{suggest(name, names)}; declared: {listed}")


def _check_languages(deck: Deck, state: _State, root: Path) -> None:
    """A text in a language the deck does not list, and that no listed language falls back
    to, would never be shown: a forgotten ``languages:`` entry or a typo, refused like an
    unknown key (#14)."""
    listed = ", ".join(deck.languages)
    for path, text in deck.texts():
        for lang in deck.unshown(text):
            where = (*path, lang)
            file, line = state.lines.get(where) or state.lines.get(path, (root, 0))
            state.add(file, line, where,
                      f"{lang} is not one of the deck's languages ({listed}), so this text "
                      f"would never be shown; add it: languages: [{listed}, {lang}], "
                      "or remove it")


def _check_assets(state: _State) -> None:
    for path, raw, resolved in state.assets:
        file, line = state.lines.get(path, (state.files[0], 0))
        try:
            if path[-1] == "image":  # the same rules as the photo slide's decoder (#18 F)
                message = image_problem(resolved, raw)
            else:
                check_regular(resolved)
                message = None
        except UnreadableFileError as exc:
            reason = str(exc).removeprefix(f"{resolved}: ")
            message = (f"file not found: {raw} (looked for {resolved})"
                       if reason == "file not found" else f"{raw} {reason} ({resolved})")
        if message is not None:  # the show plays on with a placeholder or a stale feed
            state.add(file, line, path, message, "asset")


def _not_a_file(file: Path) -> str | None:
    """Why ``file`` is not a regular file ("is a FIFO, not a file"), or None if it is one."""
    try:
        check_regular(file)
    except UnreadableFileError as exc:
        return str(exc).removeprefix(f"{file}: ")
    return None


def _local(problem: Problem, state: _State, root: Path) -> Problem:
    """Name an included slide by its index in its own file: ``sky.yaml:5: slides[0]…``."""
    path = problem.path
    if problem.file == root or len(path) < 2 or path[0] != "slides" or not isinstance(
        path[1], int
    ):
        return problem
    local = state.local_index.get(path[1], path[1])
    return dataclasses.replace(problem, path=("slides", local, *path[2:]))


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Path, int, tuple[Any, ...]]] = set()
    out: list[Problem] = []
    for problem in problems:
        key = (problem.file, problem.line, problem.path)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    order = {file: i for i, file in enumerate(dict.fromkeys(p.file for p in out))}
    return sorted(out, key=lambda p: (order[p.file], p.line))
