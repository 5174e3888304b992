"""The deck schema: every field, its default and its allowed values, declared once.

The loader validates YAML against these models; ``kiosk schema`` publishes them as JSON
Schema; the player and the Qt views read them. Models are frozen: a loaded deck never
changes, a reload builds a new one. Paths in a loaded deck are absolute (resolved relative
to the file that named them).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from kiosk.core.keys import parse_chord
from kiosk.core.values import LANGUAGES, Canvas, Duration, LocalText, Text, describe

SlideType = Literal["title", "figures", "chart", "photo"]
Language = Literal["zh", "zh-Hant", "en", "pt"]  # values.LANGUAGES
# OpenCC profiles deriving zh-Hant from zh: plain Traditional (OpenCC's standard forms), Hong
# Kong forms (also what Macau reads), Taiwan forms, Taiwan forms and phrases (软件 -> 軟體)
Conversion = Literal["s2t", "s2hk", "s2tw", "s2twp"]
TransitionType = Literal["fade", "slide", "none"]
_SOURCE_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
_CHANGE_RE = re.compile(r"^[+\-−]\s*\d+(\.\d+)?\s*\S*$")

# Numbers a slide draws must fit on screen: NaN and ±inf cannot be drawn, past 1e15 a figure
# spills out of its card, and at 1e308 a chart's axis range overflows to inf (#18 F).
DRAWABLE_LIMIT = 1e15
DRAWABLE_HELP = "a number between -1e15 and 1e15"


def drawable(value: float) -> float:
    """``value`` if it can be drawn; a ValueError that says what is allowed otherwise."""
    if math.isnan(value):
        raise ValueError(f"expected {DRAWABLE_HELP}, got NaN (not a number)")
    if math.isinf(value):
        raise ValueError(f"expected {DRAWABLE_HELP}, got {'-' if value < 0 else ''}infinity")
    if abs(value) >= DRAWABLE_LIMIT:
        raise ValueError(f"expected {DRAWABLE_HELP} (larger ones cannot be drawn), "
                         f"got {value:g}")
    return value


Drawable = Annotated[float, AfterValidator(drawable)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Transition(_Model):
    """How a slide enters. A plain string ``fade`` is short for ``{type: fade}``."""

    type: TransitionType = "fade"
    duration: Duration = Field(0.6, description="how long the transition takes")

    @model_validator(mode="before")
    @classmethod
    def _from_plain(cls, value: Any) -> Any:
        return {"type": value} if isinstance(value, str) else value


class SourceRef(_Model):
    """A value taken from a named feed in ``sources:``."""

    source: str


# ---------------------------------------------------------------- sources (data feeds)


class _SourceBase(_Model):
    refresh: Duration = Field(5.0, description="how often the feed is read")
    stale_after: Duration | None = Field(
        None, description="after this long without fresh data, the slide shows a stale badge"
    )
    window: int = Field(300, ge=1, le=100_000, description="series keep at most this many points")


class HttpSource(_SourceBase):
    """JSON over HTTP(S)."""

    kind: Literal["http"]
    url: str
    field: str | None = Field(None, description="dotted path into the JSON: data.series.0.value")
    timeout: Duration = 5.0
    headers: dict[str, str] = Field(default_factory=dict)
    max_bytes: int = Field(1_000_000, ge=1, description="bodies larger than this are refused")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"expected an http:// or https:// address, got {value!r}")
        return value


class FileSource(_SourceBase):
    """A CSV or JSON file that another system rewrites."""

    kind: Literal["file"]
    path: str
    format: Literal["csv", "json"] | None = Field(None, description="default: from the extension")
    field: str | None = None
    refresh: Duration = 2.0


class SimSource(_SourceBase):
    """Simulated data for demos: a seeded random walk, or a CSV replayed at a speed."""

    kind: Literal["sim"]
    refresh: Duration = 1.0
    mode: Literal["walk", "replay"] = "walk"
    seed: int = 0
    start: Drawable = 100.0
    step: Drawable = Field(1.0, ge=0, description="largest change per tick of the random walk")
    drift: Drawable = Field(0.0, description="average change per tick (a counter that grows)")
    min: Drawable | None = None
    max: Drawable | None = None
    path: str | None = Field(None, description="CSV to replay (mode: replay)")
    speed: Drawable = Field(1.0, gt=0, description="replay: rows per refresh")
    label: bool = Field(True, description="show 模拟数据 (simulated data) on slides using it")

    @model_validator(mode="after")
    def _replay_needs_path(self) -> SimSource:
        if self.mode == "replay" and not self.path:
            raise ValueError("mode: replay needs a path: to the CSV to replay")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is above max ({self.max:g}); "
                             "allowed: min ≤ max")
        return self


MQTT_MAX_BYTES = 10_000_000  # a payload is held whole in memory: at most 10 MB
MQTT_DEFAULT_STALE_S = 300.0  # no refresh to count in: a sensor's message every few minutes
_BROKER_RE = re.compile(r"^(?P<scheme>mqtts?)://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_]+)"
                        r"(?::(?P<port>\d{1,5}))?/?$")


class MqttSource(_Model):
    """Values a sensor or another system publishes on an MQTT topic (pushed, not polled)."""

    kind: Literal["mqtt"]
    topic: str = Field(description="the one topic to read: hall/sensors/temp (no + or #)")
    field: str | None = Field(None, description="dotted path into a JSON payload: data.value; "
                                                "default: the whole payload")
    broker: str | None = Field(
        None, description="mqtt://host[:port] or mqtts://host[:port], no user name or "
                          "password; default: the show's --mqtt broker, with its login")
    stale_after: Duration | None = Field(
        None, description="after this long without a message, the slide shows a stale badge; "
                          "default: 5 min")
    window: int = Field(300, ge=1, le=100_000, description="series keep at most this many points")
    max_bytes: int = Field(65_536, ge=1, le=MQTT_MAX_BYTES,
                           description="payloads larger than this are refused")

    @model_validator(mode="before")
    @classmethod
    def _no_refresh(cls, data: Any) -> Any:
        if isinstance(data, dict) and "refresh" in data:
            raise ValueError("refresh: an mqtt feed has none: its values arrive when they are "
                             "published; remove it, and set stale_after: to say how old a "
                             "value may be before the slide says so")
        return data

    @field_validator("topic")
    @classmethod
    def _one_topic(cls, value: str) -> str:
        if not value:
            raise ValueError("the topic is empty; name the one topic the value is published "
                             "on, e.g. hall/sensors/temp")
        wild = sorted({c for c in value if c in "+#"})
        if wild:
            what = "+ and # (MQTT wildcards)" if len(wild) == 2 else f"{wild[0]} (an MQTT wildcard)"
            raise ValueError(f"{what} cannot be in a feed's topic: a feed shows one value, so "
                             f"it reads one topic; name it in full, e.g. hall/sensors/temp")
        if value.startswith(("$share/", "$queue/")):
            raise ValueError(f"{value.split('/')[0]}/ is a shared subscription: each message "
                             "would go to one screen only; name the topic itself, e.g. "
                             "hall/sensors/temp")
        if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
            raise ValueError("the topic has a control character (a tab or a line break?); "
                             "allowed: letters, digits, / and other printable characters")
        if len(value.encode("utf-8")) > 65_535:
            raise ValueError("the topic is longer than MQTT allows (65,535 bytes)")
        return value

    @field_validator("broker")
    @classmethod
    def _broker_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if re.match(r"^mqtts?://[^/]*@", value):
            raise ValueError("a user name or password cannot be in the deck (decks are shared "
                             "content): leave broker: out to use the show's --mqtt broker "
                             "with its --mqtt-password-file, or name a broker open to read")
        match = _BROKER_RE.match(value)
        if match is None:
            raise ValueError(f"expected mqtt://host[:port] or mqtts://host[:port] (TLS), "
                             f"got {value!r}")
        if match["port"] is not None and not 1 <= int(match["port"]) <= 65_535:
            raise ValueError(f"port {match['port']} is not 1 to 65535")
        return value


Source = Annotated[HttpSource | FileSource | SimSource | MqttSource,
                   Field(discriminator="kind")]

# ---------------------------------------------------------------- slides


class _SlideBase(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    title: LocalText | None = None
    duration: Duration | None = Field(None, description="default: defaults.duration")
    transition: Annotated[Transition | None, Field(description="default: defaults.transition")] = (
        None
    )
    notes: str | None = Field(None, description="for editors and presenters; never shown")
    enabled: bool = True
    source_note: LocalText | None = Field(None, description="default: defaults.source_note")
    from_: dt.date | None = Field(None, alias="from", description="first day shown (announce)")
    until: dt.date | None = Field(None, description="last day shown")


class TitleSlide(_SlideBase):
    """An initiative's name in Chinese and English, with a subtitle."""

    type: Literal["title"]
    title: LocalText
    subtitle: LocalText | None = None
    kicker: LocalText | None = Field(None, description="small line above the title")


