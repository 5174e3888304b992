"""What ``kiosk check`` and the photo slide agree an image file must be (#18 A, F).

Qt-free: the loader asks :func:`image_problem` at check time and the photo view asks
:func:`too_large_to_decode` before decoding, so a file that checks clean is shown and one
that would only show the placeholder is reported, with the same words.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
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
# ...but a progressive JPEG is decoded whole first: libjpeg keeps every DCT coefficient of the
# image (2 bytes each, 64 per 8 x 8 block of each component), and Qt lets it use twice the
# allocation limit for them. Measured with Qt 6.11: a 13300 x 13300 colour photo (4:2:0,
# 507 MB of coefficients) is shown, 13450 x 13450 (518 MB) fails with "Unable to read image
# data", and the threshold moves with QImageReader.setAllocationLimit. 8 MB to spare (#18 F).
MAX_PROGRESSIVE_BYTES = 2 * MAX_DECODED_BYTES - (8 << 20)
# Where the JPEG frame header (SOFn) is looked for: after EXIF (at most 64 KB), ICC profiles
# and the quantisation tables; check and the photo slide read the same bytes, so they agree.
HEAD_BYTES = 256 << 10
_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA, 0xCE})  # SOF2, SOF6, SOF10, SOF14
_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOF0-15 but DHT, JPG, DAC


@dataclass(frozen=True)
class JpegFrame:
    """A JPEG's frame header: pixel size, progressive or not, each component's sampling."""

    width: int
    height: int
    progressive: bool
    sampling: tuple[tuple[int, int], ...]  # (horizontal, vertical) factor per component

    def coefficient_bytes(self) -> int:
        """What libjpeg holds to decode it whole (jdcoefct.c: blocks rounded up to whole
        sampling units, 64 coefficients of 2 bytes per block)."""
        h_max = max(h for h, _ in self.sampling)
        v_max = max(v for _, v in self.sampling)
        total = 0
        for h, v in self.sampling:
            across = -(-self.width * h // (h_max * 8))
            down = -(-self.height * v // (v_max * 8))
            total += -(-across // h) * h * (-(-down // v) * v) * 128
        return total


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
    """Width and height from the header of a PNG, JPEG, GIF, BMP or WebP (None: not known
    from ``head``)."""
    if kind == "jpeg":
        frame = jpeg_frame(head)
        return (frame.width, frame.height) if frame is not None else None
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


def jpeg_frame(head: bytes) -> JpegFrame | None:
    """The frame header of a JPEG from its first bytes, walking the marker segments; None
    if it is not within ``head`` or the segments make no sense (Qt will say it cannot read)."""
    if not head.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 4 <= len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # a fill byte before the marker
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # segments with no length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # the end, or the scan, before any frame header
            return None
        length = int.from_bytes(head[at + 2:at + 4], "big")
        if marker in _FRAMES:
            return _frame(head[at + 4:at + 2 + length], progressive=marker in _PROGRESSIVE)
        if length < 2:
            return None
        at += 2 + length
    return None


def _frame(body: bytes, progressive: bool) -> JpegFrame | None:
    if len(body) < 6:
        return None
    height, width = struct.unpack(">HH", body[1:5])
    count = body[5]
    specs = body[6:6 + 3 * count]
    if count == 0 or len(specs) < 3 * count:
        return None
    sampling = tuple((specs[i + 1] >> 4, specs[i + 1] & 0x0F) for i in range(0, len(specs), 3))
    if any(not (1 <= h <= 4 and 1 <= v <= 4) for h, v in sampling):
        return None
    return JpegFrame(width, height, progressive, sampling)


def too_large_to_decode(kind: str | None, width: int, height: int,
                        head: bytes = b"") -> str | None:
    """Why an image of this format and size cannot be shown (None: it can). ``head``: the
    file's first :data:`HEAD_BYTES`, which say whether a JPEG is progressive."""
    if kind == "jpeg":
        frame = jpeg_frame(head)
        if frame is None or not frame.progressive:
            return None
        if frame.coefficient_bytes() <= MAX_PROGRESSIVE_BYTES:
            return None
        return (f"{width} x {height} pixels is too large to show: a progressive JPEG is "
                f"decoded whole, within {MAX_PROGRESSIVE_BYTES >> 20} MB (about 13000 x "
                f"13000 pixels in colour); save it as a baseline (not progressive) JPEG, "
                f"which is decoded at screen size, or scale it down")
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
    head = read_head(path, HEAD_BYTES)
    kind = sniff(head)
    if kind is None:
        return f"not a PNG, JPEG, GIF or BMP image: {name}"
    size = pixel_size(kind, head)
    reason = too_large_to_decode(kind, *size, head) if size is not None else None
    return f"{name}: {reason}" if reason else None
