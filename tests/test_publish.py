"""`kiosk publish`: the bundle an operator uploads, as a screen will read it (#15 part 1).

Real files and Debian's real ``minisign``: the demo deck is published, unpacked the way a
screen unpacks it and loaded again; an edit republishes one file; a broken deck, an
unusable previous manifest and a deck naming a photo by an absolute path are refused
with the words an operator needs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import select
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import nacl.encoding
import nacl.hash
import nacl.pwhash.scrypt
import pytest

from kiosk.cli import main
from kiosk.core.loader import load_deck
from kiosk.fleet import manifest as mf

from .conftest import DEMO_DECK, REPO

MINISIGN = shutil.which("minisign") or "/usr/bin/minisign"
needs_minisign = pytest.mark.skipif(not os.path.exists(MINISIGN),
                                    reason="minisign is not installed")
EDITED_TEXT = "工业成绩单"  # a slide title of the demo deck (checked below)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the demo deck's folders, for edits: slides/ and assets/photos/."""
    shutil.copytree(REPO / "slides", tmp_path / "src" / "slides")
    shutil.copytree(REPO / "assets" / "photos", tmp_path / "src" / "assets" / "photos")
    return tmp_path / "src"


def publish(capsys: pytest.CaptureFixture[str], deck: Path, out: Path,
            *extra: str) -> tuple[int, str, str]:
    code = main(["publish", str(deck), str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_manifest(out: Path) -> mf.Manifest:
    return mf.parse((out / "manifest.json").read_bytes())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def unpack(out: Path, manifest: mf.Manifest, into: Path) -> Path:
    """Lay the files out at their logical paths, as a screen does; the deck's path."""
    for entry in manifest.files:
        target = into / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / entry.blob, target)
    return into / manifest.deck


def test_the_demo_deck_published_unpacks_into_the_same_show(capsys, tmp_path):
    out = tmp_path / "pub"
    code, stdout, stderr = publish(capsys, DEMO_DECK, out)
    assert code == 0, stderr
    manifest = read_manifest(out)
    assert manifest.version == 1
    assert manifest.deck == "slides/zhuhai.yaml"
    photos = sorted(e.path for e in manifest.files if e.path.startswith("assets/photos/"))
    assert photos == sorted(f"assets/photos/{p.name}"
                            for p in (REPO / "assets" / "photos").glob("*.webp"))
    for entry in manifest.files:  # every blob is what its name says, at its listed size
        blob = (out / entry.blob).read_bytes()
        assert hashlib.sha256(blob).hexdigest() == entry.sha256
        assert len(blob) == entry.size
    assert sorted(p.name for p in (out / "files").iterdir()) == \
        sorted({e.sha256 for e in manifest.files})
    assert not (out / "manifest.json.minisig").exists()

    original = load_deck(DEMO_DECK)
    copy = load_deck(unpack(out, manifest, tmp_path / "screen"))
    assert copy.ok, [str(p) for p in copy.problems]
    assert original.deck is not None and copy.deck is not None
    assert len(copy.deck.slides) == len(original.deck.slides)
    for mine, theirs in zip(original.deck.slides, copy.deck.slides, strict=True):
        a, b = mine.model_dump(), theirs.model_dump()
        if "image" in a:  # the photo resolves inside the unpacked copy, to the same bytes
            assert Path(b["image"]).read_bytes() == Path(a["image"]).read_bytes()
            assert Path(b["image"]).is_relative_to(tmp_path / "screen")
            a["image"] = b["image"] = None
        assert a == b
    assert (f"published slides/zhuhai.yaml as version 1 into {out}: "
            f"{len(manifest.files)} new files") in stdout
    assert "not signed" in stdout
    assert "  new: assets/photos/evtol-flight.webp (110.2 kB)" in stdout


def test_an_edit_republishes_one_file_and_keeps_the_old_ones(capsys, tree, tmp_path):
    deck, out = tree / "slides" / "zhuhai.yaml", tmp_path / "pub"
    assert publish(capsys, deck, out)[0] == 0
    first = read_manifest(out)
    blobs_before = set(os.listdir(out / "files"))

    text = deck.read_text(encoding="utf-8")
    assert text.count(EDITED_TEXT) >= 1
    deck.write_text(text.replace(EDITED_TEXT, "工业答卷", 1), encoding="utf-8")
    code, stdout, stderr = publish(capsys, deck, out)
    assert code == 0, stderr
    second = read_manifest(out)
    assert second.version == first.version + 1
    blobs_after = set(os.listdir(out / "files"))
    assert blobs_before < blobs_after and len(blobs_after - blobs_before) == 1
    changed = [e for e in second.files if e not in first.files]
    assert [e.path for e in changed] == ["slides/zhuhai.yaml"]
    assert (blobs_after - blobs_before) == {changed[0].sha256}
    assert ": 1 new file (" in stdout and f"{len(second.files) - 1} unchanged" in stdout
    assert "  new: slides/zhuhai.yaml" in stdout
    assert "are kept" in stdout  # old blobs stay for screens mid-download


def test_a_blob_that_does_not_match_its_name_is_rewritten(capsys, tree, tmp_path):
    deck, out = tree / "slides" / "zhuhai.yaml", tmp_path / "pub"
    assert publish(capsys, deck, out)[0] == 0
    entry = read_manifest(out).entry("assets/photos/evtol-flight.webp")
    assert entry is not None
    blob = out / entry.blob
    good = blob.read_bytes()
    blob.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))  # same size, wrong bytes
    code, stdout, _ = publish(capsys, deck, out)
    assert code == 0
    assert blob.read_bytes() == good
    assert "  new: assets/photos/evtol-flight.webp" in stdout


