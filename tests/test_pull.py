"""Pulling a published deck: what a screen fetches, keeps and plays offline (#15 part 2).

Real sockets (tests/fleet_server.py), real ``kiosk publish`` bundles, keys from Debian's
minisign. The fault cases are in test_pull_faults.py.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest

from kiosk.fleet.manifest import parse
from kiosk.fleet.minisign import load_public_key
from kiosk.fleet.pull import FetchError, Puller

from .fleet_server import PHOTO, Content, FleetServer, minisign_keys


class Hall:
    """A content team publishing, a server serving, a screen's cache."""

    def __init__(self, tmp_path: Path, signed: bool = True) -> None:
        self.tmp = tmp_path
        self.pub_key: Path | None = None
        key = None
        if signed:
            self.pub_key, key = minisign_keys(tmp_path / "keys")
        self.content = Content(tmp_path, key)
        self.server = FleetServer(self.content.pub)
        self.cache = tmp_path / "cache"

    def puller(self, url: str | None = None, **kwargs) -> Puller:
        trust = load_public_key(self.pub_key) if self.pub_key else None
        kwargs.setdefault("timeout", 5.0)
        return Puller(url or self.server.url, self.cache, trust, **kwargs)

    def bundles(self, puller: Puller) -> list[str]:
        return sorted(p.name for p in (puller.store.root / "bundles").iterdir())

    def blobs(self, puller: Puller) -> set[str]:
        return {p.name for p in (puller.store.root / "blobs").iterdir()}


@pytest.fixture
def hall(tmp_path):
    hall = Hall(tmp_path)
    yield hall
    hall.server.stop()


def test_first_check_fetches_the_bundle_and_the_deck_plays_from_the_cache(hall):
    hall.content.publish()
    puller = hall.puller()
    assert puller.cached() is None  # nothing yet: the lead shows the waiting slide
    update = puller.poll(None)
    bundle = update.bundle
    assert bundle is not None and update.result is not None and update.result.ok
    assert bundle.version == 1 and bundle.signed
    assert bundle.deck_path.is_file() and bundle.deck_path.is_relative_to(puller.store.root)
    assert "欢迎" in bundle.deck_path.read_text(encoding="utf-8")
    photo = bundle.deck_path.parent.parent / "assets" / "photos" / "evtol.webp"
    assert photo.read_bytes() == PHOTO.read_bytes()  # the photo, on disk, byte for byte
    assert update.result.deck is not None
    assert bundle.published == pytest.approx(parse(
        (hall.content.pub / "manifest.json").read_bytes()).published)
    assert sorted(hall.server.fetched()) == sorted([
        "manifest.json", "manifest.json.minisig", hall.content.blob("slides/hall.yaml"),
        hall.content.blob("assets/photos/evtol.webp")])


def test_an_unchanged_manifest_is_a_304_and_nothing_else_is_fetched(hall):
    hall.content.publish()
    puller = hall.puller()
    first = puller.poll(None)
    assert first.bundle is not None
    etag = next(s for s in hall.server.requests() if s.path == "manifest.json")
    hall.server.forget()
    update = puller.poll(first.bundle.version)
    assert update.bundle is None and update.result is None
    seen = hall.server.requests()
    assert [(s.path, s.status) for s in seen] == [("manifest.json", 304)]
    assert seen[0].headers.get("If-None-Match", "").startswith('"')
    assert seen[0].headers.get("If-Modified-Since", "").endswith("GMT")
    assert etag.headers.get("If-None-Match") is None  # the first request had nothing to offer


def test_an_edit_downloads_only_the_changed_file(hall):
    hall.content.publish()
    puller = hall.puller()
    assert puller.poll(None).bundle is not None
    photo = hall.content.blob("assets/photos/evtol.webp")
    hall.content.publish("已更新")
    hall.server.forget()
    update = puller.poll(1)
    assert update.bundle is not None and update.bundle.version == 2
    assert "已更新" in update.bundle.deck_path.read_text(encoding="utf-8")
    assert sorted(hall.server.fetched()) == sorted([
        "manifest.json", "manifest.json.minisig", hall.content.blob("slides/hall.yaml")])
    assert photo not in hall.server.fetched()
    new_photo = update.bundle.deck_path.parent.parent / "assets" / "photos" / "evtol.webp"
    assert new_photo.read_bytes() == PHOTO.read_bytes()


