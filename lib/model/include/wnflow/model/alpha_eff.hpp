#pragma once
// The effective initialization scale of weight normalization (docs/theory.md §2.3, I4 and §3.2, T2):
// along the WN flow, Π[Ψ_L(w(t)) - Ψ_L(α_eff(t) 1)] = 0 with α_eff = α φ(t), and the WN
// limit is the GF limit at scale α_eff(∞). Computed in logs: φ can under/overflow.
#include <wnflow/model/weight_norm.hpp>

namespace wnflow {

// log α_eff for constant rates: log α + log(r/r0) - (eta_s / (2 eta_r)) (r^2 - r0^2).
double log_alpha_eff(double alpha, double r, double r0, double eta_r, double eta_s);

// log α_eff for a schedule; constant-ratio has log φ = (1 - q) log(r/r0).
double log_alpha_eff(double alpha, double r, double r0, const WeightNormRates& rates);

// The magnification m = α / α_eff.
inline double magnification(double alpha, double log_alpha_eff_value) {
  return std::exp(std::log(alpha) - log_alpha_eff_value);
}

}  // namespace wnflow
