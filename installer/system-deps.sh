#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian/Ubuntu packages Qt needs: those given, else those `dev.py system-deps` finds missing.
# Calls neither apt-get nor sudo when nothing is missing.
set -euo pipefail

command -v apt-get >/dev/null 2>&1 || exit 0
if [ $# -gt 0 ]; then
  missing=("$@")
else
  mapfile -t missing < <(python3 "$(dirname "$0")/dev.py" system-deps)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages Qt needs: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
