#!/usr/bin/env bash
# `make package`: the PyInstaller onedir bundle, then dist/kiosk_<v>_amd64.deb and
# dist/kiosk-<v>-linux-x86_64.tar.gz; where makensis exists, also compile the Windows
# installer script with the Linux bundle standing in as payload (a check of the script:
# the real setup.exe is built on Windows by .github/workflows/release.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
version=$($PY -c 'import kiosk; print(kiosk.__version__)')

rm -rf build/bundle build/stripped build/icu-stub
$PY -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath build/bundle --workpath build/pyinstaller packaging/kiosk.spec
echo "bundle: $(du -sm build/bundle/kiosk | cut -f1) MB installed (build/bundle/kiosk)"

$PY packaging/linux/make_packages.py build/bundle/kiosk dist

if command -v makensis >/dev/null 2>&1; then
  out="$PWD/dist/kiosk-$version-nsis-check-linux-payload.exe"
  makensis -V2 -DVERSION="$version" -DPAYLOAD="$PWD/build/bundle/kiosk" -DEXE=kiosk -DEXEW=kiosk \
      -DOUTFILE="$out" packaging/windows/kiosk.nsi
  echo "$out: NSIS script compiled (stand-in Linux payload; not a Windows installer to ship)"
else
  echo "makensis not found: Windows installer script not checked (apt-get install nsis)"
fi
