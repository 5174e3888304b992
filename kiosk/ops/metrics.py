"""Prometheus metrics: ``kiosk run --metrics [HOST:]PORT`` serves ``/metrics`` (#16).

The numbers are kept in the metric objects of a registry of our own (not the global one:
tests run several shows in one process). The UI thread sets them from the show's telemetry
(slide changes, interactions, visits, frames, reloads) and from the status document once a
second (feeds, paused, the deck); prometheus_client's WSGI app answers scrapes on daemon
threads and reads only those objects, which are thread-safe. A scrape never touches Qt and
the UI thread never waits for a scrape. Its server is prometheus_client's threading WSGI
server with two bounds its ``start_http_server`` lacks: a client that sends nothing is
dropped unless its whole request (line and headers, at most 16 KB) is in within 10 s, and at
most 8 connections are served at once, at most 4 from one address (more are closed), so a
stuck, slow or hostile client cannot pile up threads over weeks nor lock out the scraper.

Every label value is bounded and free of secrets: feed names are the deck's own keys (never
their URLs), interaction kinds and reload results come from fixed lists, slide labels are
1-based slide numbers within the deck on screen.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
    make_wsgi_app,
)
from prometheus_client.exposition import ThreadingWSGIServer

import kiosk
from kiosk.core.telemetry import INTERACTION_KINDS, Listener

if TYPE_CHECKING:
    import argparse

    from kiosk.qt.controller import Show

log = logging.getLogger(__name__)

LATE_S = 1 / 60  # a frame that took longer missed a 60 Hz refresh (16.7 ms)
FRAME_BUCKETS = (0.001, 0.002, 0.004, 0.008, 0.012, LATE_S, 0.025, 0.033, 0.05, 0.1, 0.25)
FEED_STATES = {"ok": 0, "stale": 1, "error": 2}
RELOAD_RESULTS = ("ok", "error")
LABEL_MAX = 64  # characters of the deck's title in kiosk_info
CLOSE_WAIT_S = 2.0  # at exit, for the server's thread to end
REQUEST_TIMEOUT_S = 10.0  # the whole request (line and headers) must arrive within this
MAX_CONNECTIONS = 8  # answered at once; more are closed at once (a scraper needs one)
MAX_PER_CLIENT = 4  # of those, from one address: one client cannot take every slot
MAX_REQUEST_BYTES = 16 * 1024  # request line and headers; a scrape sends a few hundred

_ADDRESS = re.compile(r"^(?:(?:\[(?P<v6>[^\]\s]+)\]|(?P<host>[A-Za-z0-9.\-]+)):)?"
                      r"(?P<port>\d{1,5})$")


def parse_address(value: str) -> tuple[str, int]:
    """``PORT``, ``HOST:PORT`` or ``[IPv6]:PORT`` → (host, port); ValueError says what is
    wrong and what is allowed."""
    text = value.strip()
    match = _ADDRESS.match(text)
    allowed = ("use PORT, HOST:PORT or [IPv6]:PORT, for example 9100, 0.0.0.0:9100 or "
               "[::1]:9100")
    if match is None:
        if text.count(":") > 1 and not text.startswith("["):
            raise ValueError(f"--metrics {value!r}: an IPv6 address goes in brackets; {allowed}")
        raise ValueError(f"--metrics {value!r} is not an address; {allowed}")
    port = int(match["port"])
    if port > 65535:
        raise ValueError(f"--metrics {value!r}: the port must be 0 to 65535")
    if match["v6"] is not None:
        try:
            ipaddress.IPv6Address(match["v6"])
        except ValueError:
            raise ValueError(f"--metrics {value!r}: {match['v6']!r} is not an IPv6 "
                             f"address; {allowed}") from None
        return match["v6"], port
    host = match["host"] or "127.0.0.1"
    if host != "localhost":
        try:
            ipaddress.IPv4Address(host)
        except ValueError:  # a name would be looked up in DNS: it can hang the start
            raise ValueError(f"--metrics {value!r}: {host!r} is not an IP address; give this "
                             f"machine's address on the network (or 0.0.0.0 for all, "
                             f"localhost for this machine only); {allowed}") from None
    return host, port


class ShowMetrics(Listener):
    """The metric objects, and the telemetry listener that keeps them up to date."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        self.info = Info("kiosk", "The show's version and the deck it plays (deck: its title; "
                         "deck_version: a published deck's version, else empty)",
                         registry=registry)
        self.slide_index = Gauge("kiosk_slide_index", "The slide on screen, 0-based (the "
                                 "deck's first slide is 0)", registry=registry)
        self.slide_changes = Counter("kiosk_slide_changes", "Slide changes, for any reason",
                                     registry=registry)
        self.frame_seconds = Histogram("kiosk_frame_seconds", "Time to paint one frame",
                                       buckets=FRAME_BUCKETS, registry=registry)
        self.frames_late = Counter("kiosk_frames_late", "Frames whose paint took over "
                                   "16.7 ms (a missed 60 Hz refresh)", registry=registry)
        self.feed_state = Gauge("kiosk_feed_state", "Each live data source: 0 ok, 1 stale "
                                "(no fresh value within its stale_after), 2 error",
                                ["source"], registry=registry)
        self.feed_age = Gauge("kiosk_feed_age_seconds", "Seconds since each live data "
                              "source's last good value (absent until it has one)",
                              ["source"], registry=registry)
        self.reloads = Counter("kiosk_deck_reloads", "Deck reloads by result: ok (the new "
                               "deck is playing) or error (refused; the last good one plays)",
                               ["result"], registry=registry)
        self.interactions = Counter("kiosk_interactions", "What visitors and operators did, "
                                    "by kind: " + ", ".join(INTERACTION_KINDS),
                                    ["kind"], registry=registry)
        self.paused = Gauge("kiosk_paused", "1 while auto-play is paused or held, else 0",
                            registry=registry)
        self.slide_interactions = Counter("kiosk_slide_interactions", "Interactions by slide "
                                          "(the 1-based slide number)", ["slide"],
                                          registry=registry)
        self.slide_dwell = Counter("kiosk_slide_dwell_seconds", "Seconds each slide (1-based "
                                   "number) was on screen while a visitor was active",
                                   ["slide"], registry=registry)
        for result in RELOAD_RESULTS:  # present at 0, so increase() sees the first one
            self.reloads.labels(result)
        for kind in INTERACTION_KINDS:
            self.interactions.labels(kind)
        self.slides = 0  # the deck's length, bounding the slide labels
        self._sources: set[str] = set()
        self._index = 0
        self._active_since: float | None = None  # a visit in progress: since when counted

    # ------------------------------------------------------------------ telemetry (UI thread)
    def slide(self, t: float, index: int, reason: str) -> None:
        self._flush_dwell(t)
        self._index = index
        self.slide_index.set(index)
        self.slide_changes.inc()

    def interaction(self, t: float, kind: str, index: int) -> None:
        self.interactions.labels(kind if kind in INTERACTION_KINDS else "other").inc()
        label = self._slide_label(index)
        if label is not None:
            self.slide_interactions.labels(label).inc()

    def visit(self, t: float, active: bool) -> None:
        self._flush_dwell(t)
        self._active_since = t if active else None

    def frame(self, seconds: float) -> None:
        self.frame_seconds.observe(seconds)
        if seconds > LATE_S:
            self.frames_late.inc()

    def reload(self, result: str) -> None:
        self.reloads.labels(result if result in RELOAD_RESULTS else "error").inc()

    def _slide_label(self, index: int) -> str | None:
        return str(index + 1) if 0 <= index < self.slides else None

    def _flush_dwell(self, t: float) -> None:
        """Count the visit's time on the slide on screen up to ``t``."""
        if self._active_since is None:
            return
        seconds = t - self._active_since
        self._active_since = t
        label = self._slide_label(self._index)
        if label is not None and 0 < seconds < 86400:  # a clock jump counts nothing
            self.slide_dwell.labels(label).inc(seconds)

    # ------------------------------------------------------------------ status (UI thread)
    def status(self, document: dict[str, Any], show: Show, wall: float) -> None:
        """Once a second: the deck, paused, the slide, the feeds; dwell so far."""
        deck = show.deck
        self.slides = len(deck.slides)
        title = (deck.title.en or deck.title.zh or "").strip()[:LABEL_MAX]
        version = show.remote.version if show.remote is not None else None
        self.info.info({"version": kiosk.__version__, "deck": title,
                        "deck_version": "" if version is None else str(version)})
        self.paused.set(1 if document.get("paused") else 0)
        slide = document.get("slide") or {}
        if isinstance(slide.get("index"), int):
            self._index = slide["index"]
            self.slide_index.set(slide["index"])
        self._flush_dwell(wall)
        sources = document.get("sources") or {}
        for name, info in sources.items():
            self.feed_state.labels(name).set(FEED_STATES.get(info.get("state"), 2))
            updated = show.hub.feeds[name].updated if name in show.hub.feeds else None
            if updated is not None and math.isfinite(updated):
                self.feed_age.labels(name).set(max(0.0, wall - updated))
            elif name in self._sources:
                _remove(self.feed_age, name)
        for gone in self._sources - set(sources):  # a feed the deck no longer has
            _remove(self.feed_state, gone)
            _remove(self.feed_age, gone)
        self._sources = set(sources)


