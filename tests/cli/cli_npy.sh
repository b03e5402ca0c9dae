#!/usr/bin/env bash
# .npy input from the outside, with files written by NumPy itself (python3-numpy, installed by
# scripts/install-deps.sh): the same problem as .npy and as CSV gives the same numbers bit for
# bit, in every layout np.save writes; bad files exit 2 with one line.
# usage: cli_npy.sh <wnflow binary> <tests/data dir>
source "$(dirname "$0")/cli_common.bash" "$@"

py=
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import numpy' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || { echo "FAIL: no python3 with NumPy (scripts/install-deps.sh installs python3-numpy)"; exit 1; }

# One problem, written by NumPy as CSV (repr: 17 significant digits, bit-exact) and as .npy in
# C order, Fortran order, big-endian, and y as a 1-d array, a column and int64.
"$py" - "$tmp" <<'PY' || { echo "FAIL: writing the NumPy files"; exit 1; }
import sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(5)
A = rng.standard_normal((8, 24))
x = np.zeros(24); x[[2, 9, 17]] = [1.0, 0.5, 2.0]
y = A @ x
np.savetxt(f"{d}/A.csv", A, delimiter=",", fmt="%.17g")
np.savetxt(f"{d}/y.csv", y, fmt="%.17g")
np.savetxt(f"{d}/x.csv", x, fmt="%.17g")
np.save(f"{d}/A_c.npy", A)
np.save(f"{d}/A_f.npy", np.asfortranarray(A))
np.save(f"{d}/A_be.npy", A.astype(">f8"))
np.save(f"{d}/y.npy", y)
np.save(f"{d}/y_col.npy", y.reshape(-1, 1))
np.save(f"{d}/x.npy", x)
np.save(f"{d}/A_int.npy", np.round(A * 4).astype(np.int64))
np.savetxt(f"{d}/A_int.csv", np.round(A * 4), delimiter=",", fmt="%d")
np.save(f"{d}/A_f32.npy", A.astype(np.float32))
np.savetxt(f"{d}/A_f32.csv", A.astype(np.float32).astype(np.float64), delimiter=",", fmt="%.17g")
np.save(f"{d}/A_complex.npy", A.astype(np.complex128))
np.save(f"{d}/A_3d.npy", A.reshape(2, 4, 24))
np.save(f"{d}/A_obj.npy", np.array([[1, "a"]], dtype=object), allow_pickle=True)
with open(f"{d}/A_c.npy", "rb") as f:
    b = f.read()
open(f"{d}/A_short.npy", "wb").write(b[:-8])
open(f"{d}/A_c.dat", "wb").write(b)
PY

x_of() { "$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["x"])' "$1"; }
flow="--flow wn --ratio 0.3 --depth 3 --alpha 0.5 --json"
run_ok run --a "$tmp/A.csv" --y "$tmp/y.csv" --xstar "$tmp/x.csv" $flow && x_of "$tmp/out" >"$tmp/x_csv"
for a in A_c.npy A_f.npy A_be.npy A_c.dat; do
  for y in y.npy y_col.npy y.csv; do
    if run_ok run --a "$tmp/$a" --y "$tmp/$y" --xstar "$tmp/x.npy" $flow; then
      x_of "$tmp/out" >"$tmp/x_npy"
      cmp -s "$tmp/x_csv" "$tmp/x_npy" || { echo "FAIL: --a $a --y $y differs from the CSV run"; fails=$((fails + 1)); }
    fi
  done
done
# Integer and float32 arrays convert exactly: the same numbers as their CSV text.
for kind in int f32; do
  run_ok run --a "$tmp/A_$kind.csv" --y "$tmp/y.csv" --flow gf --json && x_of "$tmp/out" >"$tmp/x_csv_$kind"
  run_ok run --a "$tmp/A_$kind.npy" --y "$tmp/y.npy" --flow gf --json && x_of "$tmp/out" >"$tmp/x_npy_$kind"
  cmp -s "$tmp/x_csv_$kind" "$tmp/x_npy_$kind" || { echo "FAIL: A_$kind.npy differs from its CSV"; fails=$((fails + 1)); }
done
# A FIFO is opened once: the format is told by its first byte, without a second open.
mkfifo "$tmp/fifo.npy"
(cat "$tmp/A_c.npy" >"$tmp/fifo.npy") &
if run_ok run --a "$tmp/fifo.npy" --y "$tmp/y.npy" --xstar "$tmp/x.npy" $flow; then
  x_of "$tmp/out" >"$tmp/x_fifo"
  cmp -s "$tmp/x_csv" "$tmp/x_fifo" || { echo "FAIL: .npy through a FIFO differs"; fails=$((fails + 1)); }
fi
wait

expect_error 2 "dtype '<c16'" -- run --a "$tmp/A_complex.npy" --y "$tmp/y.npy"
expect_error 2 "3-d array, shape (2, 4, 24)" -- run --a "$tmp/A_3d.npy" --y "$tmp/y.npy"
expect_error 2 "dtype '|O'" -- run --a "$tmp/A_obj.npy" --y "$tmp/y.npy"
expect_error 2 "ends after 1528 of the 1536 data bytes" -- run --a "$tmp/A_short.npy" --y "$tmp/y.npy"
expect_error 2 "y file '.*A_c.npy' holds a 8x24 array; expected a vector" -- run --a "$tmp/A_c.npy" --y "$tmp/A_c.npy"
expect_error 2 "y has 24 entries" -- run --a "$tmp/A_c.npy" --y "$tmp/x.npy"

finish cli_npy
