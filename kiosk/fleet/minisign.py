"""minisign keys and signatures (#15): parsing and formatting only; the crypto is PyNaCl's.

The formats, as Debian's ``minisign`` 0.11 writes and reads them
(https://jedisct1.github.io/minisign/)::

    public key file   untrusted comment: minisign public key <KEY ID>
                      base64("Ed" | key id (8) | Ed25519 public key (32))
    signature file    untrusted comment: <free text, not signed>
                      base64("ED" | key id (8) | Ed25519 signature (64))
                      trusted comment: <text, signed>
                      base64(Ed25519 signature of (the signature above | trusted comment))
    secret key file   untrusted comment: minisign encrypted secret key
                      base64("Ed" | kdf "Sc" or "\\0\\0" | "B2" | salt (32) | opslimit (8 LE)
                             | memlimit (8 LE) | (key id (8) | secret key (64)
                             | BLAKE2b-256 checksum (32)) XOR scrypt stream)

``ED`` signs the BLAKE2b-512 of the file (minisign's default since 0.8), ``Ed`` the file
itself (legacy, ``minisign -S -l``); both verify. The key id is 8 random bytes, shown as
minisign shows it: the upper-case hex of its little-endian number, without leading zeros as
Debian's 0.11 writes it in the ``.pub`` file and its messages (newer upstream versions pad it
to 16 digits).

Everything read here is bounded (:data:`MAX_SIGNATURE_BYTES`, :data:`MAX_KEY_FILE_BYTES`),
and a secret key's scrypt cost is capped (:data:`MAX_OPSLIMIT`, :data:`MAX_MEMLIMIT`): a
damaged or hostile key file cannot make ``kiosk publish`` take all the memory.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass, field
from pathlib import Path

import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.pwhash.scrypt
import nacl.signing

from kiosk.core.files import UnreadableFileError, read_regular

MAX_SIGNATURE_BYTES = 4096  # minisign writes about 300 bytes; the trusted comment is ours
MAX_KEY_FILE_BYTES = 4096  # a key file is two lines, under 300 bytes
MAX_MEMLIMIT = 1 << 30  # minisign -G's own: libsodium's scrypt MEMLIMIT_SENSITIVE, 1 GiB
MAX_OPSLIMIT = 1 << 27  # four times minisign -G's (OPSLIMIT_SENSITIVE): some 10 s at most
UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "
MAX_UNTRUSTED_COMMENT = 1024 - len(UNTRUSTED_PREFIX) - 1  # minisign's COMMENTMAXBYTES
_PK_ALG = b"Ed"
_SIG_HASHED = b"ED"
_SIG_LEGACY = b"Ed"
_KDF_SCRYPT = b"Sc"
_KDF_NONE = b"\0\0"
_CHK_BLAKE2B = b"B2"
_KEY_ID_BYTES = 8
_PK_BYTES = 2 + 8 + 32
_SIG_BYTES = 2 + 8 + 64
_SK_BYTES = 2 + 2 + 2 + 32 + 8 + 8 + (8 + 64 + 32)


class SignatureError(ValueError):
    """A key or a signature is unusable or does not verify; ``str()`` is one sentence."""


class PasswordRequiredError(SignatureError):
    """The secret key is encrypted and no password was given: ask for one, then retry."""


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes  # 8 bytes, as stored
    key: bytes  # the Ed25519 public key, 32 bytes

    @property
    def key_id_hex(self) -> str:
        """The key id as Debian's minisign prints it (``%X`` of the little-endian number)."""
        return key_id_hex(self.key_id)

    def to_text(self, comment: str | None = None) -> str:
        """The public key file's text, as ``minisign -G`` writes it."""
        head = comment if comment is not None else f"minisign public key {self.key_id_hex}"
        body = base64.b64encode(_PK_ALG + self.key_id + self.key).decode("ascii")
        return f"{UNTRUSTED_PREFIX}{head}\n{body}\n"


@dataclass(frozen=True)
class SecretKey:
    key_id: bytes  # 8 bytes
    secret: bytes = field(repr=False)  # libsodium's 64 bytes: seed (32) | public key (32)

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.key_id, self.secret[32:])

    @property
    def key_id_hex(self) -> str:
        return key_id_hex(self.key_id)


def key_id_hex(key_id: bytes) -> str:
    return f"{int.from_bytes(key_id, 'little'):X}"


def _key_bytes(text: str, what: str) -> bytes:
    """The decoded base64 line of a key file (its 'untrusted comment:' line optional)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith(UNTRUSTED_PREFIX.strip()):
        lines = lines[1:]
    if len(lines) != 1:
        raise SignatureError(f"not a minisign {what}: expected an 'untrusted comment:' "
                             "line and one base64 line")
    return _b64(lines[0], what)


def parse_public_key(text: str) -> PublicKey:
    """A public key from a ``.pub`` file's text, or from its base64 line alone."""
    if len(text) > MAX_KEY_FILE_BYTES:
        raise SignatureError(f"a public key is about 100 characters; this is {len(text)}")
    raw = _key_bytes(text, "public key")
    if len(raw) != _PK_BYTES:
        raise SignatureError(f"not a minisign public key: {len(raw)} bytes where "
                             f"{_PK_BYTES} were expected")
    if raw[:2] != _PK_ALG:
        raise SignatureError(f"unsupported public key algorithm {_alg(raw[:2])} (only "
                             "Ed25519, 'Ed')")
    return PublicKey(raw[2:10], raw[10:])


