"""The published folder as a screen sees it: bounded GETs, failures in words, secrets masked.

Everything :class:`~kiosk.fleet.pull.Puller` asks of the network goes through
:class:`Remote`: one deadline per file (connect to last byte, :mod:`kiosk.core.feeds.httpget`),
a size limit per file, and each failure turned into one :class:`FetchError` sentence for the
status file and the operator badge. Credentials may ride in the URL: ``user:password@``
becomes an ``Authorization: Basic`` header (urllib would take it for part of the host name)
that is not sent on to where a redirect points, and a ``?token=`` query is kept on every
file of the bundle (a static token works, a per-object presigned URL cannot). Neither ever
appears in a message (:func:`kiosk.core.feeds.redact.redact_url`). Whatever text the server
chose (a reason phrase, a broken status line, a certificate's names) is cut to
:data:`MAX_SERVER_TEXT` printable characters first (:func:`server_text`): no escape sequence,
control or bidi character reaches the log, the status file or the badge.
"""

from __future__ import annotations

import base64
import http.client
import re
import urllib.error
from collections.abc import Callable
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from kiosk import __version__
from kiosk.core.feeds import httpget
from kiosk.core.feeds.redact import MASK, MIN_SECRET, SENSITIVE_KEY, redact_url

MAX_SERVER_TEXT = 120  # characters of any text the server chose, in a message
_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_])")


def printable(text: str) -> str:
    """``text`` without terminal escape sequences and without any character that is not
    printable (controls, bidi overrides, zero-width and other format characters, line and
    paragraph separators); a space stays."""
    text = _ESCAPE.sub("", text)
    return "".join(c for c in text if c.isprintable())


def server_text(text: object) -> str:
    """A text the server chose, fit for a message: printable, at most
    :data:`MAX_SERVER_TEXT` characters (… when cut)."""
    clean = printable(str(text)).strip()
    if len(clean) > MAX_SERVER_TEXT:
        clean = clean[:MAX_SERVER_TEXT - 1] + "…"
    return clean


class FetchError(Exception):
    """A poll failed; ``str()`` is one sentence for the status file and the badge.

    ``status`` is the HTTP status when the server answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Remote:
    """A published folder's manifest URL (http or https only; else ValueError)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{redact_url(url)}: only http:// and https:// URLs of a "
                             "published manifest.json can be pulled")
        self.url = url
        self.display_url = redact_url(url)
        self._secrets = _url_secrets(url)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        self._base = urlunsplit((parts.scheme, netloc, parts.path or "/", "", ""))
        self._query = f"?{parts.query}" if parts.query else ""
        self._auth: dict[str, str] = {}
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            self._auth["Authorization"] = "Basic " + base64.b64encode(
                pair.encode("utf-8")).decode()

    def url_of(self, name: str | None) -> str:
        """The manifest's URL (``None``), or a file beside it, with the same query."""
        if name is None:
            return self._base + self._query
        return urljoin(self._base, name) + self._query

    def get(self, name: str | None, what: str, max_bytes: int, seconds: float,
            headers: dict[str, str] | None = None,
            sink: Callable[[bytes], object] | None = None) -> httpget.Response:
        """A bounded GET of :meth:`url_of` ``name``; every failure is a FetchError naming
        ``what``. 200 and 304 are answers; any other status is a failure."""
        sent = {"User-Agent": f"kiosk/{__version__}", "Accept-Encoding": "identity",
                **(headers or {})}
        try:
            response = httpget.request(self.url_of(name), sent, max_bytes,
                                       httpget.Deadline(seconds), sink=sink,
                                       private=self._auth)
        except urllib.error.HTTPError as exc:
            exc.close()  # its socket, now rather than at garbage collection
            raise FetchError(f"{what}: HTTP {exc.code} {server_text(exc.reason)}".rstrip(),
                             exc.code) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise FetchError(f"{what}: timed out after {_seconds(seconds)} s") from None
            raise FetchError(f"{what}: cannot reach {urlsplit(self.display_url).netloc}: "
                             f"{server_text(exc.reason)}") from None
        except TimeoutError:
            raise FetchError(f"{what}: timed out after {_seconds(seconds)} s") from None
        except httpget.BodyTooLargeError:
            raise FetchError(f"{what}: more than the {max_bytes} bytes allowed") from None
        except httpget.IncompleteBodyError as exc:
            raise FetchError(f"{what}: cut short: {server_text(exc)}") from None
        except ValueError as exc:  # a header or URL http.client refuses
            raise FetchError(f"{what}: {server_text(exc)}") from None
        except OSError as exc:
            raise FetchError(f"{what}: connection failed: {server_text(exc)}") from None
        except http.client.HTTPException as exc:  # not an HTTP server, or a broken one
            raise FetchError(f"{what}: bad HTTP response: {type(exc).__name__} "
                             f"{server_text(exc)}") from None
        if response.status not in (200, 304):
            raise FetchError(f"{what}: HTTP {response.status} where 200 was expected",
                             response.status)
        return response

    def redact(self, text: str) -> str:
        """``text`` with the URL shown redacted and its secrets masked."""
        text = text.replace(self.url, self.display_url)
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


def header(response: httpget.Response, name: str) -> str | None:
    """A validator (ETag, Last-Modified) worth keeping: short printable ASCII, else None."""
    value = response.headers.get(name)
    if value is None or len(value) > 1024 or not value.isascii() or not value.isprintable():
        return None  # not kept: it could not be sent back anyway
    return value


def _seconds(value: float) -> str:
    """0.5 -> "0.5", 30.0012 -> "30": a deadline as the operator set it."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _url_secrets(url: str) -> list[str]:
    """Every literal of the URL that must not reach a log, longest first."""
    parts = urlsplit(url)
    found: set[str] = set()
    if parts.password:
        found.add(parts.password)
    elif parts.username:
        found.add(parts.username)  # a lone user name is often a token
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        if value and SENSITIVE_KEY.search(unquote(key)):
            found.add(value)
    found |= {unquote(s) for s in found}
    return sorted((s for s in found if len(s) >= MIN_SECRET), key=len, reverse=True)
