#!/usr/bin/env bash
# Hostile invocations of every command (docs/reliability.md): missing, unreadable,
# empty and malformed files, NaN/Inf, mismatched sizes, zero rows, rank-deficient A, every
# option out of range or not a number, unknown flags, unwritable outputs, and the numerical
# failure modes (blow-up, step limit, no convergence, a dual Newton that cannot certify, an
# infeasible LP, a predictor with no root in its bracket).
#
# Each invocation must: exit with the expected code (2 bad input, 3 numerical failure), not
# be killed by a signal, print nothing on stdout, print exactly one line on stderr, starting
# "wnflow: " and containing the given words (an extended regex, case-insensitive), and leave
# no output file (nor a temporary one) behind.
# usage: cli_hostile.sh <wnflow binary> <tests/data dir>
source "$(dirname "$0")/cli_common.bash" "$@"
# Messages quote bytes of binary files: match them as bytes.
export LC_ALL=C
H=$data/hostile
count=0

# hostile <exit code> <regex> -- <args...>. A path given to an output option must not exist
# afterwards; outputs go to $out (a fresh directory per call) so leftovers are visible.
hostile() {
  local code=$1 words=$2
  shift 3
  count=$((count + 1))
  rm -rf "$out" && mkdir -p "$out"
  # The time limit only guards against a hang (a hung command fails the test); it is not a
  # performance assertion and is far above any of these calls.
  timeout -s KILL 600 "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local rc=$? why=""
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -ge 128 ]; then why="killed by signal $((rc - 128))"
  elif [ "$rc" -ne "$code" ]; then why="exit $rc, want $code"
  elif [ -s "$tmp/out" ]; then why="$(wc -c <"$tmp/out") bytes on stdout"
  elif [ "$lines" -ne 1 ]; then why="$lines lines on stderr"
  elif ! grep -q '^wnflow: ' "$tmp/err"; then why="stderr does not start with 'wnflow: '"
  elif ! grep -qiE -- "$words" "$tmp/err"; then why="stderr lacks /$words/"
  elif [ -n "$(ls -A "$out")" ]; then why="left files behind: $(ls -A "$out" | tr '\n' ' ')"
  fi
  if [ -n "$why" ]; then
    echo "FAIL ($why): wnflow $*"
    echo "  stderr: $(head -c 400 "$tmp/err")"
    fails=$((fails + 1))
  fi
}
out=$tmp/out.d

A3="$H/A3x6.csv"
Y3="$H/y3.csv"
FILES="--a $A3 --y $Y3"
SMALL="--n 12 --m 4 --sparsity 1 --seed 3"

# ---------------------------------------------------------------------------------------------
# 1. Inputs, for each command that reads a problem: run, predict, l1.
# ---------------------------------------------------------------------------------------------
# An unreadable file (root reads anything, so only test it when it bites).
cp "$A3" "$tmp/unreadable.csv" && chmod 000 "$tmp/unreadable.csv"
unreadable=0
cat "$tmp/unreadable.csv" >/dev/null 2>&1 || unreadable=1
mkfifo "$tmp/fifo_empty"