class FigureItem(_Model):
    """One headline number: value, unit, change and label."""

    value: float | SourceRef
    unit: LocalText | None = Field(
        None, description='after the number: "%", 亿元, 家 or {zh: 架, en: aircraft}; English '
                          "money and area units are worked out (92.64亿元 -> RMB 9.26 bn)")
    label: LocalText
    change: str | None = Field(None, description='"+27.95%" or "-3.1%": ▲ or ▼ with a colour')
    note: LocalText | None = Field(None, description="small line under the label")
    prefix: LocalText | None = Field(
        None, description='shown before the number: "≥", {zh: 最高, en: up to}')
    decimals: int | None = Field(None, ge=0, le=6, description="default: as written in the YAML")
    kind: Literal["result", "target"] = Field(
        "result", description="result: achieved, as reported; target: a plan, goal or promise "
                              "(drawn outlined, tagged 目标 · Target)")
    tag: LocalText | None = Field(
        None, description="kind: target only: the tag's words when 目标 · Target is not what "
                          "the figure is, e.g. {zh: 即将出台, en: Upcoming} for a policy not yet "
                          "issued")

    @field_validator("unit", "prefix", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _tag_needs_target(self) -> FigureItem:
        if self.tag is not None and self.kind != "target":
            raise ValueError("tag: is for kind: target only (a result carries no tag); "
                             "add kind: target or remove the tag")
        return self

    @property
    def unit_zh(self) -> str:
        """The unit as the deck's Chinese writes it ("" without one): the key of the unit
        table (亿元, 万平方米) and of the number's magnitude."""
        return (self.unit.zh or self.unit.for_lang("zh")) if self.unit else ""

    @field_validator("value", mode="before")
    @classmethod
    def _number_or_source(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected a number or {{source: name}}, got {describe(value)}")
        if isinstance(value, int | float):
            return drawable(float(value))
        if isinstance(value, str):
            try:
                number = float(value.replace(",", ""))
            except ValueError:
                raise ValueError(
                    f"expected a number or {{source: name}}, got {describe(value)}"
                ) from None
            return drawable(number)
        if isinstance(value, dict):
            return SourceRef.model_validate(value)
        raise ValueError(f"expected a number or {{source: name}}, got {describe(value)}")

    @field_validator("change")
    @classmethod
    def _signed(cls, value: str | None) -> str | None:
        if value is not None and not _CHANGE_RE.match(value.strip()):
            raise ValueError(f'expected a signed change like "+27.95%" or "-3.1%", got {value!r}')
        return value

    @property
    def falling(self) -> bool:
        return self.change is not None and self.change.strip()[0] in "-−"


class FiguresSlide(_SlideBase):
    """1 to 6 big numbers in a grid that fits the count."""

    type: Literal["figures"]
    items: tuple[FigureItem, ...] = Field(min_length=1, max_length=6)


def _drawable_x(value: float | str | Text) -> float | str | Text:
    return drawable(value) if isinstance(value, float) else value


def category_key(x: float | str | Text) -> float | str:
    """What identifies a chart category: its number, or its name as first written (zh, or
    the first language given), the same for every language on screen."""
    if isinstance(x, Text):
        entries = x.entries()
        return entries.get("zh") or next(iter(entries.values()), "")
    return x


# x: a number or a category name (a string or {zh, en}); both drawn numbers must be drawable
# (#18 F)
Point = tuple[Annotated[float | str | LocalText, AfterValidator(_drawable_x)], Drawable]


class Series(_Model):
    """One line or set of bars: inline ``data`` or a feed named in ``source``."""

    name: LocalText
    data: tuple[Point, ...] | None = None
    source: str | None = None
    color: str | None = Field(None, description='"#RRGGBB"; default: the deck palette')

    @field_validator("color")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is not None and not _COLOR_RE.match(value):
            raise ValueError(f'expected a colour like "#2ec4ff", got {value!r}')
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Series:
        if (self.data is None) == (self.source is None):
            raise ValueError("give exactly one of data: [[x, y], …] or source: name")
        return self


class ChartSlide(_SlideBase):
    """A line or bar chart."""

    type: Literal["chart"]
    chart: Literal["line", "bar"] = "line"
    series: tuple[Series, ...] = Field(min_length=1, max_length=8)
    unit: LocalText | None = Field(
        None, description="unit of the values, shown on the value labels and in the subtitle")
    subtitle: LocalText | None = Field(
        None, description="line under the title: what is measured, in which unit and period "
                          "(the title states the takeaway)")
    highlight: LocalText | None = Field(
        None, description="bar charts: the category drawn in the series colour, the rest muted")
    orientation: Literal["auto", "vertical", "horizontal"] = Field(
        "auto", description="bar charts: horizontal bars suit long category names; auto picks "
                            "horizontal in portrait and when the names are long")
    x_label: LocalText | None = None
    y_label: LocalText | None = None
    y_min: Drawable | None = None
    y_max: Drawable | None = None
    decimals: int | None = Field(None, ge=0, le=6,
                                 description="decimals of the value labels (default: up to 2)")

    @field_validator("unit", mode="before")
    @classmethod
    def _empty_unit(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("highlight")
    @classmethod
    def _highlight_is_a_category(cls, value: Text | None, info: ValidationInfo) -> Text | None:
        series = info.data.get("series")  # declared above: validated first (None if invalid)
        if value is None or not series:
            return value
        keys = [category_key(x) for s in series for x, _ in (s.data or ())]
        wanted = category_key(value)
        if wanted not in keys:
            names = ", ".join(str(k) for k in dict.fromkeys(keys)) or "none (no inline data)"
            raise ValueError(f"{wanted!r} is not a category of this chart; allowed: {names}")
        return value

    @model_validator(mode="after")
    def _y_range(self) -> ChartSlide:
        if self.y_min is not None and self.y_max is not None and self.y_min >= self.y_max:
            raise ValueError(f"y_min ({self.y_min:g}) is not below y_max ({self.y_max:g}); "
                             "allowed: y_min < y_max (the axis runs up from y_min)")
        return self


class PhotoSlide(_SlideBase):
    """A photo or illustration with caption and credit."""

    type: Literal["photo"]
    image: str
    caption: LocalText | None = None
    credit: LocalText = Field(description="photographer or 示意图 (illustration); required")
    fit: Literal["cover", "contain"] = "cover"
    ken_burns: bool = Field(True, description="slow drift across the photo (shown 10% larger)")
    focus: tuple[Annotated[float, Field(ge=0, le=1)], Annotated[float, Field(ge=0, le=1)]] = (
        Field((0.5, 0.5), description="the subject's point, as fractions of the image's width "
                                      "and height from its top left: [0.5, 0.4]; a cover crop "
                                      "and the drift keep it in frame"))


Slide = Annotated[TitleSlide | FiguresSlide | ChartSlide | PhotoSlide, Field(discriminator="type")]

# ---------------------------------------------------------------- schedule

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "daily")
_SPAN_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
Span = tuple[dt.time, dt.time | None]


def _span(text: Any) -> Span:
    match = _SPAN_RE.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f'expected opening hours like "09:00-18:00", got {text!r}')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"not a time of day: {text!r}")
    return dt.time(h1, m1), None if h2 == 24 else dt.time(h2, m2)


