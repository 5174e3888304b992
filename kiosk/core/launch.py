"""The launch image: the first frame of the last start, on screen at the next start while the
deck loads, as a phone shows an app's last snapshot while the app starts.

Before anything can be drawn, a start imports the deck model (pydantic) and validates the deck:
about 0.3 s on a small PC, on top of Qt's own start. A show that starts the way it started last
time (same deck files and photos, same screen and options, same kiosk code) will draw the same
first frame again, so that frame is kept and put on screen first. The live show replaces it as
soon as it has painted its own first frame.

Only decks whose first frame is the same at every start keep one (:func:`repeatable`): no
opening hours, no dated slides, no live data on the first slide. Anything that could change the
picture (a file's size or modification time, the screen, rotation, animations, the code)
makes the stored frame miss, and the start simply goes without it.
"""

from __future__ import annotations

import json
import logging
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.core.files import write_atomic

if TYPE_CHECKING:
    from kiosk.core.deck import Deck
    from kiosk.core.loader import LoadResult

log = logging.getLogger(__name__)
FORMAT = 1  # bump when the files' layout changes


@dataclass(frozen=True)
class Frame:
    """Raw pixels as Qt holds them (``pixel_format`` is a ``QImage.Format`` value)."""

    width: int
    height: int
    stride: int
    pixel_format: int
    data: bytes


def repeatable(deck: Deck) -> bool:
    """True when every start of this deck shows the same first frame."""
    if deck.schedule is not None or any(s.from_ or s.until for s in deck.slides):
        return False  # which slide comes first depends on the hour or the day
    first = next(s for s in deck.slides if s.enabled)
    return not deck.sources_of(first)  # live values differ from one start to the next


def dependencies(result: LoadResult) -> list[Path]:
    """Every file the deck's pictures come from: the deck, its included files, its photos."""
    from kiosk.core.deck import PhotoSlide

    assert result.deck is not None
    photos = [Path(s.image) for s in result.deck.slides if isinstance(s, PhotoSlide)]
    return [*result.files, *photos]


def code_stamp() -> str:
    """Changes whenever the code or the bundled fonts that draw a frame change."""
    if getattr(sys, "frozen", False):
        files = [Path(sys.executable)]
    else:
        files = sorted(Path(__file__).resolve().parent.parent.rglob("*.py"))
    from kiosk import resources

    files += sorted(resources.asset("fonts").glob("*"))
    stats = repr([(str(file), _stat(file)) for file in files]).encode()
    return f"{__version__}-{zlib.crc32(stats):08x}-{len(files)}"  # zlib: no OpenSSL to load


def _stat(file: Path) -> list[int] | None:
    try:
        info = file.stat()
    except OSError:
        return None  # a missing photo is part of the picture too (its placeholder)
    return [info.st_size, info.st_mtime_ns]


def _plain(value: Any) -> Any:
    """The value as it reads back from JSON (tuples become lists), for comparison."""
    return json.loads(json.dumps(value))


class LaunchStore:
    """One launch image per screen: ``screen-N.json`` (what it depends on) and its pixels."""

    def __init__(self, folder: Path, screen: int) -> None:
        self.meta = folder / f"screen-{screen}.json"
        self.pixels = folder / f"screen-{screen}.rgb"

    def find(self, context: dict[str, Any]) -> Frame | None:
        """The stored frame, when it was drawn for this context from the same files."""
        try:
            meta = json.loads(self.meta.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("ignoring the launch image: cannot read %s: %s", self.meta, exc)
            return None
        try:
            if meta.get("format") != FORMAT or meta.get("context") != _plain(context):
                return None
            for name, stat in meta["files"]:
                if _stat(Path(name)) != stat:
                    return None
            width, height, stride, pixel_format = (int(meta[k]) for k in
                                                   ("width", "height", "stride", "pixel_format"))
            data = self.pixels.read_bytes()
        except (OSError, KeyError, TypeError, ValueError) as exc:
            log.warning("ignoring the launch image %s: %s", self.pixels, exc)
            return None
        if width <= 0 or height <= 0 or stride < width or len(data) != stride * height:
            log.warning("ignoring the launch image %s: %d bytes for %dx%d", self.pixels,
                        len(data), width, height)
            return None
        return Frame(width, height, stride, pixel_format, data)

    def save(self, context: dict[str, Any], files: Iterable[Path], frame: Frame) -> bool:
        """Keep ``frame`` for the next start; False (logged) when it cannot be written."""
        meta = {"format": FORMAT, "context": _plain(context),
                "files": [[str(f), _stat(f)] for f in files], "width": frame.width,
                "height": frame.height, "stride": frame.stride,
                "pixel_format": frame.pixel_format}
        try:
            self.meta.parent.mkdir(parents=True, exist_ok=True)
            self.forget()  # never a new picture under old metadata, even for a moment
            write_atomic(self.pixels, frame.data)
            write_atomic(self.meta, json.dumps(meta, ensure_ascii=False))
        except OSError as exc:
            log.warning("cannot keep the launch image in %s: %s", self.meta.parent, exc)
            return False
        return True

    def forget(self) -> None:
        """Remove the stored frame (the deck's first frame is no longer repeatable)."""
        for file in (self.meta, self.pixels):
            try:
                file.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("cannot remove %s: %s", file, exc)

