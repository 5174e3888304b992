"""Issue #18, sections F and G: numbers that cannot be drawn, consoles that cannot show 中文,
login entries, contact-sheet captions, and tests that stay out of the user's home."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main

from .conftest import REPO, as_array

# ---------------------------------------------------------------- F: numbers a slide draws

FIGURE = "title: t\nslides:\n  - type: figures\n    items:\n      - {{value: {v}, label: a}}\n"
CHART = "title: t\nslides:\n  - type: chart\n    title: c\n{extra}    series:\n" \
        "      - {{name: a, data: {data}}}\n"
ALLOWED = "expected a number between -1e15 and 1e15"


@pytest.mark.parametrize(("deck", "message"), [
    (FIGURE.format(v=".nan"), f"slides[0].items[0].value: {ALLOWED}, got NaN (not a number)"),
    (FIGURE.format(v=".inf"), f"slides[0].items[0].value: {ALLOWED}, got infinity"),
    (FIGURE.format(v="1.0e+308"),
     f"slides[0].items[0].value: {ALLOWED} (larger ones cannot be drawn), got 1e+308"),
    (FIGURE.format(v='"-1e308"'), f"slides[0].items[0].value: {ALLOWED} (larger"),
    (CHART.format(extra="", data="[[0, 1], [1, 1.0e+308]]"),
     f"slides[0].series[0].data[1][1]: {ALLOWED} (larger ones cannot be drawn), got 1e+308"),
    (CHART.format(extra="", data="[[.nan, 1]]"),
     f"slides[0].series[0].data[0][0]: {ALLOWED}, got NaN"),
    (CHART.format(extra="    y_max: -.inf\n", data="[[0, 1]]"),
     f"slides[0].y_max: {ALLOWED}, got -infinity"),
    (CHART.format(extra="    y_min: 10\n    y_max: 5\n", data="[[0, 1]]"),
     "slides[0]: y_min (10) is not below y_max (5); allowed: y_min < y_max"),
], ids=["figure-nan", "figure-inf", "figure-1e308", "figure-text", "chart-y", "chart-x",
        "y_max-inf", "y_min-above-y_max"])
def test_check_refuses_numbers_that_cannot_be_drawn(write, capsys, deck, message):
    path = write("d.yaml", deck)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert message in out


def test_check_still_accepts_large_figures_that_fit(write, capsys):
    path = write("d.yaml", FIGURE.format(v="999999999999999"))
    assert main(["check", str(path)]) == 0, capsys.readouterr().out


def test_export_of_a_chart_at_1e308_is_refused_with_a_message_not_a_traceback(app, write,
                                                                             tmp_path, capsys):
    path = write("d.yaml", CHART.format(extra="", data="[[0, 1.0e+308], [1, -1.0e+308]]"))
    assert main(["export", str(path), str(tmp_path / "out"), "--size", "320x180"]) == 1
    assert "slides[0].series[0].data[0][1]" in capsys.readouterr().err
    assert not list((tmp_path / "out").glob("*.png"))


def test_a_live_feed_at_1e308_renders_in_charts_and_keeps_figures_in_their_cards(
        app, write, tmp_path, capsys):
    """A feed may deliver any finite number: the chart must still render (its axis range was
    [-inf, inf]), and a figure must not spill a 309-digit number out of its card."""
    from PySide6.QtGui import QImage

    from .render_util import bright

    t = 1_800_000_000
    (tmp_path / "series.json").write_text(json.dumps(
        [[t, 5], [t + 1, 1e308], [t + 2, -1e308], [1e308, 7], [t + 3, 6]]), encoding="utf-8")
    (tmp_path / "one.json").write_text("1e308", encoding="utf-8")
    deck = write("d.yaml", """
title: t
sources:
  series: {kind: file, path: series.json}
  one: {kind: file, path: one.json}
