#pragma once
// Local linear convergence near the limit (NOTES §3, T5).
//
// Every flow here moves x as dx/dt = -P g with g = Aᵀ e, e = A x - y, and P = J H Jᵀ: J the
// Jacobian of x with respect to the weights w, H the flow's metric on w. Near the limit,
// de/dt ≈ -A P(w∞) Aᵀ e, so |e| ~ exp(-λ t) and the loss ~ exp(-2 λ t), with
// λ = λ_min(A P(w∞) Aᵀ).
//   GF:  H = η I.
//   WN (polar, and classic as polar with η_r = 1, η_s = 1/|v(0)|²):
//        H = η_r s sᵀ + η_s r² (I - s sᵀ), s = w/r: radial speed η_r, tangential η_s r².
//        Under the constant-ratio schedule η_s r² = q η_r at all times.
// The prediction is then compared with the rate measured on a trajectory by fit_rate.
#include <string>
#include <vector>
#include <wnflow/run.hpp>

namespace wnflow {

// λ = λ_min(A P Aᵀ) at the limit weights w (stacked [u; v] for P±), P the flow's preconditioner
// (NOTES §1.2, T5; P± via J H Jᵀ). GF uses flow.eta and ignores rates; WN and classic WN use
// rates (resolve_rates(flow, α sqrt(n))). The loss decays like exp(-2 λ t).
// Throws InputError for an invalid problem or flow, or w of the wrong size / not positive.
double predicted_rate(const Problem&, const FlowOptions&, const WeightNormRates& rates, const Vector& w_limit);

struct RateFit {
  bool ok = false;
  double lambda = 0;               // measured λ (the loss decays like exp(-2 λ t))
  double t_begin = 0, t_end = 0;   // the fitted window
  int points = 0;                  // samples in the window
  double r2 = 0;                   // coefficient of determination of the fit of log loss
  std::string reason;              // why ok is false; a description of the window otherwise
};

// loss ~ C exp(-2 λ t): least squares of log loss against t over an automatically chosen tail
// window. Rule (details and reasons in local_rate.cpp):
//  1. usable samples: t > 0, up to the first increase of the loss (the exact loss of a gradient
//     flow never increases, so an increase is integration noise), and above a noise floor,
//     the largest of 1e4 x the loss plateau after that increase, 100 x the smallest loss and
//     1e3 eps² max(loss);
//  2. the window ends at the last usable sample and is the longest one with >= 8 samples over
//     >= 3 decades of loss whose fit has r² >= 0.9999 and whose two halves have slopes within
//     2% of the whole; ok = false (with the reason) if there is none.
RateFit fit_rate(const std::vector<Sample>& trajectory);

}  // namespace wnflow