def _remove(metric: Gauge, label: str) -> None:
    with contextlib.suppress(KeyError):
        metric.remove(label)


class _RequestTooSlowOrLargeError(OSError):
    pass


class _DeadlineReader(io.RawIOBase):
    """The request's socket, read against one deadline for the whole request and a byte cap:
    a per-read timeout lets a client dribbling a byte every 5 s hold a slot forever."""

    def __init__(self, sock: socket.socket, deadline: float, clock: Callable[[], float]) -> None:
        self.sock, self.deadline, self.clock, self.count = sock, deadline, clock, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - self.clock()
        if left <= 0:
            raise _RequestTooSlowOrLargeError("the request took too long")
        room = MAX_REQUEST_BYTES - self.count
        if room <= 0:
            raise _RequestTooSlowOrLargeError("the request is too large")
        self.sock.settimeout(left)
        view = memoryview(buffer).cast("B")
        n = self.sock.recv_into(view[:min(len(view), room)])
        if n and self.clock() > self.deadline:  # it came, but too late
            raise _RequestTooSlowOrLargeError("the request took too long")
        self.count += n
        return n


class _Handler(WSGIRequestHandler):
    """prometheus_client's WSGI app behind a handler that drops a client whose request line
    and headers take over 10 s in all, or over 16 KB, and logs no line per scrape."""

    timeout = REQUEST_TIMEOUT_S

    def setup(self) -> None:
        super().setup()
        clock = getattr(self.server, "clock", time.monotonic)
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection,
                                                       clock() + float(self.timeout or
                                                                       REQUEST_TIMEOUT_S),
                                                       clock))

    def handle(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # too slow, too large, or gone
            super().handle()

    def get_environ(self) -> dict[str, Any]:
        # the request is in: the answer gets its own 10 s to go out
        self.connection.settimeout(self.timeout)
        environ: dict[str, Any] = super().get_environ()
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingWSGIServer):
    """One daemon thread per connection, at most :data:`MAX_CONNECTIONS` at a time: a flood
    of connections is closed, never a thread each."""

    clock: Callable[[], float] = staticmethod(time.monotonic)  # tests: a fake clock

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.per_client: dict[str, int] = {}
        self.per_client_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def _take(self, host: str) -> bool:
        with self.per_client_lock:
            if self.per_client.get(host, 0) >= MAX_PER_CLIENT:
                return False
            if not self.slots.acquire(blocking=False):
                return False
            self.per_client[host] = self.per_client.get(host, 0) + 1
            return True

    def _give(self, host: str) -> None:
        with self.per_client_lock:
            left = self.per_client.get(host, 1) - 1
            if left > 0:
                self.per_client[host] = left
            else:
                self.per_client.pop(host, None)
            self.slots.release()

    def process_request(self, request: Any, client_address: Any) -> None:
        host = str(client_address[0])
        if not self._take(host):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._give(host)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._give(str(client_address[0]))


