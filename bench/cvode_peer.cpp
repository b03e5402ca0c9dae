// CVODE peer of `wnflow bench`: SUNDIALS CVODE (BDF, Newton, dense direct linear solver) on
// the very right-hand side and analytic Jacobian of wnflow's flows (GradientFlow,
// WeightNormFlow from the wnflow library), with the same tolerances, horizon and stop as
// wnflow: after every internal step, stop when the loss is <= max(loss_tol, rounding floor).
// A benchmark-only program, built with -DWNFLOW_BENCH_CVODE=ON; the library does not depend
// on SUNDIALS. Prints one JSON object (wall_seconds and cpu_seconds of the solve, steps, rhs_evals,
// jacobian_evals, x, t, loss, converged, stop_reason); the caller times the whole process.
//
// usage: wnflow_cvode_peer --a A.npy --y y.npy (or CSV) [--sign positive|signed] [--flow gf|wn]
//        [--depth L] [--alpha a] [--ratio q] [--rtol r] [--atol a] [--t-max T] [--loss-tol e]
#include <chrono>
#include <cmath>
#include <ctime>
#include <cvode/cvode.h>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <nvector/nvector_serial.h>
#include <string>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <wnflow/lab/array_file.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/solve/run.hpp>
#include <wnflow/model/weight_norm.hpp>

namespace {

using wnflow::Matrix;
using wnflow::Vector;

// The flow behind two function pointers: CVODE's callbacks see only void*.
struct System {
  std::function<void(const Eigen::Map<const Vector>&, Eigen::Map<Vector>&)> rhs;
  std::function<void(const Eigen::Map<const Vector>&, Eigen::Map<Matrix>&)> jac;
  long n = 0;
};

int cv_rhs(sunrealtype, N_Vector y, N_Vector ydot, void* data) {
  auto* s = static_cast<System*>(data);
  Eigen::Map<const Vector> ym(N_VGetArrayPointer(y), s->n);
  Eigen::Map<Vector> dm(N_VGetArrayPointer(ydot), s->n);
  s->rhs(ym, dm);
  return dm.allFinite() ? 0 : 1;  // recoverable: CVODE retries a shorter step
}

int cv_jac(sunrealtype, N_Vector y, N_Vector, SUNMatrix J, void* data, N_Vector, N_Vector, N_Vector) {
  auto* s = static_cast<System*>(data);
  Eigen::Map<const Vector> ym(N_VGetArrayPointer(y), s->n);
  Eigen::Map<Matrix> Jm(SM_DATA_D(J), s->n, s->n);  // SUNDenseMatrix is column-major, as Eigen
  s->jac(ym, Jm);
  return Jm.allFinite() ? 0 : 1;
}

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

template <class Flow>
int solve(Flow flow, const wnflow::DiagonalNetwork& net, double rtol, double atol, double t_max,
          double loss_tol) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  System sys;
  sys.n = long(flow.dimension());
  sys.rhs = [&](const Eigen::Map<const Vector>& y, Eigen::Map<Vector>& d) { flow.derivative(y, d); };
  sys.jac = [&](const Eigen::Map<const Vector>& y, Eigen::Map<Matrix>& J) { flow.jacobian(y, J); };

  SUNContext ctx = nullptr;
  if (SUNContext_Create(nullptr, &ctx) != 0) throw std::runtime_error("SUNContext_Create failed");
  N_Vector y = N_VNew_Serial(sys.n, ctx);
  Eigen::Map<Vector> ym(N_VGetArrayPointer(y), sys.n);
  ym = flow.initial_state();
  void* mem = CVodeCreate(CV_BDF, ctx);
  SUNMatrix A = SUNDenseMatrix(sys.n, sys.n, ctx);
  SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
  if (!mem || !A || !LS || CVodeInit(mem, cv_rhs, 0.0, y) != CV_SUCCESS ||
      CVodeSStolerances(mem, rtol, atol) != CV_SUCCESS || CVodeSetUserData(mem, &sys) != CV_SUCCESS ||
      CVodeSetLinearSolver(mem, LS, A) != CV_SUCCESS || CVodeSetJacFn(mem, cv_jac) != CV_SUCCESS ||
      CVodeSetStopTime(mem, t_max) != CV_SUCCESS || CVodeSetMaxNumSteps(mem, 100000000) != CV_SUCCESS)
    throw std::runtime_error("CVODE setup failed");
  CVodeSetErrHandlerFn(mem, [](int, const char*, const char*, char*, void*) {}, nullptr);

