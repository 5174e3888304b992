"""Issue #18, the feeds: devices and FIFOs, slow servers, stuck work, a broken sim, a
corrupt offline cache, credentials and odd numbers. Real things throughout: real FIFOs and
devices, a real server that trickles one byte at a time, real corrupt files.

Where old code would hang, the operation runs under a generous outer guard (a thread join
or a subprocess timeout) and the test asserts the outcome, never its speed.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from kiosk.core.deck import FileSource, HttpSource, SimSource
from kiosk.core.feeds import FeedHub
from kiosk.core.feeds.fetch import fetch_file

from .conftest import REPO, FakeClock
from .feed_server import TrickleServer

GUARD_S = 30  # an outer bound for what could hang on old code; never a timing assertion


def http(url: str, **extra: object) -> HttpSource:
    return HttpSource.model_validate({"kind": "http", "url": url, "refresh": "5s",
                                      "timeout": "1s", **extra})


def run(hub: FeedHub, now: float, wall: float) -> set[str]:
    hub.tick(now, wall)
    hub.wait_idle(timeout=GUARD_S)
    return hub.tick(now, wall)


def in_thread(fn, *args):
    """Run ``fn`` on a thread; (finished, result). A call that hangs leaves a daemon."""
    box: dict[str, object] = {}
    thread = threading.Thread(target=lambda: box.update(result=fn(*args)), daemon=True)
    thread.start()
    thread.join(GUARD_S)
    return not thread.is_alive(), box.get("result")


@pytest.fixture
def trickle():
    servers: list[TrickleServer] = []

    def make(mode: str = "headers") -> TrickleServer:
        servers.append(TrickleServer(mode))
        return servers[-1]

    yield make
    for srv in servers:
        srv.stop()


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    yield path
    # a reader that old code left blocked in open() is released by a writer (no reader:
    # nothing was left blocked, and the open fails)
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


# ---------------------------------------------------------------- A: devices and FIFOs

DEVICE_SCRIPT = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
    from kiosk.core.deck import FileSource, SimSource
    from kiosk.core.feeds import FeedHub
    kind, path = sys.argv[1:]
    spec = (FileSource.model_validate({"kind": "file", "path": path, "format": "csv"})
            if kind == "file" else
            SimSource.model_validate({"kind": "sim", "mode": "replay", "path": path}))
    hub = FeedHub({"feed": spec}, now=0, wall=1000)
    hub.tick(0, 1000)
    hub.wait_idle(timeout=30)
    hub.tick(0, 1000)
    print(json.dumps(hub.snapshot(1000)["feed"]))
""")


