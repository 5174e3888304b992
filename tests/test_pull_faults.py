"""What must never reach a screen, and a cache that lies (#15 parts 2 and 4).

Each fault is served by a real HTTP server (tests/fleet_server.py) to a screen that already
plays version 1. The check must fail with a sentence an operator can act on, and leave the
cache exactly as it was: the same state file, the same bundles, nothing half-written, and
version 1 still playable offline. Then the cache itself is damaged in the ways a disk, a
power cut or a meddler damages it: cached() falls back or says why, and never raises.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import pytest

from kiosk.fleet.manifest import Entry, Manifest, parse
from kiosk.fleet.pull import FetchError, Puller

from .test_pull import Hall


@pytest.fixture
def hall(tmp_path):
    hall = Hall(tmp_path)
    yield hall
    hall.server.stop()


def _snapshot(puller: Puller) -> tuple[bytes, list[str], list[str]]:
    root = puller.store.root
    return (puller.store.state_path.read_bytes(),
            sorted(p.name for p in (root / "bundles").iterdir()),
            sorted(p.name for p in (root / "blobs").iterdir()))


def _playing_v1(hall: Hall, **kwargs) -> Puller:
    hall.content.publish("一")
    puller = hall.puller(**kwargs)
    assert puller.poll(None).bundle is not None
    hall.content.publish("二")  # version 2 on the server, with a new deck file
    return puller


def _assert_untouched(hall: Hall, puller: Puller, before) -> None:
    """The same state file and bundles; the blob store holds at most the new version's
    files that did arrive intact (kept for the next try); nothing half-written."""
    state, bundles, blobs = _snapshot(puller)
    assert (state, bundles) == before[:2]
    served = {e.sha256 for e in parse((hall.content.pub / "manifest.json").read_bytes()).files}
    assert set(before[2]) <= set(blobs) <= set(before[2]) | served
    assert list((puller.store.root / "tmp").iterdir()) == []
    bundle, result = hall.puller().cached()  # a restart still plays version 1
    assert bundle.version == 1 and result.ok


FAULTS = [
    # (what the server does wrong, where, the sentence the operator reads)
    ("404", "manifest.json", r"the manifest: HTTP 404 Not Found"),
    ("500", "manifest.json", r"the manifest: HTTP 500 Internal Server Error"),
    ("garbage", "manifest.json", r"the manifest at http://127\.0\.0\.1:\d+/hall/manifest\.json "
                                 r"is unusable: manifest is not JSON"),
    ("404", "deck", r"slides/hall\.yaml \(files/[0-9a-f]{12}…\): HTTP 404 Not Found"),
    ("500", "deck", r"slides/hall\.yaml \(files/[0-9a-f]{12}…\): HTTP 500"),
    ("truncate", "deck", r"slides/hall\.yaml .*: cut short: the connection closed after "
                         r"\d+ of the \d+ bytes announced"),
    ("tamper", "deck", r"slides/hall\.yaml .*: its SHA-256 does not match the manifest \(a "
                       r"tampered or damaged file\)"),
    ("endless", "deck", r"slides/hall\.yaml .*: more than the \d+ bytes allowed"),
    ("tamper", "manifest.json", r"manifest signature does not verify with key [0-9A-F]{1,16}: "
                                r"the signature by key [0-9A-F]{1,16} does not match"),
    ("404", "manifest.json.minisig", r"the manifest is not signed \(manifest\.json\.minisig: "
                                     r"HTTP 404 Not Found\), and --trust [0-9A-F]{1,16} allows "
                                     r"only signed content"),
    ("garbage", "manifest.json.minisig", r"manifest signature does not verify .*not a "
                                         r"minisign signature"),
    ("500", "manifest.json.minisig", r"^manifest\.json\.minisig: HTTP 500 Internal Server "
                                     r"Error$"),
]


@pytest.mark.parametrize(("fault", "where", "message"), FAULTS,
                         ids=[f"{f}-{w}" for f, w, _ in FAULTS])
def test_a_bad_answer_keeps_the_cache_and_says_why(hall, fault, where, message):
    puller = _playing_v1(hall)
    before = _snapshot(puller)
    path = hall.content.blob("slides/hall.yaml") if where == "deck" else where
    hall.server.faults[path] = fault
    with pytest.raises(FetchError, match=message):
        puller.poll(1)
    _assert_untouched(hall, puller, before)
    hall.server.faults.clear()  # the server mended: the next check brings version 2
    update = puller.poll(1)
    assert update.bundle is not None and update.bundle.version == 2


def test_a_hanging_server_ends_at_the_timeout(hall):
    puller = _playing_v1(hall, timeout=0.5)
    before = _snapshot(puller)
    hall.server.faults["manifest.json"] = "hang"
    with pytest.raises(FetchError, match=r"the manifest: timed out after 0\.5 s"):
        puller.poll(1)
    hall.server.faults["manifest.json"] = "fresh"
    hall.server.faults["files/*"] = "hang"
    with pytest.raises(FetchError, match=r"slides/hall\.yaml .*: timed out after 0\.5 s"):
        puller.poll(1)
    _assert_untouched(hall, puller, before)


def test_a_rollback_is_refused(hall):
    hall.content.publish("一")
    old = {name: (hall.content.pub / name).read_bytes()
           for name in ("manifest.json", "manifest.json.minisig")}
    puller = hall.puller()
    assert puller.poll(None).bundle.version == 1
    hall.content.publish("二")
    assert puller.poll(1).bundle.version == 2
    before = _snapshot(puller)
    for name, raw in old.items():  # the old, validly signed version 1, served again
        (hall.content.pub / name).write_bytes(raw)
    hall.server.forget()
    with pytest.raises(FetchError, match=r"^version 1 is older than version 2 on screen: "
                                         r"rollback refused \(if version 2 on this screen is "
                                         r"wrong, delete .*/cache/decks/[0-9a-f]{16} and "
                                         r"restart\)$"):
        puller.poll(2)
    assert _snapshot(puller) == before
    assert hall.server.fetched() == ["manifest.json", "manifest.json.minisig"]
    assert hall.puller().cached()[0].version == 2


def test_with_trust_an_unsigned_deck_is_refused_at_first_start(hall):
    hall.content.key = None
    hall.content.publish()  # no --sign: no manifest.json.minisig
    puller = hall.puller()
    with pytest.raises(FetchError, match="the manifest is not signed"):
        puller.poll(None)
    assert puller.cached() is None
    assert hall.server.fetched() == ["manifest.json"]  # not one file of the deck


def test_a_signature_by_another_key_is_refused(hall, tmp_path):
    from .fleet_server import minisign_keys

    _, other = minisign_keys(tmp_path / "other")
    hall.content.key = other
    hall.content.publish()
    with pytest.raises(FetchError, match=r"manifest signature does not verify with key "
                                         r"[0-9A-F]{1,16}: signed by key [0-9A-F]{1,16}, trusted"):
        hall.puller().poll(None)


def test_a_deck_that_does_not_check_is_refused(tmp_path):
    """A bundle written by hand (not by kiosk publish, which refuses it) whose deck has an
    error: the screen names the error at its line, inside the bundle. Bad versions one after
    another do not fill the disk: only the last one's files wait for its next try."""
    hall = Hall(tmp_path, signed=False)
    try:
        hall.content.publish()
        puller = hall.puller()
        assert puller.poll(None).bundle is not None
        before = _snapshot(puller)
        for version in (2, 3, 4):
            _publish_by_hand(hall.content.pub, version,
                             f"title: t{version}\nslides:\n  - type: titel\n".encode())
            with pytest.raises(FetchError, match=rf"^version {version}'s deck does not check: "
                                                 r"slides/hall\.yaml:3: slides\[0\]"):
                puller.poll(1)
            _assert_untouched(hall, puller, before)
            assert len(_snapshot(puller)[2]) == len(before[2]) + 1
    finally:
        hall.server.stop()


