#!/usr/bin/env bash
# wnflow run from the outside: results, exit codes, one-line errors with nothing on stdout.
# usage: cli_run.sh <wnflow binary> <tests/data dir>
source "$(dirname "$0")/cli_common.bash" "$@"

A="--a $data/A3x6.csv --y $data/y3.csv"
# Bad input: exit 2, one line naming the problem.
expect_error 2 "cannot open" -- run --a "$tmp/missing.csv" --y "$data/y3.csv"
expect_error 2 "empty" -- run --a "$data/empty.csv" --y "$data/y3.csv"
expect_error 2 "row 2" -- run --a "$data/ragged.csv" --y "$data/y3.csv"
expect_error 2 "not a number" -- run --a "$data/nonnumeric.csv" --y "$data/y3.csv"
expect_error 2 "finite" -- run --a "$data/nan.csv" --y "$data/y3.csv"
expect_error 2 "finite" -- run --a "$data/inf.csv" --y "$data/y3.csv"
expect_error 2 "empty field" -- run --a "$data/emptyfield.csv" --y "$data/y3.csv"
expect_error 2 "y has 4 entries" -- run --a "$data/A3x6.csv" --y "$data/y_wrong_size.csv"
expect_error 2 "alpha" -- run $A --alpha 0
expect_error 2 "alpha" -- run $A --alpha -1
expect_error 2 "alpha" -- run $A --alpha nan
expect_error 2 "alpha" -- run $A --alpha 1e200
expect_error 2 "depth" -- run $A --depth 1
expect_error 2 "depth" -- run $A --depth 2.5
expect_error 2 "depth" -- run $A --depth three
expect_error 2 "ratio" -- run $A --flow wn --ratio 0
expect_error 2 "ratio" -- run $A --flow wn --ratio -0.5
expect_error 2 "--t-max: must be positive" -- run $A --t-max 0
expect_error 2 "--t-max: must be positive" -- run $A --t-max -5
expect_error 2 "rtol" -- run $A --rtol -1e-8
expect_error 2 "stepper" -- run $A --stepper euler
expect_error 2 "flow" -- run $A --flow sgd
expect_error 2 "sign" -- run $A --sign complex
expect_error 2 "either --ratio or --eta-s" -- run $A --flow wn --ratio 0.5 --eta-s 0.1
expect_error 2 "weight normalization" -- run $A --flow gf --ratio 0.5
expect_error 2 "not both" -- run $A --n 10
expect_error 2 "--a" -- run --y "$data/y3.csv"
expect_error 2 "sparsity" -- run --n 10 --m 5 --sparsity 11
expect_error 2 "not expected" -- run $A --no-such-option
expect_error 2 "matvec-threads" -- run $A --matvec-threads -1
expect_error 2 "matvec-threads" -- run $A --matvec-threads two
expect_error 2 "directory" -- run $A --trajectory "$tmp/no/such/dir/t.csv"
# Numerical failure: exit 3, nothing on stdout.
expect_error 3 "max_steps" -- run $A --max-steps 3
expect_error 3 "no convergence" -- run $A --t-max 0.01 --require-convergence

# Results: JSON with the contract's fields, a trajectory file, and the limit interpolates.
# (P+ on this fixture has a single non-negative interpolant, so its flows converge only
# algebraically: the signed parameterization has interior interpolants.)
if run_ok run $A --xstar "$data/xstar6.csv" --sign signed --flow wn --ratio 0.2 --json --trajectory "$tmp/traj.csv"; then
  python3 - "$tmp/out" "$tmp/traj.csv" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
for key in ["x", "loss", "t", "converged", "stop_reason", "steps", "rhs_evals", "l1_norm",
            "alpha_eff", "invariant_residual", "wall_seconds"]:
    assert key in d, key
assert d["converged"] is True and d["stop_reason"] in ("loss_tol", "loss_floor"), d["stop_reason"]
assert len(d["x"]) == 6 and d["invariant_residual"] < 1e-8
head = open(sys.argv[2]).readline().strip().split(",")
assert head[:3] == ["t", "loss", "l1_norm"] and "I4_mirror" in head and "alpha_eff" in head, head
rows = open(sys.argv[2]).read().strip().split("\n")[1:]
assert len(rows) > 10
PY
fi
# t_max reached above loss-tol: a failure (above), or with --allow-unconverged the state,
# flagged, with a warning.
expect_error 3 "no convergence" -- run $A --t-max 0.01 --json
if run_ok run $A --t-max 0.01 --json --allow-unconverged; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["converged"] is False and d["stop_reason"] == "t_max"' "$tmp/out" || fails=$((fails + 1))
  grep -q "warning" "$tmp/err" || { echo "FAIL: no warning for an unconverged run"; fails=$((fails + 1)); }