for cmd in run predict l1; do
  # Files that are missing, unreadable, not files, or hold no data.
  hostile 2 "cannot open A file '.*missing.csv'" -- $cmd --a "$tmp/missing.csv" --y "$Y3"
  hostile 2 "cannot open y file '.*missing.csv'" -- $cmd --a "$A3" --y "$tmp/missing.csv"
  hostile 2 "cannot open x\* file" -- $cmd $FILES --xstar "$tmp/missing.csv"
  hostile 2 "cannot (open|read) A file '$H'" -- $cmd --a "$H" --y "$Y3"
  hostile 2 "A file '/dev/null' is empty" -- $cmd --a /dev/null --y "$Y3"
  hostile 2 "A file '/dev/zero'.*not a number" -- $cmd --a /dev/zero --y "$Y3"
  if [ "$unreadable" = 1 ]; then
    hostile 2 "cannot open A file.*Permission denied" -- $cmd --a "$tmp/unreadable.csv" --y "$Y3"
  fi
  # A FIFO whose writer closes without writing (the writer gives up if nobody reads).
  timeout 30 bash -c 'exec 3>"$1"; sleep 0.2' _ "$tmp/fifo_empty" &
  hostile 2 "A file '.*fifo_empty' is empty" -- $cmd --a "$tmp/fifo_empty" --y "$Y3"
  wait
  hostile 2 "A file '.*/empty.csv' is empty" -- $cmd --a "$H/empty.csv" --y "$Y3"
  hostile 2 "y file '.*/empty.csv' is empty" -- $cmd --a "$A3" --y "$H/empty.csv"
  hostile 2 "A file '.*/blank.csv' is empty" -- $cmd --a "$H/blank.csv" --y "$Y3"
  hostile 2 "A file '.*/bom_only.csv' is empty" -- $cmd --a "$H/bom_only.csv" --y "$Y3"
  hostile 2 "x\* file '.*/empty.csv' is empty" -- $cmd $FILES --xstar "$H/empty.csv"
  # Ragged rows, malformed fields, non-numbers.
  hostile 2 "ragged_long.csv', line 2: row 2 has 7 values, expected 6" -- $cmd --a "$H/ragged_long.csv" --y "$Y3"
  hostile 2 "ragged_short.csv', line 3: row 3 has 2 values, expected 6" -- $cmd --a "$H/ragged_short.csv" --y "$Y3"
  hostile 2 "trailing_comma.csv', line 3, column 7: empty field" -- $cmd --a "$H/trailing_comma.csv" --y "$Y3"
  hostile 2 "blank_inside.csv', line 2: blank line" -- $cmd --a "$H/blank_inside.csv" --y "$Y3"
  hostile 2 "semicolons.csv', line 1, column 1: .* is not a number" -- $cmd --a "$H/semicolons.csv" --y "$Y3"
  hostile 2 "spaces.csv', line 1, column 1: .* is not a number" -- $cmd --a "$H/spaces.csv" --y "$Y3"
  hostile 2 "header.csv', line 1, column 1: 'a1' is not a number" -- $cmd --a "$H/header.csv" --y "$Y3"
  hostile 2 "hex.csv', line 2, column 4: '0x10' is not a number" -- $cmd --a "$H/hex.csv" --y "$Y3"
  hostile 2 "bad_exponent.csv', line 2, column 4: '1e' is not a number" -- $cmd --a "$H/bad_exponent.csv" --y "$Y3"
  hostile 2 "plus_minus.csv', line 2, column 5: '\+-1' is not a number" -- $cmd --a "$H/plus_minus.csv" --y "$Y3"
  hostile 2 "nul_byte.csv', line 3, column 6: .* is not a number" -- $cmd --a "$H/nul_byte.csv" --y "$Y3"
  hostile 2 "binary.csv', line [0-9]+, column [0-9]+: .* is not a number" -- $cmd --a "$H/binary.csv" --y "$Y3"
  hostile 2 "long_token.csv', line 1, column 2: '7{40}\.\.\.' is outside the range" -- $cmd --a "$H/long_token.csv" --y "$Y3"
  # NaN, infinities, out of the double range.
  hostile 2 "nan.csv', line 3, column 4: 'NaN' is not a finite number" -- $cmd --a "$H/nan.csv" --y "$Y3"
  hostile 2 "neg_inf.csv', line 2, column 6: '-Infinity' is not a finite number" -- $cmd --a "$H/neg_inf.csv" --y "$Y3"
  hostile 2 "overflow.csv', line 2, column 6: '1e999' is outside the range" -- $cmd --a "$H/overflow.csv" --y "$Y3"
  hostile 2 "underflow.csv', line 2, column 6: '1e-400' is outside the range" -- $cmd --a "$H/underflow.csv" --y "$Y3"
  hostile 2 "x\* file '.*xstar_nan.csv', line 6, column 1: 'nan'" -- $cmd $FILES --xstar "$H/xstar_nan.csv"
  # Sizes that do not match, a table where a vector belongs, a zero row, rank deficiency.
  hostile 2 "y has 2 entries but A has 3 rows.*--a .*A3x6.csv" -- $cmd --a "$A3" --y "$H/y2.csv"
  hostile 2 "y has 3 entries but A has 2 rows" -- $cmd --a "$H/y_table.csv" --y "$Y3"
  hostile 2 "y file '.*y_table.csv' holds a 2x2 table" -- $cmd --a "$A3" --y "$H/y_table.csv"
  hostile 2 "x\* has 5 entries but A has 6 columns" -- $cmd $FILES --xstar "$H/xstar5.csv"
  hostile 2 "y has 4 entries but A has 3 rows" -- $cmd --a "$A3" --y "$H/y4_blank_tail.csv"
  hostile 2 "row 2 of A is zero.*A_zero_row.csv" -- $cmd --a "$H/A_zero_row.csv" --y "$Y3"
  hostile 2 "A file '.*A_rank_deficient.csv' does not have full row rank" -- $cmd --a "$H/A_rank_deficient.csv" --y "$Y3"
  hostile 2 "A file '.*A_rank_deficient2.csv' does not have full row rank" -- $cmd --a "$H/A_rank_deficient2.csv" --y "$Y3"
  hostile 2 "A file '.*A_tiny_row.csv' does not have full row rank" -- $cmd --a "$H/A_tiny_row.csv" --y "$Y3"
  # Row 3 = 0.7 row 1 - 1.3 row 2 in 17-digit floats: the Cholesky pivot is +2e-16 of the largest
  # diagonal, which LLT alone accepted (run then integrated to t-max and failed).
  hostile 2 "A file '.*A_dependent_rows.csv' does not have full row rank" -- $cmd --a "$H/A_dependent_rows.csv" --y "$Y3"
  hostile 2 "A file '.*A_tall.csv' has 3 rows but only 2 columns" -- $cmd --a "$H/A_tall.csv" --y "$Y3"
  hostile 2 "A file '.*' does not have full row rank" -- $cmd --a "$H/A_rank_deficient.csv" --y "$H/y_outside_range.csv"
  # The problem given twice, or half of it.
  hostile 2 "--y given without --a" -- $cmd --y "$Y3"
  hostile 2 "--a given without --y" -- $cmd --a "$A3"
  hostile 2 "--xstar needs --a and --y" -- $cmd --xstar "$H/xstar5.csv"
  hostile 2 "not both" -- $cmd $FILES --n 10
  hostile 2 "not both" -- $cmd $FILES --seed 2
  hostile 2 "--a: At Most 1 required but received 2" -- $cmd --a "$A3" --a "$A3" --y "$Y3"
  hostile 2 "--a: 1 required TEXT missing" -- $cmd --a
  # The random instance out of range.
  hostile 2 "--n: Value 0 not in range 1 to 100000000" -- $cmd --n 0
  hostile 2 "--n: Value -5 not in range 1 to 100000000" -- $cmd --n -5
  hostile 2 "--n: expects an integer, got '2.5'" -- $cmd --n 2.5
  hostile 2 "--n: expects an integer, got '1e3'" -- $cmd --n 1e3
  hostile 2 "--n: expects an integer, got '99999999999999999999'" -- $cmd --n 99999999999999999999
  hostile 2 "--n: Value 1000000000 not in range 1 to 100000000" -- $cmd --n 1000000000
  hostile 2 "--n 100000 by --m 100000 is too large" -- $cmd --n 100000 --m 100000 --sparsity 1
  hostile 2 "--m: Value 0 not in range 1 to 100000000" -- $cmd --m 0
  hostile 2 "--m: expects an integer, got ''" -- $cmd --m ""
  hostile 2 "the random A \(--m 30, --n 20\) has 30 rows but only 20 columns" -- $cmd --n 20 --m 30 --sparsity 2
  hostile 2 "sparsity s=61 exceeds N=60" -- $cmd --sparsity 61
  hostile 2 "--sparsity: Value -1 not in range 0 to 100000000" -- $cmd --sparsity -1
  hostile 2 "--seed: Value -1 not in range 0 to" -- $cmd --seed -1
  hostile 2 "--seed: expects an integer, got 'x'" -- $cmd --seed x
  hostile 2 "--sign: complex not in \{positive,signed\}" -- $cmd $SMALL --sign complex
  hostile 2 "--sign:  not in \{positive,signed\}" -- $cmd $SMALL --sign ""
  hostile 2 "--sign: Positive not in \{positive,signed\}" -- $cmd $SMALL --sign Positive
  # Unknown flags and stray arguments.
  hostile 2 "--no-such-option" -- $cmd --no-such-option
  hostile 2 "stray" -- $cmd $SMALL stray
  hostile 2 "-x" -- $cmd -x
