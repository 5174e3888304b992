"""The screen on a real Mosquitto (#16): presence, events, every command, the faults.

The broker is Debian's /usr/sbin/mosquitto, started by tests/mosquitto_broker.py on 127.0.0.1
with its own password file and ACL. The show is the real Show with the demo deck and fake
clocks; waits are qtbot.waitUntil (the Qt event loop runs the queued commands), never sleeps.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from kiosk.core import load_deck
from kiosk.ops import mqtt as kiosk_mqtt
from kiosk.qt.controller import Show

from .conftest import REPO, FakeClock, as_array
from .mosquitto_broker import (
    Message,
    Mosquitto,
    Subscriber,
    make_certificates,
    require_mosquitto,
)

DEMO = REPO / "slides" / "zhuhai.yaml"
PASSWORD = "s3cret-pw-1"
WALL0 = 1_800_000_000.0
# what docs/fleet.md gives operators: a screen reads its own and the all command topics, and
# writes only its own status, event, reply and screenshot topics
ACL = """\
pattern read kiosk/%u/cmd
pattern read kiosk/all/cmd
pattern write kiosk/%u/status
pattern write kiosk/%u/event
pattern write kiosk/%u/reply
pattern write kiosk/%u/screenshot
"""


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Mosquitto]:
    require_mosquitto()
    b = Mosquitto(tmp_path / "mosquitto", users={"screen1": PASSWORD, "screen2": "other-pw"},
                  acl=ACL).start()
    try:
        yield b
    finally:
        b.stop()


def make_show(qtbot, tmp_path: Path) -> Show:
    result = load_deck(DEMO)
    assert result.deck is not None
    show = Show(DEMO, result, animations=False, cache_root=tmp_path / "cache",
                clock=FakeClock(), wall=FakeClock(WALL0))
    qtbot.addWidget(show.window)
    show.window.resize(640, 360)
    show.window.show()
    qtbot.waitExposed(show.window)
    return show


def args_for(broker: Mosquitto, tmp_path: Path, user: str = "screen1",
             password: str = PASSWORD, screen_id: str | None = "screen1",
             **more: object) -> argparse.Namespace:
    secret = tmp_path / f"pw-{user}"
    secret.write_text(password + "\n")
    values = {"mqtt": broker.url(user), "mqtt_password_file": str(secret), "mqtt_ca": None,
              "screen_id": screen_id, "screen": 0}
    values.update(more)
    return argparse.Namespace(**values)


def wait_message(qtbot, sub: Subscriber, match: Callable[[Message], bool],
                 start: int = 0, timeout: int = 10_000) -> Message:
    """The first message from ``start`` on that ``match`` accepts; Qt's events run meanwhile."""
    found: list[Message] = []

    def seen() -> bool:
        found[:] = [m for m in list(sub.messages)[start:] if match(m)][:1]
        return bool(found)

    qtbot.waitUntil(seen, timeout=timeout)
    return found[0]


class Screen:
    def __init__(self, qtbot, broker: Mosquitto, sub: Subscriber, show: Show,
                 control: kiosk_mqtt.MqttControl, sid: str = "screen1") -> None:
        self.qtbot, self.broker, self.sub, self.show, self.control = qtbot, broker, sub, show, \
            control
        self.sid = sid
        # the command bucket (5 a second, 10 at once) runs on a clock of the test's: each
        # command comes a second after the last, however fast the machine sends them
        self.commands_clock = FakeClock()
        control.remote.clock = control.remote.bucket.clock = self.commands_clock

    def command(self, payload: bytes | str | dict, topic: str | None = None,
                retain: bool = False) -> dict:
        """Send one command (as the hall's control panel) and return the screen's reply."""
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        self.commands_clock.advance(1.0)
        start = len(self.sub.messages)
        self.sub.publish(topic or f"kiosk/{self.sid}/cmd", payload, retain=retain)
        message = wait_message(self.qtbot, self.sub,
                               lambda m: m.topic == f"kiosk/{self.sid}/reply", start)
        return json.loads(message.payload)

    def status(self, start: int = 0) -> dict:
        """The next status the screen publishes as online (an old retained one aside)."""
        self.show.write_status()
        m = wait_message(self.qtbot, self.sub, lambda m: m.topic == f"kiosk/{self.sid}/status"
                         and json.loads(m.payload).get("online") is True, start)
        return json.loads(m.payload)


