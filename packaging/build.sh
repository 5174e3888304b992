#!/usr/bin/env bash
# `make package`: the PyInstaller onedir bundle, then dist/kiosk_<v>_amd64.deb and
# dist/kiosk-<v>-linux-x86_64.tar.gz. The Windows setup.exe is `make package-windows`
# (packaging/windows/build-wine.sh, under Wine) and release.yml's windows-latest job.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

rm -rf build/bundle build/stripped build/icu-stub
$PY -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath build/bundle --workpath build/pyinstaller packaging/kiosk.spec
echo "bundle: $(du -sm build/bundle/kiosk | cut -f1) MB installed (build/bundle/kiosk)"

$PY packaging/linux/make_packages.py build/bundle/kiosk dist

