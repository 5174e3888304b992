"""A real Mosquitto for the tests (#16): Debian's /usr/sbin/mosquitto on 127.0.0.1 with its own
config, password file, ACL and persistence in a temporary folder; never the system's service.

Reusable API (kept stable; M3's ``kind: mqtt`` feed tests use it too)::

    broker = Mosquitto(tmp_path / "mqtt", users={"screen1": "pw"}, acl=ACL_TEXT)
    broker.start()            # waits (bounded) until it accepts connections
    broker.url("screen1")     # "mqtt://screen1@127.0.0.1:PORT" (no password in it)
    broker.publish(topic, payload, retain=True)       # as the admin user
    with broker.subscriber("kiosk/#") as sub:         # as the admin user
        msg = sub.wait(lambda m: m.topic == "kiosk/s/status")
    broker.stop(); broker.start(); broker.restart()   # the same port each time
    broker.kill()             # SIGKILL: no persistence written
    broker.set_users({...})   # a new password file, used from the next start
    Mosquitto(folder, tls=True).url("u", "mqtts")  # a TLS listener too; broker.ca_file
    broker.log_text()         # what Mosquitto logged

or the ``mosquitto`` fixture: anonymous access allowed, stopped after the test. With ``users``
given, anonymous access is refused, and an ``admin`` user (password :attr:`ADMIN_PASSWORD`)
that may read and write everything is added for the tests' own clients.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

MOSQUITTO = "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else \
    shutil.which("mosquitto")
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd")
ADMIN = "admin"
ADMIN_PASSWORD = "admin-test-password"
START_TIMEOUT = 10.0


def require_mosquitto() -> str:
    if MOSQUITTO is None:
        pytest.skip("mosquitto is not installed (tools/setup-system.sh test installs it)")
    return MOSQUITTO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def password_line(user: str, password: str, iterations: int = 101) -> str:
    """A Mosquitto 2 password-file line (``$7$``: PBKDF2-SHA512, 12-byte salt, base64)."""
    salt = os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return (f"{user}:$7${iterations}${base64.b64encode(salt).decode()}"
            f"${base64.b64encode(digest).decode()}")


def make_certificates(folder: Path, name: str = "localhost") -> tuple[Path, Path, Path]:
    """A CA (``ca.pem``) and a server certificate for ``name`` signed by it, made with the
    openssl command; returns (ca.pem, server.pem, server.key)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    cert, key, csr = folder / "server.pem", folder / "server.key", folder / "server.csr"
    ext = folder / "server.ext"
    ext.write_text(f"subjectAltName=DNS:{name}\nbasicConstraints=CA:FALSE\n"
                   "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                   "authorityKeyIdentifier=keyid,issuer\nsubjectKeyIdentifier=hash\n")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out",
        str(ca), "-days", "2", "-subj", "/CN=kiosk test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
        "-subj", f"/CN={name}")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(cert), "-days", "2", "-extfile", str(ext))
    key.chmod(0o600)
    return ca, cert, key


@dataclass
class Message:
    topic: str
    payload: bytes
    retain: bool
    qos: int

    def json(self) -> object:
        import json
        return json.loads(self.payload)


