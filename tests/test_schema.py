"""`kiosk schema` prints valid JSON Schema that accepts the demo deck and rejects mistakes."""

from __future__ import annotations

import json

import jsonschema
import yaml

from kiosk.cli import main

from .conftest import DEMO_DECK, REPO


def schema_from_cli(capsys):
    assert main(["schema"]) == 0
    return json.loads(capsys.readouterr().out)


def test_schema_is_valid_draft_2020_12(capsys):
    schema = schema_from_cli(capsys)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_accepts_the_demo_deck(capsys):
    schema = schema_from_cli(capsys)
    data = yaml.safe_load(DEMO_DECK.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_rejects_unknown_keys_and_types(capsys):
    validator = jsonschema.Draft202012Validator(schema_from_cli(capsys))
    good = {"title": "t", "slides": [{"type": "title", "title": "a"}, {"include": "x.yaml"}]}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "durtion": "8s"})
    assert not validator.is_valid({"title": "t", "slides": [{"type": "pie"}]})
    assert not validator.is_valid({"title": "t", "canvas": "big", "slides": good["slides"]})


def test_committed_schema_file_is_current(capsys):
    """docs/deck.schema.json is what editors point VS Code at; it must match the code."""
    committed = json.loads((REPO / "docs" / "deck.schema.json").read_text(encoding="utf-8"))
    assert committed == schema_from_cli(capsys)