@pytest.mark.parametrize(("kind", "path"), [("file", "/dev/urandom"), ("replay", "/dev/zero")])
def test_a_feed_on_a_device_is_refused_by_name_not_read(kind, path):
    """Old code read /dev/urandom at 200 MB/s into memory; here in a child process capped
    at 1.5 GB of address space, so that old code fails the test instead of the machine."""
    done = subprocess.run([sys.executable, "-c", DEVICE_SCRIPT, kind, path], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    feed = json.loads(done.stdout.splitlines()[-1])
    assert feed["state"] == "error"
    assert feed["error"] == f"{path}: is a character device, not a file"


def test_a_file_feed_on_a_fifo_is_refused_by_name(fifo):
    spec = FileSource.model_validate({"kind": "file", "path": str(fifo)})
    hub = FeedHub({"pipe": spec}, now=0, wall=1000)
    finished, _ = in_thread(run, hub, 0, 1000)
    assert finished
    assert hub.snapshot(1000)["pipe"]["error"] == f"{fifo}: is a FIFO, not a file"


def test_a_sim_replay_of_a_fifo_never_blocks_the_ui_thread(fifo):
    spec = SimSource.model_validate({"kind": "sim", "mode": "replay", "path": str(fifo)})
    hub = FeedHub({"replay": spec}, now=0, wall=1000)
    finished, _ = in_thread(hub.tick, 0, 1000)  # the UI thread's call: old code hung here
    assert finished
    hub.wait_idle(timeout=GUARD_S)
    hub.tick(0, 1000)
    assert hub.snapshot(1000)["replay"] == {
        "state": "error", "value": None, "points": 0, "updated": None,
        "error": f"{fifo}: is a FIFO, not a file"}


# ---------------------------------------------------------------- B: slow servers, stuck work

@pytest.mark.parametrize("mode", ["headers", "body"])
def test_a_server_trickling_one_byte_at_a_time_times_out(trickle, mode):
    server = trickle(mode)
    hub = FeedHub({"slow": http(server.url)}, now=0, wall=1000)
    finished, _ = in_thread(run, hub, 0, 1000)
    assert finished
    assert hub.snapshot(1000)["slow"]["error"] == "timed out after 1 s"
    assert server.connections == 1


def test_an_https_server_trickling_its_headers_times_out(tmp_path, monkeypatch):
    """The same over TLS: the deadline holds through the TLS socket too."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True,
                   capture_output=True, timeout=60)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trusted like a system certificate
    httpget = sys.modules.get("kiosk.core.feeds.httpget")
    if httpget is not None:  # the trust store is loaded once per process
        monkeypatch.setattr(httpget, "_TLS_CONTEXT", None)
    server = TrickleServer("headers", tls=(str(cert), str(key)))
    try:
        hub = FeedHub({"slow": http(server.url)}, now=0, wall=1000)
        finished, _ = in_thread(run, hub, 0, 1000)
        assert finished
        assert hub.snapshot(1000)["slow"]["error"] == "timed out after 1 s"
    finally:
        server.stop()


def test_eight_slow_sources_do_not_starve_a_ninth(trickle, server):
    slow = trickle("headers")
    sources = {f"slow{i}": http(slow.url, timeout="60s") for i in range(8)}
    sources["healthy"] = http(server.url, field="data.total")
    server.payload = {"data": {"total": 9}}
    clock = FakeClock(0)
    hub = FeedHub(sources, now=clock(), wall=1000)
    end = time.monotonic() + GUARD_S
    while hub.feeds["healthy"].value is None and time.monotonic() < end:
        hub.tick(clock(), 1000 + clock())
        time.sleep(0.01)  # real workers: poll for the healthy result (bounded by GUARD_S)
    assert hub.feeds["healthy"].value == 9
    assert hub.snapshot(1000)["healthy"]["state"] == "ok"
    # ten minutes of ticks later, the slow ones are abandoned but never doubled up:
    # at most one thread per source
    for _ in range(600):
        clock.advance(1)
        hub.tick(clock(), 1000 + clock())
    feed_threads = [t for t in threading.enumerate() if t.name.startswith("kiosk-feed")]
    assert len(feed_threads) <= len(sources)
    hub.close()


def test_a_stuck_fetch_shows_timed_out_in_the_status_file(qtbot, app, trickle, tmp_path):
    from .test_live import start_show, status

    server = trickle("silent")
    deck = tmp_path / "deck.yaml"
    deck.write_text(json.dumps({"title": "t", "sources": {"flights": {
        "kind": "http", "url": server.url, "field": "total", "timeout": "5s"}},
        "slides": [{"type": "figures", "title": "飞行",
                    "items": [{"value": {"source": "flights"}, "label": "架次"}]}]}),
        encoding="utf-8")
    clock = FakeClock()
    show = start_show(qtbot, deck, tmp_path, clock=clock)
    show.tick_feeds()  # the fetch starts; the server accepts and says nothing
    clock.advance(7)  # past the 5 s deadline on the show's clock; the thread is still busy
    show.tick_feeds()
    show.write_status()
    assert status(tmp_path)["sources"]["flights"]["state"] == "error"
    assert status(tmp_path)["sources"]["flights"]["error"] == "timed out after 5 s"
    show.stop()


STUCK_RUN = textwrap.dedent("""
    import sys, threading
    import kiosk.qt.controller as controller
    # a deck load that never returns (a hung network share): the watcher sees an edit at
    # once, and the reload thread blocks for good
    controller.FileWatcher.changed = lambda self: True
    controller.load_deck = lambda path: threading.Event().wait()
    # and a pool job that never ends (a stuck image decode), which Python joins at exit
    import concurrent.futures
    concurrent.futures.ThreadPoolExecutor(1).submit(threading.Event().wait)
    from kiosk.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_exit_completes_with_eight_stuck_fetches_and_a_stuck_reload(trickle, tmp_path):
    server = trickle("headers")
    deck = tmp_path / "deck.yaml"
    deck.write_text(json.dumps({"title": "t", "sources": {
        f"feed{i}": {"kind": "http", "url": server.url, "timeout": "60s"} for i in range(8)},
        "slides": [{"type": "figures", "title": "飞行", "items": [
            {"value": {"source": f"feed{i}"}, "label": str(i)} for i in range(j, j + 4)]}
            for j in (0, 4)]}),
        encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(tmp_path),
           "KIOSK_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-c", STUCK_RUN, "run", str(deck), "--windowed",
               "--exit-after", "3", "--log-dir", str(tmp_path / "log"),
               "--status-file", str(tmp_path / "status.json")]
    try:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=60)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the show did not exit: {str(exc.stderr)[-1500:]}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "show ended" in done.stderr
    assert server.connections == 8  # the eight fetches were in flight when the show ended


