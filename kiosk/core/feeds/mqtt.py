"""``kind: mqtt`` feeds: values pushed on an MQTT topic (#16), with the semantics of the
polled kinds (last good value, stale badge, offline cache).

One paho client per broker, shared by every mqtt source on it, runs on its own network
thread (paho's ``loop_start``), built and started on a worker thread too (importing paho,
TLS contexts). Each message is checked and parsed there, then left in its source's slot:
the latest value and nothing else, so a sensor publishing 1,000 times a second costs one
slot, not a queue. The hub's 10 Hz tick on the UI thread takes the slots (:meth:`take`);
it never waits on the network. Subscriptions are QoS 1, on a clean session: a retained
message gives the last value at once, and nothing queued while away is replayed.

A source without ``broker:`` uses the show's own ``--mqtt`` broker, with its user name,
password and CA. A broker the deck names is used without them (a deck is shared content;
credentials never come from it), unless it is the show's own broker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from kiosk.core.background import Job
from kiosk.core.deck import MqttSource
from kiosk.core.feeds.parse import FeedError, Point, number, parse_json

if TYPE_CHECKING:
    from kiosk.ops.mqtt_config import BrokerConfig

log = logging.getLogger(__name__)
KEEPALIVE_S = 30
RECONNECT_MIN_S, RECONNECT_MAX_S = 1, 60
RECEIVE_MAXIMUM = 32  # QoS 1 messages in flight from the broker at once
PACKET_OVERHEAD = 65_536 + 16  # topic, properties, header: on top of the largest max_bytes
STOP_WAIT_S = 2.0  # tests: how long wait_closed gives paho's thread to end
PROBE_EVERY_S = 60.0  # a failed connect's cause is looked for at most this often

LinkKind = Literal["connecting", "subscribed", "down", "refused"]
NO_BROKER = ("no MQTT broker: name one with broker: mqtt://host:1883 in the source, or start "
             "the show with --mqtt mqtt://host:1883")


class PacketTooLargeError(ConnectionAbortedError):
    """The broker sent a packet over the limit this client asked for: the link is dropped."""


_bounded_classes: dict[int, Any] = {}


def bounded_client(limit: int, on_oversize: Any, **kwargs: Any) -> Any:
    """A paho ``Client`` that drops the connection as soon as a packet's header says it is
    over ``limit`` bytes, before reading any of its body.

    MQTT 5's Maximum Packet Size (sent in CONNECT) only asks the broker; a broken or hostile
    one can still send 200 MB, and paho would buffer all of it. paho 2.x reads every byte
    through ``Client._sock_recv``; the body is read only once the remaining length is known
    (``_in_packet["have_remaining"]``), so the check goes there: it sees the length before the
    first body byte, whatever the socket (plain, TLS, websocket). Raising an ``OSError`` is
    what paho does with a dead socket: it closes it, calls ``on_disconnect`` and reconnects
    with its backoff. ``on_oversize(length)`` is called (on paho's thread) before that.
    tests/test_ops_attacks.py fails if a paho upgrade moves this hook.
    """
    import paho.mqtt.client as mqtt

    cls = _bounded_classes.get(0)
    if cls is None:
        class _Bounded(mqtt.Client):
            _kiosk_limit = 268_435_455
            _kiosk_on_oversize: Any = None

            def _sock_recv(self, bufsize: int) -> bytes:
                packet: Any = getattr(self, "_in_packet", None) or {}
                length = int(packet.get("remaining_length", 0) or 0)
                if packet.get("have_remaining") and length > self._kiosk_limit:
                    callback = self._kiosk_on_oversize
                    if callback is not None:
                        with contextlib.suppress(Exception):
                            callback(length)
                    raise PacketTooLargeError(f"a packet of {length:,} bytes is over the "
                                         f"{self._kiosk_limit:,}-byte limit")
                data: bytes = super()._sock_recv(bufsize)
                return data

        cls = _bounded_classes[0] = _Bounded
    client = cls(**kwargs)
    client._kiosk_limit = limit
    client._kiosk_on_oversize = on_oversize
    return client


@dataclass(frozen=True)
class LinkState:
    """How a source's subscription is going: ``kind`` and the words for the log and status."""

    kind: LinkKind
    message: str | None = None


@dataclass
class _Slot:
    """The latest message of one source: a value, or why its payload was refused."""

    seq: int = 0
    value: float | list[Point] | None = None
    error: str | None = None
    taken: int = 0
    payload: bytes | None = None  # the last one: a retained copy sent again is no news


@dataclass
class _Topic:
    """A topic's subscription on its link, and the sources reading it."""

    topic: str
    specs: dict[str, MqttSource] = field(default_factory=dict)
    state: LinkState = LinkState("connecting")


def decode(payload: bytes, spec: MqttSource) -> float | list[Point]:
    """A payload's value for ``spec``: JSON like an http feed's body (with ``field``), or a
    bare number in text (``21.5``, ``1,234``). Raises :class:`FeedError`."""
    if len(payload) > spec.max_bytes:
        raise FeedError(f"a payload of {len(payload):,} bytes is over max_bytes "
                        f"({spec.max_bytes:,})")
    if not payload.strip():
        raise FeedError("the payload is empty (was the topic's retained value cleared?)")
    try:
        return parse_json(payload, spec.field, spec.window)
    except FeedError as exc:
        if spec.field is not None or not str(exc).startswith("malformed JSON"):
            raise
        try:
            return number(payload.decode("utf-8").strip(), "the payload")
        except (UnicodeDecodeError, FeedError):
            text = payload[:40].decode("utf-8", "replace")
            raise FeedError(f"the payload is neither JSON nor a number: {text!r}") from None


class BrokerLink:
    """One paho client on one broker: connects, subscribes every topic, reconnects with
    backoff (1 s doubling to 60 s), and leaves each message in its sources' slots."""

    def __init__(self, config: BrokerConfig, topics: dict[str, _Topic],
                 slots: dict[str, _Slot]) -> None:
        self.config = config
        self.url = config.display_url
        self._topics = topics
        self._slots = slots
        self._lock = threading.Lock()
        self._client: Any = None
        self._closed = False
        self._said: str | None = None  # the last state logged: each change once
        self._pending_subs: dict[int, list[str]] = {}
        self._stopper: Job[Any] | None = None
        self._probed_at: float | None = None
        self._why: str | None = None
        self._oversize_logged = False
        self._max_packet = min(268_435_455, PACKET_OVERHEAD + max(
            spec.max_bytes for t in topics.values() for spec in t.specs.values()))
        try:
            self._starter: Job[None] | None = Job("kiosk-mqtt-start", self._start)
        except RuntimeError as exc:
            self._starter = None
            self._set_all(LinkState("down", f"cannot start: {exc}"))

    # ------------------------------------------------------------ the network thread
    def _start(self) -> None:
        try:
            self._connect()
        except Exception as exc:  # paho missing, a CA that TLS refuses: said, never raised
            self._set_all(LinkState("refused", f"cannot start an MQTT client for {self.url}: "
                                               f"{exc}"))

    def _connect(self) -> None:
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        client = bounded_client(self._max_packet, self._on_oversize,
                                callback_api_version=CallbackAPIVersion.VERSION2,
                                client_id=f"kiosk-feeds-{os.urandom(5).hex()}",
                                protocol=mqtt.MQTTv5)
        self.config.apply(client)
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.MaximumPacketSize = self._max_packet  # the broker drops larger ones
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        with self._lock:
            if self._closed:
                return
            self._client = client
            client.connect_async(self.config.host, self.config.port, KEEPALIVE_S,
                                 clean_start=True, properties=properties)
            client.loop_start()

    def _on_oversize(self, length: int) -> None:
        """paho's thread: the broker ignored the Maximum Packet Size; say so once."""
        if not self._oversize_logged:
            self._oversize_logged = True
            log.warning("mqtt feeds: broker %s sent a packet of %s bytes, over the %s this "
                        "screen accepts (the largest max_bytes + headers); the connection is "
                        "dropped and made again (logged once)", self.url, f"{length:,}",
                        f"{self._max_packet:,}")

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any,
                    properties: Any) -> None:
        if reason.is_failure:
            self._set_all(LinkState("refused", f"broker {self.url} refused the login: "
                                               f"{reason}; trying again"))
            return
        self._say(f"connected to {self.url}", logging.INFO)
        from paho.mqtt.subscribeoptions import SubscribeOptions

        topics = list(self._topics)
        _, mid = client.subscribe([(t, SubscribeOptions(qos=1)) for t in topics])
        if mid is not None:
            with self._lock:
                self._pending_subs[mid] = topics

    def _on_connect_fail(self, client: Any, userdata: Any) -> None:
        # paho retries without saying why: find out here, on this link's own thread, at
        # most once a minute (a refused port, an unknown host, a certificate)
        now = time.monotonic()
        if self._probed_at is None or now - self._probed_at >= PROBE_EVERY_S:
            self._probed_at = now
            self._why = _connect_problem(self.config)
        why = self._why or ("down, unreachable, or its TLS certificate refused"
                            if self.config.tls else "down or unreachable")
        self._set_all(LinkState("down", f"cannot connect to broker {self.url}: {why}; "
                                        "trying again"))

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason: Any,
                       properties: Any) -> None:
        with self._lock:
            if self._closed:
                return
        if any(t.state.kind == "refused" for t in self._topics.values()):
            return  # a refused login closes the connection too: keep saying why
        why = "" if reason.value == 0x80 else f" ({reason})"  # 0x80: the socket closed
        self._set_all(LinkState("down", f"lost the connection to broker {self.url}{why}; "
                                        "reconnecting"))

    def _on_subscribe(self, client: Any, userdata: Any, mid: int, reasons: Any,
                      properties: Any) -> None:
        with self._lock:
            topics = self._pending_subs.pop(mid, [])
        granted = []
        for topic, reason in zip(topics, reasons, strict=False):
            if reason.is_failure:
                state = LinkState("refused", f"broker {self.url} refused the subscription "
                                             f"to {topic!r}: {reason} (its ACL?)")
                self._say(str(state.message), logging.WARNING)
            else:
                state = LinkState("subscribed", f"subscribed to {topic!r} on {self.url}, no "
                                                f"message yet: nothing published there, or "
                                                f"the broker's ACL hides it from this login")
                granted.append(repr(topic))
            self._topics[topic].state = state
        if granted:
            self._say(f"subscribed to {', '.join(granted)} on {self.url}", logging.INFO)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        entry = self._topics.get(message.topic)
        if entry is None:
            return
        payload = bytes(message.payload)
        for name, spec in entry.specs.items():
            slot = self._slots[name]
            if message.retain and payload == slot.payload:
                continue  # the broker's stored copy again, at a reconnect: not fresh data
            try:
                value, error = decode(payload, spec), None
            except FeedError as exc:
                value, error = None, f"topic {message.topic!r}: {exc}"
            except Exception as exc:  # a bug costs this message, never the network thread
                value, error = None, f"internal error: {exc!r}"
            with self._lock:
                slot.seq += 1
                slot.value, slot.error, slot.payload = value, error, payload

    def _set_all(self, state: LinkState) -> None:
        for entry in self._topics.values():
            entry.state = state
        if state.message:
            self._say(state.message, logging.WARNING)

    def _say(self, text: str, level: int) -> None:
        """Log a change of state once, not at every retry."""
        if text != self._said:
            self._said = text
            log.log(level, "mqtt feeds: %s", text)

    # ------------------------------------------------------------ the UI thread
    def take(self, name: str) -> _Slot | None:
        """A copy of the source's slot when a message came since the last take."""
        slot = self._slots[name]
        with self._lock:
            if slot.seq == slot.taken:
                return None
            slot.taken = slot.seq
            return _Slot(slot.seq, slot.value, slot.error, slot.seq)

    def close(self) -> None:
        """Disconnect; paho's thread is joined on a worker, never on the caller's thread."""
        with self._lock:
            self._closed = True
            client, self._client = self._client, None
        if client is None:
            return
        client.disconnect()
        with contextlib.suppress(RuntimeError):  # paho's thread is a daemon: it ends with us
            self._stopper = Job("kiosk-mqtt-stop", client.loop_stop)

    def wait_closed(self, timeout: float = STOP_WAIT_S) -> bool:
        """Tests: wait (bounded) until the start and the stop threads have ended."""
        for job in (self._starter, self._stopper):
            if job is not None and not job.wait(timeout):
                return False
        return True


