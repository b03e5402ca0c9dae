"""The Python module against the wnflow command, and its behaviour as a Python API.

Run by ctest (python/test_wnflow) with PYTHONPATH=build/python, WNFLOW_BIN (the command) and
WNFLOW_TEST_DATA (tests/data). The expected values come from the command's own output, a
separate process: `wnflow run --json` on the same fixtures and options.
"""
import concurrent.futures
import csv
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import wnflow

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("WNFLOW_TEST_DATA", HERE.parent / "data"))
WNFLOW = os.environ.get("WNFLOW_BIN", str(HERE.parents[1] / "build" / "wnflow"))


def cli(*args):
    out = subprocess.run([WNFLOW, *args], check=True, capture_output=True, text=True)
    return out.stdout


def cli_json(*args):
    return json.loads(cli(*args, "--json"))


def fixture():
    A = np.loadtxt(DATA / "A3x6.csv", delimiter=",")
    y = np.loadtxt(DATA / "y3.csv", delimiter=",")
    x_star = np.loadtxt(DATA / "xstar6.csv", delimiter=",")
    return A, y, x_star


FILES = ["--a", str(DATA / "A3x6.csv"), "--y", str(DATA / "y3.csv"), "--xstar", str(DATA / "xstar6.csv")]

# (problem, command-line options, the same as keyword arguments). "files": the fixture of
# tests/data (A 3 x 6, x* = 2 e_4); "random": the command's default random instance.
CASES = [
    ("random", [], {}),
    ("random", ["--flow", "wn", "--alpha", "3", "--ratio", "0.05"], dict(flow="wn", alpha=3, ratio=0.05)),
    ("random", ["--flow", "wn", "--schedule", "constant-ratio", "--ratio", "0.1", "--alpha", "2", "--stepper", "bdf",
                "--rtol", "1e-9", "--atol", "1e-13"],
     dict(flow="wn", schedule="constant-ratio", ratio=0.1, alpha=2, stepper="bdf", rtol=1e-9, atol=1e-13)),
    ("random", ["--eta-r", "1", "--eta-s", "0.01", "--flow", "wn", "--stepper", "runge_kutta_dopri5",
                "--loss-tol", "1e-18"],
     dict(eta_r=1, eta_s=0.01, flow="wn", stepper="runge_kutta_dopri5", loss_tol=1e-18)),
    ("files", ["--alpha", "1", "--loss-tol", "1e-12"], dict(alpha=1, loss_tol=1e-12)),
    ("files", ["--flow", "wn", "--alpha", "2", "--loss-tol", "1e-14", "--samples-per-decade", "3"],
     dict(flow="wn", alpha=2, loss_tol=1e-14, samples_per_decade=3)),
    ("files", ["--flow", "wn-classic", "--sign", "signed", "--depth", "3", "--alpha", "0.5", "--v0-norm", "10"],
     dict(flow="wn-classic", sign="signed", depth=3, alpha=0.5, v0_norm=10)),
    ("files", ["--flow", "wn", "--sign", "signed", "--normalize", "separate", "--alpha", "1", "--ratio", "0.2"],
     dict(flow="wn", sign="signed", normalize="separate", alpha=1, ratio=0.2)),
]


def same_fields(result, expected):
    """Every field of `wnflow run --json` equals the attribute bit for bit (wall time aside)."""
    for key, value in expected.items():
        if key in ("wall_seconds", "problem"):
            continue
        got = getattr(result, key)
        if key == "x":
            assert isinstance(got, np.ndarray) and got.dtype == np.float64
            assert np.array_equal(got, np.array(value, dtype=float)), key
        else:
            assert got == value, key


@pytest.mark.parametrize("source,options,kwargs", CASES)
def test_run_is_the_command_bit_for_bit(source, options, kwargs):
    if source == "files":
        A, y, x_star = fixture()
        expected = cli_json("run", *FILES, *options)
    else:
        A, y, x_star = wnflow.random_instance()
        expected = cli_json("run", *options)
    same_fields(wnflow.run(A, y, x_star=x_star, **kwargs), expected)


