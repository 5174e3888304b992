"""A published bundle served over real sockets, with faults the test switches on (#15).

:class:`FleetServer` serves a folder that ``kiosk publish`` wrote, under ``/hall/``, as a
static server does: ETag and Last-Modified, 304 to a matching ``If-None-Match``. Each request
is recorded (path, headers, status), so a test can say what a screen fetched. ``faults`` maps
a bundle path (``manifest.json``, ``manifest.json.minisig``, ``files/<sha256>``, or
``files/*`` for every file) to one of:

- ``404``, ``500``: that HTTP error;
- ``garbage``: 200 with an HTML page;
- ``tamper``: the right length, its last digit changed (a manifest stays valid JSON);
- ``truncate``: the right Content-Length, half of the body, then the connection closes;
- ``hang``: the request is read and never answered (until ``stop()``);
- ``endless``: 200 without a length, bytes until the client goes (at most 256 MiB);
- ``fresh``: served whole, never a 304;
- ``redirect:URL``: 302 to URL.

The helpers below write a small deck with a real photo and publish it with the real
``kiosk publish`` code, signed with keys from Debian's ``minisign`` where asked.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import threading
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PHOTO = REPO / "assets" / "photos" / "evtol-flight.webp"
PREFIX = "/hall/"
ENDLESS_LIMIT = 256 << 20


@dataclass(frozen=True)
class Seen:
    path: str  # relative to the bundle: manifest.json, files/<sha>
    headers: dict[str, str]
    status: int


class FleetServer:
    """Serves ``root`` on 127.0.0.1 at ``/hall/`` with switchable faults."""

    def __init__(self, root: Path, tls: tuple[Path, Path] | None = None) -> None:
        self.root = root
        self.faults: dict[str, str] = {}
        self.seen: list[Seen] = []
        self.release = threading.Event()  # ends every hanging or endless answer
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if tls is not None:  # (certificate, key): https
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.base = f"{scheme}://127.0.0.1:{self.httpd.server_port}{PREFIX}"
        self.url = self.base + "manifest.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def fetched(self) -> list[str]:
        """The paths answered with 200, in order."""
        with self._lock:
            return [s.path for s in self.seen if s.status == 200]

    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self.seen)

    def forget(self) -> None:
        with self._lock:
            self.seen.clear()

    def stop(self) -> None:
        """The server goes away: connections are refused from now on."""
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)

    def _fault(self, rel: str) -> str | None:
        fault = self.faults.get(rel)
        if fault is None and rel.startswith("files/"):
            fault = self.faults.get("files/*")
        return fault

    def _record(self, rel: str, handler: BaseHTTPRequestHandler, status: int) -> None:
        with self._lock:
            self.seen.append(Seen(rel, dict(handler.headers.items()), status))

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        rel = path[len(PREFIX):] if path.startswith(PREFIX) else ""
        file = self.root / rel
        fault = self._fault(rel)
        if fault in ("404", "500") or not rel or not file.is_file():
            status = 500 if fault == "500" else 404
            self._record(rel, h, status)
            h.send_error(status)
            return
        if fault is not None and fault.startswith("redirect:"):
            self._record(rel, h, 302)
            h.send_response(302)
            h.send_header("Location", fault.split(":", 1)[1])
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if fault == "hang":
            self._record(rel, h, 0)
            self.release.wait(60)
            h.close_connection = True
            return
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if fault is None and h.headers.get("If-None-Match") == etag:
            self._record(rel, h, 304)
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if fault == "garbage":
            body = b"<html><body>502 Bad Gateway</body></html>"
        elif fault == "tamper":
            at = max(i for i, byte in enumerate(body) if byte in b"0123456789")
            body = body[:at] + (b"1" if body[at:at + 1] == b"0" else b"0") + body[at + 1:]
        self._record(rel, h, 200)
        h.send_response(200)
        h.send_header("ETag", etag)
        h.send_header("Last-Modified", formatdate(file.stat().st_mtime, usegmt=True))
        if fault == "endless":
            h.send_header("Connection", "close")
            h.end_headers()
            h.close_connection = True
            chunk, sent = b"x" * 65536, 0
            while not self.release.is_set() and sent < ENDLESS_LIMIT:
                try:
                    h.wfile.write(chunk)
                except OSError:
                    return
                sent += len(chunk)
            return
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[:len(body) // 2] if fault == "truncate" else body)
        if fault == "truncate":
            h.close_connection = True


# -- a content team's side -------------------------------------------------------------------

DECK = """\
title: {{zh: 展厅, en: Hall}}
languages: [zh, en]
exit_pin: "0427"
slides:
  - type: title
    title: {{zh: "{title}", en: Welcome}}
    duration: 5s
  - type: photo
    image: ../assets/photos/evtol.webp
    credit: {{zh: 示意图, en: Illustration}}
    caption: {{zh: 低空经济, en: The low-altitude economy}}
    duration: 5s
"""


class Content:
    """A deck with a photo in the layout the demo deck uses, and the folder it is published to."""

    def __init__(self, tmp_path: Path, key: Path | None = None) -> None:
        self.src = tmp_path / "content"
        (self.src / "slides").mkdir(parents=True)
        (self.src / "assets" / "photos").mkdir(parents=True)
        shutil.copyfile(PHOTO, self.src / "assets" / "photos" / "evtol.webp")
        self.deck = self.src / "slides" / "hall.yaml"
        self.pub = tmp_path / "pub"
        self.pub.mkdir()
        self.key = key
        self.write("欢迎")

    def write(self, title: str) -> None:
        self.deck.write_text(DECK.format(title=title), encoding="utf-8")

    def publish(self, title: str | None = None):
        """Publish (after retitling the first slide); the manifest written."""
        from kiosk.fleet.publish import publish

        if title is not None:
            self.write(title)
        return publish(self.deck, self.pub, str(self.key) if self.key else None)

    def blob(self, logical: str) -> str:
        """``files/<sha256>`` of a logical path in the manifest now published."""
        from kiosk.fleet.manifest import parse

        manifest = parse((self.pub / "manifest.json").read_bytes())
        entry = manifest.entry(logical)
        assert entry is not None, logical
        return entry.blob


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 made by the openssl command."""
    exe = shutil.which("openssl")
    if exe is None:
        pytest.skip("needs the openssl command to make a certificate")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([exe, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True,
                   capture_output=True, timeout=60)
    return cert, key


def minisign_keys(folder: Path) -> tuple[Path, Path]:
    """(public, secret) key files made by Debian's minisign, without a password."""
    exe = shutil.which("minisign")
    if exe is None:
        pytest.skip("minisign is not installed (tools/setup-system.sh test installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    pub, key = folder / "hall.pub", folder / "hall.key"
    subprocess.run([exe, "-G", "-W", "-p", str(pub), "-s", str(key)], check=True,
                   capture_output=True, timeout=60)
    return pub, key
