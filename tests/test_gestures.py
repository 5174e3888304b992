"""Touch tracks classified like a phone would: swipe, tap, long-press, or nothing."""

from __future__ import annotations

import pytest

from kiosk.core.gestures import Track, classify

W, H = 1920, 1080


def track(*points):
    t = Track(W, H)
    for p in points:
        t.add(*p)
    return t


@pytest.mark.parametrize(("points", "released", "kind"), [
    ([(0, 1500, 500), (0.1, 1300, 510), (0.2, 1000, 520)], 0.2, "swipe_left"),
    ([(0, 300, 500), (0.2, 700, 480)], 0.2, "swipe_right"),
    ([(0, 1000, 500), (0.2, 1000 - 0.02 * W, 500)], 0.2, "tap"),  # 2%: still a touch
    ([(0, 1000, 500), (0.2, 1000 - 0.05 * W, 500)], 0.2, "none"),  # under 6%: snaps back
    ([(0, 1000, 200), (0.3, 1050, 900)], 0.3, "none"),  # vertical drag does nothing
    ([(0, 1000, 500), (0.1, 1005, 503)], 0.1, "tap"),
    ([(0, 1000, 500), (0.7, 1004, 502)], 0.7, "long_press"),
])
def test_classify(points, released, kind):
    assert classify(track(*points), released) == kind


def test_one_action_per_gesture_even_when_the_finger_comes_back():
    t = track((0, 1500, 500), (0.1, 1000, 500), (0.3, 1490, 500))
    assert classify(t, 0.3) == "none"  # ended where it began, having moved: no tap either


def test_follow_offset_only_for_horizontal_drags():
    assert track((0, 1000, 500), (0.1, 900, 510)).follow() == -100
    assert track((0, 1000, 500), (0.1, 990, 700)).follow() == 0
    assert track((0, 1000, 500), (0.1, 1010, 500)).follow() == 0  # within the slop


def test_held_is_decided_while_the_finger_is_down():
    t = track((0, 1000, 500))
    assert not t.held(0.5)
    assert t.held(0.6)