@pytest.fixture
def screen(qtbot, tmp_path: Path, broker: Mosquitto) -> Iterator[Screen]:
    show = make_show(qtbot, tmp_path)
    with broker.subscriber("kiosk/#") as sub:
        control = kiosk_mqtt.start(args_for(broker, tmp_path), show)
        assert isinstance(control, kiosk_mqtt.MqttControl)
        try:
            qtbot.waitUntil(lambda: control.state == "connected", timeout=10_000)
            yield Screen(qtbot, broker, sub, show, control)
        finally:
            control.close()
            show.stop()


def test_presence_status_retained_and_offline_at_a_clean_exit(screen: Screen, tmp_path: Path,
                                                               caplog) -> None:
    first = screen.status()
    assert first["online"] is True and first["slide"]["index"] == 0
    assert first["mqtt"] == {"state": "connected", "broker": screen.broker.url("screen1") + "",
                             "screen_id": "screen1"}
    status_topic = "kiosk/screen1/status"
    assert [m.retain for m in screen.sub.on(status_topic)] in ([False], [True])
    # unchanged (the time aside): nothing more is published
    count = screen.control.published_status
    screen.show.wall.advance(5)  # type: ignore[attr-defined]
    screen.show.write_status()
    screen.show.write_status()
    assert screen.control.published_status == count
    screen.show.window.go_next(reason="user")
    start = len(screen.sub.messages)
    assert screen.status(start)["slide"]["index"] == 1
    # a new subscriber (a dashboard opened now) gets the retained status at once
    with screen.broker.subscriber(status_topic) as late:
        retained = late.wait(lambda m: m.topic == status_topic)
    assert retained.retain and retained.json()["slide"]["index"] == 1
    for m in screen.sub.messages:
        assert PASSWORD.encode() not in m.payload
    assert PASSWORD not in caplog.text
    screen.control.close()
    with screen.broker.subscriber(status_topic) as late:
        gone = late.wait(lambda m: m.topic == status_topic)
    assert gone.json() == {"online": False, "reason": "stopped"}
    assert "mqtt" not in screen.show.status_document()
    assert not [t for t in threading.enumerate() if "kiosk-screen1" in t.name], \
        "paho's network thread outlived close()"


def test_every_command_moves_the_screen_and_is_answered(screen: Screen) -> None:
    window, count = screen.show.window, len(screen.show.window.deck.slides)
    out = screen.command({"cmd": "next", "id": "a1"})
    assert (out["cmd"], out["ok"], out["id"], out["slide"]) == ("next", True, "a1", 2)
    assert window.index == 1
    assert screen.command({"cmd": "prev"})["ok"] and window.index == 0
    assert screen.command({"cmd": "goto", "slide": 4, "id": 7})["id"] == 7
    assert window.index == 3
    out = screen.command({"cmd": "goto", "slide": count + 1})
    assert out == {"cmd": "goto", "ok": False,
                   "error": f"slide {count + 1} is out of range: this deck has slides 1–{count}"}
    assert window.index == 3
    # every screen listens on kiosk/all/cmd too
    assert screen.command({"cmd": "next"}, topic="kiosk/all/cmd")["ok"] and window.index == 4
    # pause holds auto-play until resume, whatever the clock does
    assert screen.command({"cmd": "pause"}) == {"cmd": "pause", "ok": True, "slide": 5,
                                                 "paused": True}
    assert window.player.held
    screen.show.clock.advance(600)  # type: ignore[attr-defined]
    window.poll()
    assert window.index == 4
    start = len(screen.sub.messages)
    assert screen.status(start)["paused"] is True
    assert screen.command({"cmd": "resume"})["paused"] is False
    assert not window.player.paused
    # reload: the deck is read again, and the show says so
    reloads: list[str] = []
    screen.show.telemetry.reload = lambda result, t=None: reloads.append(result)  # type: ignore[method-assign]
    assert screen.command({"cmd": "reload"})["ok"]
    screen.show.wait_reload()
    assert reloads == ["ok"]
    # the events: each change with its reason, each command as an interaction
    events = [m.json() for m in screen.sub.on("kiosk/screen1/event")]
    slides = [(e["slide"], e["reason"]) for e in events if e["event"] == "slide"]
    assert slides[:4] == [(2, "command"), (1, "command"), (4, "command"), (5, "command")]
    kinds = [e["kind"] for e in events if e["event"] == "interaction"]
    assert kinds.count("command") >= 6 and set(kinds) == {"command"}
    assert all(isinstance(e["t"], int) for e in events)


