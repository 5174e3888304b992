"""What a visitor does reaches the events log: taps, swipes, controls, the overview, the
language, and the visit itself, from the first touch until auto-play resumes (#16 analytics).

Real touch events on a real window with a fake clock; the log is read back from its file.
"""

from __future__ import annotations

import json

from .test_touch import (  # noqa: F401  (deck and touch: pytest fixtures)
    canvas_to_window,
    deck,
    logging_window,
    swipe,
    tap,
    touch,
)


def test_a_visit_in_the_events_log(qtbot, app, deck, touch, tmp_path):  # noqa: F811
    events = tmp_path / "events.jsonl"
    window, clock = logging_window(qtbot, deck, events)

    swipe(window, touch, (700, 270), (300, 280))  # to slide 2
    tap(window, touch, 480, 200)  # shows the controls
    buttons = dict(window.interaction.controls().buttons)

    def press(name):
        tap(window, touch, *canvas_to_window(window, buttons[name].center().x(),
                                             buttons[name].center().y()))

    press("next")  # to slide 3
    press("language")
    press("overview")
    assert window.interaction.overview is not None
    window.interaction.close_overview()
    clock.advance(deck.idle_resume + 1)  # nobody touches: auto-play resumes, the visit ends
    window.poll()
    window.stop()
    lines = [json.loads(x) for x in events.read_text(encoding="utf-8").splitlines()]
    said = [(e["event"], e.get("kind") or e.get("reason") or e.get("active"), e.get("index"))
            for e in lines]
    assert said == [
        ("visit", True, None),
        ("interaction", "swipe", 0),
        ("slide", "user", 1),
        ("interaction", "tap", 1),
        ("interaction", "control", 1),
        ("slide", "user", 2),
        ("interaction", "language", 2),
        ("interaction", "overview", 2),
        ("visit", False, None),
    ]
    times = [e["t"] for e in lines]
    assert times == sorted(times) and times[-1] - times[0] >= deck.idle_resume * 1000
    assert not any(key in e for e in lines for key in ("x", "y", "pos"))  # nothing personal
