"""What ``kiosk check`` and the photo slide agree an image file must be (#18 A, F).

Qt-free: the loader asks :func:`image_problem` at check time and the photo view asks
:func:`too_large_to_decode` before decoding, so a file that checks clean is shown and one
that would only show the placeholder is reported, with the same words.
"""

from __future__ import annotations

import struct
from pathlib import Path

from kiosk.core.files import check_regular, read_head

# An image file is at most 64 MB on disk: a 24-megapixel JPEG is 5-15 MB, and the show holds
# the file's bytes while it decodes them (#18 A).
MAX_IMAGE_BYTES = 64 << 20
# Qt refuses to decode into an image over 256 MB (QImageReader.allocationLimit), and only its
# JPEG reader can decode straight to the smaller size a screen needs. So a PNG, GIF, BMP or
# WebP must decode, at 4 bytes a pixel, within 256 MB: about 8,000 x 8,000 pixels (#18 F).
MAX_DECODED_BYTES = 256 << 20
SCALED_FORMATS = frozenset({"jpeg"})  # decoded at screen size, whatever their pixel count
_HEAD = 32  # enough for the pixel size of a PNG, GIF, BMP or WebP


def sniff(head: bytes) -> str | None:
    """The image format from a file's first bytes: png, jpeg, gif, bmp, webp, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def pixel_size(kind: str, head: bytes) -> tuple[int, int] | None:
    """Width and height from the header of a PNG, GIF, BMP or WebP (None: not known here)."""
    try:
        if kind == "png" and head[12:16] == b"IHDR":
            w, h = struct.unpack(">II", head[16:24])
            return w, h
        if kind == "gif":
            w, h = struct.unpack("<HH", head[6:10])
            return w, h
        if kind == "bmp":
            w, h = struct.unpack("<ii", head[18:26])
            return abs(w), abs(h)  # a negative height means top-down rows
        if kind == "webp":
            return _webp_size(head)
    except struct.error:  # a header cut short: Qt will say it is unreadable
        return None
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(head[24:27], "little") + 1
        h = int.from_bytes(head[27:30], "little") + 1
        return w, h
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", head[26:30])
        return w & 0x3FFF, h & 0x3FFF
    return None


def too_large_to_decode(kind: str | None, width: int, height: int) -> str | None:
    """Why an image of this format and size cannot be shown (None: it can)."""
    if kind in SCALED_FORMATS or width * height * 4 <= MAX_DECODED_BYTES:
        return None
    return (f"{width} x {height} pixels is too large to show: a {(kind or 'image').upper()} "
            f"must decode within {MAX_DECODED_BYTES >> 20} MB (about 8000 x 8000 pixels); "
            f"scale it down or save it as JPEG")


def image_problem(path: Path, name: str) -> str | None:
    """Why ``path`` (written ``name`` in the deck) cannot be shown as a photo, or None.

    Never reads the file whole. The words name what the path is ("is a FIFO, not a file")
    rather than "not found"; raises :class:`UnreadableFileError` for that.
    """
    st = check_regular(path)
    if st.st_size > MAX_IMAGE_BYTES:
        return (f"{name}: {st.st_size} bytes is over the limit of {MAX_IMAGE_BYTES >> 20} MB "
                "for an image")
    head = read_head(path, _HEAD)
    kind = sniff(head)
    if kind is None:
        return f"not a PNG, JPEG, GIF or BMP image: {name}"
    size = pixel_size(kind, head)
    reason = too_large_to_decode(kind, *size) if size is not None else None
    return f"{name}: {reason}" if reason else None