def test_identify_shows_the_id_large_for_ten_seconds(screen: Screen, tmp_path: Path) -> None:
    window = screen.show.window
    before = as_array(window.grab().toImage())
    assert screen.command({"cmd": "identify"}) == {"cmd": "identify", "ok": True, "slide": 1,
                                                    "paused": False}
    overlay = screen.control.remote.overlay
    assert overlay is not None and overlay.isVisible()
    screen.qtbot.waitUntil(lambda: overlay.geometry() == window.rect())
    shot = window.grab().toImage()
    shot.save(str(tmp_path / "identify.png"))
    after = as_array(shot)
    # a panel in the show's navy across the middle, and the id on it in light text
    panel = after[100:260, 60:580, :3]
    navy = np.all(panel == (64, 33, 11), axis=-1).mean()  # BGR of #0b2140
    assert navy > 0.5, navy
    assert (panel.min(axis=-1) > 230).sum() > 500, "no light text in the panel"
    assert not np.array_equal(after[100:260], before[100:260])
    assert "kiosk" in overlay.detail and "127.0.0.1" in overlay.detail
    screen.show.clock.advance(9.9)  # type: ignore[attr-defined]
    overlay.check()
    assert overlay.isVisible()
    screen.show.clock.advance(0.2)  # type: ignore[attr-defined]
    overlay.check()  # what its timer does when it wakes
    assert not overlay.isVisible()
    # the slide is back as it was (the progress bar along the bottom has grown meanwhile)
    assert np.array_equal(as_array(window.grab().toImage())[:320], before[:320])


def test_screenshot_publishes_a_png_of_the_screen(screen: Screen) -> None:
    window = screen.show.window
    screen.command({"cmd": "goto", "slide": 2})
    start = len(screen.sub.messages)
    out = screen.command({"cmd": "screenshot", "id": "s"})
    shot = wait_message(screen.qtbot, screen.sub,
                        lambda m: m.topic == "kiosk/screen1/screenshot", start)
    assert shot.payload[:8] == b"\x89PNG\r\n\x1a\n" and not shot.retain
    assert out == {"cmd": "screenshot", "ok": True, "id": "s", "bytes": len(shot.payload),
                   "width": 640, "height": 360}
    image = QImage.fromData(shot.payload)
    assert (image.width(), image.height()) == (640, 360)
    expected = as_array(window.grab().toImage().convertToFormat(image.format()))
    got = as_array(image)
    assert np.abs(got[..., :3].astype(int) - expected[..., :3]).mean() < 2


def test_screenshot_of_a_large_screen_is_at_most_1920_wide() -> None:
    from kiosk.qt.remote_control import encode_png
    big = QImage(3840, 2160, QImage.Format.Format_RGB32)
    big.fill(0x336699)
    small = QImage.fromData(encode_png(big))
    assert (small.width(), small.height()) == (1920, 1080)
    noisy = QImage(np.random.default_rng(1).integers(0, 255, (600, 800, 4), np.uint8).tobytes(),
                   800, 600, QImage.Format.Format_RGB32)
    bounded = encode_png(noisy, max_bytes=400_000)
    assert len(bounded) <= 400_000 and QImage.fromData(bounded).width() < 800