done

# l1 takes no flow or integration options.
for opt in "--alpha 0.1" "--flow wn" "--depth 2" "--t-max 10" "--trajectory t.csv"; do
  hostile 2 "${opt%% *}" -- l1 $SMALL $opt
done
# predict takes no integration options.
for opt in "--t-max 10" "--rtol 1e-8" "--stepper rosenbrock4" "--trajectory t.csv" "--require-convergence"; do
  hostile 2 "${opt%% *}" -- predict $SMALL $opt
done

# ---------------------------------------------------------------------------------------------
# 2. Flow options (run and predict share them).
# ---------------------------------------------------------------------------------------------
for cmd in run predict; do
  for v in 0 -1 -0 -1e-300 1e-400 nan NaN inf -inf Infinity 1e999 abc "" 0x1p3 "1 " " 1" 1,5 "0.1;" +-1; do
    hostile 2 "alpha" -- $cmd $SMALL --alpha "$v"
  done
  hostile 2 "alpha = 1e\+200 is too large for depth 2: alpha\^L overflows" -- $cmd $SMALL --alpha 1e200
  hostile 2 "alpha = 1e\+101 is too large for depth 3" -- $cmd $SMALL --alpha 1e101 --depth 3
  hostile 2 "alpha = 1e\+16 is too large for depth 20" -- $cmd $SMALL --alpha 1e16 --depth 20
  for v in 1 0 -2 2.5 2.0 1e1 three "" 99999999999 1000000000; do
    hostile 2 "--depth: (expects an integer|Value .* not in range 2 to 100000000)" -- $cmd $SMALL --depth "$v"
  done
  for v in 0 -0.5 nan inf 1e999 x ""; do
    hostile 2 "ratio" -- $cmd $SMALL --flow wn --ratio "$v"
    hostile 2 "ratio" -- $cmd $SMALL --flow wn-classic --ratio "$v"
    hostile 2 "eta_r|--eta-r" -- $cmd $SMALL --flow wn --eta-r "$v"
    hostile 2 "eta_s|--eta-s" -- $cmd $SMALL --flow wn --eta-s "$v"
    hostile 2 "v\(0\)|--v0-norm" -- $cmd $SMALL --flow wn-classic --v0-norm "$v"
    hostile 2 "eta" -- $cmd $SMALL --eta "$v"
  done
  hostile 2 "--v0-norm: must be between" -- $cmd $SMALL --flow wn-classic --v0-norm 1e300
  hostile 2 "--v0-norm: must be between" -- $cmd $SMALL --flow wn-classic --v0-norm 1e-300
  hostile 2 "--flow: sgd not in \{gf,wn,wn-classic\}" -- $cmd $SMALL --flow sgd
  hostile 2 "--flow: GF not in \{gf,wn,wn-classic\}" -- $cmd $SMALL --flow GF
  hostile 2 "--schedule: x not in \{constant-rates,constant-ratio\}" -- $cmd $SMALL --flow wn --schedule x
  hostile 2 "either --ratio or --eta-s" -- $cmd $SMALL --flow wn --ratio 0.5 --eta-s 0.1
  hostile 2 "weight normalization, not to --flow gf" -- $cmd $SMALL --ratio 0.5
  hostile 2 "weight normalization, not to --flow gf" -- $cmd $SMALL --v0-norm 2
  hostile 2 "--schedule applies to --flow wn only" -- $cmd $SMALL --schedule constant-ratio
  hostile 2 "--schedule applies to --flow wn only" -- $cmd $SMALL --flow wn-classic --schedule constant-ratio
  hostile 2 "--v0-norm applies to --flow wn-classic only" -- $cmd $SMALL --flow wn --v0-norm 2
  hostile 2 "either --ratio or --v0-norm" -- $cmd $SMALL --flow wn-classic --ratio 0.5 --v0-norm 2
  hostile 2 "--eta-r/--eta-s" -- $cmd $SMALL --flow wn-classic --eta-s 2
  hostile 2 "--eta applies to --flow gf only" -- $cmd $SMALL --flow wn --eta 2
  hostile 2 "--alpha: At Most 1 required but received 2" -- $cmd $SMALL --alpha 1 --alpha 2
