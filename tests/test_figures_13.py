"""Figures slides as a visitor sees them (#13): one grid, a hero for one number, targets that
do not look like results, simulated numbers marked, both languages at a readable size."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QPainter

from kiosk.core.feeds import FeedHub
from kiosk.core.feeds.feed import Reading
from kiosk.qt import theme
from kiosk.qt.slides.figures import FiguresView
from kiosk.qt.stage import Stage

from .conftest import DEMO_DECK, as_array
from .render_util import deck_from, record_drawn

SIZES = [(1920, 1080), (1080, 1920), (3840, 2160), (1280, 720)]


def figures(tmp_path, *slides, **deck):
    """A deck of figures slides: each slide a list of items (or a full slide mapping)."""
    return deck_from(tmp_path, {"title": "t", **deck, "slides": [
        s if isinstance(s, dict) else {"type": "figures", "title": {"zh": "标题", "en": "Title"},
                                       "items": s} for s in slides]})


def show(deck, index=0, size=(1920, 1080), lang=None, feeds=None, elapsed=1e6,
         animations=False):
    stage = Stage(deck, QSize(*size), lang=lang, animations=animations, feeds=feeds)
    image = stage.render(index, elapsed)
    return stage, as_array(image)


def colour_mask(pixels, colour, tolerance=40):
    """Pixels within ``tolerance`` of ``colour`` (a QColor) in every channel."""
    b, g, r = (pixels[:, :, i].astype(int) for i in range(3))
    return ((abs(r - colour.red()) < tolerance) & (abs(g - colour.green()) < tolerance)
            & (abs(b - colour.blue()) < tolerance))


def amber(pixels):
    return colour_mask(pixels, theme.WARM, 50)


def box(stage, rect):
    """A design-px QRectF as device (top, bottom, left, right) slice bounds."""
    r = stage.transform().mapRect(rect)
    return round(r.top()), round(r.bottom()), round(r.left()), round(r.right())


def bright(pixels, threshold=200):
    return pixels[:, :, :3].min(axis=2) > threshold  # near-white: the numbers and labels


def runs(flags):
    """(start, end) of each run of True in a 1-D boolean array."""
    padded = np.concatenate([[False], flags, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2], strict=True))


def accent_runs(stage, pixels):
    """Vertical runs of the cards' accent bar (x 96-102 on the canvas); the heading's bar is
    wider (96-104), so a column at x 102.6 tells them apart."""
    inside, beside = (round(stage.transform().map(QPointF(x, 0)).x()) for x in (99.0, 102.6))
    flags = (colour_mask(pixels[:, inside:inside + 1], theme.ACCENT, 30)[:, 0]
             & ~colour_mask(pixels[:, beside:beside + 1], theme.ACCENT, 60)[:, 0])
    return [(a, b) for a, b in runs(flags) if b - a > 20]


@pytest.fixture
def drawn(monkeypatch):
    """Every string the figures view draws, with its size in design px."""
    return record_drawn(monkeypatch, FiguresView, ("paint_content", "paint_over"))


# ---------------------------------------------------------------------------- targets
def test_a_target_is_outlined_not_filled_and_tagged(app, tmp_path):
    deck = figures(tmp_path, [
        {"value": 88, "unit": "%", "label": "实际完成"},
        {"value": 88, "unit": "%", "label": "计划目标", "kind": "target"}])
    stage, pixels = show(deck)
    result, target = stage.view(0).cards
    assert not result.target and target.target
    # the result's card is filled, the target's is not: the same spot inside each card
    for card, filled in ((result, True), (target, False)):
        t, b, left, right = box(stage, card.rect)
        patch = pixels[b - 60:b - 20, right - 60:right - 20, :3].astype(int).mean()
        background = pixels[b - 60:b - 20, right + 8:right + 16, :3].astype(int).mean()
        assert bool(patch - background > 4) is filled, (card, patch, background)
    # a dashed amber outline round the target only
    t, b, left, right = box(stage, target.rect)
    assert 0.3 < amber(pixels[t:t + 3, left:right]).any(axis=0).mean() < 0.9  # dashes, not a line
    t, b, left, right = box(stage, result.rect)
    assert not amber(pixels[t:b, left:right]).any()
    # the tag: amber text in an amber pill, right above the target's number
    assert not result.tags and len(target.tags) == 1
    tag = target.tags[0]
    t, b, left, right = box(stage, tag)
    assert amber(pixels[t:b, left:right]).mean() > 0.08
    assert 0 <= target.number.top() - tag.bottom() < 80
    # the number: solid for the result, an outline for the target (same value, same size)
    assert result.number.size() == target.number.size()
    solid = [bright(pixels[slice(*box(stage, c.number)[:2]), slice(*box(stage, c.number)[2:])])
             .mean() for c in (result, target)]
    assert solid[0] > 2.5 * solid[1] > 0, solid


def test_a_target_hero_is_framed_and_tagged_a_result_is_not(app, tmp_path):
    deck = figures(tmp_path, [{"value": 100, "unit": "亿元", "prefix": "不少于",
                               "label": "再投入园区配套设施建设", "kind": "target"}],
                   [{"value": 100, "unit": "亿元", "prefix": "不少于",
                     "label": "再投入园区配套设施建设"}])
    _, plan = show(deck, 0)
    _, done = show(deck, 1)
    assert amber(plan).sum() > 3000  # the dashed frame and the 目标 · TARGET tag
    assert amber(done).sum() < 50


def test_a_target_stands_while_a_result_counts_up(app, tmp_path):
    """A plan was never tallied: its number is there from the first frame, and the slide
    asks for no frames to count it."""
    deck = figures(tmp_path, [{"value": 20, "unit": "%", "prefix": "最高", "label": "奖补比例",
                               "kind": "target"}], [{"value": 20, "unit": "%", "label": "增速"}])
    for index, counts in ((0, False), (1, True)):
        stage = Stage(deck, QSize(1920, 1080), animations=True)
        first = as_array(stage.render(index, 0.0))
        last = as_array(stage.render(index, 30.0))
        assert (not np.array_equal(first, last)) is counts
        assert stage.view(index).animating(0.1) is counts


@pytest.mark.parametrize(("lang", "tag"), [
    ("zh", "目标 · TARGET"), ("zh-Hant", "目標 · TARGET"), ("en", "TARGET · 目标"),
    ("pt", "META · 目标")])
def test_the_target_tag_pairs_the_screens_language_with_its_partner(app, tmp_path, lang, tag):
    deck = figures(tmp_path, [{"value": 20, "unit": "%", "prefix": "最高", "label": "奖补比例",
                               "kind": "target"}], languages=["zh", "zh-Hant", "en", "pt"])
    stage, _ = show(deck, lang=lang)
    view = stage.view(0)
    assert view.tag_texts(deck.slides[0].items[0]) == [tag]


@pytest.mark.parametrize(("lang", "tag"), [
    ("zh", "即将出台 · UPCOMING"), ("zh-Hant", "即將出台 · UPCOMING"),
    ("en", "UPCOMING · 即将出台"), ("pt", "EM BREVE · 即将出台")])
def test_a_targets_own_tag_says_what_it_is(app, tmp_path, drawn, lang, tag):
    """A subsidy cap in a policy still to be issued is no goal (curator's review, slide 6):
    its tag: replaces 目标 · TARGET, paired like it; the card stays a target's."""
    deck = figures(tmp_path, [{"value": 20, "unit": "%", "prefix": "最高", "label": "奖补比例",
                               "kind": "target",
                               "tag": {"zh": "即将出台", "en": "Upcoming", "pt": "Em breve"}}],
                   languages=["zh", "zh-Hant", "en", "pt"], zh_hant_conversion="s2hk")
    stage, pixels = show(deck, lang=lang)
    texts = [text for text, _ in drawn]
    assert tag in texts, texts
    assert not [t for t in texts if "TARGET" in t or "目标" in t or "META" in t], texts
    (card,) = stage.view(0).cards
    assert card.target and len(card.tags) == 1
    t, b, left, right = box(stage, card.tags[0])
    assert amber(pixels[t:b, left:right]).mean() > 0.08  # an amber pill, as a target's


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
@pytest.mark.parametrize(("lang", "tag"), [("zh", "即将出台 · UPCOMING"),
                                           ("en", "UPCOMING · 即将出台")])
def test_the_demo_decks_subsidy_cap_is_tagged_upcoming(app, drawn, size, lang, tag):
    from kiosk.core import load_deck

    deck = load_deck(DEMO_DECK).deck
    stage = Stage(deck, QSize(*size), lang=lang, animations=False)
    stage.render(5, 1e6)  # slide 6: 最高20% of the policy 即将出台
    texts = [text for text, _ in drawn]
    assert tag in texts and not [t for t in texts if "TARGET" in t], texts


@pytest.fixture
def baselines(monkeypatch):
    """{text: baseline y} of every string the figures view draws at a point (the number
    line's words); a target's number is an outline path, read from its Card instead."""
    at: dict[str, float] = {}
    original = QPainter.drawText

    def record(self, *args):
        if isinstance(args[0], QPointF) and isinstance(args[-1], str):
            at.setdefault(args[-1], args[0].y())  # the first card's
        return original(self, *args)

    monkeypatch.setattr(QPainter, "drawText", record)
    return at


@pytest.mark.parametrize(("slide", "size", "beside", "over"), [
    (22, (1080, 1920), ("RMB", "bn"), ("at least",)),  # was "at least RMB" / "10 bn"
    (22, (1920, 1080), ("at least RMB", "bn"), ()),
    (20, (1920, 1080), ("million m²",), ()),  # was "4.32" / "million m²"
    (20, (1280, 720), ("million m²",), ()),
    (20, (1080, 1920), ("million m²",), ()),
    (14, (1080, 1920), ("RMB", "bn"), ())])
def test_an_amount_never_splits_across_lines(app, baselines, slide, size, beside, over):
    """"RMB 10 bn" and "4.32 million m²" are one phrase (curator's review, items 5 and 10):
    the number's words sit on its baseline; only a lead such as "at least" may stand on a
    line of its own, above the number."""
    from kiosk.core import load_deck

    deck = load_deck(DEMO_DECK).deck
    stage = Stage(deck, QSize(*size), lang="en", animations=False)
    stage.render(slide - 1, 1e6)
    numbers = [c.number for c in stage.view(slide - 1).cards]
    for words in beside:
        y = baselines.get(words)
        assert y is not None and any(abs(y - n.bottom()) < 1 for n in numbers), (
            words, baselines, numbers)
    for words in over:
        y = baselines.get(words)
        assert y is not None and all(y < n.top() for n in numbers), (words, baselines, numbers)


def test_a_count_may_put_its_noun_under_the_number_an_amount_may_not(app, tmp_path,
                                                                     baselines):
    """In cards too narrow for the words beside the number, a count's noun may go under it
    ("1,268" / "flights"); an area stays whole ("4.32 million m²"), its number smaller."""
    item = {"value": 1268, "unit": "架次", "label": {"zh": "架次", "en": "Today"}}
    area = {"value": 432, "unit": "万平方米", "label": {"zh": "面积", "en": "Leased"}}
    deck = figures(tmp_path, [item] * 6, [area] * 6)
    stage, _ = show(deck, 0, size=(1080, 1920), lang="en")
    counted = stage.view(0).cards[0]
    assert counted.stacked and baselines["flights"] > counted.number.bottom() + 10
    baselines.clear()
    stage, _ = show(deck, 1, size=(1080, 1920), lang="en")
    leased = stage.view(1).cards[0]
    assert not leased.stacked and abs(baselines["million m²"] - leased.number.bottom()) < 1


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1280, 720)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_hero_keeps_its_texts_inside_the_outlines_padding(app, tmp_path, size, lang):
    """Slide 6's one-line Chinese note ran to within ~10 px of the dashed frame on both
    sides (curator's review, item 6): text stays a padding's width inside it. Notes just
    under the slide's width, in both languages, and the demo deck's own slide 6."""
    from kiosk.core import load_deck

    note = {"zh": "新政策将首次把自制设备光伏系统储能设施纳入技改支持范围支持企业开展合作",
            "en": "Self-made equipment, solar power and energy storage to qualify for the "
                  "first time"}
    own = figures(tmp_path, [{"value": 20, "unit": "%", "prefix": "最高", "kind": "target",
                              "label": {"zh": "设备购置奖补比例", "en": "Subsidy"},
                              "note": note}])
    for deck, index in ((own, 0), (load_deck(DEMO_DECK).deck, 5)):
        stage = Stage(deck, QSize(*size), lang=lang, animations=False)
        pixels = as_array(stage.render(index, 1e6))
        (card,) = stage.view(index).cards
        t, b, left, right = box(stage, card.rect)
        pad = round(32 * stage.transform().m11())  # at least this much clear inside
        inside = pixels[t + 8:b - 8]
        for strip in (inside[:, left + 5:left + pad], inside[:, right - pad:right - 5]):
            ink = strip[:, :, :3].max(axis=2) > 120  # any text, white, grey or amber
            assert not ink.any(), (size, lang, index)


