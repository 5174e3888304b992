"""Where the MQTT broker is and how to log in to it: URL, credentials, TLS (#16).

Shared by the screen's presence and commands (kiosk.ops.mqtt) and by ``kind: mqtt`` feeds.
Qt-free. The API, kept stable:

- :func:`parse_broker` — ``mqtt[s]://[user[:pass]@]host[:port]`` plus the password's other
  sources (a file, an environment variable) and a CA file, into a :class:`BrokerConfig`, or a
  :class:`MqttConfigError` whose text is one line an operator can act on;
- :meth:`BrokerConfig.apply` — set a ``paho.mqtt.client.Client``'s user name, password and
  TLS (host name verified) from it;
- :attr:`BrokerConfig.display_url` — the URL without the password, for logs and the status;
- :func:`screen_id` — the screen's name in topics: checked if given, else the host name and
  screen number made topic-safe.

The password never appears in ``repr``, ``display_url``, logs or exceptions.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kiosk.core.files import read_regular

log = logging.getLogger(__name__)

PASSWORD_ENV = "KIOSK_MQTT_PASSWORD"
MAX_PASSWORD_FILE = 4096
MAX_CA_FILE = 1 << 20
DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
MAX_SCREEN_ID = 64
RESERVED_IDS = ("all",)  # kiosk/all/cmd is every screen's topic
_BAD_ID_CHAR = re.compile(r"[+#/\s\x00-\x1f\x7f-\x9f]")


class MqttConfigError(ValueError):
    """A broker URL, password source, CA file or screen id that cannot be used (one line)."""


@dataclass(frozen=True)
class BrokerConfig:
    host: str
    port: int
    tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_data: str | None = field(default=None, repr=False)  # PEM text of --mqtt-ca
    ca_file: str | None = None  # where ca_data came from (for messages)

    @property
    def display_url(self) -> str:
        """The broker's URL as logs and the status document show it: no password."""
        scheme = "mqtts" if self.tls else "mqtt"
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{host}:{self.port}"

    def ssl_context(self) -> ssl.SSLContext:
        """Certificates checked against ``--mqtt-ca`` (or the system's), host name verified."""
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        if self.ca_data is not None:
            context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=self.ca_data)
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        return context

    def apply(self, client: Any) -> None:
        """Give a paho ``Client`` the credentials and, for mqtts://, the TLS context."""
        if self.username is not None:
            client.username_pw_set(self.username, self.password)
        if self.tls:
            client.tls_set_context(self.ssl_context())
            client.tls_insecure_set(False)