@pytest.mark.parametrize("sign", ["positive", "signed"])
def test_random_instance_is_the_commands(sign):
    spec = dict(n=40, m=12, sparsity=2, seed=3)
    A, y, x_star = wnflow.random_instance(**spec, sign=sign)
    assert A.shape == (12, 40) and y.shape == (12,) and x_star.shape == (40,)
    assert np.count_nonzero(x_star) == 2
    assert np.allclose(A @ x_star, y, rtol=0, atol=1e-12)
    expected = cli_json("run", "--n", "40", "--m", "12", "--sparsity", "2", "--seed", "3", "--sign", sign,
                        "--flow", "wn", "--alpha", "2", "--ratio", "0.1")
    same_fields(wnflow.run(A, y, x_star=x_star, sign=sign, flow="wn", alpha=2, ratio=0.1), expected)


def test_defaults_are_the_commands():
    A, y, x_star = wnflow.random_instance()
    r = wnflow.run(A, y, x_star=x_star)
    expected = cli_json("run")
    same_fields(r, expected)
    assert r.tolerances == {"rtol": 1e-10, "atol": 1e-12, "t_max": 1e8, "loss_tol": 1e-20}


def test_npy_file_and_array_agree(tmp_path):
    A, y, x_star = wnflow.random_instance(n=30, m=10, sparsity=2, seed=5)
    np.save(tmp_path / "A.npy", np.ascontiguousarray(A))  # C order on disk
    np.save(tmp_path / "y.npy", y)
    expected = cli_json("run", "--a", str(tmp_path / "A.npy"), "--y", str(tmp_path / "y.npy"), "--flow", "wn")
    same_fields(wnflow.run(A, y, flow="wn"), expected)


def test_layouts_and_dtypes_give_the_same_result():
    A, y, _ = wnflow.random_instance(n=30, m=10, sparsity=2, seed=2)
    reference = wnflow.run(np.asfortranarray(A), y, flow="wn").x
    wide = np.zeros((10, 60))
    wide[:, ::2] = A  # a strided view
    for a in (np.ascontiguousarray(A), wide[:, ::2], A.tolist()):
        assert np.array_equal(wnflow.run(a, y, flow="wn").x, reference)
    for column in (y.reshape(-1, 1), y.reshape(1, -1), list(y)):
        assert np.array_equal(wnflow.run(A, column, flow="wn").x, reference)
    # Other dtypes are converted: integers exactly, float32 by rounding A first.
    Ai = np.array([[1, 0, 2, 1], [0, 1, 1, 3]], dtype=np.int32)
    yi = np.array([3, 4], dtype=np.int64)
    assert np.array_equal(wnflow.run(Ai, yi).x, wnflow.run(Ai.astype(float), yi.astype(float)).x)
    assert np.array_equal(wnflow.run(A.astype(">f8"), y, flow="wn").x, reference)  # byte-swapped
    A32 = A.astype(np.float32)
    assert np.array_equal(wnflow.run(A32, y, flow="wn").x, wnflow.run(A32.astype(np.float64), y, flow="wn").x)


def test_inputs_are_not_modified():
    A, y, _ = wnflow.random_instance(n=20, m=8, sparsity=2, seed=4)
    A0, y0 = A.copy(), y.copy()
    wnflow.run(A, y, flow="wn", alpha=2)
    assert np.array_equal(A, A0) and np.array_equal(y, y0)


