#!/usr/bin/env python3
"""The "instances you do not know" check: fresh random instances drawn here with
NumPy (not wnflow's generator), N = 150, M = 45, s = 3, P+ and P±, GF L = 3 and WN L = 2
(q = 0.05) at alpha = 10, horizon 1e7, rtol 1e-9, atol 1e-14 for both solvers.

Times `wnflow run` and `bench/scipy_peer.py --method LSODA` as whole processes (best of
--repeats), and measures both limits against an independent reference: SciPy Radau at
rtol 1e-12, atol 1e-16 in the flows' native coordinates (tests/reference/flow_reference.py).
Prints a Markdown table, and JSON with --json FILE.

usage: unknown_check.py --wnflow build/wnflow [--seed 2026] [--repeats 3] [--json out.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "tests", "reference", "flow_reference.py")


def timed(cmd, repeats):
    best, out = None, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:3])}... exit {p.returncode}: {p.stderr.strip()[:300]}")
        best = dt if best is None else min(best, dt)
        out = json.loads(p.stdout)
    return best, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wnflow", required=True)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json")
    a = ap.parse_args()
    py = sys.executable
    rng = np.random.default_rng(a.seed)
    N, M, s = 150, 45, 3
    settings = ["--t-max", "1e7", "--rtol", "1e-9", "--atol", "1e-14", "--loss-tol", "1e-20"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for sign in ["positive", "signed"]:
            A = rng.normal(size=(M, N)) / np.sqrt(M)
            x = np.zeros(N)
            supp = rng.choice(N, s, replace=False)
            x[supp] = rng.uniform(1, 2, s) * (rng.choice([-1, 1], s) if sign == "signed" else 1)
            y = A @ x
            fa, fy = os.path.join(tmp, f"A_{sign}.csv"), os.path.join(tmp, f"y_{sign}.csv")
            np.savetxt(fa, A, delimiter=",", fmt="%.17g")
            np.savetxt(fy, y, fmt="%.17g")
            for flow, L in [("gf", 3), ("wn", 2)]:
                fl = ["--sign", sign, "--flow", flow, "--depth", str(L), "--alpha", "10"]
                if flow == "wn":
                    fl += ["--ratio", "0.05"]
                t_w, o_w = timed([a.wnflow, "run", "--a", fa, "--y", fy, "--json"] + fl + settings, a.repeats)
                t_s, o_s = timed([py, os.path.join(HERE, "scipy_peer.py"), "--method", "LSODA", "--a", fa, "--y", fy]
                                 + fl + settings, a.repeats)
                _, ref = timed([py, REFERENCE, "--a", fa, "--y", fy, "--t-max", "1e7"] + fl, 1)
                xr = np.array(ref["x"])
                err = lambda o: float(np.linalg.norm(np.array(o["x"]) - xr) / np.linalg.norm(xr))
                rows.append({"sign": sign, "flow": flow, "L": L, "alpha": 10, "wnflow_process_s": t_w,
                             "wnflow_stepper": o_w.get("stepper"), "wnflow_steps": o_w.get("steps"),
                             "lsoda_process_s": t_s, "lsoda_solve_s": o_s["wall_seconds"],
                             "ratio": t_s / t_w, "wnflow_rel_err": err(o_w), "lsoda_rel_err": err(o_s),
                             "wnflow_converged": o_w["converged"], "lsoda_converged": o_s["converged"]})
    print("| instance | wnflow run (process) | SciPy LSODA (process) | ratio | LSODA solve_ivp call | ratio to the call "
          "| wnflow vs Radau | LSODA vs Radau |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        name = f"{'P+' if r['sign'] == 'positive' else 'P±'} {r['flow'].upper()} L={r['L']} α=10"
        print(f"| {name} | {r['wnflow_process_s']:.4f} s ({r['wnflow_stepper']}, {r['wnflow_steps']} steps) "
              f"| {r['lsoda_process_s']:.3f} s | {r['ratio']:.1f}× | {r['lsoda_solve_s']:.3f} s "
              f"| {r['lsoda_solve_s'] / r['wnflow_process_s']:.1f}× | {r['wnflow_rel_err']:.1e} | {r['lsoda_rel_err']:.1e} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"seed": a.seed, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
