"""The deck's JSON Schema, generated from the same models the loader validates with."""

from __future__ import annotations

from typing import Any

from kiosk.core.deck import Deck

SCHEMA_ID = "https://kiosk.invalid/deck.schema.json"

INCLUDE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "include": {
            "type": "string",
            "description": "a YAML file whose slides: are spliced in here (relative path)",
        }
    },
    "required": ["include"],
    "additionalProperties": False,
}


def deck_json_schema() -> dict[str, Any]:
    """JSON Schema (Draft 2020-12) for a deck file, include entries allowed in ``slides``."""
    schema = Deck.model_json_schema(mode="validation")
    slides = schema["properties"]["slides"]
    slides["items"] = {"anyOf": [slides["items"], INCLUDE_SCHEMA]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
