"""Remote commands from MQTT, parsed and checked without Qt (#16).

A command is one JSON object of at most :data:`MAX_PAYLOAD` bytes, UTF-8::

    {"cmd": "next"}   {"cmd": "prev"}   {"cmd": "goto", "slide": 3}   (1-based)
    {"cmd": "pause"}  {"cmd": "resume"} {"cmd": "reload"}
    {"cmd": "identify"}                 {"cmd": "screenshot"}

An optional ``"id"`` (a string of at most 128 characters, or a whole number) is echoed in the
reply, so that a control panel can match replies to what it sent. Anything else is refused with
a :class:`CommandError` whose text says what is wrong and what is allowed; the reply carries it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_PAYLOAD = 4096
MAX_ID = 128
COMMANDS = ("next", "prev", "goto", "pause", "resume", "reload", "identify", "screenshot")
_FIELDS = {"goto": ("slide",)}
_COMMON = ("cmd", "id")

COMMAND_RATE = 5.0  # commands a second a screen runs, on average...
COMMAND_BURST = 10  # ...and at once; more get one "busy" reply per burst
SCREENSHOT_EVERY_S = 5.0  # at most one screenshot in this long
BUSY = "busy: too many commands, try again"

CommandId = str | int | None


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; thread-safe; ``clock`` for tests."""

    def __init__(self, rate: float = COMMAND_RATE, burst: int = COMMAND_BURST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, float(burst), clock
        self._tokens = float(burst)
        self._at: float | None = None
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self.clock()
            if self._at is not None:
                self._tokens = min(self.burst, self._tokens + max(0.0, now - self._at) * self.rate)
            self._at = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False


@dataclass(frozen=True)
class Command:
    name: str
    slide: int | None = None  # goto: 1-based
    id: CommandId = None


class CommandError(ValueError):
    """A command that cannot be run; ``cmd`` and ``id`` are what could be read of it."""

    def __init__(self, message: str, cmd: str | None = None, id: CommandId = None) -> None:
        super().__init__(message)
        self.cmd = cmd
        self.id = id


def parse_command(payload: bytes, retained: bool = False) -> Command:
    """The command in an MQTT message's payload, or a :class:`CommandError`."""
    if len(payload) > MAX_PAYLOAD:
        raise CommandError(f"the command is {len(payload)} bytes; at most {MAX_PAYLOAD} "
                           "are read")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError("the command is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise CommandError('the command is not JSON; send one object such as '
                           '{"cmd": "next"}') from None
    if not isinstance(data, dict):
        raise CommandError(f"the command is a JSON {_kind(data)}; send one object such as "
                           '{"cmd": "next"}')
    ident = data.get("id")
    if ident is not None and not (
            (isinstance(ident, str) and len(ident) <= MAX_ID)
            or (isinstance(ident, int) and not isinstance(ident, bool))):
        raise CommandError(f'"id" must be a string of at most {MAX_ID} characters or a whole '
                           "number")
    name = data.get("cmd")
    if not isinstance(name, str):
        raise CommandError(f'"cmd" is {"missing" if name is None else "not a string"}; one of: '
                           f"{', '.join(COMMANDS)}", None, ident)
    if name not in COMMANDS:
        shown = name if len(name) <= 40 else name[:40] + "…"
        raise CommandError(f"unknown command {shown!r}; one of: {', '.join(COMMANDS)}", None,
                           ident)
    if retained:
        raise CommandError("retained commands are ignored (publish commands without the "
                           "retain flag)", name, ident)
    allowed = _COMMON + _FIELDS.get(name, ())
    extra = sorted(str(key)[:40] for key in data if key not in allowed)
    if extra:
        raise CommandError(f"{name!r} takes no field {', '.join(map(repr, extra))}; it takes: "
                           f"{', '.join(allowed)}", name, ident)
    slide = None
    if name == "goto":
        slide = data.get("slide")
        if slide is None:
            raise CommandError('"goto" needs "slide": the slide number, 1 for the first',
                               name, ident)
        if isinstance(slide, bool) or not isinstance(slide, int):
            raise CommandError(f'"slide" must be a whole number (1 for the first slide), not '
                               f"{_kind(slide)}", name, ident)
    return Command(name, slide, ident)


def reply(cmd: str | None, ok: bool, error: str | None = None, id: CommandId = None,
          **extra: Any) -> bytes:
    """The JSON sent on ``kiosk/<id>/reply``."""
    document: dict[str, Any] = {"cmd": cmd, "ok": ok}
    if error is not None:
        document["error"] = error
    if id is not None:
        document["id"] = id
    document.update(extra)
    return json.dumps(document, ensure_ascii=False).encode()


def _kind(value: object) -> str:
    return {list: "array", str: "string", bool: "true/false", float: "number",
            int: "number", type(None): "null", dict: "object"}.get(type(value), "value")
