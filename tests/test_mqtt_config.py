"""The broker URL, the password's sources, the CA file and the screen id (#16), and the
test broker itself (tests/mosquitto_broker.py) with a password file, an ACL and a restart."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from kiosk.ops.mqtt_config import (
    MqttConfigError,
    check_screen_id,
    default_screen_id,
    parse_broker,
)

from .mosquitto_broker import Mosquitto, password_line


def test_urls_and_ports() -> None:
    plain = parse_broker("mqtt://broker.hall", env={})
    assert (plain.host, plain.port, plain.tls, plain.username) == ("broker.hall", 1883, False,
                                                                   None)
    tls = parse_broker("mqtts://screen1@broker.hall", env={})
    assert (tls.port, tls.tls, tls.username) == (8883, True, "screen1")
    six = parse_broker("mqtt://[::1]:1999/", env={})
    assert six.host == "::1" and six.display_url == "mqtt://[::1]:1999"
    for bad, words in [("http://x", "mqtts://"), ("mqtt://", "no host"),
                       ("mqtt://h:99999", "mqtt://h:99999"), ("mqtt://h/topic", "nothing may")]:
        with pytest.raises(MqttConfigError, match=words):
            parse_broker(bad, env={})


def test_password_sources_and_their_order(tmp_path: Path, caplog) -> None:
    secret = tmp_path / "pw"
    secret.write_text("from-file\n")
    env = {"KIOSK_MQTT_PASSWORD": "from-env"}
    url = "mqtt://screen1:in%40url@h"
    assert parse_broker(url, password_file=secret, env=env).password == "from-file"
    assert parse_broker(url, env=env).password == "from-env"
    caplog.set_level(logging.WARNING)
    config = parse_broker(url, env={})
    assert config.password == "in@url"
    assert "process list" in caplog.text and "in@url" not in caplog.text
    assert "in@url" not in repr(config) and "in@url" not in config.display_url
    assert config.display_url == "mqtt://screen1@h:1883"
    with pytest.raises(MqttConfigError, match="needs a user name"):
        parse_broker("mqtt://h", password_file=secret, env={})
    with pytest.raises(MqttConfigError, match=r"password-file .*nope"):
        parse_broker(url, password_file=tmp_path / "nope", env={})
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(MqttConfigError, match="fifo"):
        parse_broker(url, password_file=tmp_path / "fifo", env={})
    (tmp_path / "big").write_bytes(b"x" * 5000)
    with pytest.raises(MqttConfigError, match="over the limit of 4096"):
        parse_broker(url, password_file=tmp_path / "big", env={})


def test_ca_file(tmp_path: Path) -> None:
    junk = tmp_path / "ca.pem"
    junk.write_text("not a certificate")
    with pytest.raises(MqttConfigError, match="no PEM certificate"):
        parse_broker("mqtts://h", ca_file=junk, env={})
    with pytest.raises(MqttConfigError, match="for mqtts://"):
        parse_broker("mqtt://h", ca_file=junk, env={})


def test_screen_ids() -> None:
    assert check_screen_id("hall-2.left_1") == "hall-2.left_1"
    for bad in ["a/b", "a+b", "#", "a b", "a\x01", "all", "", "x" * 65]:
        with pytest.raises(MqttConfigError, match="--screen-id"):
            check_screen_id(bad)
    assert default_screen_id(2, "hall#1/a b.local") == "hall-1-a-b-screen2"
    assert check_screen_id(default_screen_id(0)) == default_screen_id(0)


def _connect(broker: Mosquitto, user: str, password: str) -> mqtt.ReasonCode:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.username_pw_set(user, password)
    codes: list[mqtt.ReasonCode] = []
    client.on_connect = lambda c, u, f, rc, p: codes.append(rc)
    client.connect(broker.host, broker.port)
    for _ in range(100):
        client.loop(0.1)
        if codes:
            break
    client.disconnect()
    return codes[0]


def test_broker_fixture_passwords_acl_restart(tmp_path: Path) -> None:
    broker = Mosquitto(tmp_path / "b", users={"screen1": "pw1"},
                       acl="pattern read kiosk/%u/cmd\npattern write kiosk/%u/status\n")
    broker.start()
    try:
        assert not _connect(broker, "screen1", "pw1").is_failure
        assert _connect(broker, "screen1", "wrong").is_failure
        port = broker.port
        with broker.subscriber("kiosk/#") as sub:
            broker.publish("kiosk/screen1/status", "hello", retain=True)
            sub.wait(lambda m: m.payload == b"hello")
        broker.restart()
        assert broker.port == port and broker.running
        with broker.subscriber("kiosk/#") as sub:  # persisted across the restart
            assert sub.wait(lambda m: m.topic == "kiosk/screen1/status").retain
    finally:
        broker.stop()


def test_hand_written_password_line(tmp_path: Path) -> None:
    """The fallback when mosquitto_passwd is missing writes lines Mosquitto accepts."""
    broker = Mosquitto(tmp_path / "b", users={"u": "p"})
    (tmp_path / "b" / "passwd").write_text(password_line("u", "p") + "\n")
    broker.start()
    try:
        assert not _connect(broker, "u", "p").is_failure
        assert _connect(broker, "u", "q").is_failure
    finally:
        broker.stop()
