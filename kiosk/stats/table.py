"""The terminal's view of a :class:`~kiosk.stats.summary.Summary`: aligned columns (Chinese
counts two cells wide), slide numbers 1-based, names from the deck when it is given."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING

from kiosk.stats.summary import Summary, heat, local_time

if TYPE_CHECKING:
    from kiosk.core.deck import Deck

NAME_CELLS = 44  # terminal cells for a slide's name


def slide_names(deck: Deck | None) -> dict[int, tuple[str, str]]:
    """0-based index -> (Chinese, English) name: the slide's title, else a photo's caption,
    else its type; nothing without a deck."""
    if deck is None:
        return {}
    names = {}
    for i, slide in enumerate(deck.slides):
        text = slide.title or getattr(slide, "caption", None)
        zh = text.own("zh") if text else ""
        en = text.own("en") if text else ""
        if not zh and not en:
            zh, en = {"photo": ("图片", "Photo"), "title": ("标题", "Title"),
                      "chart": ("图表", "Chart")}.get(slide.type, ("幻灯片", "Slide"))
        names[i] = (zh or en, en if en != zh else "")
    return names


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: East Asian wide and fullwidth take two."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells (with …), padded with spaces to exactly ``width``."""
    if cells(text) > width:
        out, used = [], 0
        for c in text:
            w = cells(c)
            if used + w > width - 1:
                break
            out.append(c)
            used += w
        text = "".join(out) + "…"
    return text + " " * (width - cells(text))


def duration(ms: int) -> str:
    """12 s, 4 min 05 s, 3 h 07 min."""
    s = round(ms / 1000)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600:,} h {s % 3600 // 60:02d} min"


def period(summary: Summary, tz: dt.tzinfo | None) -> str:
    if summary.first_ms is None or summary.last_ms is None:
        return "no events"
    a, b = local_time(summary.first_ms, tz), local_time(summary.last_ms, tz)
    zone = b.tzname() or ""
    return f"{a:%Y-%m-%d %H:%M} – {b:%Y-%m-%d %H:%M} {zone}".rstrip()


def render(summary: Summary, deck: Deck | None = None, tz: dt.tzinfo | None = None) -> str:
    """The whole report as text."""
    names = slide_names(deck)
    r = summary.report
    total = summary.interactions
    lines = [f"{r.events:,} events from {r.files} file(s), {period(summary, tz)}"]
    visits = summary.visits
    dwell = summary.dwell_ms
    average = f" (on average {duration(dwell // visits)})" if visits else ""
    lines.append(f"{visits:,} visits, {duration(dwell)} with a visitor{average}; "
                 f"{total:,} interactions" + (": " + ", ".join(
                     f"{n:,} {kind}" for kind, n in summary.kinds.most_common()) if total else ""))
    if summary.operator:
        lines.append("operator: " + ", ".join(
            f"{n:,} {kind}" for kind, n in summary.operator.most_common()) + " (not counted above)")
    lines.append("")
    def row(number: str, name: str, *figures: str) -> str:
        named = [clip(name, NAME_CELLS)] if names else []  # no deck: numbers only
        widths = (12, 6, 16, 8)
        return "  ".join([f"{number:>4}", *named,
                          *(f"{f:>{w}}" for f, w in zip(figures, widths, strict=True))])

    head = row("#", "Slide", "Interactions", "Share", "Dwell", "Visits")
    lines += [head, "-" * cells(head)]
    for index in sorted(set(summary.slides) | set(names)):
        stats = summary.slides.get(index)
        n = stats.interactions if stats else 0
        zh, en = names.get(index, ("", ""))
        name = f"{zh} · {en}" if zh and en else zh or en or "(not in the deck)"
        lines.append(row(str(index + 1), name, f"{n:,}", f"{n / total:.1%}" if total else "–",
                         duration(stats.dwell_ms if stats else 0),
                         f"{stats.visits if stats else 0:,}"))
    top = summary.top(5)
    if top:
        lines.append("")
        lines.append("top slides: " + "; ".join(
            f"{s.index + 1} {names[s.index][0]} ({s.interactions:,})" if s.index in names
            else f"slide {s.index + 1} ({s.interactions:,})" for s in top))
    grid = heat(summary, tz)
    if grid.peak:
        ranked = sorted(((v, r_, h) for r_, row in enumerate(grid.cells)
                         for h, v in enumerate(row) if v), reverse=True)[:3]
        lines.append("busiest hours: " + "; ".join(
            f"{grid.rows[r_]} {h:02d}:00 ({v:,})" for v, r_, h in ranked))
    if summary.open_visits:
        lines.append(f"{summary.open_visits} visit(s) still on where a log ends (counted up to "
                     "its last event)")
    skipped = r.skipped()
    if skipped:
        lines.append(skipped)
    for refusal in r.refused:
        lines.append(f"not read: {refusal}")
    return "\n".join(lines)
