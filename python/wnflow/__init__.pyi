# Type stub of the wnflow package (the compiled module wnflow._wnflow). Defaults are those of
# the library's option types, which `wnflow run --help` shows too.
from typing import Any, Dict, List, Literal, Optional, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

ArrayLike = npt.ArrayLike
Vector = npt.NDArray[np.float64]
Flow = Literal["gf", "wn", "wn-classic"]
Sign = Literal["positive", "signed"]
Schedule = Literal["constant-rates", "constant-ratio"]
Normalize = Literal["joint", "separate"]
Stepper = Literal["auto", "runge_kutta_dopri5", "runge_kutta_cash_karp54", "runge_kutta_fehlberg78",
                  "bulirsch_stoer", "rosenbrock4", "rosenbrock_lowrank", "bdf", "adams"]

class NumericalError(RuntimeError):
    stop_reason: Optional[str]

class RunResult:
    x: Vector
    w: Vector
    loss: float
    t: float
    converged: bool
    stop_reason: str
    steps: int
    rhs_evals: int
    jacobian_evals: int
    factorizations: int
    stepper: str
    l1_norm: float
    radius: float
    alpha_eff: float
    alpha_eff_integral: Optional[float]
    radius_v: Optional[float]
    alpha_eff_v: Optional[float]
    alpha_eff_v_integral: Optional[float]
    magnification: float
    invariant_residual: float
    invariants: Dict[str, Optional[float]]
    error: Optional[float]
    relative_error: Optional[float]
    loss_floor: float
    wall_seconds: float
    flow: Dict[str, Any]
    tolerances: Dict[str, float]
    trajectory: Optional[Dict[str, Vector]]

class Prediction:
    x: Vector
    weights: Vector
    alpha_eff: float
    roots: List[float]
    magnification: float
    radius: float
    residual: float
    dual_residual: float
    l1_norm: float
    flow: Dict[str, Any]

class L1Result:
    x: Vector
    value: float
    residual: float
    status: str
    dual: Vector
    sign: str

def random_instance(n: int = 60, m: int = 20, sparsity: int = 3, seed: int = 1,
                    sign: Sign = "positive") -> Tuple[Vector, Vector, Vector]: ...

def run(A: ArrayLike, y: ArrayLike, *, flow: Flow = "gf", sign: Sign = "positive", depth: int = 2,
        alpha: float = 0.1, eta: float = 1.0, ratio: Optional[float] = None, eta_r: Optional[float] = None,
        eta_s: Optional[float] = None, v0_norm: Optional[float] = None, schedule: Schedule = "constant-rates",
        normalize: Normalize = "joint", stepper: Stepper = "auto", rtol: float = 1e-10, atol: float = 1e-12,
        t_max: float = 1e8, loss_tol: float = 1e-20, max_steps: int = 20000000, first_sample: float = 0.01,
        samples_per_decade: int = 10, trajectory: bool = False, allow_unconverged: bool = False,
        x_star: Optional[ArrayLike] = None) -> RunResult: ...

def predict(A: ArrayLike, y: ArrayLike, *, flow: Flow = "gf", sign: Sign = "positive", depth: int = 2,
            alpha: float = 0.1, eta: float = 1.0, ratio: Optional[float] = None, eta_r: Optional[float] = None,
            eta_s: Optional[float] = None, v0_norm: Optional[float] = None, schedule: Schedule = "constant-rates",
            normalize: Normalize = "joint", scan_points: int = 240, bracket_below: float = 12.0,
            bracket_above: float = 2.0) -> Prediction: ...

def l1(A: ArrayLike, y: ArrayLike, *, sign: Sign = "positive") -> L1Result: ...

def verify(*, quick: bool = True, seed: int = 1, threads: int = 2) -> List[Dict[str, Any]]: ...
