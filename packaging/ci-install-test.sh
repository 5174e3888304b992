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
# The installed app's #15 and #16 parts, which load more than the show: publish signs with
# PyNaCl and Debian's minisign verifies it; kiosk stats draws; kiosk run --metrics serves.
fleet=$(mktemp -d)
mkdir -m 700 "$fleet/run"
minisign -G -W -p "$fleet/k.pub" -s "$fleet/k.key" >/dev/null
QT_QPA_PLATFORM=offscreen /usr/bin/kiosk publish /opt/kiosk/_internal/slides/zhuhai.yaml \
  "$fleet/pub" --sign "$fleet/k.key" >/dev/null
minisign -Vqm "$fleet/pub/manifest.json" -p "$fleet/k.pub"
printf '%s\n' '{"t":1800000000000,"event":"visit","active":true}' \
  '{"t":1800000001000,"event":"interaction","kind":"tap","index":0}' \
  '{"t":1800000040000,"event":"visit","active":false}' >"$fleet/events.jsonl"
QT_QPA_PLATFORM=offscreen /usr/bin/kiosk stats "$fleet/events.jsonl" --out "$fleet/s.png" >/dev/null
test -s "$fleet/s.png"
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
QT_QPA_PLATFORM=offscreen KIOSK_RUNTIME_DIR="$fleet/run" KIOSK_LOG_DIR="$fleet/log" \
  KIOSK_CACHE_DIR="$fleet/cache" /usr/bin/kiosk run --windowed --size 640x360 --exit-after 15 \
  --metrics "127.0.0.1:$port" >/dev/null 2>&1 &
show=$!
.venv/bin/python - "$port" <<'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/metrics"
for _ in range(120):
    try:
        if b"kiosk_slide_index" in urllib.request.urlopen(url, timeout=5).read():
            break
    except OSError:
        pass
    time.sleep(0.1)
else:
    sys.exit("the installed kiosk run --metrics served no /metrics")
PY
wait "$show"
rm -rf "$fleet"
echo "ok: installed kiosk publish (signed, minisign -V verifies), kiosk stats, kiosk run --metrics"
$sudo dpkg -r kiosk >/dev/null
.venv/bin/python packaging/check_installed.py removed "$deb"