slides:
  - type: chart
    title: line
    series: [{name: a, source: series, color: "#ff00ff"}]
  - type: chart
    chart: bar
    title: bars
    series: [{name: a, source: series, color: "#ff00ff"}]
  - type: figures
    title: figure
    items: [{value: {source: one}, label: one}]
""")
    out = tmp_path / "out"
    assert main(["export", str(deck), str(out), "--size", "640x360"]) == 0
    for name in ("001.png", "002.png"):
        pixels = as_array(QImage(str(out / name)))
        b, g, r = (pixels[..., k].astype(int) for k in range(3))
        assert ((r > 200) & (b > 200) & (g < 90)).any(), f"{name}: no plotted data"
    figure = bright(as_array(QImage(str(out / "003.png"))))
    margin = 96 // 3 // 2  # half the design margin at a third of 1920 wide
    assert not figure[120:300, 640 - margin:].any(), "the number ran out of its card"


# ---------------------------------------------------------------- F: consoles without 中文


def kiosk_cli(*args: str, env_extra: dict[str, str], cwd: Path = REPO):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          cwd=cwd, env={**env, **env_extra}, timeout=60)


CONSOLES = [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "cp1252"},
            {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}]


@pytest.mark.parametrize("console", CONSOLES, ids=["ascii", "cp1252", "LANG=C"])
def test_check_on_a_console_without_chinese_escapes_instead_of_crashing(tmp_path, console):
    deck = tmp_path / "展厅.yaml"
    deck.write_text("title: 展厅\nslides:\n  - {type: title, title: 标题, 错: 1}\n",
                    encoding="utf-8")
    done = kiosk_cli("check", deck.name, env_extra=console, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"slides[0].\\u9519: unknown key '\\u9519'" in done.stdout
    assert b"1 problem" in done.stderr


@pytest.mark.parametrize("console", CONSOLES, ids=["ascii", "cp1252", "LANG=C"])
def test_schema_on_a_console_without_chinese_is_still_the_same_json(console):
    done = kiosk_cli("schema", env_extra=console)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    # \uXXXX is JSON's own escape: an editor reads the same schema
    utf8 = kiosk_cli("schema", env_extra={"PYTHONIOENCODING": "utf-8"})
    assert json.loads(done.stdout.decode("ascii")) == json.loads(utf8.stdout.decode("utf-8"))


# ---------------------------------------------------------------- F: the login entry

RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def unescape_value(value: str) -> str:
    """The Desktop Entry spec's string unescaping (\\s \\n \\t \\r \\\\)."""
    out, chars = [], iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[nxt])
        else:
            out.append(ch)
    return "".join(out)


def split_exec(value: str) -> list[str]:
    """The spec's Exec rules: reserved characters only inside "…", where " ` $ \\ are
    escaped with a backslash; %% is a literal %. Anything else is an invalid entry."""
    args, i = [], 0
    while i < len(value):
        if value[i] == " ":
            i += 1
            continue
        arg = []
        if value[i] == '"':
            i += 1
            while value[i] != '"':
                if value[i] == "\\":
                    assert value[i + 1] in '"`$\\', f"bad escape in {value!r}"
                    i += 1
                arg.append(value[i])
                i += 1
            i += 1
        else:
            while i < len(value) and value[i] != " ":
                assert value[i] not in RESERVED, f"unquoted {value[i]!r} in {value!r}"
                arg.append(value[i])
                i += 1
        args.append("".join(arg).replace("%%", "%"))
    return args


NASTY = ["/srv/my decks/展厅 \"1\" $HOME `id` 100% back\\slash 'q'.yaml", "--screen", "1"]


def enable_entry(tmp_path, monkeypatch, args) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert main(["autostart", "enable", *args]) == 0
    return tmp_path / "config" / "autostart" / "kiosk.desktop"


