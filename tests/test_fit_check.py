"""`kiosk check` warns when a text cannot fit its slide at the legibility floor (#13 §3).

The show never shrinks text below the floor: it wraps it and, when the lines run out, cuts it
with "…". The check must say so before a visitor sees it, at the text's line, naming the
canvas. It measures with fontTools what the show measures with Qt: the two must agree.
"""

from __future__ import annotations

import re

import pytest

from kiosk.cli import main
from kiosk.core import layout
from kiosk.core.fit import fit_text, font_measure, font_spacing
from kiosk.core.fitcheck import boxes, fit_problems
from kiosk.core.loader import load_deck

from .conftest import DEMO_DECK

LONG = ("格力电器在第135届中国进出口商品交易会上展出了新一代家用空调、中央空调、光伏储能、"
        "智能装备、工业机器人、精密模具、新能源汽车零部件和智能家居系统，吸引了来自世界各地的"
        "采购商驻足洽谈，展位人流络绎不绝，现场签约金额再创新高，展示了珠海制造的创新实力，"
        "也展示了粤港澳大湾区先进制造业集群的整体水平与国际竞争力")
DECK = """\
title: t
languages: [zh, en]
exit_pin: "0427"
slides:
  - type: figures
    title: {zh: 短标题, en: A short title}
    items:
      - {value: 1, label: 一}
  - type: photo
    image: photo.png
    credit: {zh: 示意图, en: Illustration}
    caption:
      zh: %s
      en: Gree at the Canton Fair
"""


@pytest.fixture
def long_caption(tmp_path):
    from PySide6.QtGui import QColor, QImage  # a real picture: the deck must load clean

    image = QImage(64, 36, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    image.save(str(tmp_path / "photo.png"))
    path = tmp_path / "deck.yaml"
    path.write_text(DECK % LONG, encoding="utf-8")
    return path


def test_a_caption_too_long_for_the_slide_is_named_with_its_line(long_caption, capsys):
    assert main(["check", str(long_caption)]) == 0  # a warning: the show still runs
    out = capsys.readouterr().out
    line = next(n for n, text in enumerate(long_caption.read_text().splitlines(), 1)
                if text.strip().startswith("zh: 格力"))
    warnings = [w for w in out.splitlines() if "too long for the slide" in w]
    assert warnings, out
    landscape = next(w for w in warnings if "1920x1080" in w)
    assert re.search(rf"deck\.yaml:{line}: slides\[1\]\.caption\.zh: too long for the "
                     r"slide at 1920x1080 \(zh screen\): needs (\d+) lines at 52 px, room for 4; "
                     r"shorten it", landscape), landscape
    needed = int(re.search(r"needs (\d+) lines", landscape).group(1))
    assert needed > 4
    assert any("1080x1920" in w for w in warnings) or len(warnings) == 1  # reported once
    assert len([w for w in warnings if "slides[1].caption.zh" in w]) == 1
    assert not any("caption.en" in w or "slides[0]" in w for w in warnings), warnings


def test_strict_makes_it_a_problem(long_caption, capsys):
    assert main(["check", "--strict", str(long_caption)]) == 1
    assert "too long for the slide" in capsys.readouterr().out


def test_a_heading_too_long_is_named_with_its_line(tmp_path, capsys):
    title = " · ".join(["Equipment renewal and technological upgrading"] * 4)
    path = tmp_path / "deck.yaml"
    path.write_text(f"""\
title: t
canvas: 1920x1080
exit_pin: "0427"
slides:
  - type: figures
    title: {{zh: 设备更新, en: "{title}"}}
    items:
      - {{value: 1, label: 一}}
""", encoding="utf-8")
    main(["check", str(path)])
    out = capsys.readouterr().out
    # under the Chinese title on a zh screen (36 px) or as the title on an en screen (44 px)
    assert re.search(r"deck\.yaml:6: slides\[0\]\.title\.en: too long for the slide at "
                     r"(1920x1080|1080x1920) \((zh|en) screen\): needs \d+ lines at (36|44) px, "
                     r"room for [234]; shorten it", out), out


def test_the_demo_deck_fits_everywhere(capsys):
    result = load_deck(DEMO_DECK)
    assert fit_problems(result) == []
    main(["check", str(DEMO_DECK)])
    assert "too long" not in capsys.readouterr().out


def test_it_checks_every_kind_of_text_it_knows(tmp_path):
    """Headings and their partner line, captions, title slides, the source line: all boxes."""
    deck = load_deck(DEMO_DECK).deck
    fields = {box.path[2] if box.path[0] == "slides" else box.path[1]
              for box in boxes(deck, "zh", 1920, 1080)}
    assert {"title", "caption", "subtitle", "kicker", "source_note"} <= fields


# ---------------------------------------------------------------- the check measures as Qt


def _demo_texts() -> list[str]:
    deck = load_deck(DEMO_DECK).deck
    seen: dict[str, None] = {}
    for lang in ("zh", "en"):
        for box in boxes(deck, lang, 1920, 1080):
            seen.setdefault(box.text)
    return list(seen)


@pytest.mark.parametrize("bold", [False, True])
def test_fonttools_widths_match_qt(app, bold):
    from kiosk.qt.text import metrics

    qt = metrics(36, bold)
    ours = font_measure(36, bold)
    for text in _demo_texts():
        assert ours(text) == pytest.approx(qt.horizontalAdvance(text), rel=0.003), text
    assert font_spacing(36, bold) == pytest.approx(qt.lineSpacing(), abs=0.01)


def test_the_check_breaks_lines_where_the_show_does(app):
    """The same texts set in the same boxes come out in the same lines."""
    from kiosk.qt.text import layout as qt_layout

    width = layout.caption_width(1080)
    for text in _demo_texts():
        for px, bold in ((layout.CAPTION_PX, True), (layout.SOURCE_PX, False)):
            ours = fit_text(text, width, 4 * font_spacing(px, bold), px,
                            measure_at=lambda size, b=bold: font_measure(size, b),
                            spacing=lambda size, b=bold: font_spacing(size, b), min_px=px)
            shown = qt_layout(text, width, 4 * font_spacing(px, bold), px, bold=bold,
                              min_px=px)
            assert ours.lines == shown.lines, text


def test_a_title_slide_taller_than_the_slide_even_at_its_floors(tmp_path, capsys):
    """Each line fits its own box, but all of them, at their smallest, overflow the slide."""
    name = " · ".join(["人工智能", "低空经济", "人形机器人", "固态电池", "生物医药", "新型储能"])
    path = tmp_path / "deck.yaml"
    path.write_text(f"""\
title: t
canvas: 1280x720
exit_pin: "0427"
slides:
  - type: title
    kicker: 积极布局未来产业
    title: {{zh: {name}, en: AI · Low-altitude economy · Humanoid robots}}
    subtitle: {{zh: 加快构建万亿级现代化产业体系, en: A trillion-yuan modern industrial system}}
""", encoding="utf-8")
    main(["check", str(path)])
    out = capsys.readouterr().out
    assert re.search(r"deck\.yaml:5: slides\[0\]: title slide too tall for the slide at "
                     r"1280x720 \(zh screen\): its lines need \d+ px at their smallest, room "
                     r"for \d+; shorten the subtitle", out), out
