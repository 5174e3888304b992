"""Charts in the FT / Bloomberg manner (#13 §3, §2, §1): what a visitor sees on the screen.

Each test renders a small deck of its own through the real stage and looks at the pixels
(or at the text the axes lay out). Bars are drawn in magenta (#ff00ff) so that "the series
colour" is unmistakable on the dark theme.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml
from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QImage, QPainter

from kiosk.core import load_deck
from kiosk.core.feeds import FeedHub
from kiosk.qt.stage import Stage

from .conftest import as_array
from .render_util import deck_from, render

MAGENTA = "#ff00ff"
CJK = re.compile(r"[\u3400-\u9fff]")
SIZES = [(1920, 1080), (1080, 1920), (3840, 2160), (1280, 720)]


def magenta(pixels):
    b, g, r = (pixels[..., k].astype(int) for k in range(3))
    return (r > 200) & (b > 200) & (g < 90)


def bar_deck(tmp_path, **slide):
    return deck_from(tmp_path, {"title": "t", "languages": ["zh", "en"], "slides": [{
        "type": "chart", "chart": "bar", "title": {"zh": "企业梯队", "en": "Company tiers"},
        "unit": "家",
        "series": [{"name": {"zh": "数量", "en": "Count"}, "color": MAGENTA, "data": [
            [{"zh": "专精特新“小巨人”", "en": "'Little giant' SMEs"}, 69],
            [{"zh": "A股上市企业", "en": "A-share listed companies"}, 49],
            [{"zh": "省级单项冠军", "en": "Provincial single champions"}, 23]]}],
        **slide}]})


def screen(stage, view, x, y):
    """Device pixel of the data point (x, y) on the rendered slide."""
    device = stage.transform().mapRect(view.last_rect)
    scene = view._widget.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    local = view._widget.mapFromScene(scene)
    return round(device.left() + local.x()), round(device.top() + local.y())


def drawn_ticks(view, name):
    """The tick labels an axis actually draws (pyqtgraph drops those that do not fit)."""
    axis = view._widget.getPlotItem().getAxis(name)
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _, _, text in specs[2]] if specs else []


# ---------------------------------------------------------------------------- bars
def test_the_highlighted_bar_is_in_the_series_colour_and_the_others_are_muted(app, tmp_path):
    deck = bar_deck(tmp_path, highlight={"zh": "A股上市企业", "en": "A-share listed companies"})
    stage, _, pixels = render(deck)
    view = stage.view(0)
    for k, value in enumerate([69, 49, 23]):
        x, y = screen(stage, view, k, value / 2)  # the middle of each bar
        patch = pixels[y - 3:y + 4, x - 3:x + 4]
        if k == 1:
            assert magenta(patch).all(), f"bar {k} is not in the series colour"
        else:
            assert not magenta(patch).any(), f"bar {k} is not muted"
            b, g, r = patch[3, 3, :3].astype(int)
            assert 50 < max(b, g, r) < 150 and b > r, f"bar {k}: {r, g, b} is not grey-blue"
    texts = [label.toPlainText() for label in view._labels[0]]
    assert texts == ["69家", "49家", "23家"]
    colours = [label.color.name() for label in view._labels[0]]
    assert colours[1] == MAGENTA and colours[0] != MAGENTA and colours[2] != MAGENTA


def test_without_a_highlight_every_bar_is_in_the_series_colour(app, tmp_path):
    stage, _, pixels = render(bar_deck(tmp_path))
    view = stage.view(0)
    for k, value in enumerate([69, 49, 23]):
        x, y = screen(stage, view, k, value / 2)
        assert magenta(pixels[y - 3:y + 4, x - 3:x + 4]).all()


def test_no_tick_mark_is_drawn_over_a_bar(app, tmp_path):
    """The old category axis drew 10 px ticks up into the plot, across each bar's foot."""
    stage, _, pixels = render(bar_deck(tmp_path))
    view = stage.view(0)
    for k in range(3):
        x, y = screen(stage, view, k, 0)  # the bar's foot on the baseline, at its centre
        foot = pixels[y - 24:y - 2, x - 6:x + 7]  # just above the baseline, in the bar
        assert magenta(foot).all(), f"something drawn over bar {k}'s foot"


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["portrait", "long-names"])
def test_bars_turn_horizontal_in_portrait_and_for_long_names(app, tmp_path, size):
    """Categories read on the left, values at the bars' ends."""
    long = {"zh": "国家级制造业单项冠军企业（2023年名单与2024年公示合计）",
            "en": "National manufacturing single champions (2023 list and 2024 notice)"}
    deck = bar_deck(tmp_path) if size[0] < size[1] else deck_from(tmp_path, {
        "title": "t", "languages": ["zh", "en"], "slides": [{
            "type": "chart", "chart": "bar", "title": "企业", "unit": "家",
            "series": [{"name": "数量", "color": MAGENTA, "data": [
                [long, 11], ["A股上市企业", 49], ["省级单项冠军", 23]]}]}]})
    stage, _, pixels = render(deck, size=size)
    view = stage.view(0)
    bar = magenta(pixels)
    # the longest bar (49) is a horizontal band: much wider than it is tall
    x0, y = screen(stage, view, 0, 1)
    x1, _ = screen(stage, view, 49, 1)
    row = bar[y, :]
    assert row[x0 + 4:x1 - 4].all() and not row[x1 + 3:x1 + 12].any()  # then its label
    column = bar[:, (x0 + x1) // 2]
    top, bottom = y, y
    while column[top - 1]:
        top -= 1
    while column[bottom + 1]:
        bottom += 1
    assert 20 < bottom - top < (x1 - x0) / 2  # the band through the bar's middle
    # its category is written left of the bars, its value right of its end
    plot_left = screen(stage, view, 0, 1)[0]
    text = pixels[y - 20:y + 20, : plot_left - 4, :3].max(axis=2) > 180
    assert text.sum() > 100, "no category name left of the bar"
    label = view._labels[0][1]
    assert label.toPlainText() == "49家"
    box = stage.transform().mapRect(view.last_rect)
    left = box.left() + view._widget.mapFromScene(label.sceneBoundingRect().topLeft()).x()
    assert left > x1


def longest_run(mask):
    """The longest run of True along the last axis, over all rows."""
    padded = np.pad(mask.astype(np.int8), ((0, 0), (1, 1)))
    edges = np.diff(padded, axis=1)
    starts, ends = np.nonzero(edges == 1), np.nonzero(edges == -1)
    return int((ends[1] - starts[1]).max()) if starts[1].size else 0


def upright(stage, pixels):
    """True when the bars stand: the longest bar runs up the screen, not across it."""
    bars = magenta(pixels)
    return longest_run(bars.T) > longest_run(bars)


def test_vertical_bars_stay_vertical_in_landscape_with_short_names(app, tmp_path):
    stage, _, pixels = render(bar_deck(tmp_path))
    assert upright(stage, pixels)


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
def test_a_deck_may_choose_the_bars_direction(app, tmp_path, orientation):
    stage, _, pixels = render(bar_deck(tmp_path, orientation=orientation),
                              size=(1080, 1920) if orientation == "vertical" else (1920, 1080))
    assert upright(stage, pixels) is (orientation == "vertical")


def test_a_long_category_name_breaks_between_phrases_not_inside_a_word(app, tmp_path):
    deck = deck_from(tmp_path, {"title": "t", "slides": [{
        "type": "chart", "chart": "bar", "title": "企业", "orientation": "vertical",
        "series": [{"name": "数量", "data": [
            ["专精特新“小巨人”企业", 69], ["国家级制造业单项冠军", 11], ["A股上市企业", 49],
            ["互联网和相关服务", 30], ["软件和信息技术服务", 20], ["省级单项冠军", 23]]}]}]})
    stage, _, _ = render(deck, size=(1280, 720))
    names = drawn_ticks(stage.view(0), "bottom")
    assert len(names) == 6
    lines = [line for name in names for line in name.split("\n")]
    assert any("\n" in name for name in names)  # some had to wrap
    for word in ("小巨人", "单项冠军", "服务", "企业"):
        for name in names:
            if word in name.replace("\n", ""):
                assert any(word in line for line in name.split("\n")), (word, name)
    assert all(len(line) > 1 for line in lines)  # no character alone on a line


# ---------------------------------------------------------------------------- axes
def line_deck(tmp_path, **slide):
    return deck_from(tmp_path, {"title": "t", "languages": ["zh", "en"], "slides": [{
        "type": "chart", "chart": "line", "title": "使用率", "y_min": 40, "y_max": 100,
        "series": [{"name": {"zh": "使用率", "en": "Utilisation"}, "color": MAGENTA,
                    "data": [[0, 45], [1, 48], [2, 46], [3, 50]]}], **slide}]})


def test_the_value_axis_labels_both_its_ends_and_has_no_minor_gridlines(app, tmp_path):
    stage, _, pixels = render(line_deck(tmp_path))
    view = stage.view(0)
    assert drawn_ticks(view, "left") == ["40", "50", "60", "70", "80", "90", "100"]
    # the gridlines a viewer sees, in the plot's empty top half: one per labelled tick
    x_left, y_top = screen(stage, view, 0, 100)
    x_right, y_mid = screen(stage, view, 3, 72)
    strip = pixels[y_top - 3:y_mid, x_left + 40:x_right - 40, :3].astype(int)
    background = np.median(strip, axis=(0, 1))
    lit = (np.abs(strip - background).max(axis=2) > 6).mean(axis=1) > 0.9
    rows = np.flatnonzero(lit)
    groups = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if rows.size else []
    centres = [y_top - 3 + g.mean() for g in groups]
    expected = [screen(stage, view, 0, v)[1] for v in (100, 90, 80)]
    assert len(centres) == 3, (centres, expected)  # 100, 90, 80: no lines between them
    assert np.allclose(centres, expected, atol=3)
    # the top end's label is drawn, level with its gridline
    label = pixels[y_top - 14:y_top + 14, : x_left - 4, :3].max(axis=2) > 120
    assert label.sum() > 40, "the axis's top end is not labelled"


def test_a_single_series_has_no_legend_box_its_value_sits_at_the_line_end(app, tmp_path):
    """The old chart put a legend box (swatch and name) in the plot's top left corner."""
    stage, _, pixels = render(line_deck(tmp_path))
    view = stage.view(0)
    x0, y_top = screen(stage, view, 0, 100)
    _, y_low = screen(stage, view, 0, 70)
    left = round(stage.transform().mapRect(view.last_rect).left())
    corner = pixels[y_top:y_low, left:x0 + 400]
    assert not magenta(corner).any(), "a legend swatch in the corner"
    assert view._widget.getPlotItem().legend is None
    label = view._labels[0][0]
    assert label.toPlainText() == "50"
    x_end, y_end = screen(stage, view, 3, 50)
    box = stage.transform().mapRect(view.last_rect)
    rect = label.sceneBoundingRect()
    left = box.left() + view._widget.mapFromScene(rect.topLeft()).x()
    top = box.top() + view._widget.mapFromScene(rect.topLeft()).y()
    bottom = box.top() + view._widget.mapFromScene(rect.bottomLeft()).y()
    assert left > x_end and top < y_end < bottom  # right of the line's end, level with it


def test_the_unit_is_a_subtitle_under_the_title_not_a_rotated_axis_title(app, tmp_path):
    deck = line_deck(tmp_path, y_label={"zh": "使用率（%）", "en": "Utilisation (%)"})
    stage, _, pixels = render(deck)
    view = stage.view(0)
    assert not view._widget.getPlotItem().getAxis("left").label.isVisible()
    plot_top = round(stage.transform().mapRect(view.last_rect).top())
    above = pixels[plot_top - 120:plot_top - 20, 96:700, :3].max(axis=2) > 150
    assert above.sum() > 300, "no subtitle between the title and the plot"
    left_of_plot = pixels[plot_top + 200:plot_top + 500, 60:108, :3].max(axis=2) > 150
    assert left_of_plot.sum() == 0  # nothing written sideways along the axis


def test_an_english_screen_shows_the_charts_own_english(app, tmp_path):
    deck = bar_deck(tmp_path, highlight={"zh": "A股上市企业", "en": "A-share listed companies"},
                    subtitle={"zh": "企业数量（家）", "en": "Number of companies"},
                    y_label={"zh": "企业数", "en": "Companies"})
    stage = Stage(deck, QSize(1920, 1080), lang="en", animations=False)
    stage.render(0, 1e6)
    view = stage.view(0)
    shown = [*drawn_ticks(view, "bottom"), *drawn_ticks(view, "left"),
             *(label.toPlainText() for label in view._labels[0])]
    assert "'Little giant' SMEs" in "".join(shown)
    assert not [t for t in shown if CJK.search(t)], shown
    # 家 reads as nothing where the subtitle already says companies
    assert [label.toPlainText() for label in view._labels[0]] == ["69", "49", "23"]
    assert view.frame.subtitle() == "Number of companies"
    stage.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_chart_text_is_never_below_the_legibility_floor(app, tmp_path, size):
    """28 px at the 1920x1080 design canvas (36 for the subtitle), scaled with the screen."""
    deck = bar_deck(tmp_path, subtitle={"zh": "企业数量（家）", "en": "Number of companies"})
    stage, _, _ = render(deck, size=size)
    view = stage.view(0)
    s = view.ctx.scale
    plot = view._widget.getPlotItem()
    for name in ("left", "bottom"):
        px = plot.getAxis(name).style["tickFont"].pixelSize()
        assert px >= 28 * s - 1, (name, px)
    for label in view._labels[0]:
        assert label.textItem.font().pixelSize() >= 28 * s - 1


# ---------------------------------------------------------------------------- live lines
def feed_deck(tmp_path, rows, sim_label=None, lang_en=False):
    (tmp_path / "data.csv").write_text(
        "t,v\n" + "".join(f"{t},{v}\n" for t, v in rows), encoding="utf-8")
    sources = {"data": {"kind": "file", "path": "data.csv", "window": 1000}}
    if sim_label is not None:
        sources = {"data": {"kind": "sim", "seed": 11, "start": 72, "step": 1.6, "min": 55,
                            "max": 93, "refresh": "1s", "window": 120, "label": sim_label}}
    (tmp_path / "deck.yaml").write_text(yaml.safe_dump({
        "title": "t", "languages": ["zh", "en"], "sources": sources,
        "slides": [{"type": "chart", "title": "实时", "y_min": 0, "y_max": 100, "unit": "%",
                    "decimals": 1,
                    "series": [{"name": {"zh": "使用率", "en": "Utilisation"},
                                "source": "data", "color": MAGENTA}]}]},
        allow_unicode=True), encoding="utf-8")
    deck = load_deck(tmp_path / "deck.yaml").deck
    assert deck is not None
    return deck


def live_stage(deck, size=(1920, 1080), ticks=0, lang=None):
    hub = FeedHub(deck.sources, now=0, wall=1_700_000_000)
    hub.tick(0, 1_700_000_000)
    hub.wait_idle(timeout=30)
    for step in range(ticks + 1):
        hub.tick(step, 1_700_000_000 + step)
        hub.wait_idle(timeout=30)
    stage = Stage(deck, QSize(*size), lang=lang, animations=False, feeds=hub)
    return stage, hub, as_array(stage.render(0, 1e6))


def test_a_live_line_ends_without_a_vertical_stroke(app, tmp_path):
    """Two readings stamped with the same time (a source read twice in a tick) drew a
    vertical stroke at the line's end: the last moment shows its latest value only."""
    t0 = 1_700_000_000
    rows = [(t0 + 10 * k, 20) for k in range(12)] + [(t0 + 120, 20), (t0 + 120, 80)]
    stage, hub, pixels = live_stage(feed_deck(tmp_path, rows))
    try:
        view = stage.view(0)
        xs, ys = view._items[0].curve.getData()
        assert (xs[-1], ys[-1]) == (t0 + 120, 80)
        assert np.all(np.diff(xs) > 0)  # one point per moment
        x_end, _ = screen(stage, view, t0 + 120, 80)
        _, y_mid = screen(stage, view, t0 + 120, 50)
        _, y_low = screen(stage, view, t0 + 120, 25)
        column = magenta(pixels[y_mid - 40:y_low, x_end - 2:x_end + 3])
        assert not column.any(), "a vertical stroke under the line's last point"
        assert view._labels[0][0].toPlainText() == "80.0%"
    finally:
        stage.close()
        hub.close()


def test_the_last_value_of_a_portrait_live_line_never_sits_on_the_line(app, tmp_path):
    """The portrait "66.5%" collision: a line that zigzags around its last value crossed a
    label put beside its last point. Compared without the label, no pixel of the line lies
    inside the label's ink."""
    t0 = 1_700_000_000
    rows = [(t0 + k, 66.5 + (3 if k % 2 else -3) * (k > 80)) for k in range(120)]
    rows[-1] = (t0 + 119, 66.5)
    stage, hub, with_label = live_stage(feed_deck(tmp_path, rows), size=(1080, 1920))
    try:
        view = stage.view(0)
        label = view._labels[0][0]
        assert label.toPlainText() == "66.5%"
        label.hide()
        view._render(view._image.size())
        without = as_array(stage.render(0, 1e6))
        ink = np.abs(with_label[..., :3].astype(int) - without[..., :3].astype(int)).max(2) > 40
        rows_, cols = np.nonzero(ink)
        assert rows_.size > 100, "no label drawn"
        box = (slice(rows_.min(), rows_.max() + 1), slice(cols.min(), cols.max() + 1))
        assert not magenta(without[box]).any(), "the line runs through its value label"
    finally:
        stage.close()
        hub.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_simulated_line_says_so_beside_its_value_inside_the_plot(app, tmp_path, lang):
    """Not only the corner pill: 模拟 · SIMULATED next to the line's value (#13 §1)."""
    marked, hub, with_mark = live_stage(feed_deck(tmp_path, [], sim_label=True), ticks=60,
                                        lang=lang)
    unmarked, hub2, without = live_stage(feed_deck(tmp_path, [], sim_label=False), ticks=60,
                                         lang=lang)
    try:
        view = marked.view(0)
        text = view._labels[0][0].toPlainText()
        assert "SIMULATED" in text and "模拟" in text, text  # one mark, paired (uistrings)
        for stage, pixels, marks in ((marked, with_mark, True), (unmarked, without, False)):
            view = stage.view(0)
            plot = stage.transform().mapRect(view.last_rect).toRect()
            xs, ys = view._items[0].getData()
            x_end, y_end = screen(stage, view, xs[-1], ys[-1])
            # right of the line's end, under its value, inside the plot: light text
            below = pixels[y_end + 24:y_end + 90, x_end + 10:plot.right(), :3].astype(int)
            text = (below.max(axis=2) > 120) & ~magenta(below)
            assert bool(text.sum() > 150) is marks, (marks, text.sum())
    finally:
        for stage, feeds in ((marked, hub), (unmarked, hub2)):
            stage.close()
            feeds.close()


# ---------------------------------------------------------------------------- arithmetic
def test_the_value_axis_ends_on_round_labelled_ticks():
    from kiosk.qt.slides.chart_scale import headroom, value_scale

    scale = value_scale(0, headroom(433.4, 0, 0.11), fixed_low=0)
    assert (scale.low, scale.high) == (0, 500) and scale.ticks == (0, 100, 200, 300, 400, 500)
    assert value_scale(45, 50, fixed_low=40, fixed_high=100).ticks == (
        40, 50, 60, 70, 80, 90, 100)
    assert value_scale(1, 11, fixed_low=0, fixed_high=12).ticks == (0, 2, 4, 6, 8, 10, 12)
    odd = value_scale(5, 15, fixed_low=3, fixed_high=17)  # the deck's own ends: labelled
    assert odd.ticks[0] == 3 and odd.ticks[-1] == 17 and 10 in odd.ticks
    assert value_scale(0.1, 0.3).ticks == (0.1, 0.15, 0.2, 0.25, 0.3)  # no 0.30000000000000004


def test_a_moment_read_twice_keeps_its_latest_value():
    from kiosk.qt.slides.chart_data import one_per_moment

    xs, ys = one_per_moment(np.array([1.0, 2.0, 2.0, 3.0, 3.0, 3.0]),
                            np.array([10.0, 20.0, 21.0, 30.0, 31.0, 32.0]))
    assert xs.tolist() == [1, 2, 3] and ys.tolist() == [10, 21, 32]


def test_a_negative_bar_is_labelled_below_its_end_with_a_minus_sign(app, tmp_path):
    deck = deck_from(tmp_path, {"title": "t", "slides": [{
        "type": "chart", "chart": "bar", "title": "增速", "unit": "%",
        "series": [{"name": "增速", "color": MAGENTA,
                    "data": [["甲", -5], ["乙", 12], ["丙", 0]]}]}]})
    stage, _, pixels = render(deck)
    view = stage.view(0)
    label = view._labels[0][0]
    assert label.toPlainText() == "\u22125%"
    box = stage.transform().mapRect(view.last_rect)
    rect = label.sceneBoundingRect()
    top = box.top() + view._widget.mapFromScene(rect.topLeft()).y()
    bottom = box.top() + view._widget.mapFromScene(rect.bottomLeft()).y()
    _, bar_end = screen(stage, view, 0, -5)
    _, axis_end = screen(stage, view, 0, view.scale_.low)
    assert bar_end < top and bottom <= axis_end + 2  # under the bar, inside the plot
    ink = magenta(pixels[round(top):round(bottom), :]).sum()
    assert ink > 100  # and drawn


def test_tick_numbers_read_as_the_screens_language_writes_them():
    from kiosk.qt.slides.chart_axes import tick_text

    assert [tick_text(12000, lang) for lang in ("zh", "en", "pt")] == [
        "12000", "12,000", "12\u00a0000"]
    assert [tick_text(2.5, lang) for lang in ("zh", "en", "pt")] == ["2.5", "2.5", "2,5"]
    assert tick_text(-5, "en") == "\u22125"


# ---------------------------------------------------------------------------- labels on the grid
def device_rect(stage, view, item):
    """An item's rectangle on the rendered slide, in device pixels."""
    box = stage.transform().mapRect(view.last_rect)
    rect = item.sceneBoundingRect()
    top_left = view._widget.mapFromScene(rect.topLeft())
    bottom_right = view._widget.mapFromScene(rect.bottomRight())
    return (box.left() + top_left.x(), box.top() + top_left.y(),
            box.left() + bottom_right.x(), box.top() + bottom_right.y())


def struck_through(stage, view, pixels):
    """For each gridline that crosses a value label's rectangle: how many pixels along it,
    inside the rectangle, still show the gridline (lighter than the background just either
    side of it, which is alike: no letter there; a letter's edge may look so for a pixel
    or two). Returns [(label, tick, pixels)]."""
    vertical = view.horizontal  # horizontal bars: the value axis runs across, lines stand
    light = pixels[..., :3].astype(int).sum(axis=2)
    found = []
    for label in (lab for labels in view._labels for lab in labels):
        if not label.toPlainText():
            continue
        left, top, right, bottom = device_rect(stage, view, label)
        for tick in view.scale_.ticks:
            x, y = screen(stage, view, tick, tick)
            at = x if vertical else y
            if not ((left if vertical else top) + 6 < at < (right if vertical else bottom) - 6):
                continue
            if vertical:
                line = light[round(top):round(bottom), at]
                before = light[round(top):round(bottom), at - 5]
                after = light[round(top):round(bottom), at + 5]
            else:
                line = light[at, round(left):round(right)]
                before = light[at - 5, round(left):round(right)]
                after = light[at + 5, round(left):round(right)]
            lift = line - (before + after) / 2  # a gridline: about +90, a letter: far more
            shown = (lift > 30) & (lift < 180) & (abs(before - after) < 8)
            found.append((label.toPlainText(), tick, int(shown.sum())))
    return found


def ending_on_a_gridline(tmp_path):
    return line_deck(tmp_path, y_min=0, y_max=100, series=[{
        "name": {"zh": "使用率", "en": "Utilisation"}, "color": MAGENTA,
        "data": [[0, 45], [1, 52], [2, 58], [3, 60]]}])


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", ["line", "bars"])
def test_no_gridline_runs_through_a_value_label(app, tmp_path, kind, size):
    """The curator's review: the 60 line struck through "60架" and 模拟 · SIMULATED. A
    label sits on the background; the gridline stops either side of it. Bars: vertical in
    landscape (labels above, horizontal gridlines), horizontal in portrait (labels right
    of the bars, gridlines standing)."""
    if kind == "line":
        deck = ending_on_a_gridline(tmp_path)
    else:
        deck = bar_deck(tmp_path, series=[{"name": "数量", "color": MAGENTA, "data": [
            ["甲", 56], ["乙", 37], ["丙", 18]]}])
    stage, _, pixels = render(deck, size=size)
    try:
        found = struck_through(stage, stage.view(0), pixels)
        assert found, "no gridline crosses a label: the test shows nothing"
        assert all(n <= 2 for _, _, n in found), found
    finally:
        stage.close()


def steady_sim_deck(tmp_path, value):
    """A simulated feed that reads ``value`` at every tick (a walk with no step)."""
    (tmp_path / "deck.yaml").write_text(yaml.safe_dump({
        "title": "t", "languages": ["zh", "en"], "sources": {"data": {
            "kind": "sim", "start": value, "step": 0, "refresh": "1s", "window": 120}},
        "slides": [{"type": "chart", "title": "实时", "y_min": 0, "y_max": 100, "unit": "架",
                    "decimals": 0, "series": [{"name": {"zh": "在飞", "en": "Airborne"},
                                               "source": "data", "color": MAGENTA}]}]},
        allow_unicode=True), encoding="utf-8")
    deck = load_deck(tmp_path / "deck.yaml").deck
    assert deck is not None
    return deck


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_gridline_runs_through_a_simulated_mark(app, tmp_path, lang, size):
    """A live simulated line: its value and 模拟 · SIMULATED under it lie on the background;
    the reading, 63, sits just above the 60 gridline, which crosses the label."""
    stage, hub, pixels = live_stage(steady_sim_deck(tmp_path, 63), ticks=5,
                                    lang=lang, size=size)
    try:
        view = stage.view(0)
        assert "SIMULATED" in view._labels[0][0].toPlainText()
        found = struck_through(stage, view, pixels)
        assert found and all(n <= 2 for _, _, n in found), found
    finally:
        stage.close()
        hub.close()
