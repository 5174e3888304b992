"""Small value types shared by the deck schema: durations, canvas sizes, localized text.

Each is an ``Annotated`` type: a plain Python value after validation, a friendly error
message for editors when the input is wrong, and a JSON Schema that matches what may be
written in the YAML (so editors get autocompletion for the input forms, not the parsed ones).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)

_DURATION_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?|-?\.\d+)\s*(ms|s|sec|m|min|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
MAX_DURATION_S = 24 * 3600.0
DURATION_HELP = 'a duration like "8s", "1.5s", "600ms", "2min" or a number of seconds'


def parse_duration(value: Any) -> float:
    """Turn ``"8s"``, ``"600ms"``, ``"2min"`` or a number of seconds into seconds."""
    if isinstance(value, bool):
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _DURATION_RE.match(value)
        if not match:
            raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"]
    else:
        raise ValueError(f"expected {DURATION_HELP}, got {describe(value)}")
    if not 0 <= seconds <= MAX_DURATION_S:
        raise ValueError(f"duration must be between 0s and 24h, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """Human form of a duration for summaries: ``"3m 12s"``, ``"8s"``, ``"1.5s"``."""
    if seconds >= 60:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes}m {rest}s" if rest else f"{minutes}m"
    return f"{seconds:g}s"


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": _DURATION_RE.pattern},
            ],
            "description": DURATION_HELP,
        }
    ),
]

_CANVAS_RE = re.compile(r"^\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*$")


def parse_canvas(value: Any) -> tuple[int, int]:
    """``"1920x1080"`` -> ``(1920, 1080)``; each side between 320 and 7680."""
    match = _CANVAS_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f'expected a size like "1920x1080" or "1080x1920", got {value!r}')
    width, height = int(match.group(1)), int(match.group(2))
    if not (320 <= width <= 7680 and 320 <= height <= 7680):
        raise ValueError(f"each side must be between 320 and 7680 pixels, got {value!r}")
    return width, height


Canvas = Annotated[
    tuple[int, int],
    BeforeValidator(parse_canvas),
    WithJsonSchema({"type": "string", "pattern": _CANVAS_RE.pattern, "examples": ["1920x1080"]}),
]


LANGUAGES: tuple[str, ...] = ("zh", "zh-Hant", "en", "pt")
"""Every language a text may carry: Simplified Chinese, Traditional Chinese, English,
Portuguese (#14). The YAML keys are these codes."""

# The entry shown when a text has none for the language on screen (docs/deck-format.md).
# zh-Hant first takes the Traditional form converted from zh (see kiosk.core.chinese).
FALLBACK: dict[str, tuple[str, ...]] = {
    "zh": ("zh", "zh-Hant", "en", "pt"),
    "zh-Hant": ("zh-Hant", "zh", "en", "pt"),
    "en": ("en", "zh", "zh-Hant", "pt"),
    "pt": ("pt", "en", "zh", "zh-Hant"),
}
_FIELD = {"zh": "zh", "zh-Hant": "zh_hant", "en": "en", "pt": "pt"}


MAX_TEXT_CHARS = 1000
"""The longest entry a text may have: a slide at the legibility floor holds far less (a 1920x1080
caption band about 120 Chinese characters), and a text of tens of thousands is a pasted file,
not a caption: refused with the field's line instead of laid out for seconds (#13 review)."""


class Text(BaseModel):
    """Text in up to four languages (``LANGUAGES``). A plain YAML string fills ``zh``.

    ``zh-Hant`` may be left out: the loaded deck derives it from ``zh`` with OpenCC
    (:func:`kiosk.core.chinese.derive_traditional`); an explicit entry always wins."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str = ""
    zh_hant: str = Field("", alias="zh-Hant")
    en: str = ""
    pt: str = ""
    # zh converted to Traditional, set once by derive_traditional (not part of the value)
    _converted: str | None = PrivateAttr(None)

    @model_validator(mode="before")
    @classmethod
    def _from_plain(cls, value: Any) -> Any:
        if isinstance(value, str):
            if len(value) > MAX_TEXT_CHARS:
                raise ValueError(f"a text of {len(value):,} characters; at most "
                                 f"{MAX_TEXT_CHARS:,} fit on a slide, shorten it")
            return {"zh": value}
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"zh": f"{value}"}
        if isinstance(value, dict):
            if not value:
                raise ValueError("an empty text {}; give at least one of: "
                                 + ", ".join(LANGUAGES))
            for lang, entry in value.items():
                if isinstance(entry, str) and len(entry) > MAX_TEXT_CHARS:
                    raise ValueError(f"{lang}: a text of {len(entry):,} characters; at most "
                                     f"{MAX_TEXT_CHARS:,} fit on a slide, shorten it")
            return value
        raise ValueError(f"expected text: a string or {{zh: …, en: …}}, got {describe(value)}")

    def __eq__(self, other: object) -> bool:  # the derived form is a cache, not the value
        return isinstance(other, Text) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((self.zh, self.zh_hant, self.en, self.pt))

    def own(self, lang: str) -> str:
        """This text's own entry for ``lang``, no other language: "" when there is none.
        For zh-Hant, the form converted from zh counts as its own."""
        if lang == "zh-Hant" and not self.zh_hant:
            return self._converted or ""
        field = _FIELD.get(lang)
        return str(getattr(self, field)) if field else ""

    def for_lang(self, lang: str) -> str:
        """The text to show when ``lang`` is on screen, by the documented fallback order."""
        source = self.source(lang)
        return self.own(source) if source else ""

    def source(self, lang: str) -> str | None:
        """Which entry :meth:`for_lang` shows for ``lang`` (None: the text is empty)."""
        for candidate in FALLBACK.get(lang, FALLBACK["zh"]):
            if self.own(candidate):
                return candidate
        return None

    def get(self, lang: str = "zh") -> str:
        """Same as :meth:`for_lang` (the name older code uses)."""
        return self.for_lang(lang)

    def entries(self) -> dict[str, str]:
        """The languages written in the deck for this text, by code: {"zh": …, "pt": …}."""
        return {lang: str(getattr(self, field)) for lang, field in _FIELD.items()
                if getattr(self, field)}

    def needs_conversion(self) -> bool:
        """True when the Traditional form must be derived from zh (no explicit zh-Hant)."""
        return bool(self.zh) and not self.zh_hant

    def set_converted(self, traditional: str) -> None:
        """Store zh converted to Traditional (kiosk.core.chinese does it, once per deck)."""
        self._converted = traditional

    @property
    def bilingual(self) -> bool:
        """True when the text differs between languages (the deck offers a language choice)."""
        return len(set(self.entries().values())) > 1


_TEXT_ENTRIES = {lang: {"type": "string"} for lang in LANGUAGES}
TEXT_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {
            "type": "object",
            "properties": _TEXT_ENTRIES,
            "additionalProperties": False,
            "minProperties": 1,
        },
    ],
    "description": "a string (Simplified Chinese), or {zh: 中文, zh-Hant: 中文, en: English, "
                   "pt: Português}",
}

LocalText = Annotated[Text, WithJsonSchema(TEXT_JSON_SCHEMA)]


def describe(value: Any) -> str:
    """Name the YAML kind of a value for error messages: 'a list', 'the number 3'."""
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"the text {shown!r}"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, dict):
        return "a mapping {…}"
    return f"a {type(value).__name__}"