def test_a_heros_label_takes_one_line_in_a_wide_measure(app, tmp_path, drawn):
    """Slide 6's 20 was ~20% smaller in English than in Chinese: its label took two lines
    in a 1400 px column (curator's review, item 10). A landscape hero's texts wrap at 1600
    px, inside the outline's padding, so the label is one line and leaves the number its
    room; the number is then as big in English as in Chinese."""
    from kiosk.core import load_deck

    (item,) = load_deck(DEMO_DECK).deck.slides[5].items
    deck = figures(tmp_path, [item.model_dump(exclude_none=True, by_alias=True)],
                   languages=["zh", "zh-Hant", "en", "pt"])
    heights = []
    for lang in ("zh", "en"):
        drawn.clear()
        stage, _ = show(deck, lang=lang)
        heights.append(stage.view(0).cards[0].number.height())
        label = item.label.for_lang(lang)
        assert label in [text for text, _ in drawn], (lang, drawn)  # drawn as one line
    assert heights[1] >= 0.97 * heights[0], heights


# ---------------------------------------------------------------------------- simulated
def sim_deck(tmp_path, label=True):
    return figures(tmp_path, [
        {"value": {"source": "calls"}, "unit": "次/分钟", "decimals": 0, "label": "调用量"},
        {"value": 66, "unit": "%", "label": "签约率"}],
        sources={"calls": {"kind": "sim", "seed": 3, "start": 1850, "step": 5,
                           "refresh": "1s", "label": label}})