fi
# Same inputs, same numbers.
"$bin" run --n 30 --m 10 --sparsity 2 --seed 4 --flow wn --ratio 0.3 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["x"])' >"$tmp/a"
"$bin" run --n 30 --m 10 --sparsity 2 --seed 4 --flow wn --ratio 0.3 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["x"])' >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL: two identical runs differ"; fails=$((fails + 1)); }
# Above 2^19 entries the products with A are split over threads: the output is the same
# with one thread or two (A here: 300 x 2048).
big="--n 2048 --m 300 --sparsity 12 --seed 5 --loss-tol 1e-12 --json"
"$bin" run $big --matvec-threads 1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["x"], d["steps"], d["loss"])' >"$tmp/a"
"$bin" run $big --matvec-threads 2 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["x"], d["steps"], d["loss"])' >"$tmp/b"
[ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL: --matvec-threads 1 and 2 differ"; fails=$((fails + 1)); }
# --normalize separate (P± WN with u and v on their own spheres): converges, reports both
# blocks' effective scales (closed form and integrated agree), and its own I4 stays small.
if run_ok run --n 40 --m 14 --sparsity 3 --sign signed --flow wn --ratio 0.2 --alpha 1 --normalize separate --json; then
  python3 - "$tmp/out" <<'PY' || { echo "FAIL: run --normalize separate"; fails=$((fails + 1)); }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["converged"], d["stop_reason"]
assert d["flow"]["normalize"] == "separate"
for a, b in [("alpha_eff", "alpha_eff_integral"), ("alpha_eff_v", "alpha_eff_v_integral")]:
    assert abs(d[a] / d[b] - 1) < 1e-6, (a, d[a], d[b])
assert abs(d["radius"] - d["radius_v"]) > 1e-3 * d["radius"], "u and v ended with the same radius"
assert d["invariants"]["I4_mirror"] < 1e-7, d["invariants"]
PY
fi
expect_error 2 "needs --sign signed" -- run --n 20 --m 8 --flow wn --normalize separate
# Classic WN normalized separately: |v_u| and |v_v| stay at |v(0)| (I2, a genuine check), and
# its limit equals the separate polar flow's at the same q (the flow it follows).
if run_ok run --n 40 --m 14 --sparsity 3 --sign signed --flow wn-classic --ratio 0.2 --alpha 1 --normalize separate --json; then
  cp "$tmp/out" "$tmp/classic_sep.json"
  if run_ok run --n 40 --m 14 --sparsity 3 --sign signed --flow wn --ratio 0.2 --alpha 1 --normalize separate --json; then
    python3 - "$tmp/classic_sep.json" "$tmp/out" <<'PY' || { echo "FAIL: run wn-classic --normalize separate"; fails=$((fails + 1)); }
import json, sys
c = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
assert c["converged"], c["stop_reason"]
assert c["flow"]["normalize"] == "separate" and c["flow"]["flow"] == "wn-classic"
assert c["invariants"]["I2_v_norm"] < 1e-7, c["invariants"]
assert "alpha_eff_v_integral" not in c
for k in ["alpha_eff", "alpha_eff_v", "radius", "radius_v"]:
    assert abs(c[k] / p[k] - 1) < 1e-5, (k, c[k], p[k])
d = max(abs(a - b) for a, b in zip(c["x"], p["x"]))
assert d < 1e-5 * max(abs(v) for v in p["x"]), d
PY
  fi
fi
expect_error 2 "not to --flow gf" -- run --n 20 --m 8 --sign signed --flow gf --normalize separate
expect_error 2 "needs --sign signed" -- run --n 20 --m 8 --flow wn-classic --normalize separate
expect_error 2 "normalize" -- run --n 20 --m 8 --sign signed --flow wn --normalize both
expect_error 2 "depends on the path" -- predict --n 20 --m 8 --sign signed --flow wn --normalize separate
# --help documents every option of run.
"$bin" run --help >"$tmp/help"
for opt in --a --y --xstar --n --m --sparsity --seed --sign --flow --depth --alpha --ratio --eta-r --eta-s \
           --v0-norm --schedule --normalize --stepper --rtol --atol --t-max --loss-tol --trajectory --json --matvec-threads; do
  grep -q -- "$opt" "$tmp/help" || { echo "FAIL: --help does not mention $opt"; fails=$((fails + 1)); }
done

finish cli_run