def test_the_login_entry_quotes_arguments_as_the_desktop_entry_spec_says(tmp_path,
                                                                        monkeypatch):
    entry = enable_entry(tmp_path, monkeypatch, NASTY)
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    keys = [line.split("=", 1)[0] for line in lines[1:]]
    assert keys == ["Type", "Name", "Name[zh_CN]", "Comment", "Exec", "Icon", "Terminal",
                    "X-GNOME-Autostart-enabled"]
    exec_value = unescape_value(next(x for x in lines if x.startswith("Exec="))[5:])
    assert split_exec(exec_value) == [sys.executable, "-m", "kiosk", "supervise", *NASTY]


def test_a_control_character_in_an_argument_is_refused_and_nothing_is_written(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert main(["autostart", "enable", "d.yaml\nExec=/bin/evil"]) == 2
    err = capsys.readouterr().err
    assert "argument 1" in err and "control character ('\\n')" in err
    assert "nothing was changed" in err
    assert not (tmp_path / "config" / "autostart" / "kiosk.desktop").exists()


def _glib_python() -> str | None:
    """A Python with GLib's introspection (python3-gi), which the venv does not have."""
    for python in ("/usr/bin/python3", shutil.which("python3")):
        if python and subprocess.run(
                [python, "-c", "import gi; gi.require_version('GLib', '2.0')"],
                capture_output=True, timeout=60).returncode == 0:
            return python
    return None


def test_glib_reads_the_login_entry_back_to_the_same_command(tmp_path, monkeypatch):
    """What GNOME, XFCE and LXQt do with the entry: GKeyFile, then g_shell_parse_argv."""
    python = _glib_python()
    if python is None:
        pytest.skip("no python3-gi on this machine")
    entry = enable_entry(tmp_path, monkeypatch, NASTY)
    script = (
        "import json, sys, gi\n"
        "gi.require_version('GLib', '2.0')\n"
        "from gi.repository import GLib\n"
        "kf = GLib.KeyFile()\n"
        "kf.load_from_file(sys.argv[1], GLib.KeyFileFlags.NONE)\n"
        "ok, argv = GLib.shell_parse_argv(kf.get_string('Desktop Entry', 'Exec'))\n"
        "print(json.dumps({'keys': list(kf.get_keys('Desktop Entry')[0]),"
        " 'argv': [a.replace('%%', '%') for a in argv]}))\n")
    done = subprocess.run([python, "-c", script, str(entry)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    assert parsed["argv"] == [sys.executable, "-m", "kiosk", "supervise", *NASTY]
    assert parsed["keys"] == ["Type", "Name", "Comment", "Exec", "Icon", "Terminal",
                              "X-GNOME-Autostart-enabled"]


def test_desktop_file_validate_accepts_the_login_entry(tmp_path, monkeypatch):
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate is not installed (desktop-file-utils)")
    entry = enable_entry(tmp_path, monkeypatch, NASTY)
    done = subprocess.run([validate, str(entry)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "error" not in done.stdout, done.stdout


# ---------------------------------------------------------------- F: contact-sheet captions


def test_a_long_chinese_title_is_elided_in_its_contact_sheet_caption(app, tmp_path):
    from PySide6.QtGui import QFontMetricsF

    from kiosk.qt.export import CAPTION_PX, THUMB_W, caption
    from kiosk.qt.fonts import font

    from .render_util import deck_from

    title = "珠海市低空经济产业园区新建续建配套基础设施建设项目年度投资完成情况与同比增长说明"
    deck = deck_from(tmp_path, {"title": "t", "slides": [{"type": "title", "title": title}]})
    text = caption(1, deck.slides[0], THUMB_W)
    assert text.startswith("001 · title · 珠海市低空经济")
    assert text.endswith("…")
    assert QFontMetricsF(font(CAPTION_PX)).horizontalAdvance(text) <= THUMB_W
    short = deck_from(tmp_path, {"title": "t", "slides": [{"type": "title", "title": "展厅"}]})
    assert caption(2, short.slides[0], THUMB_W) == "002 · title · 展厅"


# ---------------------------------------------------------------- G: a truly fresh machine


def _real_home() -> Path:
    import pwd

    return Path(pwd.getpwuid(os.getuid()).pw_dir)


@pytest.mark.skipif(sys.platform == "win32", reason="the real home comes from pwd")
def test_every_folder_a_test_may_write_is_inside_the_tests_temp_dir(tmp_path_factory):
    """The autouse fixtures in conftest.py: platformdirs, Path.home() and the show's own
    folders all resolve under pytest's temp dir, in this process and in a child."""
    import platformdirs

    from kiosk.autostart import xdg_entry_path
    from kiosk.core.files import cache_root
    from kiosk.logsetup import log_dir

    base = tmp_path_factory.getbasetemp().resolve()
    here = [Path.home(), Path(platformdirs.user_cache_dir("kiosk")),
            Path(platformdirs.user_state_dir("kiosk")), Path(platformdirs.user_log_dir("kiosk")),
            Path(platformdirs.user_config_dir("kiosk")), xdg_entry_path(), cache_root(),
            log_dir()]
    child = subprocess.run(
        [sys.executable, "-c", "import pathlib, platformdirs as p; from kiosk.core.files "
         "import cache_root; from kiosk.logsetup import log_dir; print(pathlib.Path.home(), "
         "p.user_cache_dir('kiosk'), p.user_state_dir('kiosk'), cache_root(), log_dir(), "
         "sep='\\n')"], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert child.returncode == 0, child.stderr
    for path in here + [Path(line) for line in child.stdout.splitlines()]:
        assert path.resolve().is_relative_to(base), f"{path} is outside {base}"
        assert not path.resolve().is_relative_to(_real_home()), path


def test_a_real_show_writes_its_log_into_the_tests_folders(tmp_path, write):
    deck = write("d.yaml", "title: t\nslides:\n  - {type: title, title: 一, duration: 1s}\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "kiosk", "run", str(deck), "--windowed",
                           "--exit-after", "1"], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (Path(os.environ["KIOSK_LOG_DIR"]) / "kiosk.log").is_file()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_repairs_a_venv_left_half_made(tmp_path):
    """A `python3 -m venv` that failed (no python3-venv yet) leaves bin/python without pip;
    `make setup` must make the venv again rather than fail at once, and leave a sound one be.
    (The step `make setup` runs before its pip installs, which need the network.)"""
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", ".venv"],
                          cwd=tmp_path, capture_output=True, timeout=120)
    assert made.returncode == 0 and (tmp_path / ".venv" / "bin" / "python").exists()

    def make_venv():
        done = subprocess.run(["make", "venv", f"PYTHON={sys.executable}"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr

    make_venv()
    pip = [str(tmp_path / ".venv" / "bin" / "python"), "-m", "pip", "--version"]
    assert subprocess.run(pip, capture_output=True, timeout=60).returncode == 0
    (tmp_path / ".venv" / "kept").write_text("")
    make_venv()
    assert (tmp_path / ".venv" / "kept").exists(), "a sound venv was made again"


def test_the_license_is_an_spdx_string_so_set_up_prints_no_deprecation_warning():
    """setuptools warns three times per set-up about `license = {text = …}` (#18 G)."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    project = config["project"]
    assert project["license"] == "MIT"
    assert all((REPO / name).is_file() for name in project["license-files"])
    assert "setuptools>=77" in config["build-system"]["requires"]  # the first to accept it


def test_a_minimal_debian_gets_what_make_demo_needs():
    """Debian 12 minbase has no python3-venv (`python3 -m venv` fails), no CA certificates
    and no xset (x11-xserver-utils), which `make demo` uses to keep the screen awake."""
    listed = subprocess.run(["bash", str(REPO / "tools" / "setup-system.sh"), "run", "--list"],
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    wanted = listed.stdout.split()
    assert {"python3-venv", "ca-certificates", "x11-xserver-utils"} <= set(wanted)
