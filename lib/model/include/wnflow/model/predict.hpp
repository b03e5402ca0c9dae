#pragma once
// The limit of a flow predicted without integrating it (docs/theory.md §3.1–§3.3, T1–T3).
//
//   GF:      x∞ = X_L(α), the T1 dual solution (gf_limit).
//   WN:      x∞ = X_L(β) with β = α_eff(∞) (T2), and β is a root of the scalar equation (T3)
//                F(u) = u - log α_eff(α, ρ(e^u), r0, rates) = 0,   u = log β,
//            ρ(β) = |W_L(β)|₂ the radius of the GF-limit weights at scale β, r0 = α sqrt(n).
//            Polar WN with either schedule (log_alpha_eff covers both) and classic WN
//            (= polar with eta_r = 1, eta_s = 1/|v(0)|², resolve_rates) are all this case.
//
// Root finding: F is evaluated on scan_points equally spaced values of u over
//     [log α - bracket_decades_below ln 10,  log α + bracket_decades_above ln 10],
// every sign change is refined by Boost.Math's bracketing TOMS 748 iteration to
// |Δu| <= tolerance, and every root is reported. A failed dual solve at a grid point leaves a
// gap that the neighbouring points bridge.
//
// The bracket. F -> -∞ as β -> 0 (ρ tends to the radius of the sparse limit, log β does not
// stop) and F -> +∞ as β -> ∞ (ρ ~ β sqrt(n), and log α_eff falls like -ρ², or grows only like
// (1-q) log ρ under constant-ratio), so a root exists; the default bracket holds the roots seen
// in practice. Deepest: q = 1 at small α, where log(α/β) ≈ (ρ² - r0²)/(2 r0²) (docs/theory.md §3.7, C3):
// α = 0.05 gives β = 2e-5 (P±, N = 24), 5e-9 (P+, N = 36), 1.5e-10 (P+, N = 32): up to ~9
// decades below α, and smaller instances (smaller r0) go deeper, hence 12. Smaller α or larger q push β out of any fixed bracket (α = 0.01, q = 1:
// β ~ 1e-200, numerically the β -> 0 limit); the error then says on which side the root lies
// and roughly where. Above α: with constant rates β/α <= q^{-1/2} e^{-(1-q)/2} (the maximum of
// (ρ/r0) exp(-q(ρ²/r0² - 1)/2) over ρ), under 2 decades for q >= 1e-4; under constant-ratio
// β/α = (ρ/r0)^{1-q}, seen up to 60 (α = 0.01, q = 0.01); hence 2 decades.
//
// Root selection. Over 1008 configurations (P+/P±, L = 2..4, α = 0.01..10, q = 0.01..20, both
// schedules) the scan never found more than one root. Why: with σ = d log ρ / d log β,
// F'(u) = 1 - H'·σ where H' = 1 - (η_s/η_r) ρ² (constant rates) or 1 - q (constant ratio) is
// below 1, so F is strictly increasing whenever 0 <= σ <= 1 (ρ nondecreasing and ρ/β
// nonincreasing in β), which held wherever it was looked at (not proven). Should several
// roots appear, the one nearest log α is returned (α_eff(t) starts at α and moves
// continuously); all of them are listed. In every case tested the ODE ended on the root
// returned (tests/test_predict.cpp).
#include <string>
#include <vector>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/flow_options.hpp>

namespace wnflow {

struct PredictOptions {
  int scan_points = 240;               // grid points of the scan (>= 2)
  double bracket_decades_below = 12;   // scan from log α - this · ln 10 ...
  double bracket_decades_above = 2;    // ... to log α + this · ln 10
  double tolerance = 1e-13;            // on u = log β, i.e. relative on β
  GfLimitOptions dual;                 // the T1 solver at each β

  // InputError unless scan_points >= 2 and the bracket ends α / 10^below, α · 10^above are
  // normal doubles (the scan runs over them).
  void validate(double alpha) const;
};

struct Prediction {
  Vector x, weights;            // X_L(β), W_L(β) at the selected root
  double alpha_eff = 0;         // β
  double magnification = 1;     // α / β
  double radius = 0;            // ρ(β) = |W_L(β)|, the predicted final radius r∞
  std::vector<double> roots;    // every root found (β values), ascending
  double residual = 0;          // |F(β)| of the scalar equation at the selected root, relative
  double dual_residual = 0;     // certificate of the dual solve at β
  std::string report() const;
};

// Throws InputError for an invalid problem, flow or options; NumericalError when the dual
// solve fails at the selected root, or when F has no sign change on the scan ("no root of the
// α_eff equation in [..]", with F at the bracket ends).
Prediction predict_limit(const Problem&, const FlowOptions&, const PredictOptions& = {});

}  // namespace wnflow
