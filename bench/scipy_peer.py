#!/usr/bin/env python3
"""SciPy peer of `wnflow bench`: the same ODE (bench/log_flows.py, wnflow's coordinates),
the same horizon, tolerances and stop (loss <= max(loss_tol, rounding floor), as wnflow),
integrated with solve_ivp (LSODA with the analytic Jacobian, or RK45, or any solve_ivp method).

Prints one JSON object: wall_seconds and cpu_seconds (the solve_ivp call alone), steps, rhs_evals,
jacobian_evals, x, t, loss, converged, stop_reason. The caller times the whole process.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from log_flows import LogFlow  # noqa: E402


def read_array(path, ndmin):
    """A .npy file (np.save) by its magic string, CSV otherwise: the formats wnflow reads."""
    with open(path, "rb") as f:
        npy = f.read(6) == b"\x93NUMPY"
    if npy:
        return np.load(path, allow_pickle=False)
    return np.loadtxt(path, delimiter=",", ndmin=ndmin)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--y", required=True)
    ap.add_argument("--sign", default="positive", choices=["positive", "signed"])
    ap.add_argument("--flow", default="gf", choices=["gf", "wn"])
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--alpha", type=float, default=0.1)
    ap.add_argument("--ratio", type=float, default=1.0)
    ap.add_argument("--method", default="LSODA")
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--atol", type=float, default=1e-14)
    ap.add_argument("--t-max", type=float, default=1e7)
    ap.add_argument("--loss-tol", type=float, default=1e-20)
    a = ap.parse_args()

    A, y = read_array(a.a, 2), np.ravel(read_array(a.y, 1))
    f = LogFlow(A, y, a.sign, a.flow, a.depth, a.alpha, a.ratio)
    counts = {"jac": 0}

    def jac(t, s):
        counts["jac"] += 1
        return f.jac(t, s)

    def stop(t, s):
        return np.log(f.loss(s)) - np.log(max(a.loss_tol, f.loss_floor(s)))
    stop.terminal = True
    stop.direction = -1

    kw = {}
    if a.method in ("LSODA", "BDF", "Radau"):
        kw["jac"] = jac
    start, cpu_start = time.perf_counter(), time.process_time()
    sol = solve_ivp(f.rhs, (0.0, a.t_max), f.initial_state(), method=a.method, rtol=a.rtol, atol=a.atol,
                    events=stop, **kw)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    s = sol.y[:, -1]
    loss = f.loss(s)
    converged = sol.status == 1 or loss <= max(a.loss_tol, f.loss_floor(s))
    reason = "loss_tol" if sol.status == 1 else ("t_max" if sol.status == 0 else "failed")
    print(json.dumps({"wall_seconds": wall, "cpu_seconds": cpu, "steps": int(len(sol.t) - 1), "rhs_evals": int(sol.nfev),
                      "jacobian_evals": int(max(sol.njev, counts["jac"])), "x": f.x_of(s).tolist(),
                      "t": float(sol.t[-1]), "loss": loss, "converged": bool(converged),
                      "stop_reason": reason, "method": a.method, "note": "" if sol.status >= 0 else sol.message}))
    return 0 if sol.status >= 0 else 3


if __name__ == "__main__":
    sys.exit(main())
