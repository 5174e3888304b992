"""The cover crop and its drift keep a photo's subject in the frame (#13 §4), Qt-free."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.crop import Keep, cover_scale, crop, drift, focus_in_frame

PICTURE = (2400, 1350)  # the demo's illustrations: 16:9
LANDSCAPE, PORTRAIT = (1920, 1080), (1080, 1920)


def covered(picture, frame, headroom=1.0):
    s = cover_scale(picture, frame) * headroom
    return picture[0] * s, picture[1] * s


def path(d, steps=50):
    return [d.at(k / steps) for k in range(steps + 1)]


@pytest.mark.parametrize("frame", [LANDSCAPE, PORTRAIT], ids=["16:9", "9:16"])
@pytest.mark.parametrize("focus", [(0.5, 0.5), (0.12, 0.3), (0.85, 0.4), (0.7, 0.2),
                                   (0.3, 0.55)])
def test_a_cover_crop_keeps_the_focal_point_inside_the_frame(frame, focus):
    image = covered(PICTURE, frame)
    fx, fy = focus_in_frame(image, focus, crop(image, frame, focus))
    keep = Keep()
    # inside the frame, and clear of its edges and of the caption band at the bottom
    assert keep.left * frame[0] <= fx <= keep.right * frame[0]
    assert fy <= keep.bottom * frame[1]


def test_in_portrait_the_crop_follows_the_subject_not_the_middle():
    """Slide 17's aircraft sat right of centre: the middle third of the picture missed it."""
    image = covered(PICTURE, PORTRAIT, 1.1)
    x, _ = crop(image, PORTRAIT, (0.66, 0.35))
    centred = (image[0] - PORTRAIT[0]) / 2
    assert x > centred + 0.15 * image[0]
    fx, _ = focus_in_frame(image, (0.66, 0.35), (x, 0))
    assert abs(fx - 0.5 * PORTRAIT[0]) < 1  # the subject is in the middle of the screen


@pytest.mark.parametrize("frame", [LANDSCAPE, PORTRAIT], ids=["16:9", "9:16"])
@pytest.mark.parametrize("way", range(4))
def test_the_drift_keeps_the_focal_point_in_frame_over_its_whole_path(frame, way):
    image = covered(PICTURE, frame, 1.1)
    focus = (0.62, 0.38)
    d = drift(image, frame, focus, way)
    keep = Keep()
    for offset in path(d):
        fx, fy = focus_in_frame(image, focus, offset)
        assert keep.left * frame[0] <= fx <= keep.right * frame[0]
        assert keep.top * frame[1] <= fy <= keep.bottom * frame[1]
    assert d.start != d.end  # it does move


@pytest.mark.parametrize("frame", [LANDSCAPE, PORTRAIT, (3840, 2160), (1280, 720)])
def test_the_drift_travels_at_most_a_tenth_of_the_frame(frame):
    """Before #13 a portrait drift crossed the whole 16:9 picture, 250% of the frame."""
    image = covered(PICTURE, frame, 1.1)
    d = drift(image, frame, (0.5, 0.5), 0)
    assert abs(d.end[0] - d.start[0]) <= 0.1 * frame[0]
    assert abs(d.end[1] - d.start[1]) <= 0.1 * frame[1]
    assert abs(d.end[0] - d.start[0]) >= 0.05 * frame[0]  # a visible pan, not a twitch


def test_the_drift_ends_on_the_still_crop():
    """An export (the drift's last frame) and a still slide show the same framing."""
    image = covered(PICTURE, PORTRAIT, 1.1)
    for way in range(4):
        assert drift(image, PORTRAIT, (0.3, 0.4), way).end == crop(image, PORTRAIT, (0.3, 0.4))


def test_no_spare_picture_means_no_drift_and_no_gap():
    d = drift(LANDSCAPE, LANDSCAPE, (0.9, 0.9), 1)
    assert d.start == d.end == (0.0, 0.0)


frames = st.tuples(st.integers(200, 4000), st.integers(200, 4000))
pictures = st.tuples(st.integers(100, 8000), st.integers(100, 8000))
fractions = st.floats(0, 1)


@settings(max_examples=400, deadline=None)
@given(pictures, frames, st.tuples(fractions, fractions), st.integers(0, 3),
       st.floats(1.0, 1.3))
def test_any_aspect_the_window_stays_on_the_picture_and_the_focus_in_the_frame(
        picture, frame, focus, way, headroom):
    image = covered(picture, frame, headroom)
    d = drift(image, frame, focus, way)
    for ox, oy in path(d, 10):
        # the picture always covers the frame: no backdrop shows at an edge
        assert -1e-6 <= ox <= image[0] - frame[0] + 1e-6
        assert -1e-6 <= oy <= image[1] - frame[1] + 1e-6
        fx, fy = focus_in_frame(image, focus, (ox, oy))
        assert -1e-6 <= fx <= frame[0] + 1e-6
        assert -1e-6 <= fy <= frame[1] + 1e-6
    assert abs(d.end[0] - d.start[0]) <= 0.1 * frame[0] + 1e-6
    assert abs(d.end[1] - d.start[1]) <= 0.1 * frame[1] + 1e-6
