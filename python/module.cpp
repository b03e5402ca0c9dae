// The Python module wnflow (docs/python.md): a thin layer over the library, as apps/wnflow is.
// NumPy arrays come in through the buffer protocol and go into a Problem; keyword arguments go
// into the library's option types (RunOptions, FlowOptions, PredictOptions), whose defaults
// they show, and are checked by those types' validate(); results come back as NumPy arrays and
// the fields of `wnflow run --json` (run_json). InputError becomes ValueError, the library's
// NumericalError becomes wnflow.NumericalError (a RuntimeError) with the stop reason.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <wnflow/lab/run_json.hpp>
#include <wnflow/lab/verify.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/l1.hpp>
#include <wnflow/model/predict.hpp>
#include <wnflow/solve/run.hpp>

namespace py = pybind11;
using namespace py::literals;

// An array argument as the caller passed it (converted by read_matrix/read_vector, which name
// it in their errors); its own type so that signatures show numpy.typing.ArrayLike.
struct ArrayLike {
  py::object object;
};

namespace pybind11::detail {
template <>
struct type_caster<ArrayLike> {
  PYBIND11_TYPE_CASTER(ArrayLike, const_name("numpy.typing.ArrayLike"));
  bool load(handle source, bool) {
    value.object = reinterpret_borrow<object>(source);
    return true;
  }
  static handle cast(const ArrayLike& a, return_value_policy, handle) { return a.object.inc_ref(); }
};
}  // namespace pybind11::detail

