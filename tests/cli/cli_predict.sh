#!/usr/bin/env bash
# wnflow predict and wnflow l1 from the outside: results on the fixture, JSON fields, exit
# codes, one-line errors with nothing on stdout.
# usage: cli_predict.sh <wnflow binary> <tests/data dir>
source "$(dirname "$0")/cli_common.bash" "$@"

A="--a $data/A3x6.csv --y $data/y3.csv"

# --- wnflow l1 -------------------------------------------------------------------------------
# x* = 2 e4 is the unique solution of both programs on the fixture: tau* = 2.
for sign in positive signed; do
  if run_ok l1 $A --sign $sign --json; then
    python3 - "$tmp/out" <<'PY' || { echo "FAIL: l1 --sign $sign on the fixture"; fails=$((fails + 1)); }
import json, sys
d = json.load(open(sys.argv[1]))
for key in ["x", "value", "residual", "status"]:
    assert key in d, key
assert abs(d["value"] - 2) < 1e-12, d["value"]
assert max(abs(a - b) for a, b in zip(d["x"], [0, 0, 0, 2, 0, 0])) < 1e-12, d["x"]
assert d["residual"] < 1e-12 and d["status"].startswith("optimal")
PY
  fi
done
if run_ok l1 $A; then
  grep -q "tau\* = 2$" "$tmp/out" || { echo "FAIL: l1 summary: $(cat "$tmp/out")"; fails=$((fails + 1)); }
fi
run_ok l1 --n 30 --m 10 --sparsity 2 --sign signed --json &&
  { python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["x"]) == 30 and d["value"] > 0' <"$tmp/out" ||
    { echo "FAIL: l1 on a random instance"; fails=$((fails + 1)); }; }
# Bad input: exit 2.
expect_error 2 "cannot open" -- l1 --a "$tmp/missing.csv" --y "$data/y3.csv"
expect_error 2 "empty" -- l1 --a "$data/empty.csv" --y "$data/y3.csv"
expect_error 2 "row 2" -- l1 --a "$data/ragged.csv" --y "$data/y3.csv"
expect_error 2 "not a number" -- l1 --a "$data/nonnumeric.csv" --y "$data/y3.csv"
expect_error 2 "finite" -- l1 --a "$data/nan.csv" --y "$data/y3.csv"
expect_error 2 "y has 4 entries" -- l1 --a "$data/A3x6.csv" --y "$data/y_wrong_size.csv"
expect_error 2 "sign" -- l1 $A --sign complex
expect_error 2 "not both" -- l1 $A --n 10
expect_error 2 "not expected" -- l1 $A --alpha 0.1
# Infeasible LP: exit 3. With A = [1 1], no z >= 0 reaches y = -1.
printf '1,1\n' >"$tmp/A1x2.csv"
printf -- '-1\n' >"$tmp/yneg.csv"
expect_error 3 "infeasible" -- l1 --a "$tmp/A1x2.csv" --y "$tmp/yneg.csv" --sign positive
run_ok l1 --a "$tmp/A1x2.csv" --y "$tmp/yneg.csv" --sign signed --json &&
  { python3 -c 'import json,sys; d=json.load(sys.stdin); assert abs(d["value"] - 1) < 1e-12' <"$tmp/out" ||
    { echo "FAIL: signed l1 on A = [1 1], y = -1"; fails=$((fails + 1)); }; }

# --- wnflow predict --------------------------------------------------------------------------
R="--n 30 --m 10 --sparsity 2 --seed 4"
if run_ok predict $R --flow wn --ratio 0.3 --json; then
  python3 - "$tmp/out" <<'PY' || { echo "FAIL: predict --json"; fails=$((fails + 1)); }
import json, sys
d = json.load(open(sys.argv[1]))
for key in ["x", "alpha_eff", "roots", "magnification", "radius", "residual", "wall_seconds"]:
    assert key in d, key
