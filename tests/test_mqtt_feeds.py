"""``kind: mqtt`` feeds against a real Mosquitto (#16): the value a sensor publishes is the
number on the slide; the broker down, a garbage payload, a restart with the broker gone,
a refused login or subscription: the same last-good-value, stale-badge and offline-cache
semantics as http feeds, and precise messages for a bad source in the deck.

The broker is Debian's /usr/sbin/mosquitto on 127.0.0.1 (tests/mosquitto_broker.py); the
show's clocks are fake; the only waiting is ``qtbot.waitUntil`` for real messages to cross
real sockets, never a sleep.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import yaml

from kiosk.core import load_deck
from kiosk.core.deck import MqttSource
from kiosk.core.feeds import FeedHub
from kiosk.core.feeds.mqtt import NO_BROKER
from kiosk.ops.mqtt_config import parse_broker
from kiosk.qt.badges import badge_texts
from kiosk.qt.controller import Show

from .conftest import FakeClock
from .mosquitto_broker import Mosquitto, make_certificates, require_mosquitto

WALL0 = 1_800_000_000.0
WAIT_MS = 20_000  # real sockets; a reconnect waits paho's backoff (1 s, then 2 s, …)
TOPIC = "hall/sensors/temp"


@pytest.fixture
def broker(tmp_path: Path):
    require_mosquitto()
    b = Mosquitto(tmp_path / "mosquitto").start()
    yield b
    b.stop()


def write_deck(path: Path, broker_url: str | None, stale_after: str = "30s",
               more: dict[str, object] | None = None, **extra: object) -> Path:
    source: dict[str, object] = {"kind": "mqtt", "topic": TOPIC, "field": "data.value",
                                 "stale_after": stale_after, **extra}
    if broker_url is not None:
        source["broker"] = broker_url
    data = {"title": "hall", "sources": {"temp": source, **(more or {})}, "slides": [
        {"type": "figures", "title": "展厅温度", "duration": "20s",
         "items": [{"value": {"source": "temp"}, "unit": "°C", "label": "温度",
                    "decimals": 1}]},
        {"type": "chart", "title": "温度", "series": [{"name": "温度", "source": "temp"}]}]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def start_show(qtbot, deck: Path, tmp_path: Path, wall: FakeClock | None = None) -> Show:
    result = load_deck(deck)
    assert result.deck is not None, [str(p) for p in result.problems]
    show = Show(deck, result, animations=False, status_file=tmp_path / "status.json",
                cache_root=tmp_path / "cache", clock=FakeClock(), wall=wall or FakeClock(WALL0))
    qtbot.addWidget(show.window)
    show.window.resize(640, 360)
    show.window.show()
    qtbot.waitExposed(show.window)
    return show


def shown_value(show: Show) -> float | None:
    view = show.window.stage.view(0)
    return view.value_of(view.slide.items[0])


def feed_status(show: Show, tmp_path: Path) -> dict:
    show.write_status()
    return json.loads((tmp_path / "status.json").read_text(encoding="utf-8"))["sources"]["temp"]


def wait_for(qtbot, show: Show, condition) -> None:
    """Tick the feeds (as the show's 10 Hz timer does) until ``condition()`` holds."""
    def ready() -> bool:
        show.tick_feeds()
        return bool(condition())
    qtbot.waitUntil(ready, timeout=WAIT_MS)


def stop_show(show: Show) -> None:
    show.stop()
    assert show.hub.mqtt is not None and show.hub.mqtt.wait_closed(10)


def updated_badge(when: float) -> list[str]:
    text = time.strftime("%H:%M:%S", time.localtime(when))
    return [f"数据更新于 {text} · Updated {text}"]


def test_the_published_value_is_on_screen_and_follows_each_publish(qtbot, app, broker,
                                                                   tmp_path):
    broker.publish(TOPIC, json.dumps({"data": {"value": 21.5}}), retain=True)  # before start
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", broker.url()), tmp_path)
    wait_for(qtbot, show, lambda: shown_value(show) == 21.5)  # the retained value, at once
    before = show.window.grab().toImage()
    assert feed_status(show, tmp_path)["state"] == "ok"
    show.window.clock.advance(5)  # as test_live does: the count-up has run its course
    show.wall.advance(5)
    broker.publish(TOPIC, json.dumps({"data": {"value": 23.25}}))
    wait_for(qtbot, show, lambda: shown_value(show) == 23.25)
    show.window._refresh_view()
    assert show.window.grab().toImage() != before  # the number on screen changed
    status = feed_status(show, tmp_path)
    assert status["state"] == "ok" and status["value"] == 23.25 and status["error"] is None
    assert badge_texts(show.deck, show.deck.slides[0], show.hub, show.wall()) == []
    show.window.go_to(1)  # each value is a point on the chart too
    chart = show.window.stage.view(1)
    assert list(chart._items[0].getData()[1]) == [21.5, 23.25]
    stop_show(show)


def test_broker_down_goes_stale_in_its_time_then_recovers(qtbot, app, broker, tmp_path):
    broker.publish(TOPIC, json.dumps({"data": {"value": 18}}))
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", broker.url()), tmp_path)
    wait_for(qtbot, show, lambda: show.hub.mqtt.state("temp").kind == "subscribed")
    broker.publish(TOPIC, json.dumps({"data": {"value": 19}}))
    wait_for(qtbot, show, lambda: shown_value(show) == 19)
    slide = show.deck.slides[0]
    broker.stop()
    wait_for(qtbot, show, lambda: "broker" in (feed_status(show, tmp_path)["error"] or ""))
    status = feed_status(show, tmp_path)
    assert status["state"] == "ok"  # not an error at once: the value is 0 s old
    assert status["error"].startswith(f"lost the connection to broker {broker.url()}")
    assert shown_value(show) == 19
    assert badge_texts(show.deck, slide, show.hub, show.wall()) == []
    show.wall.advance(31)  # past stale_after: 30 s
    show.tick_feeds()
    assert feed_status(show, tmp_path)["state"] == "stale"
    assert badge_texts(show.deck, slide, show.hub, show.wall()) == updated_badge(WALL0)
    assert shown_value(show) == 19  # the last good value stays on screen
    broker.start()
    wait_for(qtbot, show, lambda: show.hub.mqtt.state("temp").kind == "subscribed")
    broker.publish(TOPIC, json.dumps({"data": {"value": 20.5}}))
    wait_for(qtbot, show, lambda: shown_value(show) == 20.5)
    status = feed_status(show, tmp_path)
    assert status["state"] == "ok" and status["error"] is None
    assert badge_texts(show.deck, slide, show.hub, show.wall()) == []
    stop_show(show)


@pytest.mark.parametrize(("payload", "error"), [
    (b"\xff\xfe not text", "malformed JSON: 'utf-8' codec can't decode byte 0xff"),
    (b'{"data": {"value": "warm"}}', "value is not a number: 'warm'"),
    (b'{"data": {}}', "field 'data.value' not found"),
    (b'{"data": {"value": 1e999}}', "not a finite number"),
    (json.dumps({"data": {"value": 1, "pad": "x" * 70_000}}).encode(),
     "over max_bytes (65,536)"),
])
def test_a_garbage_payload_is_an_error_and_the_last_good_value_stays(qtbot, app, broker,
                                                                     tmp_path, payload, error):
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", broker.url()), tmp_path)
    wait_for(qtbot, show, lambda: show.hub.mqtt.state("temp").kind == "subscribed")
    broker.publish(TOPIC, json.dumps({"data": {"value": 42}}))
    wait_for(qtbot, show, lambda: shown_value(show) == 42)
    broker.publish(TOPIC, payload)
    wait_for(qtbot, show, lambda: feed_status(show, tmp_path)["state"] == "error")
    status = feed_status(show, tmp_path)
    assert status["error"].startswith(f"topic '{TOPIC}': ")
    assert error in status["error"]
    assert shown_value(show) == 42
    broker.publish(TOPIC, json.dumps({"data": {"value": 43}}))
    wait_for(qtbot, show, lambda: shown_value(show) == 43)
    assert feed_status(show, tmp_path)["state"] == "ok"
    stop_show(show)


def test_restart_with_the_broker_down_shows_the_cached_value_stale(qtbot, app, broker,
                                                                   tmp_path):
    deck = write_deck(tmp_path / "deck.yaml", broker.url())
    broker.publish(TOPIC, json.dumps({"data": {"value": 777}}), retain=True)
    first = start_show(qtbot, deck, tmp_path)
    wait_for(qtbot, first, lambda: shown_value(first) == 777)
    stop_show(first)  # persists the last good value
    broker.stop()
    later = FakeClock(WALL0 + 3600)
    second = start_show(qtbot, deck, tmp_path, wall=later)
    assert shown_value(second) == 777  # from the cache, before any network
    wait_for(qtbot, second, lambda: "cannot connect to broker" in (
        feed_status(second, tmp_path)["error"] or ""))
    assert feed_status(second, tmp_path)["error"] == (
        f"cannot connect to broker {broker.url()}: connection refused (is the broker running? "
        "the port right?); trying again")
    assert feed_status(second, tmp_path)["state"] == "stale"
    assert badge_texts(second.deck, second.deck.slides[0], second.hub,
                       later()) == updated_badge(WALL0)
    stop_show(second)


def test_a_retained_value_sent_again_at_a_reconnect_is_not_fresh(qtbot, app, broker,
                                                                 tmp_path):
    broker.publish(TOPIC, json.dumps({"data": {"value": 5}}), retain=True)
    marker = {"marker": {"kind": "mqtt", "topic": "test/marker", "broker": broker.url()}}
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", broker.url(), more=marker),
                      tmp_path)
    wait_for(qtbot, show, lambda: shown_value(show) == 5)
    broker.restart()  # the broker saved the retained value and sends it again
    show.wall.advance(31)
    wait_for(qtbot, show, lambda: show.hub.mqtt.state("temp").kind != "subscribed")
    wait_for(qtbot, show, lambda: show.hub.mqtt.state("marker").kind == "subscribed")
    broker.publish("test/marker", "1")  # sent after the retained copy, on the same connection
    wait_for(qtbot, show, lambda: show.hub.feeds["marker"].value == 1)
    assert feed_status(show, tmp_path)["state"] == "stale"  # still the value from WALL0
    assert show.hub.feeds["temp"].updated == WALL0
    stop_show(show)


