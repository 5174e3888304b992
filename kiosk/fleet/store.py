"""A screen's cache of one published deck: complete bundles, the current and the previous (#15).

Layout under ``<cache>/decks/<16 hex of the SHA-256 of the redacted URL>/``::

    state.json                  which bundles are current and previous, the channel this
                                screen follows (the published folder, see manifest.py), and
                                the manifest's ETag / Last-Modified for the next conditional
                                request; rebuilt from bundles/ when lost or damaged
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
The folders are made private (0700) and checked with ``lstat``: a symbolic link where one of
them should be is removed (never followed) and the folder made again, and nothing is deleted
through a link (another local user, or a restored backup, could point one at any folder).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator
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
_CHANNEL = re.compile(r"[0-9a-f]{32}")
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
    channel: str | None = None  # the published folder this screen follows (None: not yet)

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
        """The cache's folders, private; a link or a file where one should be is replaced."""
        self.root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self.root, self.blobs, self.bundles, self.tmp):
            ensure_dir(folder)

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
                "previous": slot(state.previous), "channel": state.channel,
                "etag": state.etag, "last_modified": state.last_modified}
        write_atomic(self.state_path, json.dumps(data, indent=1) + "\n")

    # -- bundles ---------------------------------------------------------------------------
    def bundle_dir(self, bundle_id: str) -> Path:
        return self.bundles / bundle_id

    def deck_dir(self, bundle_id: str) -> Path:
        return self.bundles / bundle_id / DECK_DIR

    def bundle_ids(self) -> list[Slot]:
        """The bundles in the cache (real folders with a bundle's name), highest version
        first: what a lost state file is rebuilt from."""
        found: list[Slot] = []
        for name in _names(self.bundles):
            match = _BUNDLE_ID.fullmatch(name)
            if match is not None and _is_real_dir(self.bundles / name):
                found.append(Slot(name, int(match.group(1))))
        return sorted(found, key=lambda s: s.version, reverse=True)

    def read_manifest(self, slot: Slot) -> tuple[bytes, Manifest]:
        """A cached bundle's manifest, its bytes matching the hash in its name."""
        if not _is_real_dir(self.bundle_dir(slot.id)):
            raise CacheError("its folder is missing, or is a link or a file")
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
            folder.mkdir(mode=0o700)
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
                except FileExistsError:  # two names of the bundle are one file here
                    raise CacheError(f"{entry.path}: another file of the bundle has the same "
                                     "name on this screen's file system") from None
                except OSError as exc:
                    if not _no_hard_links(exc):
                        raise
                    # no hard links here (FAT, some network shares): a copy, never over a file
                    with open(blob, "rb") as src, open(target, "xb") as dst:
                        shutil.copyfileobj(src, dst)
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

        def bundle_kept(name: str) -> bool:
            match = _BUNDLE_ID.fullmatch(name)
            return name in bundles or (match is not None and playing is not None
                                       and int(match.group(1)) == playing)

        with contextlib.suppress(OSError):  # a link in a folder's place goes first; and
            self.make_dirs()  # _clear never scans through one (it may be made meanwhile)
        _clear(self.bundles, bundle_kept)
        # a blob's removal never breaks a bundle: its files are hard links or copies
        _clear(self.blobs, lambda name: name in used)
        _clear(self.tmp, lambda name: False)


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
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)  # refuses a link; fd-based inside
        else:
            os.unlink(path)  # a link itself, not what it points to
    except OSError:
        pass


def ensure_dir(folder: Path) -> None:
    """``folder`` is a real folder: made (0700) if absent; a symbolic link, a file or anything
    else in its place is removed first (the link itself, never what it points to)."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        folder.mkdir(mode=0o700)
        return
    if stat.S_ISDIR(mode):
        return
    what = "a symbolic link" if stat.S_ISLNK(mode) else "not a folder"
    log.warning("deck cache: %s is %s; it is replaced by an empty folder", folder, what)
    os.unlink(folder)
    folder.mkdir(mode=0o700)


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _names(folder: Path) -> list[str]:
    """The names in ``folder`` if it is a real folder (not through a link); else none."""
    if not _is_real_dir(folder):
        return []
    try:
        return [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []


_SAFE_FD = (hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")
            and os.scandir in os.supports_fd and os.unlink in os.supports_dir_fd
            and os.lstat in os.supports_dir_fd and shutil.rmtree.avoids_symlink_attacks)


def _clear(folder: Path, keep: Callable[[str], bool]) -> None:
    """Remove everything in the real folder ``folder`` whose name ``keep`` refuses; errors
    ignored. Where the system allows, through a descriptor of the folder opened without
    following a link, so a folder swapped for a link meanwhile is not scanned through."""
    if not _SAFE_FD:
        for name in _names(folder):
            if not keep(name):
                remove_tree(folder / name)
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:  # a link (ELOOP), gone, not a folder: nothing to clear through it
        return
    try:
        for name in list(_fd_names(fd)):
            if keep(name):
                continue
            try:
                if stat.S_ISDIR(os.lstat(name, dir_fd=fd).st_mode):
                    shutil.rmtree(name, dir_fd=fd, ignore_errors=True)
                else:
                    os.unlink(name, dir_fd=fd)
            except OSError:
                pass
    finally:
        os.close(fd)


def _fd_names(fd: int) -> Iterator[str]:
    try:
        with os.scandir(fd) as entries:  # on a duplicate of fd, closed with the iterator
            for entry in entries:
                yield entry.name
    except OSError:
        return


# errno values and Windows errors meaning "this file system has no hard links"
_NO_LINK_ERRNOS = {getattr(errno, name) for name in ("EPERM", "EXDEV", "ENOTSUP", "EOPNOTSUPP",
                                                     "EMLINK", "ENOSYS") if hasattr(errno, name)}
_NO_LINK_WINERRORS = {1, 17, 50, 1142}  # invalid function (FAT), not same device, not
# supported, too many links


def _no_hard_links(exc: OSError) -> bool:
    winerror = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror in _NO_LINK_WINERRORS
    return exc.errno in _NO_LINK_ERRNOS


def _state_from(data: Any) -> State:
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise ValueError(f"not a {STATE_FORMAT} file")
    if set(data) != {"format", "current", "previous", "channel", "etag", "last_modified"}:
        raise ValueError("unexpected keys")
    current, previous = _slot(data["current"]), _slot(data["previous"])
    if current is None and previous is not None:
        raise ValueError("a previous bundle without a current one")
    if current is not None and previous is not None and current.id == previous.id:
        raise ValueError("current and previous are the same bundle")
    channel = data["channel"]
    if channel is not None and not (isinstance(channel, str) and _CHANNEL.fullmatch(channel)):
        raise ValueError("the channel is not 32 lower-case hex digits")
    if (current is None) != (channel is None):
        raise ValueError("a channel goes with a current bundle")
    return State(current, previous, _header(data["etag"]), _header(data["last_modified"]),
                 channel)


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
