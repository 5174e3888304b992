"""Feeds against a real local HTTP server and real files; Qt-free, time passed in."""

from __future__ import annotations

import json
import logging
import os

import pytest

from kiosk.core.deck import FileSource, HttpSource, SimSource
from kiosk.core.feeds import Feed, FeedHub
from kiosk.core.feeds.parse import FeedError, extract_field, parse_csv, parse_json


def http(url, **extra):
    return HttpSource.model_validate({"kind": "http", "url": url, "field": "data.total",
                                      "refresh": "5s", "timeout": "1s", "stale_after": "30s",
                                      **extra})


def run(hub, now, wall):
    """One tick, then wait for the fetches it started, then apply them: deterministic."""
    hub.tick(now, wall)
    hub.wait_idle(timeout=30)
    return hub.tick(now, wall)


def test_field_paths_and_reading_shapes():
    data = {"data": {"series": [{"value": 3}, {"value": "4.5"}]}}
    assert extract_field(data, "data.series.1.value") == "4.5"
    assert parse_json(json.dumps(data).encode(), "data.series.-1.value") == 4.5
    assert parse_json(b"[1, 2, 3]", None) == [(0, 1), (1, 2), (2, 3)]
    assert parse_json(b'[[2022, 50.1], [2023, 72.4]]', None) == [(2022, 50.1), (2023, 72.4)]
    assert parse_json(b'{"points": [{"x": 1, "y": 2}]}', "points") == [(1, 2)]
    with pytest.raises(FeedError, match=r"field 'data\.nope' not found"):
        extract_field(data, "data.nope.value")
    with pytest.raises(FeedError, match="not a number: 'n/a'"):
        parse_json(b'{"v": "n/a"}', "v")
    with pytest.raises(FeedError, match="malformed JSON"):
        parse_json(b"<html>", None)


def test_csv_rows_header_and_errors():
    assert parse_csv(b"x,y\n1,10\n2,12.5\n") == [(1, 10), (2, 12.5)]
    assert parse_csv(b"42\n") == 42
    with pytest.raises(FeedError, match="CSV line 3: not numbers"):
        parse_csv(b"x,y\n1,2\nthree,4\n")


def test_http_value_follows_the_server(server):
    hub = FeedHub({"flights": http(server.url)}, now=0, wall=1000)
    server.payload = {"data": {"total": 123}}
    assert run(hub, 0, 1000) == {"flights"}
    assert hub.feeds["flights"].value == 123
    assert hub.feeds["flights"].state(1000) == "ok"
    server.payload = {"data": {"total": 124.5}}
    run(hub, 2, 1002)
    assert hub.feeds["flights"].value == 123  # not due yet: refresh is 5 s
    run(hub, 5, 1005)
    assert hub.feeds["flights"].value == 124.5
    hub.close()


@pytest.mark.parametrize(("mode", "payload", "error"), [
    ("500", None, "HTTP 500 Internal Server Error"),
    ("garbage", None, "malformed JSON"),
    ("big", None, "over max_bytes (1000000)"),
    ("ok", {"data": {}}, "field 'data.total' not found"),
    ("ok", {"data": {"total": "many"}}, "not a number: 'many'"),
])
def test_failures_keep_the_last_good_value(server, mode, payload, error):
    hub = FeedHub({"flights": http(server.url)}, now=0, wall=1000)
    server.payload = {"data": {"total": 77}}
    run(hub, 0, 1000)
    server.mode = mode
    if payload is not None:
        server.payload = payload
    run(hub, 5, 1005)
    feed = hub.feeds["flights"]
    assert feed.value == 77
    assert error in feed.error
    assert feed.state(1005) == "error"
    assert feed.state(1000 + 31) == "stale"  # past stale_after: the badge shows
    server.mode, server.payload = "ok", {"data": {"total": 78}}
    run(hub, 1000, 2000)  # after the backoff
    assert (feed.value, feed.state(2000), feed.error) == (78, "ok", None)
    hub.close()


def test_a_server_that_never_answers_does_not_block_tick(server):
    server.mode = "stall"
    hub = FeedHub({"slow": http(server.url, timeout="0.5s")}, now=0, wall=1000)
    hub.tick(0, 1000)  # returns at once: the request runs on a worker thread
    assert hub.in_flight("slow")
    assert hub.tick(0.016, 1000.016) == set()  # the next frame's tick does not wait either
    hub.wait_idle(timeout=30)
    hub.tick(1, 1001)
    assert hub.feeds["slow"].error == "timed out after 0.5 s"
    hub.close()


def test_server_gone_keeps_the_value(server):
    hub = FeedHub({"flights": http(server.url)}, now=0, wall=1000)
    server.payload = {"data": {"total": 5}}
    run(hub, 0, 1000)
    server.stop()
    run(hub, 5, 1005)
    feed = hub.feeds["flights"]
    assert feed.value == 5 and feed.state(1005) == "error"
    assert feed.error.startswith(f"cannot reach {server.url}")
    hub.close()


def test_state_changes_are_logged_once_not_per_attempt(server, caplog):
    hub = FeedHub({"flights": http(server.url)}, now=0, wall=1000)
    server.payload = {"data": {"total": 1}}
    with caplog.at_level(logging.INFO, logger="kiosk.core.feeds.hub"):
        run(hub, 0, 1000)
        server.mode = "500"
        for attempt in range(1, 6):
            run(hub, attempt * 100, 1000 + attempt)
        server.mode = "ok"
        run(hub, 10_000, 1010)
    lines = [r.getMessage() for r in caplog.records]
    assert hub.feeds["flights"].failures == 0
    assert sum("error (HTTP 500" in line for line in lines) == 1
    assert lines[-1] == "feed flights: ok"
    hub.close()