def test_a_simulated_number_is_marked_right_beside_it(app, tmp_path):
    (tmp_path / "b").mkdir()
    marked, unmarked = sim_deck(tmp_path), sim_deck(tmp_path / "b", label=False)
    images = []
    for deck in (marked, unmarked):
        hub = FeedHub(deck.sources, 0.0, 0.0)
        hub.tick(0.0, 0.0)
        stage, pixels = show(deck, feeds=hub)
        images.append((stage, pixels))
    stage, pixels = images[0]
    live, static = stage.view(0).cards
    assert len(live.tags) == 1 and not static.tags
    tag = live.tags[0]
    assert stage.view(0).tag_texts(marked.slides[0].items[0]) == ["模拟 · SIMULATED"]
    # right above the number, on its left edge: read together with it
    assert 0 <= live.number.top() - tag.bottom() < 80
    assert tag.left() <= live.number.left() + 40
    t, b, left, right = box(stage, tag)
    assert bright(pixels[t:b, left:right], 180).mean() > 0.05  # its text is there
    # label: false takes the mark away, and only the mark: the number reads the same
    plain_stage, plain = images[1]
    plain_live = plain_stage.view(0).cards[0]
    assert not plain_live.tags
    t, b, left, right = box(stage, live.number)
    t2, b2, left2, right2 = box(plain_stage, plain_live.number)
    assert (bright(pixels[t:b, left:right]) == bright(plain[t2:b2, left2:right2])).mean() > 0.97