def test_trajectory_arrays_are_the_commands_csv(tmp_path):
    A, y, x_star = fixture()
    path = tmp_path / "traj.csv"
    cli("run", *FILES, "--flow", "wn", "--alpha", "2", "--loss-tol", "1e-14", "--trajectory", str(path))
    with open(path) as f:
        rows = list(csv.DictReader(f))
    r = wnflow.run(A, y, x_star=x_star, flow="wn", alpha=2, loss_tol=1e-14, trajectory=True)
    tr = r.trajectory
    assert set(tr) >= {"t", "loss", "l1_norm", "error", "radius", "alpha_eff", "alpha_eff_integral", "path_length"}
    assert all(len(v) == len(rows) for v in tr.values())
    for column, name in [("t", "t"), ("loss", "loss"), ("radius", "radius"), ("I4_mirror", "mirror"),
                         ("alpha_eff_integral", "alpha_eff_integral"), ("path_length", "path_length")]:
        assert np.array_equal(tr[name], np.array([float(row[column]) for row in rows])), name
    assert tr["t"][0] == 0 and np.all(np.diff(tr["t"]) > 0) and tr["t"][-1] == r.t
    assert np.all(np.isnan(tr["v_norm"]))  # classic WN only
    assert wnflow.run(A, y, allow_unconverged=True).trajectory is None


def test_separate_normalization_fields():
    A, y, _ = wnflow.random_instance(n=20, m=8, sparsity=2, seed=4, sign="signed")
    r = wnflow.run(A, y, sign="signed", flow="wn", normalize="separate", alpha=1)
    assert r.flow["normalize"] == "separate"
    assert r.radius_v is not None and r.alpha_eff_v is not None and r.alpha_eff_v_integral is not None
    g = wnflow.run(A, y, sign="signed")
    assert g.radius_v is None and g.alpha_eff_integral is None and g.error is None


def test_two_threads_give_the_results_of_one():
    problems = [wnflow.random_instance(n=60, m=20, sparsity=3, seed=s) for s in (1, 2)]
    kwargs = [dict(flow="wn", alpha=3, ratio=0.05), dict(flow="gf", alpha=0.1, depth=3)]
    alone = [wnflow.run(A, y, **k).x for (A, y, _), k in zip(problems, kwargs)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for _ in range(3):
            futures = [pool.submit(wnflow.run, A, y, **k) for (A, y, _), k in zip(problems, kwargs)]
            for f, x in zip(futures, alone):
                assert np.array_equal(f.result().x, x)


def test_the_gil_is_released_while_integrating():
    # While one thread integrates, another runs Python code: a run holding the GIL would let
    # the counter advance only before and after it, never between the run's start and end.
    A, y, _ = wnflow.random_instance(n=150, m=40, sparsity=5, seed=1)
    marks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            marks.append(time.monotonic())

    counter = threading.Thread(target=count)
    counter.start()
    time.sleep(0.01)
    start = time.monotonic()
    r = wnflow.run(A, y, flow="gf", alpha=0.01, loss_tol=0, t_max=1e3, stepper="adams", allow_unconverged=True)
    end = time.monotonic()
    done.set()
    counter.join()
    assert r.steps > 100
    inside = [m for m in marks if start < m < end]
    assert len(inside) > 10


def test_ctrl_c_interrupts_a_long_run():
    A, y, _ = wnflow.random_instance(n=150, m=40, sparsity=5, seed=1)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            # An explicit stepper on a stiff flow to t = 1e8: far longer than the test waits.
            wnflow.run(A, y, alpha=0.01, stepper="runge_kutta_dopri5", loss_tol=0, max_steps=100_000_000)
    finally:
        timer.cancel()
    assert wnflow.run(A, y).converged  # the module works after the interrupt


# ---- errors ---------------------------------------------------------------------------------

def bad_run(match, *args, **kwargs):
    A, y, _ = fixture()
    if not args:
        args = (A, y)
    with pytest.raises(ValueError, match=match):
        wnflow.run(*args, **kwargs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(flow="sgd"), "flow: unknown flow 'sgd'"),
    (dict(sign="negative"), "sign: unknown sign"),
    (dict(flow="wn", schedule="linear"), "schedule: unknown"),
    (dict(flow="wn", normalize="both"), "normalize: unknown"),
    (dict(stepper="euler"), "stepper: unknown stepper"),
    (dict(alpha=0), "alpha must be a positive"),
    (dict(alpha=float("nan")), "alpha must be a positive"),
    (dict(alpha=1e200), "alpha = 1e\\+200 is too large"),
    (dict(depth=1), "depth L must be an integer >= 2"),
    (dict(eta=-1), "eta must be a positive"),
    (dict(ratio=0.1), "ratio, eta_r, eta_s and v0_norm apply to weight normalization"),
    (dict(flow="wn", ratio=0.1, eta_s=0.1), "either ratio or eta_s"),
    (dict(flow="wn", eta_r=float("inf")), "eta_r must be a positive"),
    (dict(flow="wn", v0_norm=2), "v0_norm applies to"),
    (dict(flow="wn-classic", eta_r=2), "classic WN runs at rate 1"),
    (dict(normalize="separate"), "normalize applies to weight normalization"),
    (dict(flow="wn", normalize="separate"), "separate"),  # P+: the sign is checked where the flow is built
    (dict(rtol=1), "rtol must be below 1"),
    (dict(rtol=0), "rtol must be a positive"),
    (dict(atol=float("nan")), "atol must be a positive"),
    (dict(t_max=-1), "t_max must be a positive"),
    (dict(loss_tol=-1), "loss_tol must be a finite number >= 0"),
    (dict(max_steps=0), "max_steps must be positive"),
    (dict(samples_per_decade=0), "samples per decade must be positive"),
    (dict(samples_per_decade=10**8), "samples_per_decade 100000000 over .* more than 1e6 observations"),
    (dict(first_sample=0), "first sample time must be a positive"),
])
def test_bad_options_raise_value_error_naming_them(kwargs, match):
    bad_run(match, **kwargs)


