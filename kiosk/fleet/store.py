"""A screen's cache of one published deck: complete bundles, the current and the previous (#15).

Layout under ``<cache>/decks/<16 hex of the SHA-256 of the redacted URL>/``::

    state.json                  which bundles are current and previous, and the manifest's
                                ETag / Last-Modified for the next conditional request
    blobs/<sha256>              every file of current and previous, named by its hash: a
                                new version downloads only the hashes not found here
    bundles/<version>-<16 hex of the manifest's SHA-256>-<6 hex at random>/
        manifest.json           the manifest's bytes as received
        manifest.json.minisig   its signature, when it was verified
        deck/<logical path>     the unpacked files: hard links of the blobs (copies where
                                the file system has none); the deck is loaded from here
    tmp/                        downloads in progress; emptied at every commit

A new version is built in a new ``bundles/`` folder (the random part: never over an old one)
and becomes current only when ``state.json`` names it (one atomic rename). What neither the
current nor the previous bundle uses is removed after that, so a failure at any step leaves
current and previous as they were. Everything read back is distrusted like a deck: regular
files only, bounded, the state file checked key by key, each bundle's files hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.files import UnreadableFileError, open_regular, read_regular, write_atomic
from kiosk.fleet.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    SIGNATURE_NAME,
    Manifest,
    ManifestError,
    parse,
)

log = logging.getLogger(__name__)
STATE_FORMAT = "kiosk-deck-cache/1"
MAX_STATE_BYTES = 16384
MAX_HEADER_CHARS = 1024  # an ETag or a Last-Modified kept for the next request
_BUNDLE_ID = re.compile(r"([1-9][0-9]{0,15})-([0-9a-f]{16})-([0-9a-f]{6})")
_HEADER_VALUE = re.compile(r"[\x20-\x7e]*")  # printable ASCII: never a line break
DECK_DIR = "deck"


class CacheError(Exception):
    """A cached bundle (or the state file) is unusable; ``str()`` says why in one sentence."""


@dataclass(frozen=True)
class Slot:
    """One bundle the state file names."""

    id: str  # its folder under bundles/
    version: int

    @property
    def manifest_sha16(self) -> str:
        return self.id.split("-")[1]


@dataclass(frozen=True)
class State:
    current: Slot | None = None
    previous: Slot | None = None
    etag: str | None = None  # of current's manifest
    last_modified: str | None = None

    def slot(self, version: int) -> Slot | None:
        """The cached bundle of ``version`` (current first)."""
        for slot in (self.current, self.previous):
            if slot is not None and slot.version == version:
                return slot
        return None


def new_bundle_id(version: int, manifest_bytes: bytes) -> str:
    digest = hashlib.sha256(manifest_bytes).hexdigest()[:16]
    return f"{version}-{digest}-{os.urandom(3).hex()}"


class Store:
    """The cache folder of one URL. Not thread-safe: the :class:`Puller` holds a lock."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.bundles = root / "bundles"
        self.tmp = root / "tmp"
        self.state_path = root / "state.json"

    def make_dirs(self) -> None:
        for folder in (self.blobs, self.bundles, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    # -- the state file ------------------------------------------------------------------
    def load_state(self) -> State:
        """The state file, checked key by key; an absent file is an empty state, anything
        else wrong raises :class:`CacheError`."""
        if not self.state_path.exists() and not self.state_path.is_symlink():
            return State()
        try:
            raw = read_regular(self.state_path, MAX_STATE_BYTES)
            data = json.loads(raw.decode("utf-8"))
        except (UnreadableFileError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise CacheError(f"the cache's state file is unusable ({str(exc)[:120]})") from None
        try:
            return _state_from(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise CacheError(f"the cache's state file is unusable ({str(exc)[:120]})") from None

    def save_state(self, state: State) -> None:
        def slot(s: Slot | None) -> dict[str, Any] | None:
            return None if s is None else {"id": s.id, "version": s.version}

        data = {"format": STATE_FORMAT, "current": slot(state.current),
                "previous": slot(state.previous), "etag": state.etag,
                "last_modified": state.last_modified}
        write_atomic(self.state_path, json.dumps(data, indent=1) + "\n")

    # -- bundles ---------------------------------------------------------------------------
    def bundle_dir(self, bundle_id: str) -> Path:
        return self.bundles / bundle_id

    def deck_dir(self, bundle_id: str) -> Path:
        return self.bundles / bundle_id / DECK_DIR

    def read_manifest(self, slot: Slot) -> tuple[bytes, Manifest]:
        """A cached bundle's manifest, its bytes matching the hash in its name."""
        path = self.bundle_dir(slot.id) / MANIFEST_NAME
        try:
            raw = read_regular(path, MAX_MANIFEST_BYTES)
            manifest = parse(raw)
        except (UnreadableFileError, ManifestError) as exc:
            raise CacheError(f"its manifest is unusable: {exc}") from None
        if hashlib.sha256(raw).hexdigest()[:16] != slot.manifest_sha16:
            raise CacheError("its manifest was changed after it was received")
        if manifest.version != slot.version:
            raise CacheError(f"its manifest says version {manifest.version}, the state file "
                             f"{slot.version}")
        return raw, manifest

    def read_signature(self, slot: Slot) -> bytes:
        try:
            return read_regular(self.bundle_dir(slot.id) / SIGNATURE_NAME, MAX_SIGNATURE_BYTES)
        except UnreadableFileError as exc:
            raise CacheError(f"its signature is unusable: {_short(exc)}") from None

    def verify_files(self, slot: Slot, manifest: Manifest) -> None:
        """Every file of the bundle is on disk, a regular file, of its size and hash."""
        deck_dir = self.deck_dir(slot.id)
        for entry in manifest.files:
            problem = file_problem(deck_dir / entry.path, entry.sha256, entry.size)
            if problem is not None:
                raise CacheError(f"{entry.path}: {problem}")

    def stage(self, bundle_id: str, manifest_raw: bytes, signature: bytes | None,
              manifest: Manifest) -> Path:
        """A new bundle folder, unpacked from the blob store (every blob already checked).

        Returns its deck folder. On any failure the half-built folder is removed.
        """
        folder = self.bundle_dir(bundle_id)
        try:
            folder.mkdir(parents=True)
            write_atomic(folder / MANIFEST_NAME, manifest_raw)
            if signature is not None:
                write_atomic(folder / SIGNATURE_NAME, signature)
            deck_dir = folder / DECK_DIR
            for entry in manifest.files:
                target = deck_dir.joinpath(*entry.path.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                blob = self.blobs / entry.sha256
                try:
                    os.link(blob, target)
                except OSError:  # no hard links here (FAT, some network shares): a copy
                    shutil.copyfile(blob, target)
            return deck_dir
        except BaseException:
            remove_tree(folder)
            raise

    # -- blobs -----------------------------------------------------------------------------
    def has_blob(self, sha256: str, size: int) -> bool:
        """The blob is in the store and intact; a damaged one is removed (fetched again)."""
        path = self.blobs / sha256
        if not path.exists() and not path.is_symlink():
            return False
        problem = file_problem(path, sha256, size)
        if problem is None:
            return True
        log.warning("deck cache: blob %s… is damaged (%s); fetching it again", sha256[:12],
                    problem)
        remove_tree(path)  # a folder or a FIFO in its place goes too
        return False

    def add_blob(self, part: Path, sha256: str) -> None:
        os.replace(part, self.blobs / sha256)

    # -- collecting ------------------------------------------------------------------------
    def collect(self, state: State, playing: int | None,
                pending: frozenset[str] = frozenset()) -> None:
        """Remove every bundle but ``state``'s two and those of version ``playing`` (the one
        on screen, whatever the state file says), every blob that neither of ``state``'s
        bundles uses and that is not ``pending`` (a failed version's files, kept for its
        next try: at most one manifest's worth), and whatever is left in tmp/."""
        bundles = {s.id for s in (state.current, state.previous) if s is not None}
        used: set[str] = set(pending)
        for slot in (state.current, state.previous):
            if slot is None:
                continue
            with contextlib.suppress(CacheError):  # an unusable bundle's blobs can go
                used |= {e.sha256 for e in self.read_manifest(slot)[1].files}
        with contextlib.suppress(OSError):
            for child in os.scandir(self.bundles):
                match = _BUNDLE_ID.fullmatch(child.name)
                if child.name in bundles or (match is not None and playing is not None
                                             and int(match.group(1)) == playing):
                    continue
                remove_tree(Path(child.path))
        # a blob's removal never breaks a bundle: its files are hard links or copies
        with contextlib.suppress(OSError):
            for child in os.scandir(self.blobs):
                if child.name not in used:
                    remove_tree(Path(child.path))
        with contextlib.suppress(OSError):
            for child in os.scandir(self.tmp):
                remove_tree(Path(child.path))


def file_problem(path: Path, sha256: str, size: int) -> str | None:
    """None if ``path`` is a regular file of ``size`` bytes hashing to ``sha256``."""
    try:
        with open_regular(path) as (fd, st):
            if st.st_size != size:
                return f"{st.st_size} bytes instead of {size}"
            digest = hashlib.sha256()
            total = 0
            while chunk := os.read(fd, min(1 << 20, size + 1 - total)):
                digest.update(chunk)
                total += len(chunk)
                if total > size:
                    return f"more than {size} bytes"
    except UnreadableFileError as exc:
        return _short(exc)
    if total != size:
        return f"{total} bytes instead of {size}"
    if digest.hexdigest() != sha256:
        return "its SHA-256 does not match the manifest (changed or damaged)"
    return None


def remove_tree(path: Path) -> None:
    """Remove a file or a folder (never following a link out of it); errors ignored."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


def _state_from(data: Any) -> State:
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise ValueError(f"not a {STATE_FORMAT} file")
    if set(data) != {"format", "current", "previous", "etag", "last_modified"}:
        raise ValueError("unexpected keys")
    current, previous = _slot(data["current"]), _slot(data["previous"])
    if current is None and previous is not None:
        raise ValueError("a previous bundle without a current one")
    if current is not None and previous is not None and current.id == previous.id:
        raise ValueError("current and previous are the same bundle")
    return State(current, previous, _header(data["etag"]), _header(data["last_modified"]))


def _slot(value: Any) -> Slot | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"id", "version"}:
        raise ValueError("a bundle entry must have exactly id and version")
    bundle_id, version = value["id"], value["version"]
    match = _BUNDLE_ID.fullmatch(bundle_id) if isinstance(bundle_id, str) else None
    if match is None or type(version) is not int or version != int(match.group(1)):
        raise ValueError(f"bad bundle entry {str(value)[:80]}")
    return Slot(bundle_id, version)


def _header(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_HEADER_CHARS or not \
            _HEADER_VALUE.fullmatch(value):
        raise ValueError("a stored header is not a short line of printable ASCII")
    return value


def _short(exc: BaseException) -> str:
    """An UnreadableFileError's sentence without the long cache path in front."""
    text = str(exc)
    head, sep, tail = text.partition(": ")
    return tail if sep and os.sep in head else text