def load_public_key(path: Path | str) -> PublicKey:
    """The public key in the file at ``path``; any problem names the path."""
    text = _read_text(path, "public key")
    try:
        return parse_public_key(text)
    except SignatureError as exc:
        raise SignatureError(f"{path}: {exc}") from None


def verify(message: bytes, signature: bytes | str, key: PublicKey) -> str:
    """The trusted comment of ``signature`` over ``message``; else :class:`SignatureError`."""
    if isinstance(signature, bytes):
        if len(signature) > MAX_SIGNATURE_BYTES:
            raise SignatureError(f"the signature file is {len(signature)} bytes, over the "
                                 f"limit of {MAX_SIGNATURE_BYTES}")
        try:
            signature = signature.decode("utf-8")
        except UnicodeDecodeError:
            raise SignatureError("the signature file is not text (not UTF-8)") from None
    if len(signature.encode("utf-8", "surrogatepass")) > MAX_SIGNATURE_BYTES:
        raise SignatureError(f"the signature file is over the limit of {MAX_SIGNATURE_BYTES} "
                             "bytes")
    lines = signature.split("\n")
    lines = [line.rstrip("\r") for line in lines]  # minisign trims each line's CR LF
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) != 4 or not lines[0].startswith(UNTRUSTED_PREFIX) \
            or not lines[2].startswith(TRUSTED_PREFIX):
        raise SignatureError("not a minisign signature: expected 4 lines, 'untrusted "
                             "comment:', a base64 line, 'trusted comment:', a base64 line")
    raw = _b64(lines[1].strip(), "signature")
    if len(raw) != _SIG_BYTES:
        raise SignatureError(f"not a minisign signature: {len(raw)} bytes where "
                             f"{_SIG_BYTES} were expected")
    alg, key_id, sig = raw[:2], raw[2:10], raw[10:]
    if alg == _SIG_HASHED:
        signed = _blake2b(message, 64)
    elif alg == _SIG_LEGACY:
        signed = message
    else:
        raise SignatureError(f"unsupported signature algorithm {_alg(alg)} (only 'ED' and "
                             "the legacy 'Ed')")
    if key_id != key.key_id:
        raise SignatureError(f"signed by key {key_id_hex(key_id)}, trusted key is "
                             f"{key.key_id_hex}")
    global_sig = _b64(lines[3].strip(), "trusted comment signature")
    if len(global_sig) != 64:
        raise SignatureError("not a minisign signature: the trusted comment's signature is "
                             f"{len(global_sig)} bytes where 64 were expected")
    comment = lines[2][len(TRUSTED_PREFIX):]
    try:
        verifier = nacl.signing.VerifyKey(key.key)
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        raise SignatureError(f"the public key {key.key_id_hex} is not a valid Ed25519 "
                             "key") from None
    try:
        verifier.verify(signed, sig)
    except (nacl.exceptions.BadSignatureError, ValueError):
        raise SignatureError(f"the signature by key {key.key_id_hex} does not match: the "
                             "file was changed after it was signed") from None
    try:
        verifier.verify(sig + comment.encode("utf-8", "surrogatepass"), global_sig)
    except (nacl.exceptions.BadSignatureError, ValueError):
        raise SignatureError(f"the trusted comment of the signature by key "
                             f"{key.key_id_hex} was changed after signing") from None
    return comment


def load_secret_key(path: Path | str, password: str | None = None) -> SecretKey:
    """The secret key in ``path`` (from ``minisign -G``, with ``-W`` or a password).

    An encrypted key without ``password`` raises :class:`PasswordRequiredError`; a wrong
    password, a damaged file or an unsupported one raises :class:`SignatureError`, with
    the path in the message.
    """
    text = _read_text(path, "secret key")
    try:
        return _parse_secret_key(text, password)
    except PasswordRequiredError as exc:
        raise PasswordRequiredError(f"{path}: {exc}") from None
    except SignatureError as exc:
        raise SignatureError(f"{path}: {exc}") from None


