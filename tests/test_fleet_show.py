"""A published deck on screen, served by a real nginx (#15 acceptance).

The demo deck is published with a key made by Debian's minisign, served by nginx on
127.0.0.1, and shown by the same code `kiosk run URL --trust KEY` runs (kiosk.qt.app's
_open_remote and the Show). Each step checks what a visitor or an operator would see: the
slides on screen, the text drawn after an edit, the photo's pixels from the cache with the
server stopped, and the operator badge and the status file when the server sends something
that must not be shown. nginx's access log says what the screen fetched.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from kiosk.cli import main as kiosk_main
from kiosk.core import load_deck
from kiosk.core.deck import PhotoSlide
from kiosk.qt.app import _open_remote
from kiosk.qt.controller import Show

from .conftest import REPO, FakeClock, as_array
from .nginx_server import Nginx
from .render_util import render

MINISIGN = shutil.which("minisign")
EDITED = "云上智城 · 已更新"


def _minisign_keys(folder: Path) -> tuple[Path, Path]:
    if MINISIGN is None:
        pytest.skip("minisign is not installed (tools/setup-system.sh test installs it)")
    pub, key = folder / "hall.pub", folder / "hall.key"
    subprocess.run([MINISIGN, "-G", "-W", "-p", str(pub), "-s", str(key)], check=True,
                   capture_output=True)
    return pub, key


class Hall:
    """A content team's copy of the demo deck, its published folder and the nginx serving it."""

    def __init__(self, tmp_path: Path) -> None:
        self.src = tmp_path / "content"
        shutil.copytree(REPO / "slides", self.src / "slides")
        shutil.copytree(REPO / "assets" / "photos", self.src / "assets" / "photos")
        self.deck = self.src / "slides" / "zhuhai.yaml"
        self.pub = tmp_path / "pub"
        self.pub.mkdir()
        self.trust, self.key = _minisign_keys(tmp_path)
        self.nginx = Nginx(self.pub, tmp_path / "nginx")
        self.cache = tmp_path / "cache"
        self.status = tmp_path / "status.json"

    @property
    def url(self) -> str:
        return f"{self.nginx.url}/manifest.json"

    def publish(self) -> None:
        assert kiosk_main(["publish", str(self.deck), str(self.pub), "--sign",
                           str(self.key)]) == 0

    def edit_second_slide_title(self, text: str) -> None:
        source = self.deck.read_text(encoding="utf-8")
        old = "{zh: 云上智城"
        assert source.count(old) >= 1
        self.deck.write_text(source.replace(old, "{zh: " + text, 1), encoding="utf-8")

    def open(self, qtbot, refresh: float = 0.5) -> Show:
        args = argparse.Namespace(deck=self.url, trust=str(self.trust), deck_refresh=refresh)
        opened = _open_remote(args, self.cache)
        assert opened is not None
        source, result, deck_path, epoch = opened
        show = Show(deck_path, result, animations=False, status_file=self.status,
                    cache_root=self.cache, clock=FakeClock(), remote=source, sync_epoch=epoch)
        qtbot.addWidget(show.window)
        return show

    def status_source(self) -> dict:
        return json.loads(self.status.read_text(encoding="utf-8"))["deck_source"]


@pytest.fixture
def hall(tmp_path):
    hall = Hall(tmp_path)
    yield hall
    hall.nginx.stop()


def _titles(show: Show) -> list[str]:
    return [s.title.get("zh") if s.title else "" for s in show.deck.slides]


def _to_boundary(show: Show) -> None:
    """Let the slide on screen run out, as the window's own timer would."""
    window = show.window
    deadline = window.player.deadline(window.clock())
    assert deadline is not None
    window.clock.now = deadline + 0.001
    window.poll()


def _wait_version(qtbot, show: Show, version: int) -> None:
    qtbot.waitUntil(lambda: show.remote.version == version, timeout=30_000)


def test_publish_serve_run_edit_and_offline_restart(qtbot, app, hall):
    hall.publish()
    hall.nginx.start()
    show = hall.open(qtbot)
    # a first start with an empty cache: the waiting slide, then the deck as soon as it is in
    assert show.remote.version is None
    _wait_version(qtbot, show, 1)
    assert show.deck.title.get("zh") == "珠海 · 云上智城 / 天空之城"
    show.write_status()
    status = hall.status_source()
    assert status["version"] == 1 and status["state"] == "ok" and status["signed"] is True
    assert status["error"] is None and show.window.operator_message is None

    # an edit to one slide, published again: on screen after the next check, and the server
    # sent only the manifest, its signature and the one changed file
    before = len(hall.nginx.requests())
    hall.edit_second_slide_title(EDITED)
    hall.publish()
    qtbot.waitUntil(lambda: show.remote.received is not None, timeout=30_000)
    assert show.remote.received.version == 2
    fetched = hall.nginx.requests()[before:]
    ok = [(method, path) for method, path, status in fetched if status == 200]
    new_files = [path for _, path in ok if path.startswith("/files/")]
    assert len(new_files) == 1, fetched
    assert {path for _, path in ok} == {"/manifest.json", "/manifest.json.minisig", new_files[0]}
    assert all(status in (200, 304) for _, _, status in fetched), fetched
    # swapped in at the slide boundary, not in the middle of the slide on screen
    assert EDITED not in _titles(show) and show.remote.version == 1
    _to_boundary(show)
    assert any(EDITED in title for title in _titles(show))
    show.check_reload()
    assert show.remote.version == 2
    show.stop()

    # the server gone, the show started again: the last good version, photos included
    hall.nginx.stop()
    show = hall.open(qtbot)
    assert show.remote.version == 2 and any(EDITED in title for title in _titles(show))
    photo = next(i for i, s in enumerate(show.deck.slides) if isinstance(s, PhotoSlide))
    image = Path(show.deck.slides[photo].image)
    assert image.is_file() and hall.cache in image.parents  # from the cache, not the source
    original = load_deck(hall.deck).deck
    _, _, want = render(original, photo, size=(640, 360))
    _, _, got = render(show.deck, photo, size=(640, 360))
    assert np.array_equal(want, got)
    # it keeps asking, says so, and keeps playing
    qtbot.waitUntil(lambda: show.remote.error is not None, timeout=30_000)
    show.write_status()
    status = hall.status_source()
    assert status["state"] == "error" and status["version"] == 2
    assert show.window.operator_message and "version 2" in show.window.operator_message
    show.stop()