class MqttFeeds:
    """Every ``kind: mqtt`` source of one deck, grouped into one link per broker."""

    def __init__(self, sources: dict[str, MqttSource], show_broker: BrokerConfig | None) -> None:
        self._links: dict[str, BrokerLink | None] = {}  # per source
        self._topics: dict[str, _Topic] = {}  # per source: its topic's entry
        groups: dict[tuple[str, int, bool], tuple[BrokerConfig, dict[str, _Topic],
                                                  dict[str, _Slot], list[str]]] = {}
        for name, spec in sources.items():
            config = _config_for(spec, show_broker)
            if config is None:
                self._links[name] = None
                continue
            key = (config.host.lower(), config.port, config.tls)
            if key not in groups:
                groups[key] = (config, {}, {}, [])
            _, topics, slots, names = groups[key]
            entry = topics.setdefault(spec.topic, _Topic(spec.topic))
            entry.specs[name] = spec
            slots[name] = _Slot()
            names.append(name)
            self._topics[name] = entry
        self.links: list[BrokerLink] = []
        for config, topics, slots, names in groups.values():
            link = BrokerLink(config, topics, slots)
            self.links.append(link)
            for name in names:
                self._links[name] = link

    def take(self, name: str) -> tuple[float | list[Point] | None, str | None] | None:
        """(value, error) of the source's newest message since the last take, or None."""
        link = self._links.get(name)
        slot = link.take(name) if link is not None else None
        return None if slot is None else (slot.value, slot.error)

    def state(self, name: str) -> LinkState:
        if self._links.get(name) is None:
            return LinkState("refused", NO_BROKER)
        return self._topics[name].state

    def close(self) -> None:
        for link in self.links:
            link.close()

    def wait_closed(self, timeout: float = STOP_WAIT_S) -> bool:
        return all(link.wait_closed(timeout) for link in self.links)


def _config_for(spec: MqttSource, show: BrokerConfig | None) -> BrokerConfig | None:
    """The show's broker (with its login) when the source names none or names it; else the
    named broker, anonymously; None when there is neither."""
    if spec.broker is None:
        return show
    from kiosk.ops.mqtt_config import parse_broker

    named = parse_broker(spec.broker, env={})  # checked by the deck: no credentials in it
    if show is not None and (named.host.lower(), named.port, named.tls) == (
            show.host.lower(), show.port, show.tls):
        return show
    return named


def _connect_problem(config: BrokerConfig) -> str | None:
    """Why a connection fails, in a few words (kiosk.ops.mqtt's probe, shared)."""
    try:
        from kiosk.ops.mqtt import connect_problem
    except ImportError:
        return None
    try:
        return connect_problem(config)
    except Exception:  # a probe's bug must not end the network thread
        log.exception("mqtt feeds: looking for why %s refuses failed", config.display_url)
        return None