done
# predict's scan.
hostile 2 "scan.points" -- predict $SMALL --flow wn --scan-points 1
hostile 2 "scan.points" -- predict $SMALL --flow wn --scan-points -3
hostile 2 "scan.points" -- predict $SMALL --flow wn --scan-points 1e3
hostile 2 "--scan-points: Value 1000000000 not in range 2 to 100000" -- predict $SMALL --flow wn --scan-points 1000000000
hostile 2 "bracket" -- predict $SMALL --flow wn --bracket-below -1
hostile 2 "bracket" -- predict $SMALL --flow wn --bracket-above nan
hostile 2 "bracket" -- predict $SMALL --flow wn --bracket-below 0 --bracket-above 0
hostile 2 "bracket" -- predict $SMALL --flow wn --bracket-below 1e300
hostile 2 "bracket" -- predict $SMALL --flow wn --bracket-above 1e300

# ---------------------------------------------------------------------------------------------
# 3. Integration options and outputs of run.
# ---------------------------------------------------------------------------------------------
for v in 0 -1 -1e-12 nan inf 1e999 x ""; do
  hostile 2 "rtol" -- run $SMALL --rtol "$v"
  hostile 2 "atol" -- run $SMALL --atol "$v"
  hostile 2 "t.max" -- run $SMALL --t-max "$v"
  hostile 2 "first.sample" -- run $SMALL --first-sample "$v"