def test_a_deck_naming_a_file_outside_the_bundle_is_refused(tmp_path):
    hall = Hall(tmp_path, signed=False)
    try:
        outside = tmp_path / "screen-secret.webp"
        outside.write_bytes((Path(__file__).parent.parent / "assets" / "photos" /
                             "evtol-flight.webp").read_bytes())
        deck = (f"title: t\nexit_pin: '0427'\nslides:\n  - type: photo\n    image: {outside}\n"
                "    credit: x\n")
        _publish_by_hand(hall.content.pub, 1, deck.encode())
        with pytest.raises(FetchError, match=r"deck does not check: it names .*screen-secret"
                                             r"\.webp, a file outside the published bundle"):
            hall.puller().poll(None)
    finally:
        hall.server.stop()


def _publish_by_hand(pub: Path, version: int, deck: bytes) -> None:
    """A manifest written by hand, in the folder's channel (kept, as publish keeps it)."""
    sha = hashlib.sha256(deck).hexdigest()
    (pub / "files").mkdir(exist_ok=True)
    (pub / "files" / sha).write_bytes(deck)
    old = pub / "manifest.json"
    channel = parse(old.read_bytes()).channel if old.is_file() else "0" * 32
    manifest = Manifest(channel, version, 1_780_000_000.0, "slides/hall.yaml",
                        (Entry("slides/hall.yaml", sha, len(deck)),))
    (pub / "manifest.json").write_bytes(manifest.to_json())


