"""What a deck cannot make `kiosk publish` ship, and what it publishes when an edit lands in
the middle (attacker's review of #15). Real files, real symbolic links."""

from __future__ import annotations

import logging
import os
import textwrap
from pathlib import Path

import pytest

import kiosk.fleet.publish as publishing
from kiosk.core.loader import load_deck
from kiosk.fleet.publish import Refused, publish

DECK = textwrap.dedent("""\
    title: {zh: 展厅, en: Hall}
    languages: [zh, en]
    sources:
      t: {kind: file, path: PATH, format: csv}
    slides:
      - type: title
        title: {zh: 你好, en: Hello}
    """)


def _deck(folder, path):
    folder.mkdir(parents=True, exist_ok=True)
    deck = folder / "deck.yaml"
    deck.write_text(DECK.replace("PATH", path), encoding="utf-8")
    return deck


def test_a_link_to_a_secret_is_refused(tmp_path):
    secret = tmp_path / "home" / "ssh-key"
    secret.parent.mkdir()
    secret.write_text("x,1\n")  # a stand-in for ~/.ssh/id_ed25519
    deck = _deck(tmp_path / "content", "data/readings.csv")
    (tmp_path / "content" / "data").mkdir()
    os.symlink(secret, tmp_path / "content" / "data" / "readings.csv")
    with pytest.raises(Refused, match=r"readings\.csv: is a link to .*ssh-key, outside"):
        publish(deck, tmp_path / "pub")
    assert not (tmp_path / "pub").exists()


def test_a_file_far_outside_the_deck_is_refused_unless_the_root_allows_it(tmp_path):
    far = tmp_path / "a" / "b" / "data.csv"
    far.parent.mkdir(parents=True)
    far.write_text("x,1\n")
    deck = _deck(tmp_path / "content" / "hall", "../../a/b/data.csv")
    with pytest.raises(Refused, match=r"data\.csv: is outside .*pass --root"):
        publish(deck, tmp_path / "pub")
    manifest = publish(deck, tmp_path / "pub", root=tmp_path)  # the operator means it
    assert {e.path for e in manifest.files} == {"content/hall/deck.yaml", "a/b/data.csv"}


def test_etc_passwd_is_never_published(tmp_path):
    deck = _deck(tmp_path / "content", "../" * 12 + "etc/passwd")
    with pytest.raises(Refused, match="outside"):
        publish(deck, tmp_path / "pub")
    with pytest.raises(Refused, match="top of the disk"):
        publish(deck, tmp_path / "pub", root=Path("/"))


def test_hidden_files_are_never_published(tmp_path):
    deck = _deck(tmp_path / "content", ".secrets/data.csv")
    (tmp_path / "content" / ".secrets").mkdir()
    (tmp_path / "content" / ".secrets" / "data.csv").write_text("x,1\n")
    with pytest.raises(Refused, match=r"\.secrets is hidden"):
        publish(deck, tmp_path / "pub")


def test_an_edit_saved_during_publish_is_not_published_unchecked(tmp_path, monkeypatch):
    deck = _deck(tmp_path / "content", "data.csv")
    (tmp_path / "content" / "data.csv").write_text("x,1\n")
    real = publishing.next_version

    def editor_saves_now(outdir):  # after the files were read and checked
        deck.write_text("title: broken\nslides:\n  - type: nonsense\n", encoding="utf-8")
        return real(outdir)

    monkeypatch.setattr(publishing, "next_version", editor_saves_now)
    manifest = publish(deck, tmp_path / "pub")
    blob = (tmp_path / "pub" / manifest.entry(manifest.deck).blob).read_bytes()
    assert blob == DECK.replace("PATH", "data.csv").encode()  # the checked bytes
    copy = tmp_path / "check" / "deck.yaml"
    copy.parent.mkdir()
    copy.write_bytes(blob)
    (tmp_path / "check" / "data.csv").write_text("x,1\n")
    assert load_deck(copy).ok


def test_the_supervisor_log_masks_a_deck_urls_secrets(caplog):
    from kiosk.supervise import Supervisor

    class Child:
        pid = 1

        def poll(self):
            return None

    url = "https://hall:S3cretPassw0rd@content.example/m.json?token=tok_abcdef"
    sup = Supervisor(["kiosk", "run", url], None, spawn=lambda cmd, fd: Child(),
                     notify=lambda _: None)
    with caplog.at_level(logging.INFO, logger="kiosk.supervise"):
        sup.step()
    text = caplog.text
    assert "show started" in text and "content.example/m.json" in text
    assert "S3cretPassw0rd" not in text and "tok_abcdef" not in text
