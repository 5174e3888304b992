"""minisign interop, both ways, with Debian's real ``minisign`` (#15 part 4).

Keys come from ``minisign -G`` (with -W, and with a password typed on its stdin, which is
where minisign 0.11 reads it); what kiosk signs must pass ``minisign -V``, and what
minisign signs (prehashed and legacy) must pass kiosk's verify. Tampering, another key,
truncation and garbage must each say what is wrong.
"""

from __future__ import annotations

import base64
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from kiosk.fleet import minisign

MINISIGN = shutil.which("minisign") or "/usr/bin/minisign"
pytestmark = pytest.mark.skipif(not os.path.exists(MINISIGN),
                                reason="minisign is not installed (tools/setup-system.sh test)")
PASSWORD = "correct horse 電池"  # not ASCII: minisign hashes the terminal's UTF-8 bytes
MESSAGE = b'{"format": "kiosk-bundle/1", "version": 7}\n'


def run(*args: str, stdin: str | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MINISIGN, *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=cwd, check=False)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An unencrypted key pair from ``minisign -G -W``: (secret, public)."""
    folder = tmp_path_factory.mktemp("plain")
    done = run("-G", "-W", "-p", str(folder / "k.pub"), "-s", str(folder / "k.key"))
    assert done.returncode == 0, done.stderr
    return folder / "k.key", folder / "k.pub"


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("other")
    done = run("-G", "-W", "-p", str(folder / "k.pub"), "-s", str(folder / "k.key"))
    assert done.returncode == 0, done.stderr
    return folder / "k.key", folder / "k.pub"


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A password-protected key pair from ``minisign -G`` (scrypt, 1 GiB, some 3 s)."""
    folder = tmp_path_factory.mktemp("encrypted")
    done = run("-G", "-p", str(folder / "k.pub"), "-s", str(folder / "k.key"),
               stdin=f"{PASSWORD}\n{PASSWORD}\n")
    if done.returncode != 0 and "get_password" in done.stderr:
        pytest.skip("this minisign reads the password only from a terminal")
    assert done.returncode == 0, done.stderr
    return folder / "k.key", folder / "k.pub"


