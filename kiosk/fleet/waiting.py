"""What a screen shows while it has no published deck to play yet (#15).

A first start with no network, or with content that does not verify, must not leave a blank
screen or a desktop: it shows this one slide, in the show's own style, and the operator badge
says why (see :class:`kiosk.fleet.source.RemoteDeck`). It is built in code, not read from a
file, so nothing on disk can break it.
"""

from __future__ import annotations

from kiosk.core.loader import LoadResult, load_deck_data


def waiting_deck(url: str) -> LoadResult:
    data = {
        "title": {"zh": "正在等待内容", "en": "Waiting for content"},
        "languages": ["zh", "en"],
        "progress": False,
        "slides": [{
            "type": "title",
            "kicker": {"zh": "展示屏", "en": "Exhibition screen"},
            "title": {"zh": "内容即将呈现", "en": "Content is on its way"},
            "subtitle": {"zh": "正在获取已发布的内容", "en": "Fetching the published content"},
            "duration": "1h",
            "notes": url,
        }],
    }
    result = load_deck_data(data, "<waiting for content>")
    assert result.deck is not None, result.problems
    return result
