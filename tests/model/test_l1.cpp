#define BOOST_TEST_MODULE l1
#include <boost/test/unit_test.hpp>

#include <wnflow/model/errors.hpp>
#include <wnflow/model/l1.hpp>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace wnflow;

#include "support.hpp"

namespace {

// The instance of docs/theory.md §0.2 (instance.hpp).
Problem random_problem(Eigen::Index M, Eigen::Index N, Eigen::Index s, Sign sign,
                       std::uint64_t seed) {
  return testing::small_instance(sign, seed, N, M, s);
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