def test_offline_start_plays_the_last_bundle_photos_included(hall, caplog):
    hall.content.publish()
    assert hall.puller().poll(None).bundle is not None
    hall.server.stop()
    restarted = hall.puller()  # a new process: only the cache folder is shared
    cached = restarted.cached()
    assert cached is not None
    bundle, result = cached
    assert bundle.version == 1 and bundle.signed and result.ok
    photo = bundle.deck_path.parent.parent / "assets" / "photos" / "evtol.webp"
    assert photo.is_file() and photo.read_bytes() == PHOTO.read_bytes()
    with pytest.raises(FetchError, match=r"cannot reach 127\.0\.0\.1"):
        restarted.poll(1)
    assert restarted.cached() is not None  # the failed check changed nothing


def test_the_cache_keeps_exactly_current_and_previous_after_three_publishes(hall):
    puller = hall.puller()
    versions = []
    for title in ("一", "二", "三"):
        hall.content.publish(title)
        update = puller.poll(versions[-1] if versions else None)
        assert update.bundle is not None
        versions.append(update.bundle.version)
    assert versions == [1, 2, 3]
    state = json.loads(puller.store.state_path.read_text())
    assert (state["current"]["version"], state["previous"]["version"]) == (3, 2)
    assert hall.bundles(puller) == sorted([state["current"]["id"], state["previous"]["id"]])
    published = parse((hall.content.pub / "manifest.json").read_bytes())
    # the blobs kept are exactly what version 3 and version 2 use: 2 decks and one photo
    assert len(hall.blobs(puller)) == 3
    assert {e.sha256 for e in published.files} <= hall.blobs(puller)
    assert list((puller.store.root / "tmp").iterdir()) == []


def test_the_bundle_on_screen_is_never_collected(hall):
    """The current bundle was damaged, so the screen plays the previous one; a new version
    must then keep the one on screen (not the damaged one) as previous."""
    puller = hall.puller()
    hall.content.publish("一")
    puller.poll(None)
    hall.content.publish("二")
    current = puller.poll(1).bundle
    assert current is not None
    with open(current.deck_path, "ab") as deck:  # in place: the cached deck file changed
        deck.write(b"\n# edited on the screen\n")
    restarted = hall.puller()
    bundle, _ = restarted.cached()
    assert bundle.version == 1  # the previous one, checked again
    hall.content.publish("三")
    update = restarted.poll(bundle.version)
    assert update.bundle is not None and update.bundle.version == 3
    assert bundle.deck_path.is_file()  # still on disk: it is on screen
    state = json.loads(restarted.store.state_path.read_text())
    assert (state["current"]["version"], state["previous"]["version"]) == (3, 1)
    assert len(hall.bundles(restarted)) == 2


def test_without_trust_unsigned_content_is_accepted_and_marked_unsigned(tmp_path):
    hall = Hall(tmp_path, signed=False)
    try:
        hall.content.publish()
        update = hall.puller().poll(None)
        assert update.bundle is not None and not update.bundle.signed
        assert "manifest.json.minisig" not in hall.server.fetched()
    finally:
        hall.server.stop()


def test_same_version_same_bytes_is_nothing_new_other_bytes_are_refused(hall):
    hall.content.publish()
    puller = hall.puller()
    assert puller.poll(None).bundle is not None
    hall.server.faults["manifest.json"] = "fresh"  # no 304: the full manifest again
    assert puller.poll(1).bundle is None
    # version 1 again with other content, signed by the right key: still refused
    from kiosk.fleet.minisign import load_secret_key, sign

    raw = (hall.content.pub / "manifest.json").read_bytes()
    manifest = parse(raw)
    import dataclasses

    changed = dataclasses.replace(manifest, published=manifest.published + 60).to_json()
    (hall.content.pub / "manifest.json").write_bytes(changed)
    (hall.content.pub / "manifest.json.minisig").write_text(
        sign(changed, load_secret_key(hall.content.key), "version:1"))
    before = puller.store.state_path.read_bytes()
    with pytest.raises(FetchError, match="version 1 on the server is not the version 1 on "
                                         "screen"):
        puller.poll(1)
    assert puller.store.state_path.read_bytes() == before


def test_credentials_in_the_url_are_sent_but_never_shown(hall):
    hall.content.publish()
    url = hall.server.url.replace("http://", "http://screen:s3cret-pw@") + "?token=tok-12345"
    puller = hall.puller(url)
    assert puller.display_url == (hall.server.url.replace("http://", "http://screen:***@")
                                  + "?token=***")
    assert puller.poll(None).bundle is not None
    seen = hall.server.requests()
    assert all(s.headers.get("Authorization") == "Basic c2NyZWVuOnMzY3JldC1wdw==" for s in seen)
    hall.server.faults["manifest.json"] = "garbage"
    with pytest.raises(FetchError) as failed:
        puller.poll(None)
    assert "s3cret" not in str(failed.value) and "tok-12345" not in str(failed.value)
    assert puller.display_url in str(failed.value)