def test_a_million_row_csv_hands_the_ui_thread_only_its_window(tmp_path):
    path = tmp_path / "big.csv"
    rows = "".join(f"{i},{i % 97}\n" for i in range(1_000_000))
    path.write_text("x,y\n" + rows, encoding="utf-8")
    assert os.path.getsize(path) < 10_000_000  # just under the file cap, as in the issue
    spec = FileSource.model_validate({"kind": "file", "path": str(path), "window": 300})
    reading, _ = fetch_file(spec, None)  # what the worker hands over to the UI thread
    assert reading is not None and isinstance(reading.value, list)
    assert len(reading.value) == 300
    assert reading.value[0] == (999_700, 999_700 % 97)
    assert reading.value[-1] == (999_999, 999_999 % 97)


def test_the_offline_cache_is_written_off_the_ui_thread(tmp_path, monkeypatch, caplog):
    """A full window is 100,000 points: 2.4 MB of JSON every 10 s, written on the UI thread
    (#18 B), where a slow disk stalled the show. The write stands still here (an event, as a
    hung disk would) while the hub goes on; close waits a bounded time for it."""
    from kiosk.core.feeds import hub as hub_module

    path = tmp_path / "data.csv"
    path.write_text("t,v\n" + "".join(f"{i},{i % 97}\n" for i in range(100_000)),
                    encoding="utf-8")
    spec = FileSource.model_validate({"kind": "file", "path": str(path), "window": 100_000})
    disk = threading.Event()
    release = threading.Timer(GUARD_S, disk.set)  # guard: the old code waits on the UI thread
    release.start()
    writers: list[str] = []
    writing = threading.Event()
    real_write = hub_module.write_atomic

    def slow_disk(target, content):
        writers.append(threading.current_thread().name)
        writing.set()
        disk.wait()
        real_write(target, content)

    monkeypatch.setattr(hub_module, "write_atomic", slow_disk)
    hub = FeedHub({"data": spec}, now=0, wall=1000, cache_dir=tmp_path / "cache")
    try:
        hub.tick(0, 1000)
        hub.wait_idle(timeout=GUARD_S)  # the fetch (no cache write yet)
        finished, changed = in_thread(hub.tick, 0.1, 1000.1)  # applies the fetch
        assert finished and changed == {"data"}
        assert writing.wait(GUARD_S)
        assert writers == ["kiosk-cache-data"]  # the write went to its own thread
        with caplog.at_level(logging.WARNING, logger="kiosk.core.feeds"):
            finished, _ = in_thread(hub.close, 1001)  # the disk is still stuck
        assert finished
        assert "is still being written; not writing it again" in caplog.text
    finally:
        disk.set()
        release.cancel()
    hub.wait_idle(timeout=GUARD_S)
    # a file's reading is as new as the file: the real clock, not the hub's fake one
    again = FeedHub({"data": spec}, now=0, wall=time.time(), cache_dir=tmp_path / "cache")
    assert len(again.feeds["data"].points) == 100_000  # the slow write did land, whole


def test_a_broken_sim_fails_alone_and_is_logged_once(tmp_path, caplog):
    (tmp_path / "header-only.csv").write_text("t,flights\n", encoding="utf-8")
    sources = {
        "missing": SimSource.model_validate({"kind": "sim", "mode": "replay",
                                             "path": str(tmp_path / "gone.csv")}),
        "header": SimSource.model_validate({"kind": "sim", "mode": "replay",
                                            "path": str(tmp_path / "header-only.csv")}),
        "walk": SimSource.model_validate({"kind": "sim", "refresh": "100ms", "seed": 1}),
    }
    hub = FeedHub(sources, now=0, wall=1000)
    with caplog.at_level(logging.INFO, logger="kiosk.core.feeds"):
        for i in range(50):  # five seconds at the show's 10 Hz
            hub.tick(i / 10, 1000 + i / 10)
            hub.wait_idle(timeout=GUARD_S)
    snap = hub.snapshot(1005)
    assert snap["walk"]["state"] == "ok" and snap["walk"]["points"] >= 40
    assert snap["missing"]["error"] == f"{tmp_path / 'gone.csv'}: file not found"
    assert snap["header"]["error"] == "CSV has no data rows"
    for name in ("missing", "header"):
        lines = [r for r in caplog.records if r.getMessage().startswith(f"feed {name}:")]
        assert len(lines) == 1, [r.getMessage() for r in lines]
    assert not [r for r in caplog.records if r.exc_info]