# ---------------------------------------------------------------- the show's own broker


def hub_for(sources: dict[str, MqttSource], config) -> FeedHub:
    return FeedHub(sources, 0.0, WALL0, mqtt=config)


def wait_hub(qtbot, hub: FeedHub, condition) -> None:
    def ready() -> bool:
        hub.tick(0.0, WALL0)
        return bool(condition())
    qtbot.waitUntil(ready, timeout=WAIT_MS)


@pytest.fixture
def guarded(tmp_path: Path):
    """A broker with logins and an ACL: screen1 may read hall/# only."""
    require_mosquitto()
    b = Mosquitto(tmp_path / "guarded", users={"screen1": "s3cret-pw"},
                  acl="user screen1\ntopic read hall/#\n").start()
    yield b
    b.stop()


def test_sources_without_a_broker_use_the_shows_login(qtbot, app, guarded, tmp_path):
    secret = tmp_path / "password"
    secret.write_text("s3cret-pw\n")
    config = parse_broker(guarded.url("screen1"), password_file=secret)
    guarded.publish(TOPIC, "21.5", retain=True)  # a bare number, as many sensors send
    guarded.publish("private/door", "1", retain=True)
    hub = hub_for({"temp": MqttSource(kind="mqtt", topic=TOPIC),
                   "same": MqttSource(kind="mqtt", topic=TOPIC, broker=guarded.url()),
                   "door": MqttSource(kind="mqtt", topic="private/door")}, config)
    try:
        wait_hub(qtbot, hub, lambda: hub.feeds["temp"].value == 21.5
                 and hub.feeds["same"].value == 21.5  # the same broker: its login too
                 and hub.feeds["door"].error is not None)
        assert len(hub.mqtt.links) == 1  # one client for the three sources
        # Mosquitto grants the subscription and sends nothing: the status says what may be up
        assert hub.feeds["door"].state(WALL0) == "stale" and not hub.feeds["door"].has_data
        assert hub.feeds["door"].error == (
            f"subscribed to 'private/door' on {config.display_url}, no message yet: nothing "
            "published there, or the broker's ACL hides it from this login")
        assert hub.feeds["temp"].error is None
        assert "s3cret-pw" not in json.dumps(hub.snapshot(WALL0))
    finally:
        hub.close()
        assert hub.mqtt.wait_closed(10)


