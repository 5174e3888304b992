"""Pulling a published deck: offline first, never half a deck, never a rollback (#15).

A :class:`Puller` follows one ``manifest.json`` URL (see :mod:`kiosk.fleet.manifest` for the
bundle format and :mod:`kiosk.fleet.store` for the cache layout). :meth:`Puller.cached` gives
the last good bundle from the cache, checked again, so a screen that boots without network
plays at once. :meth:`Puller.poll` is one check, run on a worker thread:

1. GET the manifest, conditional (``If-None-Match`` / ``If-Modified-Since``) when the cached
   current bundle is the one on screen; 304 means nothing new and nothing else is fetched.
2. Parse it strictly; with a trusted key, fetch ``manifest.json.minisig`` and verify it.
   Refuse another published folder's manifest: the screen follows the channel of the first
   manifest it accepted for this URL (trust on first use; with ``--trust`` only a manifest
   signed by the team's key can be that first one).
3. Refuse a lower version than the one on screen or last received (the rollback floor),
   and the same version with other bytes.
4. Download only the files whose hashes the blob store lacks, each bounded by its listed
   size and a deadline, hashed before it enters the store.
5. Unpack into a new bundle folder, load the deck (a deck with a problem is refused), and
   commit: the state file names it current, the bundle on screen becomes previous.

Any failure raises :class:`FetchError` (one sentence, credentials masked) and leaves the
cache's current and previous bundles as they were. A lost or damaged state file is
rebuilt from the cached bundles: the highest version that verifies in full is current again,
so neither the rollback floor nor the channel is lost with it, and an offline start still
plays it. Between polls, :meth:`Puller.delay`:
``refresh`` after a success; after failures 5 s, doubling, capped at ``max(refresh, 300 s)``,
each drawn at random in its upper half (screens that lost the server together do not all
come back in the same second), back to ``refresh`` at the first success.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.core.loader import LoadResult, load_deck
from kiosk.fleet.manifest import (
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    SIGNATURE_NAME,
    Entry,
    Manifest,
    ManifestError,
    parse,
)
from kiosk.fleet.remote import FetchError, Remote, header, printable
from kiosk.fleet.store import CacheError, Slot, State, Store, new_bundle_id, remove_tree

if TYPE_CHECKING:
    from kiosk.fleet.minisign import PublicKey

log = logging.getLogger(__name__)
FIRST_BACKOFF = 5.0  # seconds after the first failure
MAX_BACKOFF = 300.0  # the cap, unless ``refresh`` is longer
MIN_RATE = 256 * 1024  # bytes/s: a file's deadline is ``timeout`` plus its size at this rate
MAX_REBUILD = 8  # cached bundles tried, highest version first, when the state file is lost


@dataclass(frozen=True)
class Bundle:
    version: int
    published: float  # the manifest's publish time, epoch seconds (the sync: clock epoch)
    deck_path: Path  # the unpacked deck file in the cache (pass to load_deck)
    manifest: Manifest
    signed: bool  # verified against the trusted key


@dataclass(frozen=True)
class Update:
    """A poll's outcome: a new, complete, verified bundle whose deck checked, or None."""

    bundle: Bundle | None
    result: LoadResult | None