def minisign_verifies(tmp_path: Path, message: bytes, signature: str, pub: Path) -> str:
    (tmp_path / "manifest.json").write_bytes(message)
    (tmp_path / "manifest.json.minisig").write_text(signature, encoding="utf-8")
    done = run("-Vm", "manifest.json", "-p", str(pub), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_what_kiosk_signs_minisign_verifies(plain, tmp_path):
    secret, pub = plain
    key = minisign.load_secret_key(secret)
    comment = "timestamp:1796290000\tfile:manifest.json\tversion:7"
    out = minisign_verifies(tmp_path, MESSAGE, minisign.sign(MESSAGE, key, comment), pub)
    assert "Signature and comment signature verified" in out
    assert f"Trusted comment: {comment}" in out
    # and the prehashed form, which minisign 0.11 -H insists on
    done = run("-V", "-H", "-m", "manifest.json", "-p", str(pub), cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_public_key_id_is_the_one_minisign_prints(plain):
    _, pub = plain
    text = pub.read_text()
    key = minisign.load_public_key(pub)
    assert text.splitlines()[0] == f"untrusted comment: minisign public key {key.key_id_hex}"
    assert minisign.parse_public_key(text.splitlines()[1]) == key  # as minisign -P takes it
    assert minisign.load_secret_key(plain[0]).public_key == key
    assert key.to_text() == text


@pytest.mark.parametrize("legacy", [False, True], ids=["prehashed-ED", "legacy-Ed"])
def test_what_minisign_signs_kiosk_verifies(plain, tmp_path, legacy):
    secret, pub = plain
    data = tmp_path / "manifest.json"
    data.write_bytes(MESSAGE)
    done = run("-S", *(["-l"] if legacy else []), "-s", str(secret), "-m", str(data),
               "-t", "version:7 (from minisign)")
    assert done.returncode == 0, done.stderr
    signature = (tmp_path / "manifest.json.minisig").read_bytes()
    assert base64.b64decode(signature.splitlines()[1])[:2] == (b"Ed" if legacy else b"ED")
    assert minisign.verify(MESSAGE, signature, minisign.load_public_key(pub)) == \
        "version:7 (from minisign)"
    assert minisign.verify(MESSAGE, signature.decode(), minisign.load_public_key(pub)) == \
        "version:7 (from minisign)"


def signed_by_minisign(plain: tuple[Path, Path], tmp_path: Path) -> str:
    data = tmp_path / "signed.json"
    data.write_bytes(MESSAGE)
    done = run("-S", "-s", str(plain[0]), "-m", str(data), "-t", "version:7")
    assert done.returncode == 0, done.stderr
    return (tmp_path / "signed.json.minisig").read_text()


def refused(message: bytes, signature: str | bytes, key: minisign.PublicKey) -> str:
    with pytest.raises(minisign.SignatureError) as caught:
        minisign.verify(message, signature, key)
    return str(caught.value)


def test_a_changed_file_is_refused(plain, tmp_path):
    signature = signed_by_minisign(plain, tmp_path)
    key = minisign.load_public_key(plain[1])
    text = refused(MESSAGE.replace(b"7", b"8"), signature, key)
    assert text == (f"the signature by key {key.key_id_hex} does not match: the file was "
                    "changed after it was signed")


def test_a_changed_trusted_comment_is_refused(plain, tmp_path):
    lines = signed_by_minisign(plain, tmp_path).splitlines(keepends=True)
    lines[2] = lines[2].replace("version:7", "version:9")
    key = minisign.load_public_key(plain[1])
    assert refused(MESSAGE, "".join(lines), key) == (
        f"the trusted comment of the signature by key {key.key_id_hex} was changed after "
        "signing")
    # the untrusted comment is free text: changing it is allowed, as minisign allows it
    lines = signed_by_minisign(plain, tmp_path).splitlines(keepends=True)
    lines[0] = "untrusted comment: anything at all\n"
    assert minisign.verify(MESSAGE, "".join(lines), key) == "version:7"


def test_another_key_is_named(plain, other, tmp_path):
    signature = signed_by_minisign(plain, tmp_path)
    signer = minisign.load_public_key(plain[1])
    trusted = minisign.load_public_key(other[1])
    assert refused(MESSAGE, signature, trusted) == (
        f"signed by key {signer.key_id_hex}, trusted key is {trusted.key_id_hex}")


@pytest.mark.parametrize("damage, expected", [
    (lambda s: s[:len(s) // 2], "not a minisign signature: expected 4 lines"),
    (lambda s: s.replace(s.splitlines()[1], s.splitlines()[1][:41]),
     "not a minisign signature: the base64 line is damaged"),
    (lambda s: s.replace(s.splitlines()[3], s.splitlines()[3][:-8] + "AAAA"),
     "not a minisign signature: the trusted comment's signature is"),
    (lambda s: "<html>502 Bad Gateway</html>\n", "not a minisign signature"),
    (lambda s: "", "not a minisign signature"),
    (lambda s: s.replace(s.splitlines()[1], base64.b64encode(
        b"XX" + base64.b64decode(s.splitlines()[1])[2:]).decode()),
     "unsupported signature algorithm 'XX'"),
], ids=["truncated", "short-base64", "short-global", "garbage", "empty", "algorithm"])
def test_a_damaged_signature_says_what_is_wrong(plain, tmp_path, damage, expected):
    signature = damage(signed_by_minisign(plain, tmp_path))
    assert refused(MESSAGE, signature, minisign.load_public_key(plain[1])).startswith(expected)


def test_oversized_and_binary_signatures_are_refused_unread(plain):
    key = minisign.load_public_key(plain[1])
    assert "over the limit of 4096" in refused(MESSAGE, b"untrusted comment: " + b"x" * 10**7, key)
    assert refused(MESSAGE, b"\xff\xfe\x00garbage", key) == \
        "the signature file is not text (not UTF-8)"


def test_an_encrypted_key_from_minisign_signs_after_its_password(encrypted, tmp_path):
    secret, pub = encrypted
    with pytest.raises(minisign.PasswordRequiredError,
                       match="the secret key is encrypted: a password is needed"):
        minisign.load_secret_key(secret)
    with pytest.raises(minisign.SignatureError) as caught:
        minisign.load_secret_key(secret, "not the password")
    assert str(caught.value) == f"{secret}: wrong password for that key"
    key = minisign.load_secret_key(secret, PASSWORD)
    assert key.public_key == minisign.load_public_key(pub)
    assert PASSWORD not in repr(key) and repr(key.secret) not in repr(key)
    out = minisign_verifies(tmp_path, MESSAGE, minisign.sign(MESSAGE, key, "version:1"), pub)
    assert "Trusted comment: version:1" in out


def test_a_key_asking_for_absurd_scrypt_costs_is_refused_before_deriving(encrypted, tmp_path):
    lines = encrypted[0].read_text().splitlines()
    raw = bytearray(base64.b64decode(lines[1]))
    raw[46:54] = struct.pack("<Q", 64 << 30)  # memlimit: 64 GiB
    hostile = tmp_path / "hostile.key"
    hostile.write_text(f"{lines[0]}\n{base64.b64encode(bytes(raw)).decode()}\n")
    with pytest.raises(minisign.SignatureError, match=r"scrypt cost .* is over the limits"):
        minisign.load_secret_key(hostile, PASSWORD)


def test_damaged_and_wrong_key_files_are_named(plain, tmp_path):
    secret, pub = plain
    lines = secret.read_text().splitlines()
    raw = bytearray(base64.b64decode(lines[1]))
    raw[100] ^= 1  # a bit of the seed's public half
    damaged = tmp_path / "damaged.key"
    damaged.write_text(f"{lines[0]}\n{base64.b64encode(bytes(raw)).decode()}\n")
    with pytest.raises(minisign.SignatureError, match="the secret key is damaged"):
        minisign.load_secret_key(damaged)
    with pytest.raises(minisign.SignatureError,
                       match=r"not a minisign secret key: 42 bytes .*is it the public key"):
        minisign.load_secret_key(pub)
    with pytest.raises(minisign.SignatureError, match="not a minisign public key"):
        minisign.load_public_key(secret)
    with pytest.raises(minisign.SignatureError, match="file not found"):
        minisign.load_public_key(tmp_path / "absent.pub")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_as_a_key_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "k.pub"
    os.mkfifo(fifo)
    with pytest.raises(minisign.SignatureError, match="is a FIFO, not a file"):
        minisign.load_public_key(fifo)


def test_comments_must_be_one_line(plain):
    key = minisign.load_secret_key(plain[0])
    with pytest.raises(minisign.SignatureError, match="trusted comment must be one line"):
        minisign.sign(MESSAGE, key, "version:1\ntrusted comment: forged")
    with pytest.raises(minisign.SignatureError, match="too long"):
        minisign.sign(MESSAGE, key, "x" * 5000)


def test_key_ids_read_as_minisign_prints_them(plain, other, tmp_path):
    """A key id whose top digits are zero, in minisign's own words and in kiosk's."""
    lines = plain[0].read_text().splitlines()
    raw = bytearray(base64.b64decode(lines[1]))
    raw[54:62] = bytes.fromhex("efcdab8967452301")[:7] + b"\x00"  # little-endian 0x00012345…
    secret = tmp_path / "zero.key"
    secret.write_text(f"{lines[0]}\n{base64.b64encode(bytes(raw)).decode()}\n")
    data = tmp_path / "m.json"
    data.write_bytes(MESSAGE)
    assert run("-S", "-s", str(secret), "-m", str(data)).returncode == 0
    done = run("-Vm", str(data), "-p", str(other[1]))
    assert done.returncode == 1
    said = done.stderr.split(" is ")[1].split()[0]  # "Signature key id in m.json.minisig is X"
    trusted = minisign.load_public_key(other[1])
    assert refused(MESSAGE, (tmp_path / "m.json.minisig").read_text(), trusted) == \
        f"signed by key {said}, trusted key is {trusted.key_id_hex}"
    assert minisign.load_secret_key(secret).key_id_hex == said
