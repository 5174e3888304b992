#!/usr/bin/env bash
# Install the system libraries Qt (PySide6 wheels) needs, only when they are missing and apt
# is usable. `run`: libraries for the xcb and offscreen platforms, and what `make demo` needs
# on a minimal Debian (#18 G): python3-venv for `python3 -m venv` (with ensurepip, so no
# python3-pip), ca-certificates for pip's and the feeds' HTTPS, x11-xserver-utils for the
# `xset` that keeps the screen awake. `test`: also Xvfb, the X tools the tests drive and
# desktop-file-validate and GLib (python3-gi), which read the login entry back, and the real
# servers and tools the fleet tests start on 127.0.0.1 (#15, #16): nginx (nginx-light: the
# server without the extra modules), minisign, for signatures both ways, Mosquitto (the MQTT
# broker) and prometheus (for promtool, which checks the alert rules); `package`:
# also what `make package` and its install check use;
# `windows`: also what `make package-windows` and `make package-check-windows` use: Wine (64-bit),
# NSIS, the mingw-w64 C compiler for the Wine shims (packaging/windows/shims/) and Xvfb.
set -euo pipefail
want=(python3-venv ca-certificates x11-xserver-utils
      libgl1 libegl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6
      libglib2.0-0 libdbus-1-3 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
      libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
      libxcb-xkb1 libxrender1 libxi6 fontconfig)
case "${1:-run}" in
  test) want+=(xvfb xauth x11-utils xdotool openbox desktop-file-utils python3-gi
              nginx-light minisign mosquitto prometheus) ;;
  package) want+=(binutils gcc libc6-dev xvfb xauth desktop-file-utils) ;;
  windows) want+=(wine wine64 nsis gcc-mingw-w64-x86-64-win32 xvfb xauth) ;;
esac
# `tools/setup-system.sh run --list`: what would be installed, one package a line
[ "${2:-}" = "--list" ] && { printf '%s\n' "${want[@]}"; exit 0; }

command -v dpkg-query >/dev/null 2>&1 || { echo "setup: no dpkg; install Qt's libraries yourself"; exit 0; }
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"
  else echo "setup: missing system packages (need root to install): ${missing[*]}"; exit 0; fi
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
