#!/usr/bin/env bash
# Installs what wnflow needs on Debian 12, only what is missing (idempotent): the library's
# dependencies, NumPy/SciPy for the tests and the bench, and pybind11, the interpreter's headers
# and pytest for the Python module (python/, docs/python.md), and Chromium with Pillow for
# report.png and the test that opens report.html in a browser (tests/cli/cli_report_browser.sh).
# Extra package names given as arguments are installed the same way (scripts/ci-extra.sh
# passes clang, libFuzzer's runtime and cppcheck).
set -euo pipefail
packages=(build-essential cmake pkg-config libeigen3-dev libboost-dev libboost-test-dev
          libboost-iostreams-dev libboost-filesystem-dev libboost-system-dev libcli11-dev
          nlohmann-json3-dev coinor-libclp-dev libgnuplot-iostream-dev gnuplot-nox
          python3-numpy python3-scipy python3-dev pybind11-dev python3-pytest libopenmpi-dev openmpi-bin
          chromium python3-pil "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
