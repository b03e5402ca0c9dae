#!/usr/bin/env bash
# wnflow-bench from the outside: a tiny --quick run writes CSV and JSON with the documented
# columns, one row per case and stepper (and peer, with --peers: measured or skipped with a
# reason); bad options exit 2 with one line on stderr and write nothing. No timing assertions.
# usage: cli_bench.sh <wnflow-bench binary> <tests/data dir>
source "$(dirname "$0")/../cli/cli_common.bash" "$@"

# Bad input: exit 2, one line naming the option, nothing on stdout, no file written.
expect_error 2 "--n" -- --quick --n abc --csv "$tmp/bad.csv"
expect_error 2 "--n" -- --quick --n 2 --csv "$tmp/bad.csv"
expect_error 2 "--n" -- --quick --n 20,,30 --csv "$tmp/bad.csv"
expect_error 2 "--steppers" -- --quick --steppers euler --csv "$tmp/bad.csv"
expect_error 2 "--timeout" -- --quick --timeout 0 --csv "$tmp/bad.csv"
expect_error 2 "--instance-format: xml not in {npy,csv}" -- --quick --peers --instance-format xml --csv "$tmp/bad.csv"
expect_error 2 "--matvec-threads" -- --quick --matvec-threads -2 --csv "$tmp/bad.csv"
expect_error 2 "--repeats" -- --quick --repeats 0 --csv "$tmp/bad.csv"
expect_error 2 "--flows" -- --quick --flows sgd --csv "$tmp/bad.csv"
expect_error 2 "--signs" -- --quick --signs complex --csv "$tmp/bad.csv"
expect_error 2 "--alphas" -- --quick --alphas -1 --csv "$tmp/bad.csv"
expect_error 2 "--depths" -- --quick --depths 1 --csv "$tmp/bad.csv"
expect_error 2 "--rtol" -- --quick --rtol nan --csv "$tmp/bad.csv"
expect_error 2 "does not exist" -- --quick --csv "$tmp/no/such/dir/b.csv"
expect_error 2 "does not exist" -- --quick --json "$tmp/no/such/dir/b.json"
expect_error 2 "not expected" -- --quick --no-such-option
[ -e "$tmp/bad.csv" ] && { echo "FAIL: a rejected bench wrote its CSV"; fails=$((fails + 1)); }

# A tiny quick run: every case x stepper is a row with the required columns.
if run_ok --quick --n 20 --steppers auto,dopri5 --csv "$tmp/b.csv" --json "$tmp/b.json"; then
  python3 - "$tmp/b.csv" "$tmp/b.json" <<'PY' || fails=$((fails + 1))
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
need = ["sign", "N", "M", "s", "L", "alpha", "flow", "solver", "status", "wall_seconds", "steps", "rhs_evals",
        "jacobian_evals", "seconds_per_rhs", "floor_seconds", "ratio_to_floor", "wall_ratio_to_floor", "accuracy",
        "peak_rss_kb"]
for k in need:
    assert k in rows[0], k
# 2 signs x 2 flows x (L = 2) x (alpha = 1) x 2 steppers
assert len(rows) == 8, len(rows)
assert {r["solver"] for r in rows} == {"wnflow:auto", "wnflow:runge_kutta_dopri5"}
for r in rows:
    assert r["status"] in ("ok", "not_converged", "failed", "timeout"), r
    assert r["N"] == "20" and r["M"] == "5" and r["s"] == "3", r
    if r["status"] == "ok":
        assert int(r["steps"]) > 0 and int(r["rhs_evals"]) > 0 and float(r["floor_seconds"]) > 0
        assert float(r["wall_seconds"]) > 0 and int(r["peak_rss_kb"]) > 0
        wall_ratio = float(r["wall_seconds"]) / int(r["rhs_evals"]) / float(r["floor_seconds"])
        assert abs(float(r["wall_ratio_to_floor"]) - wall_ratio) <= 1e-3 * wall_ratio, r
assert any(r["status"] == "ok" for r in rows)
j = json.load(open(sys.argv[2]))
assert len(j["rows"]) == 8 and "machine" in j
PY
  grep -q "per case" "$tmp/out" || { echo "FAIL: no per-case summary"; fails=$((fails + 1)); }
fi

# Peers: a row each, measured or skipped with a reason (SciPy or the CVODE binary may be missing);
# best of 2 runs, and the JSON says so.
if run_ok --quick --n 20 --signs positive --flows gf --steppers auto --peers --timeout 60 --repeats 2 \
    --csv "$tmp/p.csv" --json "$tmp/p.json"; then
  python3 - "$tmp/p.csv" "$tmp/p.json" <<'PY' || fails=$((fails + 1))
import csv, json, sys
assert json.load(open(sys.argv[2]))["settings"]["repeats"] == 2
rows = list(csv.DictReader(open(sys.argv[1])))
solvers = [r["solver"] for r in rows]
assert solvers == ["wnflow:auto", "wnflow-run:auto", "scipy:LSODA", "scipy:RK45", "cvode:BDF"], solvers
for r in rows:
    assert r["status"] in ("ok", "not_converged", "skipped", "timeout", "failed"), r
    if r["status"] == "skipped":
        assert r["note"] not in ("", "-"), r
assert rows[1]["status"] == "ok", rows[1]
# Two usable repeats: a peer row carries its slowest repeat beside the least it keeps.
for r in rows[1:]:
    if r["status"] == "ok":
        least, most = float(r["process_cpu_seconds"]), float(r["process_cpu_max_seconds"])
        assert 0 < least <= most, r
assert rows[0]["process_cpu_max_seconds"] == "nan", rows[0]
PY
fi

"$bin" --help >"$tmp/help"
for opt in --quick --n --steppers --peers --csv --json --timeout; do
  grep -q -- "$opt" "$tmp/help" || { echo "FAIL: --help does not mention $opt"; fails=$((fails + 1)); }
done

finish cli_bench