# ---------------------------------------------------------------------------- languages
def test_a_note_shows_its_partner_language_at_a_readable_size(app, tmp_path, drawn):
    label = {"zh": "互联网和相关服务业营收增长", "en": "Internet services revenue"}
    deck = figures(tmp_path, [{"value": 433.4, "unit": "%", "label": label,
                               "note": {"zh": "增速全省第一", "en": "Fastest in Guangdong"}}])
    show(deck, lang="zh")
    sizes = dict(drawn)
    assert sizes["增速全省第一"] >= theme.FLOOR_SMALL
    assert sizes["Fastest in Guangdong"] >= theme.FLOOR_SMALL
    assert sizes["Internet services revenue"] >= theme.FLOOR_SECONDARY
    drawn.clear()
    show(deck, lang="en")
    sizes = dict(drawn)
    assert sizes["Fastest in Guangdong"] >= theme.FLOOR_SMALL
    assert sizes["增速全省第一"] >= theme.FLOOR_SMALL
    assert sizes["互联网和相关服务业营收增长"] >= theme.FLOOR_SECONDARY


def test_english_screens_read_money_and_area_in_english(app, tmp_path, drawn):
    deck = figures(tmp_path, [
        {"value": 92.64, "unit": "亿元", "label": {"zh": "产值", "en": "Output"}},
        {"value": 432, "unit": "万平方米", "label": {"zh": "租赁面积", "en": "Floor area leased"}},
        {"value": 5, "prefix": "第", "unit": "名", "label": {"zh": "全省排名", "en": "Rank"}}])
    show(deck, lang="en")
    texts = [text for text, _ in drawn]
    assert {"RMB", "9.26", "bn", "4.32", "million m²", "5th"} <= set(texts), texts
    assert not [t for t in texts if any(c in t for c in "亿万元第名")
                and t not in ("产值", "租赁面积", "全省排名")], texts
    drawn.clear()
    show(deck, lang="zh")
    assert {"92.64", "亿元", "432", "万平方米", "第", "5", "名"} <= {t for t, _ in drawn}


