"""``kiosk publish DECK OUTDIR [--sign KEY]``: a checked deck as a bundle for any server (#15).

The deck is checked as ``kiosk check`` checks it (same messages; a deck with problems is
refused and nothing is written). Every file it needs (the deck, its includes, its photos,
file feeds' data, replayed CSVs) goes into ``OUTDIR/files/<sha256>``; a blob already there
is reused if its bytes really hash to its name. Then the signature (with ``--sign``), then
``manifest.json``, each written atomically, so a screen that sees the new manifest finds its
signature and its files. Old blobs are never deleted: screens still downloading the previous
version need them.

Logical paths are relative to the root folder, so the deck's own relative references
(``image: ../assets/photos/x.webp``) resolve the same way once a screen unpacks the bundle; a
reference that would not (an absolute path, ``~``) is refused. That is proved, not assumed:
the deck is loaded again from a copy laid out as a screen lays it out.

Only what lies in the root is published (:func:`choose_root`): the deck's folder, or the one
above it when the deck reaches up with ``../``, or ``--root``. A file outside it, a symbolic
link that leads out of it, or a hidden file is refused: a deck, which anyone may have edited,
cannot make the publisher ship ``~/.ssh`` or ``/etc/passwd`` (attacker's review).

Each file is read once (:func:`read_all`): the copy that is checked and the blobs that are
written come from the same bytes, so an edit saved in between is never published unchecked.

Exit codes: 0 published, 1 the deck is refused, 2 the key, its password or OUTDIR is unusable.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from kiosk.core.files import UnreadableFileError, read_regular, write_atomic
from kiosk.core.problems import display_path
from kiosk.fleet import manifest as mf
from kiosk.fleet import minisign

if TYPE_CHECKING:
    from kiosk.core.deck import Deck
    from kiosk.core.loader import LoadResult

PASSWORD_ENV = "KIOSK_SIGN_PASSWORD"
PathKey = tuple[str | int, ...]


class Refused(Exception):  # noqa: N818 (a refusal, not a bug: one line for the operator)
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Needed:
    file: Path  # absolute, normalised as the loader resolves it
    key: PathKey | None  # where the deck names it (assets), None for the deck and includes


def main(args: argparse.Namespace) -> int:
    try:
        root = getattr(args, "root", None)
        publish(Path(args.deck), Path(args.outdir), args.sign,
                Path(root) if root else None)
    except Refused as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    return 0


def publish(deck: Path, outdir: Path, sign_key: str | None = None,
            root: Path | None = None) -> mf.Manifest:
    """Publish ``deck`` into ``outdir``; raises :class:`Refused` with the exit code."""
    result = check_deck(deck)
    needed = needed_files(result)
    top = choose_root(deck, needed, root)
    _, logical = logical_paths(needed, top)
    contents = read_all(needed)
    check_unpacked(result, needed, top, contents)
    channel, version = next_version(outdir)
    key = load_key(sign_key) if sign_key else None
    sizes = [len(contents[n.file]) for n in needed]
    _self_check(mf.Manifest(channel, version, 0.0, logical[0], tuple(
        mf.Entry(path, "0" * 64, size) for path, size in zip(logical, sizes, strict=True))))
    entries, fresh = write_blobs(outdir, needed, logical, contents)
    published = int(time.time() * 1000) / 1000
    manifest = mf.Manifest(channel, version, published, logical[0], tuple(entries))
    raw = manifest.to_json()
    _self_check(manifest)
    signature = outdir / mf.SIGNATURE_NAME
    try:
        if key is not None:  # the signature first: a screen seeing the manifest finds it
            comment = (f"timestamp:{int(manifest.published)}\tfile:{mf.MANIFEST_NAME}"
                       f"\tversion:{version}")
            write_atomic(signature, minisign.sign(raw, key, comment))
        elif os.path.lexists(signature):  # a stale one would not match the new manifest
            os.unlink(signature)
        write_atomic(outdir / mf.MANIFEST_NAME, raw)
    except (OSError, minisign.SignatureError) as exc:
        raise Refused(2, f"{outdir}: cannot write the manifest: {_reason(exc)}") from None
    _report(deck, outdir, manifest, fresh, key)
    return manifest


def check_deck(deck: Path) -> LoadResult:
    """Load and check ``deck`` as ``kiosk check`` does, printing the same lines."""
    from kiosk.core.fitcheck import fit_problems
    from kiosk.core.glyphs import glyph_problems
    from kiosk.core.loader import load_deck

    result = load_deck(deck)
    for problem in result.problems:
        print(problem)
    warnings = [f"{display_path(deck)}: warning: {w}"
                for w in (result.deck.warnings if result.deck else [])]
    warnings += [str(p) for p in glyph_problems(result)]
    warnings += [str(p) for p in fit_problems(result)]
    for warning in warnings:  # shown, not blocking, as kiosk check without --strict
        print(warning)
    if result.problems or result.deck is None:
        count = max(1, len(result.problems))
        raise Refused(1, f"{display_path(deck)}: {count} problem{'s' if count > 1 else ''}; "
                         "nothing published (a screen could not show this deck)")
    return result


def needed_files(result: LoadResult) -> list[Needed]:
    """The deck, its includes, then each asset once, in the deck's order."""
    out = [Needed(Path(f), None) for f in result.files]
    seen = {n.file for n in out}
    for key, file in asset_fields(result.deck):
        if file not in seen:
            seen.add(file)
            out.append(Needed(file, key))
    return out


