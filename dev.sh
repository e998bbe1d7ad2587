#!/usr/bin/env bash
# Set up and run 两新填报 from a source checkout on Debian/Ubuntu (or any machine with Python 3.11+).
#   bash dev.sh run     install what is needed and start the program (SQLite in your data folder)
#   bash dev.sh test    install what is needed and run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

# Qt's offscreen/xcb platform plugins need these system libraries; CJK fonts make Chinese readable
# in screens, screenshots and rendered returns; binutils gives PyInstaller objdump and strip;
# LibreOffice re-saves returns in the merge tests the way a township's office suite would.
# poppler-utils (pdftotext) reads the pages LibreOffice prints in the page-break tests, which measure columns
# in Calibri digits as Excel does: fonts-crosextra-carlito is its metric twin.
APT_PACKAGES="python3-venv libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 fonts-noto-cjk binutils libreoffice-calc-nogui poppler-utils
  fonts-crosextra-carlito"

install_system_packages() {
  command -v apt-get >/dev/null || return 0
  local missing="" pyver
  # PyInstaller (tests/test_build.py) needs Python's shared library, a separate package on Debian.
  pyver=$("${PYTHON:-python3}" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
  if [ -n "$pyver" ] && [ "$("${PYTHON:-python3}" -c 'import sys; print(sys.prefix)')" = /usr ]; then
    APT_PACKAGES="$APT_PACKAGES libpython$pyver"
  fi
  for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -z "$missing" ] && return 0
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q && $sudo apt-get install -y -q $missing
}

setup_venv() {
  local python="${PYTHON:-python3}"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
}

case "${1:-}" in
  run)
    install_system_packages; setup_venv
    shift; exec .venv/bin/liangxin "$@" ;;
  test)
    install_system_packages; setup_venv
    shift
    export QT_QPA_PLATFORM=offscreen
    exec .venv/bin/python -m pytest "$@" ;;
  *)
    echo "usage: bash dev.sh run|test [args]" >&2; exit 2 ;;
esac
