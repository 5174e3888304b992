"""Whatever the input, the loader returns a deck or located problems, never an exception."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core import LoadResult, load_deck, load_deck_data

from .conftest import DEMO_DECK

KEYS = ["title", "slides", "type", "items", "value", "duration", "include", "sources", "kind",
        "series", "data", "source", "image", "canvas", "defaults", "transition", "zh", "en",
        "chart", "label", "unit", "change", "enabled", "idle_resume", "credit", "x"]
SLIDE_TYPES = ["title", "figures", "chart", "photo", "bogus"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(KEYS + SLIDE_TYPES + ["8s", "600ms", "-1", "1920x1080"]),
)
nested = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner,
                        max_size=6),
    ),
    max_leaves=40,
)
deck_like = st.fixed_dictionaries(
    {"title": scalars, "slides": st.lists(
        st.dictionaries(st.sampled_from(KEYS), nested, max_size=5).map(
            lambda d: d), max_size=4)},
    optional={"sources": st.dictionaries(st.text(max_size=5), nested, max_size=3),
              "defaults": nested, "canvas": scalars},
)


def assert_total(result: LoadResult) -> None:
    assert isinstance(result, LoadResult)
    if result.deck is None:
        assert result.problems, "no deck and no reason"
    for problem in result.problems:
        assert problem.message and "internal error" not in problem.message, str(problem)
        assert str(problem)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400))
def test_arbitrary_text(text):
    assert_total(load_deck("fuzz.yaml", text=text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(nested, deck_like))
def test_arbitrary_nested_data(data):
    assert_total(load_deck_data(data))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=deck_like)
def test_arbitrary_data_as_yaml_text(data):
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, ValueError):
        return
    assert_total(load_deck("fuzz.yaml", text=text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(0, 20_000), junk=st.text(max_size=8))
def test_damaged_demo_deck(cut, junk):
    """An editor's typo anywhere in a real deck: still a clean list of problems."""
    text = DEMO_DECK.read_text(encoding="utf-8")
    cut %= len(text)
    damaged = text[:cut] + junk + text[cut + 1:]
    assert_total(load_deck(DEMO_DECK, text=damaged))


def test_alias_bomb_and_recursion_are_refused(tmp_path: Path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True))
    result = load_deck(tmp_path / "bomb.yaml", text=bomb)
    assert [p.message for p in result.problems] == ["document too large (over 200000 values)"]
    recursive = "title: &t [*t]\nslides: []\n"
    result = load_deck(tmp_path / "r.yaml", text=recursive)
    assert_total(result)


def test_binary_and_non_utf8_files(tmp_path: Path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("title: 天空之城\n".encode("gbk"))
    [problem] = load_deck(path).problems
    assert (problem.line, problem.message) == (1, "file is not UTF-8 text; save it as UTF-8")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert [p.message for p in load_deck(empty).problems] == ["file is empty"]
    missing = load_deck(tmp_path / "nope.yaml")
    assert missing.problems[0].message.startswith("cannot read file:")
