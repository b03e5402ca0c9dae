#!/usr/bin/env python3
"""wnflow.run against scipy.integrate.solve_ivp(method="LSODA") inside one Python process.

The user's real alternative, measured side by side: for each flow of the bench grid
(docs/performance.md: P+ and P±; N = 150 with M = 45, N = 400 with M = 100; s = max(3, N/50),
seed 1; L = 2, 3; alpha = 0.01, 1, 10; GF and WN with q = 0.05), the same instance
(wnflow.random_instance, the bench's) is integrated by wnflow.run and by solve_ivp's LSODA with
the analytic Jacobian (bench/log_flows.py, the same ODE in the same coordinates), both at
rtol 1e-9, atol 1e-14, horizon 1e7, stopping at loss <= max(1e-20, rounding floor). Times are
CPU seconds of the call alone (time.process_time), the least of --repeats runs, the two
solvers interleaved. A row whose wnflow run does not converge within the horizon (L = 3,
alpha = 0.01, a property of the flow) is reported and left out of the ratios, as in
docs/performance.md. Agreement: |x_wnflow - x_lsoda| / |x_lsoda|.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_vs_scipy.py --n 150,400 --repeats 3 --csv out.csv
"""
import argparse
import csv
import os
import statistics
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from log_flows import LogFlow  # noqa: E402

import wnflow  # noqa: E402

RTOL, ATOL, T_MAX, LOSS_TOL, RATIO = 1e-9, 1e-14, 1e7, 1e-20, 0.05


def standard_m(n):
    return 45 if n == 150 else max(1, n // 4)


def run_wnflow(A, y, sign, flow, depth, alpha):
    kw = dict(ratio=RATIO) if flow == "wn" else {}
    start = time.process_time()
    r = wnflow.run(A, y, sign=sign, flow=flow, depth=depth, alpha=alpha, rtol=RTOL, atol=ATOL, t_max=T_MAX,
                   loss_tol=LOSS_TOL, allow_unconverged=True, **kw)
    return time.process_time() - start, r


def run_lsoda(A, y, sign, flow, depth, alpha):
    f = LogFlow(A, y, sign, flow, depth, alpha, RATIO)

    def stop(t, s):
        return np.log(f.loss(s)) - np.log(max(LOSS_TOL, f.loss_floor(s)))
    stop.terminal = True
    stop.direction = -1
    start = time.process_time()
    sol = solve_ivp(f.rhs, (0.0, T_MAX), f.initial_state(), method="LSODA", rtol=RTOL, atol=ATOL, jac=f.jac,
                    events=stop)
    cpu = time.process_time() - start
    s = sol.y[:, -1]
    converged = sol.status == 1 or f.loss(s) <= max(LOSS_TOL, f.loss_floor(s))
    return cpu, f.x_of(s), converged, int(sol.nfev)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", default="150,400", help="comma-separated N of the grid (150,400)")
    ap.add_argument("--repeats", type=int, default=1, help="keep the least CPU time of this many runs (1)")
    ap.add_argument("--csv", help="write the rows to this CSV file")
    a = ap.parse_args()
    ns = [int(v) for v in a.n.split(",")]

    rows = []
    print(f"{'case':44s} {'wnflow ms':>10s} {'LSODA ms':>10s} {'ratio':>8s} {'agreement':>10s}")
    for n in ns:
        m, s = standard_m(n), max(3, n // 50)
        for sign in ("positive", "signed"):
            A, y, _ = wnflow.random_instance(n=n, m=m, sparsity=s, seed=1, sign=sign)
            for depth in (2, 3):
                for alpha in (0.01, 1.0, 10.0):
                    for flow in ("gf", "wn"):
                        case = f"{'P+' if sign == 'positive' else 'P±'} N={n} L={depth} a={alpha:g} {flow}"
                        t_wn, t_ls, x_ls, ok_ls, r = [], [], None, False, None
                        for _ in range(a.repeats):
                            cpu, r = run_wnflow(A, y, sign, flow, depth, alpha)
                            t_wn.append(cpu)
                            if not r.converged:
                                break
                            cpu, x_ls, ok_ls, _ = run_lsoda(A, y, sign, flow, depth, alpha)
                            t_ls.append(cpu)
                        row = dict(sign=sign, N=n, M=m, s=s, L=depth, alpha=alpha, flow=flow,
                                   wnflow_cpu=min(t_wn), wnflow_converged=r.converged, wnflow_stepper=r.stepper,
                                   lsoda_cpu=min(t_ls) if t_ls else float("nan"), lsoda_converged=ok_ls,
                                   ratio=float("nan"), agreement=float("nan"))
                        if r.converged and ok_ls:
                            row["ratio"] = row["lsoda_cpu"] / row["wnflow_cpu"]
                            row["agreement"] = float(np.linalg.norm(r.x - x_ls) / np.linalg.norm(x_ls))
                        rows.append(row)
                        if not r.converged:
                            print(f"{case:44s} {1e3 * row['wnflow_cpu']:10.2f} {'-':>10s}  wnflow: no convergence "
                                  f"by t = 1e7 (left out)", flush=True)
                        elif not ok_ls:
                            print(f"{case:44s} {1e3 * row['wnflow_cpu']:10.2f} {1e3 * row['lsoda_cpu']:10.2f}  "
                                  f"LSODA: no convergence (left out)", flush=True)
                        else:
                            print(f"{case:44s} {1e3 * row['wnflow_cpu']:10.2f} {1e3 * row['lsoda_cpu']:10.2f} "
                                  f"{row['ratio']:7.1f}x {row['agreement']:10.1e}", flush=True)
    print()
    for n in ns:
        ratios = [r["ratio"] for r in rows if r["N"] == n and not np.isnan(r["ratio"])]
        agree = [r["agreement"] for r in rows if r["N"] == n and not np.isnan(r["agreement"])]
        if ratios:
            print(f"N = {n}: {len(ratios)} rows, ratio {min(ratios):.1f}-{max(ratios):.1f}x "
                  f"(median {statistics.median(ratios):.1f}x), rows >= 25x: {sum(v >= 25 for v in ratios)}, "
                  f">= 50x: {sum(v >= 50 for v in ratios)}; agreement <= {max(agree):.1e} "
                  f"(median {statistics.median(agree):.1e})")
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
