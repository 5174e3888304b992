"""Where kiosk keeps what it remembers between starts, and writing it safely."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: readers never see half.

    The file gets the usual mode, 0666 less the umask, as ``open()`` would give it: a
    monitoring agent running as another user must be able to read the status file (#18 C).
    ``mkstemp`` would make it 0600. Nothing written this way is secret (status, feed values,
    the launch image's picture of the screen); privacy, if wanted, comes from the folder.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        temp = path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp"
        try:
            handle = os.open(temp, flags, 0o666)  # the kernel applies the umask
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(f"{path}: no free temporary name beside it")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def cache_root(explicit: Path | None = None) -> Path:
    """``--cache-dir``, else ``KIOSK_CACHE_DIR``, else the platform's cache folder.

    ``appauthor=False``, as for the logs (kiosk/logsetup.py): on Windows the two share one
    folder, ``%LOCALAPPDATA%\\kiosk\\Cache`` and ``\\Logs``; platformdirs' default author,
    the app's name again, made it ``kiosk\\kiosk\\Cache`` (#17). Linux ignores the author:
    ``~/.cache/kiosk`` either way.
    """
    if explicit is not None:
        return explicit
    env = os.environ.get("KIOSK_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("kiosk", appauthor=False))


class UnreadableFileError(OSError):
    """A path that cannot be read as a file: absent, not a regular file, or too big.

    ``str()`` is a sentence for an editor or an operator: ``"is a FIFO, not a file"``.
    """


def describe_kind(mode: int) -> str:
    """What a ``st_mode`` is, in words: "a FIFO", "a character device", "a directory" …"""
    for test, words in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "not a regular file"


def check_regular(path: Path | str) -> os.stat_result:
    """The stat of ``path`` if it is a regular file (symlinks followed); else raises."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: file not found") from None
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFileError(f"{path}: is {describe_kind(st.st_mode)}, not a file")
    return st


@contextlib.contextmanager
def open_regular(path: Path | str) -> Iterator[tuple[int, os.stat_result]]:
    """An open descriptor of ``path`` and its stat, if it is a regular file; else raises.

    Opened with O_NONBLOCK so that a FIFO cannot hold ``open`` until a writer appears, and
    the kind is checked on the open descriptor, so a path swapped for a FIFO or a device
    after a check is still refused. Every OSError inside becomes an UnreadableFileError.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: file not found") from None
    except OSError as exc:
        if os.path.isdir(path):
            raise UnreadableFileError(f"{path}: is a directory, not a file") from None
        raise UnreadableFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFileError(f"{path}: is {describe_kind(st.st_mode)}, not a file")
        yield fd, st
    except UnreadableFileError:
        raise
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_regular(path: Path | str, max_bytes: int) -> bytes:
    """Read a whole regular file of at most ``max_bytes``; never blocks, never over-reads.

    At most ``max_bytes + 1`` bytes are read whatever ``st_size`` claims (a file that grows
    while it is read is caught too).
    """
    with open_regular(path) as (fd, st):
        if st.st_size > max_bytes:
            raise UnreadableFileError(
                f"{path}: {st.st_size} bytes is over the limit of {max_bytes}")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnreadableFileError(f"{path}: over the limit of {max_bytes} bytes")
        return b"".join(chunks)


def read_head(path: Path | str, count: int) -> bytes:
    """The first ``count`` bytes of a regular file (an image's header), never more."""
    with open_regular(path) as (fd, _):
        return os.read(fd, count)
