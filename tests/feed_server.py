"""A real HTTP server on 127.0.0.1 whose behaviour the test changes while it runs."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FeedServer:
    """``mode``: ok (serve ``payload``), 500, garbage, big, stall (never answers)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.payload: object = {"data": {"total": 1}}
        self.requests = 0
        self.release = threading.Event()  # ends every stalled request
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                mode = server.mode
                if mode == "stall":
                    server.release.wait(120)
                    return
                if mode == "500":
                    self.send_error(500, "Internal Server Error")
                    return
                body = {"ok": json.dumps(server.payload).encode(), "garbage": b"<html>oops",
                        "big": b"[" + b"1," * 600_000 + b"1]"}[mode]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/feed.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """The server goes away: connections are refused from now on."""
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class TrickleServer:
    """A raw TCP server on 127.0.0.1 that answers one byte at a time, forever (#18 B).

    ``mode``: ``headers`` (a status line and header lines that never end), ``body`` (whole
    headers, then a body that never ends) or ``silent`` (accepts and sends nothing). Each
    byte follows the last by ``interval`` s, well inside any per-receive timeout, so only a
    deadline for the whole fetch ends it. ``stop()`` releases every connection.
    """

    def __init__(self, mode: str = "headers", interval: float = 0.2,
                 tls: tuple[str, str] | None = None) -> None:
        import socket
        import ssl

        self.mode, self.interval = mode, interval
        self.tls: ssl.SSLContext | None = None
        if tls is not None:  # (certificate, key): an https:// server
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(*tls)
        self.connections = 0
        self.done = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        port = self.sock.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{port}/feed.json"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _stream(self) -> bytes:
        if self.mode == "headers":
            return b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10**6
        if self.mode == "body":
            return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000000\r\n\r\n[" + b"1," * 10**6)
        return b""

    def _accept(self) -> None:
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except OSError:
                conn.close()
                return
        with conn:
            for byte in self._stream():  # silent: nothing, until stop()
                if self.done.wait(self.interval):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
            self.done.wait()

    def stop(self) -> None:
        self.done.set()
        self.sock.close()
