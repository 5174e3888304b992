"""The deck fields #13 added: what an editor writes, and what a mistake in it says."""

from __future__ import annotations

from kiosk.core import load_deck
from tests.test_loader_errors import HEAD, messages


def test_change_colours_follow_the_decks_first_language(write):
    chinese = load_deck(write("zh.yaml", HEAD + "  - {type: title, title: a}\n")).deck
    english = load_deck(write("en.yaml", "languages: [en, zh]\n" + HEAD
                              + "  - {type: title, title: a}\n")).deck
    told = load_deck(write("t.yaml", "languages: [en, zh]\nchange_colors: cn\n" + HEAD
                           + "  - {type: title, title: a}\n")).deck
    assert (chinese.change_colors, english.change_colors, told.change_colors) == (
        "cn", "intl", "cn")


def test_units_prefixes_and_categories_take_both_languages(write):
    deck = load_deck(write("d.yaml", HEAD + """
  - type: figures
    items:
      - {value: 20, prefix: {zh: 最高, en: up to}, unit: "%", label: a, kind: target}
      - {value: 3, unit: {zh: 架, en: aircraft}, label: b}
  - type: chart
    chart: bar
    highlight: {zh: 乙}
    series:
      - name: n
        data: [[{zh: 甲, en: A}, 1], [{zh: 乙, en: B}, 2]]
""")).deck
    first, second = deck.slides[0].items
    assert (first.prefix.for_lang("en"), first.unit.for_lang("en"), first.kind) == (
        "up to", "%", "target")
    assert (second.unit_zh, second.unit.for_lang("en"), second.kind) == ("架", "aircraft",
                                                                         "result")


def test_a_highlight_that_is_no_category_names_the_categories(write):
    deck = write("d.yaml", HEAD + """
  - type: chart
    chart: bar
    highlight: 丙
    series:
      - name: n
        data: [[甲, 1], [乙, 2]]
""")
    assert messages(deck) == [
        "d.yaml:6: slides[0].highlight: '丙' is not a category of this chart; allowed: 甲, 乙"]


def test_kind_and_focus_say_what_is_allowed(write):
    deck = write("d.yaml", HEAD + """
  - type: figures
    items:
      - {value: 1, label: a, kind: plan}
  - type: photo
    image: p.png
    credit: 示意图
    focus: [0.5, 1.4]
""")
    got = [m for m in messages(deck) if "file not found" not in m]
    assert got[0] == ("d.yaml:6: slides[0].items[0].kind: 'plan' is not allowed; "
                      "allowed: result, target")
    assert got[1] == "d.yaml:10: slides[1].focus[1]: must be ≤ 1.0, got 1.4"


def test_a_tag_is_for_targets_only(write):
    deck = write("d.yaml", HEAD + """
  - type: figures
    items:
      - {value: 1, label: a, tag: {zh: 即将出台, en: Upcoming}}
""")
    assert messages(deck) == [
        "d.yaml:6: slides[0].items[0]: tag: is for kind: target only (a result carries no "
        "tag); add kind: target or remove the tag"]


def test_a_pasted_file_is_not_a_caption(write):
    deck = write("d.yaml", HEAD + f"""
  - type: photo
    image: p.png
    credit: 示意图
    caption: {{zh: 短, en: "{'word ' * 400}"}}
""")
    got = [m for m in messages(deck) if "file not found" not in m]
    assert got == ["d.yaml:7: slides[0].caption: en: a text of 2,000 characters; at most 1,000 "
                   "fit on a slide, shorten it"]
