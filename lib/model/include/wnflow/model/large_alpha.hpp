#pragma once
// Weight normalization from an infinitely large initialization (docs/theory.md §3.9): polar
// WN with constant rates at a fixed ratio q = eta_s r0² / eta_r, r0 = α sqrt(n), as α -> ∞.
//
// With t = ρ/r0 the T3 equation reads, exactly,
//     log β = log(ρ(β)/sqrt(n)) + q/2 - (q/2) ρ(β)²/r0²,
// and at r0 = ∞ the last term drops: the saturated scale β∞ is the root of
//     G(u) = u - log ρ(e^u) + ½ log n - q/2 = -log κ(β) - q/2 = 0,   u = log β,
// κ(β) = ρ(β)/(β sqrt(n)), the root mean square of W_L(β)/β. For P+, κ(β) decreases strictly
// from ∞ (β -> 0) to κ∞ (β -> ∞) (§3.9), so the root exists and is unique exactly when
//     q < q_c = -2 ln κ∞ = -ln min_μ mean_i ξ_i(μ)^{2/L},
// ξ = lim X_L(β)/β^L the direction of the large-scale GF limit (A ξ = 0, ξ > 0, normalized
// by the mirror invariant). For P±, κ(β) >= 1 at every β, so q_c = 0: no cap for any q > 0.
//
// Past the threshold, α_eff grows like α: α_eff/α -> sqrt(1 - q_c/q) e^{q_c/2}
// (uncapped_growth). Under the constant-ratio schedule α_eff/α -> e^{-q_c (1-q)/(2q)}
// (constant_ratio_growth): a constant factor, never a cap.
#include <wnflow/model/flow_options.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/predict.hpp>

namespace wnflow {

struct LargeAlphaOptions {
  double tolerance = 1e-13;    // on u = log β∞ (relative on β∞)
  double direction_tolerance = 1e-12;  // |A ξ| <= this · | |A| ξ | for the direction ξ
  int max_iterations = 200;    // Newton steps for ξ
  double max_scale = 1e3;      // the largest β at which ρ(β) = |W_L(β)| is evaluated
  double min_scale = 1e-8;     // ... and the smallest
  GfLimitOptions dual;         // the T1 solver at each β
};

// ξ = lim_{β->∞} X_L(β)/β^L and the constants it fixes (docs/theory.md §3.9).
struct LargeAlphaDirection {
  Vector xi;              // N entries; P+: ξ > 0 with A ξ = 0; P±: 0 (u = v at β = ∞)
  double kappa = 1;       // κ∞ = lim κ(β) = sqrt(mean_i ξ_i^{2/L}) (P+), 1 (P±); 0 when
                          // A has no strictly positive null vector (then q_c = ∞)
  double critical_ratio = 0;  // q_c = -2 ln κ∞
  double residual = 0;    // |A ξ| / | |A| ξ |
  int iterations = 0;     // Newton steps
  bool bounded = true;    // false when the dual has no minimizer (κ∞ = 0, q_c = ∞)
};

// Throws InputError for an invalid problem or depth < 2; NumericalError when Newton does not
// reach direction_tolerance.
LargeAlphaDirection large_alpha_direction(const Problem&, Sign, int depth, const LargeAlphaOptions& = {});

// q_c of the instance: polar WN with constant rates has a bounded α_eff as α -> ∞ iff q < q_c.
double critical_ratio(const Problem&, Sign, int depth, const LargeAlphaOptions& = {});

// The limit of polar WN with constant rates at ratio q as α -> ∞.
struct SaturatedLimit {
  Prediction limit;          // X_L(β∞), W_L(β∞), alpha_eff = β∞, radius ρ(β∞), roots {β∞},
                             // magnification ∞, residual |G(log β∞)|, dual residual at β∞
  double ratio = 0;          // q
  double critical_ratio = 0; // q_c
  double kappa = 1;          // κ∞
  double slope = 0;          // G'(log β∞) = -d log κ/d log β at β∞ (> 0), by central differences
  int evaluations = 0;       // dual solves spent on the root
  std::string report() const;
};

// flow: kind wn, constant rates, ratio q (default 1); flow.alpha is not used (α = ∞).
// Throws InputError for any other flow (classic WN, constant-ratio, --eta-s: q is then
// undefined at α = ∞); NumericalError when q >= q_c (no cap: the message names q_c) or when
// β∞ lies outside [min_scale, max_scale] (q just below q_c puts it far up).
SaturatedLimit large_alpha_limit(const Problem&, const FlowOptions& flow, const LargeAlphaOptions& = {});

// The first-order finite-α shift of log α_eff below log β∞ (docs/theory.md §3.9): at finite α
// the T3 equation is G(u) + (q/2) ρ(e^u)²/r0² = 0, so
//     log β∞ - log α_eff(α) ≈ (q/2) ρ∞² / (n α² G'(log β∞)),
// the rate at which finite-α flows approach β∞ (relative, O(α^{-2})).
double finite_alpha_shift(const SaturatedLimit& limit, double alpha);

// lim_{α->∞} α_eff/α for constant rates with q > q_c: sqrt(1 - q_c/q) e^{q_c/2}; 0 for q <= q_c.
double uncapped_growth(double q, double q_c);

// lim_{α->∞} α_eff/α under the constant-ratio schedule: κ∞^{(1-q)/q} = e^{-q_c (1-q)/(2q)}.
double constant_ratio_growth(double q, double q_c);

}  // namespace wnflow
