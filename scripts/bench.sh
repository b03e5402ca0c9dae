#!/usr/bin/env bash
# The performance bench of docs/performance.md, end to end: installs what is missing
# (scripts/install-deps.sh, then libsundials-dev for the CVODE peer), builds wnflow and the
# CVODE peer in build-bench/ (Release), runs `wnflow-bench` with its peers, the scale series
# and the unknown-instances check, and writes CSV/JSON/text and the figure to OUT_DIR.
#
# usage: bash scripts/bench.sh [OUT_DIR] [--quick]
# environment: JOBS (build jobs, 2), BENCH_N (150,400,2000,10000), TIMEOUT (per run, 60),
#              BENCH_EXTRA (more wnflow-bench options), SCALE_N (2000,5000,10000,20000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bench-out}
quick=${2:-}
mkdir -p "$out"
out=$(cd "$out" && pwd)

bash "$root/scripts/install-deps.sh"
if ! dpkg-query -W -f='${Status}' libsundials-dev 2>/dev/null | grep -q "install ok installed"; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libsundials-dev >/dev/null
fi

build=$root/build-bench
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWNFLOW_BENCH_CVODE=ON -DWNFLOW_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target wnflow_cli wnflow_bench wnflow_cvode_peer
wnflow=$build/wnflow
bench=$build/wnflow-bench
py=/usr/bin/python3
[ -x "$py" ] || py=python3

{ lscpu; echo; c++ --version | head -1; echo "flags: -O3 -DNDEBUG (CMake Release), $("$build/wnflow" --version)";
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"; echo "load: $(uptime)"; } >"$out/machine.txt"

if [ "$quick" = "--quick" ]; then
  "$bench" --quick --peers --csv "$out/bench.csv" --json "$out/bench.json" | tee "$out/bench.txt"
else
  # The standard instances with every stepper and the peers (peers up to N = 2000), on one
  # core like the peers: CPU times compare work, and the figure is of these.
  "$bench" --peers --n "${BENCH_N:-150,400,2000,10000}" --timeout "${TIMEOUT:-60}" --matvec-threads 1 \
    ${BENCH_EXTRA:-} --csv "$out/bench.csv" --json "$out/bench.json" | tee "$out/bench.txt"
  # The floor target's flows with the products with A on every core (the default of
  # `wnflow run`): wall time per right-hand side against the one-thread floor.
  "$bench" --n 2000,10000 --signs positive,signed --flows gf --depths 2 --alphas 1 --steppers auto \
    --timeout 600 --predict-max-n 0 --csv "$out/threads.csv" | tee "$out/threads.txt"
  # Scale in N (M = N/4) for one flow, and in the horizon (loss-tol 0: integrate to t-max).
  "$bench" --n "${SCALE_N:-2000,5000,10000,20000}" --signs positive --flows gf --depths 2 --alphas 1 \
    --steppers auto --timeout 600 --predict-max-n 0 --csv "$out/scale_n.csv" | tee "$out/scale_n.txt"
  for T in 1e2 1e4 1e6 1e8; do
    "$bench" --n 2000 --signs positive --flows gf --depths 2 --alphas 1 --steppers auto \
      --t-max "$T" --loss-tol 0 --timeout 600 --csv "$out/scale_t_$T.csv" >"$out/scale_t_$T.txt"
  done
  "$py" "$root/bench/unknown_check.py" --wnflow "$wnflow" --json "$out/unknown.json" | tee "$out/unknown.md"
fi

"$py" "$root/bench/summarize.py" "$out/bench.csv" --dat "$out/perf_vs_n.dat" | tee "$out/summary.md"
if command -v gnuplot >/dev/null; then
  gnuplot -e "dat='$out/perf_vs_n.dat'; out='$out/time_vs_n'" "$root/bench/plot.gp" 2>/dev/null
  echo "figure: $out/time_vs_n.png, $out/time_vs_n.svg"
fi
echo "results in $out"
