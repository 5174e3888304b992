"""Every kind of deck mistake gets an exact, located message (file:line: path: message)."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli import main
from kiosk.core import load_deck


def messages(path: Path) -> list[str]:
    result = load_deck(path)
    assert result.deck is None or all(p.kind == "asset" for p in result.problems)
    return [f"{p.file.name}:{p.line}: {str(p).split(': ', 1)[1]}" for p in result.problems]


HEAD = """
title: 测试
slides:
"""


def test_unknown_key_suggests_the_close_one(write):
    deck = write("d.yaml", HEAD + """
  - type: title
    title: 天空之城
    durtion: 5s
""")
    assert messages(deck) == [
        "d.yaml:6: slides[0].durtion: unknown key 'durtion' (did you mean 'duration'?); "
        "allowed: title, duration, transition, notes, enabled, source_note, from, until, type, "
        "subtitle, kicker"
    ]


def test_unknown_top_level_key(write):
    deck = write("d.yaml", "titel: x\n" + HEAD.strip() + "\n  - {type: title, title: a}\n")
    assert messages(deck)[0].startswith(
        "d.yaml:1: titel: unknown key 'titel' (did you mean 'title'?); allowed: title, canvas,"
    )


def test_wrong_type_names_what_is_allowed(write):
    deck = write("d.yaml", HEAD + """
  - type: figures
    items:
      - {value: 很多, unit: 家, label: 企业}
  - type: title
    title: a
    duration: 8x
    enabled: maybe
""")
    assert messages(deck) == [
        "d.yaml:6: slides[0].items[0].value: expected a number or {source: name}, "
        "got the text '很多'",
        'd.yaml:9: slides[1].duration: expected a duration like "8s", "1.5s", "600ms", '
        "\"2min\" or a number of seconds, got '8x'",
        "d.yaml:10: slides[1].enabled: expected true or false, got the text 'maybe'",
    ]


def test_out_of_range_values(write):
    items = "\n".join(f"      - {{value: {i}, label: 第{i}}}" for i in range(7))
    deck = write("d.yaml", "canvas: 100x100\nidle_resume: -1\n" + HEAD + f"""
  - type: figures
    items:
{items}
""")
    assert messages(deck) == [
        "d.yaml:1: canvas: each side must be between 320 and 7680 pixels, got '100x100'",
        "d.yaml:2: idle_resume: duration must be between 0s and 24h, got -1",
        "d.yaml:8: slides[0].items: has 7 item(s); allowed: at most 6",
    ]


def test_unknown_slide_type_and_literal_choice(write):
    deck = write("d.yaml", HEAD + """
  - type: figure
    items: []
  - type: chart
    chart: pie
    series: [{name: a, data: [[1, 2]]}]
  - {type: photo, image: x.png, credit: 示意图, fit: stretch}
""")
    found = messages(deck)
    assert found[0] == ("d.yaml:4: slides[0]: unknown slide type 'figure' "
                        "(did you mean 'figures'?); allowed: title, figures, chart, photo")
    assert found[1] == "d.yaml:7: slides[1].chart: 'pie' is not allowed; allowed: line, bar"
    assert found[2] == ("d.yaml:9: slides[2].fit: 'stretch' is not allowed; "
                        "allowed: cover, contain")


def test_missing_required_key(write):
    deck = write("d.yaml", HEAD + "  - {type: photo, image: x.png}\n")
    assert "d.yaml:3: slides[0]: missing required key 'credit'" in messages(deck)


def test_missing_image_is_an_asset_problem(write, tmp_path):
    deck = write("d.yaml", HEAD + "  - {type: photo, image: photos/none.png, credit: 示意图}\n")
    result = load_deck(deck)
    assert [p.kind for p in result.problems] == ["asset"]
    assert str(result.problems[0]).endswith(
        f"d.yaml:3: slides[0].image: file not found: photos/none.png "
        f"(looked for {tmp_path / 'photos' / 'none.png'})"
    )
    assert result.deck is not None  # the show can run with a placeholder; check still fails
    assert not result.ok


def test_corrupt_image_is_an_asset_problem(write, tmp_path):
    (tmp_path / "broken.png").write_bytes(b"this is not a png")
    deck = write("d.yaml", HEAD + "  - {type: photo, image: broken.png, credit: 示意图}\n")
    assert messages(deck) == [
        "d.yaml:3: slides[0].image: not a PNG, JPEG, GIF or BMP image: broken.png"
    ]


def test_missing_data_file(write):
    deck = write("d.yaml", """
title: t
sources:
  output: {kind: file, path: data/output.csv}
slides:
  - {type: title, title: a}
