"""HTTP GET with one deadline from connect to last byte (#18 B).

urllib's ``timeout`` bounds each socket operation, not the fetch: a server that sends its
headers or its body one byte per second keeps a fetch alive forever. Here every receive
and send first shrinks the socket's timeout to what is left of the fetch's deadline, so
the whole fetch (connect, proxy tunnel, TLS, redirects, headers, body) ends by then.
urllib still does the rest (proxies from the environment, redirects, HTTP errors); only
http and https are opened. A DNS look-up cannot be bounded this way (``getaddrinfo``
blocks): the hub abandons a fetch that outlives its deadline (see ``FeedHub``).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.request
from typing import Any

CHUNK = 65536


class Deadline:
    """The end of one fetch, on the monotonic clock."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; raises :class:`TimeoutError` once there are none."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"timed out after {self.seconds:g} s")
        return left


class _Socket(socket.socket):
    """A TCP socket whose every receive and send ends by the fetch's deadline."""

    deadline: Deadline

    def recv_into(self, *args: Any, **kwargs: Any) -> int:
        self.settimeout(self.deadline.left())
        return super().recv_into(*args, **kwargs)

    def recv(self, *args: Any, **kwargs: Any) -> bytes:
        self.settimeout(self.deadline.left())
        return super().recv(*args, **kwargs)

    def sendall(self, *args: Any, **kwargs: Any) -> None:
        self.settimeout(self.deadline.left())
        super().sendall(*args, **kwargs)


class _TLSSocket(ssl.SSLSocket):
    """The same for TLS: ``read`` serves ``recv`` and ``recv_into``. The handshake runs
    with the timeout the TCP socket had, which is what was left of the deadline."""

    deadline: Deadline | None = None

    def read(self, *args: Any, **kwargs: Any) -> Any:
        if self.deadline is not None:
            self.settimeout(self.deadline.left())
        return super().read(*args, **kwargs)

    def sendall(self, *args: Any, **kwargs: Any) -> None:
        if self.deadline is not None:
            self.settimeout(self.deadline.left())
        super().sendall(*args, **kwargs)


def _bounded(sock: socket.socket, deadline: Deadline) -> _Socket:
    bounded = _Socket(fileno=sock.detach())
    bounded.deadline = deadline
    bounded.settimeout(deadline.left())
    return bounded


class _Bounded(http.client.HTTPConnection):
    """A connection whose socket is bounded by ``deadline`` from its first byte on."""

    deadline: Deadline

    def bind(self, deadline: Deadline) -> None:
        self.deadline = deadline
        # http.client opens its socket through this attribute (the proxy tunnel included)
        setattr(self, "_create_connection", self._open_socket)  # noqa: B010

    def _open_socket(self, address: tuple[str, int], timeout: object = None,
                     source_address: tuple[str, int] | None = None) -> socket.socket:
        sock = socket.create_connection(address, self.deadline.left(), source_address)
        return _bounded(sock, self.deadline)


class _HTTP(_Bounded):
    pass


class _HTTPS(_Bounded, http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        if isinstance(self.sock, _TLSSocket):
            self.sock.deadline = self.deadline


def _connection(kind: type[_Bounded], deadline: Deadline, host: str,
                **kwargs: Any) -> http.client.HTTPConnection:
    connection = kind(host, **kwargs)
    connection.bind(deadline)
    return connection


_TLS_CONTEXT: ssl.SSLContext | None = None


def _tls_context() -> ssl.SSLContext:
    """The system's trust store, loaded once (not on every fetch), with bounded sockets."""
    global _TLS_CONTEXT
    if _TLS_CONTEXT is None:
        context = ssl.create_default_context()
        context.sslsocket_class = _TLSSocket
        _TLS_CONTEXT = context
    return _TLS_CONTEXT


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(lambda host, **kw: _connection(_HTTP, self.deadline, host, **kw),
                            req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(lambda host, **kw: _connection(_HTTPS, self.deadline, host, **kw),
                            req, context=_tls_context())


def get(url: str, headers: dict[str, str], max_bytes: int, deadline: Deadline) -> bytes:
    """The body of a GET; raises ``TimeoutError`` at the deadline, ``ValueError`` over
    ``max_bytes``, and urllib's errors otherwise."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), _HTTPHandler(deadline),
                    _HTTPSHandler(deadline), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPRedirectHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers=headers)
    with opener.open(request, timeout=deadline.left()) as response:
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise ValueError(f"body of {int(length)} bytes is over max_bytes ({max_bytes})")
        body = bytearray()
        while chunk := response.read(CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise ValueError(f"body is over max_bytes ({max_bytes})")
            deadline.left()
    return bytes(body)
