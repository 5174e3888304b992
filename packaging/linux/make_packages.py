"""Turn the PyInstaller onedir bundle into dist/kiosk_<v>_amd64.deb and a .tar.gz.

    python packaging/linux/make_packages.py build/bundle/kiosk dist

The .deb installs the bundle under /opt/kiosk, links /usr/bin/kiosk to it, and adds a desktop
entry, the icon and a systemd user unit. It depends on the distribution's packages for every
system library the bundle links (found with ldd, owners from dpkg), so it carries no copies of
X11, fontconfig or libstdc++. It has no maintainer scripts: removing it removes exactly its
files, and the operator's decks, cache (~/.cache/kiosk) and logs (~/.local/state/kiosk) stay.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from kiosk import __version__  # noqa: E402

MAINTAINER = "kiosk maintainers <kiosk@example.org>"
DESCRIPTION = """\
Fullscreen exhibition-hall slideshow from a YAML deck
 kiosk plays a deck of headline figures (counting up), live charts fed by HTTP,
 file or simulated sources, and captioned photos, fullscreen and unattended.
 Visitors swipe and tap; the show returns to auto-play when left alone.
 .
 Includes `kiosk check` for deck editors, `kiosk supervise` (restarts a crashed
 or frozen show) and a systemd user unit."""
# Libraries Qt opens at run time (dlopen) rather than links: ldd cannot see these.
RUNTIME_EXTRAS = ["libgl1", "libegl1", "libxcb1", "fontconfig"]


def elf_files(tree: Path) -> list[Path]:
    found = []
    for path in tree.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def system_libraries(bundle: Path) -> set[str]:
    """Paths of the system libraries the bundle loads (exits if one is missing here)."""
    env = dict(os.environ, LD_LIBRARY_PATH=str(bundle / "_internal"))
    libs: set[str] = set()
    missing: set[str] = set()
    for path in elf_files(bundle):
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            match = re.match(r"\s*(\S+) => (\S+|not found)", line)
            if not match:
                continue
            name, where = match.groups()
            if where == "not found":
                missing.add(f"{name} (needed by {path.relative_to(bundle)})")
            elif not where.startswith(str(bundle)):
                libs.add(os.path.realpath(where))
    if missing:
        sys.exit("make_packages: libraries not found on this machine:\n  " + "\n  ".join(
            sorted(missing)) + "\nInstall them (tools/setup-system.sh package) and rebuild.")
    return libs


def owners(paths: set[str]) -> list[str]:
    """Debian packages owning ``paths`` (merged-/usr aware), plus dlopen'ed extras."""
    packages = set(RUNTIME_EXTRAS)
    for path in sorted(paths):
        for candidate in (path, path.removeprefix("/usr")):
            found = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True,
                                   text=True)
            if found.returncode == 0:
                packages.add(found.stdout.split(":", 1)[0].strip())
                break
        else:
            print(f"make_packages: no package owns {path}; not listed in Depends")
    essential = {"libc6"}  # always there; listing it adds nothing
    return sorted(packages - essential)


def stage_deb(bundle: Path, stage: Path, depends: list[str]) -> None:
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / "opt" / "kiosk"
    shutil.copytree(bundle, opt, symlinks=True)
    shutil.copy(HERE / "README-linux.txt", opt / "README-linux.txt")
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "kiosk").symlink_to("/opt/kiosk/kiosk")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(HERE / "kiosk.desktop", apps / "kiosk.desktop")
    icons = stage / "usr" / "share" / "icons" / "hicolor"
    for size, name in (("256x256", "kiosk.png"), ("48x48", "kiosk-48.png")):
        (icons / size / "apps").mkdir(parents=True)
        shutil.copy(ROOT / "packaging" / "icons" / name, icons / size / "apps" / "kiosk.png")
    units = stage / "usr" / "lib" / "systemd" / "user"
    units.mkdir(parents=True)
    shutil.copy(HERE / "kiosk.service", units / "kiosk.service")
    docs = stage / "usr" / "share" / "doc" / "kiosk"
    docs.mkdir(parents=True)
    shutil.copy(ROOT / "assets" / "fonts" / "LICENSE-OFL.txt", docs / "LICENSE-OFL.txt")
    installed_kib = sum(p.stat().st_size for p in stage.rglob("*")
                        if p.is_file() and not p.is_symlink()) // 1024
    control = stage / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text("\n".join([
        "Package: kiosk",
        f"Version: {__version__}",
        "Section: graphics",
        "Priority: optional",
        "Architecture: amd64",
        f"Maintainer: {MAINTAINER}",
        f"Installed-Size: {installed_kib}",
        f"Depends: {', '.join(depends)}",
        "Suggests: xdotool",
        f"Description: {DESCRIPTION}",
        "",
    ]), encoding="utf-8")
    for path in stage.rglob("*"):  # dpkg-deb checks modes; umask must not leak in
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)


def build_tarball(bundle: Path, out: Path, depends: list[str]) -> None:
    top = f"kiosk-{__version__}"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(bundle, arcname=top)
        for extra in ("README-linux.txt", "kiosk.desktop", "kiosk.service"):
            tar.add(HERE / extra, arcname=f"{top}/{extra}")
        tar.add(ROOT / "packaging" / "icons" / "kiosk.png", arcname=f"{top}/kiosk.png")
        needs = ("Debian/Ubuntu packages this build links against:\n  "
                 + " ".join(depends) + "\n").encode()
        info = tarfile.TarInfo(f"{top}/SYSTEM-PACKAGES.txt")
        info.size = len(needs)
        tar.addfile(info, io.BytesIO(needs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="PyInstaller onedir output (…/kiosk)")
    parser.add_argument("dist", type=Path)
    args = parser.parse_args()
    bundle = args.bundle.resolve()
    args.dist.mkdir(parents=True, exist_ok=True)
    depends = owners(system_libraries(bundle))
    stage = ROOT / "build" / "deb"
    stage_deb(bundle, stage, depends)
    deb = args.dist / f"kiosk_{__version__}_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    tarball = args.dist / f"kiosk-{__version__}-linux-x86_64.tar.gz"
    build_tarball(bundle, tarball, depends)
    for path in (deb, tarball):
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    print(f"Depends: {', '.join(depends)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
