#pragma once
// One flow, end to end: build the flow from options, integrate it with an observer that
// records the trajectory and the invariant residuals, and read off the limit.
// Options in, RunResult out; RunResult::report() says what happened in words.
#include <optional>
#include <string>
#include <vector>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/model/flow_options.hpp>
#include <wnflow/model/problem.hpp>

namespace wnflow {

// One observation of the trajectory. Residuals that do not apply to a flow are NaN.
struct Sample {
  double t = 0, loss = 0, l1_norm = 0;
  double error = NAN;      // |x - x*|, when x* is known
  double radius = 0;       // |w|
  double sphere = NAN;     // I1: | |s| - 1 |
  double v_norm = NAN;     // I2: | |v| - |v(0)| | / |v(0)|  (classic WN)
  double mirror = NAN;     // I3 (GF) or I4 (WN), relative
  double alpha_eff = 0;    // α for GF; the closed form of alpha_eff.hpp for WN
  double alpha_eff_integral = NAN;  // WN polar: α φ from the integrated coordinate log φ
  // Separate normalization (docs/theory.md §1.5): alpha_eff, alpha_eff_integral and radius
  // are those of u, these of v.
  double radius_v = NAN, alpha_eff_v = NAN, alpha_eff_v_integral = NAN;
  // Length of the path of w so far, polygonal over the samples: a lower bound on ∫|dw/dt| dt
  // that converges to it as samples_per_decade grows (T6: its increments must die out).
  double path_length = 0;
};

struct RunResult {
  FlowOptions flow;
  IntegrateOptions integrate;
  IntegrateSummary summary;
  WeightNormRates rates;        // WN: the rates used; classic: eta_r = 1, eta_s = 1/|v(0)|^2
  // The final loss is <= loss_tol, or at the rounding floor of double precision (loss_floor).
  // A run that reached t_max without that is usable (the state at t_max) but not converged.
  bool converged = false;
  double loss_floor = 0;
  Vector x, w;
  double loss = 0, l1_norm = 0, radius = 0, alpha_eff = 0, magnification = 1;
  double alpha_eff_integral = NAN;  // WN polar: from the extra ODE state (schedule-agnostic)
  // Separate normalization: radius, alpha_eff and alpha_eff_integral are u's, these v's.
  double radius_v = NAN, alpha_eff_v = NAN, alpha_eff_v_integral = NAN;
  std::optional<double> error, relative_error;
  double max_sphere = NAN, max_v_norm = NAN, max_mirror = NAN;  // over the trajectory
  double invariant_residual = 0;  // the largest of the applicable maxima
  std::vector<Sample> trajectory;
  double wall_seconds = 0;

  bool usable() const { return summary.usable(); }
  std::string report() const;
};

RunResult run_flow(const Problem& problem, const FlowOptions& flow, const IntegrateOptions& integrate);

// The integration defaults of a run to the limit (`wnflow run`, `wnflow.run` in Python):
// IntegrateOptions' own, with the horizon t_max = 1e8 (IntegrateOptions' 1e6 suits the shorter
// runs of verify and the sweeps).
IntegrateOptions run_integrate_defaults();

// The options of one run to the limit, as the command and the Python module take them: one
// type, so an option added here reaches both with the same default and the same checks.
struct RunOptions {
  FlowOptions flow;
  IntegrateOptions integrate = run_integrate_defaults();
  // A state at t_max with the loss above loss_tol is a result (flagged converged = false)
  // rather than a RunFailure.
  bool allow_unconverged = false;

  // InputError naming the option: the flow's and the integration's checks, rtol < 1, and at
  // most 1e6 observations (every one is kept in memory), before any work.
  void validate() const;
};

// A run that gave no result: the integration failed (blow-up, step limit, step underflow) or,
// unless allowed, stopped at t_max above loss_tol. reason says which.
struct RunFailure : NumericalError {
  RunFailure(StopReason why, const std::string& message) : NumericalError(message), reason(why) {}
  StopReason reason;
};

// "no convergence: loss L > loss-tol E at t-max = T": what a run that stopped at t_max says.
std::string unconverged_message(const RunResult& r);

// RunFailure unless r is a result: usable, and converged unless allow_unconverged.
void require_result(const RunResult& r, bool allow_unconverged);


}  // namespace wnflow
