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

The files are the show's own, but they are read like any input (#18 C): both reads are
bounded (:data:`META_MAX_BYTES`, and the pixels by the size the metadata declares), the
metadata is checked field by field, the frame must be the size of the screen it is for (its
size in the context times its device pixel ratio, checked before a pixel is read: a 16384 x
16384 frame made a start take 2 GB and 12 s), only the pixel formats the store writes are
accepted (a Mono or Indexed format with no colour table crashes the painter), and the pixels
must match their CRC-32 (random bytes of the right size would otherwise fill the screen with
noise). Anything wrong costs only the picture, with one warning.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.core.files import UnreadableFileError, read_regular, write_atomic

if TYPE_CHECKING:
    from kiosk.core.deck import Deck
    from kiosk.core.loader import LoadResult

log = logging.getLogger(__name__)
FORMAT = 2  # bump when the files' layout changes (2: a CRC-32 of the pixels)
# The QImage.Format values the store writes, all 4 bytes a pixel with rows of exactly
# width * 4 bytes: RGB32, ARGB32, ARGB32_Premultiplied. The Qt side converts any other.
PIXEL_FORMATS = frozenset({4, 5, 6})
BYTES_PER_PIXEL = 4
MAX_SIDE = 16384  # pixels: past 8K screens; bounds the pixels' read to 1 GiB at most
META_MAX_BYTES = 1 << 20  # the metadata lists the deck's files: some 200 bytes each


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
    if deck.sync == "clock":
        return False  # the first slide is the loop's slide at that moment (#15)
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
            raw = read_regular(self.meta, META_MAX_BYTES)
        except UnreadableFileError as exc:
            if not self.meta.exists():
                return None  # the first start, or the frame was dropped: nothing to warn about
            log.warning("ignoring the launch image: %s", exc)
            return None
        try:
            meta = json.loads(raw.decode("utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("the metadata is not a JSON object")
            if meta.get("format") != FORMAT or meta.get("context") != _plain(context):
                return None  # another start's picture: a miss, not damage
            for name, stat in _files(meta.get("files")):
                if _stat(Path(name)) != stat:
                    return None
            width, height, stride, pixel_format, crc = _geometry(meta, context)
            data = read_regular(self.pixels, stride * height)
        except (OSError, ValueError, RecursionError) as exc:  # RecursionError: deep JSON
            log.warning("ignoring the launch image %s: %s", self.pixels, exc)
            return None
        if len(data) != stride * height:
            log.warning("ignoring the launch image %s: %d bytes for %dx%d", self.pixels,
                        len(data), width, height)
            return None
        if zlib.crc32(data) != crc:  # some 2 ms for a 1080p frame
            log.warning("ignoring the launch image %s: its pixels do not match their checksum",
                        self.pixels)
            return None
        return Frame(width, height, stride, pixel_format, data)

    def save(self, context: dict[str, Any], files: Iterable[Path], frame: Frame) -> bool:
        """Keep ``frame`` for the next start; False (logged) when it cannot be written."""
        meta = {"format": FORMAT, "context": _plain(context),
                "files": [[str(f), _stat(f)] for f in files], "width": frame.width,
                "height": frame.height, "stride": frame.stride,
                "pixel_format": frame.pixel_format, "crc32": zlib.crc32(frame.data)}
        try:  # never store what find() would refuse
            _geometry(meta, context)
            if len(frame.data) != frame.stride * frame.height:
                raise ValueError(f"{len(frame.data)} bytes for {frame.width}x{frame.height}")
        except ValueError as exc:
            log.warning("not keeping the launch image: %s", exc)
            return False
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



def _whole(meta: dict[str, Any], key: str, low: int, high: int) -> int:
    value = meta.get(key)
    if type(value) is not int or not low <= value <= high:  # not bool, float, NaN or 1e300
        raise ValueError(f"{key} is {value!r}, not a whole number from {low} to {high}")
    return value


def screen_pixels(context: dict[str, Any]) -> tuple[int, int]:
    """The size in pixels of a frame for ``context``: its ``screen`` size times its ``dpr``,
    rounded as Qt rounds a widget's grab; else ValueError."""
    screen, dpr = context.get("screen"), context.get("dpr")
    if not (isinstance(screen, (list, tuple)) and len(screen) == 2
            and all(type(side) is int and 0 < side <= MAX_SIDE for side in screen)
            and isinstance(dpr, (int, float)) and 0 < dpr <= 16):  # not NaN, 0 or 1e300
        raise ValueError(f"the context's screen {screen!r} at a pixel ratio of {dpr!r} "
                         "gives no frame size")
    width, height = (math.floor(side * dpr + 0.5) for side in screen)
    return width, height


def _geometry(meta: dict[str, Any], context: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """Width, height, stride, pixel format and CRC-32, each checked, the size against the
    screen ``context`` is for; else ValueError."""
    width = _whole(meta, "width", 1, MAX_SIDE)
    height = _whole(meta, "height", 1, MAX_SIDE)
    screen = screen_pixels(context)
    if (width, height) != screen:
        raise ValueError(f"a frame of {width}x{height} is not the screen's "
                         f"{screen[0]}x{screen[1]}")
    stride = _whole(meta, "stride", 1, MAX_SIDE * BYTES_PER_PIXEL)
    pixel_format = _whole(meta, "pixel_format", 0, 1 << 16)
    crc = _whole(meta, "crc32", 0, 0xFFFFFFFF)
    if pixel_format not in PIXEL_FORMATS:
        raise ValueError(f"pixel format {pixel_format} is not one the store writes "
                         f"({', '.join(map(str, sorted(PIXEL_FORMATS)))})")
    if stride != width * BYTES_PER_PIXEL:
        raise ValueError(f"stride {stride} does not fit a width of {width}")
    return width, height, stride, pixel_format, crc


def _files(value: Any) -> list[tuple[str, list[int] | None]]:
    """The metadata's ``files``: [name, [size, mtime_ns] or null] pairs; else ValueError."""
    if not isinstance(value, list):
        raise ValueError("files is not a list")
    files: list[tuple[str, list[int] | None]] = []
    for entry in value:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise ValueError(f"files has an entry {entry!r:.80}")
        name, stat = entry
        if stat is not None and not (isinstance(stat, list) and len(stat) == 2
                                     and all(type(v) is int for v in stat)):
            raise ValueError(f"files has an entry {entry!r:.80}")
        files.append((name, stat))
    return files