def test_only_http_and_https_urls(tmp_path):
    for url in ("file:///etc/passwd", "ftp://host/manifest.json", "http:///manifest.json"):
        with pytest.raises(ValueError, match="only http:// and https://"):
            Puller(url, tmp_path, None)


def test_backoff_doubles_with_jitter_up_to_a_cap_and_resets_on_success(tmp_path):
    puller = Puller("http://127.0.0.1:9/manifest.json", tmp_path, None, refresh=60.0,
                    rng=random.Random(15))
    delays = [puller.delay(failed=True) for _ in range(10)]
    steps = [min(300.0, 5.0 * 2**i) for i in range(10)]
    for delay, step in zip(delays, steps, strict=True):
        assert step / 2 <= delay <= step
    assert max(delays) <= 300.0 and delays[-1] >= 150.0
    assert len({round(d, 6) for d in delays[-4:]}) == 4  # jittered, not in lock step
    assert puller.delay(failed=False) == 60.0
    assert puller.delay(failed=True) <= 5.0  # the count starts again
    slow = Puller("http://127.0.0.1:9/manifest.json", tmp_path, None, refresh=900.0,
                  rng=random.Random(1))
    assert max(slow.delay(failed=True) for _ in range(12)) > 300.0  # capped at refresh


def test_cached_logs_why_a_bundle_is_not_usable_once(hall, caplog):
    hall.content.publish()
    puller = hall.puller()
    puller.poll(None)
    blob = next((puller.store.root / "blobs").iterdir())
    with open(blob, "r+b") as f:  # a damaged disk sector, in place
        f.write(b"\0\0\0\0")
    with caplog.at_level(logging.WARNING, logger="kiosk.fleet.pull"):
        assert hall.puller().cached() is None
    messages = [r.getMessage() for r in caplog.records if r.name == "kiosk.fleet.pull"]
    assert len(messages) == 1, messages
    assert "cached current version 1 is not usable" in messages[0]
    assert "does not match the manifest" in messages[0]


def test_a_check_before_the_show_swapped_in_the_last_version_keeps_its_folder(hall):
    """The show swaps a new version in at a slide boundary; a check that runs before that
    (or after the show gave up on a slow one) must hand the same bundle over again, not
    build it anew and collect the folder the show is about to play."""
    hall.content.publish("一")
    puller = hall.puller()
    puller.poll(None)
    hall.content.publish("二")
    first = puller.poll(1).bundle
    hall.server.forget()
    again = puller.poll(1).bundle  # version 1 still on screen
    assert again is not None and again.version == 2
    assert again.deck_path == first.deck_path and first.deck_path.is_file()
    assert "二" in first.deck_path.read_text(encoding="utf-8")
    assert hall.server.fetched() == ["manifest.json", "manifest.json.minisig"]
    assert len(hall.bundles(puller)) == 2


def test_a_redirect_is_followed_without_the_password(hall):
    """The folder moved (a 302, as a CDN or an object store answers): the screen follows
    it, and the password meant for the first host is not sent to the second."""
    hall.content.publish()
    other = FleetServer(hall.content.pub)
    try:
        hall.server.faults["manifest.json"] = f"redirect:{other.url}"
        url = hall.server.url.replace("http://", "http://screen:s3cret-pw@")
        assert hall.puller(url).poll(None).bundle is not None
        first = hall.server.requests()
        assert first[0].headers.get("Authorization", "").startswith("Basic ")
        assert [s.path for s in other.requests()] == ["manifest.json"]
        assert "Authorization" not in other.requests()[0].headers
    finally:
        other.stop()


def test_https_with_a_trusted_certificate_and_not_without(hall, tmp_path, monkeypatch):
    from kiosk.core.feeds import httpget

    from .fleet_server import certificate

    cert, key = certificate(tmp_path / "tls")
    hall.content.publish()
    secure = FleetServer(hall.content.pub, tls=(cert, key))
    try:
        monkeypatch.setattr(httpget, "_TLS_CONTEXT", None)  # loaded once per process
        with pytest.raises(FetchError, match=r"^the manifest: cannot reach 127\.0\.0\.1:\d+: "
                                             r".*CERTIFICATE_VERIFY_FAILED"):
            hall.puller(secure.url).poll(None)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trusted like a system certificate
        monkeypatch.setattr(httpget, "_TLS_CONTEXT", None)
        update = hall.puller(secure.url).poll(None)
        assert update.bundle is not None and update.bundle.signed
        assert len(secure.fetched()) == 4
    finally:
        secure.stop()
        monkeypatch.setattr(httpget, "_TLS_CONTEXT", None)