class Subscriber:
    """A test's own MQTT client: every message it receives, waited for with a deadline."""

    def __init__(self, broker: Mosquitto, topics: tuple[str, ...], user: str | None,
                 password: str | None) -> None:
        import paho.mqtt.client as mqtt
        self.messages: list[Message] = []
        self._cond = threading.Condition()
        self._subscribed = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=f"test-{os.urandom(4).hex()}")
        if user is not None:
            self.client.username_pw_set(user, password)
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *a: self._subscribed.set()
        topics_ = [(t, 1) for t in topics]
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe(topics_)
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()
        if not self._subscribed.wait(START_TIMEOUT):
            self.close()
            raise TimeoutError(f"no SUBACK from the broker for {topics}")

    def _on_message(self, client: object, userdata: object, msg: object) -> None:
        m = Message(msg.topic, bytes(msg.payload), bool(msg.retain), int(msg.qos))  # type: ignore[attr-defined]
        with self._cond:
            self.messages.append(m)
            self._cond.notify_all()

    def wait(self, match: Callable[[Message], bool], timeout: float = 10.0,
             start: int = 0) -> Message:
        """The first message from index ``start`` on that ``match`` accepts (raises after
        ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for m in self.messages[start:]:
                    if match(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [(m.topic, m.payload[:200]) for m in self.messages[start:]]
                    raise TimeoutError(f"no matching message; got {got}")
                self._cond.wait(left)

    def on(self, topic: str) -> list[Message]:
        with self._cond:
            return [m for m in self.messages if m.topic == topic]

    def publish(self, topic: str, payload: bytes | str, qos: int = 1,
                retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=qos, retain=retain).wait_for_publish(
            START_TIMEOUT)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Mosquitto:
    """One broker process in ``folder``; see the module's docstring."""

    def __init__(self, folder: Path, users: dict[str, str] | None = None,
                 acl: str | None = None, port: int | None = None,
                 extra_config: str = "", tls: bool = False) -> None:
        self.binary = require_mosquitto()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "data").mkdir(exist_ok=True)
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.users = dict(users or {})
        self.process: subprocess.Popen[bytes] | None = None
        self.conf = folder / "mosquitto.conf"
        self.log = folder / "mosquitto.log"
        # run as whoever runs the tests (as root it would switch to the "mosquitto" user,
        # who cannot read the temporary folder)
        lines = [f"user {pwd.getpwuid(os.getuid()).pw_name}",
                 f"listener {self.port} {self.host}", "persistence true",
                 f"persistence_location {folder / 'data'}/", "autosave_interval 1",
                 f"log_dest file {self.log}", "log_type all", "connection_messages true"]
        self.tls_port: int | None = None
        self.ca_file: Path | None = None
        if tls:  # a second listener, with a certificate for "localhost" from a CA of its own
            self.tls_port = free_port()
            self.ca_file, cert, key = make_certificates(folder / "tls")
            lines += [f"listener {self.tls_port} {self.host}", f"cafile {self.ca_file}",
                      f"certfile {cert}", f"keyfile {key}"]
        if self.users:
            self.users.setdefault(ADMIN, ADMIN_PASSWORD)
            self._write_passwords(folder / "passwd")
            lines += ["allow_anonymous false", f"password_file {folder / 'passwd'}"]
        else:
            lines.append("allow_anonymous true")
        if acl is not None:
            acl_file = folder / "acl"
            acl_file.write_text(f"user {ADMIN}\ntopic readwrite #\n\n{acl}\n")
            acl_file.chmod(0o600)
            lines.append(f"acl_file {acl_file}")
        self.conf.write_text("\n".join(lines) + "\n" + extra_config)

    def set_users(self, users: dict[str, str]) -> None:
        """Rewrite the password file (the admin kept); takes effect at the next start."""
        self.users = dict(users)
        self.users.setdefault(ADMIN, ADMIN_PASSWORD)
        self._write_passwords(self.folder / "passwd")

    def _write_passwords(self, path: Path) -> None:
        path.write_text("")
        path.chmod(0o600)
        if MOSQUITTO_PASSWD is not None:
            for user, password in self.users.items():
                subprocess.run([MOSQUITTO_PASSWD, "-b", str(path), user, password],
                               check=True, capture_output=True, timeout=30)
        else:
            path.write_text("".join(password_line(u, p) + "\n" for u, p in self.users.items()))

    # ------------------------------------------------------------------ process
    def start(self) -> Mosquitto:
        if self.process is not None and self.process.poll() is None:
            return self
        self.process = subprocess.Popen([self.binary, "-c", str(self.conf)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if \
                    self.process.stderr else ""
                raise RuntimeError(f"mosquitto exited ({self.process.returncode}): {err}"
                                   f"{self.log_text()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"mosquitto did not listen on {self.port}") from None
                time.sleep(0.02)

    def stop(self) -> None:
        """SIGTERM (it saves retained messages), then wait; SIGKILL after 10 s."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        self._end(signal.SIGKILL)

    def _end(self, sig: int) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if process.stderr is not None:
            process.stderr.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # ------------------------------------------------------------------ helpers
    def url(self, user: str | None = None, scheme: str = "mqtt", host: str | None = None) -> str:
        """The plain listener's URL, or with ``scheme="mqtts"`` the TLS one's (its certificate
        names ``localhost``, so ``host`` defaults to that there)."""
        who = f"{user}@" if user else ""
        if scheme == "mqtts":
            assert self.tls_port is not None, "Mosquitto(..., tls=True) for mqtts://"
            return f"mqtts://{who}{host or 'localhost'}:{self.tls_port}"
        return f"{scheme}://{who}{host or self.host}:{self.port}"

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def _admin(self) -> tuple[str | None, str | None]:
        return (ADMIN, ADMIN_PASSWORD) if self.users else (None, None)

    @contextmanager
    def subscriber(self, *topics: str) -> Iterator[Subscriber]:
        sub = Subscriber(self, topics or ("#",), *self._admin())
        try:
            yield sub
        finally:
            sub.close()

    def publish(self, topic: str, payload: bytes | str, qos: int = 1,
                retain: bool = False) -> None:
        """Publish once as the admin user and wait (bounded) until the broker has it."""
        import paho.mqtt.client as mqtt
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        user, password = self._admin()
        if user is not None:
            client.username_pw_set(user, password)
        client.connect(self.host, self.port)
        client.loop_start()
        try:
            info = client.publish(topic, payload, qos=qos, retain=retain)
            info.wait_for_publish(START_TIMEOUT)
        finally:
            client.disconnect()
            client.loop_stop()


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    """An anonymous broker on 127.0.0.1, stopped after the test."""
    broker = Mosquitto(tmp_path / "mosquitto").start()
    try:
        yield broker
    finally:
        broker.stop()
