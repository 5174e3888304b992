"""The attacker's review of the screen side (#15): each way in, shut.

- another hall's deck, signed with the same team key, served at this hall's URL;
- a link where a cache folder should be, to make the screen delete another folder;
- a lost state file, then an old signed manifest replayed;
- a hostile server's words (escape sequences, bidi overrides) in the badge and the log;
- a name clash on a file system without case (Windows, macOS) taken for "no hard links";
- a version pinned high by one hostile answer: the refusal says how to recover.

Real sockets, real ``kiosk publish`` bundles, keys from Debian's minisign.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import socket
import stat
import threading
from pathlib import Path

import pytest

from kiosk.fleet.manifest import parse
from kiosk.fleet.pull import FetchError, Puller

from .fleet_server import Content
from .test_pull import Hall
from .test_pull_faults import _snapshot


@pytest.fixture
def hall(tmp_path):
    hall = Hall(tmp_path)
    yield hall
    hall.server.stop()


def _title(puller: Puller) -> str:
    cached = puller.cached()
    assert cached is not None
    return cached[1].deck.slides[0].title.zh


# -- 1. one channel per screen -----------------------------------------------------------------

def test_another_halls_deck_signed_with_the_same_key_is_refused(hall, tmp_path):
    """Hall A is at version 5, hall B at 1, one team key. A's signed folder served at B's URL
    would have replaced B's deck and, being version 5, blocked B's next four publishes."""
    other = Content(tmp_path / "a", hall.content.key)
    for i in range(5):
        other.publish(f"A-{i}")
    hall.content.publish("B-1")
    puller = hall.puller()
    assert puller.poll(None).bundle.version == 1
    channel = parse((hall.content.pub / "manifest.json").read_bytes()).channel
    before = _snapshot(puller)
    hall.server.root = other.pub  # the attacker serves hall A's folder at B's URL
    with pytest.raises(FetchError, match=(
            rf"^this manifest is for another published folder \(channel [0-9a-f]{{8}}…\), this "
            rf"screen follows channel {channel[:8]}… \(to move this screen to another folder, "
            r"give it that folder's URL")):
        puller.poll(1)
    assert _snapshot(puller) == before
    assert _title(hall.puller()) == "B-1"
    hall.server.root = hall.content.pub  # B's real folder again: its next version is taken
    hall.content.publish("B-2")
    assert puller.poll(1).bundle.version == 2


def test_a_cached_bundle_of_another_channel_is_not_shown(hall, caplog):
    hall.content.publish("一")
    puller = hall.puller()
    puller.poll(None)
    state = json.loads(puller.store.state_path.read_text())
    state["channel"] = "0123456789abcdef" * 2
    puller.store.state_path.write_text(json.dumps(state))
    with caplog.at_level(logging.WARNING):
        assert hall.puller().cached() is None
    assert any("is for another published folder" in r.getMessage() for r in caplog.records)


# -- 2. links in the cache -------------------------------------------------------------------

def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "thesis.odt").write_text("years of work")
    (victim / "sub" / "x").write_text("x")
    return victim


def _victim_intact(victim: Path) -> bool:
    return ((victim / "thesis.odt").read_text() == "years of work"
            and (victim / "sub" / "x").read_text() == "x")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
@pytest.mark.parametrize("folder", ["tmp", "blobs", "bundles", "."])
def test_a_link_in_place_of_a_cache_folder_is_replaced_never_followed(hall, tmp_path, folder):
    hall.content.publish("一")
    puller = hall.puller()
    puller.poll(None)
    victim = _victim(tmp_path)
    target = puller.store.root / folder
    shutil.rmtree(target)
    os.symlink(victim, target)
    hall.content.publish("二")
    update = puller.poll(1 if folder in ("tmp", "blobs") else None)
    assert update.bundle is not None and update.bundle.version == 2
    assert _victim_intact(victim)
    assert sorted(os.listdir(victim)) == ["sub", "thesis.odt"]  # nothing added either
    assert not os.path.islink(target) and os.path.isdir(target)
    assert _title(hall.puller()) == "二"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_in_place_of_a_bundle_is_not_shown_and_only_the_link_goes(hall, tmp_path):
    hall.content.publish("一")
    puller = hall.puller()
    puller.poll(None)
    hall.content.publish("二")
    puller.poll(1)
    victim = _victim(tmp_path)
    state = json.loads(puller.store.state_path.read_text())
    previous = puller.store.bundle_dir(state["previous"]["id"])
    current = puller.store.bundle_dir(state["current"]["id"])
    shutil.copytree(current, victim / "bundle")  # a good copy elsewhere: still refused
    shutil.rmtree(current)
    os.symlink(victim / "bundle", current)
    assert hall.puller().cached()[0].version == 1  # the link is not a cached bundle
    shutil.rmtree(previous)
    os.symlink(victim, previous)  # an old bundle's place: collected as a link
    hall.content.publish("三")
    assert puller.poll(2).bundle.version == 3
    assert _victim_intact(victim) and (victim / "bundle" / "manifest.json").is_file()
    assert not os.path.lexists(previous)


def test_the_cache_folders_are_private(hall):
    hall.content.publish("一")
    puller = hall.puller()
    puller.poll(None)
    store = puller.store
    state = json.loads(store.state_path.read_text())
    for folder in (store.root.parent, store.root, store.blobs, store.bundles, store.tmp,
                   store.bundle_dir(state["current"]["id"])):
        assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700, folder


# -- 3. a lost state file ----------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["garbage", "deleted"])
def test_after_a_lost_state_file_an_old_signed_manifest_is_still_a_rollback(hall, damage):
    hall.content.publish("OLD-1")
    old = {n: (hall.content.pub / n).read_bytes()
           for n in ("manifest.json", "manifest.json.minisig")}
    hall.content.publish("二")
    hall.content.publish("CURRENT-3")
    puller = hall.puller()
    assert puller.poll(None).bundle.version == 3
    if damage == "garbage":
        puller.store.state_path.write_bytes(b"\x00garbage")
    else:
        puller.store.state_path.unlink()
    for name, raw in old.items():  # the attacker replays the old, validly signed version 1
        (hall.content.pub / name).write_bytes(raw)
    restarted = hall.puller()
    bundle, result = restarted.cached()  # offline start: version 3 still plays
    assert bundle.version == 3 and result.deck.slides[0].title.zh == "CURRENT-3"
    with pytest.raises(FetchError, match=r"^version 1 is older than version 3 this screen "
                                         r"received: rollback refused"):
        restarted.poll(None)
    with pytest.raises(FetchError, match="rollback refused"):
        hall.puller().poll(3)
    assert _title(hall.puller()) == "CURRENT-3"


# -- 4. the server's words ---------------------------------------------------------------------

class _RawServer:
    """Answers every request with ``answer``'s bytes, then closes."""

    def __init__(self, answer: bytes) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.answer = answer
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    conn.sendall(self.answer)
                except OSError:
                    pass

    def stop(self) -> None:
        self.sock.close()
        self.thread.join(10)