def test_a_wrong_password_is_an_error_that_names_the_broker(qtbot, app, guarded, tmp_path):
    config = parse_broker(guarded.url("screen1"), env={"KIOSK_MQTT_PASSWORD": "wrong-pw"})
    hub = hub_for({"temp": MqttSource(kind="mqtt", topic=TOPIC)}, config)
    try:
        wait_hub(qtbot, hub, lambda: hub.feeds["temp"].state(WALL0) == "error")
        assert hub.feeds["temp"].error.startswith(
            f"broker {config.display_url} refused the login: ")
        assert "wrong-pw" not in hub.feeds["temp"].error
    finally:
        hub.close()
        assert hub.mqtt.wait_closed(10)


def test_a_source_without_a_broker_on_a_show_without_mqtt_says_what_to_do(qtbot, app):
    hub = hub_for({"temp": MqttSource(kind="mqtt", topic=TOPIC)}, None)
    hub.tick(0.0, WALL0)
    assert hub.feeds["temp"].state(WALL0) == "error"
    assert hub.feeds["temp"].error == NO_BROKER
    assert hub.mqtt is not None and hub.mqtt.links == []
    hub.close()


def test_a_deck_named_broker_gets_no_credentials(qtbot, app, tmp_path):
    """A broker the deck names, not the show's: connected without the show's login."""
    require_mosquitto()
    other = Mosquitto(tmp_path / "other", users={"screen1": "s3cret-pw"},
                      extra_config="allow_anonymous true\n").start()
    show_config = parse_broker("mqtt://screen1@127.0.0.1:1",  # another port: another broker
                               env={"KIOSK_MQTT_PASSWORD": "s3cret-pw"})
    hub = hub_for({"temp": MqttSource(kind="mqtt", topic=TOPIC, broker=other.url())},
                  show_config)
    try:
        wait_hub(qtbot, hub, lambda: hub.mqtt.state("temp").kind == "subscribed")
        connected = [line for line in other.log_text().splitlines()
                     if "New client connected" in line and "kiosk-feeds-" in line]
        assert len(connected) == 1 and "u'" not in connected[0], connected  # anonymous
    finally:
        hub.close()
        assert hub.mqtt.wait_closed(10)
        other.stop()