def test_a_broken_deck_is_refused_with_kiosk_checks_words(capsys, tree, tmp_path):
    deck, out = tree / "slides" / "zhuhai.yaml", tmp_path / "pub"
    assert publish(capsys, deck, out)[0] == 0
    before = snapshot(out)
    deck.write_text(deck.read_text(encoding="utf-8").replace("type: photo", "type: foto", 1),
                    encoding="utf-8")
    assert main(["check", str(deck)]) == 1
    checked = capsys.readouterr().out
    assert "foto" in checked

    code, stdout, stderr = publish(capsys, deck, out)
    assert code == 1
    assert stdout == checked  # the same problems, word for word
    assert stderr.strip().endswith("nothing published (a screen could not show this deck)")
    assert snapshot(out) == before


def test_a_missing_photo_is_refused_and_nothing_is_written(capsys, tree, tmp_path):
    (tree / "assets" / "photos" / "evtol-flight.webp").unlink()
    out = tmp_path / "pub"
    code, stdout, stderr = publish(capsys, tree / "slides" / "zhuhai.yaml", out)
    assert code == 1
    assert "file not found: ../assets/photos/evtol-flight.webp" in stdout
    assert "1 problem; nothing published" in stderr
    assert not out.exists()


def test_a_photo_named_by_an_absolute_path_is_refused_with_the_fix(capsys, tree, tmp_path):
    deck = tree / "slides" / "zhuhai.yaml"
    photo = tree / "assets" / "photos" / "evtol-flight.webp"
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace("../assets/photos/evtol-flight.webp", str(photo)),
                    encoding="utf-8")
    code, _, stderr = publish(capsys, deck, tmp_path / "pub")
    assert code == 1
    line = text[:text.index("../assets/photos/evtol-flight.webp")].count("\n") + 1
    assert f"zhuhai.yaml:{line}: slides[" in stderr
    assert ("is named by an absolute path (or ~): a screen would look for it outside the "
            "bundle; write it as ../assets/photos/evtol-flight.webp") in stderr
    assert not (tmp_path / "pub").exists()


@pytest.mark.parametrize("garbage", [b"<html>oops</html>", b"", b'{"format": "x"}'])
def test_an_unusable_previous_manifest_is_refused_not_restarted(capsys, tmp_path, garbage):
    out = tmp_path / "pub"
    out.mkdir()
    (out / "manifest.json").write_bytes(garbage)
    code, _, stderr = publish(capsys, DEMO_DECK, out)
    assert code == 2
    assert f"{out / 'manifest.json'}: the previous manifest is unusable" in stderr
    assert "restore it from the server or a backup (screens refuse a lower version)" in stderr
    assert (out / "manifest.json").read_bytes() == garbage
    assert not (out / "files").exists()
    assert len(stderr.strip().splitlines()) == 1


def test_outdir_that_is_a_file_is_refused(capsys, tmp_path):
    (tmp_path / "pub").write_text("x")
    code, _, stderr = publish(capsys, DEMO_DECK, tmp_path / "pub")
    assert (code, stderr.strip()) == (2, f"{tmp_path / 'pub'}: is not a folder")