done
for v in -1 -1e-30 nan inf x ""; do
  hostile 2 "loss.tol" -- run $SMALL --loss-tol "$v"
done
hostile 2 "--rtol must be below 1" -- run $SMALL --rtol 1
hostile 2 "--rtol must be below 1" -- run $SMALL --rtol 1e300
for v in 0 -1 1e3 2.5 x "" 99999999999999999999; do
  hostile 2 "max.steps" -- run $SMALL --max-steps "$v"
done
for v in 0 -1 0.5 x ""; do
  hostile 2 "samples.per.decade" -- run $SMALL --samples-per-decade "$v"
done
hostile 2 "--samples-per-decade 100000000 over .* is more than 1e6 observations" -- run $SMALL --samples-per-decade 100000000
hostile 2 "--samples-per-decade 10000 over .* is more than 1e6" -- run $SMALL --samples-per-decade 10000 --first-sample 1e-300
hostile 2 "--stepper: euler not in \{auto," -- run $SMALL --stepper euler
hostile 2 "--stepper:  not in \{auto," -- run $SMALL --stepper ""
hostile 2 "excludes" -- run $SMALL --require-convergence --allow-unconverged
hostile 2 "--json" -- run $SMALL --json=maybe
# Output paths that cannot be written are refused before any work.
hostile 2 "--trajectory: directory '.*/no/such' does not exist" -- run $SMALL --trajectory "$out/no/such/t.csv"
hostile 2 "--trajectory: '.*' is a directory" -- run $SMALL --trajectory "$tmp"
hostile 2 "--trajectory: cannot create files in directory '/proc'" -- run $SMALL --trajectory /proc/t.csv
# Bad input found after an output path was given: nothing is written.
hostile 2 "alpha" -- run $SMALL --alpha -1 --trajectory "$out/t.csv"
hostile 2 "cannot open A file" -- run --a "$tmp/missing.csv" --y "$Y3" --trajectory "$out/t.csv"