def test_mqtts_with_the_shows_ca_and_a_named_broker_the_system_does_not_trust(qtbot, app,
                                                                            tmp_path):
    require_mosquitto()
    ca, cert, key = make_certificates(tmp_path / "tls")
    from .mosquitto_broker import free_port

    port = free_port()
    tls = Mosquitto(tmp_path / "tls-broker", extra_config=(
        f"listener {port} 127.0.0.1\ncertfile {cert}\nkeyfile {key}\n")).start()
    try:
        tls.publish(TOPIC, "19.5", retain=True)  # on the plain listener
        config = parse_broker(f"mqtts://localhost:{port}", ca_file=ca, env={})
        hub = hub_for({"temp": MqttSource(kind="mqtt", topic=TOPIC),
                       "named": MqttSource(kind="mqtt", topic=TOPIC,
                                           broker=f"mqtts://127.0.0.1:{port}")}, config)
        try:
            wait_hub(qtbot, hub, lambda: hub.feeds["temp"].value == 19.5
                     and hub.feeds["named"].error is not None)
            # the deck's broker is another host name, so not the show's: no CA of the hall,
            # and the system's certificates do not know this one
            assert hub.feeds["named"].error == (
                f"cannot connect to broker mqtts://127.0.0.1:{port}: TLS certificate not "
                "accepted (unable to get local issuer certificate); trying again")
            assert not hub.feeds["named"].has_data
        finally:
            hub.close()
            assert hub.mqtt.wait_closed(10)
    finally:
        tls.stop()


