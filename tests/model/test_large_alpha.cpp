// The α -> ∞ limit of polar WN with constant rates (docs/theory.md §3.9), each statement held
// against a computation that does not go through large_alpha.cpp: the GF limit X_L(β) of
// gf_limit at the scales involved, and the finite-α predictor predict_limit.
#define BOOST_TEST_MODULE large_alpha
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <random>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/large_alpha.hpp>
#include <wnflow/model/predict.hpp>

#include "support.hpp"

using namespace wnflow;

namespace {

// The default size of docs/theory.md §0.2 (P+ needs N ≈ 3M for a positive interpolant).
Problem positive(std::uint64_t seed) { return testing::small_instance(Sign::positive, seed, 60, 20, 3); }

// κ(β) = |W_L(β)| / (β sqrt(n)) from the T1 solver.
double kappa_at(const Problem& p, Sign sign, int L, double beta) {
  const GfLimit g = gf_limit(p, sign, L, beta);
  const double n = sign == Sign::positive ? double(p.cols()) : 2.0 * double(p.cols());
  return g.weights.norm() / (beta * std::sqrt(n));
}

FlowOptions wn(Sign sign, int L, double q, double alpha = 1.0) {
  FlowOptions f;
  f.kind = FlowKind::wn;
  f.sign = sign;
  f.depth = L;
  f.alpha = alpha;
  f.ratio = q;
  return f;
}

}  // namespace

// ξ solves the homogeneous problem A ξ = 0 with ξ > 0, and κ∞ is the limit of κ(β) from the
// T1 solver: κ(β) decreases towards it, with κ(β)² - κ∞² ∝ β^{-2L} (second order in the
// right-hand side y/β^L of the scaled problem, since ξ minimizes the homogeneous dual:
// docs/theory.md §3.9).
BOOST_AUTO_TEST_CASE(direction_is_the_large_scale_gf_limit) {
  for (std::uint64_t seed : {1, 2})
    for (int L : {2, 3}) {
      BOOST_TEST_CONTEXT("seed " << seed << " L " << L) {
        const Problem p = positive(seed);
        const LargeAlphaDirection d = large_alpha_direction(p, Sign::positive, L);
        BOOST_TEST(d.bounded);
        BOOST_TEST(d.xi.minCoeff() > 0.0);
        BOOST_TEST((p.A * d.xi).norm() <= 1e-11 * (p.A.cwiseAbs() * d.xi).norm());
        BOOST_TEST(d.kappa < 1.0);
        BOOST_TEST(std::abs(d.critical_ratio + 2.0 * std::log(d.kappa)) <= 1e-14);
        const double k1 = kappa_at(p, Sign::positive, L, 1.0), k10 = kappa_at(p, Sign::positive, L, 10.0),
                     k30 = kappa_at(p, Sign::positive, L, 30.0);
        BOOST_TEST(k1 > k10);
        BOOST_TEST(k10 > k30);
        BOOST_TEST(k30 > d.kappa);
        const double gap10 = k10 * k10 - d.kappa * d.kappa, gap30 = k30 * k30 - d.kappa * d.kappa;
        const double decay = gap30 / gap10;  // 3^{-2L} to leading order
        BOOST_TEST(decay > std::pow(3.0, -2 * L) / 1.5);
        BOOST_TEST(decay < std::pow(3.0, -2 * L) * 1.5);
        // X_L(β)/β^L -> ξ, to first order in β^{-L}.
        const GfLimit g = gf_limit(p, Sign::positive, L, 100.0);
        BOOST_TEST(testing::relative_difference(g.x / std::pow(100.0, L), d.xi) < 1e-3);
      }
    }
}