# ---------------------------------------------------------------------------------------------
# 4. Numerical failure modes: exit 3, one line, no result, no trajectory file.
# ---------------------------------------------------------------------------------------------
# Blow-up: the state or the right-hand side leaves the double range.
# Rates of 1e300 move the state on a time scale of 1e-300: auto's stiffness vote hands the
# flow to bdf, whose steps underflow (the Rosenbrock stepper overflowed instead): a numerical
# failure, reported as such.
hostile 3 "(non_finite: .*blow-up|step_underflow)" -- run $FILES --flow wn --ratio 1e300 --trajectory "$out/t.csv"
hostile 3 "non_finite: .*blow-up" -- run --a "$H/A_huge.csv" --y "$Y3" --trajectory "$out/t.csv"
hostile 3 "non_finite: .*(NaN|blow-up)" -- run --a "$A3" --y "$H/y_huge.csv" --trajectory "$out/t.csv"
# The step limit.
hostile 3 "integration failed: max_steps" -- run $FILES --max-steps 3 --trajectory "$out/t.csv"
# No convergence within t_max (the default; --allow-unconverged prints the state instead).
hostile 3 "no convergence: loss .* > loss-tol .* at t-max = 0.01" -- run $FILES --t-max 0.01 --trajectory "$out/t.csv"
hostile 3 "no convergence" -- run $FILES --t-max 1e-300
hostile 3 "no convergence" -- run $FILES --t-max 0.01 --require-convergence --json
hostile 3 "no convergence" -- run $SMALL --depth 1000 --alpha 1e-3 --t-max 100
# Step-size underflow: a tolerance no step can meet.
hostile 3 "step_underflow|max_steps|non_finite" -- run $FILES --stepper runge_kutta_dopri5 --rtol 1e-300 --atol 1e-300 --max-steps 100000 --trajectory "$out/t.csv"
# The dual Newton of the GF limit (T1) cannot certify: for P+ y outside the cone of A.
hostile 3 "gf_limit: .*(did not converge|line search|singular|non-finite)" -- predict --a "$A3" --y "$H/y_negative_cone.csv"
hostile 3 "gf_limit: .*non-finite" -- predict --a "$H/A_huge.csv" --y "$Y3"
# An infeasible LP: for P+ no z >= 0 with Az = y.
hostile 3 "l1 LP is infeasible: no z >= 0" -- l1 --a "$A3" --y "$H/y_negative_cone.csv"
# The predictor finds no root of the alpha_eff equation in its bracket.
hostile 3 "no root of the alpha_eff equation in \[3, 3\]" -- predict $SMALL --flow wn --ratio 0.05 --alpha 3 --bracket-below 0 --bracket-above 1e-9

