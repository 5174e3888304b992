"""A published bundle's manifest: what ``kiosk publish`` writes and every screen reads (#15).

A bundle is a folder that any static web server, object store or CDN can serve::

    manifest.json          this file's JSON (below), rewritten at each publish
    manifest.json.minisig  its minisign signature, with --sign
    files/<sha256>         each file the deck needs, named by the SHA-256 of its bytes

``manifest.json``::

    {"format": "kiosk-bundle/1", "channel": "…32 hex…", "version": 7,
     "published": "2026-12-03T10:30:00.123Z", "deck": "zhuhai.yaml",
     "files": [{"path": "zhuhai.yaml", "sha256": "…64 hex…", "size": 18231}, …]}

- ``channel`` names the published folder: made at random by its first publish and kept by
  every publish after. It is signed with the rest, and a screen follows one channel: a
  manifest signed with the same key for another hall's folder, served at this URL, is
  refused (it would otherwise replace this hall's deck and, with a higher version, block
  its updates as rollbacks).
- ``version`` grows by one at every publish into the same folder; a screen never goes back
  to a lower one (a rollback is refused).
- ``published`` is UTC with milliseconds: the default epoch of a ``sync: clock`` deck.
- ``deck`` is the logical path of the deck file, one of ``files``.
- ``path`` is where the file lies relative to the deck's folder when the bundle is unpacked:
  the deck, its includes, its photos, file feeds' data. Paths are checked as strictly as a
  deck (:func:`check_path`): a manifest is input from the network, signed or not.

The manifest is parsed from bounded bytes (:data:`MAX_MANIFEST_BYTES`) and every field is
checked; anything else is a :class:`ManifestError` whose message is one sentence for the
operator's status file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

FORMAT = "kiosk-bundle/1"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.minisig"
FILES_DIR = "files"
MAX_MANIFEST_BYTES = 1 << 20  # 5,000 entries of some 150 bytes each fit well
MAX_SIGNATURE_BYTES = 4096  # a minisign signature is about 300 bytes
MAX_FILES = 5000
MAX_FILE_BYTES = 256 << 20  # one photo or data file
MAX_TOTAL_BYTES = 2 << 30  # the whole bundle
MAX_PATH_CHARS = 512
MAX_VERSION = 2**53 - 1  # exact in JSON numbers everywhere
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHANNEL = re.compile(r"[0-9a-f]{32}")
# names Windows refuses whatever the extension (the bundle is unpacked on Windows too)
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$",
                     *(f"{port}{n}" for port in ("com", "lpt")
                       for n in (*"123456789", "¹", "²", "³"))}
_SHORT_NAME = re.compile(r"~\d")  # an 8.3 short name (LONGFI~1.YAM) is another file's alias
_FORBIDDEN_CHARS = set('\\:*?"<>|')


class ManifestError(ValueError):
    """The manifest is unusable; ``str()`` says why in one sentence."""


@dataclass(frozen=True)
class Entry:
    path: str  # logical, relative, POSIX separators, checked by check_path
    sha256: str  # 64 lower-case hex digits
    size: int  # bytes

    @property
    def blob(self) -> str:
        """Where the file lies in the published folder, relative to manifest.json."""
        return blob_name(self.sha256)


@dataclass(frozen=True)
class Manifest:
    channel: str  # 32 hex digits: the published folder this manifest belongs to
    version: int
    published: float  # seconds since the epoch, UTC
    deck: str  # the logical path of the deck file
    files: tuple[Entry, ...]

    def entry(self, path: str) -> Entry | None:
        return next((e for e in self.files if e.path == path), None)

    @property
    def total_bytes(self) -> int:
        return sum(e.size for e in self.files)

    def to_json(self) -> bytes:
        """The manifest's bytes as published: stable key order, one entry a line."""
        head = {"format": FORMAT, "channel": self.channel, "version": self.version,
                "published": format_time(self.published), "deck": self.deck}
        lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "files": [']
        for i, e in enumerate(self.files):
            comma = "," if i < len(self.files) - 1 else ""
            item = {"path": e.path, "sha256": e.sha256, "size": e.size}
            lines.append("  " + json.dumps(item, ensure_ascii=False) + comma)
        lines.append("]}")
        return ("\n".join(lines) + "\n").encode("utf-8")


def new_channel() -> str:
    """A new published folder's channel: 128 random bits."""
    import secrets

    return secrets.token_hex(16)


def blob_name(sha256: str) -> str:
    return f"{FILES_DIR}/{sha256}"


def format_time(seconds: float) -> str:
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(text: Any) -> float:
    if not isinstance(text, str) or not re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z", text):
        raise ManifestError(f"published must be a UTC time like 2026-12-03T10:30:00.000Z, "
                            f"got {_show(text)}")
    try:
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        raise ManifestError(f"published is not a real time: {_show(text)}") from None
    return moment.timestamp()


def check_path(path: Any) -> str:
    """``path`` if it is a safe relative file path inside the bundle; else ManifestError.

    Refused: absolute paths, drive letters, ``..`` and ``.``, empty parts, backslashes and
    the other characters Windows refuses, control characters, names Windows reserves (CON,
    NUL …), names ending in a dot or a space, and anything not in Unicode's NFC form (two
    spellings of one name would be two files on Linux and one on macOS).
    """
    if not isinstance(path, str) or not path:
        raise ManifestError(f"a file path must be a non-empty string, got {_show(path)}")
    if len(path) > MAX_PATH_CHARS:
        raise ManifestError(f"a file path is over {MAX_PATH_CHARS} characters")
    if unicodedata.normalize("NFC", path) != path:
        raise ManifestError(f"file path {_show(path)} is not in Unicode NFC form")
    if path.startswith("/"):
        raise ManifestError(f"file path {_show(path)} is absolute; paths are relative")
    for part in path.split("/"):
        if part in ("", ".", ".."):
            raise ManifestError(f"file path {_show(path)} has an empty, . or .. part")
        bad = sorted({c for c in part if c in _FORBIDDEN_CHARS
                      or unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")})
        if bad:
            raise ManifestError(f"file path {_show(path)} has a character not allowed in a "
                                f"file name: {', '.join(repr(c) for c in bad)}")
        if part[-1] in ". " or part.split(".")[0].rstrip(" ").lower() in _WINDOWS_RESERVED:
            raise ManifestError(f"file path {_show(path)} has a name Windows cannot store")
        if _SHORT_NAME.search(part):
            raise ManifestError(f"file path {_show(path)} looks like a Windows short name "
                                "(~1): on Windows it may be another file of the bundle")
    return path


def parse(raw: bytes) -> Manifest:
    """A manifest from the bytes of ``manifest.json``; raises :class:`ManifestError`."""
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ManifestError(f"manifest is {len(raw)} bytes, over the limit of "
                            f"{MAX_MANIFEST_BYTES}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ManifestError(f"manifest is not JSON ({str(exc)[:80]})") from None
    if not isinstance(data, dict):
        raise ManifestError(f"manifest must be a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ManifestError(f"manifest format must be {FORMAT!r}, got {_show(data.get('format'))}")
    unknown = sorted(set(data) - {"format", "channel", "version", "published", "deck", "files"})
    if unknown:
        raise ManifestError(f"manifest has unknown keys: {', '.join(map(_show, unknown))}")
    channel = data.get("channel")
    if not isinstance(channel, str) or not _CHANNEL.fullmatch(channel):
        raise ManifestError(f"channel must be 32 lower-case hex digits, got {_show(channel)}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not (
            1 <= version <= MAX_VERSION):
        raise ManifestError(f"version must be a whole number from 1, got {_show(version)}")
    published = parse_time(data.get("published"))
    files = data.get("files")
    if not isinstance(files, list) or not files:
        raise ManifestError("files must be a non-empty list")
    if len(files) > MAX_FILES:
        raise ManifestError(f"{len(files)} files is over the limit of {MAX_FILES}")
    entries = tuple(_entry(item, i) for i, item in enumerate(files))
    _check_tree(entries)
    total = sum(e.size for e in entries)
    if total > MAX_TOTAL_BYTES:
        raise ManifestError(f"the files add up to {total} bytes, over the limit of "
                            f"{MAX_TOTAL_BYTES}")
    deck = check_path(data.get("deck"))
    if not any(e.path == deck for e in entries):
        raise ManifestError(f"deck {_show(deck)} is not one of the files")
    return Manifest(channel, version, published, deck, entries)


def _entry(item: Any, index: int) -> Entry:
    if not isinstance(item, dict) or set(item) != {"path", "sha256", "size"}:
        raise ManifestError(f"files[{index}] must be an object with exactly path, sha256 "
                            "and size")
    path = check_path(item["path"])
    sha = item["sha256"]
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise ManifestError(f"files[{index}] sha256 must be 64 lower-case hex digits")
    size = item["size"]
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_FILE_BYTES:
        raise ManifestError(f"files[{index}] size must be a whole number of bytes from 0 to "
                            f"{MAX_FILE_BYTES}, got {_show(size)}")
    return Entry(path, sha, size)


def _check_tree(entries: tuple[Entry, ...]) -> None:
    """No path twice (case-insensitive file systems included), no file used as a folder."""
    seen: dict[str, str] = {}
    for e in entries:
        key = _fold(e.path)
        if key in seen:
            raise ManifestError(f"file path {_show(e.path)} is listed twice (or differs only "
                                f"in case from {_show(seen[key])})")
        seen[key] = e.path
    for e in entries:
        parts = _fold(e.path).split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in seen:
                raise ManifestError(f"{_show(seen[folder])} is a file and also a folder of "
                                    f"{_show(e.path)}")


def _fold(path: str) -> str:
    """One key for names a caseless file system takes for one: upper-cased first, as NTFS
    compares (ı and I), then case-folded (ß and ss, and the rest)."""
    return path.upper().casefold()


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
