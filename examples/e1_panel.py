#!/usr/bin/env python3
"""One panel of experiment E1 (docs/experiments.md) for one instance, from Python.

P+, depth L = 2, the default random instance (N = 60, M = 20, s = 3, seed 1): the relative
error |x_inf - x*| / |x*| and the l1 excess (|x_inf|_1 - tau*) / tau* of the limit against
the initialization scale alpha (1e-3 to 1e2), for GF and for WN with q = 0.05, 0.2, 1
(constant rates) and q = 0.2 (constant ratio), at E1's tolerances (rtol 1e-8, t_max 1e7,
loss_tol 1e-16). A run that does not converge is left out of the plot, never drawn.

    PYTHONPATH=build/python /usr/bin/python3 examples/e1_panel.py e1_panel.png
"""
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import wnflow  # noqa: E402

A, y, x_star = wnflow.random_instance(n=60, m=20, sparsity=3, seed=1, sign="positive")
tau = wnflow.l1(A, y).value  # the l1 reference tau* (Clp)
alphas = np.logspace(-3, 2, 11)
algorithms = {
    "GF": dict(flow="gf"),
    "WN q=0.05": dict(flow="wn", ratio=0.05),
    "WN q=0.2": dict(flow="wn", ratio=0.2),
    "WN q=1": dict(flow="wn", ratio=1.0),
    "WN q=0.2 const-ratio": dict(flow="wn", ratio=0.2, schedule="constant-ratio"),
}

fig, (ax_err, ax_l1) = plt.subplots(1, 2, figsize=(11, 4.2))
for label, options in algorithms.items():
    err, excess = [], []
    for alpha in alphas:
        try:
            r = wnflow.run(A, y, x_star=x_star, depth=2, alpha=alpha, rtol=1e-8, t_max=1e7, loss_tol=1e-16, **options)
            err.append(r.relative_error)
            excess.append((r.l1_norm - tau) / tau)
        except wnflow.NumericalError as e:  # not converged: left out
            print(f"{label} alpha={alpha:g}: {e} (left out)", file=sys.stderr)
            err.append(np.nan)
            excess.append(np.nan)
    ax_err.loglog(alphas, err, "o-", label=label)
    ax_l1.loglog(alphas, np.maximum(excess, 1e-16), "o-", label=label)  # floored at 1e-16 for the log axis
ax_err.set(xlabel="initialization scale alpha", ylabel="|x_inf - x*| / |x*|", title="relative error (P+, L = 2)")
ax_l1.set(xlabel="initialization scale alpha", ylabel="(|x_inf|_1 - tau*) / tau*", title="l1 excess (P+, L = 2)")
ax_err.legend(fontsize=8)
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else "e1_panel.png"
fig.savefig(out, dpi=120)
print(f"wrote {out}")