def test_bad_arrays_raise_value_error_naming_them():
    A, y, x_star = fixture()
    bad_run("A must be a 2-D array .* got shape \\(6,\\)", A[0], y)
    bad_run("A is empty", np.zeros((0, 3)), y)
    bad_run("y must be a vector", A, np.ones((3, 2)))
    bad_run("y has 4 entries but A has 3 rows", A, np.ones(4))
    bad_run("matrix A has a NaN", np.where(A == A[0, 0], np.nan, A), y)
    bad_run("matrix A has a NaN or infinite", np.where(A == A[0, 0], np.inf, A), y)
    bad_run("y has a NaN", A, np.array([1.0, np.nan, 2.0]))
    bad_run("x_star has 5 entries but A has 6 columns", A, y, x_star=x_star[:5])
    bad_run("x_star has a NaN", A, y, x_star=np.full(6, np.nan))
    bad_run("A must hold real numbers .* complex128", A.astype(complex), y)
    bad_run("A must hold real numbers .* bool", A > 0, y)
    bad_run("A must", [["a", "b"], ["c", "d"]], [1, 2])
    bad_run("row 2 of A is zero", np.vstack([A[0], np.zeros(6), A[2]]), y)
    bad_run("full row rank", np.vstack([A[0], A[1], A[0] + A[1]]), y)
    bad_run("rows but only", A.T, np.ones(6))


def test_numerical_failure_carries_the_stop_reason():
    A, y, _ = fixture()
    assert issubclass(wnflow.NumericalError, RuntimeError)
    with pytest.raises(wnflow.NumericalError, match="integration failed: max_steps") as e:
        wnflow.run(A, y, max_steps=3)
    assert e.value.stop_reason == "max_steps"
    with pytest.raises(wnflow.NumericalError, match="no convergence: .*allow_unconverged") as e:
        wnflow.run(A, y, t_max=1e-3)
    assert e.value.stop_reason == "t_max"
    r = wnflow.run(A, y, t_max=1e-3, allow_unconverged=True)
    assert not r.converged and r.stop_reason == "t_max" and r.t == 1e-3


