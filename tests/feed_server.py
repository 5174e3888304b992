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
