"""From a real show to ``kiosk stats``: a visitor's touches on a real window (fake clock),
written by the show's own events log, read back and summed (#16 §3)."""

from __future__ import annotations

from kiosk.stats.summary import summarise
from kiosk.stats.table import render

from .test_touch import (  # noqa: F401  (deck and touch: pytest fixtures)
    canvas_to_window,
    deck,
    logging_window,
    swipe,
    tap,
    touch,
)


def test_a_visit_on_a_real_window_is_summed(qtbot, app, deck, touch, tmp_path):  # noqa: F811
    events = tmp_path / "events.jsonl"
    window, clock = logging_window(qtbot, deck, events)

    clock.advance(2)
    swipe(window, touch, (700, 270), (300, 280))  # slide 1 -> 2
    on_2 = clock.now  # the swipe's release (it takes a few fake milliseconds to draw)
    clock.advance(5)
    tap(window, touch, 480, 200)  # shows the controls
    buttons = dict(window.interaction.controls().buttons)
    clock.advance(3)
    x, y = buttons["next"].center().x(), buttons["next"].center().y()
    tap(window, touch, *canvas_to_window(window, x, y))  # slide 2 -> 3
    on_3 = clock.now
    clock.advance(deck.idle_resume + 1)  # nobody touches: auto-play resumes, the visit ends
    window.poll()
    window.stop()

    summary = summarise([events])
    assert summary.report.events == summary.report.lines > 0
    assert summary.visits == 1 and summary.open_visits == 0
    assert {i: s.interactions for i, s in summary.slides.items() if s.interactions} == {
        0: 1, 1: 2}  # the swipe on slide 1; the tap and the control on slide 2
    dwell = {i: s.dwell_ms for i, s in summary.slides.items() if s.dwell_ms}
    assert dwell == {1: round((on_3 - on_2) * 1000), 2: round((deck.idle_resume + 1) * 1000)}
    assert 8_000 <= dwell[1] < 8_500
    assert "1 visits" in render(summary)
