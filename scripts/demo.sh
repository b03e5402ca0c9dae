#!/usr/bin/env bash
# The README's main command: install what is missing, build, and run the main job on its
# built-in defaults. Until `wnflow reproduce` exists, that is the quick theorem-check suite
# and a GF/WN comparison at a large initialization on the default instance (NOTES §4, C1),
# with the WN limit predicted beside the integrated one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/wnflow verify --quick
for flow in "gf" "wn --ratio 0.05"; do
  echo "=== wnflow run --flow $flow --alpha 3"
  ./build/wnflow run --flow $flow --alpha 3
done
echo "=== wnflow predict --flow wn --ratio 0.05 --alpha 3"
./build/wnflow predict --flow wn --ratio 0.05 --alpha 3
echo "=== wnflow l1 (the LP reference on the same instance)"
./build/wnflow l1