# -- a cache that lies -----------------------------------------------------------------------

def _two_versions(hall: Hall) -> Puller:
    puller = hall.puller()
    hall.content.publish("一")
    puller.poll(None)
    hall.content.publish("二")
    puller.poll(1)
    hall.server.stop()  # from here on the screen is offline
    return puller


def _current_deck(puller: Puller) -> Path:
    import json

    state = json.loads(puller.store.state_path.read_text())
    return puller.store.deck_dir(state["current"]["id"]) / "slides" / "hall.yaml"


def _reasons(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kiosk.fleet.pull"]


def test_a_tampered_cached_blob_falls_back_to_the_previous_version(hall, caplog):
    puller = _two_versions(hall)
    deck = _current_deck(puller)
    blob = puller.store.blobs / hashlib.sha256(deck.read_bytes()).hexdigest()
    with open(blob, "r+b") as f:  # the blob and the unpacked file are one (a hard link)
        f.write(b"#")
    with caplog.at_level(logging.WARNING):
        bundle, result = hall.puller().cached()
    assert bundle.version == 1 and result.ok
    reasons = _reasons(caplog)
    assert len(reasons) == 1
    assert "the cached current version 2 is not usable: slides/hall.yaml: its SHA-256 does " \
           "not match the manifest" in reasons[0]


@pytest.mark.parametrize("garbage", [b"\x00\xff not json", b'{"format": "kiosk-deck-cache/1"}',
                                     b"[]", b'{"format": "x"}' * 5000, None])
def test_a_lost_state_file_is_rebuilt_from_the_cached_bundles(hall, caplog, garbage):
    """A damaged or deleted state file: the highest cached version that verifies plays
    offline again (nothing is deleted), and the state file is written back."""
    puller = _two_versions(hall)
    before = _snapshot(puller)
    if garbage is None:
        puller.store.state_path.unlink()
    else:
        puller.store.state_path.write_bytes(garbage)
    with caplog.at_level(logging.WARNING):
        bundle, result = hall.puller().cached()
    assert bundle.version == 2 and result.ok
    assert "二" in bundle.deck_path.read_text(encoding="utf-8")
    problem = "missing" if garbage is None else "unusable"
    assert [r for r in _reasons(caplog) if f"the cache's state file is {problem}" in r and
            "rebuilt from the cached bundles: version 2 is current" in r]
    import json

    after = _snapshot(puller)  # every bundle kept, the same current, previous and channel
    assert after[1:] == before[1:]
    keys = ("current", "previous", "channel")
    assert [json.loads(after[0])[k] for k in keys] == [json.loads(before[0])[k] for k in keys]


def test_a_forged_state_file_cannot_point_outside_the_cache(hall, caplog):
    puller = _two_versions(hall)
    import json

    state = json.loads(puller.store.state_path.read_text())
    state["previous"] = None
    real = state["current"]["id"]
    for forged in ({"id": "../../../etc", "version": 1},
                   {"id": "1-0000000000000000-000000", "version": 1},
                   {"id": real, "version": 1},  # it is version 2's
                   {"id": real, "version": 2.0}):
        state["current"] = forged
        puller.store.state_path.write_text(json.dumps(state))
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            cached = hall.puller().cached()
        assert _reasons(caplog), forged
        # refused, or (a state file that does not parse) rebuilt from the real bundles
        assert cached is None or cached[0].deck_path.is_relative_to(puller.store.bundles / real)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_where_a_cached_file_should_be(hall, caplog):
    puller = _two_versions(hall)
    deck = _current_deck(puller)
    deck.unlink()
    os.mkfifo(deck)  # open() would block for ever without a writer
    with caplog.at_level(logging.WARNING):
        bundle, _ = hall.puller().cached()
    assert bundle.version == 1
    assert any("slides/hall.yaml: is a FIFO, not a file" in r for r in _reasons(caplog))
    puller.store.state_path.unlink()
    os.mkfifo(puller.store.state_path)
    assert hall.puller().cached()[0].version == 1  # rebuilt: version 2's deck is a FIFO


def test_a_cached_manifest_changed_on_disk_is_not_trusted(hall, caplog):
    puller = _two_versions(hall)
    import json

    state = json.loads(puller.store.state_path.read_text())
    for slot in ("current", "previous"):
        manifest = puller.store.bundle_dir(state[slot]["id"]) / "manifest.json"
        manifest.write_bytes(manifest.read_bytes().replace(b'"version": ', b'"version":  '))
    with caplog.at_level(logging.WARNING):
        assert hall.puller().cached() is None
    assert sum("its manifest was changed after it was received" in r
               for r in _reasons(caplog)) == 2


def test_a_cached_bundle_without_its_signature_is_not_shown_with_trust(hall, caplog):
    puller = _two_versions(hall)
    for folder in puller.store.bundles.iterdir():
        (folder / "manifest.json.minisig").unlink()
    with caplog.at_level(logging.WARNING):
        assert hall.puller().cached() is None
    assert sum("its signature is unusable: file not found" in r for r in _reasons(caplog)) == 2


def test_a_damaged_cache_is_rebuilt_by_the_next_check(hall):
    hall.content.publish("一")
    puller = hall.puller()
    puller.poll(None)
    blob = next(puller.store.blobs.iterdir())
    blob.write_bytes(b"broken")  # a new inode: the blob store lies, the bundle does not
    deck = _current_deck(puller)
    with open(deck, "ab") as f:
        f.write(b"# broken")
    assert hall.puller().cached() is None
    hall.server.forget()
    update = hall.puller().poll(None)  # nothing on screen: the whole bundle again
    assert update.bundle is not None and update.bundle.version == 1
    assert hall.puller().cached()[0].version == 1
    assert parse((hall.content.pub / "manifest.json").read_bytes()).version == 1


def test_a_feed_body_cut_short_is_an_error_not_half_the_data(hall):
    """httpget.get, which the feeds use too, used to return the half it got."""
    from kiosk.core.feeds import httpget

    hall.content.publish()
    hall.server.faults["manifest.json"] = "truncate"
    with pytest.raises(ValueError, match=r"the connection closed after \d+ of the \d+ bytes"):
        httpget.get(hall.server.url, {}, 1 << 20, httpget.Deadline(5))


def test_something_else_where_a_blob_should_be_is_replaced(hall):
    """A folder or a FIFO in the blob store (a meddler, a bad restore) is not a file: the
    next version fetches the blob again instead of failing at every check."""
    puller = _playing_v1(hall)
    deck_blob = hall.content.blob("slides/hall.yaml").split("/")[1]
    photo_blob = hall.content.blob("assets/photos/evtol.webp").split("/")[1]
    (puller.store.blobs / photo_blob).unlink()
    (puller.store.blobs / photo_blob).mkdir()
    (puller.store.blobs / photo_blob / "x").write_text("x")
    if hasattr(os, "mkfifo"):
        os.mkfifo(puller.store.blobs / deck_blob)
    hall.server.forget()
    update = puller.poll(1)
    assert update.bundle is not None and update.bundle.version == 2
    assert f"files/{photo_blob}" in hall.server.fetched()
    assert (puller.store.blobs / photo_blob).is_file()


def test_a_garbage_state_file_is_logged_once_and_mended_by_the_next_version(hall, caplog):
    puller = _playing_v1(hall)
    hall.server.faults["manifest.json"] = "404"
    puller.store.state_path.write_bytes(b"garbage")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            with pytest.raises(FetchError):
                puller.poll(1)
    assert sum("state file is unusable" in r for r in _reasons(caplog)) == 1
    hall.server.faults.clear()
    assert puller.poll(1).bundle.version == 2
    assert hall.puller().cached()[0].version == 2


def _client_sockets(port: int) -> int:
    """Open sockets of this process connected to ``port`` (the screen's side, not the
    in-process server's), from /proc/self/fd and /proc/net/tcp."""
    inodes = {f[8:-1] for f in _open_files() if f.startswith("socket:[")}
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == port and fields[9] in inodes:
            count += 1
    return count


@pytest.mark.skipif(not Path("/proc/net/tcp").is_file(), reason="reads /proc/net/tcp")
def test_failing_checks_leave_no_open_files_or_sockets(hall):
    """A screen retries for weeks: each failed check must close what it opened."""
    import gc

    puller = _playing_v1(hall, timeout=0.3)
    port = hall.server.httpd.server_port
    deck = hall.content.blob("slides/hall.yaml")
    faults = [("manifest.json", "404"), ("manifest.json", "500"), ("manifest.json", "garbage"),
              (deck, "truncate"), (deck, "tamper"), (deck, "endless"), (deck, "hang"),
              ("manifest.json.minisig", "404")]
    was_enabled = gc.isenabled()  # off already where the UI-thread collector runs (conftest)
    gc.disable()  # closed by the code, not by the garbage collector
    try:
        for _round in range(3):
            for path, fault in faults:
                hall.server.faults = {path: fault}
                with pytest.raises(FetchError):
                    puller.poll(1)
                assert _client_sockets(port) == 0, fault
    finally:
        if was_enabled:
            gc.enable()
    assert not [f for f in _open_files() if str(puller.store.root) in f]


def _open_files() -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            found.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the listing's own descriptor, closed by now
            continue
    return found
