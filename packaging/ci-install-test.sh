#!/usr/bin/env bash
# CI (called by .ci/run after `make test`): build the packages from this clean clone, install
# the .deb, use the installed app, remove it, and check that nothing of it is left.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"

make package
version=$(.venv/bin/python -c 'import kiosk; print(kiosk.__version__)')
deb="dist/kiosk_${version}_amd64.deb"

if dpkg-query -W -f='${Status}' kiosk 2>/dev/null | grep -q "install ok installed"; then
  $sudo dpkg -r kiosk >/dev/null
fi
if ! $sudo dpkg -i "$deb"; then
  echo "ci: dpkg -i left dependencies to resolve; letting apt fetch them"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq --no-install-recommends
fi
echo "installed: $(dpkg-query -W -f='${Package} ${Version}, Installed-Size ${Installed-Size} KiB' kiosk)"
test "$(/usr/bin/kiosk --version)" = "kiosk $version"
desktop-file-validate /usr/share/applications/kiosk.desktop
grep -q '^ExecStart=/usr/bin/kiosk supervise' /usr/lib/systemd/user/kiosk.service
grep -q '^Restart=on-failure' /usr/lib/systemd/user/kiosk.service
.venv/bin/python packaging/check_installed.py installed
$sudo dpkg -r kiosk >/dev/null
.venv/bin/python packaging/check_installed.py removed "$deb"