def sign(message: bytes, key: SecretKey, trusted_comment: str,
         untrusted_comment: str = "signature from kiosk publish") -> str:
    """A prehashed ("ED") minisign signature file's text, as ``minisign -Vm`` accepts it."""
    for name, comment in (("trusted", trusted_comment), ("untrusted", untrusted_comment)):
        if "\n" in comment or "\r" in comment or "\0" in comment:
            raise SignatureError(f"the {name} comment must be one line")
    if len(untrusted_comment.encode("utf-8", "surrogatepass")) > MAX_UNTRUSTED_COMMENT:
        raise SignatureError(f"the untrusted comment is over {MAX_UNTRUSTED_COMMENT} bytes")
    signer = _signer(key)
    sig = signer.sign(_blake2b(message, 64)).signature
    try:
        trusted = trusted_comment.encode("utf-8")
        untrusted_comment.encode("utf-8")
    except UnicodeEncodeError:
        raise SignatureError("a comment is not valid text") from None
    global_sig = signer.sign(sig + trusted).signature
    text = (f"{UNTRUSTED_PREFIX}{untrusted_comment}\n"
            f"{base64.b64encode(_SIG_HASHED + key.key_id + sig).decode('ascii')}\n"
            f"{TRUSTED_PREFIX}{trusted_comment}\n"
            f"{base64.b64encode(global_sig).decode('ascii')}\n")
    if len(text.encode("utf-8")) > MAX_SIGNATURE_BYTES:  # screens would refuse it
        raise SignatureError(f"the signature would be over {MAX_SIGNATURE_BYTES} bytes: "
                             "the trusted comment is too long")
    return text


def _parse_secret_key(text: str, password: str | None) -> SecretKey:
    raw = _key_bytes(text, "secret key")
    if len(raw) != _SK_BYTES:
        raise SignatureError(f"not a minisign secret key: {len(raw)} bytes where "
                             f"{_SK_BYTES} were expected (is it the public key?)")
    sig_alg, kdf_alg, chk_alg = raw[0:2], raw[2:4], raw[4:6]
    salt = raw[6:38]
    opslimit, memlimit = struct.unpack("<QQ", raw[38:54])
    sealed = raw[54:]
    if sig_alg != _PK_ALG:
        raise SignatureError(f"unsupported key algorithm {_alg(sig_alg)} (only Ed25519)")
    if chk_alg != _CHK_BLAKE2B:
        raise SignatureError(f"unsupported checksum {_alg(chk_alg)} (only BLAKE2b, 'B2')")
    if kdf_alg == _KDF_SCRYPT:
        if password is None:
            raise PasswordRequiredError("the secret key is encrypted: a password is needed")
        opened = bytes(a ^ b for a, b in zip(sealed, _scrypt_stream(
            password, salt, opslimit, memlimit, len(sealed)), strict=True))
    elif kdf_alg == _KDF_NONE:
        opened = sealed
    else:
        raise SignatureError(f"unsupported key encryption {_alg(kdf_alg)} (only scrypt, "
                             "'Sc', or none)")
    key_id, secret, chk = opened[:8], opened[8:72], opened[72:]
    computed = _blake2b(sig_alg + key_id + secret, 32)
    # minisign 0.11 leaves the checksum of an unencrypted (-W) key zero: nothing to check
    if kdf_alg == _KDF_SCRYPT and chk != computed:
        raise SignatureError("wrong password for that key")
    if kdf_alg == _KDF_NONE and chk != bytes(32) and chk != computed:
        raise SignatureError("the secret key is damaged: its checksum does not match")
    key = SecretKey(key_id, secret)
    _signer(key)  # the public half must be the seed's
    return key


def _scrypt_stream(password: str, salt: bytes, opslimit: int, memlimit: int,
                   size: int) -> bytes:
    if not (0 < opslimit <= MAX_OPSLIMIT and 0 < memlimit <= MAX_MEMLIMIT):
        raise SignatureError(f"the key's scrypt cost (opslimit {opslimit}, memlimit "
                             f"{memlimit}) is over the limits ({MAX_OPSLIMIT}, "
                             f"{MAX_MEMLIMIT}): re-encrypt it with minisign -C")
    try:
        secret = password.encode("utf-8")
    except UnicodeEncodeError:
        raise SignatureError("the password is not valid text") from None
    try:
        return nacl.pwhash.scrypt.kdf(size, secret, salt, opslimit=opslimit,
                                      memlimit=memlimit)
    except (nacl.exceptions.CryptoError, ValueError, MemoryError) as exc:
        raise SignatureError(f"cannot derive the key from the password: "
                             f"{type(exc).__name__}") from None


def _signer(key: SecretKey) -> nacl.signing.SigningKey:
    if len(key.key_id) != _KEY_ID_BYTES or len(key.secret) != 64:
        raise SignatureError("not a minisign secret key: wrong sizes")
    signer = nacl.signing.SigningKey(key.secret[:32])
    if signer.verify_key.encode() != key.secret[32:]:
        raise SignatureError("the secret key is damaged: its public half does not match")
    return signer


def _read_text(path: Path | str, what: str) -> str:
    try:
        raw = read_regular(path, MAX_KEY_FILE_BYTES)
    except UnreadableFileError as exc:
        raise SignatureError(f"cannot read the {what}: {exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError(f"{path}: not a minisign {what}: not text") from None


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SignatureError(f"not a minisign {what}: the base64 line is damaged") from None


def _blake2b(data: bytes, size: int) -> bytes:
    return nacl.hash.blake2b(data, digest_size=size, encoder=nacl.encoding.RawEncoder)


def _alg(raw: bytes) -> str:
    return repr(raw.decode("latin-1"))
