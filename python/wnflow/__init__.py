"""wnflow: gradient flows of weight-normalized diagonal linear networks, from NumPy.

A thin layer over the C++ library of the `wnflow` command (docs/python.md):

    import wnflow
    A, y, x_star = wnflow.random_instance(n=60, m=20, sparsity=3, seed=1)
    r = wnflow.run(A, y, flow="wn", alpha=3, ratio=0.05, x_star=x_star)
    r.x, r.alpha_eff, r.converged

random_instance, run, predict, l1 and verify take the command's options as keyword arguments
(--eta-r is eta_r) with the same defaults. Bad input raises ValueError naming the argument; a
numerical failure raises NumericalError (a RuntimeError with .stop_reason).
"""
from ._wnflow import (L1Result, NumericalError, Prediction, RunResult, __version__, l1, predict,
                      random_instance, run, verify)

__all__ = ["random_instance", "run", "predict", "l1", "verify", "RunResult", "Prediction", "L1Result",
           "NumericalError", "__version__"]