def test_the_english_count_up_moves_the_number_and_keeps_its_words(app, tmp_path, drawn):
    deck = figures(tmp_path, [{"value": 92.64, "unit": "亿元",
                               "label": {"zh": "产值", "en": "Output"}}])
    show(deck, lang="en", elapsed=0.4, animations=True)
    texts = [text for text, _ in drawn]
    assert "RMB" in texts and "bn" in texts
    moving = [t for t in texts if t.replace(".", "").isdigit()]
    assert len(moving) == 1 and 0 < float(moving[0]) < 9.26 and len(moving[0].split(".")[1]) == 2


# ---------------------------------------------------------------------------- the floor
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_figure_text_is_drawn_below_the_floor(app, drawn, size, lang):
    from kiosk.core import load_deck

    deck = load_deck(DEMO_DECK).deck
    assert deck is not None
    stage = Stage(deck, QSize(*size), lang=lang, animations=False)
    partner = "en" if lang == "zh" else "zh"
    for index, slide in enumerate(deck.slides):
        if slide.type != "figures":
            continue
        drawn.clear()
        stage.render(index, 1e6)
        assert drawn, f"slide {index + 1}: nothing drawn"
        seconds = [item.label.own(partner) for item in slide.items]
        for text, px in drawn:
            assert px >= theme.FLOOR_SMALL, (index + 1, text, px)
            if text and any(text in second for second in seconds if second):
                assert px >= theme.FLOOR_SECONDARY, (index + 1, text, px)


# ---------------------------------------------------------------------------- one grid
def test_cards_start_on_one_line_whatever_the_title_and_the_count(app, tmp_path):
    """Portrait: every figures slide's cards start on one line. Landscape: the group is
    centred in the room under the heading (test below), so the title never moves it."""
    item = {"value": 41, "unit": "家", "label": {"zh": "新增企业", "en": "New companies"}}
    # a long title (two lines in portrait) and a short one, a title without a partner line,
    # none at all: a heading longer still (three lines) would push the cards down
    long_title = {"zh": "2023年至2024年上半年 · 创新型企业梯队与制造业单项冠军",
                  "en": "2023 to H1 2024 · innovative companies"}
    deck = figures(tmp_path, [item] * 2,
                   {"type": "figures", "title": long_title, "items": [item] * 3},
                   {"type": "figures", "title": "只有中文标题", "items": [item] * 4},
                   {"type": "figures", "items": [item] * 2},
                   {"type": "figures", "title": "五项", "items": [item] * 5})
    for size, slides in (((1080, 1920), range(len(deck.slides))), ((1920, 1080), (0, 3))):
        tops = []
        for index in slides:
            stage, pixels = show(deck, index, size=size)
            tops.append(accent_runs(stage, pixels)[0][0])
        assert max(tops) - min(tops) <= 1, (size, tops)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_landscape_cards_are_centred_in_the_room_under_the_heading(app, lang):
    """Three cards at the top left 40% of the screen empty (curator's review, slides 9, 15,
    19, 20): the group is centred between the cards' line and the source line."""
    from kiosk.core import layout, load_deck
    from kiosk.qt.slides.figures_layout import grid_top

    deck = load_deck(DEMO_DECK).deck
    stage = Stage(deck, QSize(1920, 1080), lang=lang, animations=False)
    for number in (9, 15, 19, 20):
        pixels = as_array(stage.render(number - 1, 1e6))
        view = stage.view(number - 1)
        bars = accent_runs(stage, pixels)  # the cards as drawn: their accent bars
        scale = stage.transform().m22()
        top, bottom = bars[0][0] / scale, bars[-1][1] / scale
        above = top - grid_top(False)
        below = view.source_top() - layout.SOURCE_GAP - bottom
        assert above > 60, (number, above)  # not pressed under the heading
        assert abs(above - below) <= 3, (number, above, below)


