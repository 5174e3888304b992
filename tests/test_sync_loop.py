"""``sync: clock`` in the core (#15): the slide is a function of the wall clock and the deck.

Plain numbers for both clocks: ``now`` (monotonic) and ``wall`` (Unix seconds) move by hand,
and may disagree, as they do on a machine whose clock NTP steps.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.core import Player, load_deck_data
from kiosk.core.loop import epoch_of, loop_of

from .test_loader_errors import messages

WALL = 1_767_225_600.0  # 2026-01-01T00:00:00Z: the loop of 4+6+10 s started there or not


def deck(*durations, **top):
    slides = []
    for i, duration in enumerate(durations):
        slide = {"type": "title", "title": f"s{i}", "duration": duration}
        if isinstance(duration, dict):
            slide = {"type": "title", "title": f"s{i}", **duration}
        slides.append(slide)
    result = load_deck_data({"title": "t", "sync": "clock", "idle_resume": 30,
                             "slides": slides, **top})
    assert result.ok, [str(p) for p in result.problems]
    return result.deck


def test_position_is_wall_minus_epoch_modulo_the_loop():
    d = deck(4, 6, 10)
    loop = loop_of(d, [0, 1, 2], epoch=WALL)
    assert loop.total == 20
    assert [loop.spot(WALL + t).index for t in (0, 3.999, 4, 9.999, 10, 19.999, 20, 44)] == [
        0, 0, 1, 1, 2, 2, 0, 1]
    spot = loop.spot(WALL + 20 * 1000 + 7)  # a thousand loops later: slide 1, 3 s in
    assert (spot.index, spot.elapsed, spot.end) == (1, pytest.approx(3), pytest.approx(
        WALL + 20 * 1000 + 10))
    before = loop.spot(WALL - 1)  # before the epoch: the loop runs backwards in time too
    assert (before.index, before.elapsed) == (2, pytest.approx(9))


def test_two_screens_started_apart_show_the_same_slide():
    d = deck(4, 6, 10)
    # different monotonic clocks, started 13.5 s apart, one wall clock
    early = Player(d, now=100.0, wall=WALL + 1.0)
    late = Player(d, now=5000.0, wall=WALL + 14.5)
    assert early.index == 0 and late.index == 2  # each starts on the loop's slide
    for step in range(1, 60):
        wall = WALL + 14.5 + step * 0.7
        early.tick(100.0 + wall - WALL - 1.0, wall)
        late.tick(5000.0 + wall - WALL - 14.5, wall)
        assert early.index == late.index
        assert early.elapsed(100.0 + wall - WALL - 1.0) == pytest.approx(
            late.elapsed(5000.0 + wall - WALL - 14.5))


def test_the_deadline_is_the_next_boundary_and_a_clock_step_corrects_itself():
    d = deck(4, 6, 10)
    player = Player(d, now=0.0, wall=WALL + 1.0)
    assert player.deadline(0.0, WALL + 1.0) == pytest.approx(3.0)
    # the wall clock is stepped 30 s forward while the monotonic clock moved 1 s
    change = player.tick(1.0, WALL + 32.0)
    assert change is not None and change.index == 2 and change.reason == "auto"
    assert player.elapsed(1.0) == pytest.approx(2.0)
    assert player.deadline(1.0, WALL + 32.0) == pytest.approx(9.0)
    # a timer that fires a little early finds the same slide and waits for the boundary
    assert player.tick(9.9995, WALL + 39.9995) is None
    assert player.deadline(9.9995, WALL + 39.9995) == pytest.approx(10.0)
    change = player.tick(10.0, WALL + 40.0)
    assert change is not None and change.index == 0


def test_one_slide_loop_starts_again_at_each_boundary():
    player = Player(deck(5), now=0.0, wall=WALL)
    assert player.tick(4.9, WALL + 4.9) is None
    change = player.tick(5.0, WALL + 5.0)
    assert change is not None and change.index == 0  # a new round: its motion restarts


def test_after_a_visitor_the_show_rejoins_the_loop_where_it_is_now():
    d = deck(4, 6, 10, idle_home=True)  # idle_home is ignored under sync
    player = Player(d, now=0.0, wall=WALL)
    player.next(1.0)  # a swipe: slide 1, auto-play pauses for idle_resume (30 s)
    player.next(2.0)
    assert player.index == 2 and player.paused
    assert player.tick(31.9, WALL + 31.9) is None  # still within 30 s of the last swipe
    change = player.tick(32.0, WALL + 32.0)
    # the loop stands at 32 % 20 = 12 s: slide 2, 2 s in; not slide 0, not where it was left
    assert change is None and player.index == 2 and player.elapsed(32.0) == pytest.approx(2)
    player.prev(40.0)
    change = player.tick(70.0, WALL + 70.0)  # 70 % 20 = 10: slide 2 has just begun
    assert change is not None and (change.index, change.reason) == (2, "resume")
    assert player.elapsed(70.0) == pytest.approx(0)


def test_a_hold_released_rejoins_the_loop_at_the_next_tick():
    player = Player(deck(4, 6, 10), now=0.0, wall=WALL)
    player.toggle_hold(1.0, WALL + 1.0)
    assert player.deadline(1.0, WALL + 1.0) is None and player.tick(50, WALL + 50) is None
    player.toggle_hold(55.0, WALL + 55.0)  # 55 % 20 = 15: slide 2
    assert player.deadline(55.0, WALL + 55.0) == 55.0  # due at once
    change = player.tick(55.0, WALL + 55.0)
    assert change is not None and change.index == 2 and player.elapsed(55) == pytest.approx(5)


def test_slides_not_active_today_do_not_count_in_the_loop():
    d = deck(4, {"duration": 6, "from": "2026-03-01"}, 10)
    player = Player(d, now=0.0, day=dt.date(2026, 1, 1), wall=WALL)
    assert player.order == [0, 2]
    # loop of 4 + 10 s: at 5 s slide 2 (index 2), at 14 s slide 0 again
    assert player.tick(5.0, WALL + 5.0).index == 2
    assert player.tick(14.0, WALL + 14.0).index == 0
    player.set_day(dt.date(2026, 3, 1))  # the dated slide starts: 20 s loop from now on
    # at 14 s the 20 s loop is in slide 2 (10-20 s), which ends at 20 s; slide 1 is 24-30 s
    assert player.deadline(14.0, WALL + 14.0) == pytest.approx(20.0)
    assert player.tick(20.0, WALL + 20.0).index == 0
    assert player.tick(24.0, WALL + 24.0).index == 1 and player.order == [0, 1, 2]


def test_disabled_slides_do_not_count_and_zero_durations_are_clamped():
    d = deck({"duration": 4}, {"duration": 6, "enabled": False}, {"duration": 0})
    loop = loop_of(d, [0, 2], epoch=0)
    assert loop.durations == (4, 0.5)


def test_epoch_precedence_deck_then_given_then_unix():
    with_epoch = deck(4, epoch="2026-01-01T08:00:00+08:00")
    assert epoch_of(with_epoch, 123.0) == WALL
    assert epoch_of(deck(4), 123.0) == 123.0
    assert epoch_of(deck(4), None) == 0.0
    player = Player(deck(4, 6, 10), now=0, wall=WALL + 3, epoch=WALL - 2)  # 5 s in: slide 1
    assert player.index == 1 and player.elapsed(0) == pytest.approx(1)


def test_without_sync_nothing_changes():
    result = load_deck_data({"title": "t", "slides": [
        {"type": "title", "title": "a", "duration": 4}, {"type": "title", "title": "b"}]})
    player = Player(result.deck, now=0.0, wall=WALL + 7)
    assert player.index == 0 and player.deadline(0.0, WALL + 7) == 4.0


def test_sync_and_epoch_mistakes_are_named_at_their_line(write):
    head = "title: t\nslides:\n  - {type: title, title: a}\n"
    assert messages(write("a.yaml", head + "sync: clocks\n")) == [
        "a.yaml:4: sync: 'clocks' is not allowed (did you mean 'clock'?); allowed: clock"]
    assert messages(write("b.yaml", head + "sync: clock\nepoch: 2026-01-01T00:00:00\n")) == [
        'b.yaml:5: epoch: expected a date and time with its UTC offset, like '
        '"2026-01-01T00:00:00+08:00"; 2026-01-01T00:00:00 has no UTC offset (add "+08:00" '
        'for China time, or "Z" for UTC)']
    assert messages(write("c.yaml", head + "sync: clock\nepoch: 2026-01-01\n")) == [
        'c.yaml:5: epoch: expected a date and time with its UTC offset, like '
        '"2026-01-01T00:00:00+08:00"; 2026-01-01 is a date without a time']
    assert messages(write("d.yaml", head + "sync: clock\nepoch: soon\n")) == [
        'd.yaml:5: epoch: expected a date and time with its UTC offset, like '
        "\"2026-01-01T00:00:00+08:00\", got 'soon'"]
    assert messages(write("e.yaml", head + "sync: clock\nepoch: 0\n")) == [
        'e.yaml:5: epoch: expected a date and time with its UTC offset, like '
        '"2026-01-01T00:00:00+08:00", got the number 0']


def test_check_warns_about_fields_that_do_nothing():
    assert any(w.startswith("epoch: has no effect without sync: clock") for w in
               load_deck_data({"title": "t", "epoch": "2026-01-01T00:00:00Z",
                               "slides": [{"type": "title", "title": "a"}]}).deck.warnings)
    assert any(w.startswith("idle_home: ignored with sync: clock") for w in
               deck(4, idle_home=True).warnings)


def test_a_new_deck_takes_over_on_the_loops_slide_or_the_visitors():
    from kiosk.core.player import successor

    old = Player(deck(4, 6, 10), now=0.0, wall=WALL + 1)
    new_deck = deck(4, 4, 4)
    auto = successor(old, new_deck, 3.0, WALL + 4, None, target=1)
    assert auto.index == 1 and not auto.paused  # the new loop's slide at 4 s
    swiped = successor(old, new_deck, 3.0, WALL + 4, None, target=2, user=True)
    assert swiped.index == 2 and swiped.paused  # the visitor's choice, until idle_resume
    old.toggle_hold(3.0, WALL + 4)
    assert successor(old, new_deck, 3.0, WALL + 4, None, target=0).held