def test_predict_is_the_commands_and_fails_as_it_does():
    A, y, _ = fixture()
    expected = cli_json("predict", "--a", str(DATA / "A3x6.csv"), "--y", str(DATA / "y3.csv"), "--flow", "wn",
                        "--alpha", "3", "--ratio", "0.05")
    p = wnflow.predict(A, y, flow="wn", alpha=3, ratio=0.05)
    assert np.array_equal(p.x, np.array(expected["x"]))
    for key in ("alpha_eff", "roots", "magnification", "radius", "residual", "dual_residual", "l1_norm", "flow"):
        assert getattr(p, key) == expected[key], key
    with pytest.raises(wnflow.NumericalError, match="no root of the alpha_eff equation") as e:
        wnflow.predict(A, y, flow="wn", ratio=0.05, alpha=3, bracket_below=0, bracket_above=1e-9)
    assert e.value.stop_reason is None
    with pytest.raises(ValueError, match="bracket_below"):
        wnflow.predict(A, y, flow="wn", bracket_below=-1)
    with pytest.raises(ValueError, match="scan_points"):
        wnflow.predict(A, y, flow="wn", scan_points=1)
    with pytest.raises(ValueError, match="ratio"):
        wnflow.predict(A, y, ratio=0.5)


def test_l1_is_the_commands_and_fails_as_it_does():
    A, y, x_star = fixture()
    for sign in ("positive", "signed"):
        expected = cli_json("l1", "--a", str(DATA / "A3x6.csv"), "--y", str(DATA / "y3.csv"), "--sign", sign)
        r = wnflow.l1(A, y, sign=sign)
        assert np.array_equal(r.x, np.array(expected["x"])) and np.array_equal(r.dual, np.array(expected["dual"]))
        assert (r.value, r.residual, r.status) == (expected["value"], expected["residual"], expected["status"])
    with pytest.raises(wnflow.NumericalError, match="infeasible"):
        wnflow.l1(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([-1.0, -1.0]))
    with pytest.raises(ValueError, match="sign: unknown sign"):
        wnflow.l1(A, y, sign="+")


def test_random_instance_errors():
    with pytest.raises(ValueError, match="sparsity"):
        wnflow.random_instance(n=5, m=3, sparsity=6)
    with pytest.raises(ValueError, match="sign"):
        wnflow.random_instance(sign="both")
    with pytest.raises(ValueError, match="2e8 entries"):
        wnflow.random_instance(n=100000, m=10000)
    a1, a2 = wnflow.random_instance(seed=9), wnflow.random_instance(seed=9)
    assert all(np.array_equal(u, v) for u, v in zip(a1, a2))


def test_verify_quick_rows():
    rows = wnflow.verify(quick=True, seed=1)
    assert len(rows) > 50
    assert set(rows[0]) == {"statement", "instance", "predicted", "measured", "tolerance", "verdict", "kind", "note"}
    verdicts = {r["verdict"] for r in rows}
    assert "FAIL" not in verdicts and "PASS" in verdicts
    with pytest.raises(ValueError, match="threads"):
        wnflow.verify(threads=0)


def test_docstrings_and_stub_name_every_parameter():
    import inspect
    stub = (Path(wnflow.__file__).parent / "__init__.pyi").read_text()
    params = ["flow", "sign", "depth", "alpha", "eta", "ratio", "eta_r", "eta_s", "v0_norm", "schedule",
              "normalize", "stepper", "rtol", "atol", "t_max", "loss_tol", "max_steps", "first_sample",
              "samples_per_decade", "trajectory", "allow_unconverged", "x_star"]
    for p in params:
        assert f"{p}:" in wnflow.run.__doc__ or f"{p}=" in wnflow.run.__doc__, p
        assert f" {p}: " in stub, p
    for name in ("random_instance", "run", "predict", "l1", "verify"):
        assert f"def {name}(" in stub
        assert inspect.getdoc(getattr(wnflow, name))
    assert "t_max: float = 100000000.0" in wnflow.run.__doc__  # the signature line pybind11 writes