def test_backoff_is_exponential_jittered_and_capped():
    feed = Feed("f", http("http://127.0.0.1:9/x", refresh="2s"), now=0, seed=1)
    delays = []
    for _ in range(10):
        feed.fail("down", 0)
        delays.append(feed.next_due)
    assert 1.0 <= delays[0] <= 2.0
    assert 2.0 <= delays[1] <= 4.0 and 4.0 <= delays[2] <= 8.0
    assert all(30 <= d <= 60 for d in delays[6:])  # capped at 60 s, jittered down to half
    assert len(set(delays)) == len(delays)


def test_csv_replaced_by_rename_is_followed(tmp_path):
    path = tmp_path / "output.csv"
    path.write_text("x,y\n1,10\n", encoding="utf-8")
    spec = FileSource.model_validate({"kind": "file", "path": str(path), "refresh": "2s"})
    hub = FeedHub({"output": spec}, now=0, wall=1000)
    run(hub, 0, 1000)
    assert hub.feeds["output"].value == 10
    temp = tmp_path / ".output.csv.tmp"
    temp.write_text("x,y\n1,10\n2,11\n3,14\n", encoding="utf-8")
    os.replace(temp, path)  # atomic replace, as exporting systems do
    changed = run(hub, 0.5, 1000.5)  # polled every 0.5 s: on screen within about a second
    assert changed == {"output"}
    assert list(hub.feeds["output"].points) == [(1, 10), (2, 11), (3, 14)]
    assert run(hub, 1.0, 1001) == set()  # unchanged file: no new data, no failure
    path.write_text("x,y\nbroken\n", encoding="utf-8")
    os.utime(path, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    run(hub, 1.5, 1001.5)
    assert hub.feeds["output"].value == 14 and "CSV line 2" in hub.feeds["output"].error
    hub.close()


def restarted(server, tmp_path, value, network_down=False):
    """A hub that got ``value`` at wall 1000 and closed; a new one started at wall 5000."""
    spec = http(server.url)
    first = FeedHub({"flights": spec}, now=0, wall=1000, cache_dir=tmp_path)
    server.payload = {"data": {"total": value}}
    run(first, 0, 1000)
    first.close(wall=1000)
    if network_down:
        server.stop()
    return FeedHub({"flights": spec}, now=0, wall=5000, cache_dir=tmp_path)


def test_restart_with_the_server_down_shows_the_cached_value_stale(server, tmp_path):
    second = restarted(server, tmp_path, 321, network_down=True)
    feed = second.feeds["flights"]
    assert feed.value == 321 and feed.updated == 1000
    assert feed.stale(5000)
    run(second, 0, 5000)
    assert feed.value == 321 and feed.state(5000) == "stale"
    second.close()


def test_cache_is_ignored_when_the_source_changed(server, tmp_path):
    first = FeedHub({"flights": http(server.url)}, now=0, wall=1000, cache_dir=tmp_path)
    run(first, 0, 1000)
    first.close(wall=1000)
    second = FeedHub({"flights": http(server.url, field="data.other")}, now=0, wall=1000,
                     cache_dir=tmp_path)
    assert second.feeds["flights"].value is None
    second.close()


def test_sim_is_seeded_bounded_and_windowed():
    spec = SimSource.model_validate({"kind": "sim", "seed": 7, "start": 50, "step": 5,
                                     "min": 0, "max": 60, "window": 20, "refresh": "100ms"})
    values = []
    for _ in range(2):
        hub = FeedHub({"demo": spec}, now=0, wall=0)
        for i in range(100):
            hub.tick(i * 0.1, i * 0.1)
        values.append(list(hub.feeds["demo"].points))
    assert values[0] == values[1]  # seeded: the same demo every time
    assert len(values[0]) == 20
    assert all(0 <= y <= 60 for _, y in values[0])


def test_sim_replays_a_csv_at_a_speed(tmp_path):
    (tmp_path / "flights.csv").write_text("t,flights\n0,10\n1,12\n2,15\n3,11\n",
                                          encoding="utf-8")
    spec = SimSource.model_validate({"kind": "sim", "mode": "replay", "speed": 2,
                                     "path": str(tmp_path / "flights.csv"), "refresh": "1s"})
    hub = FeedHub({"replay": spec}, now=0, wall=0)
    hub.tick(0, 0)  # the CSV is read on a worker thread, never on the UI thread (#18 A)
    hub.wait_idle(timeout=30)
    seen = []
    for second in range(5):
        hub.tick(second, second)
        seen.append(hub.feeds["replay"].value)
    assert seen == [10, 15, 10, 15, 10]  # two rows per refresh, looping


def test_fresh_data_after_a_long_outage_does_not_join_the_old_history(server, tmp_path):
    second = restarted(server, tmp_path, 5)
    assert list(second.feeds["flights"].points) == [(1000, 5)]  # shown, marked stale
    server.payload = {"data": {"total": 9}}
    run(second, 0, 5000)
    assert list(second.feeds["flights"].points) == [(5000, 9)]  # no line across the gap
    second.close()
