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


}  // namespace wnflow
