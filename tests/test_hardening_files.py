"""Paths that exist but are not regular files, and images too big for Qt (#18 A, F).

Real FIFOs, real /dev/zero and /dev/urandom, a real sparse 1 GB file, a real 20000 x 20000
PNG. Whatever could hang or eat memory on the old code runs in a subprocess with an outer
timeout and an address-space limit, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import yaml
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage

from kiosk.qt.stage import Stage

from .conftest import REPO, as_array
from .render_util import bright, deck_from, render

GUARD_S = 60  # outer guard against a hang: the outcome is asserted, never the speed
MEMORY_LIMIT = 2 << 30  # /dev/zero read whole would take all of it within seconds


def _limit_memory(limit: int = MEMORY_LIMIT) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def kiosk_check(*decks: Path | str, memory: int = MEMORY_LIMIT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kiosk", "check", *map(str, decks)],
                          capture_output=True, text=True, timeout=GUARD_S, cwd=REPO, env=env,
                          preexec_fn=lambda: _limit_memory(memory))


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def title_deck(extra: list | None = None) -> dict:
    return {"title": "t", "slides": [{"type": "title", "title": "一"}, *(extra or [])]}


def solid_png(path: Path, width: int, height: int, rgb: tuple[int, int, int]) -> Path:
    """A valid RGB PNG of any size, written by hand: a few MB even at 20000 x 20000."""
    row = b"\x00" + bytes(rgb) * width
    comp = zlib.compressobj(1)
    data = b"".join(comp.compress(row * 256) for _ in range(height // 256))
    data += comp.compress(row * (height % 256)) + comp.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
                     + chunk(b"IEND", b""))
    return path


# ---------------------------------------------------------------- kiosk check on decks
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom"])
def test_check_names_a_deck_that_is_not_a_file(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        deck: Path | str = tmp_path / "deck.yaml"
        os.mkfifo(deck)  # no writer: reading it would wait forever
        words = "is a FIFO, not a file"
    else:
        deck = kind  # read whole, these never end
        words = "is a character device, not a file"
    done = kiosk_check(deck)
    assert done.returncode == 1, done.stderr
    assert f"{deck}: cannot read file: {words}" in done.stdout


def test_check_names_includes_that_are_not_files_and_refuses_a_huge_one(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    with (tmp_path / "huge.yaml").open("wb") as out:  # sparse: 1 GB on paper
        out.truncate(1 << 30)
    deck = write_yaml(tmp_path / "deck.yaml", title_deck([
        {"include": "pipe.yaml"}, {"include": "/dev/zero"}, {"include": "huge.yaml"}]))
    done = kiosk_check(deck)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.endswith("slides[1].include: included file pipe.yaml is a FIFO, not a file")
               for line in lines), lines
    assert any(line.endswith("included file /dev/zero is a character device, not a file")
               for line in lines), lines
    assert any("huge.yaml: cannot read file: 1073741824 bytes is over the limit of 8388608"
               in line for line in lines), lines


def test_a_yaml_file_just_under_the_cap_cannot_build_millions_of_nodes(tmp_path: Path) -> None:
    # 8 MB of `[a,a,a,…]`: 4 million values, 1.3 GB of parse tree if composed before counting
    deck = tmp_path / "deck.yaml"
    deck.write_text("title: t\nslides: [" + "a," * (4_194_000) + "a]\n", encoding="utf-8")
    done = kiosk_check(deck, memory=600 << 20)  # the check itself needs about 60 MB
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(f"{deck}:2: document too large (over 200000 values)")


def test_check_names_images_and_feed_files_that_are_not_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "drone.png")
    os.mkfifo(tmp_path / "flights.csv")
    deck = write_yaml(tmp_path / "deck.yaml", {
        "title": "t",
        "sources": {"f": {"kind": "file", "path": "flights.csv", "field": "total"}},
        "slides": [{"type": "photo", "image": "drone.png", "credit": "c"},
                   {"type": "photo", "image": "/dev/urandom", "credit": "c"}]})
    done = kiosk_check(deck)
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "slides[0].image: drone.png is a FIFO, not a file" in out
    assert "slides[1].image: /dev/urandom is a character device, not a file" in out
    assert "sources.f.path: flights.csv is a FIFO, not a file" in out
    assert "file not found" not in out


# ---------------------------------------------------------------- the photo slide
PHOTO_SCRIPT = """
import sys
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from kiosk.core import load_deck
from kiosk.qt.stage import Stage
app = QGuiApplication([])
deck = load_deck(sys.argv[1]).deck
stage = Stage(deck, QSize(960, 540), animations=False)
stage.render(0, 1e6).save(sys.argv[2])
stage.render(1, 1e6).save(sys.argv[3])
print("missing" if stage.view(0).missing else "shown")
stage.close()
"""


def test_a_fifo_photo_shows_the_placeholder_and_the_show_goes_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "drone.png")  # Qt's reader would block on it for good
    deck = write_yaml(tmp_path / "deck.yaml", {"title": "t", "slides": [
        {"type": "photo", "image": "drone.png", "caption": "说明", "credit": "示意图"},
        {"type": "title", "title": "下一页"}]})
    photo, after = tmp_path / "photo.png", tmp_path / "after.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", PHOTO_SCRIPT, str(deck), str(photo),
                           str(after)], capture_output=True, text=True, timeout=GUARD_S,
                          cwd=REPO, env=env, preexec_fn=_limit_memory)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "missing"
    assert "is a FIFO, not a file" in done.stderr  # the one log line says why
    pixels = as_array(QImage(str(photo)))
    assert bright(pixels[310:350, 250:710], 120).sum() > 100  # "Image unavailable"
    assert bright(as_array(QImage(str(after)))).sum() > 500  # the next slide's title


def test_the_ui_waits_a_bounded_time_for_a_stuck_decode(app, tmp_path: Path, monkeypatch,
                                                        caplog) -> None:
    from kiosk.qt.slides import photo

    monkeypatch.setattr(photo, "DECODE_WAIT_S", 0.2, raising=False)
    QImage(64, 36, QImage.Format.Format_RGB32).save(str(tmp_path / "white.png"))
    deck = deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "photo", "image": "white.png", "credit": "示意图"}]})
    stage = Stage(deck, QSize(640, 360), animations=False)
    pool = stage.context().background
    assert pool is not None
    stuck = threading.Event()  # the decoding thread is busy (a slow disk) until set
    release = threading.Timer(30, stuck.set)  # guard: the old code waits for it
    release.start()
    try:
        pool.submit(stuck.wait)
        with caplog.at_level(logging.WARNING):
            stage.prefetch(0)  # as the show does: decode off the UI thread, then wait for it
            stage.render(0, 1e6)
        assert stage.view(0).missing  # the placeholder, not a frozen show
        assert any("still decoding" in r.message for r in caplog.records)
    finally:
        stuck.set()
        release.cancel()
        stage.close()


def test_a_png_too_big_for_qt_is_reported_by_check_in_the_words_the_show_logs(
        app, tmp_path: Path, caplog) -> None:
    solid_png(tmp_path / "wide.png", 20000, 20000, (200, 30, 40))
    deck_path = write_yaml(tmp_path / "deck.yaml", {"title": "t", "slides": [
        {"type": "photo", "image": "wide.png", "credit": "示意图"}]})
    done = kiosk_check(deck_path)
    words = "20000 x 20000 pixels is too large to show"
    assert done.returncode == 1 and f"slides[0].image: wide.png: {words}" in done.stdout
    assert_the_show_logs(tmp_path, deck_path, words, caplog)


def write_jpeg(path: Path, image: QImage, progressive: bool) -> Path:
    from PySide6.QtGui import QImageWriter

    writer = QImageWriter(str(path), b"jpeg")
    writer.setQuality(20)  # a solid colour: small files even at 16000 px
    writer.setProgressiveScanWrite(progressive)
    assert writer.write(image), writer.errorString()
    return path


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_a_jpeg_too_big_for_qt_whole_is_decoded_scaled_and_shown(app, tmp_path: Path,
                                                                 progressive: bool) -> None:
    """8200 x 8200 decodes to 269 MB whole, over Qt's 256 MB: the JPEG reader scales instead.
    A guard (it passed before the progressive rule): a progressive JPEG this size is within
    what Qt decodes (202 MB of coefficients), so the rule must not refuse it either."""
    image = QImage(8200, 8200, QImage.Format.Format_RGB888)
    image.fill(QColor(200, 30, 40))
    write_jpeg(tmp_path / "red.jpg", image, progressive)
    del image
    deck_path = write_yaml(tmp_path / "deck.yaml", {"title": "t", "slides": [
        {"type": "photo", "image": "red.jpg", "credit": "示意图"}]})
    done = kiosk_check(deck_path)
    assert done.returncode == 0 and ": ok:" in done.stdout, done.stdout + done.stderr
    deck = deck_from(tmp_path, yaml.safe_load(deck_path.read_text(encoding="utf-8")))
    stage, _, pixels = render(deck, size=(960, 540))
    assert not stage.view(0).missing
    red = pixels[50:250, 100:860, :3].astype(int).mean(axis=(0, 1))  # B, G, R
    assert np.allclose(red, (40, 30, 200), atol=12), red
    stage.close()


def test_a_progressive_jpeg_too_big_for_qt_is_reported_by_check_in_the_words_the_show_logs(
        app, tmp_path: Path, caplog) -> None:
    """A progressive JPEG is decoded whole, whatever size the screen needs: a 16000 x 16000
    one checked ok, then showed the placeholder with "Unable to read image data" (#18). This
    one is grey (written from a 1-bit image, so it costs 34 MB to make): 16500 x 16500 is
    545 MB of coefficients, over what Qt lets libjpeg use."""
    from PySide6.QtGui import qRgb

    image = QImage(16500, 16500, QImage.Format.Format_Mono)
    image.setColorTable([qRgb(0, 0, 0), qRgb(255, 255, 255)])
    image.fill(1)
    write_jpeg(tmp_path / "grey.jpg", image, progressive=True)
    del image
    deck_path = write_yaml(tmp_path / "deck.yaml", {"title": "t", "slides": [
        {"type": "photo", "image": "grey.jpg", "credit": "示意图"}]})
    done = kiosk_check(deck_path)
    words = ("16500 x 16500 pixels is too large to show: a progressive JPEG is decoded whole, "
             "within 504 MB")
    assert done.returncode == 1 and f"slides[0].image: grey.jpg: {words}" in done.stdout, (
        done.stdout + done.stderr)
    assert "save it as a baseline (not progressive) JPEG" in done.stdout
    assert_the_show_logs(tmp_path, deck_path, words, caplog)


def test_the_jpeg_frame_is_found_behind_large_metadata_and_not_beyond_the_head() -> None:
    """The frame header (SOF2 here) after 200 KB of APPn segments (EXIF, ICC) is found within
    the 256 KB both check and the slide read; 4:2:0 colour sizes on either side of the
    measured limit (13300 shown, 13450 refused by Qt) fall on the right side of the rule."""
    from kiosk.core.images import HEAD_BYTES, MAX_PROGRESSIVE_BYTES, jpeg_frame

    def jpeg(width: int, height: int, padding: int) -> bytes:
        app1 = b"\xff\xe1" + struct.pack(">H", 65_535) + b"\0" * 65_533
        apps = app1 * (padding // 65_537)
        sof2 = (b"\xff\xc2\x00\x11\x08" + struct.pack(">HH", height, width) + b"\x03"
                + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01")
        return b"\xff\xd8" + apps + sof2 + b"\xff\xda"

    near = jpeg(9000, 7000, 200_000)
    frame = jpeg_frame(near[:HEAD_BYTES])
    assert frame is not None and (frame.width, frame.height) == (9000, 7000)
    assert frame.progressive and frame.sampling == ((2, 2), (1, 1), (1, 1))
    assert jpeg_frame(jpeg(9000, 7000, 300_000)[:HEAD_BYTES]) is None  # unknown: not refused
    assert jpeg_frame(near[:1000]) is None
    assert jpeg_frame(b"\xff\xd8\xff\xe0\x00\x01" + near[2:]) is None  # a length under 2
    shown, refused = jpeg_frame(jpeg(13000, 13000, 0)), jpeg_frame(jpeg(13450, 13450, 0))
    assert shown is not None and shown.coefficient_bytes() <= MAX_PROGRESSIVE_BYTES
    assert refused is not None and refused.coefficient_bytes() > MAX_PROGRESSIVE_BYTES


# ---------------------------------------------------------------- hot reload
def test_a_deck_replaced_by_a_fifo_keeps_the_show_and_hot_reload(qtbot, app,
                                                                 tmp_path: Path) -> None:
    import json

    from .test_live import start_show

    deck = write_yaml(tmp_path / "deck.yaml", title_deck())
    show = start_show(qtbot, deck, tmp_path)
    good = show.deck

    def touch(count: int) -> None:
        stamp = time.time_ns() + 10**9 * count  # a distinct mtime per change
        os.utime(deck, ns=(stamp, stamp))

    deck.unlink()
    os.mkfifo(deck)
    touch(1)
    try:
        show.check_reload()
        show.wait_reload(timeout=GUARD_S)
        assert show.deck is good  # the last good deck plays on
        status = json.loads((tmp_path / "status.json").read_text(encoding="utf-8"))
        assert status["deck_ok"] is False
        assert status["deck_errors"] == [f"{deck}: cannot read file: is a FIFO, not a file"]
    finally:  # guard: the old code is stuck reading the FIFO; a writer's close ends that
        with contextlib.suppress(OSError):
            os.close(os.open(deck, os.O_WRONLY | os.O_NONBLOCK))
    deck.unlink()
    write_yaml(deck, title_deck([{"type": "title", "title": "二"}]))
    touch(2)
    show.check_reload()
    show.wait_reload(timeout=GUARD_S)
    assert [s.title.get() for s in show.deck.slides] == ["一", "二"]  # hot reload still works
    show.stop()


def assert_the_show_logs(tmp_path: Path, deck_path: Path, words: str, caplog) -> None:
    """`kiosk run` plays on: the slide is a placeholder, and the log says what check said."""
    deck = deck_from(tmp_path, yaml.safe_load(deck_path.read_text(encoding="utf-8")),
                     allow_assets=True)
    with caplog.at_level(logging.WARNING):
        stage, _, _ = render(deck, size=(960, 540))
    assert stage.view(0).missing
    assert any(words in r.getMessage() for r in caplog.records)
    stage.close()