BAD = [
    (b"\xff\xfe not utf-8", None, "not UTF-8"),
    (b"next", None, "not JSON"),
    (b'["next"]', None, "a JSON array"),
    (b'{"cmd": "explode"}', None, "unknown command 'explode'; one of: next, prev, goto"),
    (b'{"command": "next"}', None, '"cmd" is missing'),
    (b'{"cmd": 5}', None, '"cmd" is not a string'),
    (b'{"cmd": "goto"}', "goto", '"goto" needs "slide"'),
    (b'{"cmd": "goto", "slide": "3"}', "goto", '"slide" must be a whole number'),
    (b'{"cmd": "goto", "slide": true}', "goto", '"slide" must be a whole number'),
    (b'{"cmd": "goto", "slide": 0}', "goto", "slide 0 is out of range"),
    (b'{"cmd": "next", "slide": 3}', "next", "'next' takes no field 'slide'"),
    (b'{"cmd": "next", "id": [1]}', None, '"id" must be a string'),
    (b'{"cmd": "next", "pad": "' + b"x" * 5000 + b'"}', None, "at most 4096"),
    (b"[" * 60_000, None, "at most 4096"),
]


def test_malformed_commands_get_an_error_reply_and_one_log_line(screen: Screen,
                                                                caplog) -> None:
    caplog.set_level(logging.WARNING, logger="kiosk.qt.remote_control")
    for payload, cmd, words in BAD:
        out = screen.command(payload)
        assert out["ok"] is False and out["cmd"] == cmd, (payload[:40], out)
        assert words in out["error"], (payload[:40], out)
    assert screen.show.window.index == 0
    refused = [r for r in caplog.records if "MQTT command refused" in r.getMessage()]
    assert len(refused) == 1, "each refusal is logged, but at most once a minute"
    # a message over 64 KB is not even sent to the screen (MQTT 5 Maximum Packet Size): the
    # broker drops it, and the screen still obeys what comes next
    screen.sub.publish("kiosk/screen1/cmd", b"[" * 2_000_000)
    assert screen.command({"cmd": "next"})["ok"] and screen.show.window.index == 1
    assert not [m for m in screen.sub.on("kiosk/screen1/reply") if b"2000000" in m.payload]


def test_retained_commands_are_ignored(screen: Screen) -> None:
    screen.broker.publish("kiosk/all/cmd", json.dumps({"cmd": "next"}), retain=True)
    start = len(screen.sub.messages)
    # a screen that connects later gets the retained command from the broker: it refuses it
    screen.control.client.reconnect()
    reply = wait_message(screen.qtbot, screen.sub,
                         lambda m: m.topic == "kiosk/screen1/reply", start)
    assert reply.json() == {"cmd": "next", "ok": False, "error":
                            "retained commands are ignored (publish commands without the "
                            "retain flag)"}
    assert screen.show.window.index == 0
    screen.broker.publish("kiosk/all/cmd", b"", retain=True)  # clear it


def test_wrong_password_is_reported_and_the_show_goes_on(qtbot, tmp_path: Path,
                                                         broker: Mosquitto, caplog) -> None:
    caplog.set_level(logging.INFO)
    show = make_show(qtbot, tmp_path)
    control = kiosk_mqtt.start(args_for(broker, tmp_path, password="wrong-one"), show)
    try:
        qtbot.waitUntil(lambda: control.state.startswith("refused"), timeout=10_000)
        assert show.status_document()["mqtt"]["state"] == "refused: not authorized"
        # it keeps trying (with backoff), and says so once
        qtbot.waitUntil(lambda: broker.log_text().count("not authorised") >= 2, timeout=15_000)
        lines = [r for r in caplog.records if "refused the connection" in r.getMessage()]
        assert len(lines) == 1
        assert "wrong-one" not in caplog.text and "wrong-one" not in json.dumps(
            show.status_document())
        show.window.go_next()
        assert show.window.index == 1
    finally:
        control.close()
        show.stop()


def test_broker_down_at_start(qtbot, tmp_path: Path, broker: Mosquitto, caplog) -> None:
    broker.stop()
    show = make_show(qtbot, tmp_path)
    control = kiosk_mqtt.start(args_for(broker, tmp_path), show)
    try:
        qtbot.waitUntil(lambda: "refused" in control.state, timeout=10_000)
        assert show.status_document()["mqtt"]["state"] == (
            "connecting: connection refused (is the broker running? the port right?)")
        assert "cannot connect to mqtt://screen1@127.0.0.1" in caplog.text
        show.window.go_next()  # the show plays on
        broker.start()
        qtbot.waitUntil(lambda: control.state == "connected", timeout=20_000)
        with broker.subscriber("kiosk/screen1/status") as sub:
            show.write_status()
            message = wait_message(qtbot, sub, lambda m: m.json().get("online") is True)
            assert message.json()["slide"]["index"] == 1
    finally:
        control.close()
        show.stop()


