"""Prometheus metrics (#16): a real show in-process with ``--metrics``, scraped over real HTTP
and parsed with prometheus_client's own parser; the shipped Grafana dashboard and alert rules
checked against what the endpoint serves (rules with the real promtool).

Clocks are fake; the only waiting is for a real worker thread (a feed's read, a reload).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

import kiosk
from kiosk.core import load_deck
from kiosk.ops import metrics as metrics_mod
from kiosk.qt.controller import Show

from .conftest import FakeClock

ROOT = Path(__file__).resolve().parent.parent
MONITORING = ROOT / "packaging" / "monitoring"
WALL0 = 1_800_000_000.0


def write_deck(path: Path, with_feed: bool = True, title: str = "hall A") -> Path:
    figures = {"type": "figures", "title": "今日", "duration": "20s",
               "items": [{"value": {"source": "gate"} if with_feed else 7, "unit": "人",
                          "label": "入馆"}]}
    data: dict = {"title": title, "slides": [
        figures,
        {"type": "title", "title": "二", "duration": "20s"},
        {"type": "title", "title": "三", "duration": "20s"}]}
    if with_feed:
        data["sources"] = {"gate": {"kind": "file", "path": "gate.json", "field": "n",
                                    "refresh": "2s", "stale_after": "60s"}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def start_show(qtbot, deck_path: Path, tmp_path: Path) -> Show:
    result = load_deck(deck_path)
    assert result.deck is not None, [str(p) for p in result.problems]
    show = Show(deck_path, result, animations=False, status_file=tmp_path / "status.json",
                cache_root=tmp_path / "cache", clock=FakeClock(), wall=FakeClock(WALL0))
    qtbot.addWidget(show.window)
    show.window.resize(640, 360)
    show.window.show()
    qtbot.waitExposed(show.window)
    return show


def serve(show: Show, address: str = "127.0.0.1:0") -> metrics_mod.Metrics:
    return metrics_mod.start(argparse.Namespace(metrics=address), show)


def scrape_text(exporter: metrics_mod.Metrics) -> str:
    assert exporter.url is not None
    with urllib.request.urlopen(exporter.url, timeout=10) as answer:
        assert answer.status == 200
        return answer.read().decode("utf-8")


def scrape(exporter: metrics_mod.Metrics) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value}, parsed by prometheus_client's parser."""
    samples = {}
    for family in text_string_to_metric_families(scrape_text(exporter)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def put(path: Path, text: str, at: float) -> None:
    """A file feed's value, written at ``at`` on the show's wall clock (its mtime)."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, (at, at))


def pump(show: Show) -> None:
    show.tick_feeds()
    show.hub.wait_idle(timeout=30)
    show.tick_feeds()
    show.write_status()


def test_the_scrape_follows_the_show(qtbot, app, tmp_path):
    put(tmp_path / "gate.json", '{"n": 12}', WALL0)
    deck = write_deck(tmp_path / "deck.yaml")
    show = start_show(qtbot, deck, tmp_path)
    exporter = serve(show)
    try:
        pump(show)
        got = scrape(exporter)
        assert got[("kiosk_info", (("deck", "hall A"), ("deck_version", ""),
                                   ("version", kiosk.__version__)))] == 1
        assert got[("kiosk_slide_index", ())] == 0
        assert got[("kiosk_slide_changes_total", ())] == 0
        assert got[("kiosk_paused", ())] == 0
        assert got[("kiosk_feed_state", (("source", "gate"),))] == 0
        assert got[("kiosk_feed_age_seconds", (("source", "gate"),))] == 0
        assert got[("kiosk_deck_reloads_total", (("result", "error"),))] == 0
        assert got[("kiosk_interactions_total", (("kind", "tap"),))] == 0
        assert got[("process_resident_memory_bytes", ())] > 0
        assert ("python_info", ()) not in got  # labels: present under its own labels
        assert any(name == "python_info" for name, _ in got)

        show.window.go_next(reason="command")
        show.telemetry.interaction("command", show.window.index)
        got = scrape(exporter)
        assert got[("kiosk_slide_index", ())] == 1
        assert got[("kiosk_slide_changes_total", ())] == 1
        assert got[("kiosk_interactions_total", (("kind", "command"),))] == 1
        assert got[("kiosk_slide_interactions_total", (("slide", "2"),))] == 1

        show.window.player.toggle_hold(show.clock(), show.wall())
        show.write_status()
        assert scrape(exporter)[("kiosk_paused", ())] == 1

        # the feed's file goes quiet for longer than stale_after: stale, 90 s old
        show.wall.advance(90)
        show.write_status()
        got = scrape(exporter)
        assert got[("kiosk_feed_state", (("source", "gate"),))] == 1
        assert got[("kiosk_feed_age_seconds", (("source", "gate"),))] == 90
        # a fresh value: ok again; then the file breaks while the value is fresh: error
        put(tmp_path / "gate.json", '{"n": 13}', WALL0 + 90)
        show.clock.advance(3)
        pump(show)
        assert scrape(exporter)[("kiosk_feed_state", (("source", "gate"),))] == 0
        put(tmp_path / "gate.json", "not json", WALL0 + 91)
        show.clock.advance(3)
        pump(show)
        assert scrape(exporter)[("kiosk_feed_state", (("source", "gate"),))] == 2

        # the deck is edited: a refused edit, then a good one without the feed
        deck.write_text("title: [unclosed\n", encoding="utf-8")
        show.reload_now()
        show.wait_reload()
        got = scrape(exporter)
        assert got[("kiosk_deck_reloads_total", (("result", "error"),))] == 1
        assert got[("kiosk_deck_reloads_total", (("result", "ok"),))] == 0
        write_deck(deck, with_feed=False, title="hall B")
        show.reload_now()
        show.wait_reload()
        show.write_status()
        got = scrape(exporter)
        assert got[("kiosk_deck_reloads_total", (("result", "ok"),))] == 1
        assert not [key for key in got if ("source", "gate") in key[1]]  # gone, not lingering
        assert next(key for key in got if key[0] == "kiosk_info")[1][0] == ("deck", "hall B")
    finally:
        exporter.close()
        show.stop()


def test_paint_times_and_dwell_per_slide(qtbot, app, tmp_path):
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", with_feed=False), tmp_path)
    exporter = serve(show)
    try:
        show.window.grab()  # a real paint through the window's frame path
        got = scrape(exporter)
        assert got[("kiosk_frame_seconds_count", ())] >= 1
        assert got[("kiosk_frame_seconds_bucket", (("le", "+Inf"),))] >= 1
        # a frame the show reports as slow counts as late; a quick one does not
        late = got[("kiosk_frames_late_total", ())]
        show.telemetry.frame(0.030)
        show.telemetry.frame(0.004)
        assert scrape(exporter)[("kiosk_frames_late_total", ())] == late + 1

        # a visitor: 5 s on slide 1, then 3 s on slide 2, then the visit ends; 100 s more
        # on slide 2 without a visitor count nothing
        show.telemetry.visit(True)
        show.wall.advance(5)
        show.window.go_next()
        show.wall.advance(3)
        show.telemetry.visit(False)
        show.wall.advance(100)
        show.write_status()
        got = scrape(exporter)
        assert got[("kiosk_slide_dwell_seconds_total", (("slide", "1"),))] == 5
        assert got[("kiosk_slide_dwell_seconds_total", (("slide", "2"),))] == 3
        # a visit in progress is counted once a second, not only when it ends
        show.telemetry.visit(True)
        show.wall.advance(4)
        show.write_status()
        got = scrape(exporter)
        assert got[("kiosk_slide_dwell_seconds_total", (("slide", "2"),))] == 7
    finally:
        exporter.close()
        show.stop()


@pytest.mark.parametrize("value,said", [
    ("nonsense", "is not an address"),
    ("::1:9100", "IPv6 address goes in brackets"),
    ("99999", "0 to 65535"),
    ("[fe80::zz]:9100", "is not an IPv6 address"),
])
def test_a_bad_address_is_one_line_and_the_show_goes_on(qtbot, app, tmp_path, caplog, value,
                                                         said):
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", with_feed=False), tmp_path)
    with caplog.at_level(logging.ERROR, logger="kiosk.ops.metrics"):
        exporter = serve(show, value)
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.ops.metrics"]
    assert len(lines) == 1 and said in lines[0] and "the show goes on" in lines[0], lines
    assert exporter.port is None and exporter.url is None
    show.window.go_next()
    assert show.window.index == 1
    exporter.close()
    show.stop()


def test_a_port_in_use_is_logged_once_and_the_show_goes_on(qtbot, app, tmp_path, caplog):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", with_feed=False), tmp_path)
    try:
        with caplog.at_level(logging.INFO, logger="kiosk.ops.metrics"):
            exporter = serve(show, f"127.0.0.1:{port}")
            show.write_status()
            show.write_status()
        lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.ops.metrics"]
        assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0], lines
        assert "without metrics" in lines[0]
        assert exporter.port is None
        show.window.go_next()
        assert show.window.index == 1
        exporter.close()
    finally:
        taken.close()
        show.stop()


def test_ipv6_loopback(qtbot, app, tmp_path):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 in this Python")
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", with_feed=False), tmp_path)
    exporter = serve(show, "[::1]:0")
    try:
        assert exporter.url is not None and exporter.url.startswith("http://[::1]:")
        assert scrape(exporter)[("kiosk_slide_index", ())] == 0
    finally:
        exporter.close()
        show.stop()


def test_close_frees_the_port(qtbot, app, tmp_path):
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", with_feed=False), tmp_path)
    before = set(threading.enumerate())
    exporter = serve(show)
    port = exporter.port
    scrape(exporter)
    assert set(threading.enumerate()) - before  # the server's thread
    exporter.close()
    again = socket.socket()
    again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    again.bind(("127.0.0.1", port))  # nobody listens there any more
    again.close()
    assert not [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert not [listener for listener in show.telemetry.listeners
                if isinstance(listener, metrics_mod.ShowMetrics)]
    show.stop()


def test_parse_address():
    assert metrics_mod.parse_address("9100") == ("127.0.0.1", 9100)
    assert metrics_mod.parse_address("0.0.0.0:9100") == ("0.0.0.0", 9100)
    assert metrics_mod.parse_address("[::1]:9100") == ("::1", 9100)
    assert metrics_mod.parse_address("localhost:9100") == ("localhost", 9100)
    with pytest.raises(ValueError, match=r"'screen-3\.local' is not an IP address"):
        metrics_mod.parse_address("screen-3.local:9100")  # DNS could hang the start


def test_silent_clients_and_a_flood_are_dropped_and_scrapes_go_on(qtbot, app, tmp_path,
                                                                monkeypatch):
    monkeypatch.setattr(metrics_mod._Handler, "timeout", 0.5)
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml", with_feed=False), tmp_path)
    exporter = serve(show)
    try:
        assert exporter.port is not None
        silent = [socket.create_connection(("127.0.0.1", exporter.port), timeout=30)
                  for _ in range(metrics_mod.MAX_CONNECTIONS + 4)]
        for client in silent:  # each is closed by the server: over the cap, or timed out
            assert client.recv(1) == b""
            client.close()
        assert scrape(exporter)[("kiosk_slide_index", ())] == 0
    finally:
        exporter.close()
        show.stop()


# ---------------------------------------------------------------------- the shipped files
def _exprs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        for value in node.values():
            found += _exprs(value)
        return found
    if isinstance(node, list):
        return [e for item in node for e in _exprs(item)]
    return []


def test_the_dashboard_uses_only_metrics_the_show_serves(qtbot, app, tmp_path):
    dashboard = json.loads((MONITORING / "kiosk-dashboard.json").read_text(encoding="utf-8"))
    assert dashboard["schemaVersion"] >= 36 and dashboard["title"]
    assert [i["name"] for i in dashboard["__inputs"]] == ["DS_PROMETHEUS"]
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    exprs = _exprs(panels)
    assert len(exprs) >= 12
    put(tmp_path / "gate.json", '{"n": 1}', WALL0)
    show = start_show(qtbot, write_deck(tmp_path / "deck.yaml"), tmp_path)
    exporter = serve(show)
    try:
        show.window.grab()
        show.telemetry.visit(True)
        show.telemetry.interaction("tap", 0)
        show.wall.advance(2)
        pump(show)
        served = set(re.findall(r"^(\w+)", scrape_text(exporter), re.M))
    finally:
        exporter.close()
        show.stop()
    used = {name for expr in exprs for name in re.findall(r"\b((?:kiosk|process)_\w+)", expr)}
    assert {"kiosk_frame_seconds_bucket", "kiosk_feed_state", "kiosk_slide_index",
            "process_cpu_seconds_total"} <= used
    assert used - served == set()
    rules = yaml.safe_load((MONITORING / "kiosk-rules.yml").read_text(encoding="utf-8"))
    rule_exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    used = {name for expr in rule_exprs for name in re.findall(r"\b(kiosk_\w+)", expr)}
    assert used and used - served == set()


def _promtool() -> str:
    found = shutil.which("promtool") or ("/usr/bin/promtool"
                                         if Path("/usr/bin/promtool").exists() else None)
    if found is None:
        pytest.skip("promtool not found (Debian's prometheus package: tools/setup-system.sh "
                    "test)")
    return found


def test_promtool_checks_the_rules():
    done = subprocess.run([_promtool(), "check", "rules", str(MONITORING / "kiosk-rules.yml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 rules found" in done.stdout or "SUCCESS" in done.stdout


def test_promtool_fires_each_alert():
    done = subprocess.run([_promtool(), "test", "rules", "kiosk-rules.test.yml"],
                          capture_output=True, text=True, timeout=60, cwd=MONITORING)
    assert done.returncode == 0, done.stdout + done.stderr
    tests = yaml.safe_load((MONITORING / "kiosk-rules.test.yml").read_text(encoding="utf-8"))
    fired = {case["alertname"] for t in tests["tests"] for case in t["alert_rule_test"]
             if case.get("exp_alerts")}
    rules = yaml.safe_load((MONITORING / "kiosk-rules.yml").read_text(encoding="utf-8"))
    names = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    assert names == fired  # every alert has a test in which it fires
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["annotations"]["summary"] and rule["annotations"]["description"]


# ---------------------------------------------------------------------- kiosk run --metrics
def _run_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_RUNTIME_DIR": str(tmp_path),
            "KIOSK_LOG_DIR": str(tmp_path / "log"), "KIOSK_CACHE_DIR": str(tmp_path / "c")}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_kiosk_run_serves_metrics_until_it_ends(tmp_path):
    """The real command line: `kiosk run --metrics` answers while the show plays, and the
    port is free again once it has ended."""
    deck = write_deck(tmp_path / "deck.yaml", with_feed=False)
    port = _free_port()
    show = subprocess.Popen([sys.executable, "-m", "kiosk", "run", str(deck), "--windowed",
                             "--size", "640x360", "--exit-after", "20", "--metrics",
                             f"127.0.0.1:{port}"], cwd=ROOT, env=_run_env(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        text = None
        deadline = time.monotonic() + 18  # the show's start-up, bounded (no timing asserted)
        while text is None and time.monotonic() < deadline and show.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics",
                                            timeout=5) as answer:
                    text = answer.read().decode("utf-8")
            except OSError:
                time.sleep(0.2)
        assert text is not None, "kiosk run --metrics never answered"
        names = {f.name: f for f in text_string_to_metric_families(text)}
        assert {"kiosk_info", "kiosk_slide_index", "kiosk_frame_seconds",
                "process_cpu_seconds"} <= set(names)
        info = names["kiosk_info"].samples[0].labels
        assert info["deck"] == "hall A" and info["version"] == kiosk.__version__
        assert show.wait(timeout=60) == 0
    finally:
        if show.poll() is None:
            show.kill()
            show.wait()
        if show.stderr:
            show.stderr.close()
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_kiosk_run_with_a_bad_metrics_value_plays_on(tmp_path):
    deck = write_deck(tmp_path / "deck.yaml", with_feed=False)
    done = subprocess.run([sys.executable, "-m", "kiosk", "run", str(deck), "--windowed",
                           "--size", "640x360", "--exit-after", "3", "--metrics", "91OO"],
                          cwd=ROOT, env=_run_env(tmp_path), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    logs = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in (tmp_path / "log").glob("*.log*"))
    said = [line for line in logs.splitlines() if "--metrics" in line]
    assert len(said) == 1, said
    assert "'91OO' is not an address" in said[0] and "the show goes on" in said[0]
    assert "Traceback" not in logs


def test_every_dashboard_query_is_valid_promql(tmp_path):
    """promtool parses each panel's query (Grafana's variables given example values)."""
    dashboard = json.loads((MONITORING / "kiosk-dashboard.json").read_text(encoding="utf-8"))
    exprs = _exprs(dashboard["panels"])
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"kiosk_dashboard:query{i}",
         "expr": expr.replace("$instance", ".*").replace("$__range", "6h")}
        for i, expr in enumerate(exprs)]}]}
    path = tmp_path / "queries.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    done = subprocess.run([_promtool(), "check", "rules", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(exprs)} rules found" in done.stdout
