#!/usr/bin/env bash
# The README's main command: install what is missing, build, and run the main job on its
# built-in defaults. Until `wnflow reproduce` exists, that is a GF/WN comparison at a large
# initialization on the default instance (NOTES §4, C1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
for flow in "gf" "wn --ratio 0.05"; do
  echo "=== wnflow run --flow $flow --alpha 3"
  ./build/wnflow run --flow $flow --alpha 3
done