def _tamper_file(hall: Hall) -> str:
    """A new version whose one changed file was altered on the server after publishing."""
    hall.edit_second_slide_title("篡改测试")
    hall.publish()
    manifest = json.loads((hall.pub / "manifest.json").read_text(encoding="utf-8"))
    deck = next(e for e in manifest["files"] if e["path"] == manifest["deck"])
    blob = hall.pub / "files" / deck["sha256"]
    same_size = blob.read_bytes().replace("篡改测试".encode(), "篡改测验".encode())
    blob.write_bytes(same_size)
    return "sha-256"


def _bad_signature(hall: Hall) -> str:
    """A new version whose manifest was changed after it was signed."""
    hall.publish()
    path = hall.pub / "manifest.json"
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"version": 3', b'"version": 4'))
    return "signature"


def _rollback(hall: Hall, old: tuple[bytes, bytes]) -> str:
    """The server goes back to version 1, correctly signed, as an attacker with old files could."""
    (hall.pub / "manifest.json.minisig").write_bytes(old[1])
    (hall.pub / "manifest.json").write_bytes(old[0])
    return "rollback"


@pytest.mark.parametrize("fault", ["tampered file", "bad signature", "rollback"])
def test_what_must_not_be_shown_leaves_the_old_deck_on_screen(qtbot, app, hall, fault):
    hall.publish()
    first = ((hall.pub / "manifest.json").read_bytes(),
             (hall.pub / "manifest.json.minisig").read_bytes())
    hall.edit_second_slide_title(EDITED)
    hall.publish()  # version 2
    hall.nginx.start()
    show = hall.open(qtbot)  # the first version a screen gets is shown at once
    _wait_version(qtbot, show, 2)
    playing = _titles(show)
    if fault == "tampered file":
        word = _tamper_file(hall)
    elif fault == "bad signature":
        word = _bad_signature(hall)
    else:
        word = _rollback(hall, first)
    qtbot.waitUntil(lambda: show.remote.error is not None, timeout=30_000)
    _to_boundary(show)
    assert show.remote.version == 2 and _titles(show) == playing
    badge = show.window.operator_message
    assert badge is not None and "version 2" in badge and word in badge.lower()
    show.write_status()
    status = hall.status_source()
    assert status["state"] == "error" and status["version"] == 2
    assert word in status["error"].lower()
    show.stop()
    # and a restart does not show it either: the cache holds only what was checked
    show = hall.open(qtbot)
    assert show.remote.version == 2 and _titles(show) == playing
    show.stop()


def test_with_trust_an_unsigned_deck_is_never_shown_not_even_at_first_start(qtbot, app, hall):
    assert kiosk_main(["publish", str(hall.deck), str(hall.pub)]) == 0  # no --sign
    hall.nginx.start()
    show = hall.open(qtbot)
    qtbot.waitUntil(lambda: show.remote.error is not None, timeout=30_000)
    assert show.remote.version is None
    assert show.deck.title.get("en") == "Waiting for content"  # never blank, never the deck
    badge = show.window.operator_message
    assert badge is not None and "no content yet" in badge and "sign" in badge.lower()
    show.write_status()
    assert hall.status_source()["state"] == "waiting"
    # the waiting slide is drawn, not a black screen
    show.window.resize(640, 360)
    pixels = as_array(show.window.grab().toImage())
    assert pixels[:, :, :3].max() > 150
    show.stop()


def test_a_version_waiting_for_its_slide_change_is_not_pushed_out_by_the_next(qtbot, app, hall):
    """The cache keeps two versions. While version 2 waits for the slide on screen (version 1's)
    to end, no new check starts: a version 3 committed then would become current, 2 previous,
    and the folder of version 1, still on screen, would be deleted."""
    hall.publish()
    hall.nginx.start()
    show = hall.open(qtbot)
    _wait_version(qtbot, show, 1)
    _to_boundary(show)
    on_screen = show.window.deck.slides  # version 1, mid-slide
    hall.edit_second_slide_title(EDITED)
    hall.publish()  # version 2
    qtbot.waitUntil(lambda: show.remote.received is not None, timeout=30_000)
    assert show.remote.version == 1 and show.window.deck.slides == on_screen
    playing_folder = show.remote.playing.deck_path.parent
    hall.edit_second_slide_title("第三版")
    hall.publish()  # version 3, on the server while 2 waits
    before = len(hall.nginx.requests())
    for _ in range(5):
        show.remote.check_now()
        show.check_reload()
    assert len(hall.nginx.requests()) == before  # not asked while version 2 waits
    assert playing_folder.is_dir()
    _to_boundary(show)
    show.check_reload()
    assert show.remote.version == 2 and any(EDITED in t for t in _titles(show))
    qtbot.waitUntil(lambda: show.remote.received is not None, timeout=30_000)
    assert show.remote.received.version == 3  # then the next check brings version 3
    assert show.remote.playing.deck_path.is_file()  # version 2's folder, on screen, is kept
    show.stop()
