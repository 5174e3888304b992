"""Credentials never reach the log or the status file (#18 F).

A feed's URL may carry a password (``http://user:secret@host/``) or a token in its query
(``?token=…``), and its ``headers:`` usually hold an API key. Everything a feed reports
(errors, tracebacks) goes through :func:`redact` first.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from kiosk.core.deck import HttpSource

MASK = "***"
# query keys that usually carry a secret: token, access_token, api_key, apikey, key,
# secret, client_secret, password, passwd, pwd, auth, authorization, sig, signature, …
SENSITIVE_KEY = re.compile(r"token|key|secret|pass|pwd|auth|sig|session|credential|cookie",
                           re.IGNORECASE)
MIN_SECRET = 4  # shorter header values ("1", "no") are not secrets and would mangle text
_QUERY_PAIR = re.compile(r"(?P<key>[^&=;#]*)=(?P<value>[^&;#]*)")


def redact_url(url: str) -> str:
    """The URL with its userinfo password and sensitive query values masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, _, _password = userinfo.partition(":")
        # a lone user name is often a token itself (https://TOKEN@host/)
        netloc = f"{user}:{MASK}@{host}" if ":" in userinfo else f"{MASK}@{host}"
    query = _QUERY_PAIR.sub(_mask_pair, parts.query)
    rebuilt = f"{parts.scheme}://{netloc}{parts.path}"
    if query:
        rebuilt += f"?{query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return rebuilt


def _mask_pair(match: re.Match[str]) -> str:
    key = match.group("key")
    if SENSITIVE_KEY.search(unquote(key)):
        return f"{key}={MASK}"
    return match.group(0)


def secrets(spec: HttpSource) -> list[str]:
    """Every literal that must not appear in a message about ``spec``, longest first."""
    found: set[str] = set()
    parts = urlsplit(spec.url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo = netloc.rsplit("@", 1)[0]
        found.update(userinfo.split(":", 1)[1:] if ":" in userinfo else [userinfo])
    for match in _QUERY_PAIR.finditer(parts.query):
        if SENSITIVE_KEY.search(unquote(match.group("key"))):
            found.add(match.group("value"))
    for value in spec.headers.values():
        found.add(value)
        found.update(value.split())  # "Bearer abc…": the token alone may be quoted too
    found |= {unquote(s) for s in found}
    return sorted((s for s in found if len(s) >= MIN_SECRET), key=len, reverse=True)


def redact(text: str, spec: object) -> str:
    """``text`` with ``spec``'s URL shown redacted and its secrets masked (http only)."""
    if not isinstance(spec, HttpSource):
        return text
    text = text.replace(spec.url, redact_url(spec.url))
    for secret in secrets(spec):
        text = text.replace(secret, MASK)
    return text
