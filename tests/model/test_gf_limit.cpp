#define BOOST_TEST_MODULE gf_limit
#include <boost/test/unit_test.hpp>

#include <wnflow/model/errors.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/l1.hpp>
#include <wnflow/model/l1_bounds.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

using namespace wnflow;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

#include "support.hpp"

namespace {

// The instance of docs/theory.md §0.2 (instance.hpp). N = 3M: the null space of A then contains a strictly
// positive vector (overwhelmingly likely), so X_L(α) exists for P+.
Problem random_problem(Index M, Index N, Index s, Sign sign, std::uint64_t seed) {
  return testing::small_instance(sign, seed, N, M, s);
}

const Index kM = 20, kN = 60, kS = 3;

struct Case {
  Sign sign;
  int depth;
};
const Case kCases[] = {{Sign::positive, 2}, {Sign::positive, 3}, {Sign::signed_, 2},
                       {Sign::signed_, 3}, {Sign::positive, 4}, {Sign::signed_, 4}};

std::string name(const Case& c) { return (c.sign == Sign::positive ? "P+ L=" : "P± L=") + std::to_string(c.depth); }

// AB = A (P+) or [A, -A] (P±).
MatrixXd lifted(const MatrixXd& A, Sign sign) {
  if (sign == Sign::positive) return A;
  MatrixXd AB(A.rows(), 2 * A.cols());
  AB << A, -A;
  return AB;
}

// ||Π v|| / ||v||, Π the orthogonal projector onto null(AB), from a Householder QR of
// (AB)^T: independent of the library's own projector.
double null_space_fraction(const MatrixXd& AB, const VectorXd& v) {
  const Eigen::HouseholderQR<MatrixXd> qr(AB.transpose());
  const MatrixXd Q = qr.householderQ() * MatrixXd::Identity(AB.cols(), AB.rows());
  return (v - Q * (Q.transpose() * v)).norm() / v.norm();
}

// Ψ_L(W) - Ψ_L(α 1), elementwise on the stacked weights.
VectorXd mirror_difference(const VectorXd& w, int depth, double alpha) {
  if (depth == 2) return (w.array().log() - std::log(alpha)).matrix();
  return (w.array().pow(2.0 - depth) - std::pow(alpha, 2.0 - depth)).matrix();
}

// The table of docs/theory.md §3.1 (T1), evaluated directly from μ.
VectorXd x_of_mu(const MatrixXd& A, const VectorXd& mu, Sign sign, int depth, double alpha) {
  const VectorXd t = A.transpose() * mu;
  if (depth == 2)
    return sign == Sign::positive ? VectorXd(alpha * alpha * t.array().exp())
                                  : VectorXd(2 * alpha * alpha * t.array().sinh());
  const double a = std::pow(alpha, 2.0 - depth), k = double(depth) / (depth - 2);
  const VectorXd plus = (a + t.array()).pow(-k);
  if (sign == Sign::positive) return plus;
  return plus - VectorXd((a - t.array()).pow(-k));
}

// Every check that needs no reference solution.
void check_limit(const Problem& p, const Case& c, double alpha, const GfLimit& r,
                 double residual_tol, double mirror_tol) {
  const Index N = p.cols();
  BOOST_TEST(r.x.allFinite());
  BOOST_TEST(r.weights.allFinite());
  BOOST_TEST(r.mu.allFinite());
  BOOST_TEST(r.weights.minCoeff() > 0.0);
  // Certificate, recomputed.
  const double residual = (p.A * r.x - p.y).norm() / p.y.norm();
  BOOST_TEST(residual <= residual_tol);
  BOOST_TEST(std::abs(residual - r.residual) <= 1e-15 + 1e-6 * residual);
  // x = B(W^L), relative to the size of the terms (for P± at large α they cancel).
  const VectorXd wl = r.weights.array().pow(c.depth);
  const VectorXd bx = c.sign == Sign::positive ? wl : VectorXd(wl.head(N) - wl.tail(N));
  BOOST_TEST((r.x - bx).norm() <= 1e-13 * wl.norm());
  // Bregman/mirror optimality: Ψ_L(W) - Ψ_L(α 1) ∈ range((AB)^T). Relative to the
  // difference itself, and (what doubles can resolve when W ≈ α 1, at large α) relative to
  // the size of the two potentials.
  const VectorXd psi = mirror_difference(r.weights, c.depth, alpha);
  const double fraction = null_space_fraction(lifted(p.A, c.sign), psi);
  const double psi_scale =
      c.depth == 2 ? (r.weights.array().log().matrix().norm() + std::abs(std::log(alpha)) * std::sqrt(double(r.weights.size())))
                   : (r.weights.array().pow(2.0 - c.depth).matrix().norm() +
                      std::pow(alpha, 2.0 - c.depth) * std::sqrt(double(r.weights.size())));
  BOOST_TEST(fraction <= mirror_tol);
  BOOST_TEST(fraction * psi.norm() <= 1e-14 * psi_scale);
  BOOST_TEST_MESSAGE("  " << name(c) << " alpha " << alpha << ": residual " << r.residual
                          << " (floor " << r.residual_floor << ", certified " << r.certified
                          << "), " << r.iterations << " Newton steps, |Pi psi|/|psi| "
                          << fraction << ", |x|_1 " << r.x.lpNorm<1>());
}

}  // namespace

