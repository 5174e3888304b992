"""The screen on an MQTT broker: presence, events and commands (#16).

Topics, for a screen whose id is ``<id>`` (``--screen-id``, default ``<host>-screen<N>``):

- ``kiosk/<id>/status`` (retained, QoS 1): the status file's JSON plus ``"online": true``,
  published when it changes (its ``time`` aside) and at most once a second. The Last Will,
  and a clean exit, replace it with ``{"online": false, "reason": …}``;
- ``kiosk/<id>/event`` (QoS 0): each slide change and interaction, as it happens;
- ``kiosk/<id>/cmd`` and ``kiosk/all/cmd`` (subscribed, QoS 1): commands
  (kiosk.ops.commands), each answered on ``kiosk/<id>/reply``;
- ``kiosk/<id>/screenshot``: the PNG a ``screenshot`` command asked for.

paho-mqtt runs its own network thread (``loop_start``): connecting, reconnecting with backoff
(1 s doubling to 60 s), reading commands. The UI thread only hands it messages to publish
(thread-safe) and never waits for the network, except at exit for the "offline" message, and
then at most 2 s. The session is clean: commands sent while the screen was away are dropped by
the broker, and retained commands are refused, so nothing is replayed when it comes back.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import socket
import ssl
import threading
import time
from typing import TYPE_CHECKING, Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kiosk import __version__
from kiosk.core.background import Job
from kiosk.core.feeds.mqtt import bounded_client
from kiosk.core.telemetry import Listener
from kiosk.ops.commands import CommandError, parse_command
from kiosk.ops.mqtt_config import BrokerConfig, MqttConfigError, parse_broker, screen_id

if TYPE_CHECKING:
    from kiosk.qt.controller import Show
    from kiosk.qt.remote_control import RemoteControl

log = logging.getLogger(__name__)

KEEPALIVE = 30
CLOSE_WAIT = 2.0  # seconds the exit waits for "offline" to reach the broker
MAX_QUEUED = 64  # messages paho holds while the link is down
MAX_PACKET = 64 * 1024  # the largest packet the broker may send this screen


def topics(sid: str) -> dict[str, str]:
    base = f"kiosk/{sid}"
    return {"status": f"{base}/status", "event": f"{base}/event", "cmd": f"{base}/cmd",
            "all": "kiosk/all/cmd", "reply": f"{base}/reply",
            "screenshot": f"{base}/screenshot"}


def offline(reason: str) -> bytes:
    return json.dumps({"online": False, "reason": reason}).encode()


class MqttOff:
    """``--mqtt`` given but unusable (a bad URL, password file or screen id): the show goes
    on, and the status document says why."""

    def __init__(self, show: Show, error: str) -> None:
        self.error = error
        show.status_extras["mqtt"] = lambda: {"state": f"off: {error}"}

    def status(self) -> dict[str, Any]:
        return {"state": f"off: {self.error}"}

    def close(self) -> None:
        pass


def start(args: argparse.Namespace, show: Show) -> MqttControl | MqttOff:
    """Connect the show to ``args.mqtt`` (in the background); ``.close()`` at the end."""
    try:
        config = parse_broker(args.mqtt, password_file=getattr(args, "mqtt_password_file", None),
                              ca_file=getattr(args, "mqtt_ca", None))
        sid = screen_id(getattr(args, "screen_id", None), getattr(args, "screen", 0) or 0)
    except MqttConfigError as exc:
        log.error("MQTT is off: %s (the show goes on without it)", exc)
        return MqttOff(show, str(exc))
    control = MqttControl(config, sid, show)
    control.connect()
    return control


class _Events(Listener):
    """Telemetry → ``kiosk/<id>/event``: a JSON dump and a hand-over to paho, nothing more."""

    def __init__(self, control: MqttControl) -> None:
        self.control = control

    def slide(self, t: float, index: int, reason: str) -> None:
        self.control.event({"t": int(t * 1000), "event": "slide", "index": index,
                            "slide": index + 1, "reason": reason})

    def interaction(self, t: float, kind: str, index: int) -> None:
        self.control.event({"t": int(t * 1000), "event": "interaction", "kind": kind,
                            "index": index, "slide": index + 1})


def connect_problem(config: BrokerConfig, timeout: float = 5.0) -> str | None:
    """Why a connection to the broker fails, in a few words; None if TCP (and TLS) work."""
    try:
        with socket.create_connection((config.host, config.port), timeout=timeout) as sock:
            if config.tls:
                context = config.ssl_context()
                with context.wrap_socket(sock, server_hostname=config.host) as tls:
                    tls.settimeout(timeout)
        return None
    except ssl.SSLCertVerificationError as exc:
        return f"TLS certificate not accepted ({exc.verify_message})"
    except ssl.SSLError as exc:
        return f"TLS failed ({exc.reason or exc})"
    except socket.gaierror:
        return "unknown host name"
    except ConnectionRefusedError:
        return "connection refused (is the broker running? the port right?)"
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except OSError as exc:
        return exc.strerror or type(exc).__name__


class MqttControl:
    def __init__(self, config: BrokerConfig, sid: str, show: Show) -> None:
        from kiosk.qt.remote_control import RemoteControl

        self.config = config
        self.screen_id = sid
        self.show = show
        self.topics = topics(sid)
        self.state = "connecting"
        self._connected = threading.Event()
        self._closing = False
        self._republish = True  # the next status tick publishes whatever it holds
        self._last_status: str | None = None  # the JSON last published, "time" aside
        self._logged_state: str | None = None
        self._refused_subscriptions: list[str] = []
        self.published_status = 0  # tests and the bench: how many status messages went out
        self._refused_publish: str | None = None  # the topic the ACL refused last
        self._acked: dict[int, str] = {}  # QoS 1 message id -> topic, until its PUBACK
        # MQTT 5: the broker says in each PUBACK and SUBACK whether its ACL let it through
        # the broker is asked for no packet over 64 KB (connect()), and one that sends more
        # anyway is dropped as soon as the packet's header says so: nothing of it is buffered
        self._oversize_logged = False
        self.client: mqtt.Client = bounded_client(
            MAX_PACKET, self._on_oversize, callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"kiosk-{sid}", protocol=mqtt.MQTTv5)
        config.apply(self.client)
        self.client.will_set(self.topics["status"], offline("connection lost"), qos=1,
                             retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=60)
        self.client.max_queued_messages_set(MAX_QUEUED)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.on_publish = self._on_publish
        self.client.on_connect_fail = self._on_connect_fail
        self._diagnosis: Job[None] | None = None
        self._diagnosed_at: float | None = None
        self.remote: RemoteControl = RemoteControl(show, sid, self._send, self._detail)
        self.events = show.telemetry.add(_Events(self))
        show.status_extras["mqtt"] = self.status
        show.watch_status(self._on_status)

    # ------------------------------------------------------------------ lifecycle
    def connect(self) -> None:
        """Start the network thread; it connects (and reconnects) by itself."""
        log.info("MQTT: connecting to %s as screen %r", self.config.display_url, self.screen_id)
        # clean start, no session kept: commands sent while the screen was away are not queued;
        # and the broker is asked to send no packet over 64 KB (a command is at most 4 KB), so
        # a huge message never reaches this process's memory
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.MaximumPacketSize = MAX_PACKET
        self.client.connect_async(self.config.host, self.config.port, keepalive=KEEPALIVE,
                                  clean_start=True, properties=properties)
        self.client.loop_start()

    def close(self) -> None:
        """Say "offline" (retained) and wait at most 2 s for it to go out; stop the thread."""
        if self._closing:
            return
        self._closing = True
        if self._on_status in self.show.status_listeners:
            self.show.status_listeners.remove(self._on_status)
        if self.events in self.show.telemetry.listeners:
            self.show.telemetry.listeners.remove(self.events)
        self.show.status_extras.pop("mqtt", None)
        self.remote.close()
        if self._connected.is_set():
            info = self.client.publish(self.topics["status"], offline("stopped"), qos=1,
                                       retain=True)
            with contextlib.suppress(RuntimeError, ValueError):  # not queued: not connected
                info.wait_for_publish(CLOSE_WAIT)
            if not info.is_published():
                log.warning("MQTT: the broker did not take the 'offline' status within "
                            "%g s; its Last Will will say so", CLOSE_WAIT)
        self.client.disconnect()
        # a network thread that outlives the 2 s below (a DNS look-up) must find nothing of
        # the show to call, nor be the last to hold it: its Qt part must die on the UI thread
        # (RemoteControl.close deletes it there; kiosk.qt.collector says why)
        for name in ("on_connect", "on_disconnect", "on_subscribe", "on_message",
                     "on_publish", "on_connect_fail"):
            setattr(self.client, name, None)
        # nor keep this object, and so its Qt part, alive
        setattr(self.client, "_kiosk_on_oversize", None)  # noqa: B010 (bounded_client's)
        # paho joins its thread without a deadline: a thread stuck in a DNS lookup must not
        # hold the exit, so the join itself waits on a daemon thread, at most 2 s
        Job("kiosk-mqtt-stop", self.client.loop_stop).wait(CLOSE_WAIT)
        self.state = "stopped"

    # ------------------------------------------------------------------ status
    def status(self) -> dict[str, Any]:
        """The status document's ``mqtt`` part: how the link is doing (no password)."""
        part: dict[str, Any] = {"state": self.state, "broker": self.config.display_url,
                                "screen_id": self.screen_id}
        refused = list(self._refused_subscriptions)
        if self._refused_publish is not None:
            refused.append(self._refused_publish)
        if refused:
            part["refused_topics"] = refused
        return part

    def _on_status(self, document: dict[str, Any]) -> None:
        """UI thread, once a second: publish the document when it changed."""
        if not self._connected.is_set():
            return
        body = {k: v for k, v in document.items() if k != "time"}
        key = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
        if key == self._last_status and not self._republish:
            return
        payload = dict(document, online=True)
        info = self._publish("status", json.dumps(payload, ensure_ascii=False,
                                                  default=str).encode(), qos=1, retain=True)
        if info.rc == mqtt.MQTT_ERR_SUCCESS:
            self._last_status, self._republish = key, False
            self.published_status += 1

    # ------------------------------------------------------------------ publishing
    def event(self, document: dict[str, Any]) -> None:
        if self._connected.is_set():
            self.client.publish(self.topics["event"], json.dumps(document).encode(), qos=0)

    def _send(self, subtopic: str, payload: bytes) -> None:
        """Any thread: a reply or a screenshot."""
        if not self._connected.is_set():
            return  # the asker gets nothing, as if the message had been lost; no replay
        self._publish(subtopic, payload, qos=1 if subtopic == "reply" else 0)

    def _publish(self, subtopic: str, payload: bytes, qos: int,
                 retain: bool = False) -> mqtt.MQTTMessageInfo:
        topic = self.topics[subtopic]
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        if qos and info.rc == mqtt.MQTT_ERR_SUCCESS and len(self._acked) < 256:
            self._acked[info.mid] = topic
        return info

    def _detail(self) -> str:
        address = ""
        sock: Any = self.client.socket()
        try:
            if sock is not None:
                address = str(sock.getsockname()[0])
        except (OSError, AttributeError):
            pass
        return " · ".join(x for x in (address, f"kiosk {__version__}") if x)

    # ------------------------------------------------------------------ network thread
    def _set_state(self, state: str, level: int, message: str, *args: object) -> None:
        self.state = state
        if state != self._logged_state:  # each kind of trouble once, not at every retry
            self._logged_state = state
            log.log(level, message, *args)

    def _on_oversize(self, length: int) -> None:
        if not self._oversize_logged:
            self._oversize_logged = True
            log.warning("MQTT: %s sent a packet of %s bytes, over the %s this screen accepts; "
                        "the connection is dropped and made again (logged once; the show goes "
                        "on)", self.config.display_url, f"{length:,}", f"{MAX_PACKET:,}")

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any,
                    reason: Any, properties: Any) -> None:
        if reason.is_failure:
            self._connected.clear()
            self._set_state(f"refused: {str(reason).lower()}", logging.WARNING,
                            "MQTT: %s refused the connection: %s; retrying with backoff "
                            "(the show goes on)", self.config.display_url, reason)
            return
        self._refused_subscriptions = []
        self._refused_publish = None
        self._acked.clear()
        self._republish = True
        self._connected.set()
        self._logged_state = None if self._logged_state == "connected" else self._logged_state
        self._set_state("connected", logging.INFO, "MQTT: connected to %s as screen %r",
                        self.config.display_url, self.screen_id)
        client.subscribe([(self.topics["cmd"], 1), (self.topics["all"], 1)])

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        """paho retries without saying why: find out (at most once a minute, off this thread)
        so that the log and the status name it: refused, unknown host, a certificate."""
        self._connected.clear()
        now = time.monotonic()
        if self._closing or (self._diagnosis is not None and not self._diagnosis.done()) or (
                self._diagnosed_at is not None and now - self._diagnosed_at < 60):
            return
        self._diagnosed_at = now
        self._diagnosis = Job("kiosk-mqtt-diagnose", self._diagnose)

    def _diagnose(self) -> None:
        why = connect_problem(self.config)
        if why is not None and not self._connected.is_set() and not self._closing:
            self._set_state(f"connecting: {why}", logging.WARNING,
                            "MQTT: cannot connect to %s: %s; retrying with backoff (the show "
                            "goes on)", self.config.display_url, why)

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                       properties: Any) -> None:
        self._connected.clear()
        if self._closing:
            return
        if self.state.startswith("refused"):
            return  # keep saying why
        self._set_state("connecting", logging.WARNING,
                        "MQTT: lost the connection to %s (%s); reconnecting with backoff "
                        "(the show goes on)", self.config.display_url, reason)

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int,
                      reasons: list[Any], properties: Any) -> None:
        wanted = [self.topics["cmd"], self.topics["all"]]
        refused = [topic for topic, code in zip(wanted, reasons, strict=False) if code.is_failure]
        self._refused_subscriptions = refused
        if refused:
            self._set_state("connected; commands refused: not authorised", logging.WARNING,
                            "MQTT: %s refused the subscription to %s (its ACL?); no commands "
                            "will arrive there", self.config.display_url, ", ".join(refused))

    def _on_publish(self, client: mqtt.Client, userdata: Any, mid: int, reason: Any,
                    properties: Any) -> None:
        topic = self._acked.pop(mid, None)
        if topic is None or not reason.is_failure:
            return
        self._refused_publish = topic
        self._set_state(f"connected; publishing refused: {str(reason).lower()}", logging.WARNING,
                        "MQTT: %s refused what this screen publishes on %s: %s (its ACL?)",
                        self.config.display_url, topic, reason)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: Any) -> None:
        if self._closing:
            return
        try:
            command = parse_command(bytes(message.payload), retained=bool(message.retain))
        except CommandError as exc:
            self.remote.submit(exc)
            return
        self.remote.submit(command)