class Puller:
    """One published deck's URL, its cache folder and its trusted key (None: unsigned ok)."""

    def __init__(self, url: str, cache_root: Path, trust: PublicKey | None, *,
                 refresh: float = 60.0, wall: Callable[[], float] = time.time,
                 rng: random.Random | None = None, timeout: float = 30.0) -> None:
        self.remote = Remote(url)  # ValueError unless http(s)
        self.url = url
        self.trust = trust
        self.refresh, self.timeout = refresh, timeout
        self.wall = wall
        self.rng = rng if rng is not None else random.Random()
        self.failures = 0
        self.checked: float | None = None  # wall time of the last answered check
        key = hashlib.sha256(self.display_url.encode("utf-8")).hexdigest()[:16]
        self.store = Store(Path(os.path.abspath(cache_root)) / "decks" / key)
        self._lock = threading.Lock()
        self._state_problem: str | None = None

    @property
    def display_url(self) -> str:
        """The URL with any password or token masked: for logs, status and badge."""
        return self.remote.display_url

    def delay(self, failed: bool) -> float:
        """Seconds until the next poll (see the module's docstring)."""
        if not failed:
            self.failures = 0
            return self.refresh
        self.failures += 1
        cap = max(self.refresh, MAX_BACKOFF)
        step = min(cap, FIRST_BACKOFF * 2.0 ** min(self.failures - 1, 30))
        return step / 2 + self.rng.uniform(0, step / 2)

    # -- the cache -------------------------------------------------------------------------
    def cached(self) -> tuple[Bundle, LoadResult] | None:
        """The last good bundle in the cache (current, else previous), checked again: each
        file's kind, size and hash, the signature with a trusted key, the deck. None if
        neither is usable; each reason is logged. Blocking: call it off the UI thread."""
        with self._lock:
            try:
                state = self._state()
            except OSError as exc:
                log.warning("deck %s: the cache cannot be read: %s; nothing cached can be "
                            "shown", self.display_url, exc.strerror or exc)
                return None
            for name, slot in (("current", state.current), ("previous", state.previous)):
                if slot is None:
                    continue
                try:
                    return self._verified(slot, state.channel)
                except CacheError as exc:
                    reason = str(exc)
                except Exception as exc:  # never the show's end: the cache is only a cache
                    reason = f"{type(exc).__name__}: {exc}"
                log.warning("deck %s: the cached %s version %d is not usable: %s",
                            self.display_url, name, slot.version, self.remote.redact(reason))
            return None

    def _state(self) -> State:
        """The state file; when it is absent or unusable, the state rebuilt from the cached
        bundles (and written back), each problem logged once."""
        try:
            state = self.store.load_state()
        except CacheError as exc:
            problem = str(exc)
        else:
            if state.current is not None or not self.store.bundle_ids():
                self._state_problem = None
                return state
            problem = "the cache's state file is missing"
        state = self._rebuilt()
        if problem != self._state_problem:  # once, not at every check until mended
            if state.current is None:
                log.warning("deck %s: %s; no cached bundle verifies: it is written afresh "
                            "with the next version", self.display_url, problem)
            else:
                log.warning("deck %s: %s; rebuilt from the cached bundles: version %d is "
                            "current", self.display_url, problem, state.current.version)
        self._state_problem = problem
        if state.current is not None:
            with contextlib.suppress(OSError):  # read-only: rebuilt again at the next start
                self.store.save_state(state)
                self._state_problem = None
        return state

    def _rebuilt(self) -> State:
        """The state the cached bundles tell: the highest version that verifies in full
        (hashes, signature with a trusted key, deck) is current, its channel the one this
        screen follows and its version the rollback floor; the next lower one of the same
        channel is previous. Nothing is deleted here: a verified bundle is never lost with
        the state file (a replayed older manifest would otherwise be taken)."""
        current: Slot | None = None
        channel: str | None = None
        for slot in self.store.bundle_ids()[:MAX_REBUILD]:
            try:
                bundle, _ = self._verified(slot, channel)
            except Exception:  # not usable: the next one
                continue
            if current is None:
                current, channel = slot, bundle.manifest.channel
            elif slot.version < current.version:
                return State(current, slot, channel=channel)
        return State(current, None, channel=channel)

    def _verified(self, slot: Slot, channel: str | None) -> tuple[Bundle, LoadResult]:
        raw, manifest = self.store.read_manifest(slot)
        if channel is not None and manifest.channel != channel:
            raise CacheError(f"its manifest is for another published folder (channel "
                             f"{manifest.channel[:8]}…), this screen follows channel "
                             f"{channel[:8]}…")
        if self.trust is not None:
            from kiosk.fleet.minisign import SignatureError, verify

            signature = self.store.read_signature(slot)
            try:
                verify(raw, signature, self.trust)
            except SignatureError as exc:
                raise CacheError(f"its signature does not verify with key "
                                 f"{self.trust.key_id_hex}: {exc}") from None
        self.store.verify_files(slot, manifest)
        deck_dir = self.store.deck_dir(slot.id)
        result = load_deck(deck_dir.joinpath(*manifest.deck.split("/")))
        problem = _deck_problem(result, deck_dir)
        if problem is not None:
            raise CacheError(f"its deck does not check: {problem}")
        return self._bundle(manifest, result), result

    def _bundle(self, manifest: Manifest, result: LoadResult) -> Bundle:
        return Bundle(manifest.version, manifest.published, result.files[0], manifest,
                      signed=self.trust is not None)

    # -- one check -------------------------------------------------------------------------
    def poll(self, playing: int | None) -> Update:
        """One check (blocking; on a worker thread). ``playing``: the version on screen.

        Raises :class:`FetchError`; the cache's current and previous are then unchanged.
        """
        if not self._lock.acquire(blocking=False):
            raise FetchError(f"the previous check of {self.display_url} is still running")
        try:
            update = self._poll(playing)
        except FetchError as exc:  # printable only: no escape, control or bidi character
            raise FetchError(printable(self.remote.redact(str(exc))), exc.status) from None
        except OSError as exc:  # the cache folder: full disk, permissions
            message = f"cannot write the deck cache in {self.store.root}: {exc.strerror or exc}"
            raise FetchError(printable(self.remote.redact(message))) from None
        finally:
            self._lock.release()
        self.checked = self.wall()
        return update

    def _poll(self, playing: int | None) -> Update:
        state = self._state()
        conditional = (playing is not None and state.current is not None
                       and state.current.version == playing)
        headers: dict[str, str] = {}
        if conditional and state.etag:
            headers["If-None-Match"] = state.etag
        if conditional and state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        response = self.remote.get(None, "the manifest", MAX_MANIFEST_BYTES, self.timeout,
                                   headers)
        if response.status == 304:
            if not conditional:
                raise FetchError("the server answered 304 Not Modified to a plain request")
            return Update(None, None)
        raw = response.body
        try:
            manifest = parse(raw)
        except ManifestError as exc:
            raise FetchError(f"the manifest at {self.display_url} is unusable: {exc}") from None
        signature = self._signature(raw) if self.trust is not None else None
        # The first manifest accepted for this URL sets the channel (trust on first use);
        # from then on only that published folder's manifests are taken.
        if state.channel is not None and manifest.channel != state.channel:
            raise FetchError(f"this manifest is for another published folder (channel "
                             f"{manifest.channel[:8]}…), this screen follows channel "
                             f"{state.channel[:8]}… (to move this screen to another folder, "
                             f"give it that folder's URL; if this folder was published afresh "
                             f"on purpose, delete {self.store.root} and restart)")
        validators = (header(response, "ETag"), header(response, "Last-Modified"))
        received = state.current.version if state.current is not None else 0
        floor = max(playing or 0, received)
        if manifest.version < floor:
            where = "on screen" if floor == playing else "this screen received"
            raise FetchError(f"version {manifest.version} is older than version {floor} "
                             f"{where}: rollback refused (if version {floor} on this screen "
                             f"is wrong, delete {self.store.root} and restart)")
        if playing is not None and manifest.version == playing:
            return self._not_newer(raw, playing, state, validators)
        known = state.slot(manifest.version)
        if known is not None and hashlib.sha256(raw).hexdigest()[:16] != known.manifest_sha16:
            raise FetchError(f"version {manifest.version} on the server is not the version "
                             f"{manifest.version} this screen received (its manifest changed "
                             "without a new version number): refused; publish again to get "
                             "a new version")
        again = self._committed(state, raw)
        if again is not None:
            return again
        self.store.make_dirs()
        try:
            return self._build(manifest, raw, signature, state, playing, validators)
        except BaseException:
            # the files this version brought stay for its next try, nothing more
            self.store.collect(state, playing, frozenset(e.sha256 for e in manifest.files))
            raise

    def _build(self, manifest: Manifest, raw: bytes, signature: bytes | None, state: State,
               playing: int | None, validators: tuple[str | None, str | None]) -> Update:
        for entry in _unique(manifest.files):
            if not self.store.has_blob(entry.sha256, entry.size):
                self._download(entry)
        bundle_id = new_bundle_id(manifest.version, raw)
        try:
            deck_dir = self.store.stage(bundle_id, raw, signature, manifest)
        except CacheError as exc:
            raise FetchError(f"version {manifest.version} cannot be unpacked: {exc}") from None
        result = load_deck(deck_dir.joinpath(*manifest.deck.split("/")))
        problem = _deck_problem(result, deck_dir)
        if problem is not None:
            remove_tree(self.store.bundle_dir(bundle_id))
            raise FetchError(f"version {manifest.version}'s deck does not check: {problem}")
        self._commit(state, Slot(bundle_id, manifest.version), playing, validators,
                     manifest.channel)
        return Update(self._bundle(manifest, result), result)

    def _not_newer(self, raw: bytes, playing: int, state: State,
                   validators: tuple[str | None, str | None]) -> Update:
        slot = state.slot(playing)
        if slot is not None and hashlib.sha256(raw).hexdigest()[:16] != slot.manifest_sha16:
            raise FetchError(f"version {playing} on the server is not the version {playing} "
                             "on screen (its manifest changed without a new version number): "
                             "refused; publish again to get a new version")
        if slot is not None and slot == state.current:  # accepted: remember its validators
            self.store.save_state(dataclasses.replace(state, etag=validators[0],
                                                      last_modified=validators[1]))
        return Update(None, None)

    def _committed(self, state: State, raw: bytes) -> Update | None:
        """The cached current bundle again, when it is this manifest and not yet on screen.

        A poll can end before the show swapped the last one in (at a slide boundary) or
        after the show gave up waiting for it: building it again would collect the folder
        the show is about to play. The same bundle, checked again, is handed over instead.
        """
        current = state.current
        if current is None or hashlib.sha256(raw).hexdigest()[:16] != current.manifest_sha16:
            return None
        try:
            bundle, result = self._verified(current, state.channel)
        except CacheError:
            return None  # damaged: built afresh
        return Update(bundle, result)

    def _commit(self, state: State, new: Slot, playing: int | None,
                validators: tuple[str | None, str | None], channel: str) -> None:
        """The new bundle becomes current and the one on screen previous; then the rest goes."""
        on_screen = state.slot(playing) if playing is not None else None
        previous = next((s for s in (on_screen, state.current, state.previous)
                         if s is not None and s.version != new.version), None)
        after = State(new, previous, *validators, channel=channel)
        try:
            self.store.save_state(after)
        except BaseException:
            remove_tree(self.store.bundle_dir(new.id))
            raise
        self.store.collect(after, playing)

    def _signature(self, raw: bytes) -> bytes:
        from kiosk.fleet.minisign import SignatureError, verify

        assert self.trust is not None
        key = self.trust.key_id_hex
        try:
            response = self.remote.get(SIGNATURE_NAME, SIGNATURE_NAME, MAX_SIGNATURE_BYTES,
                                       self.timeout)
        except FetchError as exc:
            if exc.status not in (403, 404, 410):  # a server or network fault, not "unsigned"
                raise
            raise FetchError(f"the manifest is not signed ({exc}), and --trust {key} allows "
                             "only signed content") from None
        try:
            verify(raw, response.body, self.trust)
        except SignatureError as exc:
            raise FetchError(f"manifest signature does not verify with key {key}: {exc}"
                             ) from None
        return response.body

    def _download(self, entry: Entry) -> None:
        """One file into the blob store, exactly its listed size and hash, or FetchError."""
        what = f"{entry.path} ({entry.blob[:18]}…)"
        part = self.store.tmp / f"{entry.sha256}.{os.urandom(4).hex()}.part"
        digest = hashlib.sha256()
        received = 0
        try:
            with open(part, "xb") as out:
                def sink(chunk: bytes) -> None:
                    nonlocal received
                    received += len(chunk)
                    digest.update(chunk)
                    out.write(chunk)

                self.remote.get(entry.blob, what, entry.size,
                                self.timeout + entry.size / MIN_RATE, sink=sink)
            if received != entry.size:
                raise FetchError(f"{what}: the server sent {received} bytes, the manifest "
                                 f"lists {entry.size}")
            if digest.hexdigest() != entry.sha256:
                raise FetchError(f"{what}: its SHA-256 does not match the manifest (a "
                                 "tampered or damaged file)")
            self.store.add_blob(part, entry.sha256)
        finally:
            remove_tree(part)


def _unique(entries: tuple[Entry, ...]) -> list[Entry]:
    """One entry per hash: two paths with the same bytes are one download."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        seen.setdefault(entry.sha256, entry)
    return list(seen.values())


def _deck_problem(result: LoadResult, deck_dir: Path) -> str | None:
    """The deck's first problem, its path shown inside the bundle; None if it checks."""
    if result.ok:
        from kiosk.fleet.publish import asset_fields

        # a deck from the network must not show or read this screen's own files
        named = [*result.files, *(file for _key, file in asset_fields(result.deck))]
        outside = [f for f in named
                   if not Path(os.path.normpath(f)).is_relative_to(deck_dir)]
        if not outside:
            return None
        return f"it names {str(outside[0])[:120]}, a file outside the published bundle"
    if not result.problems:
        return "it cannot be loaded"
    problem = result.problems[0]
    file = problem.file
    if file.is_relative_to(deck_dir):
        file = file.relative_to(deck_dir)
    text = str(dataclasses.replace(problem, file=file))
    return text.replace(str(deck_dir) + os.sep, "")
