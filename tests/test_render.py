"""Pixels on rendered slides: what a visitor would see, checked semantically."""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

from .conftest import as_array
from .render_util import bright, deck_from, render

SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]
LONG = {"zh": "新建、续建园区配套建设项目数量与完成年度投资总额同比增长情况说明",
        "en": "A deliberately long English label that must wrap and shrink, never overflow"}


def figures_deck(tmp_path):
    items = [{"value": v, "unit": u, "label": LONG, "change": "+27.95%", "note": "增速全省第一",
              "prefix": p}
             for v, u, p in [(98765.4321, "万平方米", "不少于"), (92.64, "亿元", ""),
                             (433.4, "%", ""), (123456789, "元", ""), (66, "%", "最高"),
                             (4_320_000, "平方米", "")]]
    return deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "figures", "title": {"zh": "指标很多的一页", "en": "Many figures"},
         "items": items}]})


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_figures_text_stays_inside_the_slide(app, tmp_path, size):
    deck = figures_deck(tmp_path)
    stage, _, pixels = render(deck, size=size)
    w, h = size
    mask = bright(pixels)
    margin = round(48 * stage.scale)  # half the design margin: nothing may reach into it
    assert not mask[:, :margin].any(), "text in the left margin"
    assert not mask[:, w - margin:].any(), "text in the right margin"
    assert not mask[:margin // 2].any(), "text above the slide"
    # the columns between cards stay empty below the heading: no label runs into its neighbour
    cols = 2 if h > w else 3
    content_w = stage.canvas.width() - 2 * 96
    cell_w = (content_w - 40 * (cols - 1)) / cols
    top, bottom = round(h * 0.3), round(h * 0.85)
    for c in range(1, cols):
        gap_left = stage.transform().map(QPointF(96 + c * cell_w + (c - 1) * 40 + 4, 0)).x()
        gap_right = stage.transform().map(QPointF(96 + c * (cell_w + 40) - 4, 0)).x()
        assert not mask[top:bottom, round(gap_left):round(gap_right)].any(), f"gap {c} crossed"
    # and the numbers are really there: plenty of bright pixels in every card column
    for c in range(cols):
        left = stage.transform().map(QPointF(96 + c * (cell_w + 40), 0)).x()
        column = mask[top:bottom, round(left):round(left + cell_w * stage.scale)]
        assert column.sum() > 0.01 * column.size


def test_count_up_starts_at_zero_and_lands_on_the_figure(app, tmp_path):
    deck = deck_from(tmp_path, {"title": "t", "slides": [{"type": "figures", "items": [
        {"value": 92.64, "unit": "亿元", "label": "低空经济产值"}]}]})
    _, start, _ = render(deck, elapsed=0.0, animations=True)
    _, middle, _ = render(deck, elapsed=0.5, animations=True)
    _, end, _ = render(deck, elapsed=30, animations=True)
    _, still, _ = render(deck, elapsed=0.0, animations=False)
    assert start != middle != end
    assert end == still  # with animations off the final figure shows at once


def chart_deck(tmp_path, chart="line"):
    return deck_from(tmp_path, {"title": "t", "slides": [{
        "type": "chart", "chart": chart, "title": "产值", "y_min": 0, "y_max": 12,
        "series": [{"name": "实时", "color": "#ff00ff", "data": [[0, 1], [1, 10], [2, 6]]}]}]})


def magenta_near(pixels, x, y, radius=4):
    patch = pixels[max(0, y - radius): y + radius + 1, max(0, x - radius): x + radius + 1]
    b, g, r = patch[..., 0].astype(int), patch[..., 1].astype(int), patch[..., 2].astype(int)
    return bool(((r > 200) & (b > 200) & (g < 90)).any())


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
def test_chart_line_colour_appears_where_the_data_says(app, tmp_path, size):
    deck = chart_deck(tmp_path)
    stage, _, pixels = render(deck, size=size)
    view = stage.view(0)
    device = stage.transform().mapRect(view.last_rect)
    plot = view._widget.getPlotItem()

    def screen(x, y):
        scene = plot.getViewBox().mapViewToScene(QPointF(x, y))
        local = view._widget.mapFromScene(scene)
        return round(device.left() + local.x()), round(device.top() + local.y())

    for x, y in [(0, 1), (0.5, 5.5), (1, 10), (1.5, 8), (2, 6)]:
        assert magenta_near(pixels, *screen(x, y)), f"no line at data ({x}, {y})"
    for x, y in [(0, 10), (2, 11), (1, 2)]:
        assert not magenta_near(pixels, *screen(x, y), radius=2), f"line at empty ({x}, {y})"


def test_chart_updates_items_in_place(app, tmp_path):
    deck = chart_deck(tmp_path)
    stage, _, _ = render(deck)
    view = stage.view(0)
    items = list(view._widget.getPlotItem().items)
    view.refresh()
    view.refresh()
    assert list(view._widget.getPlotItem().items) == items  # setData, never re-plotted


def solid_png(path, color, size=(2400, 1350)):
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    assert image.save(str(path))
    return path


def test_photo_caption_band_is_present(app, tmp_path):
    solid_png(tmp_path / "white.png", "white")
    deck = deck_from(tmp_path, {"title": "t", "slides": [{
        "type": "photo", "image": "white.png", "caption": "无人驾驶航空器在珠海载人飞行",
        "credit": "示意图"}]})
    _, _, pixels = render(deck)
    luminance = pixels[:, :, :3].mean(axis=2)
    assert luminance[200:600, 200:1700].mean() > 240  # the photo fills the upper part
    band = luminance[900:1080]
    assert np.median(band) < 60  # a dark band under the caption
    assert (band > 200).sum() > 2000  # with light caption text on it


def test_photo_decodes_at_screen_size_not_full_size(app, tmp_path):
    solid_png(tmp_path / "big.png", "#336699", size=(6000, 4000))
    deck = deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "photo", "image": "big.png", "credit": "示意图"}]})
    stage, _, _ = render(deck, size=(1280, 720))
    image = stage.view(0)._image
    # cover 1280x720 with 10% Ken Burns headroom: 1408x939 instead of 6000x4000
    assert image is not None
    assert (image.width(), image.height()) == (1408, 939)