def number_heights(stage, pixels, cards):
    """The height of each card's first band of near-white pixels: its number's digits."""
    heights = []
    for card in cards:
        t, b, left, right = box(stage, card.rect)
        rows = bright(pixels[t:b, left:right]).any(axis=1)
        start, end = runs(rows)[0]
        heights.append(end - start)
    return heights


def test_numbers_of_a_slide_share_one_size_so_labels_share_a_baseline(app, tmp_path):
    deck = figures(tmp_path, [
        {"value": 8, "unit": "%", "label": "短"},
        {"value": 12345.67, "unit": "%", "label": "长数字"},
        {"value": 96, "unit": "%", "label": "中"}])
    stage, pixels = show(deck)
    cards = stage.view(0).cards
    heights = number_heights(stage, pixels, cards)
    assert max(heights) - min(heights) <= 2, heights
    # the labels start on one line: the second band of bright rows in each card
    label_tops = []
    for card in cards:
        t, b, left, right = box(stage, card.rect)
        label_tops.append(runs(bright(pixels[t:b, left:right]).any(axis=1))[1][0])
    assert max(label_tops) - min(label_tops) <= 2, label_tops


def test_a_single_figure_is_a_centred_hero_of_about_300_px(app, tmp_path):
    deck = figures(tmp_path, [{"value": 92.64, "unit": "亿元", "change": "+27.95%",
                               "label": {"zh": "低空经济产业产值", "en": "Low-altitude output"}}])
    for size, scale in (((1920, 1080), 1.0), ((3840, 2160), 2.0)):
        _, pixels = show(deck, size=size)
        mask = bright(pixels)
        top = round(240 * scale)  # below the heading
        rows = runs(mask[top:].any(axis=1))
        start, end = rows[0]
        cap = (end - start) / scale
        assert 0.7 * 300 <= cap <= 0.8 * 300, cap  # digits of a ~300 px font
        columns = np.flatnonzero(mask[top + start:top + end].any(axis=0))
        centre = (columns[0] + columns[-1]) / 2 / scale
        # the number and its 亿元 (accent, not white) sit round the middle: white part left
        assert abs(centre - 960) < 160, centre
        assert columns[0] / scale > 300  # not pushed to the left edge of a half-empty card


def test_a_portrait_2x2_grid_has_no_gap_between_its_rows(app, tmp_path):
    item = {"value": 41, "unit": "家", "label": {"zh": "新增企业", "en": "New companies"},
            "note": "数量超过前4批次总和"}
    deck = figures(tmp_path, [item] * 4)
    stage, pixels = show(deck, size=(1080, 1920))
    bars = accent_runs(stage, pixels)
    assert len(bars) == 2
    assert bars[1][0] - bars[0][1] <= 45, bars  # the 40 px gutter, not ~390 px


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
@pytest.mark.parametrize("count", [3, 4])
def test_three_and_four_figures_fill_one_even_grid(app, tmp_path, size, count):
    item = {"value": 140.24, "unit": "亿元", "label": {"zh": "完成年度投资", "en": "Invested"}}
    deck = figures(tmp_path, [item] * count)
    stage, _ = show(deck, size=size)
    cards = stage.view(0).cards
    assert len({round(c.rect.width()) for c in cards}) == 1  # one column width
    assert len({round(c.rect.height()) for c in cards}) == 1  # rows of equal height
    rows = sorted({round(c.rect.top()) for c in cards})
    for upper, lower in itertools.pairwise(rows):
        height = round(cards[0].rect.height())
        assert abs(lower - upper - height - 40) <= 1  # one gutter
    for card in cards:  # every card inside the canvas, below the heading
        assert stage.canvas.height() * 0.15 < card.rect.top()
        assert card.rect.bottom() < stage.canvas.height() - 96 * 0.72


