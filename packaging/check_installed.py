"""Check the installed .deb as an operator would meet it (run by packaging/ci-install-test.sh).

    python packaging/check_installed.py installed    # after dpkg -i
    python packaging/check_installed.py removed DEB  # after dpkg -r

``installed``: the *installed* ``kiosk`` (``/usr/bin/kiosk``) exports every slide of its demo
deck as non-blank PNGs that match the source tree's own render, then ``kiosk run --exit-after
8`` under Xvfb puts the first slide on the screen (checked on a screenshot) and exits cleanly.
``removed``: nothing the package installed is left under /opt or /usr.
Runs with the development venv's Python (numpy and PySide6 for looking at pixels).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtGui import QGuiApplication, QImage

ROOT = Path(__file__).resolve().parent.parent
KIOSK = "/usr/bin/kiosk"
DEMO = "/opt/kiosk/_internal/slides/zhuhai.yaml"
W, H = 1920, 1080


def pixels(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    if image.isNull():
        sys.exit(f"FAIL: {path} is not a readable image")
    data = np.frombuffer(image.constBits(), np.uint8)  # type: ignore[call-overload]
    # copy: the array must not outlive the QImage that owns the bits
    return data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3].copy()


def fail(message: str) -> None:
    sys.exit(f"FAIL: {message}")


def env_for_installed(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(KIOSK_LOG_DIR=str(work / "log"), KIOSK_CACHE_DIR=str(work / "cache"),
               KIOSK_RUNTIME_DIR=str(work / "run"), PATH="/usr/bin:/bin")
    return env


def check_export(work: Path) -> None:
    env = env_for_installed(work)
    out = work / "export"
    done = subprocess.run([KIOSK, "export", DEMO, str(out), "--size", f"{W}x{H}"], env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        fail(f"installed kiosk export exited {done.returncode}:\n{done.stdout}{done.stderr}")
    slides = sorted(out.glob("[0-9][0-9][0-9].png"))
    if len(slides) < 20:
        fail(f"installed export wrote {len(slides)} slides, expected the demo deck's 24")
    for path in slides:
        image = pixels(path).astype(np.int16)
        bright = (image.max(axis=2) > 150).mean()  # text, figures, bars
        if image.std() < 8 or bright < 0.002:
            fail(f"{path.name} looks blank (std {image.std():.1f}, bright {bright:.4f})")
    # The frozen app must draw what the source tree draws: same fonts, same layout.
    reference = work / "reference"
    subprocess.run([sys.executable, "-m", "kiosk", "export", str(ROOT / "slides" / "zhuhai.yaml"),
                    str(reference), "--size", f"{W}x{H}"], check=True, timeout=300,
                   capture_output=True, env={**os.environ, **{k: env[k] for k in (
                       "KIOSK_LOG_DIR", "KIOSK_CACHE_DIR")}})
    same = [p.name for p in slides
            if np.array_equal(pixels(p), pixels(reference / p.name))]
    if "001.png" not in same:
        fail("the installed app's title slide differs from the source tree's render")
    print(f"ok: installed export: {len(slides)} slides, none blank; "
          f"{len(same)} pixel-identical to the source render (the rest show live data)")


def start_xvfb() -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", f"{W}x{H}x24",
                               "-nolisten", "tcp"], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    number = server.stdout.readline().strip()
    if not number.isdigit():
        fail("Xvfb did not start")
    return server, f":{number}"


def screenshot(display: str, path: Path | None = None) -> np.ndarray:
    """The whole X screen as pixels; kept at ``path`` (a PNG) for a person to look at."""
    path = path or Path(tempfile.mkdtemp()) / "screen.png"
    code = ("from PySide6.QtGui import QGuiApplication as A; a = A([]); "
            f"assert A.primaryScreen().grabWindow(0).save({str(path)!r})")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60,
                   env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
    return pixels(path)


def check_run(work: Path) -> None:
    server, display = start_xvfb()
    try:
        env = env_for_installed(work)
        env.pop("QT_QPA_PLATFORM", None)
        env["DISPLAY"] = display
        started = time.monotonic()
        show = subprocess.Popen([KIOSK, "run", "--exit-after", "8"], env=env,
                                stderr=subprocess.PIPE, text=True)
        assert show.stderr is not None
        log = []
        for line in show.stderr:
            log.append(line)
            if "first frame painted" in line:
                break
        else:
            fail("installed kiosk run never painted a frame:\n" + "".join(log))
        painted = time.monotonic() - started
        seen = screenshot(display)
        log += show.stderr.readlines()
        code = show.wait(timeout=60)
        if code != 0 or "Traceback" in "".join(log):
            fail(f"installed kiosk run exited {code}:\n" + "".join(log))
        expected = pixels(work / "export" / "001.png")
        cut = H * 9 // 10  # above the progress bar and dots, which the export does not draw
        diff = np.abs(expected[:cut].astype(int) - seen[:cut].astype(int)).mean()
        if seen.shape[:2] != (H, W) or diff >= 3:
            fail(f"the screen does not show the first slide (mean difference {diff:.2f})")
        print(f"ok: installed kiosk run: first slide on screen (mean difference {diff:.2f}), "
              f"first frame {painted:.2f} s after launch, clean exit after --exit-after 8")
    finally:
        server.terminate()
        server.wait(timeout=30)


def check_removed(deb: Path) -> None:
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], check=True, capture_output=True,
                             text=True).stdout
    left = []
    for line in listing.splitlines():
        path = line.split()[5].removeprefix(".")
        if path.endswith("/"):
            continue  # shared folders such as /usr/share/icons stay, as they should
        if os.path.lexists(path):
            left.append(path)
    for path in ("/opt/kiosk", "/usr/bin/kiosk"):
        if os.path.lexists(path) and path not in left:
            left.append(path)
    if left:
        fail("left behind after dpkg -r:\n  " + "\n  ".join(left[:20]))
    print(f"ok: dpkg -r removed all {listing.count(chr(10))} entries; /opt/kiosk is gone")


def main() -> None:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    if sys.argv[1:2] == ["installed"]:
        if not os.path.exists(KIOSK):
            fail(f"{KIOSK} is not installed")
        work = Path(tempfile.mkdtemp(prefix="kiosk-installed-"))
        try:
            check_export(work)
            check_run(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    elif sys.argv[1:2] == ["removed"] and len(sys.argv) == 3:
        check_removed(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
