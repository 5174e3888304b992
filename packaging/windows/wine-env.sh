# Sourced by build-wine.sh (`make package-windows`): where the Wine build lives, and how to run
# a Windows program in it. check_wine.py (`make package-check-windows`) uses the same folders.
# Everything is in one folder outside the source tree, one per checkout: the prefix, the
# Windows CPython, the wheels, the shims. Not under build/: a Wine prefix's dosdevices/z: links
# to /, and setuptools' package discovery (pip install -e .) follows links, so it would walk
# the whole file system, and itself again, for ever. Nothing goes into the user's ~/.wine.
W=${KIOSK_WINE_DIR:-${TMPDIR:-/tmp}/kiosk-wine-$(pwd -P | sha1sum | cut -c1-8)}
export WINEPREFIX=$W/prefix WINEARCH=win64 WINEDEBUG=-all
# mscoree and mshtml off: no prompt to download Mono or Gecko (only registries are reachable)
export WINEDLLOVERRIDES="mscoree,mshtml="
WINPY=$W/python            # python.org's embeddable CPython for Windows
SYS32=$WINEPREFIX/drive_c/windows/system32
WINE_DLLS=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows   # Debian's wine64: Wine's own PE DLLs
# Wine 8.0: Python aborts at start-up ("init_sys_streams ... [WinError 6] Invalid handle") when
# its stdout or stderr is a regular file (GetFileInformationByHandle fails on a std handle made
# from a Unix file). A pipe works, so every Windows program runs with its output through cat.
w() { wine "$@" 2>&1 | cat; return "${PIPESTATUS[0]}"; }
winpath() { printf 'Z:%s' "$(realpath -m "$1" | tr / '\\')"; }   # /tmp/x -> Z:\tmp\x
