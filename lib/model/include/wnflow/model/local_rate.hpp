#pragma once
// Local linear convergence near the limit (docs/theory.md §3.5, T5).
//
// Every flow here moves x as dx/dt = -P g with g = Aᵀ e, e = A x - y, and P = J H Jᵀ: J the
// Jacobian of x with respect to the weights w, H the flow's metric on w. Near the limit,
// de/dt ≈ -A P(w∞) Aᵀ e, so |e| ~ exp(-λ t) and the loss ~ exp(-2 λ t), with
// λ = λ_min(A P(w∞) Aᵀ).
//   GF:  H = η I.
//   WN (polar, and classic as polar with η_r = 1, η_s = 1/|v(0)|²):
//        H = η_r s sᵀ + η_s r² (I - s sᵀ), s = w/r: radial speed η_r, tangential η_s r².
//        Under the constant-ratio schedule η_s r² = q η_r at all times.
// The prediction is compared with the rate measured on a trajectory by fit_rate
// (wnflow/solve/rate_fit.hpp).
#include <limits>
#include <wnflow/model/flow_options.hpp>

namespace wnflow {

// λ = λ_min(A P Aᵀ) at the limit weights w (stacked [u; v] for P±), P the flow's preconditioner
// (docs/theory.md §1.2 and §3.5; P± via J H Jᵀ). GF uses flow.eta and ignores rates; WN and classic WN use
// rates (resolve_rates(flow, α sqrt(n))). The loss decays like exp(-2 λ t).
// Throws InputError for an invalid problem or flow, or w of the wrong size / not positive.
double predicted_rate(const Problem&, const FlowOptions&, const WeightNormRates& rates, const Vector& w_limit);

// Both ends of the spectrum of A P Aᵀ at the limit. λ_min is the T5 rate; λ_max is the fastest
// mode, the curvature an explicit method must resolve, so t λ_max (the flow time in units of
// 1/λ_max) and λ_max/λ_min compare flows whose rates differ in scale: multiplying every rate
// by c divides t by c and multiplies both λ by c (docs/theory.md §3.5).
struct LocalSpectrum {
  double lambda_min = 0, lambda_max = 0;
  // +inf when λ_min is at the rounding level of λ_max (a limit with entries so small that A P Aᵀ
  // is singular in double precision): the ratio of two roundings is not a condition number.
  double condition() const {
    return lambda_min > 64.0 * std::numeric_limits<double>::epsilon() * lambda_max
               ? lambda_max / lambda_min
               : std::numeric_limits<double>::infinity();
  }
};
LocalSpectrum local_spectrum(const Problem&, const FlowOptions&, const WeightNormRates& rates, const Vector& w_limit);


}  // namespace wnflow