@pytest.mark.parametrize("content", [None, b"\x89PNG\r\n\x1a\n garbage"],
                         ids=["missing", "corrupt"])
def test_bad_image_gives_the_placeholder(app, tmp_path, caplog, content):
    if content is not None:
        (tmp_path / "drone.png").write_bytes(content)
    deck = deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "photo", "image": "drone.png", "caption": "说明", "credit": "示意图"}]},
        allow_assets=True)
    with caplog.at_level(logging.WARNING):
        stage, _, pixels = render(deck)
    assert stage.view(0).missing
    assert any("photo unreadable" in r.message for r in caplog.records)
    box = pixels[300:560, 700:1220, :3].max(axis=2)
    assert (box > 60).sum() > 500  # the drawn picture frame and glyph
    text_row = bright(pixels[620:700, 500:1420], 120)
    assert text_row.sum() > 300  # "图片暂不可用 · Image unavailable"


def test_a_photo_drifts_smoothly_by_whole_pixels(app, tmp_path):
    # a horizontal gradient, so any sideways move shows in the pixels
    image = QImage(2400, 1350, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(0, 0, 2400, 0)
    gradient.setColorAt(0, QColor("black"))
    gradient.setColorAt(1, QColor("white"))
    painter.fillRect(0, 0, 2400, 1350, gradient)
    painter.end()
    assert image.save(str(tmp_path / "ramp.png"))
    deck = deck_from(tmp_path, {"title": "t", "slides": [
        {"type": "photo", "image": "ramp.png", "credit": "示意图", "duration": "8s"}]})
    stage, _, start = render(deck, elapsed=0.0, animations=True)
    _, _, later = render(deck, elapsed=6.0, animations=True)
    assert not np.array_equal(start[:600], later[:600])  # it moved
    view = stage.view(0)
    offsets = [view._offset(k / 30) for k in range(8 * 30 + 1)]
    steps = [max(abs(a[0] - b[0]), abs(a[1] - b[1])) for a, b in itertools.pairwise(offsets)]
    assert max(steps) <= 2  # at most two pixels between frames at 30 fps: no jumps
    assert offsets[0] != offsets[-1] and len(set(offsets)) > 100  # a real, gradual drift


def test_a_long_deck_shows_its_position_as_text_not_a_thousand_dots(app, tmp_path):
    slides = [{"type": "title", "title": f"第{i}页"} for i in range(1, 101)]
    deck = deck_from(tmp_path, {"title": "t", "slides": slides})
    stage, _, _ = render(deck)
    image = QImage(1920, 1080, QImage.Format.Format_RGB32)
    image.fill(QColor("black"))
    painter = QPainter(image)
    stage.paint_furniture(painter, 11, 100, 0.0)
    painter.end()
    band = as_array(image)[1080 - 80:1080 - 20, :, :3].max(axis=2) > 60
    columns = np.flatnonzero(band.any(axis=0))
    assert len(columns) > 0
    assert columns.min() > 1920 - 400  # a short label at the right ("12 / 100") ...
    assert columns.max() - columns.min() < 250  # ... not a 780 px row of dots


@pytest.mark.parametrize("ys", [[2, 3, 9, 10, 10, 10, 5], [9, 8, 2, 1, 1, 1, 6], [5, 5, 5, 5]],
                         ids=["falls-into-the-last-point", "rises-into-it", "flat"])
def test_the_value_label_of_a_line_is_not_crossed_by_the_line(app, tmp_path, ys):
    deck = deck_from(tmp_path, {"title": "t", "slides": [{
        "type": "chart", "chart": "line", "title": "产值", "y_min": 0, "y_max": 12,
        "series": [{"name": "实时", "data": [[x, y] for x, y in enumerate(ys)]}]}]})
    stage, _, _ = render(deck)
    view = stage.view(0)
    label = view._labels[0][0]
    assert label.toPlainText() == str(ys[-1])
    box = label.sceneBoundingRect()
    viewbox = view._widget.getPlotItem().getViewBox()
    for x in np.linspace(0, len(ys) - 1, 2000):  # the line, densely sampled
        y = np.interp(x, range(len(ys)), ys)
        assert not box.contains(viewbox.mapViewToScene(QPointF(x, y))), (x, y)
