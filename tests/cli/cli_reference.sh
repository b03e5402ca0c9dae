#!/usr/bin/env bash
# wnflow run against an independent integration (tests/reference/flow_reference.py: the flows
# in their native coordinates, SciPy Radau at rtol 1e-12) on a fresh random instance drawn by
# NumPy: the limits x and alpha_eff must agree to 1e-6 relative.
# usage: cli_reference.sh <wnflow binary> <tests/data dir>
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
"$py" -c "import scipy" 2>/dev/null || { echo "python3-scipy is missing (scripts/install-deps.sh installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" - "$tmp" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(20261127)
for sign in ["positive", "signed"]:
    M, N, s = 10, 30, 2
    A = rng.normal(0, 1 / np.sqrt(M), (M, N))
    x = np.zeros(N)
    sup = rng.choice(N, s, replace=False)
    x[sup] = rng.uniform(1, 2, s) * (rng.choice([-1, 1], s) if sign == "signed" else 1)
    np.savetxt(f"{sys.argv[1]}/A_{sign}.csv", A, delimiter=",", fmt="%.17g")
    np.savetxt(f"{sys.argv[1]}/y_{sign}.csv", A @ x, fmt="%.17g")
PY
fails=0
check() {  # sign depth alpha flow ratio
  local sign=$1 L=$2 a=$3 flow=$4 q=$5 extra=""
  [ "$flow" = wn ] && extra="--ratio $q"
  local files="--a $tmp/A_$sign.csv --y $tmp/y_$sign.csv --sign $sign --depth $L --alpha $a --flow $flow"
  "$bin" run $files $extra --t-max 1e8 --loss-tol 1e-26 --rtol 1e-10 --atol 1e-14 --json >"$tmp/w.json" || { fails=$((fails+1)); return; }
  "$py" "$here/../reference/flow_reference.py" $files --ratio "$q" >"$tmp/r.json" || { fails=$((fails+1)); return; }
  "$py" - "$tmp/w.json" "$tmp/r.json" "$*" <<'PY' || fails=$((fails+1))
import json, sys, numpy as np
w, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
dx = np.linalg.norm(np.array(w["x"]) - np.array(r["x"])) / np.linalg.norm(r["x"])
da = abs(w["alpha_eff"] / r["alpha_eff"] - 1)
print(f"{sys.argv[3]}: |dx|/|x| = {dx:.2e}, d alpha_eff = {da:.2e}, wnflow {w['stop_reason']} in {w['wall_seconds']:.3f} s")
assert w["converged"] and dx < 1e-6 and da < 1e-6
PY
}
check positive 2 0.05 gf 1
check positive 3 2 gf 1
check signed 2 10 gf 1
check positive 2 1 wn 0.05
check signed 3 0.5 wn 0.2
check positive 3 10 wn 0.05
check signed 2 0.2 wn 1
[ "$fails" -eq 0 ] || { echo "$fails case(s) disagree"; exit 1; }