class Schedule(_Model):
    """Opening hours per weekday, closed dates, and what standby shows."""

    hours: dict[str, tuple[Span, ...]] = Field(
        default_factory=dict,
        description='per weekday (mon … sun, or daily): "09:00-18:00", a list of them, '
                    'or "closed"; "20:00-02:00" runs past midnight')
    closed: tuple[dt.date, ...] = Field((), description="dates the show stays in standby")
    standby: Literal["black", "slide"] = Field(
        "black", description="outside opening hours: a black screen, or a slide dimmed")
    standby_slide: int = Field(1, ge=1, description="with standby: slide, which (1 = first)")
    standby_dim: float = Field(0.3, ge=0, le=1, description="brightness of the standby slide")

    @field_validator("hours", mode="before")
    @classmethod
    def _parse_hours(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for day, spans in value.items():
            if day not in WEEKDAY_KEYS:
                raise ValueError(f"unknown day {day!r}; allowed: {', '.join(WEEKDAY_KEYS)}")
            if spans in ("closed", None, []):
                out[day] = ()
            else:
                out[day] = tuple(_span(s) for s in (spans if isinstance(spans, list)
                                                    else [spans]))
        return out


# ---------------------------------------------------------------- deck

EPOCH_HELP = 'a date and time with its UTC offset, like "2026-01-01T00:00:00+08:00"'


def _epoch(value: Any) -> dt.datetime | None:
    """The loop's start for ``sync: clock``: an instant, so it must carry its UTC offset (a
    bare time would mean a different instant on a screen set to another zone)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected {EPOCH_HELP}, got {value!r}") from None
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise ValueError(f"expected {EPOCH_HELP}; {value.isoformat()} is a date without a time")
    if not isinstance(value, dt.datetime):
        raise ValueError(f"expected {EPOCH_HELP}, got {describe(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"expected {EPOCH_HELP}; {value.isoformat()} has no UTC offset (add "
                         '"+08:00" for China time, or "Z" for UTC)')
    return value



class Defaults(_Model):
    """Deck-wide defaults; a slide's own setting wins."""

    duration: Duration = 8.0
    transition: Transition = Transition()
    source_note: LocalText | None = None


class Deck(_Model):
    """A whole show."""

    title: LocalText
    canvas: Canvas = (1920, 1080)
    defaults: Defaults = Defaults()
    idle_resume: Duration = Field(30.0, description="auto-play resumes this long after a touch")
    idle_home: bool = Field(False, description="on idle resume, also return to the first slide "
                                               "(ignored with sync: clock)")
    progress: bool = Field(True, description="show the progress bar and position dots")
    languages: tuple[Language, ...] = Field(
        ("zh", "en"), min_length=1,
        description="the languages the visitor's button cycles through, in this order")
    language: Language = Field(
        "zh", description="language shown first; default: the first of languages")
    zh_hant_conversion: Conversion = Field(
        "s2t", description="how zh-Hant is derived from zh where a text gives none: s2t plain "
                           "Traditional, s2hk Hong Kong/Macau, s2tw Taiwan, s2twp Taiwan with "
                           "Taiwanese phrases")
    timezone: str | None = Field(None, description='e.g. "Asia/Shanghai"; default: the machine')
    schedule: Schedule | None = Field(None, description="opening hours; default: always open")
    sync: Literal["clock"] | None = Field(
        None, description="clock: the slide on screen follows the wall clock, so every screen "
                          "showing this deck shows the same slide at the same moment; "
                          "default: each screen runs its own loop")
    epoch: Annotated[dt.datetime | None, BeforeValidator(_epoch), WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]})] = Field(
        None, description='with sync: clock, when the loop started, with its UTC offset: '
                          '"2026-01-01T00:00:00+08:00"; default: the publish time of a '
                          'published deck, else 1970-01-01T00:00:00Z')
    exit_pin: str | None = Field(None, description="digits asked for before the show exits")
    exit_chord: str = Field("Ctrl+Shift+Q", description="key chord that asks to exit")
    change_colors: Literal["cn", "intl"] = Field(
        "cn", description="cn: rises red, falls green (the Chinese convention); intl: rises "
                          "green, falls red. Default: cn when the deck's first language is "
                          "Chinese, intl otherwise")
    sources: dict[str, Source] = Field(default_factory=dict)
    slides: tuple[Slide, ...] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not _SOURCE_NAME_RE.match(name):
                raise ValueError(
                    f"source name {name!r} must start with a letter and use only "
                    "letters, digits, _ and -"
                )
        return value

    @model_validator(mode="before")
    @classmethod
    def _first_language(cls, data: Any) -> Any:
        if (isinstance(data, dict) and "language" not in data
                and isinstance(data.get("languages"), list | tuple) and data["languages"]
                and data["languages"][0] in LANGUAGES):
            data = {**data, "language": data["languages"][0]}
        if isinstance(data, dict) and "change_colors" not in data:
            # red for rising reads as "up" to Chinese visitors and "down" to most others (#13)
            main = data.get("language", "zh")
            data = {**data, "change_colors": "cn" if main in ("zh", "zh-Hant") else "intl"}
        return data

    @field_validator("languages")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        twice = sorted({lang for lang in value if value.count(lang) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed twice; list each language once")
        return value

    @field_validator("language")
    @classmethod
    def _language_listed(cls, value: str, info: ValidationInfo) -> str:
        languages = info.data.get("languages")  # declared above: validated first
        if languages is not None and value not in languages:
            raise ValueError(f"{value} is not one of languages: [{', '.join(languages)}]; "
                             "add it there or pick one of them")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}; use a name like "
                                 '"Asia/Shanghai"') from None
        return value

    @field_validator("exit_pin", mode="before")
    @classmethod
    def _pin(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not (isinstance(value, str) and value.isdigit()
                                      and 4 <= len(value) <= 8):
            raise ValueError("expected 4 to 8 digits, in quotes (\"0427\")")
        return value

    @field_validator("exit_chord")
    @classmethod
    def _chord(cls, value: str) -> str:
        return parse_chord(value)  # a typo must not silently disable the exit (#18 D)

    @model_validator(mode="after")
    def _something_to_show(self) -> Deck:
        if not any(slide.enabled for slide in self.slides):
            raise ValueError("every slide is disabled (enabled: false); enable at least one")
        return self

    # The one place for precedence: slide setting, then deck default (cf. reveal.js cueAutoSlide).
    def duration_of(self, slide: AnySlide) -> float:
        return slide.duration if slide.duration is not None else self.defaults.duration

    def transition_of(self, slide: AnySlide) -> Transition:
        return slide.transition if slide.transition is not None else self.defaults.transition

    def source_note_of(self, slide: AnySlide) -> LocalText | None:
        return slide.source_note if slide.source_note is not None else self.defaults.source_note

    def sources_of(self, slide: AnySlide) -> set[str]:
        """Names of the feeds a slide shows (figures bound to a source, live series)."""
        if isinstance(slide, FiguresSlide):
            return {i.value.source for i in slide.items if isinstance(i.value, SourceRef)}
        if isinstance(slide, ChartSlide):
            return {s.source for s in slide.series if s.source}
        return set()

    @property
    def warnings(self) -> list[str]:
        """What ``kiosk check`` points out without failing: the deck runs, but unsafely."""
        found = []
        if not self.exit_pin:
            # without a PIN, five corner taps would end the show: kiosk mode ignores them (#18 D)
            found.append(f'exit_pin: not set: in kiosk mode only the exit chord '
                         f'({self.exit_chord}) ends the show, five taps in the corner do '
                         'nothing; set one with exit_pin: "0427" (4 to 8 digits, in quotes)')
        if self.epoch is not None and self.sync is None:
            found.append("epoch: has no effect without sync: clock; add sync: clock, or "
                         "remove epoch")
        if self.idle_home and self.sync == "clock":
            found.append("idle_home: ignored with sync: clock: after a visitor, the screen "
                         "rejoins the common loop where it stands now")
        return found

    @property
    def bilingual(self) -> bool:
        """True when any slide title differs between languages (offer the 中/EN toggle)."""
        return self.title.bilingual or any(s.title and s.title.bilingual for s in self.slides)

    @property
    def cycle(self) -> tuple[str, ...]:
        """The languages the visitor's button cycles through; () shows no button. A deck
        that declares ``languages`` gets them all; today's decks (the default [zh, en]) get
        the 中/EN button only when their titles are bilingual, as before #14."""
        if len(self.languages) < 2:
            return ()
        if "languages" in self.model_fields_set or self.bilingual:
            return self.languages
        return ()

    def next_language(self, lang: str) -> str:
        """The language after ``lang`` in :attr:`cycle` (the first when ``lang`` is not in it)."""
        cycle = self.cycle or self.languages
        return cycle[(cycle.index(lang) + 1) % len(cycle)] if lang in cycle else cycle[0]

    @property
    def home_chinese(self) -> str:
        """The deck's own Chinese: its first language when Chinese, else zh (or zh-Hant when
        only that is listed). Shown under English and Portuguese."""
        if self.language in ("zh", "zh-Hant"):
            return self.language
        return "zh-Hant" if "zh-Hant" in self.languages and "zh" not in self.languages else "zh"

    def partner(self, lang: str) -> str:
        """The language of a text's smaller second line: English under either Chinese, the
        deck's Chinese under English and Portuguese (Macau's signs pair Chinese with
        Portuguese)."""
        return "en" if lang in ("zh", "zh-Hant") else self.home_chinese

    def unshown(self, text: Text) -> list[str]:
        """Entries of ``text`` that no language of the deck shows, as the main line (by the
        fallback order) or the second line; zh also counts when it is converted to zh-Hant."""
        used = set()
        for lang in self.languages:
            used.add(text.source(lang))
            used.add(self.partner(lang))
        if "zh-Hant" in self.languages and not text.zh_hant:
            used.add("zh")
        return [lang for lang in text.entries() if lang not in used]

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        """Every text of the deck with its path, as the YAML names it:
        ``(("slides", 3, "title"), Text)``. For the language checks and the conversion."""
        return _texts(self, ())

    @property
    def has_charts(self) -> bool:
        """True when a slide is a chart (the Qt layer then loads its chart library)."""
        return any(s.type == "chart" for s in self.slides)


AnySlide = TitleSlide | FiguresSlide | ChartSlide | PhotoSlide
SLIDE_TYPES: tuple[str, ...] = ("title", "figures", "chart", "photo")
SOURCE_KINDS: tuple[str, ...] = ("http", "file", "sim", "mqtt")


def _texts(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    return ((where, leaf) for where, leaf in walk_leaves(node, path) if isinstance(leaf, Text))


def walk_leaves(node: Any, path: tuple[str | int, ...] = (),
                skip: frozenset[str] = frozenset()) -> Iterator[tuple[tuple[str | int, ...],
                                                                       Text | str]]:
    """Every Text and plain string under ``node`` with its path as the YAML names it, not
    entering model fields named in ``skip`` (the texts' and the glyph check's one walk)."""
    if isinstance(node, Text | str):
        yield path, node
    elif isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            if name not in skip:
                yield from walk_leaves(getattr(node, name), (*path, field.alias or name), skip)
    elif isinstance(node, tuple | list):
        for i, item in enumerate(node):
            yield from walk_leaves(item, (*path, i), skip)
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from walk_leaves(item, (*path, key), skip)
