"""Live data on screen: a real HTTP server, real files, the status file, hot reload.

Clocks are fake (both the monotonic one and the wall clock); the only waiting is for real
worker threads to finish a real request (``hub.wait_idle``), never a sleep.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
import yaml

from kiosk.core import load_deck
from kiosk.qt.badges import badge_texts
from kiosk.qt.controller import Show

from .conftest import FakeClock

WALL0 = 1_800_000_000.0


def write_deck(path: Path, url: str, extra_slides=(), stale_after="30s") -> Path:
    data = {
        "title": "live",
        "sources": {"flights": {"kind": "http", "url": url, "field": "data.total",
                                "refresh": "5s", "timeout": "1s", "stale_after": stale_after}},
        "slides": [
            {"type": "figures", "title": "今日飞行", "duration": "20s",
             "items": [{"value": {"source": "flights"}, "unit": "架次", "label": "今日飞行",
                        "decimals": 0}]},
            {"type": "chart", "title": "实时", "duration": "20s",
             "series": [{"name": "架次", "source": "flights"}]},
            *extra_slides],
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def start_show(qtbot, deck_path: Path, tmp_path: Path, clock=None, wall=None,
               animations=False) -> Show:
    result = load_deck(deck_path)
    assert result.deck is not None, [str(p) for p in result.problems]
    show = Show(deck_path, result, animations=animations, status_file=tmp_path / "status.json",
                cache_root=tmp_path / "cache", clock=clock or FakeClock(),
                wall=wall or FakeClock(WALL0))
    qtbot.addWidget(show.window)
    show.window.resize(640, 360)
    show.window.show()
    qtbot.waitExposed(show.window)
    return show


def pump(show: Show) -> None:
    """Start due fetches, let the workers finish, apply the results, write the status."""
    show.tick_feeds()
    show.hub.wait_idle(timeout=30)
    show.tick_feeds()
    show.write_status()


def status(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "status.json").read_text(encoding="utf-8"))


def shown_value(show: Show) -> float | None:
    view = show.window.stage.view(0)
    return view.value_of(view.slide.items[0])


def test_screen_and_status_follow_the_server(qtbot, app, server, tmp_path):
    server.payload = {"data": {"total": 120}}
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", server.url), tmp_path)
    pump(show)
    before = show.window.grab().toImage()
    assert shown_value(show) == 120
    doc = status(tmp_path)
    assert doc["sources"]["flights"]["value"] == 120
    assert doc["sources"]["flights"]["state"] == "ok"
    assert doc["slide"] == {"index": 0, "type": "figures", "title": "今日飞行"}
    assert doc["deck_ok"] is True and doc["deck_errors"] == []
    server.payload = {"data": {"total": 135}}
    show.window.clock.advance(5)
    show.wall.advance(5)
    pump(show)
    assert shown_value(show) == 135
    assert status(tmp_path)["sources"]["flights"]["value"] == 135
    assert show.window.grab().toImage() != before  # the number on screen changed
    show.stop()


@pytest.mark.parametrize("failure", ["500", "garbage", "stall", "gone"])
def test_failures_keep_the_value_then_badge_then_recover(qtbot, app, server, tmp_path,
                                                         failure):
    server.payload = {"data": {"total": 42}}
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", server.url), tmp_path)
    pump(show)
    slide = show.deck.slides[0]
    if failure == "gone":
        server.stop()
    else:
        server.mode = failure
    show.window.clock.advance(5)
    show.wall.advance(5)
    pump(show)
    assert shown_value(show) == 42
    assert status(tmp_path)["sources"]["flights"]["state"] == "error"
    assert badge_texts(show.deck, slide, show.hub, show.wall()) == []  # not stale yet
    show.wall.advance(30)  # past stale_after
    show.tick_feeds()
    show.write_status()
    assert status(tmp_path)["sources"]["flights"]["state"] in ("stale", "error")
    when = time.strftime("%H:%M:%S", time.localtime(WALL0))
    assert badge_texts(show.deck, slide, show.hub, show.wall()) == [
        f"数据更新于 {when} · Updated {when}"]
    if failure == "gone":
        show.stop()
        return
    server.release.set()  # end a stalled request
    server.mode, server.payload = "ok", {"data": {"total": 43}}
    show.window.clock.advance(120)  # past the backoff
    show.wall.advance(120)
    pump(show)
    assert shown_value(show) == 43
    assert status(tmp_path)["sources"]["flights"]["state"] == "ok"
    assert badge_texts(show.deck, slide, show.hub, show.wall()) == []
    show.stop()


def test_a_hanging_feed_does_not_delay_the_slide_timer(qtbot, app, server, tmp_path):
    server.mode = "stall"
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", server.url), tmp_path)
    window = show.window
    frames = []
    for _ in range(60 * 21):  # 21 s of frames on the fake clock
        window.clock.advance(1 / 60)
        show.tick_feeds()  # every call returns at once while the request hangs
        window.poll()
        frames.append(window.index)
    assert show.hub.in_flight("flights")  # still hanging
    # slide 2 came on time (20 s), within one frame of float rounding on the fake clock
    assert frames.index(1) in (20 * 60 - 1, 20 * 60)
    server.release.set()
    show.stop()


def test_restart_with_the_server_down_shows_the_cached_value_stale(qtbot, app, server,
                                                                   tmp_path):
    deck = write_deck(tmp_path / "deck.yaml", server.url)
    server.payload = {"data": {"total": 777}}
    first = start_show(qtbot, deck, tmp_path)
    pump(first)
    first.stop()  # persists the last good value
    server.stop()
    later = FakeClock(WALL0 + 3600)
    second = start_show(qtbot, deck, tmp_path, wall=later)
    assert shown_value(second) == 777  # not an empty slide
    pump(second)
    when = time.strftime("%H:%M:%S", time.localtime(WALL0))
    assert badge_texts(second.deck, second.deck.slides[0], second.hub, later()) == [
        f"数据更新于 {when} · Updated {when}"]
    chart = second.window.stage.view(1)
    second.window.go_to(1)
    assert len(chart._items[0].getData()[1]) == 1  # the chart shows the cached point too
    second.stop()


def test_csv_feed_rewritten_by_rename_reaches_the_chart(qtbot, app, tmp_path):
    csv = tmp_path / "output.csv"
    csv.write_text("x,y\n1,10\n2,20\n", encoding="utf-8")
    deck = tmp_path / "deck.yaml"
    deck.write_text(yaml.safe_dump({"title": "t", "sources": {"output": {
        "kind": "file", "path": "output.csv", "refresh": "2s"}}, "slides": [
        {"type": "chart", "title": "产值", "series": [{"name": "产值", "source": "output"}]}]},
        allow_unicode=True), encoding="utf-8")
    show = start_show(qtbot, deck, tmp_path)
    pump(show)
    view = show.window.stage.view(0)
    view.prepare()
    items = list(view._widget.getPlotItem().items)
    assert list(view._items[0].getData()[1]) == [10, 20]
    temp = tmp_path / "output.tmp"
    temp.write_text("x,y\n1,10\n2,20\n3,35\n", encoding="utf-8")
    os.replace(temp, csv)
    show.window.clock.advance(0.6)
    pump(show)
    show.window.clock.advance(1)
    show.window._refresh_view()
    assert list(view._items[0].getData()[1]) == [10, 20, 35]
    assert list(view._widget.getPlotItem().items) == items  # updated in place
    show.stop()


def test_hot_reload_adds_a_slide_and_survives_a_broken_edit(qtbot, app, server, tmp_path):
    deck = write_deck(tmp_path / "deck.yaml", server.url)
    show = start_show(qtbot, deck, tmp_path)
    show.window.go_to(1)
    pump(show)

    def edit(text: str) -> None:
        deck.write_text(text, encoding="utf-8")
        stamp = time.time_ns() + 10**9 * (edit.count + 1)  # a distinct mtime per edit
        os.utime(deck, ns=(stamp, stamp))
        edit.count += 1
        show.check_reload()  # notices the change, parses on a worker thread
        show.wait_reload()   # applies it

    edit.count = 0
    write_deck(deck, server.url, extra_slides=[{"type": "title", "title": "新的一页"}])
    edit(deck.read_text(encoding="utf-8"))
    assert len(show.deck.slides) == 3
    assert show.window.index == 1  # still on the chart
    assert show.window.operator_message is None
    good = show.deck
    edit("title: live\nslides:\n  - type: title\n    title: [broken\n")
    assert show.deck is good  # the running show keeps the last good deck
    doc = status(tmp_path)
    assert doc["deck_ok"] is False
    assert doc["deck_errors"] == [f"{deck}:5:1: YAML syntax error: while parsing a flow "
                                  "sequence; did not find expected ',' or ']'"]
    assert show.window.operator_message.startswith("⚠ 幻灯片文件有 1 处错误")
    edit(good_text := write_deck(deck, server.url).read_text(encoding="utf-8"))
    assert good_text and len(show.deck.slides) == 2 and status(tmp_path)["deck_ok"] is True
    assert show.window.operator_message is None
    show.stop()


def test_every_thread_and_timer_is_stopped(qtbot, app, server, tmp_path):
    from PySide6.QtCore import QTimer

    before = {t.name for t in threading.enumerate()}
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", server.url), tmp_path)
    pump(show)
    show.stop()
    assert [t for t in show.findChildren(QTimer) if t.isActive()] == []
    assert [t for t in show.window.findChildren(QTimer) if t.isActive()] == []
    leftover = {t.name for t in threading.enumerate()} - before
    assert not {n for n in leftover if n.startswith("kiosk-")}, leftover


def test_a_live_figure_glides_from_the_old_value_to_the_new(qtbot, app, server, tmp_path):
    from kiosk.qt.slides.figures import LIVE_S

    server.payload = {"data": {"total": 100}}
    result_path = write_deck(tmp_path / "deck.yaml", server.url)
    show = start_show(qtbot, result_path, tmp_path, animations=True)
    pump(show)
    view = show.window.stage.view(0)
    view.prepare()
    slot = view._slots[0]
    assert view._shown(0, slot, 30.0) == 100  # counted up on entry, long done
    server.payload = {"data": {"total": 200}}
    show.window.clock.advance(5)
    show.wall.advance(5)
    pump(show)
    assert view._shown(0, slot, 30.0) == 100  # the glide starts now, from the old value
    middle = view._shown(0, slot, 30.0 + LIVE_S / 2)
    assert 100 < middle < 200
    assert view._shown(0, slot, 30.0 + LIVE_S) == 200
    assert view.animating(30.0 + LIVE_S / 2) and not view.animating(30.0 + LIVE_S + 0.1)
    show.stop()


def test_views_off_screen_do_not_redraw(qtbot, app, server, tmp_path):
    server.payload = {"data": {"total": 1}}
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", server.url), tmp_path)
    pump(show)
    chart = show.window.stage.view(1)
    chart.prepare()
    renders = chart.renders
    for value in range(2, 6):  # new data while the figures slide is on screen
        server.payload = {"data": {"total": value}}
        show.window.clock.advance(5)
        show.wall.advance(5)
        pump(show)
    assert chart.renders == renders  # the hidden chart did not re-render
    show.window.go_to(1)
    assert chart.renders == renders + 1  # it catches up once, when shown
    assert list(chart._items[0].getData()[1])[-1] == 5
    show.stop()


def test_editing_an_included_file_reloads_the_show(qtbot, app, tmp_path):
    part = tmp_path / "part.yaml"
    part.write_text("slides:\n  - {type: title, title: 一}\n", encoding="utf-8")
    deck = tmp_path / "deck.yaml"
    deck.write_text("title: t\nslides:\n  - include: part.yaml\n", encoding="utf-8")
    show = start_show(qtbot, deck, tmp_path)
    part.write_text("slides:\n  - {type: title, title: 一}\n  - {type: title, title: 二}\n",
                    encoding="utf-8")
    stamp = time.time_ns() + 10**9
    os.utime(part, ns=(stamp, stamp))
    show.check_reload()
    show.wait_reload()
    assert [s.title.get() for s in show.deck.slides] == ["一", "二"]
    show.stop()


def test_a_young_live_chart_labels_its_time_axis_in_clock_time(qtbot, app, tmp_path):
    """Two points a second apart: the axis still reads 06:40:30, never "43.500"."""
    deck = tmp_path / "deck.yaml"
    deck.write_text(yaml.safe_dump({"title": "t", "sources": {"sim": {
        "kind": "sim", "refresh": "1s", "start": 50, "step": 1}}, "slides": [
        {"type": "chart", "title": "实时", "series": [{"name": "模拟", "source": "sim"}]}]},
        allow_unicode=True), encoding="utf-8")
    show = start_show(qtbot, deck, tmp_path)
    for _ in range(2):
        show.window.clock.advance(1)
        show.wall.advance(1)
        pump(show)
    view = show.window.stage.view(0)
    view.prepare()
    assert len(view._items[0].getData()[0]) >= 2
    plot = view._widget.getPlotItem()
    low, high = plot.viewRange()[0]
    axis = plot.getAxis("bottom")
    labels = [text for spacing, values in axis.tickValues(low, high, 1600)
              for text in axis.tickStrings(values, 1, spacing)]
    assert labels and all(":" in t and "." not in t for t in labels), labels
    show.stop()
