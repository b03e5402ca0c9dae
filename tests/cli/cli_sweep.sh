#!/usr/bin/env bash
# wnflow sweep and wnflow reproduce from the outside: outputs and figures, resume after
# --max-cells and after SIGINT/SIGTERM (no lost, no duplicated cell), and bad configs
# refused before any work with one line naming the key.
# usage: cli_sweep.sh <wnflow binary> <tests/data dir>
source "$(dirname "$0")/cli_common.bash" "$@"
cfg=$data/experiments

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Every cell of a journal appears in exactly one contiguous block.
no_duplicates() {
  python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
blocks = {}
prev = None
for r in rows:
    if r["cell"] != prev:
        blocks[r["cell"]] = blocks.get(r["cell"], 0) + 1
    prev = r["cell"]
bad = [k for k, v in blocks.items() if v != 1]
assert not bad, bad
PY
}

# --- a sweep with every figure type ---------------------------------------------------------
if run_ok sweep --config "$cfg/tiny.json" --out "$tmp/a" --threads 2; then
  [ -s "$tmp/a/tiny.csv" ] || fail "tiny.csv missing"
  for f in tiny_lines tiny_heatmap tiny_trajectory; do
    for ext in png svg csv gp; do
      [ -s "$tmp/a/figures/$f.$ext" ] || fail "figure file $f.$ext missing or empty"
    done
  done
  head -c 8 "$tmp/a/figures/tiny_lines.png" | grep -q PNG || fail "tiny_lines.png is not a PNG"
  grep -q "</svg>" "$tmp/a/figures/tiny_heatmap.svg" || fail "tiny_heatmap.svg is not a whole SVG"
fi
# Same config, one thread: the same table.
run_ok sweep --config "$cfg/tiny.json" --out "$tmp/b" --threads 1 --no-figures &&
  { cmp -s "$tmp/a/tiny.csv" "$tmp/b/tiny.csv" || fail "1 and 2 threads gave different tables"; }
# A rerun finds every cell in the journal.
run_ok sweep --config "$cfg/tiny.json" --out "$tmp/a" --no-figures &&
  { grep -q "from the journal" "$tmp/err" || fail "rerun did not resume: $(cat "$tmp/err")"; }

# --- resume after --max-cells and after signals ---------------------------------------------
run_ok sweep --config "$cfg/many.json" --out "$tmp/ref" --no-figures
"$bin" sweep --config "$cfg/many.json" --out "$tmp/part" --no-figures --max-cells 7 >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 130 ] || fail "--max-cells: exit $rc, want 130 (interrupted)"
[ -e "$tmp/part/many.csv" ] && fail "a partial sweep wrote the final table"
run_ok sweep --config "$cfg/many.json" --out "$tmp/part" --no-figures
cmp -s "$tmp/ref/many.csv" "$tmp/part/many.csv" || fail "resume after --max-cells changed the table"
no_duplicates "$tmp/part/many.journal.csv" || fail "duplicated cells after --max-cells"

for sig in INT TERM; do
  out="$tmp/sig$sig"
  "$bin" sweep --config "$cfg/many.json" --out "$out" --no-figures --threads 2 >/dev/null 2>"$tmp/err.$sig" &
  pid=$!
  # Wait until a few cells are journaled (header + >= 3 rows), then interrupt.
  for _ in $(seq 1 600); do
    [ -f "$out/many.journal.csv" ] && [ "$(wc -l <"$out/many.journal.csv")" -ge 4 ] && break
    sleep 0.05
  done
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "note: SIG$sig arrived after the sweep finished (machine too fast); resume not exercised"
  elif [ "$rc" -ne 130 ]; then
    fail "SIG$sig: exit $rc, want 130"
  fi
  [ "$rc" -ge 131 ] && fail "SIG$sig killed the process (exit $rc)"
  run_ok sweep --config "$cfg/many.json" --out "$out" --no-figures
  cmp -s "$tmp/ref/many.csv" "$out/many.csv" || fail "resume after SIG$sig changed the table"
  no_duplicates "$out/many.journal.csv" || fail "duplicated cells after SIG$sig"
done