assert len(d["x"]) == 30 and len(d["roots"]) >= 1
assert d["alpha_eff"] in d["roots"]
assert abs(d["magnification"] * d["alpha_eff"] / 0.1 - 1) < 1e-12
assert d["residual"] < 1e-10
PY
fi
# GF: the T1 limit, alpha_eff = alpha; the readable form says what it is.
run_ok predict $A --sign signed --depth 3 --alpha 0.5 --json &&
  { python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["alpha_eff"] == 0.5 and d["roots"] == [0.5] and d["magnification"] == 1' <"$tmp/out" ||
    { echo "FAIL: predict gf"; fails=$((fails + 1)); }; }
if run_ok predict $R --flow wn-classic --alpha 0.3; then
  grep -q "alpha_eff" "$tmp/out" && grep -q "roots" "$tmp/out" || { echo "FAIL: predict summary: $(cat "$tmp/out")"; fails=$((fails + 1)); }
fi
# predict agrees with run (the WN flow integrated to its limit) on the signed fixture.
if run_ok run $A --sign signed --flow wn --ratio 0.2 --alpha 0.3 --loss-tol 1e-26 --rtol 1e-11 --atol 1e-14 --json; then
  cp "$tmp/out" "$tmp/run.json"
  if run_ok predict $A --sign signed --flow wn --ratio 0.2 --alpha 0.3 --json; then
    python3 - "$tmp/run.json" "$tmp/out" <<'PY' || { echo "FAIL: predict vs run on the fixture"; fails=$((fails + 1)); }
import json, sys, math
r, p = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert r["converged"]
dx = math.sqrt(sum((a - b) ** 2 for a, b in zip(r["x"], p["x"]))) / math.sqrt(sum(b * b for b in p["x"]))
assert dx < 1e-6, dx
assert abs(r["alpha_eff"] / p["alpha_eff"] - 1) < 1e-6, (r["alpha_eff"], p["alpha_eff"])
PY
  fi
fi
# The schedule is honoured: constant-ratio with q = 1 keeps alpha_eff = alpha.
run_ok predict $R --flow wn --ratio 1 --schedule constant-ratio --alpha 0.2 --json &&
  { python3 -c 'import json,sys; d=json.load(sys.stdin); assert abs(d["alpha_eff"] / 0.2 - 1) < 1e-12' <"$tmp/out" ||
    { echo "FAIL: predict constant-ratio q = 1"; fails=$((fails + 1)); }; }
# Bad input: exit 2.
expect_error 2 "cannot open" -- predict --a "$tmp/missing.csv" --y "$data/y3.csv"
expect_error 2 "finite" -- predict --a "$data/inf.csv" --y "$data/y3.csv"
expect_error 2 "empty field" -- predict --a "$data/emptyfield.csv" --y "$data/y3.csv"
expect_error 2 "y has 4 entries" -- predict --a "$data/A3x6.csv" --y "$data/y_wrong_size.csv"
expect_error 2 "alpha" -- predict $A --alpha 0
expect_error 2 "alpha" -- predict $A --alpha nan
expect_error 2 "depth" -- predict $A --depth 1
expect_error 2 "ratio" -- predict $A --flow wn --ratio -1
expect_error 2 "flow" -- predict $A --flow sgd
expect_error 2 "schedule" -- predict $A --flow wn --schedule sometimes
expect_error 2 "weight normalization" -- predict $A --flow gf --ratio 0.5
expect_error 2 "either --ratio or --eta-s" -- predict $A --flow wn --ratio 0.5 --eta-s 0.1
expect_error 2 "scan-points" -- predict $A --flow wn --scan-points 1
expect_error 2 "bracket" -- predict $A --flow wn --bracket-below -3
expect_error 2 "not expected" -- predict $A --t-max 5
# No root in the bracket: exit 3, with the residuals at its ends. (q = 1 at alpha = 0.05 puts
# the root many decades below alpha.)
expect_error 3 "no root of the alpha_eff equation" -- predict $R --flow wn --ratio 1 --alpha 0.05 --bracket-below 1 --bracket-above 1
expect_error 3 "lower end" -- predict $R --flow wn --ratio 1 --alpha 0.05 --bracket-below 1 --bracket-above 1