def _listen(host: str, port: int, registry: CollectorRegistry) -> tuple[Any, threading.Thread]:
    """Bind (OSError when it cannot) and serve on a daemon thread."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET

    class Server(_Server):
        address_family = family

    server = make_server(host, port, make_wsgi_app(registry), Server, handler_class=_Handler)
    thread = threading.Thread(target=server.serve_forever, name="kiosk-metrics", daemon=True)
    thread.start()
    return server, thread


class Metrics:
    """The running exporter; :meth:`close` stops its server. ``port`` is the bound port (None
    when it did not start: a bad address or a port in use, logged once)."""

    def __init__(self, show: Show, host: str | None = None, port: int | None = None) -> None:
        self.show = show
        self.host, self.port = host, port
        self.metrics: ShowMetrics | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str | None:
        if self.port is None or self.host is None:
            return None
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    def _serve(self) -> bool:
        assert self.host is not None and self.port is not None
        registry = CollectorRegistry(auto_describe=True)
        metrics = ShowMetrics(registry)
        try:
            self._server, self._thread = _listen(self.host, self.port, registry)
        except OSError as exc:  # in use, no such address, not allowed
            log.error("--metrics %s:%s: cannot listen there (%s); the show goes on without "
                      "metrics", self.host, self.port, exc.strerror or exc)
            self.port = None
            return False
        self.port = self._server.server_address[1]
        self.metrics = metrics
        self.show.telemetry.add(metrics)
        metrics.status(self.show.status_document(), self.show, self.show.wall())
        metrics.slide_index.set(self.show.window.index)
        self.show.watch_status(self._on_status)
        log.info("metrics at %s", self.url)
        return True

    def _on_status(self, document: dict[str, Any]) -> None:
        if self.metrics is not None:
            self.metrics.status(document, self.show, self.show.wall())

    def close(self) -> None:
        metrics, self.metrics = self.metrics, None
        if metrics is not None:
            with contextlib.suppress(ValueError):
                self.show.telemetry.listeners.remove(metrics)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(CLOSE_WAIT_S)
            self._thread = None


def start(args: argparse.Namespace, show: Show) -> Metrics:
    """Serve /metrics at ``args.metrics``; a bad address or a port in use is logged in one
    line and the show goes on without metrics."""
    try:
        host, port = parse_address(str(args.metrics))
    except ValueError as exc:
        log.error("%s; the show goes on without metrics", exc)
        return Metrics(show)
    exporter = Metrics(show, host, port)
    exporter._serve()
    return exporter