namespace {

using namespace wnflow;

PyObject* numerical_error = nullptr;  // wnflow.NumericalError, made at import

// The library's messages name options as the command line spells them ("--eta-r"); Python
// spells them as keyword arguments ("eta_r").
std::string python_spelling(const std::string& message) {
  static const std::regex option("--([a-z][a-z0-9]*(-[a-z0-9]+)*)");
  std::string out;
  auto last = message.cbegin();
  for (std::sregex_iterator it(message.begin(), message.end(), option), end; it != end; ++it) {
    out.append(last, message.cbegin() + it->position());
    std::string name = (*it)[1];
    for (char& c : name)
      if (c == '-') c = '_';
    if (name == "xstar") name = "x_star";
    if (name == "a") name = "A";
    out += name;
    last = message.cbegin() + it->position() + it->length();
  }
  out.append(last, message.cend());
  return std::regex_replace(out, std::regex("x\\*"), "x_star");
}

void raise_numerical(const std::string& message, py::object stop_reason) {
  py::object error = py::reinterpret_borrow<py::object>(numerical_error)(message);
  error.attr("stop_reason") = std::move(stop_reason);
  PyErr_SetObject(numerical_error, error.ptr());
}

// ---- arrays in --------------------------------------------------------------------------

// obj as a float64 array: the array itself when it is one (no copy), other real dtypes
// converted. ValueError naming the argument for anything else.
py::array float64_array(py::handle obj, const std::string& name) {
  py::array a = py::array::ensure(obj);
  if (!a) {
    PyErr_Clear();
    throw py::value_error(name + " must be an array of numbers");
  }
  const char kind = a.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u')
    throw py::value_error(name + " must hold real numbers (float or integer), got dtype " +
                          std::string(py::str(a.dtype())));
  if (py::array_t<double>::check_(a)) return a;  // native float64: read as is
  return a.attr("astype")("float64");            // other widths, integers, byte-swapped float64
}

// Strides in elements, or nothing when they are not whole, positive elements (a byte-strided
// view, a broadcast or reversed axis): such arrays are made contiguous first.
bool element_strides(const py::array& a, Eigen::Index& s0, Eigen::Index& s1) {
  const auto e = py::ssize_t(sizeof(double));
  const py::ssize_t b0 = a.strides(0), b1 = a.ndim() > 1 ? a.strides(1) : e;
  if (b0 <= 0 || b1 <= 0 || b0 % e || b1 % e) return false;
  s0 = b0 / e;
  s1 = b1 / e;
  return true;
}

std::string shape_of(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

// A (M x N), read straight from the array's buffer (C order, Fortran order or strided) into
// the Problem's column-major storage.
Eigen::MatrixXd read_matrix(py::handle obj, const std::string& name) {
  py::array a = float64_array(obj, name);
  if (a.ndim() != 2) throw py::value_error(name + " must be a 2-D array (M x N), got shape " + shape_of(a));
  if (a.shape(0) == 0 || a.shape(1) == 0) throw py::value_error(name + " is empty, shape " + shape_of(a));
  Eigen::Index s0 = 0, s1 = 0;
  if (!element_strides(a, s0, s1)) {
    a = py::module_::import("numpy").attr("ascontiguousarray")(a);
    element_strides(a, s0, s1);
  }
  using Strided = Eigen::Map<const Eigen::MatrixXd, Eigen::Unaligned, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;
  return Strided(static_cast<const double*>(a.data()), a.shape(0), a.shape(1),
                 Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(s1, s0));
}

// A vector: shape (K,), (K, 1) or (1, K), as the command's .npy reader takes it.
Eigen::VectorXd read_vector(py::handle obj, const std::string& name) {
  py::array a = float64_array(obj, name);
  const bool column = a.ndim() == 2 && a.shape(1) == 1, row = a.ndim() == 2 && a.shape(0) == 1;
  if (a.ndim() != 1 && !column && !row)
    throw py::value_error(name + " must be a vector, shape (K,), (K, 1) or (1, K), got shape " + shape_of(a));
  if (a.size() == 0) throw py::value_error(name + " is empty");
  if (a.ndim() == 2) a = a.attr("reshape")(-1);
  Eigen::Index s0 = 0, s1 = 0;
  if (!element_strides(a, s0, s1)) {
    a = py::module_::import("numpy").attr("ascontiguousarray")(a);
    element_strides(a, s0, s1);
  }
  using Strided = Eigen::Map<const Eigen::VectorXd, Eigen::Unaligned, Eigen::InnerStride<Eigen::Dynamic>>;
  return Strided(static_cast<const double*>(a.data()), a.shape(0), Eigen::InnerStride<Eigen::Dynamic>(s0));
}

Problem read_problem(py::handle A, py::handle y, py::handle x_star) {
  Problem p;
  p.A = read_matrix(A, "A");
  p.y = read_vector(y, "y");
  if (!x_star.is_none()) p.x_star = read_vector(x_star, "x_star");
  validate(p);  // sizes, NaN and infinities, zero rows: InputError -> ValueError
  return p;
}

// ---- arrays and records out -------------------------------------------------------------

py::array_t<double> to_numpy(const Eigen::VectorXd& v) { return py::array_t<double>(v.size(), v.data()); }

py::object from_json(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

// Results are plain records, one class per kind, attributes set from a dict.
template <int Kind>
struct Record {};

template <int Kind>
py::object record_class(py::module_& m, const char* name, const char* doc) {
  return py::class_<Record<Kind>>(m, name, py::dynamic_attr(), doc)
      .def(py::init<>())
      .def("__repr__", [name](py::object self) {
        py::dict d = self.attr("__dict__");
        std::string s = std::string(name) + "(";
        bool first = true;
        for (auto item : d) {  // the scalars: arrays and dicts are attributes to look at
          if (py::isinstance<py::array>(item.second) || py::isinstance<py::dict>(item.second) ||
              py::isinstance<py::list>(item.second))
            continue;
          s += (first ? "" : ", ") + std::string(py::str(item.first)) + "=" + std::string(py::repr(item.second));
          first = false;
        }
        return s + ")";
      });
}

template <class Fields>
py::object record(py::handle cls, const Fields& fields) {
  py::object r = cls();
  for (auto item : fields) py::setattr(r, item.first, item.second);
  return r;
}

py::dict trajectory_arrays(const std::vector<Sample>& samples) {
  const std::pair<const char*, double Sample::*> fields[] = {
      {"t", &Sample::t},
      {"loss", &Sample::loss},
      {"l1_norm", &Sample::l1_norm},
      {"error", &Sample::error},
      {"radius", &Sample::radius},
      {"sphere", &Sample::sphere},
      {"v_norm", &Sample::v_norm},
      {"mirror", &Sample::mirror},
      {"alpha_eff", &Sample::alpha_eff},
      {"alpha_eff_integral", &Sample::alpha_eff_integral},
      {"radius_v", &Sample::radius_v},
      {"alpha_eff_v", &Sample::alpha_eff_v},
      {"alpha_eff_v_integral", &Sample::alpha_eff_v_integral},
      {"path_length", &Sample::path_length}};
  py::dict d;
  for (const auto& [name, field] : fields) {
    py::array_t<double> column(py::ssize_t(samples.size()));
    auto out = column.mutable_unchecked<1>();
    for (std::size_t i = 0; i < samples.size(); ++i) out(py::ssize_t(i)) = samples[i].*field;
    d[name] = column;
  }
  return d;
}

// ---- options ----------------------------------------------------------------------------

template <class Parse>
auto parse_named(const std::string& argument, const std::string& text, Parse parse) {
  try {
    return parse(text);
  } catch (const InputError& e) {
    throw py::value_error(argument + ": " + e.what());
  }
}

FlowOptions flow_options(const std::string& flow, const std::string& sign, int depth, double alpha, double eta,
                         std::optional<double> ratio, std::optional<double> eta_r, std::optional<double> eta_s,
                         std::optional<double> v0_norm, const std::string& schedule, const std::string& normalize) {
  FlowOptions fo;
  fo.kind = parse_named("flow", flow, parse_flow);
  fo.sign = parse_named("sign", sign, parse_sign);
  fo.depth = depth;
  fo.alpha = alpha;
  fo.eta = eta;
  fo.ratio = ratio;
  fo.eta_r = eta_r;
  fo.eta_s = eta_s;
  fo.v0_norm = v0_norm;
  fo.schedule = parse_named("schedule", schedule, parse_schedule);
  fo.normalize = parse_named("normalize", normalize, parse_normalize);
  return fo;
}

// Polls the interpreter's signal handlers from the integration's checkpoint (after every
// accepted step), at most every 100 ms of wall time and with the clock read every 64 steps:
// the GIL is taken back only for the poll. When a handler raises (KeyboardInterrupt on
// Ctrl-C), the pending exception leaves the run as error_already_set and reaches the caller.
// Python runs signal handlers on its main thread only, so other threads get no poll.
std::function<void()> signal_poll() {
  const py::object threading = py::module_::import("threading");
  if (!threading.attr("current_thread")().is(threading.attr("main_thread")())) return {};
  struct State {
    long steps = 0;
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  };
  auto state = std::make_shared<State>();
  return [state] {
    if (++state->steps % 64 != 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - state->last < std::chrono::milliseconds(100)) return;
    state->last = now;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  };
}

// ---- the functions ----------------------------------------------------------------------

py::tuple py_random_instance(Eigen::Index n, Eigen::Index m, Eigen::Index sparsity, std::uint64_t seed,
                             const std::string& sign) {
  InstanceSpec spec;
  spec.N = n;
  spec.M = m;
  spec.sparsity = sparsity;
  spec.seed = seed;
  spec.sign = parse_named("sign", sign, parse_sign);
  if (double(n) * double(m) > 2e8)
    throw py::value_error("n = " + std::to_string(n) + " by m = " + std::to_string(m) +
                          " is too large: A would have more than 2e8 entries");
  Problem p = random_instance(spec);
  return py::make_tuple(py::cast(std::move(p.A)), to_numpy(p.y), to_numpy(*p.x_star));
}

py::object py_run(py::handle cls, py::handle A, py::handle y, const std::string& flow, const std::string& sign,
                  int depth, double alpha, double eta, std::optional<double> ratio, std::optional<double> eta_r,
                  std::optional<double> eta_s, std::optional<double> v0_norm, const std::string& schedule,
                  const std::string& normalize, const std::string& stepper, double rtol, double atol, double t_max,
                  double loss_tol, long max_steps, double first_sample, int samples_per_decade, bool trajectory,
                  bool allow_unconverged, py::handle x_star) {
  RunOptions ro;
  ro.flow = flow_options(flow, sign, depth, alpha, eta, ratio, eta_r, eta_s, v0_norm, schedule, normalize);
  IntegrateOptions& io = ro.integrate;
  io.stepper = parse_named("stepper", stepper, parse_stepper);
  io.rtol = rtol;
  io.atol = atol;
  io.t_max = t_max;
  io.loss_tol = loss_tol;
  io.max_steps = max_steps;
  io.first_sample = first_sample;
  io.samples_per_decade = samples_per_decade;
  ro.allow_unconverged = allow_unconverged;
  ro.validate();  // every option, before the arrays are read
  const Problem problem = read_problem(A, y, x_star);
  io.checkpoint = signal_poll();
  RunResult r;
  {
    py::gil_scoped_release release;  // other Python threads run meanwhile
    r = run_flow(problem, ro.flow, io);
  }
  require_result(r, ro.allow_unconverged);  // RunFailure -> wnflow.NumericalError
  r.integrate.checkpoint = nullptr;

  py::dict fields = from_json(run_json(r));
  fields["x"] = to_numpy(r.x);
  fields["w"] = to_numpy(r.w);
  fields["trajectory"] = trajectory ? py::object(trajectory_arrays(r.trajectory)) : py::none();
  for (const char* optional : {"alpha_eff_integral", "radius_v", "alpha_eff_v", "alpha_eff_v_integral", "error",
                               "relative_error"})
    if (!fields.contains(optional)) fields[optional] = py::none();
  return record(cls, fields);
}

py::object py_predict(py::handle cls, py::handle A, py::handle y, const std::string& flow, const std::string& sign,
                      int depth, double alpha, double eta, std::optional<double> ratio, std::optional<double> eta_r,
                      std::optional<double> eta_s, std::optional<double> v0_norm, const std::string& schedule,
                      const std::string& normalize, int scan_points, double bracket_below, double bracket_above) {
  const FlowOptions fo = flow_options(flow, sign, depth, alpha, eta, ratio, eta_r, eta_s, v0_norm, schedule, normalize);
  fo.validate();
  PredictOptions po;
  po.scan_points = scan_points;
  po.bracket_decades_below = bracket_below;
  po.bracket_decades_above = bracket_above;
  po.validate(fo.alpha);
  const Problem problem = read_problem(A, y, py::none());
  Prediction pr;
  {
    py::gil_scoped_release release;
    pr = predict_limit(problem, fo, po);
  }
  py::dict f;
  f["x"] = to_numpy(pr.x);
  f["weights"] = to_numpy(pr.weights);
  f["alpha_eff"] = pr.alpha_eff;
  f["roots"] = pr.roots;
  f["magnification"] = pr.magnification;
  f["radius"] = pr.radius;
  f["residual"] = pr.residual;
  f["dual_residual"] = pr.dual_residual;
  f["l1_norm"] = pr.x.lpNorm<1>();
  f["flow"] = from_json(flow_json(fo, pr.weights.size()));
  return record(cls, f);
}

py::object py_l1(py::handle cls, py::handle A, py::handle y, const std::string& sign) {
  L1Options options;
  options.sign = parse_named("sign", sign, parse_sign);
  const Problem problem = read_problem(A, y, py::none());
  L1Result r;
  {
    py::gil_scoped_release release;
    r = solve_l1(problem, options);
  }
  py::dict f;
  f["x"] = to_numpy(r.x);
  f["value"] = r.value;
  f["residual"] = r.residual;
  f["status"] = r.status;
  f["dual"] = to_numpy(r.dual);
  f["sign"] = to_string(options.sign);
  return record(cls, f);
}

py::list py_verify(bool quick, std::uint64_t seed, int threads) {
  if (threads < 1) throw py::value_error("threads must be at least 1, got " + std::to_string(threads));
  VerifyOptions o;
  o.quick = quick;
  o.seed = seed;
  o.threads = threads;
  VerifyReport report;
  {
    py::gil_scoped_release release;
    report = verify(o);
  }
  py::list rows;
  for (const Check& c : report.checks)
    rows.append(py::dict("statement"_a = c.statement, "instance"_a = c.instance, "predicted"_a = c.predicted,
                         "measured"_a = c.measured, "tolerance"_a = c.tolerance, "verdict"_a = c.label(),
                         "kind"_a = to_string(c.kind), "note"_a = c.note));
  return rows;
}

// ---- docstrings -------------------------------------------------------------------------

const char* module_doc = R"(wnflow: gradient flows of weight-normalized diagonal linear networks.

NumPy in, NumPy out, over the C++ library of the `wnflow` command: random_instance, run,
predict, l1, verify. Options are the command's (`wnflow run --help`), spelled as keyword
arguments (--eta-r becomes eta_r), with the same defaults and checks. Bad input raises
ValueError naming the argument; a numerical failure raises wnflow.NumericalError. See
docs/python.md.)";

const char* run_doc = R"(Integrate one flow to its limit, as `wnflow run --json` does.

A: (M, N) array, y: (M,) array (float64 in C or Fortran order is read as is; other real
dtypes are converted). x_star: the ground truth (N,), optional, for error/relative_error.

flow: "gf" | "wn" (polar w = r s) | "wn-classic" (w = gamma v/|v|).
sign: "positive" (x = w^L) | "signed" (x = u^L - v^L).
depth: L >= 2.  alpha: w(0) = alpha 1.  eta: GF rate.
ratio: WN q = eta_s r(0)^2 / eta_r (default 1); wn-classic sets |v(0)| = r(0)/sqrt(q).
eta_r, eta_s: WN polar, explicit rates (eta_s instead of ratio).
v0_norm: wn-classic |v(0)| (default |w(0)|).
schedule: "constant-rates" | "constant-ratio" (eta_s(t) = q eta_r / r(t)^2).
normalize: "joint" | "separate" (WN, P+-: u and v each on its own sphere).
stepper: "auto", "runge_kutta_dopri5", "runge_kutta_cash_karp54", "runge_kutta_fehlberg78",
    "bulirsch_stoer", "rosenbrock4", "rosenbrock_lowrank", "bdf", "adams".
rtol, atol: stepper tolerances.  t_max: horizon.  loss_tol: stop when the loss <= this
(0: integrate to t_max).  max_steps: give up after this many steps.
first_sample, samples_per_decade: the observation times (0, then log-spaced).
trajectory: also return the observed trajectory (RunResult.trajectory, a dict of arrays).
allow_unconverged: return the state at t_max when the loss is still above loss_tol
(converged = False) instead of raising NumericalError.

Returns a RunResult. Raises ValueError for bad input (naming the argument), NumericalError
(with .stop_reason) when the integration fails or does not converge. The GIL is released
while integrating; Ctrl-C interrupts the run (KeyboardInterrupt).)";

const char* predict_doc = R"(The limit of a flow from theory alone, without integrating it (`wnflow predict`).

GF: the T1 dual solution X_L(alpha). WN and classic WN: the root beta = alpha_eff(inf) of the
effective-scale equation (T3) and X_L(beta). Flow options as in run(); scan_points,
bracket_below, bracket_above: the scan of log beta from alpha/10^below to alpha*10^above.
Returns a Prediction (x, weights, alpha_eff, roots, magnification, radius, residual,
dual_residual, l1_norm, flow). NumericalError when no root lies in the bracket.)";

