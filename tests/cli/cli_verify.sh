#!/usr/bin/env bash
# wnflow verify from the outside: the quick suite passes and writes parseable JSON and CSV with
# a verdict on every row and PASS rows for every statement family; bad output paths and bad
# options fail with exit 2 before any work (nothing on stdout, one line on stderr).
# usage: cli_verify.sh <wnflow binary> <tests/data dir>
source "$(dirname "$0")/cli_common.bash" "$@"

# Unwritable or impossible output paths: exit 2 before the suite runs (expect_error also
# requires an empty stdout, and the suite prints a row per check as it goes).
expect_error 2 "does not exist" -- verify --quick --json "$tmp/no/such/dir/v.json"
expect_error 2 "does not exist" -- verify --quick --csv "$tmp/no/such/dir/v.csv"
expect_error 2 "is a directory" -- verify --quick --json "$tmp"
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
  expect_error 2 "not writable" -- verify --quick --json "$tmp/ro/v.json"
fi
expect_error 2 "seed" -- verify --quick --seed -3
expect_error 2 "seed" -- verify --quick --seed abc
expect_error 2 "threads" -- verify --quick --threads 0

# The quick suite: exit 0, JSON and CSV written. (Its time is measured by the suite itself,
# not asserted here: no wall-clock limits in tests.)
"$bin" verify --quick --json "$tmp/v.json" --csv "$tmp/v.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL: verify --quick -> rc=$rc: $(grep -A1 '^FAIL' "$tmp/out") $(cat "$tmp/err")"
  fails=$((fails + 1))
fi
grep -q "checks: .* passed, 0 failed" "$tmp/out" || { echo "FAIL: no summary line: $(tail -2 "$tmp/out")"; fails=$((fails + 1)); }

python3 - "$tmp/v.json" "$tmp/v.csv" "$tmp/out" <<'PY' || { echo "FAIL: verify --quick JSON/CSV/table"; fails=$((fails + 1)); }
import csv, json, sys
report = json.load(open(sys.argv[1]))
rows = report["checks"]
assert rows, "no rows"
for r in rows:
    assert r["verdict"] in ("PASS", "FAIL", "SKIP"), r
    assert r["kind"] in ("evidence", "identity"), r
    assert r["statement"] and r["instance"], r
    # I1 holds by construction (s is computed from w): labelled, and only I1.
    assert (r["kind"] == "identity") == r["statement"].startswith("I1 "), r
    if r["kind"] == "identity":
        assert r["statement"].endswith("(by construction)"), r
    if r["verdict"] == "SKIP":
        assert r["note"], ("a SKIP carries its reason", r)
    if r["verdict"] == "PASS":
        assert r["measured"] is not None and r["tolerance"] is not None, r
assert report["failed"] == 0, [r for r in rows if r["verdict"] == "FAIL"]
assert report["passed"] + report["failed"] + report["skipped"] + report["identities"] == len(rows)
assert report["identities"] == sum(r["kind"] == "identity" and r["verdict"] == "PASS" for r in rows) > 0
assert report["passed"] == sum(r["kind"] == "evidence" and r["verdict"] == "PASS" for r in rows)
assert report["quick"] is True and report["seed"] == 1
passed = {r["statement"].split(" ")[0] for r in rows if r["verdict"] == "PASS" and r["kind"] == "evidence"}
need = {"I2", "I3", "I4", "T1", "T2", "T3", "T4", "T5", "T6", "LP", "AE", "C5", "classic"}
assert need <= passed, ("no PASS row for", need - passed)
assert "I1" not in passed
# The LP certificate row requires a feasible primal and says so.
assert any(r["statement"] == "LP value = dual certificate y^T lambda, x feasible" and r["verdict"] == "PASS" for r in rows)
# The CSV holds the same rows in the same order.
with open(sys.argv[2], newline="") as f:
    table = list(csv.DictReader(f))
assert [t["statement"] for t in table] == [r["statement"] for r in rows]
assert [t["verdict"] for t in table] == [r["verdict"] for r in rows]
assert [t["kind"] for t in table] == [r["kind"] for r in rows]
# The printed table has one line per row starting with the verdict (IDENT for an identity),
# plus the summary, which names the identities as not counted.
printed = [l for l in open(sys.argv[3]) if l[:5] in ("PASS ", "FAIL ", "SKIP ", "IDENT")]
assert len(printed) == len(rows), (len(printed), len(rows))
assert sum(l.startswith("IDENT") for l in printed) == report["identities"]
summary = open(sys.argv[3]).read().strip().splitlines()[-1]
assert "%d identities by construction (not counted)" % report["identities"] in summary, summary
PY

# Same seed, same rows (instances and verdicts), whatever the thread count.
"$bin" verify --quick --threads 1 --csv "$tmp/v1.csv" >/dev/null 2>&1
python3 - "$tmp/v.csv" "$tmp/v1.csv" <<'PY' || { echo "FAIL: rows differ between --threads 2 and --threads 1"; fails=$((fails + 1)); }
import csv, sys
a = [(r["statement"], r["instance"], r["verdict"]) for r in csv.DictReader(open(sys.argv[1], newline=""))]
b = [(r["statement"], r["instance"], r["verdict"]) for r in csv.DictReader(open(sys.argv[2], newline=""))]
assert a == b
PY

finish cli_verify
