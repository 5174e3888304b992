"""`kiosk check` names every character that no bundled font draws (#14), at its file and line.

Qt-free: the coverage comes from the bundled fonts' own character maps (fontTools).
"""

from __future__ import annotations

import pytest

from kiosk.cli import main
from kiosk.core import glyphs, load_deck

BOXES = "these show as boxes where the system has no such font"
NOT_IN_NOTO_CJK = "\U0002144d\U00023236\U000255fd"  # 𡑍 𣈶 𥗽 (assets/fonts/make_fonts.py)


def test_check_warns_with_file_and_line_and_exits_0(write, capsys):
    deck = write("d.yaml", """
        title: 港珠澳
        exit_pin: "0427"
        slides:
          - type: title
            title: 吉祥
            subtitle: 吉 𠮷 😀 好
    """)
    assert main(["check", str(deck)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(
        "d.yaml:6: slides[0].subtitle: no bundled glyph for 𠮷 (U+20BB7), 😀 (U+1F600); "
        + BOXES)
    assert ": ok: 1 slides (1 title)" in out[1]
    assert len(out) == 2


def test_strict_makes_every_warning_a_problem(write, capsys):
    deck = write("d.yaml", """
        title: t
        exit_pin: "0427"
        slides:
          - {type: title, title: "𠮷 and 😀"}
    """)
    assert main(["check", "--strict", str(deck)]) == 1
    captured = capsys.readouterr()
    assert "d.yaml:4: slides[0].title: no bundled glyph for 𠮷 (U+20BB7), 😀 (U+1F600)" in (
        captured.out)
    assert ": ok:" not in captured.out
    assert captured.err.strip().endswith("d.yaml: 1 problem")
    clean = write("clean.yaml", 'title: 港珠澳大桥\nexit_pin: "0427"\n'
                  "slides:\n  - {type: title, title: 好}\n")
    assert main(["check", "--strict", str(clean)]) == 0
    no_pin = write("nopin.yaml", "title: t\nslides:\n  - {type: title, title: 好}\n")
    assert main(["check", "--strict", str(no_pin)]) == 1  # the PIN warning counts too


def test_every_shown_string_is_checked_and_program_strings_are_not(write, capsys):
    (write("photos/x.png", "")).write_bytes(b"")  # an asset problem is not the point here
    deck = write("d.yaml", """
        title: t
        exit_pin: "0427"
        languages: [zh, en, pt]
        slides:
          - type: figures
            notes: 😀 presenters only, never shown
            items:
              - value: 1
                unit: 万☃
                prefix: ☂
                label: {zh: 人, en: people, pt: "pessoas ⛄"}
          - type: chart
            series:
              - name: 线
                data: [["澳門☔", 1], ["x", 2]]
    """)
    main(["check", str(deck)])
    out = capsys.readouterr().out
    assert "d.yaml:9: slides[0].items[0].unit: no bundled glyph for ☃ (U+2603)" in out
    assert "d.yaml:10: slides[0].items[0].prefix: no bundled glyph for ☂ (U+2602)" in out
    assert "d.yaml:11: slides[0].items[0].label: no bundled glyph for ⛄ (U+26C4)" in out
    # 門 needs the Traditional font, which a deck without zh-Hant does not load
    assert ("d.yaml:15: slides[1].series[0].data[0][0]: no bundled glyph for 門 (U+9580), "
            "☔ (U+2614); " + BOXES) in out
    assert "U+1F600" not in out  # notes are never drawn


def test_traditional_only_characters_say_which_setting_draws_them(write, capsys):
    deck = write("d.yaml", """
        title: 澳門
        exit_pin: "0427"
        slides:
          - {type: title, title: 港珠澳大橋}
    """)
    assert main(["check", str(deck)]) == 0
    out = capsys.readouterr().out
    assert "d.yaml:1: title: no bundled glyph for 門 (U+9580); " + BOXES + (
        "; the bundled Traditional font has them: list zh-Hant in the deck's languages "
        "to load it") in out
    assert "d.yaml:4: slides[0].title: no bundled glyph for 橋 (U+6A4B)" in out
    listed = write("listed.yaml", """
        title: 澳門
        exit_pin: "0427"
        languages: [zh-Hant, en]
        slides:
          - {type: title, title: 港珠澳大橋}
    """)
    assert main(["check", str(listed)]) == 0
    assert "no bundled glyph" not in capsys.readouterr().out


def test_warning_in_an_included_file_names_that_file_and_its_own_index(write, capsys):
    write("parts/more.yaml", """
        slides:
          - {type: title, title: 好}
          - type: title
            title: ok
            kicker: "🚀 起飞"
    """)
    deck = write("d.yaml", """
        title: t
        exit_pin: "0427"
        slides:
          - {type: title, title: a}
          - include: parts/more.yaml
    """)
    assert main(["check", str(deck)]) == 0
    out = capsys.readouterr().out
    assert "more.yaml:5: slides[1].kicker: no bundled glyph for 🚀 (U+1F680)" in out


def test_spaces_controls_joiners_and_selectors_are_not_missing_glyphs():
    covered = glyphs.coverage(False)
    text = "a\tb\nc d\u00a0e\u3000f\u200bg\u200dh\u2060i\ufe0fj\ufe0ek\u00ad✓\ufe0f"
    assert glyphs.missing(text, covered) == []
    assert glyphs.missing("Sa\u0303o Joa\u0303o, cafe\u0301, Conceic\u0327a\u0303o", covered) == []
    assert glyphs.missing("😀 𠮷 😀", covered) == ["😀", "𠮷"]


def test_the_check_reads_the_bundled_cmaps_big5_and_hk_common_use():
    simplified, both = glyphs.coverage(False), glyphs.coverage(True)
    big5_hanzi = set()
    for code in range(0x4E00, 0xA000):
        try:
            chr(code).encode("big5")
        except UnicodeEncodeError:
            continue
        big5_hanzi.add(code)
    assert len(big5_hanzi) == 13_061  # the common and less-common sets (5,401 + 7,652 + 8)
    assert big5_hanzi <= both
    assert not big5_hanzi <= simplified
    # HKSCS in common use: Hong Kong's 常用字字形表 and HK/Macao everyday characters
    assert all(ord(c) in both for c in "峯綫衞啓㗎嘅噉")
    # Portuguese and all of Latin-1, drawn by the same (SC) family as English
    assert {*range(0x20, 0x7F), *range(0xA0, 0x100)} <= glyphs.cmap(glyphs.SIMPLIFIED)


LATIN_1_AND_EXTENDED_A = {*range(0xA0, 0x180)} - {0xAD}  # not the soft hyphen: invisible


def test_every_latin_1_and_latin_extended_a_letter_has_a_bundled_glyph():
    """Noto Sans CJK 2.004 draws 30 of the 128 letters of Latin Extended-A (pinyin's and
    Vietnamese's); the Latin family draws the other 98 (Polish, Czech, Turkish, Hungarian …)
    and nothing the Simplified family draws, so English keeps every glyph it had."""
    simplified, latin = glyphs.cmap(glyphs.SIMPLIFIED), glyphs.cmap(glyphs.LATIN)
    assert len(set(range(0x100, 0x180)) & simplified) == 30
    assert len(latin) == 98 and not latin & simplified
    for traditional in (False, True):
        assert not LATIN_1_AND_EXTENDED_A - glyphs.coverage(traditional)
        assert glyphs.missing("Ā ǎ Ō Ū Đ Œ — Łódź, Český, İstanbul, Győr, Şişli, Żółć",
                              glyphs.coverage(traditional)) == []


@pytest.mark.parametrize("style", [0, 1])
def test_the_latin_letters_are_drawn_in_the_design_of_noto_sans_cjk_latin(style):
    """Noto Sans CJK's Latin is Source Sans, scaled and (Bold) set lighter; the Latin family
    is Source Sans 3 made the same way. Proof: each accented letter is as wide as its base
    letter in the Simplified file, within a font unit (ď and ľ carry a wider caron)."""
    import unicodedata

    from fontTools.ttLib import TTFont

    sc, la = (TTFont(str(glyphs.font_files(f)[style]), lazy=True)
              for f in (glyphs.SIMPLIFIED, glyphs.LATIN))
    sc_map, la_map = sc.getBestCmap(), la.getBestCmap()
    widths = {}
    for code in la_map:
        base = ord(unicodedata.normalize("NFD", chr(code))[0])
        if base != code and base in sc_map:
            widths[chr(code)] = la["hmtx"][la_map[code]][0] - sc["hmtx"][sc_map[base]][0]
    assert len(widths) == 82
    assert {c for c, d in widths.items() if abs(d) > 1} == {"ď", "ľ"}
    assert la["head"].unitsPerEm == sc["head"].unitsPerEm == 1000
    for table, attr in (("hhea", "ascent"), ("hhea", "descent"), ("OS/2", "usWinAscent"),
                        ("OS/2", "usWinDescent"), ("OS/2", "usWeightClass")):
        assert getattr(la[table], attr) == getattr(sc[table], attr), attr  # same line height


def test_check_says_nothing_about_polish_czech_turkish_letters(write, capsys):
    deck = write("d.yaml", """
        title: Łódź
        exit_pin: "0427"
        languages: [zh, en, pt]
        slides:
          - type: title
            title: {zh: 罗兹, en: "Łódź, Žižkov, İstanbul", pt: "São Tomé, Ação, Győr"}
    """)
    assert main(["check", "--strict", str(deck)]) == 0
    out = capsys.readouterr().out
    assert "no bundled glyph" not in out and ": ok: 1 slides" in out


@pytest.mark.parametrize("family", [glyphs.SIMPLIFIED, glyphs.TRADITIONAL, glyphs.LATIN])
def test_bold_draws_what_regular_draws(family):
    """The check reads the Regular file only; it would miss a gap in the Bold one."""
    from fontTools.ttLib import TTFont

    regular, bold = (set(TTFont(str(p), lazy=True).getBestCmap())
                     for p in glyphs.font_files(family))
    assert regular == bold


@pytest.mark.parametrize("profile", ["s2t", "s2hk", "s2tw", "s2twp"])
def test_traditional_converted_from_any_simplified_character_has_a_glyph(profile):
    """Whatever zh the Simplified font draws, its OpenCC conversion is drawn too."""
    opencc = pytest.importorskip("opencc")
    simplified = "".join(chr(c) for c in sorted(glyphs.cmap(glyphs.SIMPLIFIED)))
    convert = opencc.OpenCC(f"{profile}.json").convert
    out = convert(simplified) + "".join(convert(c) for c in simplified)
    # OpenCC writes three Ext. B characters that no face of Noto Sans CJK draws: check warns
    assert set(glyphs.missing(out, glyphs.coverage(True))) <= set(NOT_IN_NOTO_CJK)


def test_the_demo_deck_has_a_glyph_for_every_character_in_every_language():
    result = load_deck(glyphs.resources.demo_deck())
    assert result.deck is not None and "zh-Hant" in result.deck.languages
    assert glyphs.glyph_problems(result) == []
