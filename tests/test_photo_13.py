"""Photo slides at exhibition grade (#13 §3, §4), checked on the rendered pixels: the subject
stays on a portrait screen, the credit is read with the caption, and caption text never
shrinks below the legibility floor."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QColor, QImage, QPainter

from kiosk.qt.stage import Stage

from .conftest import as_array
from .render_util import deck_from, render

PORTRAIT = (1080, 1920)
SUBJECT = (0.66, 0.35)  # right of the middle third a centred portrait crop shows


def picture_with_subject(path, focus=SUBJECT, size=(2400, 1350)):
    """A dark 16:9 picture with one red disc, the subject, at ``focus``."""
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor("#304050"))
    painter = QPainter(image)
    painter.setPen(QColor("#ff0000"))
    painter.setBrush(QColor("#ff0000"))
    painter.drawEllipse(QPointF(focus[0] * size[0], focus[1] * size[1]), 28, 28)
    painter.end()
    assert image.save(str(path))


def red(pixels):
    r, g, b = (pixels[:, :, k].astype(int) for k in (2, 1, 0))  # BGRA in memory
    return (r > 200) & (g < 60) & (b < 60)


def photo_deck(tmp_path, **slide):
    return deck_from(tmp_path, {"title": "t", "slides": [{
        "type": "photo", "image": "subject.png", "credit": {"zh": "示意图", "en": "Illustration"},
        "caption": {"zh": "无人驾驶航空器载人飞行", "en": "Passengers fly in an unmanned aircraft"},
        "duration": "10s", **slide}]})


@pytest.mark.parametrize("ken_burns", [True, False], ids=["drift", "still"])
def test_a_portrait_screen_shows_the_subject_above_the_caption(app, tmp_path, ken_burns):
    """Before #13 a portrait screen showed the picture's middle third, or the drift ended on
    its edge: no aircraft on slide 17, one building on slide 21."""
    picture_with_subject(tmp_path / "subject.png")
    deck = photo_deck(tmp_path, focus=list(SUBJECT), ken_burns=ken_burns)
    stage, _, pixels = render(deck, size=PORTRAIT)
    stage.close()
    subject = red(pixels)  # pure red: not dimmed by the caption band's gradient either
    assert subject.sum() > 0.8 * np.pi * 40 ** 2  # the whole disc (r = 28 * 1.56 px)
    ys, xs = np.nonzero(subject)
    assert ys.max() < 0.72 * PORTRAIT[1]  # above the caption band
    assert 0.1 * PORTRAIT[0] < xs.min() and xs.max() < 0.9 * PORTRAIT[0]


def test_the_subject_stays_on_screen_over_the_whole_drift(app, tmp_path):
    picture_with_subject(tmp_path / "subject.png")
    deck = photo_deck(tmp_path, focus=list(SUBJECT))
    stage = Stage(deck, QSize(*PORTRAIT), animations=True)
    centres = []
    for elapsed in (0.0, 2.5, 5.0, 7.5, 10.0):
        subject = red(as_array(stage.render(0, elapsed)))
        assert subject.sum() > 0.8 * np.pi * 40 ** 2, elapsed  # never cut by the frame
        ys, xs = np.nonzero(subject)
        centres.append((xs.mean(), ys.mean()))
    stage.close()
    across, down = (abs(centres[-1][k] - centres[0][k]) for k in (0, 1))
    assert across > 20  # it drifts, by a tenth of the frame at most (250% before #13)
    assert across <= 0.1 * PORTRAIT[0] and down <= 0.1 * PORTRAIT[1]


def changed(a, b):
    """Bounding box (x0, y0, x1, y1) of the pixels that differ between two renders."""
    ys, xs = np.nonzero(np.abs(a[:, :, :3].astype(int) - b[:, :, :3].astype(int)).max(axis=2)
                        > 40)
    assert len(xs), "the two renders are the same"
    return xs.min(), ys.min(), xs.max(), ys.max()


def band_render(tmp_path, size, caption, credit, lang="zh"):
    """Render a slide on a plain grey picture; only the text differs between calls."""
    image = QImage(2400, 1350, QImage.Format.Format_RGB32)
    image.fill(QColor("#5a6470"))
    assert image.save(str(tmp_path / "subject.png"))
    deck = deck_from(tmp_path, {"title": "t", "languages": ["zh", "en"], "slides": [{
        "type": "photo", "image": "subject.png", "caption": caption, "credit": credit,
        "ken_burns": False}]})
    stage = Stage(deck, QSize(*size), lang=lang, animations=False)
    pixels = as_array(stage.render(0, 1e6))
    stage.close()
    return pixels


CAPTION = {"zh": "格力电器广交会展台", "en": "Gree Electric's stand at the Canton Fair"}
OTHER = {"zh": "珠海航展中心展区台", "en": "Gree Electric's stand at the Canton Fair"}
CREDIT = {"zh": "示意图", "en": "Illustration"}
OTHER_CREDIT = {"zh": "示例图", "en": "Illustration"}  # same width: only glyphs change


@pytest.mark.parametrize("size", [(1920, 1080), PORTRAIT], ids=["landscape", "portrait"])
def test_the_credit_is_drawn_next_to_the_caption(app, tmp_path, size):
    """"示意图 · Illustration" is read with the caption, so an invented picture is never taken
    for a press photo; before #13 it sat small and grey at the far right of the band."""
    base = band_render(tmp_path, size, CAPTION, CREDIT)
    caption = changed(base, band_render(tmp_path, size, OTHER, CREDIT))
    credit = changed(base, band_render(tmp_path, size, CAPTION, OTHER_CREDIT))
    same_row = credit[1] < caption[3] and caption[1] < credit[3]
    if same_row:  # right after the caption's last glyph
        assert 0 < credit[0] - caption[2] < 200
    else:  # directly under the caption, from its left edge
        assert 0 <= credit[1] - caption[3] < 60
        assert credit[0] - caption[0] < 200
    # the credit's Chinese glyphs are at least the floor for credits (28 px; CJK ink ~0.8 em)
    assert credit[3] - credit[1] + 1 >= 0.8 * 28


