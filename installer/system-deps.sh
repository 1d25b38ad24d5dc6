#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the system libraries Qt needs on Debian/Ubuntu when they are missing (no-op elsewhere).
set -euo pipefail

command -v apt-get >/dev/null 2>&1 || exit 0
command -v ldconfig >/dev/null 2>&1 || exit 0

# library file -> Debian package that ships it
declare -A wanted=(
  [libEGL.so.1]=libegl1
  [libGL.so.1]=libgl1
  [libxkbcommon.so.0]=libxkbcommon0
  [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
  [libfontconfig.so.1]=libfontconfig1
  [libdbus-1.so.3]=libdbus-1-3
  [libglib-2.0.so.0]=libglib2.0-0
  [libxcb-cursor.so.0]=libxcb-cursor0
  [libxcb-icccm.so.4]=libxcb-icccm4
  [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libxcb-shape.so.0]=libxcb-shape0
  [libxcb-render-util.so.0]=libxcb-render-util0
  [libxcb-image.so.0]=libxcb-image0
  [libX11-xcb.so.1]=libx11-xcb1
)
missing=()
for lib in "${!wanted[@]}"; do
  ldconfig -p | grep -q "$lib" || missing+=("${wanted[$lib]}")
done
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)

[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages Qt needs: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
