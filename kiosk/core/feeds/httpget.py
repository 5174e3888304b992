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
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
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


class BodyTooLargeError(ValueError):
    """The body is longer than ``max_bytes`` (announced or sent)."""


class IncompleteBodyError(ValueError):
    """The connection closed before the ``Content-Length`` it announced had arrived."""


@dataclass(frozen=True)
class Response:
    status: int  # 200 (or another 2xx), or 304 to a conditional request whose copy is current
    headers: Message
    body: bytes  # empty when the body went to a ``sink``, and for 304


def _opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), _HTTPHandler(deadline),
                    _HTTPSHandler(deadline), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPRedirectHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def request(url: str, headers: dict[str, str], max_bytes: int, deadline: Deadline, *,
            sink: Callable[[bytes], object] | None = None,
            private: dict[str, str] | None = None) -> Response:
    """A GET bounded by ``deadline`` (connect to last byte) and ``max_bytes``.

    Conditional requests (#15): with ``If-None-Match`` / ``If-Modified-Since`` among
    ``headers``, a 304 answer is returned as ``Response(304, …)``, not raised. With ``sink``
    the body is handed over chunk by chunk (a 256 MB photo never sits in memory) and
    ``body`` is empty. ``private`` headers (credentials) are not sent on to where a redirect
    points. Raises ``TimeoutError`` at the deadline, :class:`BodyTooLargeError` (a
    ``ValueError``) over ``max_bytes``, :class:`IncompleteBodyError` for a body cut short,
    and urllib's errors (``HTTPError`` for 4xx/5xx) otherwise.
    """
    req = urllib.request.Request(url, headers=headers)
    for name, value in (private or {}).items():
        req.add_unredirected_header(name, value)
    try:
        response = _opener(deadline).open(req, timeout=deadline.left())
    except urllib.error.HTTPError as exc:
        if exc.code != 304:
            raise
        exc.close()
        return Response(304, exc.headers, b"")
    with response:
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise BodyTooLargeError(f"body of {int(length)} bytes is over max_bytes "
                                    f"({max_bytes})")
        body = bytearray()
        total = 0
        while chunk := response.read(CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise BodyTooLargeError(f"body is over max_bytes ({max_bytes})")
            if sink is None:
                body += chunk
            else:
                sink(chunk)
            deadline.left()
        # http.client returns b"" at an early close instead of raising; its ``length``
        # still counts the bytes the server announced and never sent
        missing = getattr(response, "length", None)
        if isinstance(missing, int) and missing > 0:
            raise IncompleteBodyError(f"the connection closed after {total} of the "
                                 f"{total + missing} bytes announced")
        return Response(response.status, response.headers, bytes(body))


def get(url: str, headers: dict[str, str], max_bytes: int, deadline: Deadline) -> bytes:
    """The body of a GET; raises ``TimeoutError`` at the deadline, ``ValueError`` over
    ``max_bytes`` (and for a body cut short), and urllib's errors otherwise."""
    return request(url, headers, max_bytes, deadline).body