def asset_fields(deck: Deck | None) -> list[tuple[PathKey, Path]]:
    """Every file a deck names: photos (``image:``), and sources' ``path:`` (file feeds'
    data, sim replay CSVs), as the loader resolved them."""
    found: list[tuple[PathKey, Path]] = []
    if deck is None:
        return found
    for i, slide in enumerate(deck.slides):
        image = getattr(slide, "image", None)
        if isinstance(image, str):
            found.append((("slides", i, "image"), Path(image)))
    for name, source in deck.sources.items():
        path = getattr(source, "path", None)
        if isinstance(path, str):
            found.append((("sources", name, "path"), Path(path)))
    return found


def choose_root(deck: Path, needed: list[Needed], given: Path | None) -> Path:
    """The folder every published file must lie in: ``given`` (--root), else the deck's
    folder, or the one above it when the deck's files reach there; never further, never
    the file system's root or the home folder itself. Each file's real path (symbolic links
    followed) must be inside it, and no part of its path may be hidden (``.ssh``)."""
    deck_dir = Path(os.path.abspath(deck)).parent
    if given is not None:
        root = Path(os.path.abspath(given))
        if not root.is_dir():
            raise Refused(2, f"--root {given}: is not a folder")
    else:
        root = deck_dir
        if any(not _inside(n.file, root) for n in needed):
            root = deck_dir.parent
    real_root = Path(os.path.realpath(root))
    home = Path(os.path.realpath(Path.home()))
    if real_root == Path(real_root.anchor) or real_root == home:
        raise Refused(1, f"{root}: the files would be published from "
                         f"{'the home folder' if real_root == home else 'the top of the disk'}"
                         "; keep the deck and its files in a folder of their own")
    for n in needed:
        if not _inside(n.file, root):
            raise Refused(1, f"{display_path(n.file)}: is outside {display_path(root)}, the "
                             "folder published with this deck (the deck's folder, or the one "
                             "above it); move it there, or pass --root to publish from a "
                             "wider folder")
        real = Path(os.path.realpath(n.file))
        if not _inside(real, real_root):
            raise Refused(1, f"{display_path(n.file)}: is a link to {real}, outside "
                             f"{display_path(root)}; copy the file in instead of linking it")
        hidden = [part for part in Path(os.path.relpath(n.file, root)).parts
                  if part.startswith(".")]
        if hidden:
            raise Refused(1, f"{display_path(n.file)}: {hidden[0]} is hidden; hidden files "
                             "and folders are never published")
    return root