// κ∞² is the minimum of the homogeneous dual: mean_i ξ_i(λ)^{2/L} over λ, with ξ(λ) = exp(Aᵀλ)
// (L = 2) or (1 + Aᵀλ)^{-L/(L-2)} (L > 2). Random λ (inside the domain) never go below it.
BOOST_AUTO_TEST_CASE(kappa_is_the_minimum_of_the_homogeneous_dual) {
  const Problem p = positive(1);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  for (int L : {2, 3, 4}) {
    const double kappa2 = std::pow(large_alpha_direction(p, Sign::positive, L).kappa, 2);
    int tried = 0;
    for (int k = 0; k < 200; ++k) {
      Vector lambda(p.rows());
      for (Eigen::Index i = 0; i < lambda.size(); ++i) lambda(i) = 0.05 * normal(rng);
      const Vector g = p.A.transpose() * lambda;
      double value;
      if (L == 2) {
        value = g.array().exp().mean();
      } else {
        if ((1.0 + g.array() <= 0.0).any()) continue;
        value = (1.0 + g.array()).pow(-2.0 / (L - 2)).mean();
      }
      ++tried;
      BOOST_TEST(value >= kappa2 * (1.0 - 1e-12));
    }
    BOOST_TEST(tried > 100);
  }
}

// β∞ solves β = (ρ(β)/sqrt(n)) e^{q/2}, recomputed here from gf_limit at β∞; for L = 2,
// ρ² = |x|_1, so |X_2(β∞)|_1 = N β∞² e^{-q}: the capped limit is dense.
BOOST_AUTO_TEST_CASE(saturated_scale_solves_its_fixed_point_equation) {
  for (std::uint64_t seed : {1, 2})
    for (int L : {2, 3}) {
      const Problem p = positive(seed);
      const double q_c = critical_ratio(p, Sign::positive, L);
      for (double fraction : {0.1, 0.5, 0.8}) {
        BOOST_TEST_CONTEXT("seed " << seed << " L " << L << " q = " << fraction << " q_c") {
          const double q = fraction * q_c;
          const SaturatedLimit s = large_alpha_limit(p, wn(Sign::positive, L, q));
          const double beta = s.limit.alpha_eff;
          const GfLimit g = gf_limit(p, Sign::positive, L, beta);
          const double implied = g.weights.norm() / std::sqrt(double(p.cols())) * std::exp(0.5 * q);
          BOOST_TEST(std::abs(implied / beta - 1.0) < 1e-10);
          BOOST_TEST(testing::relative_difference(s.limit.x, g.x) < 1e-10);
          BOOST_TEST(s.critical_ratio == q_c);
          if (L == 2) BOOST_TEST(std::abs(g.x.lpNorm<1>() / (double(p.cols()) * beta * beta * std::exp(-q)) - 1.0) < 1e-9);
        }
      }
    }
}

// The finite-α predictor at α = 1e6 lands on β∞: the finite-α correction to log β is
// (q/2) ρ²/r0² / G' ~ (β/α)², far below the tolerances of the two root finders.
BOOST_AUTO_TEST_CASE(predictor_at_huge_alpha_approaches_the_saturated_scale) {
  for (int L : {2, 3}) {
    BOOST_TEST_CONTEXT("L " << L) {
      const Problem p = positive(1);
      const double q = 0.5 * critical_ratio(p, Sign::positive, L);
      const SaturatedLimit s = large_alpha_limit(p, wn(Sign::positive, L, q));
      PredictOptions po;
      po.scan_points = 80;
      const Prediction at_1e2 = predict_limit(p, wn(Sign::positive, L, q, 1e2), po);
      const Prediction at_1e6 = predict_limit(p, wn(Sign::positive, L, q, 1e6), po);
      const double gap2 = std::abs(at_1e2.alpha_eff / s.limit.alpha_eff - 1.0);
      const double gap6 = std::abs(at_1e6.alpha_eff / s.limit.alpha_eff - 1.0);
      BOOST_TEST(gap6 < 1e-9);
      BOOST_TEST(gap2 < 1e-2);
      BOOST_TEST(gap6 < gap2);
      // The gap at α = 1e2 is the first-order shift (q/2) ρ∞²/(n α² G'), to 10 %.
      BOOST_TEST(std::abs(std::log(s.limit.alpha_eff / at_1e2.alpha_eff) / finite_alpha_shift(s, 1e2) - 1.0) < 0.1);
      BOOST_TEST(testing::relative_difference(at_1e6.x, s.limit.x) < 1e-8);
    }
  }
}

