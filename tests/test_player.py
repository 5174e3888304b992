"""The playback state machine, driven by a fake clock (plain numbers, no sleeps)."""

from __future__ import annotations

import pytest

from kiosk.core import Player, load_deck_data


def deck(*durations, enabled=None, idle_resume=30, idle_home=False, default=8):
    slides = []
    for i, duration in enumerate(durations):
        slide = {"type": "title", "title": f"s{i}"}
        if duration is not None:
            slide["duration"] = duration
        if enabled is not None and not enabled[i]:
            slide["enabled"] = False
        slides.append(slide)
    result = load_deck_data({"title": "t", "defaults": {"duration": default},
                             "idle_resume": idle_resume, "idle_home": idle_home,
                             "slides": slides})
    assert result.ok, result.problems
    return result.deck


def test_effective_duration_slide_then_default():
    player = Player(deck("3s", None, default="5s"), now=0)
    assert player.duration() == 3
    assert player.deadline(0) == 3
    assert player.tick(2.9) is None
    change = player.tick(3.0)
    assert (change.index, change.direction, change.reason) == (1, 1, "auto")
    assert player.duration() == 5
    assert player.deadline(3.0) == 8.0


def test_wraps_around_both_ways():
    player = Player(deck(2, 2, 2), now=0)
    assert [player.tick(t).index for t in (2, 4, 6)] == [1, 2, 0]
    assert player.prev(6.5).index == 2
    assert player.next(7).index == 0


def test_disabled_slides_are_skipped_everywhere():
    player = Player(deck(1, 1, 1, 1, enabled=[True, False, True, False]), now=0)
    assert player.count == 2
    assert player.tick(1).index == 2
    assert player.tick(2).index == 0
    assert player.goto(1, 3).index == 2  # a disabled target goes to the next enabled one
    assert player.prev(4).index == 0
    assert player.position == 0


def test_interaction_pauses_then_resumes_after_idle():
    player = Player(deck(10, 10, idle_resume=30), now=0)
    player.interact(4)  # visitor touches 4 s into the slide
    assert player.paused
    assert player.deadline(4) == 34
    assert player.tick(20) is None and player.index == 0
    assert player.progress(20) == pytest.approx(0.4)  # the progress bar stands still
    assert player.tick(34) is None  # resume: the slide's clock continues from 4 s
    assert not player.paused
    assert player.deadline(34) == pytest.approx(40)
    assert player.tick(40).index == 1


def test_each_touch_extends_the_idle_pause():
    player = Player(deck(10, 10, idle_resume=30), now=0)
    player.interact(1)
    player.interact(25)
    assert player.tick(31) is None and player.paused
    assert player.deadline(31) == 55


def test_user_navigation_pauses_and_restarts_the_slide_clock():
    player = Player(deck(10, 10, 10, idle_resume=30), now=0)
    assert player.next(5).index == 1
    assert player.paused and player.deadline(5) == 35
    player.tick(35)
    assert player.deadline(35) == 45  # the new slide gets its full time after resuming
    assert player.tick(45).index == 2


def test_idle_home_returns_to_the_first_slide():
    player = Player(deck(10, 10, 10, idle_resume=30, idle_home=True), now=0)
    player.goto(2, 1)
    change = player.tick(31)
    assert (change.index, change.reason) == (0, "resume")
    assert not player.paused


def test_hold_has_no_deadline_until_released():
    player = Player(deck(10, 10), now=0)
    assert player.toggle_hold(3) is True
    assert player.deadline(3) is None
    assert player.tick(1000) is None and player.index == 0
    player.interact(1001)  # touches do not end an explicit pause
    assert player.deadline(2000) is None
    assert player.toggle_hold(2000) is False
    assert player.deadline(2000) == pytest.approx(2007)


def test_first_last_and_clamped_duration():
    player = Player(deck(0, 1, 1), now=0)
    assert player.duration() == 0.5  # a 0 s slide would spin; runtime clamps it
    assert player.last(0).index == 2
    assert player.first(0).index == 0


def test_start_on_disabled_slide_moves_to_next_enabled():
    player = Player(deck(1, 1, 1, enabled=[False, True, True]), now=0, start=0)
    assert player.index == 1
