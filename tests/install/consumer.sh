#!/usr/bin/env bash
# The installed package works from another CMake project: `cmake --install` into a scratch
# prefix puts the wnflow command, the headers, the libraries and lib/cmake/wnflow there; the
# consumer project (tests/install/consumer) finds it with find_package(wnflow), builds, runs,
# and prints the same alpha_eff as the installed `wnflow run`.
# usage: consumer.sh <wnflow build directory> <consumer source directory>
set -u
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in bin/wnflow lib/cmake/wnflow/wnflowConfig.cmake lib/cmake/wnflow/wnflowTargets.cmake \
         include/wnflow/model/network.hpp include/wnflow/solve/integrate.hpp include/wnflow/lab/verify.hpp; do
  [ -e "$tmp/prefix/$f" ] || fail "the install has no $f"
done
ls "$tmp/prefix"/lib/libwnflow_model.* >/dev/null 2>&1 || fail "the install has no libwnflow_model"

cmake -S "$src" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release \
  >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configuring the consumer against the install"; }
cmake --build "$tmp/consumer" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "building the consumer"; }
out=$("$tmp/consumer/consumer") || fail "the consumer exited non-zero"
mine=$(echo "$out" | sed -n 's/^alpha_eff //p')
[ -n "$mine" ] || fail "the consumer printed no alpha_eff: $out"
theirs=$("$tmp/prefix/bin/wnflow" run --flow wn --alpha 3 --ratio 0.05 --json |
         /usr/bin/python3 -c 'import json, sys; print(repr(json.load(sys.stdin)["alpha_eff"]))') || fail "the installed wnflow run"
/usr/bin/python3 - "$mine" "$theirs" <<'PY' || fail "the consumer's alpha_eff $mine differs from wnflow run's $theirs"
import sys
a, b = float(sys.argv[1]), float(sys.argv[2])
assert 0 < a < 3 and abs(a - b) <= 1e-12 * b, (a, b)
PY
echo "consumer: alpha_eff = $mine, as the installed wnflow run"