// Below q_c the finite-α predictor stays near β∞ as α grows; above it α_eff grows like α with
// the slope sqrt(1 - q_c/q) e^{q_c/2}; constant-ratio shrinks α by e^{-q_c (1-q)/(2q)}.
BOOST_AUTO_TEST_CASE(threshold_separates_capped_and_uncapped_predictions) {
  const Problem p = positive(2);
  PredictOptions po;
  po.scan_points = 80;
  for (int L : {2, 3}) {
    BOOST_TEST_CONTEXT("L " << L) {
      const double q_c = critical_ratio(p, Sign::positive, L);
      const double beta = large_alpha_limit(p, wn(Sign::positive, L, 0.8 * q_c)).limit.alpha_eff;
      for (double alpha : {1e2, 1e3}) {
        const Prediction below = predict_limit(p, wn(Sign::positive, L, 0.8 * q_c, alpha), po);
        BOOST_TEST(std::abs(below.alpha_eff / beta - 1.0) < 1e-2);
        const Prediction above = predict_limit(p, wn(Sign::positive, L, 1.25 * q_c, alpha), po);
        // Corrections of relative order κ(β) - κ∞ ~ β^{-L} at β ~ α.
        BOOST_TEST(std::abs(above.alpha_eff / alpha / uncapped_growth(1.25 * q_c, q_c) - 1.0) < 1e-2);
      }
      FlowOptions ratio = wn(Sign::positive, L, 0.5, 1e3);
      ratio.schedule = Schedule::constant_ratio;
      const Prediction r = predict_limit(p, ratio, po);
      BOOST_TEST(std::abs(r.alpha_eff / 1e3 / constant_ratio_growth(0.5, q_c) - 1.0) < 1e-2);
      BOOST_CHECK_THROW(large_alpha_limit(p, wn(Sign::positive, L, 1.25 * q_c)), NumericalError);
      BOOST_CHECK_THROW(large_alpha_limit(p, wn(Sign::positive, L, q_c)), NumericalError);
    }
  }
}

// P±: κ(β) >= 1 at every scale, so q_c = 0 and there is no cap for any q.
BOOST_AUTO_TEST_CASE(signed_parameterization_has_no_cap) {
  const Problem p = testing::small_instance(Sign::signed_, 1, 40, 16, 3);
  for (int L : {2, 3}) {
    BOOST_TEST(critical_ratio(p, Sign::signed_, L) == 0.0);
    for (double beta : {0.1, 1.0, 10.0}) BOOST_TEST(kappa_at(p, Sign::signed_, L, beta) >= 1.0);
    BOOST_CHECK_THROW(large_alpha_limit(p, wn(Sign::signed_, L, 0.01)), NumericalError);
  }
}

BOOST_AUTO_TEST_CASE(only_polar_wn_with_constant_rates_has_an_infinite_alpha_limit) {
  const Problem p = positive(1);
  FlowOptions f = wn(Sign::positive, 2, 0.01);
  f.kind = FlowKind::wn_classic;
  BOOST_CHECK_THROW(large_alpha_limit(p, f), InputError);
  f.kind = FlowKind::gf;
  f.ratio.reset();
  BOOST_CHECK_THROW(large_alpha_limit(p, f), InputError);
  f = wn(Sign::positive, 2, 0.01);
  f.schedule = Schedule::constant_ratio;
  BOOST_CHECK_THROW(large_alpha_limit(p, f), InputError);
  f = wn(Sign::positive, 2, 0.01);
  f.ratio.reset();
  f.eta_s = 0.1;
  BOOST_CHECK_THROW(large_alpha_limit(p, f), InputError);
  BOOST_CHECK_THROW(large_alpha_limit(p, wn(Sign::positive, 2, -1.0)), InputError);
  BOOST_CHECK_THROW(large_alpha_direction(p, Sign::positive, 1), InputError);
}