def test_no_thread_outlives_the_show(qtbot, app, broker, tmp_path):
    before = set(threading.enumerate())
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", broker.url()), tmp_path)
    wait_for(qtbot, show, lambda: show.hub.mqtt.state("temp").kind == "subscribed")
    stop_show(show)
    assert [t.name for t in set(threading.enumerate()) - before if t.is_alive()] == []


# ---------------------------------------------------------------- kiosk check


def test_kiosk_check_names_each_bad_mqtt_source_with_its_line(tmp_path, capsys):
    from kiosk.cli import main

    deck = tmp_path / "deck.yaml"
    deck.write_text(
        "title: t\n"
        "sources:\n"
        "  temp: {kind: mqtt, topic: 'hall/+/temp'}\n"
        "  hum:\n"
        "    kind: mqtt\n"
        "    topic: hall/hum\n"
        "    broker: 'mqtt://user:pw@broker.local'\n"
        "  co2: {kind: mqtt, field: data.value}\n"
        "  wind: {kind: mqtt, topic: hall/wind, broker: 'tcp://broker.local:1883'}\n"
        "  rain: {kind: mqtt, topic: hall/rain, refresh: 5s}\n"
        "  sun: {kind: mqtt, topic: $share/screens/hall/sun}\n"
        "slides:\n"
        "  - {type: figures, title: x, items: [{value: {source: temp}, label: t}]}\n",
        encoding="utf-8")
    assert main(["check", str(deck)]) != 0
    out = capsys.readouterr()
    lines = (out.out + out.err).splitlines()
    expected = [
        f"{deck}:3: sources.temp.topic: + (an MQTT wildcard) cannot be in a feed's topic: a "
        "feed shows one value, so it reads one topic; name it in full, e.g. hall/sensors/temp",
        f"{deck}:7: sources.hum.broker: a user name or password cannot be in the deck (decks "
        "are shared content): leave broker: out to use the show's --mqtt broker with its "
        "--mqtt-password-file, or name a broker open to read",
        f"{deck}:8: sources.co2: missing required key 'topic'",
        f"{deck}:9: sources.wind.broker: expected mqtt://host[:port] or mqtts://host[:port] "
        "(TLS), got 'tcp://broker.local:1883'",
        f"{deck}:10: sources.rain: refresh: an mqtt feed has none: its values arrive when "
        "they are published; remove it, and set stale_after: to say how old a value may be "
        "before the slide says so",
        f"{deck}:11: sources.sun.topic: $share/ is a shared subscription: each message would "
        "go to one screen only; name the topic itself, e.g. hall/sensors/temp",
    ]
    for line in expected:
        assert line in lines, (line, lines)


def test_a_source_without_broker_uses_the_shows_mqtt(qtbot, app, broker, tmp_path):
    """The show's --mqtt broker (passed by kiosk run to the Show) serves the deck's mqtt
    sources that name none."""
    broker.publish(TOPIC, json.dumps({"data": {"value": 12}}), retain=True)
    deck = write_deck(tmp_path / "deck.yaml", None)
    result = load_deck(deck)
    show = Show(deck, result, animations=False, cache_root=tmp_path / "cache",
                clock=FakeClock(), wall=FakeClock(WALL0), mqtt=parse_broker(broker.url()))
    qtbot.addWidget(show.window)
    wait_for(qtbot, show, lambda: shown_value(show) == 12)
    stop_show(show)
