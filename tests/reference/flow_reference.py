#!/usr/bin/env python3
"""Independent reference integration of the flows, for cross-checking wnflow run.

Written from docs/theory.md §1 in the flows' native coordinates (w for GF, (r, s) for polar WN),
not in wnflow's log coordinates, and integrated with SciPy's implicit Radau method at
tight tolerances. Prints one JSON object: x, alpha_eff, loss, t.
"""
import argparse
import json
import sys

import numpy as np
from scipy.integrate import solve_ivp


def read_csv(path):
    return np.atleast_1d(np.loadtxt(path, delimiter=",", ndmin=1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--y", required=True)
    ap.add_argument("--sign", default="positive")
    ap.add_argument("--flow", default="gf")
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--alpha", type=float, default=0.1)
    ap.add_argument("--ratio", type=float, default=1.0)
    ap.add_argument("--t-max", type=float, default=1e8)
    ap.add_argument("--rtol", type=float, default=1e-12)
    ap.add_argument("--atol", type=float, default=1e-16)
    a = ap.parse_args()

    A = np.loadtxt(a.a, delimiter=",", ndmin=2)
    y = read_csv(a.y)
    M, N = A.shape
    L = a.depth
    signed = a.sign == "signed"
    n = 2 * N if signed else N

    def x_of(w):
        p = w ** L
        return p[:N] - p[N:] if signed else p

    def lifted(w):
        g = A.T @ (A @ x_of(w) - y)
        return np.concatenate([g, -g]) if signed else g

    w0 = np.full(n, a.alpha)
    r0 = np.linalg.norm(w0)

    if a.flow == "gf":
        def f(t, w):
            return -L * w ** (L - 1) * lifted(w)
        state0 = w0
    else:
        eta_r = 1.0
        eta_s = a.ratio * eta_r / r0 ** 2

        def f(t, st):
            r, s = st[0], st[1:]
            G = lifted(r * s)
            c = np.dot(s ** L, G)
            rdot = -eta_r * L * r ** (L - 1) * c
            sdot = -eta_s * L * r ** L * (s ** (L - 1) * G - c * s)
            return np.concatenate([[rdot], sdot])
        state0 = np.concatenate([[r0], w0 / r0])

    def done(t, st):
        w = st if a.flow == "gf" else st[0] * st[1:]
        return 0.5 * np.sum((A @ x_of(w) - y) ** 2) - 1e-27
    done.terminal = True

    sol = solve_ivp(f, (0.0, a.t_max), state0, method="Radau", rtol=a.rtol, atol=a.atol, events=done)
    if sol.status < 0:
        print(sol.message, file=sys.stderr)
        sys.exit(3)
    st = sol.y[:, -1]
    if a.flow == "gf":
        w, alpha_eff = st, a.alpha
    else:
        r, s = st[0], st[1:]
        w = r * s
        alpha_eff = a.alpha * (r / r0) * np.exp(-(eta_s / (2 * eta_r)) * (r ** 2 - r0 ** 2))
    x = x_of(w)
    print(json.dumps({"x": x.tolist(), "alpha_eff": alpha_eff, "t": sol.t[-1],
                      "loss": 0.5 * float(np.sum((A @ x - y) ** 2))}))


if __name__ == "__main__":
    main()