const char* l1_doc = R"(The l1 reference by linear programming (COIN-OR Clp), as `wnflow l1`.

min 1^T z, Az = y, z >= 0 (sign="positive") or min |z|_1, Az = y (sign="signed").
Returns an L1Result (x, value, residual, status, dual, sign). NumericalError when infeasible.)";

const char* verify_doc = R"(Run the theorem checks on random instances, as `wnflow verify`.

quick: the smaller suite (about 1-2 s). seed: base seed of the instances. threads: cases run
concurrently (rows keep their order). Returns a list of dicts, one per check: statement,
instance, predicted, measured, tolerance, verdict ("PASS", "FAIL", "SKIP", "IDENT"), kind,
note.)";

const char* random_instance_doc = R"(The default random instance (docs/theory.md 0.2), as `wnflow run --n --m --sparsity --seed`.

Gaussian A (M x N, entries N(0, 1/M)), an s-sparse x* with magnitudes in [1, 2] (random signs
when sign="signed"), y = A x*. The same arguments give the same arrays on every build.
Returns (A, y, x_star); A in Fortran order.)";

}  // namespace

PYBIND11_MODULE(_wnflow, m) {
  m.doc() = module_doc;
  m.attr("__version__") = WNFLOW_PROJECT_VERSION;

  numerical_error = PyErr_NewExceptionWithDoc(
      "wnflow.NumericalError",
      "A computation that could not certify its result: an integration that blew up, hit its step "
      "limit or underflowed, a run that did not converge by t_max, no predictor root, an "
      "infeasible LP. stop_reason: the run's stop reason (\"t_max\", \"max_steps\", "
      "\"step_underflow\", \"non_finite\"), or None outside run().",
      PyExc_RuntimeError, py::dict("stop_reason"_a = py::none()).ptr());
  if (!numerical_error) throw py::error_already_set();
  m.attr("NumericalError") = py::handle(numerical_error);

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const RunFailure& e) {
      raise_numerical(python_spelling(e.what()), py::str(to_string(e.reason)));
    } catch (const NumericalError& e) {
      raise_numerical(python_spelling(e.what()), py::none());
    } catch (const InputError& e) {
      PyErr_SetString(PyExc_ValueError, python_spelling(e.what()).c_str());
    }
  });

  py::object run_result =
      record_class<0>(m, "RunResult",
                   "The result of run(): the fields of `wnflow run --json` as attributes.\n\n"
                   "x, w: the limit (NumPy arrays); loss, t, converged, stop_reason, steps, rhs_evals,\n"
                   "jacobian_evals, factorizations, stepper, l1_norm, radius, alpha_eff,\n"
                   "alpha_eff_integral (WN polar, else None), radius_v, alpha_eff_v, alpha_eff_v_integral\n"
                   "(normalize=\"separate\", else None), magnification, invariant_residual, invariants (dict),\n"
                   "error, relative_error (with x_star, else None), loss_floor, wall_seconds, flow (dict),\n"
                   "tolerances (dict); trajectory: None, or with trajectory=True a dict of equally long\n"
                   "arrays t, loss, l1_norm, error, radius, sphere, v_norm, mirror, alpha_eff,\n"
                   "alpha_eff_integral, radius_v, alpha_eff_v, alpha_eff_v_integral, path_length (NaN\n"
                   "where a quantity does not apply).");
  py::object prediction = record_class<1>(
      m, "Prediction", "The result of predict(): x, weights, alpha_eff, roots, magnification, radius, residual, "
                    "dual_residual, l1_norm, flow.");
  py::object l1_result =
      record_class<2>(m, "L1Result", "The result of l1(): x, value, residual, status, dual, sign.");

  const InstanceSpec spec;
  m.def("random_instance", &py_random_instance, random_instance_doc, "n"_a = spec.N, "m"_a = spec.M,
        "sparsity"_a = spec.sparsity, "seed"_a = spec.seed, "sign"_a = to_string(spec.sign));

  const RunOptions d;
  const FlowOptions& f = d.flow;
  const IntegrateOptions& io = d.integrate;
  m.def(
      "run",
      [run_result](const ArrayLike& A, const ArrayLike& y, const std::string& flow, const std::string& sign, int depth,
                   double alpha, double eta, std::optional<double> ratio, std::optional<double> eta_r,
                   std::optional<double> eta_s, std::optional<double> v0_norm, const std::string& schedule,
                   const std::string& normalize, const std::string& stepper, double rtol, double atol, double t_max,
                   double loss_tol, long max_steps, double first_sample, int samples_per_decade, bool trajectory,
                   bool allow_unconverged, const ArrayLike& x_star) {
        return py_run(run_result, A.object, y.object, flow, sign, depth, alpha, eta, ratio, eta_r, eta_s, v0_norm, schedule,
                      normalize, stepper, rtol, atol, t_max, loss_tol, max_steps, first_sample, samples_per_decade,
                      trajectory, allow_unconverged, x_star.object);
      },
      run_doc, "A"_a, "y"_a, py::kw_only(), "flow"_a = to_string(f.kind), "sign"_a = to_string(f.sign),
      "depth"_a = f.depth, "alpha"_a = f.alpha, "eta"_a = f.eta, "ratio"_a = f.ratio, "eta_r"_a = f.eta_r,
      "eta_s"_a = f.eta_s, "v0_norm"_a = f.v0_norm, "schedule"_a = to_string(f.schedule),
      "normalize"_a = to_string(f.normalize), "stepper"_a = to_string(io.stepper), "rtol"_a = io.rtol,
      "atol"_a = io.atol, "t_max"_a = io.t_max, "loss_tol"_a = io.loss_tol, "max_steps"_a = io.max_steps,
      "first_sample"_a = io.first_sample, "samples_per_decade"_a = io.samples_per_decade, "trajectory"_a = false,
      "allow_unconverged"_a = d.allow_unconverged, "x_star"_a = py::none());

  const PredictOptions po;
  m.def(
      "predict",
      [prediction](const ArrayLike& A, const ArrayLike& y, const std::string& flow, const std::string& sign, int depth,
                   double alpha, double eta, std::optional<double> ratio, std::optional<double> eta_r,
                   std::optional<double> eta_s, std::optional<double> v0_norm, const std::string& schedule,
                   const std::string& normalize, int scan_points, double bracket_below, double bracket_above) {
        return py_predict(prediction, A.object, y.object, flow, sign, depth, alpha, eta, ratio, eta_r, eta_s, v0_norm, schedule,
                          normalize, scan_points, bracket_below, bracket_above);
      },
      predict_doc, "A"_a, "y"_a, py::kw_only(), "flow"_a = to_string(f.kind), "sign"_a = to_string(f.sign),
      "depth"_a = f.depth, "alpha"_a = f.alpha, "eta"_a = f.eta, "ratio"_a = f.ratio, "eta_r"_a = f.eta_r,
      "eta_s"_a = f.eta_s, "v0_norm"_a = f.v0_norm, "schedule"_a = to_string(f.schedule),
      "normalize"_a = to_string(f.normalize), "scan_points"_a = po.scan_points,
      "bracket_below"_a = po.bracket_decades_below, "bracket_above"_a = po.bracket_decades_above);

  m.def(
      "l1", [l1_result](const ArrayLike& A, const ArrayLike& y, const std::string& sign) {
        return py_l1(l1_result, A.object, y.object, sign);
      },
      l1_doc, "A"_a, "y"_a, py::kw_only(), "sign"_a = to_string(L1Options{}.sign));

  const VerifyOptions vo;
  m.def("verify", &py_verify, verify_doc, py::kw_only(), "quick"_a = true, "seed"_a = vo.seed,
        "threads"_a = vo.threads);
}