def parse_broker(url: str, *, password_file: str | Path | None = None,
                 ca_file: str | Path | None = None,
                 env: Mapping[str, str] | None = None) -> BrokerConfig:
    """The broker to use. The password comes from ``password_file`` if given, else from
    ``$KIOSK_MQTT_PASSWORD``, else from the URL (which logs a warning: anyone can read the
    command line in ``ps``). Raises :class:`MqttConfigError`."""
    env = os.environ if env is None else env
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise MqttConfigError(f"MQTT broker URL {_safe(url)!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise MqttConfigError(f"MQTT broker URL {_safe(url)!r}: use mqtt://host[:port] or "
                              "mqtts://host[:port] (TLS)")
    if not host:
        raise MqttConfigError(f"MQTT broker URL {_safe(url)!r} names no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MqttConfigError(f"MQTT broker URL {_safe(url)!r}: nothing may follow host:port")
    username = unquote(parts.username) if parts.username else None
    url_password = unquote(parts.password) if parts.password is not None else None
    password = None
    if password_file is not None:
        password = read_password_file(password_file)
        if username is None:
            raise MqttConfigError(f"--mqtt-password-file {password_file}: the broker URL needs "
                                  "a user name too (mqtt://USER@host)")
    elif env.get(PASSWORD_ENV):
        if username is None:
            log.warning("%s is set but the MQTT broker URL has no user name; the password "
                        "is not used (mqtt://USER@host)", PASSWORD_ENV)
        else:
            password = env[PASSWORD_ENV]
    elif url_password is not None:
        log.warning("the MQTT password is in the broker URL, which anyone on this machine can "
                    "read in the process list: use --mqtt-password-file or %s", PASSWORD_ENV)
        password = url_password
    ca_data = None
    if ca_file is not None:
        if scheme != "mqtts":
            raise MqttConfigError(f"--mqtt-ca {ca_file}: a CA file is for mqtts:// (TLS); the "
                                  f"broker URL is {scheme}://")
        ca_data = read_ca_file(ca_file)
    return BrokerConfig(host=host, port=port or DEFAULT_PORTS[scheme], tls=scheme == "mqtts",
                        username=username, password=password, ca_data=ca_data,
                        ca_file=None if ca_file is None else str(ca_file))


def read_password_file(path: str | Path) -> str:
    """The password in ``path`` (a regular file of at most 4 KB; one trailing newline off)."""
    try:
        raw = read_regular(path, MAX_PASSWORD_FILE)
    except OSError as exc:
        raise MqttConfigError(f"--mqtt-password-file {path}: {_reason(exc, path)}") from None
    if len(raw) > MAX_PASSWORD_FILE:
        raise MqttConfigError(f"--mqtt-password-file {path}: larger than {MAX_PASSWORD_FILE} "
                              "bytes; it should hold the password only")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MqttConfigError(f"--mqtt-password-file {path}: not UTF-8 text") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise MqttConfigError(f"--mqtt-password-file {path}: the file is empty")
    return text


def read_ca_file(path: str | Path) -> str:
    """PEM certificates from ``path`` (a regular file of at most 1 MB), checked to load."""
    try:
        raw = read_regular(path, MAX_CA_FILE)
    except OSError as exc:
        raise MqttConfigError(f"--mqtt-ca {path}: {_reason(exc, path)}") from None
    if len(raw) > MAX_CA_FILE:
        raise MqttConfigError(f"--mqtt-ca {path}: larger than 1 MB; not a CA file")
    text = raw.decode("ascii", "replace")
    try:
        ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=text)
    except (ssl.SSLError, ValueError) as exc:
        raise MqttConfigError(f"--mqtt-ca {path}: no PEM certificate could be read "
                              f"({exc.__class__.__name__})") from None
    return text


def check_screen_id(value: str) -> str:
    """``value`` if it can be one level of a topic, else a :class:`MqttConfigError`."""
    if not value:
        raise MqttConfigError("--screen-id is empty")
    if len(value) > MAX_SCREEN_ID:
        raise MqttConfigError(f"--screen-id {value[:MAX_SCREEN_ID]!r}…: longer than "
                              f"{MAX_SCREEN_ID} characters")
    bad = _BAD_ID_CHAR.search(value)
    if bad is not None:
        raise MqttConfigError(f"--screen-id {value!r}: {bad.group()!r} cannot be in a screen id "
                              "(no + # / spaces or control characters; letters, digits, - _ . "
                              "are safe)")
    if value.lower() in RESERVED_IDS:
        raise MqttConfigError(f"--screen-id {value!r}: reserved (kiosk/all/cmd reaches every "
                              "screen)")
    return value


def default_screen_id(screen: int = 0, hostname: str | None = None) -> str:
    """``<host>-screen<N>``, with anything a topic cannot hold replaced by ``-``."""
    host = socket.gethostname() if hostname is None else hostname
    host = _BAD_ID_CHAR.sub("-", host.split(".")[0]) or "kiosk"
    return f"{host[:MAX_SCREEN_ID - 16]}-screen{int(screen)}"


def screen_id(given: str | None, screen: int = 0) -> str:
    return default_screen_id(screen) if given is None else check_screen_id(given)


def _safe(url: str) -> str:
    from kiosk.core.feeds.redact import redact_url
    return redact_url(url)


def _reason(exc: OSError, path: str | Path) -> str:
    text = exc.strerror or str(exc) or type(exc).__name__
    return text.removeprefix(f"{path}: ")