# --alpha inf: the saturated scale beta_inf of polar WN with constant rates. On this instance
# (N = 60, M = 20, seed 1, L = 2) q_c = 0.2498: q = 0.05 is capped, q = 0.5 is not.
S="--n 60 --m 20 --sparsity 3 --seed 1"
if run_ok predict $S --flow wn --ratio 0.05 --alpha inf --json; then
  python3 - "$tmp/out" <<'PY' || { echo "FAIL: predict --alpha inf --json"; fails=$((fails + 1)); }
import json, sys, math
d = json.load(open(sys.argv[1]))
for key in ["x", "alpha_eff", "roots", "radius", "residual", "critical_ratio", "kappa_inf", "flow"]:
    assert key in d, key
assert d["flow"]["alpha"] == "inf" and d["flow"]["ratio"] == 0.05
assert d["magnification"] is None  # infinite
b, rho = d["alpha_eff"], d["radius"]
# beta = (rho/sqrt(n)) e^{q/2}, and for L = 2 rho^2 = |x|_1.
assert abs(b / (rho / math.sqrt(60) * math.exp(0.025)) - 1) < 1e-10, (b, rho)
assert abs(rho * rho / sum(d["x"]) - 1) < 1e-10
assert abs(d["critical_ratio"] + 2 * math.log(d["kappa_inf"])) < 1e-12
assert 0.05 < d["critical_ratio"] < 1
PY
fi
# The finite-alpha predictor at alpha = 1e6 agrees with it.
if run_ok predict $S --flow wn --ratio 0.05 --alpha inf --json; then
  cp "$tmp/out" "$tmp/inf.json"
  run_ok predict $S --flow wn --ratio 0.05 --alpha 1e6 --json &&
    python3 - "$tmp/inf.json" "$tmp/out" <<'PY' || { echo "FAIL: predict alpha inf vs 1e6"; fails=$((fails + 1)); }
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert abs(a["alpha_eff"] / b["alpha_eff"] - 1) < 1e-9, (a["alpha_eff"], b["alpha_eff"])
PY
fi
run_ok predict $S --flow wn --ratio 0.05 --alpha inf && { grep -q "alpha_eff = beta_inf" "$tmp/out" && grep -q "q_c" "$tmp/out" ||
  { echo "FAIL: predict --alpha inf summary: $(cat "$tmp/out")"; fails=$((fails + 1)); }; }
# Above the threshold: exit 3 naming q_c. P± has q_c = 0: never capped.
expect_error 3 "q_c = 0.2498" -- predict $S --flow wn --ratio 0.5 --alpha inf
expect_error 3 "q_c = 0" -- predict $R --sign signed --flow wn --ratio 0.01 --alpha inf
# inf only for predict with polar WN at constant rates.
expect_error 2 "flow wn only" -- predict $S --alpha inf
expect_error 2 "flow wn only" -- predict $S --flow wn-classic --alpha inf
expect_error 2 "constant-rates" -- predict $S --flow wn --schedule constant-ratio --alpha inf
expect_error 2 "eta-s" -- predict $S --flow wn --eta-s 0.1 --alpha inf
expect_error 2 "bracket-below" -- predict $S --flow wn --ratio 0.05 --alpha inf --bracket-below 3
expect_error 2 "alpha" -- run $S --flow wn --alpha inf
expect_error 2 "alpha" -- predict $S --flow wn --alpha Inf
expect_error 2 "alpha" -- predict $S --flow wn --alpha -inf

# --help documents the options.
"$bin" predict --help >"$tmp/help"
for opt in --a --y --n --m --sparsity --seed --sign --flow --depth --alpha --eta --ratio --eta-r --eta-s \
           --v0-norm --schedule --scan-points --bracket-below --bracket-above --json; do
  grep -q -- "$opt" "$tmp/help" || { echo "FAIL: predict --help does not mention $opt"; fails=$((fails + 1)); }
done
"$bin" l1 --help >"$tmp/help"
for opt in --a --y --sign --n --json; do
  grep -q -- "$opt" "$tmp/help" || { echo "FAIL: l1 --help does not mention $opt"; fails=$((fails + 1)); }
done

finish cli_predict