def _inside(file: Path, folder: Path) -> bool:
    try:
        return os.path.commonpath([str(file), str(folder)]) == str(folder)
    except ValueError:  # another drive
        return False


def logical_paths(needed: list[Needed], root: Path) -> tuple[Path, list[str]]:
    """Each file's path relative to ``root``, checked as a screen checks it."""
    out: list[str] = []
    for n in needed:
        path = PurePath(os.path.relpath(n.file, root)).as_posix()
        try:
            out.append(mf.check_path(path))
        except mf.ManifestError as exc:
            raise Refused(1, f"{display_path(n.file)}: cannot be published: {exc}; rename "
                             "it") from None
    return root, out


def read_all(needed: list[Needed]) -> dict[Path, bytes]:
    """Every file's bytes, read once (regular files only, bounded): what is checked is
    what is published."""
    contents: dict[Path, bytes] = {}
    total = 0
    for n in needed:
        data = _read(n.file)
        total += len(data)
        if total > mf.MAX_TOTAL_BYTES:
            raise Refused(1, f"the deck's files are over {format_size(mf.MAX_TOTAL_BYTES)} "
                             "in all; a bundle holds at most that")
        contents[n.file] = data
    return contents


def check_unpacked(result: LoadResult, needed: list[Needed], root: Path,
                   contents: dict[Path, bytes]) -> None:
    """Load the deck from a copy laid out as a screen unpacks it, made of the very bytes
    that will be published: every include and asset must resolve inside that copy, where
    the bundle puts it, and the copy must load without a problem (an edit saved since the
    first check is checked here, or refused)."""
    from kiosk.core.loader import load_deck

    with tempfile.TemporaryDirectory(prefix="kiosk-publish-") as temp:
        top = Path(os.path.abspath(temp))
        copies = {n.file: top / os.path.relpath(n.file, root) for n in needed}
        for n in needed:
            copies[n.file].parent.mkdir(parents=True, exist_ok=True)
            copies[n.file].write_bytes(contents[n.file])
        unpacked = load_deck(copies[needed[0].file])
        here = [Path(f) for f in unpacked.files]
        if len(here) != len(result.files):  # cannot happen: the same text, the same includes
            raise Refused(1, "the deck does not load the same way once unpacked")
        for original, seen in zip(result.files, here, strict=True):
            if copies.get(Path(original)) != seen:
                raise Refused(1, f"{display_path(Path(original))}: an include names it by "
                                 "an absolute path (or ~): a screen would not find it in the "
                                 "bundle; write it relative to the including file")
        if unpacked.deck is None or unpacked.problems:
            problem = unpacked.problems[0] if unpacked.problems else "cannot be loaded"
            raise Refused(1, f"the deck does not load once unpacked: {problem}")
        theirs = dict(asset_fields(unpacked.deck))
        for key, file in asset_fields(result.deck):
            if theirs.get(key) != copies[file]:
                where, _line = result.lines.get(key, (Path(result.files[0]), 0))
                hint = PurePath(os.path.relpath(file, Path(where).parent)).as_posix()
                raise Refused(1, str(result.problem_at(
                    key, f"{display_path(file)} is named by an absolute path (or ~): a screen "
                         f"would look for it outside the bundle; write it as {hint}")))


def next_version(outdir: Path) -> tuple[str, int]:
    """The folder's channel and the previous manifest's version + 1, or a new channel and 1;
    a manifest that does not parse refuses."""
    if os.path.lexists(outdir) and not outdir.is_dir():
        raise Refused(2, f"{outdir}: is not a folder")
    previous = outdir / mf.MANIFEST_NAME
    if not os.path.lexists(previous):
        return mf.new_channel(), 1
    try:
        old = mf.parse(read_regular(previous, mf.MAX_MANIFEST_BYTES))
    except (UnreadableFileError, mf.ManifestError) as exc:
        raise Refused(2, f"{previous}: the previous manifest is unusable: {_reason(exc)}; "
                         "so the next version number is unknown: restore it from the server "
                         "or a backup (screens refuse a lower version), or delete it if no "
                         "screen has ever seen it") from None
    if old.version >= mf.MAX_VERSION:
        raise Refused(2, f"{previous}: version {old.version} is the last one there is")
    return old.channel, old.version + 1