def test_acl_denial_is_reported_and_no_other_screens_commands_arrive(
        qtbot, tmp_path: Path, broker: Mosquitto) -> None:
    """screen2's credentials used with the id screen1: the broker's ACL drops what it publishes
    on screen1's topics (the status says so) and never hands it screen1's commands; the
    commands to every screen still arrive."""
    show = make_show(qtbot, tmp_path)
    with broker.subscriber("kiosk/#") as sub:
        control = kiosk_mqtt.start(args_for(broker, tmp_path, user="screen2",
                                            password="other-pw", screen_id="screen1"), show)
        try:
            qtbot.waitUntil(lambda: control.state.startswith("connected"), timeout=10_000)
            show.write_status()
            qtbot.waitUntil(lambda: "refused_topics" in control.status(), timeout=10_000)
            part = show.status_document()["mqtt"]
            assert part["refused_topics"] == ["kiosk/screen1/status"]
            assert part["state"] == "connected; publishing refused: not authorized"
            sub.publish("kiosk/all/cmd", json.dumps({"cmd": "goto", "slide": 3}))
            qtbot.waitUntil(lambda: show.window.index == 2, timeout=10_000)
            sub.publish("kiosk/screen1/cmd", json.dumps({"cmd": "next"}))  # not for it
            sub.publish("kiosk/all/cmd", json.dumps({"cmd": "next"}))  # delivered after it
            qtbot.waitUntil(lambda: show.window.index >= 3, timeout=10_000)
            show.window.poll()
            assert show.window.index == 3
            assert sub.on("kiosk/screen1/status") == [] and sub.on("kiosk/screen1/reply") == []
            assert show.window.index == 3
        finally:
            control.close()
            show.stop()


def test_broker_restart_reconnects_and_nothing_sent_meanwhile_is_replayed(
        screen: Screen) -> None:
    window = screen.show.window
    screen.broker.stop()
    screen.qtbot.waitUntil(lambda: screen.control.state.startswith("connecting"),
                           timeout=10_000)
    assert screen.show.status_document()["mqtt"]["state"].startswith("connecting")
    window.go_next()  # the show goes on meanwhile
    # back, but the screen cannot log in yet: commands sent now find it away
    screen.broker.set_users({"screen1": "changed", "screen2": "other-pw"})
    screen.broker.start()
    screen.qtbot.waitUntil(lambda: screen.control.state.startswith("refused"), timeout=20_000)
    with screen.broker.subscriber("kiosk/#") as panel:
        panel.publish("kiosk/screen1/cmd", json.dumps({"cmd": "goto", "slide": 5}))
        panel.publish("kiosk/all/cmd", json.dumps({"cmd": "next"}))
    screen.broker.stop()
    screen.broker.set_users({"screen1": PASSWORD, "screen2": "other-pw"})
    screen.broker.start()
    with screen.broker.subscriber("kiosk/#") as sub:
        screen.sub = sub
        screen.qtbot.waitUntil(lambda: screen.control.state == "connected", timeout=70_000)
        status = screen.status()
        assert status["online"] is True and status["slide"]["index"] == 1
        assert window.index == 1, "a command sent while the screen was away was replayed"
        assert screen.command({"cmd": "next"})["ok"] and window.index == 2


def test_a_bad_screen_id_or_password_file_turns_mqtt_off_with_one_clear_line(
        qtbot, tmp_path: Path, broker: Mosquitto, caplog) -> None:
    show = make_show(qtbot, tmp_path)
    try:
        off = kiosk_mqtt.start(args_for(broker, tmp_path, screen_id="hall/1"), show)
        assert isinstance(off, kiosk_mqtt.MqttOff)
        state = show.status_document()["mqtt"]["state"]
        assert state.startswith("off: --screen-id 'hall/1': '/' cannot be in a screen id")
        assert "MQTT is off: --screen-id 'hall/1'" in caplog.text
        off.close()
        off = kiosk_mqtt.start(args_for(broker, tmp_path, mqtt_password_file=str(tmp_path)),
                               show)
        assert "--mqtt-password-file" in show.status_document()["mqtt"]["state"]
    finally:
        show.stop()


