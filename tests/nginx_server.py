"""A real nginx (Debian's package) serving a folder on 127.0.0.1, for the fleet tests (#15).

It runs as the test's own user with its own prefix, config, logs and temp folders under the
test's tmp_path: no root, nothing in /etc or /var. ``master_process off`` keeps it one process
that reads the files as the test user (a root master would hand requests to workers running
as nobody, who cannot read pytest's 0700 temp folders). The access log is the one place that
says which files a screen fetched; :meth:`Nginx.requests` reads it back.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    types {{ application/json json; image/webp webp; text/plain minisig; }}
    default_type application/octet-stream;
    log_format fleet '$request_method $uri $status $body_bytes_sent';
    access_log {prefix}/access.log fleet;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
        # what docs/fleet.md recommends: the manifest is always asked again (ETag), the files,
        # named by their hash, never change
        location = /manifest.json {{ add_header Cache-Control "no-cache"; }}
        location /files/ {{ add_header Cache-Control "public, max-age=31536000, immutable"; }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((c for c in CANDIDATES if os.access(c, os.X_OK)), None)
    if found is None:
        pytest.skip("nginx is not installed (tools/setup-system.sh test installs nginx-light)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Nginx:
    """``start()``/``stop()`` as often as a test likes; the port stays the same."""

    def __init__(self, root: Path, prefix: Path) -> None:
        self.binary = nginx_binary()
        self.root, self.prefix = root, prefix
        self.port = _free_port()
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
        self.config = prefix / "nginx.conf"
        self.config.write_text(CONFIG.format(prefix=prefix, port=self.port, root=root))
        self.process: subprocess.Popen[bytes] | None = None
        self.log = prefix / "access.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert self.process is None
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.prefix), "-c", str(self.config)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20  # a bound on the wait, not an assertion on speed
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr
                err = stderr.read().decode(errors="replace") if stderr else ""
                raise RuntimeError(f"nginx ended at start: {err}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def requests(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every request so far, in order."""
        if not self.log.exists():
            return []
        out = []
        for line in self.log.read_text().splitlines():
            method, path, status, _size = line.split(" ")
            out.append((method, path, int(status)))
        return out
