"""#16 acceptance, in one show: a real Mosquitto and a show started with --mqtt and --metrics
the way `kiosk run` starts them (kiosk.qt.app._start_services). Every command goes over MQTT
and is checked on screen and in its reply; the broker restarts and the show reconnects;
/metrics, scraped over HTTP and parsed with prometheus_client's parser, agrees with the show.
"""

from __future__ import annotations

import json

from kiosk.ops import metrics as metrics_mod
from kiosk.ops import mqtt as kiosk_mqtt
from kiosk.qt.app import _start_services
from kiosk.qt.identify import IdentifyOverlay

from .mosquitto_broker import Message
from .test_metrics import scrape
from .test_mqtt import DEMO, args_for, broker, make_show, wait_message  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n"


def _agree(show, exporter) -> dict:
    """Scrape after the show's status went out; the gauges must match the screen."""
    show.write_status()
    samples = scrape(exporter)
    assert samples[("kiosk_slide_index", ())] == show.window.index
    assert samples[("kiosk_paused", ())] == (1.0 if show.window.player.paused else 0.0)
    return samples


def test_every_command_over_mqtt_with_metrics_and_a_broker_restart(qtbot, app, tmp_path,
                                                                   broker):  # noqa: F811
    show = make_show(qtbot, tmp_path)
    args = args_for(broker, tmp_path, metrics="127.0.0.1:0")
    services = _start_services(args, show)
    control = next(s for s in services if isinstance(s, kiosk_mqtt.MqttControl))
    exporter = next(s for s in services if isinstance(s, metrics_mod.Metrics))
    try:
        qtbot.waitUntil(lambda: control.state == "connected", timeout=10_000)
        with broker.subscriber("kiosk/#") as sub:

            def command(payload: dict) -> tuple[dict, list[Message]]:
                start = len(sub.messages)
                sub.publish("kiosk/screen1/cmd", json.dumps(payload))
                reply = wait_message(qtbot, sub, lambda m: m.topic == "kiosk/screen1/reply",
                                     start)
                return json.loads(reply.payload), list(sub.messages)[start:]

            before = _agree(show, exporter)
            changes = before[("kiosk_slide_changes_total", ())]
            reply, _ = command({"cmd": "next"})
            assert reply["cmd"] == "next" and reply["ok"] is True
            assert show.window.index == 1
            assert command({"cmd": "prev"})[0]["ok"] and show.window.index == 0
            assert command({"cmd": "goto", "slide": 3})[0]["ok"] and show.window.index == 2
            reply, _ = command({"cmd": "goto", "slide": 99})
            assert reply["ok"] is False and "99" in reply["error"]
            samples = _agree(show, exporter)
            assert samples[("kiosk_slide_changes_total", ())] == changes + 3
            assert samples[("kiosk_interactions_total", (("kind", "command"),))] == 3
            assert command({"cmd": "pause"})[0]["ok"] and show.window.player.held
            _agree(show, exporter)
            assert command({"cmd": "resume"})[0]["ok"] and not show.window.player.held
            _agree(show, exporter)
            assert command({"cmd": "reload"})[0]["ok"]
            show.wait_reload()
            qtbot.waitUntil(lambda: scrape(exporter).get(
                ("kiosk_deck_reloads_total", (("result", "ok"),)), 0) >= 1, timeout=10_000)
            assert command({"cmd": "identify"})[0]["ok"]
            overlays = show.window.findChildren(IdentifyOverlay)
            assert overlays and any(o.showing for o in overlays)
            reply, _ = command({"cmd": "screenshot"})
            assert reply["ok"]
            shot = wait_message(qtbot, sub, lambda m: m.topic == "kiosk/screen1/screenshot")
            assert shot.payload.startswith(PNG)
            reply, _ = command({"cmd": "dance"})
            assert reply["ok"] is False and "dance" in reply["error"]

            broker.restart()  # the show plays on, reconnects, and obeys again
            qtbot.waitUntil(lambda: control.state == "connected", timeout=30_000)
        with broker.subscriber("kiosk/#") as sub:
            start = len(sub.messages)
            sub.publish("kiosk/screen1/cmd", json.dumps({"cmd": "goto", "slide": 5}))
            reply = wait_message(qtbot, sub, lambda m: m.topic == "kiosk/screen1/reply", start)
            assert json.loads(reply.payload)["ok"] and show.window.index == 4
            _agree(show, exporter)
            show.write_status()
            document = show.status_document()
            assert document["mqtt"]["state"] == "connected"
    finally:
        for service in services:
            service.close()
        show.stop()
