"""Traditional Chinese derived from the Simplified text with OpenCC, off the start path (#14).

A deck that lists ``zh-Hant`` but gives a text only in ``zh`` shows that text converted with
the deck's ``zh_hant_conversion`` profile (s2t, s2hk, s2tw, s2twp). Loading OpenCC's
dictionaries is the expensive part (about 80 ms for s2hk here), so nothing converts while a
deck loads: the show converts when zh-Hant is first needed, or on a worker after the first
frame. A start that shows zh-Hant first reads the result from the cache folder, keyed by the
content it was made from, and checks it as strictly as any input.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.files import UnreadableFileError, read_regular, write_atomic

if TYPE_CHECKING:
    from kiosk.core.deck import Deck

log = logging.getLogger(__name__)
PROFILES = ("s2t", "s2hk", "s2tw", "s2twp")
CACHE_MAX_BYTES = 4_000_000  # a deck's texts converted: far below this (the demo deck: 6 KB)
CACHE_FILES = 8
_lock = threading.Lock()  # one conversion at a time: a worker and the UI thread may both ask
_converters: dict[str, Callable[[str], str]] = {}
_plain_table: dict[tuple[str, str], str] = {}  # (profile, zh string) -> Traditional
_cache_dir: Path | None = None
_child: list[str] | None = None  # argv of a helper process that converts (set_child_command)
CHILD_TIMEOUT_S = 60.0


def set_cache_dir(folder: Path | None) -> None:
    """Where converted decks are kept between starts (``kiosk run`` sets it; None: nowhere)."""
    global _cache_dir
    _cache_dir = folder


def set_child_command(argv: list[str] | None) -> None:
    """Convert in a helper process started with ``argv + [profile]`` (``kiosk run`` sets it):
    OpenCC's dictionaries (about 44 MB with s2hk) then never enter the show's own heap, where
    freeing them leaves it fragmented for the rest of a weeks-long run (#14)."""
    global _child
    _child = argv


def convert_table(profile: str, sources: list[str]) -> dict[str, str]:
    """``{zh: Traditional}`` for ``sources``: in the helper process when there is one (and it
    answers well), else in this process."""
    if _child is not None:
        table = _convert_in_child(_child, profile, sources)
        if table is not None:
            return table
    convert_one = converter(profile)
    return {zh: convert_one(zh) for zh in sources}


def _convert_in_child(argv: list[str], profile: str, sources: list[str]) -> dict[str, str] | None:
    import subprocess

    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
    try:
        done = subprocess.run([*argv, profile], input=json.dumps(sources).encode("utf-8"),
                              capture_output=True, timeout=CHILD_TIMEOUT_S, creationflags=flags)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("zh-Hant: the conversion helper did not run (%s); converting here", exc)
        return None
    table = _valid_table(done.stdout, sources) if done.returncode == 0 else None
    if table is None:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        log.warning("zh-Hant: the conversion helper failed (exit %d%s); converting here",
                    done.returncode, f": {tail[0][:200]}" if tail[0] else "")
    return table


def _valid_table(raw: bytes, sources: list[str]) -> dict[str, str] | None:
    """The helper's answer, only if it is JSON of the shape :func:`_checked` accepts."""
    if len(raw) > CACHE_MAX_BYTES:
        return None
    try:
        return _checked(json.loads(raw.decode("utf-8")), sources)
    except (UnicodeDecodeError, ValueError):
        return None


def _checked(table: Any, sources: list[str]) -> dict[str, str] | None:
    """A conversion table from outside this process (the cache, the helper), only if it has
    exactly the shape converting ``sources`` gives: each source once, a string of plausible
    length for each."""
    if (not isinstance(table, dict) or set(table) != set(sources)
            or not all(isinstance(v, str) and len(v) <= 4 * len(k) + 16
                       for k, v in table.items())):
        return None
    return {str(k): str(v) for k, v in table.items()}


def child_main(profile: str, stdin: Any, stdout: Any) -> int:
    """The helper process: a JSON list of Simplified strings in, ``{zh: Traditional}`` out."""
    try:
        sources = json.loads(stdin.read(CACHE_MAX_BYTES + 1).decode("utf-8"))
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise ValueError("expected a JSON list of strings")
        convert_one = converter(profile)
    except ValueError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    stdout.write(json.dumps({zh: convert_one(zh) for zh in sources},
                            ensure_ascii=False).encode("utf-8"))
    return 0


def converter(profile: str) -> Callable[[str], str]:
    """OpenCC's converter for ``profile``, loaded once per process."""
    if profile not in PROFILES:
        raise ValueError(f"unknown conversion {profile!r}; allowed: {', '.join(PROFILES)}")
    found = _converters.get(profile)
    if found is None:
        import opencc  # imported here: decks without zh-Hant never load it

        found = opencc.OpenCC(f"{profile}.json").convert
        _converters[profile] = found
    return found


@functools.lru_cache(maxsize=4096)  # views convert a deck's units and categories per paint
def convert(text: str, profile: str = "s2t") -> str:
    """``text`` (Simplified) in Traditional Chinese by ``profile``: from what
    :func:`derive_traditional` converted for the deck, else with OpenCC."""
    if not text:
        return text
    known = _plain_table.get((profile, text))
    return known if known is not None else converter(profile)(text)


def release() -> None:
    """Drop the loaded OpenCC dictionaries (about 44 MB with s2hk): once a deck's strings are
    converted nothing needs them, and a kiosk keeps its memory for weeks (bench/steady.py).
    The caller gives the freed memory back to the system (kiosk.memory.trim_heap).

    No ``gc.collect()`` here: OpenCC's objects hold no cycles (the reference count frees them
    as the dict lets go), and this runs on a worker thread, where a collection destroyed the
    Qt objects of a replaced deck's show off the UI thread: a crash (kiosk.qt.collector)."""
    with _lock:
        _converters.clear()


def pending(deck: Deck) -> list[str]:
    """The distinct zh strings of ``deck`` still waiting for their Traditional form: its
    texts without a zh-Hant entry, and its plain strings (units, prefixes, categories)."""
    if "zh-Hant" not in deck.languages:
        return []
    seen: dict[str, None] = {}
    for _path, text in deck.texts():
        if text.needs_conversion() and text.own("zh-Hant") == "":
            seen.setdefault(text.zh)
    profile = deck.zh_hant_conversion
    for plain in _plain_strings(deck):
        if (profile, plain) not in _plain_table:
            seen.setdefault(plain)
    return list(seen)


def _plain_strings(deck: Deck) -> list[str]:
    from kiosk.core.glyphs import plain_strings

    return [s for _path, s in plain_strings(deck) if s and not s.isascii()]


def derive_traditional(deck: Deck) -> float:
    """Give every text of ``deck`` without a zh-Hant entry its converted form; idempotent and
    thread-safe. Returns the seconds spent (0 when nothing was left to do)."""
    if "zh-Hant" not in deck.languages:
        return 0.0
    with _lock:
        sources = pending(deck)
        if not sources:
            return 0.0
        start = time.perf_counter()
        profile = deck.zh_hant_conversion
        table = _read_cache(profile, sources)
        how = "from the cache"
        if table is None:
            table = convert_table(profile, sources)
            _write_cache(profile, sources, table)
            how = "with OpenCC"
        for _path, text in deck.texts():
            if text.needs_conversion():
                text.set_converted(table.get(text.zh, text.zh))
        for zh, hant in table.items():  # units and categories convert from it from now on
            _plain_table[(profile, zh)] = hant
        spent = time.perf_counter() - start
        log.info("zh-Hant: %d texts converted (%s) %s in %.0f ms", len(sources), profile, how,
                 spent * 1000)
        return spent


def _key(profile: str, sources: list[str]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{profile}\0{_opencc_version()}\0".encode())
    for zh in sorted(sources):
        digest.update(zh.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:32]


def _opencc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("OpenCC")
    except PackageNotFoundError:
        return "?"


def _cache_file(profile: str, sources: list[str]) -> Path | None:
    return None if _cache_dir is None else _cache_dir / f"{_key(profile, sources)}.json"


def _read_cache(profile: str, sources: list[str]) -> dict[str, str] | None:
    """The table kept by an earlier start, only if it is exactly what converting would give
    the shape of: every source once, a string for each; anything else is ignored."""
    file = _cache_file(profile, sources)
    if file is None or not file.exists():
        return None
    try:
        data: Any = json.loads(read_regular(file, CACHE_MAX_BYTES).decode("utf-8"))
    except (UnreadableFileError, OSError, UnicodeDecodeError, ValueError) as exc:
        log.warning("ignoring the zh-Hant cache %s: %s", file, exc)
        return None
    table = (_checked(data.get("texts"), sources)
             if isinstance(data, dict) and data.get("profile") == profile else None)
    if table is None:
        log.warning("ignoring the zh-Hant cache %s: not what this deck converts to", file)
    return table


def _write_cache(profile: str, sources: list[str], table: dict[str, str]) -> None:
    file = _cache_file(profile, sources)
    if file is None:
        return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(file, json.dumps({"profile": profile, "texts": table}, ensure_ascii=False))
        kept = sorted(file.parent.glob("*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in kept[CACHE_FILES:]:  # one per edit of a deck: keep the newest few
            old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only cache costs the next start 80 ms, nothing more
        log.warning("could not keep the zh-Hant conversion in %s: %s", file, exc)