# ---------------------------------------------------------------- C: the offline cache

CORRUPT = {
    "null": "null",
    "a list": "[1, 2]",
    "updated NaN": '{"spec": "@", "updated": NaN, "points": [[1, 2]]}',
    "updated 1e300": '{"spec": "@", "updated": 1e300, "points": [[1, 2]]}',
    "updated a string": '{"spec": "@", "updated": "soon", "points": [[1, 2]]}',
    "points null": '{"spec": "@", "updated": 1000, "points": null}',
    "a point of one": '{"spec": "@", "updated": 1000, "points": [[1]]}',
    "a point of text": '{"spec": "@", "updated": 1000, "points": [["a", 2]]}',
    "an infinite point": '{"spec": "@", "updated": 1000, "points": [[1, Infinity]]}',
    "a 10^400 point": '{"spec": "@", "updated": 1000, "points": [[1, 1' + "0" * 400 + "]]}",
    "deep": '{"spec": "@", "updated": 1000, "points": ' + "[" * 100_000 + "]" * 100_000 + "}",
}


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_offline_cache_is_ignored_with_one_warning(server, tmp_path, caplog,
                                                              content):
    spec = http(server.url, field="data.total")
    first = FeedHub({"flights": spec}, now=0, wall=1000, cache_dir=tmp_path)
    run(first, 0, 1000)
    first.close(wall=1000)
    cache = tmp_path / "flights.json"
    fingerprint = json.loads(cache.read_text(encoding="utf-8"))["spec"]
    cache.write_text(content.replace("@", fingerprint), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="kiosk.core.feeds"):
        second = FeedHub({"flights": spec}, now=0, wall=5000, cache_dir=tmp_path)
    assert second.feeds["flights"].value is None  # started as if there were no cache
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "ignoring the offline cache" in warnings[0], warnings


def test_an_offline_cache_that_is_a_fifo_or_too_big_is_ignored(tmp_path, caplog):
    spec = http("http://127.0.0.1:9/feed.json")
    os.mkfifo(tmp_path / "pipe.json")
    with open(tmp_path / "huge.json", "wb") as out:
        out.truncate(1_000_000_000)  # sparse: a gigabyte that costs no disk
    with caplog.at_level(logging.WARNING, logger="kiosk.core.feeds"):
        hub = FeedHub({"pipe": spec, "huge": spec}, now=0, wall=5000, cache_dir=tmp_path)
    assert hub.feeds["pipe"].value is None and hub.feeds["huge"].value is None
    messages = sorted(r.getMessage() for r in caplog.records)
    assert len(messages) == 2
    assert "is a FIFO, not a file" in messages[1]
    assert "over the limit" in messages[0]


# ---------------------------------------------------------------- F: credentials, numbers

SECRETS = ("s3cret-pass", "tok-12345", "hdr-secret-999")


def secret_spec(url: str, header: str = "Bearer hdr-secret-999") -> HttpSource:
    base = url.replace("http://", "http://operator:s3cret-pass@")
    return http(f"{base}?token=tok-12345&city=zhuhai",
                headers={"Authorization": header})


@pytest.mark.parametrize("header", ["Bearer hdr-secret-999", "Bearer hdr-secret-999\nX: 1"])
def test_credentials_never_reach_the_log_or_the_status(server, caplog, header):
    """The server is gone (the error names the URL), or the header is refused by
    http.client (the error quotes it)."""
    spec = secret_spec(server.url, header)
    server.stop()
    hub = FeedHub({"flights": spec}, now=0, wall=1000)
    with caplog.at_level(logging.DEBUG, logger="kiosk.core.feeds"):
        run(hub, 0, 1000)
    snap = json.dumps(hub.snapshot(1000), ensure_ascii=False)
    logged = "\n".join(caplog.text.splitlines())
    assert hub.snapshot(1000)["flights"]["state"] == "error"
    for secret in SECRETS:
        assert secret not in snap and secret not in logged, (snap, logged)
    if header.endswith("999"):
        port = server.url.split(":")[2].split("/")[0]
        assert hub.feeds["flights"].error.startswith(
            f"cannot reach http://operator:***@127.0.0.1:{port}/feed.json"
            "?token=***&city=zhuhai: ")


