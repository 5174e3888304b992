"""`make package-check-windows`: run, install and uninstall what `make package-windows` built,
under Wine (packaging/README.md, "What is verified where").

    .venv/bin/python packaging/windows/check_wine.py

1. The frozen ``kiosk.exe``: ``--version``, ``check`` and ``export`` of the demo deck; every
   slide that shows no live data is pixel-identical to the Linux source tree's render.
2. ``kioskw.exe run --exit-after`` on Wine's X11 driver under Xvfb: the screen shows the first
   slide full screen, the exit is clean, and the log and cache land in one folder,
   %LOCALAPPDATA%\\kiosk\\{Logs,Cache}. Ending ``kioskw.exe`` (the launcher) ends its ``kiosk.exe``.
3. ``setup.exe /S``: the installed app exports; the Add/Remove Programs entry; the Start-menu
   shortcuts in the all-users Start menu; ``kiosk autostart enable|disable`` and the Run value.
4. ``uninstall.exe /S``: no file, shortcut or registry key of it is left.
Runs with the development venv's Python (numpy and PySide6 for the pixels), the Wine prefix of
packaging/windows/wine-env.sh.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from check_installed import fail, pixels, screenshot, start_xvfb
from windows import winbuild

ROOT = Path(__file__).resolve().parent.parent.parent
# wine-env.sh's folder for this checkout (outside it: a prefix's z: links to /)
_CHECKOUT = hashlib.sha1((str(ROOT) + "\n").encode()).hexdigest()[:8]  # `pwd -P | sha1sum`
W = Path(os.environ.get("KIOSK_WINE_DIR")
         or Path(os.environ.get("TMPDIR") or "/tmp") / f"kiosk-wine-{_CHECKOUT}")
PREFIX = W / "prefix"
BUNDLE = ROOT / "build" / "bundle-windows" / "kiosk"
WIDTH, HEIGHT = 1920, 1080  # check_installed's Xvfb screen: the export is compared with it
ARP = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\kiosk"
RUN = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run"
INSTALL = r"C:\Program Files\kiosk"


def wine_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "QT_QPA_PLATFORM", "PYTHONPATH", "VIRTUAL_ENV",
                        "KIOSK_LOG_DIR", "KIOSK_CACHE_DIR", "KIOSK_RUNTIME_DIR")}
    env.update(WINEPREFIX=str(PREFIX), WINEARCH="win64", WINEDEBUG="-all",
               WINEDLLOVERRIDES="mscoree,mshtml=", **extra)
    return env


def wine(*args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a Windows program; its output through a pipe (Wine 8.0: see wine-env.sh)."""
    return subprocess.run(["wine", *args], env=wine_env(**env), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace", timeout=timeout)


def settle() -> None:
    """Wait for every process of the prefix (an uninstaller re-runs itself from %TEMP%)."""
    subprocess.run(["wineserver", "-w"], env=wine_env(), check=True, timeout=300)


def must(done: subprocess.CompletedProcess[str], what: str) -> str:
    if done.returncode != 0:
        fail(f"{what} exited {done.returncode}:\n{done.stdout}")
    return done.stdout


def unix(path: str) -> Path:
    """C:\\... of the prefix as a Linux path."""
    out = subprocess.run(["winepath", "-u", path], env=wine_env(), capture_output=True,
                         text=True, check=True, timeout=60).stdout.strip()
    return Path(out)


def winpath(path: Path) -> str:
    return "Z:" + str(path.resolve()).replace("/", "\\")


def live_slides(deck: Path) -> set[str]:
    """``NNN.png`` of the slides that draw a data source (their values move with the clock)."""
    def uses_source(node: object) -> bool:
        if isinstance(node, dict):
            return isinstance(node.get("source"), str) or any(map(uses_source, node.values()))
        return isinstance(node, list) and any(map(uses_source, node))

    slides = [s for s in yaml.safe_load(deck.read_text(encoding="utf-8"))["slides"]
              if s.get("enabled", True)]
    return {f"{n:03d}.png" for n, s in enumerate(slides, start=1) if uses_source(s)}


def check_pngs(out: Path, what: str) -> list[Path]:
    slides = sorted(out.glob("[0-9][0-9][0-9].png"))
    if len(slides) < 20:
        fail(f"{what} wrote {len(slides)} slides, expected the demo deck's 24")
    for path in slides:
        image = pixels(path).astype(np.int16)
        if image.std() < 8 or (image.max(axis=2) > 150).mean() < 0.002:
            fail(f"{what}: {path.name} looks blank")
    return slides


# Linux renders text with Debian's FreeType 2.12, Windows' Qt6Gui.dll with the FreeType built
# into it: the same glyphs, positions and colours, shaded differently along their edges (up to
# 27 levels on 1 to 3 % of the pixels of a text slide: #13's larger text, at the legibility
# floor, has more glyph edges). A wrong font, a missing glyph or a shifted layout changes
# pixels by far more than 40 levels (a glyph where the background was: 150 and more).
INSTALLED_MB = 110  # #17's goal for the installed app, uninstaller included
EDGE_SHADING = 40  # most any pixel may differ from the Linux render, 0-255
EDGE_SHARE = 0.05  # share of the pixels that may differ at all


def compare(slides: list[Path], windows: Path, linux: Path, live: set[str], what: str) -> int:
    """``slides`` against the Windows source render (identical) and the Linux one (close)."""
    names = [p.name for p in slides]
    folder = slides[0].parent
    exact = [n for n in names if np.array_equal(pixels(windows / n), pixels(folder / n))]
    differ = sorted(set(names) - set(exact) - live)
    if differ:
        fail(f"{what} differs from the source tree's render under Wine on slides without live "
             "data: " + ", ".join(differ))
    linux_same, worst, share = 0, 0, 0.0
    for n in sorted(set(names) - live):
        diff = np.abs(pixels(folder / n).astype(np.int16)
                      - pixels(linux / n).astype(np.int16)).max(axis=2)
        if not diff.any():
            linux_same += 1
        worst, share = max(worst, int(diff.max())), max(share, float((diff > 0).mean()))
        if diff.max() > EDGE_SHADING or (diff > 0).mean() > EDGE_SHARE:
            fail(f"{what}: {n} is not the Linux render with other glyph shading (pixels differ "
                 f"by up to {diff.max()}, {100 * (diff > 0).mean():.1f} % of them)")
    print(f"ok: {what}: {len(names)} slides, none blank; {len(exact)} of {len(names)} "
          f"pixel-identical to the source tree's render under Wine (all {len(names) - len(live)} "
          f"without live data; {len(live)} draw a simulated feed); against the Linux render: "
          f"{linux_same} identical, the other {len(names) - len(live) - linux_same} differ only "
          f"in glyph edge shading (at most {worst} levels, {100 * share:.1f} % of the pixels)")
    return len(exact)


class Renders:
    """The demo deck rendered from the source tree: by Linux, and by the Windows CPython of the
    build under Wine (same Qt DLLs as the bundle), and which of its slides show live data."""

    def __init__(self, work: Path) -> None:
        self.deck = ROOT / "slides" / "zhuhai.yaml"
        self.live = live_slides(self.deck)
        self.linux = work / "linux"
        subprocess.run([sys.executable, "-m", "kiosk", "export", str(self.deck), str(self.linux),
                        "--size", f"{WIDTH}x{HEIGHT}"], check=True, timeout=300,
                       capture_output=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        self.windows = work / "windows-source"
        # python.exe's ._pth file ignores PYTHONPATH: the source tree goes on sys.path here.
        code = (f"import sys; sys.path.insert(0, {winpath(ROOT)!r}); "
                "from kiosk.cli import main; sys.exit(main())")
        must(wine(str(W / "python" / "python.exe"), "-c", code, "export", winpath(self.deck),
                  winpath(self.windows), "--size", f"{WIDTH}x{HEIGHT}",
                  QT_QPA_PLATFORM="offscreen"), "the source tree's export under Wine")

    def compare(self, out: Path, what: str) -> int:
        return compare(check_pngs(out, what), self.windows, self.linux, self.live, what)


def frozen(work: Path, version: str, renders: Renders) -> None:
    exe = str(BUNDLE / "kiosk.exe")
    shown = must(wine(exe, "--version"), "kiosk.exe --version").strip()
    if shown != f"kiosk {version}":
        fail(f"kiosk.exe --version says {shown!r}, expected 'kiosk {version}'")
    deck = winpath(BUNDLE / "_internal" / "slides" / "zhuhai.yaml")
    must(wine(exe, "check", deck, QT_QPA_PLATFORM="offscreen"), "kiosk.exe check")
    print(f"ok: kiosk.exe --version: {shown}; kiosk.exe check: clean")
    out = work / "frozen"
    must(wine(exe, "export", deck, winpath(out), "--size", f"{WIDTH}x{HEIGHT}",
              QT_QPA_PLATFORM="offscreen"), "kiosk.exe export")
    renders.compare(out, "frozen kiosk.exe export")


def show(work: Path) -> None:
    """kioskw.exe on Wine's X11 driver: first slide full screen, clean exit, one data folder."""
    local = unix(must(wine("cmd", "/c", "echo", "%LOCALAPPDATA%"), "echo").strip())
    shutil.rmtree(local / "kiosk", ignore_errors=True)
    log = local / "kiosk" / "Logs" / "kiosk.log"
    subprocess.run(["wineserver", "-k"], env=wine_env(), timeout=60)  # its desktop had no display
    server, display = start_xvfb()
    try:
        started = time.monotonic()
        run = subprocess.Popen(
            ["wine", str(BUNDLE / "kioskw.exe"), "run",
             winpath(BUNDLE / "_internal" / "slides" / "zhuhai.yaml"), "--exit-after", "20"],
            env=wine_env(DISPLAY=display), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace")
        while "first frame painted" not in (log.read_text("utf-8", "replace")
                                            if log.exists() else ""):
            if run.poll() is not None or time.monotonic() - started > 90:
                fail(f"kioskw.exe painted no frame (log {log}):\n"
                     + (log.read_text("utf-8", "replace") if log.exists() else "no log"))
            time.sleep(0.5)
        painted = time.monotonic() - started
        time.sleep(2)  # the first slide's entrance animation
        seen = screenshot(display, work / "screen.png")
        output = run.communicate(timeout=120)[0]
        text = log.read_text("utf-8", "replace")
        if run.returncode != 0 or "Traceback" in text or "show ended" not in text:
            fail(f"kioskw.exe run exited {run.returncode}:\n{output}\n{text}")
        expected = pixels(work / "frozen" / "001.png")
        cut = HEIGHT * 9 // 10  # above the progress bar and dots, which the export does not draw
        diff = np.abs(expected[:cut].astype(int) - seen[:cut].astype(int)).mean()
        if seen.shape[:2] != (HEIGHT, WIDTH) or diff >= 3:
            fail(f"the screen does not show the first slide full screen (mean difference "
                 f"{diff:.2f})")
        print(f"ok: kioskw.exe run under Wine's X11 driver: first slide full screen (mean "
              f"difference {diff:.2f} from the export), first frame {painted:.1f} s after "
              "launch, exit 0 after --exit-after 20")
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(["wineserver", "-k"], env=wine_env(), timeout=60)
    folders = sorted(p.name for p in (local / "kiosk").iterdir())
    if folders != ["Cache", "Logs"] or not (local / "kiosk" / "Cache").rglob("*"):
        fail(f"%LOCALAPPDATA%\\kiosk holds {folders}, expected Cache and Logs")
    print(f"ok: log and cache in one folder: %LOCALAPPDATA%\\kiosk\\{{{', '.join(folders)}}}")


def shows_running() -> list[str]:
    """The kiosk.exe processes of this machine's Wine (each is a Linux process)."""
    found = subprocess.run(["pgrep", "-af", r"\\kiosk\.exe"], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "pgrep" not in line]


def launcher(work: Path) -> None:
    """kioskw.exe, the windowless launcher: when it is ended the way the supervisor ends a
    frozen show (TerminateProcess), the kiosk.exe it started ends too (its job object)."""
    local = unix(must(wine("cmd", "/c", "echo", "%LOCALAPPDATA%"), "echo").strip())
    log = local / "kiosk" / "Logs" / "kiosk.log"
    log.unlink(missing_ok=True)
    run = subprocess.Popen(
        ["wine", str(BUNDLE / "kioskw.exe"), "run",
         winpath(BUNDLE / "_internal" / "slides" / "zhuhai.yaml")],
        env=wine_env(QT_QPA_PLATFORM="offscreen"), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, errors="replace")
    started = time.monotonic()
    try:
        # the offscreen platform paints no window (no "first frame painted"): the show is up
        # once it has shown its window and held the screen awake
        while "screen kept awake" not in (log.read_text("utf-8", "replace")
                                          if log.exists() else ""):
            if run.poll() is not None or time.monotonic() - started > 120:
                fail("kioskw.exe run (offscreen) did not start the show:\n"
                     + (log.read_text("utf-8", "replace") if log.exists() else "no log"))
            time.sleep(0.5)
        if not shows_running():
            fail("kioskw.exe is showing, but no kiosk.exe process is running under it")
        must(wine("taskkill", "/F", "/IM", "kioskw.exe"), "taskkill /F /IM kioskw.exe")
        ended = time.monotonic()
        while shows_running():
            if time.monotonic() - ended > 15:
                fail("kiosk.exe still runs after its kioskw.exe was ended:\n"
                     + "\n".join(shows_running()))
            time.sleep(0.5)
        print(f"ok: kioskw.exe ended with TerminateProcess: its kiosk.exe ended within "
              f"{time.monotonic() - ended:.1f} s")
    finally:
        if run.poll() is None:
            run.kill()
        run.communicate(timeout=60)
        subprocess.run(["wineserver", "-k"], env=wine_env(), timeout=60)


def reg_values(key: str) -> dict[str, str] | None:
    """``wine reg query KEY``: its values by name, or None when the key does not exist."""
    done = wine("reg", "query", key)
    if done.returncode != 0:
        return None
    values = {}
    for line in done.stdout.splitlines():
        parts = line.strip().split(None, 2)
        if len(parts) >= 2 and parts[1].startswith("REG_"):
            values[parts[0]] = parts[2] if len(parts) == 3 else ""
    return values


def start_menus() -> tuple[Path, Path]:
    """(all users', this user's) Start-menu Programs folders of the prefix."""
    programs = r"Microsoft\Windows\Start Menu\Programs"
    common = must(wine("cmd", "/c", "echo", "%ProgramData%"), "echo").strip()
    user = must(wine("cmd", "/c", "echo", "%APPDATA%"), "echo").strip()
    return unix(common + "\\" + programs), unix(user + "\\" + programs)


def installed(work: Path, setup: Path, version: str, renders: Renders) -> None:
    must(wine(str(setup), "/S"), "setup.exe /S")
    settle()
    folder = unix(INSTALL)
    exe = INSTALL + r"\kiosk.exe"
    if not (folder / "kioskw.exe").is_file() or not (folder / "uninstall.exe").is_file():
        fail(f"setup.exe /S did not install into {INSTALL}")
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20  # MiB
    if size > INSTALLED_MB:
        fail(f"installed: {size:.1f} MB in {INSTALL}, over the {INSTALLED_MB} MB the bundle "
             "must stay within (#17; packaging/README.md, 'What is cut', Windows)")
    leaked = winbuild.absent(W / "shims", [folder])
    if leaked:
        fail(f"a Wine shim was installed with the app: {leaked}")
    out = work / "installed"
    must(wine(exe, "export", INSTALL + r"\_internal\slides\zhuhai.yaml", winpath(out),
              "--size", f"{WIDTH}x{HEIGHT}", QT_QPA_PLATFORM="offscreen"),
         "installed kiosk.exe export")
    renders.compare(out, "installed kiosk.exe export")

    arp = reg_values(ARP) or {}
    wanted = {"DisplayName": "kiosk", "DisplayVersion": version, "Publisher": "kiosk maintainers",
              "UninstallString": f'"{INSTALL}\\uninstall.exe"',
              "QuietUninstallString": f'"{INSTALL}\\uninstall.exe" /S'}
    wrong = {k: arp.get(k) for k, v in wanted.items() if arp.get(k) != v}
    if wrong:
        fail(f"Add/Remove Programs entry {ARP}: {wrong}, expected {wanted}")
    common, user = start_menus()
    links = sorted(p.name for p in (common / "kiosk").glob("*.lnk"))
    if len(links) != 3 or (user / "kiosk").exists():
        fail(f"Start-menu shortcuts: all users {links}, this user's "
             f"{'has' if (user / 'kiosk').exists() else 'has no'} kiosk folder")
    print(f"ok: setup.exe /S: {size:.1f} MB in {INSTALL} (at most {INSTALLED_MB}); "
          "Add/Remove Programs: "
          + ", ".join(f"{k}={arp[k]}" for k in wanted)
          + f"; Start menu (all users): {', '.join(links)}")

    deck = INSTALL + r"\_internal\slides\zhuhai.yaml"
    must(wine(exe, "autostart", "enable", deck, "--screen", "1"), "kiosk.exe autostart enable")
    value = (reg_values(RUN) or {}).get("kiosk", "")
    if f'"{INSTALL}\\kioskw.exe" "supervise" "{deck}" "--screen" "1"' != value:
        fail(f"kiosk autostart enable wrote {RUN}\\kiosk = {value!r}")
    must(wine(exe, "autostart", "disable"), "kiosk.exe autostart disable")
    if "kiosk" in (reg_values(RUN) or {}):
        fail(f"kiosk autostart disable left {RUN}\\kiosk")
    print(f"ok: kiosk autostart enable wrote {RUN}\\kiosk = {value}; disable removed it")


def uninstalled() -> None:
    must(wine(INSTALL + r"\uninstall.exe", "/S"), "uninstall.exe /S")
    settle()  # the uninstaller copies itself to %TEMP% and runs from there
    common, user = start_menus()
    left = [str(p) for p in (unix(INSTALL), common / "kiosk", user / "kiosk") if p.exists()]
    if reg_values(ARP) is not None:
        left.append(ARP)
    if "kiosk" in (reg_values(RUN) or {}):
        left.append(RUN + r"\kiosk")
    if left:
        fail("left behind after uninstall.exe /S:\n  " + "\n  ".join(left))
    print(f"ok: uninstall.exe /S: {INSTALL}, the Start-menu folder and {ARP} are gone")


def fleet(work: Path) -> None:
    """The frozen kiosk.exe's #15 and #16 parts, which load more than the show: publish signs
    with PyNaCl (libsodium's DLL) and Debian's minisign verifies it; kiosk stats reads an
    events log; kiosk run --metrics serves /metrics (kiosk.ops, imported by name)."""
    import hashlib
    import json
    import socket
    import urllib.request

    exe = str(BUNDLE / "kiosk.exe")
    deck = winpath(BUNDLE / "_internal" / "slides" / "zhuhai.yaml")
    pub = work / "pub"
    minisign = shutil.which("minisign")
    sign: list[str] = []
    if minisign:
        subprocess.run([minisign, "-G", "-W", "-p", str(work / "k.pub"), "-s",
                        str(work / "k.key")], check=True, capture_output=True, timeout=60)
        sign = ["--sign", winpath(work / "k.key")]
    must(wine(exe, "publish", deck, winpath(pub), *sign, QT_QPA_PLATFORM="offscreen"),
         "kiosk.exe publish")
    manifest = json.loads((pub / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = (pub / "files" / entry["sha256"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            fail(f"kiosk.exe publish: {entry['path']} does not hash to its name")
    verified = "not signed (no minisign here)"
    if minisign:
        done = subprocess.run([minisign, "-Vm", str(pub / "manifest.json"), "-p",
                               str(work / "k.pub")], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            fail(f"minisign -V refused what kiosk.exe publish signed: {done.stderr}")
        verified = "signed, and minisign -V verifies it"
    events = work / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in [
        {"t": 1_800_000_000_000, "event": "visit", "active": True},
        {"t": 1_800_000_001_000, "event": "interaction", "kind": "tap", "index": 0},
        {"t": 1_800_000_002_000, "event": "slide", "index": 1, "reason": "user"},
        {"t": 1_800_000_040_000, "event": "visit", "active": False}]), encoding="utf-8")
    table = must(wine(exe, "stats", winpath(events), "--out", winpath(work / "stats.png"),
                      QT_QPA_PLATFORM="offscreen"), "kiosk.exe stats")
    if not (work / "stats.png").is_file() or "1" not in table:
        fail(f"kiosk.exe stats drew no picture:\n{table}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    show = subprocess.Popen(["wine", exe, "run", deck, "--windowed", "--size", "640x360",
                             "--exit-after", "40", "--metrics", f"127.0.0.1:{port}"],
                            env=wine_env(QT_QPA_PLATFORM="offscreen"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scraped = ""
    deadline = time.monotonic() + 35
    while time.monotonic() < deadline and "kiosk_slide_index" not in scraped:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as got:
                scraped = got.read().decode()
        except OSError:
            time.sleep(1)
    show.wait(120)
    settle()
    if "kiosk_slide_index" not in scraped:
        fail("kiosk.exe run --metrics served no /metrics")
    print(f"ok: kiosk.exe publish: {len(manifest['files'])} files, {verified}; "
          f"kiosk.exe stats: a table and a picture; kiosk.exe run --metrics: /metrics served")


def main() -> None:
    import kiosk

    version = kiosk.__version__
    setup = ROOT / "dist" / f"kiosk-{version}-windows-x64-setup.exe"
    for path in (BUNDLE / "kiosk.exe", setup, PREFIX):
        if not path.exists():
            fail(f"{path} is missing: run `make package-windows` first")
    keep = os.environ.get("KIOSK_WINE_CHECK_OUT")  # the PNGs, for a person to look at
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="kiosk-wine-check-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.monotonic()
    try:
        renders = Renders(work)
        frozen(work, version, renders)
        fleet(work)
        show(work)
        launcher(work)
        installed(work, setup, version, renders)
        uninstalled()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"ok: package-check-windows in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