LONG = {"zh": "纬景储能珠海“超G工厂”:全钒液流电池与锌铁液流电池储能系统的生产基地和研发中心",
        "en": "Weijing Energy Storage's Super G Factory in Zhuhai, where flow-battery storage "
              "systems are built and developed 2024"}
LONG_OTHER = {**LONG, "zh": LONG["zh"].replace("生产基地", "制造工厂"),
              "en": LONG["en"].replace("2024", "2025")}


def test_a_long_caption_in_portrait_wraps_across_the_width_at_full_size(app, tmp_path):
    """Before #13 a long caption in portrait was shrunk to about 12 px and squeezed into the
    left third of the band, the credit larger than the caption."""
    base = band_render(tmp_path, PORTRAIT, LONG, CREDIT)
    main = changed(base, band_render(tmp_path, PORTRAIT, LONG_OTHER, CREDIT))
    # 制造工厂 for 生产基地: four CJK glyphs of the caption, bold 52 px (ink ~0.8 em)
    assert main[3] - main[1] + 1 >= 0.8 * 52
    whole = np.nonzero((base[:, :, :3].max(axis=2) > 200).any(axis=0))[0]
    assert whole.max() > 0.75 * PORTRAIT[0]  # lines run across the band, not its left third


def test_the_partner_language_under_a_long_caption_keeps_the_floor(app, tmp_path):
    base = band_render(tmp_path, PORTRAIT, LONG, CREDIT)
    digit = changed(base, band_render(tmp_path, PORTRAIT, {**LONG, "en": LONG_OTHER["en"]},
                                      CREDIT))
    # 2024 -> 2025: a digit's ink is about 0.7 em; the floor for English is 36 px
    assert digit[3] - digit[1] + 1 >= 0.68 * 36
    # and on an English screen the Chinese line under the caption
    base = band_render(tmp_path, PORTRAIT, LONG, CREDIT, lang="en")
    cjk = changed(base, band_render(tmp_path, PORTRAIT, {**LONG, "zh": LONG_OTHER["zh"]},
                                    CREDIT, lang="en"))
    assert cjk[3] - cjk[1] + 1 >= 0.8 * 36


def test_on_an_english_screen_the_credit_label_stays_with_the_chinese(app, tmp_path):
    deck = deck_from(tmp_path, {"title": "t", "languages": ["zh", "en"], "slides": [{
        "type": "photo", "image": "missing.png", "credit": CREDIT}]}, allow_assets=True)
    stage = Stage(deck, QSize(960, 540), lang="en", animations=False)
    assert stage.view(0).credit_line() == "Illustration · 图：示意图"
    stage.close()