# A config that differs only in what the presentation reads (title, description, figures)
# resumes the journal: every cell comes from it, none runs again, and the table is unchanged.
python3 - "$cfg/many.json" "$tmp/restyled.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["title"] = "restyled"; c["description"] = "only the presentation changed"
json.dump(c, open(sys.argv[2], "w"))
PY
cp "$tmp/ref/many.csv" "$tmp/many.before.csv"
"$bin" sweep --config "$tmp/restyled.json" --out "$tmp/ref" --no-figures >"$tmp/restyled.out" 2>&1 || fail "restyled config: $(cat "$tmp/restyled.out")"
cells=$(grep -o '[0-9]*/[0-9]* cells' "$tmp/restyled.out" | tail -1 | cut -d/ -f2 | cut -d' ' -f1)
grep -q "($cells from the journal)" "$tmp/restyled.out" || fail "restyled config ran cells again: $(tail -1 "$tmp/restyled.out")"
cmp -s "$tmp/many.before.csv" "$tmp/ref/many.csv" || fail "restyled config changed the table"

# A journal written for another config is refused, naming the file.
sed 's/"seed": 11/"seed": 12/' "$cfg/many.json" >"$tmp/many2.json"
expect_error 2 "another config" -- sweep --config "$tmp/many2.json" --out "$tmp/ref"

# --- bad configs: exit 2, one line naming the key, nothing written ----------------------------
bad() {  # bad <words> <json>
  printf '%s' "$2" >"$tmp/bad.json"
  expect_error 2 "$1" -- sweep --config "$tmp/bad.json" --out "$tmp/badout"
  [ -e "$tmp/badout" ] && { fail "bad config '$2' created the output directory"; rm -rf "$tmp/badout"; }
}
base='"name": "x", "problem": {"N": 10, "M": 5}, "algorithms": [{"kind": "gf"}]'
bad "unknown key alpah" "{$base, \"alpah\": 1}"
bad "depth must be an integer" "{$base, \"depth\": 2.5}"
bad "alpha is an empty list" "{$base, \"alpha\": []}"
bad "ratio applies to weight normalization" '{"name": "x", "problem": {}, "algorithms": [{"kind": "gf", "ratio": 1}]}'
bad "exceeds N" '{"name": "x", "problem": {"N": 3, "sparsity": 5}, "algorithms": [{"kind": "gf"}]}'
bad "malformed JSON" '{"name": '
bad "figures\[0\]" "{$base, \"figures\": [{\"name\": \"f\", \"x\": \"alpha\", \"y\": \"nope\"}]}"
bad "is empty" ''
bad "problem.M.rule 'lin' is unknown" '{"name": "x", "problem": {"N": 100, "M": {"rule": "lin", "factor": 4}, "sparsity": 5}, "algorithms": [{"kind": "gf"}]}'
bad "problem.M: the rule gives M = 600 >= N = 100" '{"name": "x", "problem": {"N": 100, "M": {"rule": "log", "factor": 40}, "sparsity": 5}, "algorithms": [{"kind": "gf"}]}'
bad "alpha.factor must be positive" "{$base, \"alpha\": {\"rule\": \"inverse_sqrt_n\", \"factor\": -1}}"
bad "ratio.rule critical applies to kind wn only" '{"name": "x", "problem": {}, "algorithms": [{"kind": "wn-classic", "ratio": {"rule": "critical", "factor": 0.5}}]}'
expect_error 2 "cannot open config" -- sweep --config "$tmp/none.json" --out "$tmp/x"
expect_error 2 "not a directory" -- sweep --config "$cfg/tiny.json" --out "$cfg/tiny.json"
expect_error 2 "threads" -- sweep --config "$cfg/tiny.json" --out "$tmp/x" --threads -1
expect_error 2 "config" -- sweep --out "$tmp/x"

# --- reproduce on a custom list of experiments ------------------------------------------------
python3 - "$cfg/tiny.json" >"$tmp/list.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
u = dict(t, name="tiny2", figures=[dict(t["figures"][0], name="tiny2_lines")])
print(json.dumps({"experiments": [t, u]}))
PY
if run_ok reproduce --config "$tmp/list.json" --out "$tmp/rep" --no-verify; then
  for f in report.md report.html tiny.csv tiny2.csv figures/tiny2_lines.png figures/tiny_trajectory.svg; do
    [ -s "$tmp/rep/$f" ] || fail "reproduce: $f missing or empty"
  done
  grep -q "<svg" "$tmp/rep/report.html" || fail "report.html has no inline SVG"
  grep -q "tiny: every figure type" "$tmp/rep/report.md" || fail "report.md lacks the experiment title"
fi
expect_error 2 "matches no experiment" -- reproduce --config "$tmp/list.json" --out "$tmp/rep2" --only zzz
expect_error 2 "named 'tiny'" -- reproduce --config <(python3 -c "import json; t=json.load(open('$cfg/tiny.json')); print(json.dumps({'experiments':[t,t]}))") --out "$tmp/rep3"

finish cli_sweep