@needs_minisign
def test_signed_bundle_verifies_with_minisign_and_unsigned_drops_a_stale_signature(
        capsys, tmp_path):
    done = subprocess.run([MINISIGN, "-G", "-W", "-p", str(tmp_path / "k.pub"),
                           "-s", str(tmp_path / "k.key")], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "pub"
    assert publish(capsys, DEMO_DECK, out)[0] == 0  # version 1, unsigned
    code, stdout, stderr = publish(capsys, DEMO_DECK, out, "--sign", str(tmp_path / "k.key"))
    assert code == 0, stderr
    key_id = (tmp_path / "k.pub").read_text().split()[-2]  # "… public key <ID>\n<base64>"
    assert f"as version 2 into {out}: 0 new files, " in stdout
    assert f"signed with key {key_id}" in stdout
    verified = subprocess.run([MINISIGN, "-Vm", "manifest.json", "-p", str(tmp_path / "k.pub")],
                              cwd=out, capture_output=True, text=True, timeout=60, check=False)
    assert verified.returncode == 0, verified.stderr
    assert "Trusted comment: timestamp:" in verified.stdout
    assert "\tfile:manifest.json\tversion:2" in verified.stdout

    assert publish(capsys, DEMO_DECK, out)[0] == 0  # version 3, unsigned again
    assert not (out / "manifest.json.minisig").exists()  # it would not match


def minisign_keys(folder: Path) -> tuple[Path, Path]:
    done = subprocess.run([MINISIGN, "-G", "-W", "-p", str(folder / "k.pub"),
                           "-s", str(folder / "k.key")], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return folder / "k.key", folder / "k.pub"


def cheap_encrypted(secret: Path, password: str) -> Path:
    """The -W key of minisign -G, sealed as minisign -G seals one but with scrypt's lowest
    cost (minisign's own takes 1 GiB and seconds); minisign itself must open it."""
    head, body = secret.read_text().splitlines()[:2]
    raw = base64.b64decode(body)
    salt, ops, mem = os.urandom(32), 1 << 15, 1 << 24
    key_id, sk = raw[54:62], raw[62:126]
    chk = nacl.hash.blake2b(b"Ed" + key_id + sk, digest_size=32,
                            encoder=nacl.encoding.RawEncoder)
    stream = nacl.pwhash.scrypt.kdf(104, password.encode(), salt, opslimit=ops, memlimit=mem)
    sealed = bytes(a ^ b for a, b in zip(key_id + sk + chk, stream, strict=True))
    out = secret.with_name("sealed.key")
    body = base64.b64encode(b"EdScB2" + salt + struct.pack("<QQ", ops, mem) + sealed)
    out.write_text(f"{head}\n{body.decode()}\n")
    probe = secret.with_name("probe.txt")
    probe.write_text("probe")
    done = subprocess.run([MINISIGN, "-S", "-s", str(out), "-m", str(probe)],
                          input=f"{password}\n", capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr  # minisign opens it with that password
    return out


@needs_minisign
def test_an_encrypted_key_takes_its_password_from_the_environment(
        capsys, tmp_path, monkeypatch):
    secret, pub = minisign_keys(tmp_path)
    sealed = cheap_encrypted(secret, "s3cret")
    out = tmp_path / "pub"
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.delenv("KIOSK_SIGN_PASSWORD", raising=False)
    code, stdout, stderr = publish(capsys, DEMO_DECK, out, "--sign", str(sealed))
    assert code == 2
    assert stderr.strip() == (f"{sealed}: the key is encrypted: set KIOSK_SIGN_PASSWORD or "
                              "run in a terminal to type its password")
    assert not out.exists()  # refused before anything is written

    monkeypatch.setenv("KIOSK_SIGN_PASSWORD", "wrong")
    code, stdout, stderr = publish(capsys, DEMO_DECK, out, "--sign", str(sealed))
    assert (code, stderr.strip()) == (2, f"cannot sign: {sealed}: wrong password for that key")
    assert not out.exists()

    monkeypatch.setenv("KIOSK_SIGN_PASSWORD", "s3cret")
    code, stdout, stderr = publish(capsys, DEMO_DECK, out, "--sign", str(sealed))
    assert code == 0, stderr
    assert "s3cret" not in stdout + stderr
    done = subprocess.run([MINISIGN, "-Vm", "manifest.json", "-p", str(pub)], cwd=out,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


@needs_minisign
@pytest.mark.skipif(sys.platform == "win32", reason="no pty on Windows")
def test_on_a_terminal_the_password_is_asked_for_without_echo(tmp_path):
    import pty

    secret, pub = minisign_keys(tmp_path)
    sealed = cheap_encrypted(secret, "s3cret")
    out = tmp_path / "pub"
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_SIGN_PASSWORD"}
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "publish", str(DEMO_DECK),
                             str(out), "--sign", str(sealed)], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + 120  # a bound, not a timing assertion
        while b"Password for " not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                seen += os.read(master, 4096)
        assert b"Password for " in seen, seen
        os.write(master, b"s3cret\n")
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                try:
                    seen += os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
        assert proc.wait(timeout=60) == 0, seen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "s3cret" not in text  # not echoed
    assert "published slides/zhuhai.yaml as version 1" in text or "as version 1" in text
    done = subprocess.run([MINISIGN, "-Vm", "manifest.json", "-p", str(pub)], cwd=out,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
