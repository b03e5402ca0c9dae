#pragma once
// The limit of a flow predicted without integrating it (NOTES §3, T1–T3).
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
// every sign change is refined by a safeguarded Brent iteration (bisection fallback) to
// |Δu| <= tolerance, and every root is reported. Why this bracket: F -> -∞ as β -> 0 (ρ
// tends to the radius of the ℓ1-like limit while log β does not stop) and F -> +∞ as
// β -> ∞ (ρ ~ β sqrt(n) and log α_eff falls like -ρ², or like (1-q) log ρ with q < 1 under
// constant-ratio), so roots exist; the deepest ones seen are q = 1 at small α (NOTES C3:
// α = 0.05 gives β ~ 1e-9 to 1e-10, i.e. 8–9 decades below α), hence 12 decades below. Above
// α a root needs magnification < 1, which for constant rates is bounded by
// β/α <= q^{-1/2} e^{-(1-q)/2} (the maximum of (ρ/r0) exp(-q(ρ²/r0² - 1)/2) over ρ): less than
// 2 decades for q >= 1e-4; hence 2 decades above.
//
// Root selection, if the equation has several roots: the one closest to log α (the flow
// starts at α_eff = α and α_eff(t) moves continuously from there; the ODE was checked to
// end on that root in every case with one root). See predict.cpp for what was observed.
#include <string>
#include <vector>
#include <wnflow/gf_limit.hpp>
#include <wnflow/run.hpp>

namespace wnflow {

struct PredictOptions {
  int scan_points = 240;               // grid points of the scan (>= 2)
  double bracket_decades_below = 12;   // scan from log α - this · ln 10 ...
  double bracket_decades_above = 2;    // ... to log α + this · ln 10
  double tolerance = 1e-13;            // on u = log β, i.e. relative on β
  GfLimitOptions dual;                 // the T1 solver at each β
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
