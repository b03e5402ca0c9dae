#define BOOST_TEST_MODULE l1
#include <boost/test/unit_test.hpp>

#include <wnflow/errors.hpp>
#include <wnflow/l1.hpp>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace wnflow;

namespace {

// Deterministic on every platform: mt19937_64 is fully specified, and the transforms
// below (unlike std::normal_distribution) are ours.
struct Rng {
  std::mt19937_64 engine;
  explicit Rng(std::uint64_t seed) : engine(seed) {}
  double uniform() { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {  // Box–Muller, first branch only
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
};

// The default instance of NOTES §0: A_ij ~ N(0, 1/M), s-sparse x* with entries in [1, 2]
// (random signs for P±).
Problem random_problem(Eigen::Index M, Eigen::Index N, Eigen::Index s, Sign sign,
                       std::uint64_t seed) {
  Rng rng(seed);
  Problem p;
  p.A.resize(M, N);
  for (Eigen::Index j = 0; j < N; ++j)
    for (Eigen::Index i = 0; i < M; ++i) p.A(i, j) = rng.normal() / std::sqrt(double(M));
  std::vector<Eigen::Index> perm(N);
  std::iota(perm.begin(), perm.end(), 0);
  for (Eigen::Index k = 0; k < s; ++k) {  // partial Fisher–Yates: a uniform support
    const auto pick = k + static_cast<Eigen::Index>(rng.uniform() * double(N - k));
    std::swap(perm[k], perm[pick]);
  }
  Eigen::VectorXd x = Eigen::VectorXd::Zero(N);
  for (Eigen::Index k = 0; k < s; ++k) {
    double v = 1.0 + rng.uniform();
    if (sign == Sign::signed_ && rng.uniform() < 0.5) v = -v;
    x(perm[k]) = v;
  }
  p.y = p.A * x;
  p.x_star = x;
  return p;
}

// Independent optimality certificate: lambda feasible for the dual LP and y^T lambda equal
// to the primal value (weak duality makes this a proof of optimality of both).
void check_duality(const Problem& p, const L1Result& r, Sign sign) {
  const Eigen::VectorXd c = p.A.transpose() * r.dual;
  const double violation =
      (sign == Sign::positive ? c.maxCoeff() : c.cwiseAbs().maxCoeff()) - 1.0;
  const double gap = std::abs(p.y.dot(r.dual) - r.value) / r.value;
  BOOST_TEST_MESSAGE("  dual violation " << violation << ", relative duality gap " << gap
                                         << ", residual " << r.residual << ", status "
                                         << r.status);
  BOOST_TEST(violation <= 1e-9);
  BOOST_TEST(gap <= 1e-8);
  // The primal is feasible too.
  BOOST_TEST(r.residual <= 1e-9 * std::max(1.0, p.y.lpNorm<Eigen::Infinity>()));
  if (sign == Sign::positive) BOOST_TEST(r.x.minCoeff() >= 0.0);
  // Complementary slackness: on the support, the dual constraint is tight.
  for (Eigen::Index i = 0; i < r.x.size(); ++i)
    if (std::abs(r.x(i)) > 1e-9) BOOST_TEST(std::abs(c(i) - (r.x(i) > 0 ? 1.0 : -1.0)) <= 1e-8);
}

}  // namespace

BOOST_AUTO_TEST_CASE(exact_recovery_positive) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const Problem p = random_problem(30, 60, 3, Sign::positive, seed);
    const L1Result r = solve_l1(p, {Sign::positive});
    const double err = (r.x - *p.x_star).lpNorm<Eigen::Infinity>();
    BOOST_TEST_MESSAGE("seed " << seed << ": |x - x*|_inf = " << err << ", tau* = " << r.value);
    BOOST_TEST(err <= 1e-10);
    BOOST_TEST(std::abs(r.value - p.x_star->sum()) <= 1e-10 * r.value);
    BOOST_TEST(r.residual <= 1e-13);
    check_duality(p, r, Sign::positive);
  }
}

BOOST_AUTO_TEST_CASE(exact_recovery_signed) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const Problem p = random_problem(30, 60, 3, Sign::signed_, seed);
    const L1Result r = solve_l1(p, {Sign::signed_});
    const double err = (r.x - *p.x_star).lpNorm<Eigen::Infinity>();
    BOOST_TEST_MESSAGE("seed " << seed << ": |x - x*|_inf = " << err << ", tau* = " << r.value);
    BOOST_TEST(err <= 1e-10);
    BOOST_TEST(std::abs(r.value - p.x_star->lpNorm<1>()) <= 1e-10 * r.value);
    BOOST_TEST(r.residual <= 1e-13);
    check_duality(p, r, Sign::signed_);
  }
}

// Outside the recovery regime the LP still has a certified optimum, strictly below the
// l1 norm of the (now not recovered) ground truth.
BOOST_AUTO_TEST_CASE(duality_without_recovery) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = random_problem(20, 60, 15, sign, 7);
    const L1Result r = solve_l1(p, {sign});
    BOOST_TEST_MESSAGE(to_string(sign) << ": tau* = " << r.value << " vs |x*|_1 = "
                                       << p.x_star->lpNorm<1>());
    BOOST_TEST(r.value < p.x_star->lpNorm<1>() * (1 - 1e-6));
    check_duality(p, r, sign);
    // The positive LP is a restriction of the signed one.
    if (sign == Sign::signed_) {
      Problem q = random_problem(20, 60, 15, Sign::positive, 7);
      BOOST_TEST(solve_l1(q, {Sign::signed_}).value <=
                 solve_l1(q, {Sign::positive}).value * (1 + 1e-12));
    }
  }
}

BOOST_AUTO_TEST_CASE(infeasible_y_throws) {
  Problem p = random_problem(10, 30, 2, Sign::signed_, 11);
  p.A.row(1) = p.A.row(0);  // duplicated row ...
  p.y(1) = p.y(0) + 0.5;    // ... with an inconsistent right-hand side
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    try {
      solve_l1(p, {sign});
      BOOST_FAIL("infeasible LP did not throw");
    } catch (const NumericalError& e) {
      BOOST_TEST_MESSAGE(e.what());
      BOOST_TEST(std::string(e.what()).find("not in the range of A") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(outside_positive_cone_throws) {
  Problem p;
  p.A = Eigen::MatrixXd::Ones(1, 3);
  p.y = Eigen::VectorXd::Constant(1, -1.0);  // in range(A), but no z >= 0 reaches it
  BOOST_CHECK_THROW(solve_l1(p, {Sign::positive}), NumericalError);
  const L1Result r = solve_l1(p, {Sign::signed_});
  BOOST_TEST(std::abs(r.value - 1.0) <= 1e-12);
}

BOOST_AUTO_TEST_CASE(bad_input_throws) {
  Problem p = random_problem(5, 10, 1, Sign::positive, 3);
  p.y.resize(4);
  BOOST_CHECK_THROW(solve_l1(p), InputError);
  Problem q = random_problem(5, 10, 1, Sign::positive, 3);
  BOOST_CHECK_THROW(solve_l1(q, {Sign::positive, -1.0}), InputError);
}