# ---------------------------------------------------------------------------- colours
@pytest.mark.parametrize(("languages", "rise"), [
    (["en", "zh"], theme.FALL_CN),  # international: a rise is green
    (["zh", "en"], theme.RISE_CN)])  # Chinese: a rise is red
def test_a_rise_is_green_for_an_english_first_deck_and_red_for_a_chinese_one(
        app, tmp_path, languages, rise):
    deck = figures(tmp_path, [{"value": 92.64, "unit": "亿元", "change": "+27.95%",
                               "label": {"zh": "产值", "en": "Output"}}], languages=languages)
    _, pixels = show(deck)
    other = theme.RISE_CN if rise == theme.FALL_CN else theme.FALL_CN
    assert colour_mask(pixels, rise, 30).sum() > 300
    assert colour_mask(pixels, other, 30).sum() < 20


def test_cards_with_long_texts_end_above_the_source_line(app, tmp_path, drawn):
    """Too much text for the slide: numbers get smaller, labels and notes go to their floors,
    then the last lines are cut; a card never runs into the source line."""
    long = {"zh": "“4+3”战略性新兴产业集群增加值同比增长，其中智能家电、集成电路、装备制造、"
                  "精细化工产业实现两位数增长，成为工业经济增长的主引擎",
            "en": "Year-on-year growth in value added of the '4+3' strategic emerging industry "
                  "clusters, with double-digit growth in smart home appliances, integrated "
                  "circuits, equipment manufacturing and fine chemicals"}
    item = {"value": 11.8, "unit": "%", "label": long, "note": long}
    deck = figures(tmp_path, [item] * 3, defaults={"source_note": long})
    for size in ((1920, 1080), (1080, 1920)):
        for lang in ("zh", "en"):
            drawn.clear()
            stage, _ = show(deck, size=size, lang=lang)
            view = stage.view(0)
            for card in view.cards:
                assert card.rect.bottom() <= view.source_top(), (size, lang, card.rect)
            assert min(px for _, px in drawn) >= theme.FLOOR_SMALL


def test_a_live_number_keeps_its_unit_beside_it_as_it_grows_a_digit(app, tmp_path):
    deck = figures(tmp_path, [{"value": {"source": "calls"}, "unit": "次/分钟", "decimals": 0,
                               "label": "调用量"}, {"value": 66, "unit": "%", "label": "签约率"}],
                   sources={"calls": {"kind": "sim", "seed": 3, "start": 999, "step": 0,
                                      "refresh": "1h"}})
    hub = FeedHub(deck.sources, 0.0, 0.0)
    hub.tick(0.0, 0.0)
    stage = Stage(deck, QSize(1920, 1080), animations=False, feeds=hub)
    gaps = []
    for k, value in enumerate((999.0, 100000.0, 7.0)):
        hub.feeds["calls"].accept(Reading(value, float(k + 1)), float(k + 1))
        stage.view(0).data_changed()
        pixels = as_array(stage.render(0, 1e6))
        card = stage.view(0).cards[0]
        t, b, _, _ = box(stage, card.number)
        _, _, left, right = box(stage, card.rect)
        band = pixels[t:b, left + 8:right]  # right of the card's accent bar
        white = np.flatnonzero(bright(band).any(axis=0))
        unit = np.flatnonzero(colour_mask(band, theme.ACCENT, 40).any(axis=0))
        gaps.append(unit[0] - white[-1])
    assert all(0 < gap < 40 for gap in gaps), gaps  # the unit follows the number's width
