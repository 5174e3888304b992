"""The published manifest is read as strictly as a deck: what it refuses, in words (#15)."""

from __future__ import annotations

import json

import pytest

from kiosk.fleet import manifest as mf

GOOD = {"format": "kiosk-bundle/1", "channel": "ab" * 16, "version": 3,
        "published": "2026-12-03T10:30:00.123Z", "deck": "slides/hall.yaml",
        "files": [{"path": "slides/hall.yaml", "sha256": "0" * 64, "size": 10},
                  {"path": "assets/photos/a.webp", "sha256": "1" * 64, "size": 20}]}


def _raw(**change):
    return json.dumps({**GOOD, **change}).encode()


def test_a_manifest_round_trips():
    manifest = mf.parse(_raw())
    assert manifest.channel == "ab" * 16 and manifest.version == 3
    assert mf.parse(manifest.to_json()) == manifest
    assert manifest.entry("assets/photos/a.webp").blob == "files/" + "1" * 64


@pytest.mark.parametrize(("change", "words"), [
    ({"channel": None}, "channel must be 32 lower-case hex digits"),
    ({"channel": "AB" * 16}, "channel must be 32"),
    ({"version": 0}, "version must be a whole number from 1"),
    ({"version": True}, "version must be"),
    ({"published": "2026-12-03 10:30"}, "published must be a UTC time"),
    ({"deck": "other.yaml"}, "is not one of the files"),
    ({"extra": 1}, "unknown keys"),
    ({"files": []}, "files must be a non-empty list"),
    ({"files": [{"path": "a", "sha256": "0" * 64, "size": 1}] * 2}, "listed twice"),
    ({"files": [{"path": "A", "sha256": "0" * 64, "size": 1},
                {"path": "a", "sha256": "0" * 64, "size": 1}]}, "differs only in case"),
    ({"files": [{"path": "a", "sha256": "0" * 64, "size": 1},
                {"path": "a/b", "sha256": "0" * 64, "size": 1}]}, "is a file and also a folder"),
    ({"files": [{"path": "ı.jpg", "sha256": "0" * 64, "size": 1},
                {"path": "I.jpg", "sha256": "0" * 64, "size": 1}]}, "differs only in case"),
    ({"files": [{"path": "a", "sha256": "0" * 64, "size": -1}]}, "size must be a whole number"),
])
def test_what_a_manifest_may_not_say(change, words):
    with pytest.raises(mf.ManifestError, match=words):
        mf.parse(_raw(**change))


@pytest.mark.parametrize(("path", "words"), [
    ("../etc/passwd", "empty, . or .. part"),
    ("/etc/passwd", "empty, . or .. part|absolute"),
    ("a//b", "empty, . or .. part"),
    ("C:/x", "not allowed"),
    ("a:stream", "not allowed"),
    ("a\\b", "not allowed"),
    ("con.txt", "Windows cannot store"),
    ("COM¹.yaml", "Windows cannot store"),
    ("photos/CONIN$", "Windows cannot store"),
    ("clock$", "Windows cannot store"),
    ("name.", "Windows cannot store"),
    ("LONGFI~1.YAM", "short name"),
    ("a\u200bb", "not allowed"),
    ("e\u0301.yaml", "NFC"),
])
def test_unsafe_paths_are_refused(path, words):
    with pytest.raises(mf.ManifestError, match=words):
        mf.check_path(path)


def test_a_new_folder_gets_a_new_channel():
    first, second = mf.new_channel(), mf.new_channel()
    assert first != second and len(first) == 32 and int(first, 16) >= 0