@pytest.mark.parametrize(("body", "error"), [
    (b'{"v": 1' + b"0" * 400 + b"}", "value is out of range"),
    (b"[" * 100_000 + b"]" * 100_000, "malformed JSON: nested too deeply"),
])
def test_huge_numbers_and_deep_json_are_bad_input_not_internal_errors(tmp_path, caplog,
                                                                      body, error):
    path = tmp_path / "feed.json"
    path.write_bytes(body)
    spec = FileSource.model_validate({"kind": "file", "path": str(path), "field": "v"})
    hub = FeedHub({"odd": spec}, now=0, wall=1000)
    with caplog.at_level(logging.INFO, logger="kiosk.core.feeds"):
        run(hub, 0, 1000)
    assert hub.feeds["odd"].error is not None and error in hub.feeds["odd"].error
    assert "internal error" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]


def test_a_mac_csv_with_bare_cr_line_ends_is_read(tmp_path, caplog):
    """Excel's "CSV (Macintosh)" ends lines with a bare CR: csv raised _csv.Error, which
    the hub logged as an internal error with a traceback (#18)."""
    path = tmp_path / "mac.csv"
    path.write_bytes(b"x,y\r1,2\r3,4\r")
    spec = FileSource.model_validate({"kind": "file", "path": str(path), "window": 300})
    hub = FeedHub({"mac": spec}, now=0, wall=1000)
    with caplog.at_level(logging.INFO, logger="kiosk.core.feeds"):
        run(hub, 0, 1000)
    assert hub.feeds["mac"].error is None
    assert list(hub.feeds["mac"].points) == [(1.0, 2.0), (3.0, 4.0)]
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.parametrize("body", [
    b"x,y\n1,2\n3,\"" + b"4" * 200_000 + b"\n5,6\n",  # a quote never closed
    b"x,y\n1,2\n3," + b"4" * 140_000 + b"\n5,6\n",  # one field over csv's 128 KB limit
], ids=["unclosed quote", "field over 128 KB"])
@pytest.mark.parametrize("window", [None, 300])
def test_a_csv_that_csv_refuses_is_bad_input_not_an_internal_error(tmp_path, caplog, body,
                                                                   window):
    """A real show logged `internal error: Error('field larger than field limit (131072)')`
    with a traceback (#18): the feed's error now says which line and why."""
    path = tmp_path / "feed.csv"
    path.write_bytes(body)
    extra = {} if window is None else {"window": window}
    spec = FileSource.model_validate({"kind": "file", "path": str(path), **extra})
    hub = FeedHub({"odd": spec}, now=0, wall=1000)
    with caplog.at_level(logging.INFO, logger="kiosk.core.feeds"):
        run(hub, 0, 1000)
    snap = hub.snapshot(1000)["odd"]
    assert snap["state"] == "error"
    assert snap["error"] == ("CSV line 3: a field is longer than 131,072 characters "
                             "(a quote that is never closed?)")
    assert "internal error" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]


def test_a_huge_number_from_a_server_is_bad_input(server):
    server.payload = {"data": {"total": 10**400}}
    hub = FeedHub({"odd": http(server.url, field="data.total")}, now=0, wall=1000)
    run(hub, 0, 1000)
    assert hub.feeds["odd"].error == "value is out of range: 10000000000000000000…"


def test_exported_live_charts_end_with_strictly_increasing_time(write):
    from kiosk.core import load_deck
    from kiosk.qt.export import warm_feeds

    deck = load_deck(write("deck.yaml", """
        title: t
        sources:
          demo: {kind: sim, refresh: 1s, start: 50, step: 2}
        slides:
          - {type: chart, title: 实时, series: [{name: 模拟, source: demo}]}
    """)).deck
    assert deck is not None
    hub = warm_feeds(deck)
    assert hub is not None
    xs = [x for x, _ in hub.feeds["demo"].points]
    hub.close()
    assert len(xs) > 100
    assert all(a < b for a, b in itertools.pairwise(xs)), xs[-3:]