EVIL = b"\x1b[2J\x1b[32mOK - version 99 verified\x1b[0m \xe2\x80\xae gnp.exe\x07\x9b"


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 500 " + EVIL + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    b"HTTP/1.1 503 " + b"A" * 5000 + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    b"HTTQ/1.1 200 " + EVIL + b"\r\n\r\n",  # not HTTP: the status line is in the message
], ids=["reason", "long-reason", "bad-status-line"])
def test_a_servers_words_reach_the_operator_printable_and_short(tmp_path, answer):
    server = _RawServer(answer)
    try:
        puller = Puller(f"http://127.0.0.1:{server.port}/m/manifest.json", tmp_path / "c",
                        None, timeout=3)
        with pytest.raises(FetchError) as caught:
            puller.poll(None)
    finally:
        server.stop()
    message = str(caught.value)
    assert message.startswith("the manifest: ")
    assert message.isprintable(), repr(message)
    assert "\x1b" not in message and "\u202e" not in message and "[2J" not in message
    assert len(message) < 220, message


# -- 5. hard links and name clashes ------------------------------------------------------------

def _failing_link(error: OSError):
    def link(src, dst, *args, **kwargs):
        raise error
    return link


def test_a_name_clash_is_refused_not_copied_over(hall, monkeypatch):
    """On a file system without case (Windows, macOS) two names of a bundle can be one
    file: os.link says the file exists. Copying over it would unpack one file for two."""
    hall.content.publish("一")
    puller = hall.puller()
    monkeypatch.setattr(os, "link", _failing_link(FileExistsError(errno.EEXIST, "exists")))
    with pytest.raises(FetchError, match=r"^version 1 cannot be unpacked: [^:]+: another file "
                                         r"of the bundle has the same name on this screen's "
                                         r"file system$"):
        puller.poll(None)
    assert list(puller.store.bundles.iterdir()) == []
    assert puller.cached() is None


@pytest.mark.parametrize(("error", "copied"), [
    (OSError(errno.EXDEV, "cross-device link"), True),
    (OSError(errno.EPERM, "operation not permitted"), True),
    (OSError(errno.EACCES, "permission denied"), False),
])
def test_a_copy_only_where_hard_links_are_missing(hall, monkeypatch, error, copied):
    hall.content.publish("一")
    puller = hall.puller()
    monkeypatch.setattr(os, "link", _failing_link(error))
    if copied:
        bundle = puller.poll(None).bundle
        assert bundle.deck_path.read_text(encoding="utf-8").count("一") == 1
        assert os.stat(bundle.deck_path).st_nlink == 1  # a copy, not a link of the blob
    else:
        with pytest.raises(FetchError, match=r"cannot write the deck cache .*permission denied"):
            puller.poll(None)
        assert puller.cached() is None


# -- 6. a version pinned high ------------------------------------------------------------------

def test_a_pinned_version_says_how_to_recover_and_the_way_works(tmp_path):
    hall = Hall(tmp_path, signed=False)
    try:
        hall.content.publish("legit-1")
        puller = hall.puller()
        playing = puller.poll(None).bundle.version
        good = (hall.content.pub / "manifest.json").read_bytes()
        pinned = json.loads(good)
        pinned["version"] = 2**53 - 1  # one answer from a hostile server, without --trust
        (hall.content.pub / "manifest.json").write_text(json.dumps(pinned))
        playing = puller.poll(playing).bundle.version
        (hall.content.pub / "manifest.json").write_bytes(good)
        hall.content.publish("legit-2")
        with pytest.raises(FetchError, match=r"rollback refused \(if version 9007199254740991 "
                                             r"on this screen is wrong, delete (.+) and "
                                             r"restart\)$") as caught:
            puller.poll(playing)
        folder = Path(str(caught.value).rsplit("delete ", 1)[1].split(" and restart")[0])
        assert folder == puller.store.root
        shutil.rmtree(folder)  # what the operator is told to do
        update = hall.puller().poll(None)
        assert update.bundle.version == 2 and _title(hall.puller()) == "legit-2"
    finally:
        hall.server.stop()
