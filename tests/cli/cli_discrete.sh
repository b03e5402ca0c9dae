#!/usr/bin/env bash
# wnflow discrete from the outside: results, exit codes, one-line errors with nothing on stdout.
# usage: cli_discrete.sh <wnflow binary> <tests/data dir>
source "$(dirname "$0")/cli_common.bash" "$@"

R="--n 12 --m 6 --sparsity 2 --seed 11 --alpha 0.5"
# Bad input: exit 2, one line naming the problem.
expect_error 2 "method" -- discrete $R --method sgd
expect_error 2 "step-rule" -- discrete $R --step-rule armijo
expect_error 2 "excludes" -- discrete $R --step 0.1 --step-rule curvature
expect_error 2 "--step" -- discrete $R --step 0
expect_error 2 "--step" -- discrete $R --step -1
expect_error 2 "step_fraction" -- discrete $R --step-rule curvature --step-fraction 1.5
expect_error 2 "--step-fraction" -- discrete $R --step-fraction 0.3
expect_error 2 "--curvature" -- discrete $R --curvature largest
expect_error 2 "curvature" -- discrete $R --step-rule curvature --curvature biggest
expect_error 2 "max-iterations" -- discrete $R --max-iterations 0
expect_error 2 "loss-tol" -- discrete $R --loss-tol -1
expect_error 2 "ratio" -- discrete $R --method gd --ratio 0.5
expect_error 2 "v0_norm" -- discrete $R --method wn-gd-polar --v0-norm 2
expect_error 2 "depth" -- discrete $R --depth 1
expect_error 2 "alpha" -- discrete --n 12 --m 6 --alpha 0
expect_error 2 "cannot open" -- discrete --a "$tmp/missing.csv" --y "$data/y3.csv"
# Numerical failure: exit 3, nothing on stdout.
expect_error 3 "diverged" -- discrete $R --step 100
expect_error 3 "no convergence" -- discrete $R --step 0.01 --max-iterations 5 --loss-tol 1e-12

# Results: the curvature rule converges; its JSON carries the cost with the Hessian-vector
# products, and classic WN-GD reports the growth of |v|.
if run_ok discrete $R --method wn-gd-classic --step-rule curvature --loss-tol 1e-12 --max-iterations 50000 --json; then
  python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
assert d["converged"] is True and d["stop_reason"] == "loss_tol", d
assert d["step_rule"] == "curvature" and d["curvature"] == "magnitude", d
assert d["loss"] <= 1e-12, d["loss"]
assert d["hvp_evals"] > 0 and d["grad_evals"] == d["iterations"] + 1 + d["hvp_evals"], d
assert d["v_norm_growth"] >= 1.0, d["v_norm_growth"]
assert d["alpha_eff"] > 0 and len(d["x"]) == 12, d
PY
fi
# The grid search reports every step it tried, largest first, and the chosen one last.
if run_ok discrete $R --method gd --loss-tol 1e-10 --max-iterations 20000 --json; then
  python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
t = d["tried_steps"]
assert d["converged"] and d["step_rule"] == "grid", d
assert t == sorted(t, reverse=True) and t[-1] == d["step"] and t[0] == 10, t
assert d["search_grad_evals"] >= d["grad_evals"], d
PY
fi
# The summary says what happened.
if run_ok discrete $R --method wn-gd-polar --ratio 1 --step 0.05 --loss-tol 1e-10; then
  grep -q "fixed step h = 0.05" "$tmp/out" && grep -q "(converged)" "$tmp/out" || {
    echo "FAIL: summary: $(cat "$tmp/out")"
    fails=$((fails + 1))
  }
fi
finish cli_discrete