def load_key(path: str) -> minisign.SecretKey:
    """The secret key; its password from KIOSK_SIGN_PASSWORD, else asked on a terminal."""
    try:
        try:
            return minisign.load_secret_key(path)
        except minisign.PasswordRequiredError:
            pass
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise Refused(2, f"{path}: the key is encrypted: set {PASSWORD_ENV} or run in "
                                 "a terminal to type its password")
            try:
                password = getpass.getpass(f"Password for {path}: ")
            except (EOFError, KeyboardInterrupt):
                raise Refused(2, f"{path}: no password given") from None
        return minisign.load_secret_key(path, password)
    except minisign.SignatureError as exc:
        raise Refused(2, f"cannot sign: {exc}") from None


def write_blobs(outdir: Path, needed: list[Needed], logical: list[str],
                contents: dict[Path, bytes]) -> tuple[list[mf.Entry], list[mf.Entry]]:
    """Every file as ``files/<sha256>`` (reused when valid); the entries and the new ones."""
    blobs = outdir / mf.FILES_DIR
    try:
        blobs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Refused(2, f"{blobs}: cannot create the folder: {_reason(exc)}") from None
    entries: list[mf.Entry] = []
    fresh: list[mf.Entry] = []
    done: set[str] = set()
    for n, path in zip(needed, logical, strict=True):
        data = contents[n.file]
        entry = mf.Entry(path, hashlib.sha256(data).hexdigest(), len(data))
        entries.append(entry)
        if entry.sha256 in done:
            continue
        done.add(entry.sha256)
        target = outdir / entry.blob
        if not _valid_blob(target, entry):
            try:
                write_atomic(target, data)
            except OSError as exc:
                raise Refused(2, f"{target}: cannot write: {_reason(exc)}") from None
            fresh.append(entry)
    return entries, fresh


def _valid_blob(target: Path, entry: mf.Entry) -> bool:
    try:
        if os.stat(target).st_size != entry.size:
            return False
        return hashlib.sha256(read_regular(target, mf.MAX_FILE_BYTES)).hexdigest() == entry.sha256
    except (OSError, ValueError):
        return False


def _read(file: Path) -> bytes:
    try:
        return read_regular(file, mf.MAX_FILE_BYTES)
    except UnreadableFileError as exc:
        raise Refused(1, f"cannot publish: {exc}") from None


def _self_check(manifest: mf.Manifest) -> None:
    """What screens will check, checked first: sizes, counts, names (case included)."""
    try:
        mf.parse(manifest.to_json())
    except mf.ManifestError as exc:
        raise Refused(1, f"cannot publish: a screen would refuse this bundle: {exc}") from None


def _report(deck: Path, outdir: Path, manifest: mf.Manifest, fresh: list[mf.Entry],
            key: minisign.SecretKey | None) -> None:
    new_bytes = sum(e.size for e in fresh)
    unchanged = len(manifest.files) - len(fresh)
    signed = (f", signed with key {key.key_id_hex}" if key
              else ", not signed (screens run with --trust will refuse it)")
    size = f" ({format_size(new_bytes)})" if fresh else ""
    print(f"published {display_path(deck)} as version {manifest.version} into {outdir}: "
          f"{len(fresh)} new file{'' if len(fresh) == 1 else 's'}{size}, "
          f"{unchanged} unchanged{signed}")
    for entry in fresh:
        print(f"  new: {entry.path} ({format_size(entry.size)})")
    print(f"older files in {outdir / mf.FILES_DIR} are kept: screens still downloading an "
          "earlier version need them")


def format_size(count: int) -> str:
    if count < 1000:
        return f"{count} bytes" if count != 1 else "1 byte"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if count < scale * 1000 or unit == "GB":
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"  # unreachable


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror and not isinstance(exc, UnreadableFileError):
        return exc.strerror
    return str(exc)