def test_tls_with_a_ca_file_and_the_host_name_checked(qtbot, tmp_path: Path,
                                                     caplog) -> None:
    broker = Mosquitto(tmp_path / "tls", users={"screen1": PASSWORD}, tls=True).start()
    show = make_show(qtbot, tmp_path)
    other_ca = make_certificates(tmp_path / "other")[0]
    try:
        with broker.subscriber("kiosk/#") as sub:
            control = kiosk_mqtt.start(args_for(broker, tmp_path, mqtt=broker.url(
                "screen1", "mqtts"), mqtt_ca=str(broker.ca_file)), show)
            qtbot.waitUntil(lambda: control.state == "connected", timeout=10_000)
            screen = Screen(qtbot, broker, sub, show, control)
            assert screen.command({"cmd": "next"})["ok"] and show.window.index == 1
            assert screen.status()["mqtt"]["broker"] == broker.url("screen1", "mqtts")
            control.close()
        # a certificate from another CA, or for another name: refused, and said why
        for url, ca, words in [
                (broker.url("screen1", "mqtts"), other_ca,
                 "self-signed certificate in certificate chain"),
                (broker.url("screen1", "mqtts", host="127.0.0.1"), broker.ca_file,
                 "mismatch")]:
            control = kiosk_mqtt.start(args_for(broker, tmp_path, mqtt=url, mqtt_ca=str(ca)),
                                       show)
            try:
                qtbot.waitUntil(lambda c=control: "TLS" in c.state, timeout=15_000)
                state = show.status_document()["mqtt"]["state"]
                assert state.startswith("connecting: TLS certificate not accepted") and \
                    words in state, state
            finally:
                control.close()
        assert "cannot connect to mqtts://screen1@localhost" in caplog.text
        assert PASSWORD not in caplog.text
    finally:
        show.stop()
        broker.stop()


def _run_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(tmp_path),
            "KIOSK_LOG_DIR": str(tmp_path / "log"), "KIOSK_CACHE_DIR": str(tmp_path / "c"),
            "KIOSK_MQTT_PASSWORD": PASSWORD}


def test_real_show_status_survives_restart_and_last_will_after_sigkill(
        tmp_path: Path, broker: Mosquitto) -> None:
    """kiosk run --mqtt as an operator starts it (password in the environment, not in ps)."""
    topic = "kiosk/screen1/status"
    cmd = [sys.executable, "-m", "kiosk", "run", str(DEMO), "--windowed", "--size", "640x360",
           "--mqtt", broker.url("screen1"), "--screen-id", "screen1"]
    with broker.subscriber(topic) as sub:
        show = subprocess.Popen([*cmd, "--exit-after", "4"], cwd=REPO, env=_run_env(tmp_path),
                                stderr=subprocess.PIPE, text=True)
        try:
            online = sub.wait(lambda m: m.json().get("online") is True, timeout=60)
            assert online.json()["mqtt"]["state"] == "connected"
            _, err = show.communicate(timeout=60)
        finally:
            show.kill()
        assert show.returncode == 0, err
        assert PASSWORD not in err
        stopped = sub.wait(lambda m: m.json().get("online") is False)
        assert stopped.json() == {"online": False, "reason": "stopped"}
    with broker.subscriber(topic) as late:  # retained: a dashboard opened now sees it
        assert late.wait(lambda m: True).json()["reason"] == "stopped"
    # started again: online again; killed (nothing can say goodbye): the Last Will
    with broker.subscriber(topic) as sub:
        show = subprocess.Popen(cmd, cwd=REPO, env=_run_env(tmp_path),
                                stderr=subprocess.DEVNULL)
        try:
            online = sub.wait(lambda m: m.json().get("online") is True, timeout=60)
            show.send_signal(signal.SIGKILL)
            show.wait(30)
            lost = sub.wait(lambda m: m.json().get("online") is False, timeout=30,
                            start=sub.messages.index(online))
        finally:
            show.kill()
            show.wait(30)
        assert lost.json() == {"online": False, "reason": "connection lost"}
    with broker.subscriber(topic) as late:  # and it is what a dashboard opened now sees
        assert late.wait(lambda m: True).json() == {"online": False, "reason": "connection lost"}