BOOST_AUTO_TEST_CASE(four_cases_certified) {
  for (const Case& c : kCases) {
    const Problem p = random_problem(kM, kN, kS, c.sign, 5);
    for (double alpha : {1e-3, 0.1, 1.0, 10.0}) {
      const GfLimit r = gf_limit(p, c.sign, c.depth, alpha);
      // x ~ α^L: once α^L is large the certificate is bounded by rounding (reported as
      // residual_floor, a worst-case bound, typically ~100x pessimistic).
      check_limit(p, c, alpha, r, std::max(1e-12, 1e-2 * r.residual_floor), 1e-10);
      if (c.depth <= 3) BOOST_TEST(r.residual <= 1e-12);
      // μ reproduces x through the table itself (α where μ is O(1)-sized).
      if (alpha >= 0.1 && alpha <= 1.0) {
        const VectorXd xm = x_of_mu(p.A, r.mu, c.sign, c.depth, alpha);
        BOOST_TEST((xm - r.x).norm() <= 1e-10 * r.x.norm());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(small_alpha_approaches_l1) {
  for (const Case& c : kCases) {
    const Problem p = random_problem(kM, kN, kS, c.sign, 5);
    const double tau_star = solve_l1(p, {c.sign}).value;
    for (double alpha : {1e-6, 1e-8}) {
      const GfLimit r = gf_limit(p, c.sign, c.depth, alpha);
      const double gap = (r.x.lpNorm<1>() - tau_star) / tau_star;
      BOOST_TEST_MESSAGE("  " << name(c) << " alpha " << alpha << ": tau* " << tau_star
                              << ", relative l1 gap " << gap << ", |x - x*|_inf "
                              << (r.x - *p.x_star).lpNorm<Eigen::Infinity>());
      BOOST_TEST(gap >= -1e-12);  // X_L(α) is feasible for the LP
      if (alpha == 1e-6 && c.depth <= 3) BOOST_TEST(gap < 1e-3);
    }
  }
}

// Kernel regime. With 1 ∈ null(A) (rows of A centered), x(0) = α^L 1 already satisfies
// A x(0) = 0, and linearizing the table around λ = 0 gives for every L
//   x - α^L 1 = Aᵀ(AAᵀ)^{-1} y + O(|x_ln|² / α^L),
// the minimum-l2 interpolant x_ln. For P± (x(0) = 0) the same holds without centering.
BOOST_AUTO_TEST_CASE(large_alpha_kernel_regime) {
  for (const Case& c : kCases) {
    // x ~ α^L is resolved to eps α^L in double: keep α^L <= 1e9.
    const double alpha = c.depth <= 3 ? 1e3 : 1e2;
    Problem p = random_problem(kM, kN, kS, c.sign, 5);
    if (c.sign == Sign::positive) {
      p.A = p.A.colwise() - p.A.rowwise().mean();
      p.y = p.A * *p.x_star;
    }
    const VectorXd x_ln = p.A.transpose() * (p.A * p.A.transpose()).llt().solve(p.y);
    const GfLimit r = gf_limit(p, c.sign, c.depth, alpha);
    const double offset = c.sign == Sign::positive ? std::pow(alpha, c.depth) : 0.0;
    const VectorXd dev = r.x.array() - offset;
    const double err = (dev - x_ln).norm() / dev.norm();
    BOOST_TEST_MESSAGE("  " << name(c) << " alpha " << alpha << ": |x - a^L 1 - x_ln|/|x - a^L 1| "
                            << err << ", residual " << r.residual << " (floor "
                            << r.residual_floor << ", certified " << r.certified << "), "
                            << r.iterations << " Newton steps");
    BOOST_TEST(err <= 1e-2);
    BOOST_TEST(r.residual <= std::max(1e-12, r.residual_floor));
  }
}

// The uncentered P+ kernel regime: x(α) = α² ξ0 + h + O(α^{-2}) with ξ0 = exp(Aᵀμ0) > 0,
// A ξ0 = 0, and h = D Aᵀ(A D Aᵀ)^{-1} y (D = diag ξ0) the ξ0-weighted minimum-norm
// interpolant. ξ0 from two scales (Richardson: the h terms cancel), then h checked at α1.
BOOST_AUTO_TEST_CASE(large_alpha_positive_uncentered) {
  const Problem p = random_problem(kM, kN, kS, Sign::positive, 5);
  const double a1 = 1e2, a2 = 1e3;
  const GfLimit r1 = gf_limit(p, Sign::positive, 2, a1);
  const GfLimit r2 = gf_limit(p, Sign::positive, 2, a2);
  const VectorXd xi = (r2.x - r1.x) / (a2 * a2 - a1 * a1);
  const VectorXd h = xi.asDiagonal() * p.A.transpose() *
                     (p.A * xi.asDiagonal() * p.A.transpose()).llt().solve(p.y);
  const VectorXd dev = r1.x - a1 * a1 * xi;
  const double err = (dev - h).norm() / h.norm();
  BOOST_TEST_MESSAGE("  P+ L=2 uncentered: |x(1e2) - 1e4 xi0 - h| / |h| = "
                     << err << ", min xi0 = " << xi.minCoeff() << ", |A xi0| / |xi0| = "
                     << (p.A * xi).norm() / xi.norm());
  BOOST_TEST(xi.minCoeff() > 0.0);
  BOOST_TEST((p.A * xi).norm() <= 1e-6 * xi.norm());
  BOOST_TEST(err <= 1e-2);
}

BOOST_AUTO_TEST_CASE(extreme_alpha_finite) {
  for (const Case& c : kCases) {
    const Problem p = random_problem(kM, kN, kS, c.sign, 5);
    for (double alpha : {1e-8, 1e3}) {
      const GfLimit r = gf_limit(p, c.sign, c.depth, alpha);
      check_limit(p, c, alpha, r, std::max(1e-12, r.residual_floor), alpha > 1 ? 1.0 : 1e-10);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_input_throws) {
  const Problem p = random_problem(kM, kN, kS, Sign::positive, 5);
  const double inf = std::numeric_limits<double>::infinity();
  for (double alpha : {0.0, -1.0, inf, std::nan("")})
    BOOST_CHECK_THROW(gf_limit(p, Sign::positive, 2, alpha), InputError);
  BOOST_CHECK_THROW(gf_limit(p, Sign::positive, 1, 1.0), InputError);
  BOOST_CHECK_THROW(gf_limit(p, Sign::signed_, 0, 1.0), InputError);
  Problem zero = p;
  zero.y.setZero();
  BOOST_CHECK_THROW(gf_limit(zero, Sign::signed_, 2, 1.0), InputError);
  Problem broken = p;
  broken.y.resize(3);
  BOOST_CHECK_THROW(gf_limit(broken, Sign::positive, 2, 1.0), InputError);
  // Newton cannot certify: no iterations allowed, or no positive interpolant at all.
  BOOST_CHECK_THROW(gf_limit(p, Sign::positive, 2, 1.0, {1e-13, 0}), NumericalError);
  Problem cone;
  cone.A = MatrixXd::Ones(1, 3);
  cone.y = VectorXd::Constant(1, -1.0);
  for (int depth : {2, 3}) BOOST_CHECK_THROW(gf_limit(cone, Sign::positive, depth, 1.0), NumericalError);
}

// docs/theory.md §3.4, T4: τ = |X_L(α)|_1 stays below the excess bounds (P+).
BOOST_AUTO_TEST_CASE(t4_bounds_hold) {
  const Problem p = random_problem(kM, kN, kS, Sign::positive, 5);
  const double tau_star = solve_l1(p, {Sign::positive}).value;
  for (double alpha : {1e-6, 1e-3, 0.1, 1.0}) {
    const double tau = gf_limit(p, Sign::positive, 2, alpha).x.lpNorm<1>();
    const auto bound = l1_bound_depth2(tau_star, alpha, kN);
    const bool applies = alpha * alpha < tau_star / (std::exp(1.0) * kN);
    BOOST_TEST(bound.has_value() == applies);
    BOOST_TEST_MESSAGE("  L=2 alpha " << alpha << ": tau " << tau << ", bound "
                                      << (bound ? std::to_string(*bound) : "n/a"));
    if (bound) BOOST_TEST(tau <= *bound);
  }
  for (int depth : {3, 4}) {
    for (double alpha : {1e-3, 0.1, 1.0, 10.0}) {
      const double tau = gf_limit(p, Sign::positive, depth, alpha).x.lpNorm<1>();
      const double bound = l1_bound_deep(tau_star, alpha, kN, depth);
      // The bound is the root of t - c t^{2/L} = τ*.
      const double c = depth / 2.0 * std::pow(alpha, depth - 2) * std::pow(double(kN), 1 - 2.0 / depth);
      BOOST_TEST(std::abs(bound - c * std::pow(bound, 2.0 / depth) - tau_star) <= 1e-10 * bound);
      BOOST_TEST(bound >= tau_star);
      BOOST_TEST_MESSAGE("  L=" << depth << " alpha " << alpha << ": tau " << tau << ", bound " << bound);
      BOOST_TEST(tau <= bound);
    }
  }
  BOOST_CHECK_THROW(l1_bound_deep(tau_star, 1.0, kN, 2), InputError);
  BOOST_CHECK_THROW(l1_bound_depth2(-1.0, 1.0, kN), InputError);
  BOOST_CHECK_THROW(l1_bound_depth2(1.0, 0.0, kN), InputError);
}
