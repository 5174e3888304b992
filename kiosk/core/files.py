"""Where kiosk keeps what it remembers between starts, and writing it safely."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: readers never see half."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def cache_root(explicit: Path | None = None) -> Path:
    """``--cache-dir``, else ``KIOSK_CACHE_DIR``, else the platform's cache folder."""
    if explicit is not None:
        return explicit
    env = os.environ.get("KIOSK_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("kiosk"))