  double t = 0.0, loss = flow.loss(ym);
  std::string reason = "t_max", note;
  bool converged = false;
  int flag = CV_SUCCESS;
  while (t < t_max) {
    flag = CVode(mem, t_max, y, &t, CV_ONE_STEP);
    if (flag < 0) {
      reason = "failed";
      note = CVodeGetReturnFlagName(flag);
      break;
    }
    loss = flow.loss(ym);
    if (loss <= loss_tol) {
      reason = "loss_tol", converged = true;
      break;
    }
    if (loss <= flow.loss_floor(ym)) {
      reason = "loss_floor", converged = true;
      break;
    }
    if (flag == CV_TSTOP_RETURN) break;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_now() - cpu_start;
  long steps = 0, nfe = 0, nje = 0, nfels = 0;
  CVodeGetNumSteps(mem, &steps);
  CVodeGetNumRhsEvals(mem, &nfe);
  CVodeGetNumJacEvals(mem, &nje);
  CVodeGetNumLinRhsEvals(mem, &nfels);
  const Vector x = net.x_of_w(flow.weights(ym));
  nlohmann::json j;
  j["wall_seconds"] = wall;
  j["cpu_seconds"] = cpu;
  j["steps"] = steps;
  j["rhs_evals"] = nfe + nfels;
  j["jacobian_evals"] = nje;
  j["x"] = std::vector<double>(x.data(), x.data() + x.size());
  j["t"] = t;
  j["loss"] = loss;
  j["converged"] = converged;
  j["stop_reason"] = reason;
  j["note"] = note;
  j["method"] = "CVODE BDF, Newton, dense LU, analytic Jacobian";
  std::cout << j.dump() << "\n";
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  N_VDestroy(y);
  CVodeFree(&mem);
  SUNContext_Free(&ctx);
  return flag < 0 ? 3 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt{{"--sign", "positive"}, {"--flow", "gf"}, {"--depth", "2"},
                                         {"--alpha", "0.1"},     {"--ratio", "1"},  {"--rtol", "1e-9"},
                                         {"--atol", "1e-14"},    {"--t-max", "1e7"}, {"--loss-tol", "1e-20"}};
  try {
    for (int i = 1; i < argc; i += 2) {
      const std::string k = argv[i];
      if (i + 1 >= argc || (!opt.count(k) && k != "--a" && k != "--y"))
        throw wnflow::InputError("bad option '" + k + "' (see the header of bench/cvode_peer.cpp)");
      opt[k] = argv[i + 1];
    }
    if (!opt.count("--a") || !opt.count("--y")) throw wnflow::InputError("--a and --y are required");
    wnflow::Problem p;
    p.A = wnflow::read_matrix_file(opt["--a"], "A");
    p.y = wnflow::read_vector_file(opt["--y"], "y");
    wnflow::validate(p);
    const wnflow::Sign sign = wnflow::parse_sign(opt["--sign"]);
    const int L = std::stoi(opt["--depth"]);
    const double alpha = std::stod(opt["--alpha"]);
    const double rtol = std::stod(opt["--rtol"]), atol = std::stod(opt["--atol"]);
    const double t_max = std::stod(opt["--t-max"]), loss_tol = std::stod(opt["--loss-tol"]);
    const wnflow::DiagonalNetwork net(p, sign, L);
    if (opt["--flow"] == "gf") return solve(wnflow::GradientFlow(net, alpha), net, rtol, atol, t_max, loss_tol);
    if (opt["--flow"] != "wn") throw wnflow::InputError("--flow: gf or wn");
    wnflow::FlowOptions fo;
    fo.kind = wnflow::FlowKind::wn;
    fo.ratio = std::stod(opt["--ratio"]);
    const wnflow::WeightNormFlow flow(net, alpha, wnflow::resolve_rates(fo, wnflow::initial_radius(net, alpha)));
    return solve(flow, net, rtol, atol, t_max, loss_tol);
  } catch (const wnflow::InputError& e) {
    std::cerr << "wnflow_cvode_peer: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "wnflow_cvode_peer: failure: " << e.what() << "\n";
    return 3;
  }
}