""")
    assert messages(deck)[0].startswith(
        "d.yaml:3: sources.output.path: file not found: data/output.csv"
    )


def test_undeclared_source(write):
    deck = write("d.yaml", """
title: t
sources:
  flights: {kind: sim}
slides:
  - type: figures
    items:
      - {value: {source: flihgts}, label: 今日飞行}
  - type: chart
    series: [{name: 实时, source: power}]
""")
    assert messages(deck) == [
        "d.yaml:7: slides[0].items[0].value: source 'flihgts' is not declared under sources "
        "(did you mean 'flights'?); declared: flights",
        "d.yaml:9: slides[1].series[0].source: source 'power' is not declared under sources; "
        "declared: flights",
    ]


def test_yaml_syntax_error_has_line_and_column(write):
    deck = write("d.yaml", HEAD + "  - type: title\n    title: [天空之城\n  - type: x\n")
    found = [str(p) for p in load_deck(deck).problems]
    assert len(found) == 1
    assert len(found) == 1
    # libyaml says "did not find expected ',' or ']'", pure-Python PyYAML "expected ',' or ']'"
    assert found[0].startswith(f"{deck}:5:9: YAML syntax error: while parsing a flow sequence; ")
    assert "expected ',' or ']'" in found[0]


def test_tab_indentation_is_a_syntax_error(write):
    deck = write("d.yaml", "title: t\nslides:\n\t- type: title\n")
    [problem] = load_deck(deck).problems
    assert (problem.line, problem.column) == (3, 1)
    assert "YAML syntax error" in problem.message


def test_duplicate_key(write):
    deck = write("d.yaml", HEAD + "  - type: title\n    title: a\n    title: b\n")
    assert messages(deck) == [
        "d.yaml:5: slides[0]: duplicate key 'title' (the first one is on line 4)"
    ]


def test_include_cycle(write):
    write("a.yaml", "slides:\n  - include: b.yaml\n")
    write("b.yaml", "slides:\n  - {type: title, title: b}\n  - include: a.yaml\n")
    deck = write("d.yaml", HEAD + "  - include: a.yaml\n")
    assert messages(deck) == [
        "b.yaml:3: slides[1].include: include cycle: a.yaml -> b.yaml -> a.yaml"
    ]


def test_missing_include(write):
    deck = write("d.yaml", HEAD + "  - {type: title, title: a}\n  - include: nope.yaml\n")
    assert messages(deck) == ["d.yaml:4: slides[1].include: included file not found: nope.yaml"]


def test_five_mistakes_in_two_files(write, tmp_path, capsys):
    """Acceptance: five located errors across the deck and one include, exit 1."""
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "drone.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    write("parts/sky.yaml", """
slides:
  - type: title
    title: 天空之城
  - type: figures
    items:
      - {value: 92.64, unit: 亿元, label: 低空经济产值, chnage: "+27.95%"}
  - type: photo
    image: drone.png
    credit: 示意图
    fit: zoom
""")
    deck = write("deck.yaml", """
title: 珠海
defaults:
  duration: fast
slides:
  - type: title
    title: 云上智城
  - include: parts/sky.yaml
  - type: chart
    chart: line
    series:
      - {name: 实时, source: flights}
  - type: figurs
""")
    assert messages(deck) == [
        "deck.yaml:3: defaults.duration: expected a duration like \"8s\", \"1.5s\", \"600ms\", "
        "\"2min\" or a number of seconds, got 'fast'",
        "deck.yaml:11: slides[4].series[0].source: source 'flights' is not declared under "
        "sources; declared: none (add a sources: section)",
        "deck.yaml:12: slides[5]: unknown slide type 'figurs' (did you mean 'figures'?); "
        "allowed: title, figures, chart, photo",
        "sky.yaml:6: slides[1].items[0].chnage: unknown key 'chnage' (did you mean 'change'?); "
        "allowed: value, unit, label, change, note, prefix, decimals, kind, tag",
        "sky.yaml:10: slides[2].fit: 'zoom' is not allowed; allowed: cover, contain",
    ]
    assert main(["check", str(deck)]) == 1
    out = capsys.readouterr()
    assert len(out.out.splitlines()) == 5
    assert out.err.strip().endswith("deck.yaml: 5 problems")


def test_comma_inside_a_flow_mapping_gets_a_hint(write):
    deck = write("d.yaml", HEAD + "  - {type: title, title: {zh: 模拟数据, 演示, en: Demo}}\n")
    assert messages(deck) == [
        "d.yaml:3: slides[0].title.演示: unknown key '演示' (a comma inside {…} starts a new "
        "key: put text with commas in quotes); allowed: zh, zh-Hant, en, pt"]