# ---------------------------------------------------------------------------------------------
# 5. verify: options, outputs.
# ---------------------------------------------------------------------------------------------
for v in -1 x "" 1.5 99999999999999999999; do hostile 2 "--seed" -- verify --seed "$v"; done
for v in 0 -1 x "" 1000000000; do hostile 2 "--threads" -- verify --threads "$v"; done
hostile 2 "--json: directory '.*/no/such' does not exist" -- verify --quick --json "$out/no/such/v.json"
hostile 2 "--csv: directory '.*/no/such' does not exist" -- verify --quick --csv "$out/no/such/v.csv"
hostile 2 "--json: '.*' is a directory" -- verify --quick --json "$tmp"
hostile 2 "--quick" -- verify --quick=maybe
hostile 2 "--no-such-option" -- verify --no-such-option

# ---------------------------------------------------------------------------------------------
# 6. The top level.
# ---------------------------------------------------------------------------------------------
hostile 2 "subcommand" --
hostile 2 "frobnicate|subcommand" -- frobnicate
hostile 2 "subcommand is required" -- --no-such-option
hostile 2 "run" -- run run

# The sweep commands, when present (the config battery proper lives with them).
if "$bin" sweep --help >/dev/null 2>&1; then
  for cmd in sweep reproduce; do
    hostile 2 "cannot open|cannot read|no such|does not exist" -- $cmd --config "$tmp/missing.json" --out "$out/o"
    printf '{"name": "x", ' >"$tmp/trunc.json"
    hostile 2 "trunc.json.*malformed JSON" -- $cmd --config "$tmp/trunc.json" --out "$out/o"
    printf '[1, 2]' >"$tmp/array.json"
    hostile 2 "array.json.*JSON object" -- $cmd --config "$tmp/array.json" --out "$out/o"
    : >"$tmp/empty.json"
    hostile 2 "empty.json.*(malformed JSON|empty)" -- $cmd --config "$tmp/empty.json" --out "$out/o"
    hostile 2 "binary.csv" -- $cmd --config "$H/binary.csv" --out "$out/o"
    hostile 2 "cannot read config file '$H'" -- $cmd --config "$H" --out "$out/o"
    printf '{"name": "x", "problem": {"N": 1e999}}' >"$tmp/huge.json"
    hostile 2 "huge.json: malformed JSON: .*number overflow" -- $cmd --config "$tmp/huge.json" --out "$out/o"
    printf '{"name": "x", "no_such_key": 1}' >"$tmp/unknown.json"
    hostile 2 "unknown.json: " -- $cmd --config "$tmp/unknown.json" --out "$out/o"
    hostile 2 "--threads|trunc.json" -- $cmd --threads -1 --config "$tmp/trunc.json" --out "$out/o"
    hostile 2 "--no-such-option|--config is required" -- $cmd --no-such-option
  done
  hostile 2 "--config is required" -- sweep --out "$out/o"
fi

# What the l1 fix keeps working: A and y far from unit scale (Clp aborted at |y| >= 1e100)
# are rescaled by powers of two, exactly, so tau* = 2 x 2^(b-a) on the scaled fixture.
python3 - "$A3" "$Y3" "$tmp" <<'PY'
import sys
A = [[float(v) for v in l.split(",")] for l in open(sys.argv[1])]
y = [float(l) for l in open(sys.argv[2])]
open(sys.argv[3] + "/A_scaled.csv", "w").write("\n".join(",".join(repr(v * 2.0**-300) for v in r) for r in A) + "\n")
open(sys.argv[3] + "/y_scaled.csv", "w").write("\n".join(repr(v * 2.0**400) for v in y) + "\n")
PY
for sign in positive signed; do
  if run_ok l1 --a "$tmp/A_scaled.csv" --y "$tmp/y_scaled.csv" --sign $sign --json; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert abs(d["value"] / (2.0 * 2.0**700) - 1) < 1e-12, d["value"]; assert "rescaled" in d["status"]' "$tmp/out" ||
      { echo "FAIL: l1 on the fixture scaled by 2^-300 (A) and 2^400 (y)"; fails=$((fails + 1)); }
  fi
done

echo "cli_hostile: $count hostile invocations"
finish cli_hostile
