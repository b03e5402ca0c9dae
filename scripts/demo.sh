#!/usr/bin/env bash
# The README's main command: install what is missing, build, and run the main job on its
# built-in defaults: `wnflow reproduce` (experiments E1-E8 and verify --quick, figures and a
# report in ./results). Extra arguments go to reproduce (e.g. --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/wnflow reproduce --out results "$@"
echo "open results/report.html (figures in results/figures/; results/report.png is the page in Chromium)"
