// The low-rank Rosenbrock stepper: its Woodbury solves against dense LU (and the fallback
// when Woodbury is inaccurate), its limits against rosenbrock4 and dopri5, its step counts
// against rosenbrock4 (same method and controller), and no allocation per step.
#define BOOST_TEST_MODULE rosenbrock
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <new>
#include <wnflow/gradient_flow.hpp>
#include <wnflow/instance.hpp>
#include <wnflow/integrate.hpp>
#include <wnflow/rosenbrock.hpp>
#include <wnflow/weight_norm.hpp>
#include <wnflow/weight_norm_classic.hpp>

#include "allocation_counter.hpp"
#include "support.hpp"

using namespace wnflow;

namespace {


// (σ I − diag(D) − U V^T) x = b by dense LU, the reference.
Vector dense_solve(const LowRankSolver& s, double sigma, const Vector& b) {
  Matrix A = -s.U * s.V.transpose();
  A.diagonal().array() += sigma - s.D.array();
  return A.partialPivLu().solve(b);
}

struct Run {
  IntegrateSummary summary;
  Vector x;  // the recovered vector B(w^L)
};

template <class Flow>
Run run(const Flow& flow, StepperKind kind) {
  IntegrateOptions o;
  o.stepper = kind;
  o.rtol = 1e-10;
  o.atol = 1e-14;
  o.t_max = 1e8;
  o.loss_tol = 1e-20;
  Vector state = flow.initial_state();
  Run r;
  r.summary = integrate(flow, state, o);
  r.x = flow.network().x_of_w(flow.weights(state));
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(woodbury_solves_match_dense_lu) {
  const Eigen::Index n = 90, k = 12;
  std::srand(3);
  LowRankSolver s(n, k);
  BOOST_TEST_REQUIRE(!s.dense_mode());
  s.U = Matrix::Random(n, k);
  s.V = Matrix::Random(n, k);
  const Vector b = Vector::Random(n);
  Vector x(n);
  // Diagonals from benign to spread over 20 decades, the regime of small weights.
  for (double spread : {0.0, 5.0, 10.0, 20.0}) {
    s.D = -(Vector::LinSpaced(n, 0.0, spread).array() * std::log(10.0)).exp().matrix();
    for (double sigma : {1e-6, 1.0, 1e6}) {
      s.factor(sigma);
      s.solve(b, x);
      BOOST_TEST_CONTEXT("spread 1e" << spread << ", sigma " << sigma) {
        BOOST_TEST(testing::relative_difference(x, dense_solve(s, sigma, b)) < 1e-9);
      }
    }
  }
  BOOST_TEST(s.fallbacks == 0);
}

BOOST_AUTO_TEST_CASE(a_declared_symmetric_block_solves_as_the_full_product) {
  // U = [diag(a) G, U2], V = [diag(b) G, V2]: the leading block of V^T Δ^{-1} U is symmetric,
  // and factor() forms only its lower triangle. The solve must match dense LU, and the
  // undeclared (full-product) factorization, for every sign pattern of a and b.
  const Eigen::Index n = 80, m = 10, k = 13;
  std::srand(5);
  const Matrix G = Matrix::Random(n, m);
  const Vector a = Vector::Random(n), bs = Vector::Random(n), b = Vector::Random(n);
  LowRankSolver full(n, k), half(n, k);
  for (LowRankSolver* s : {&full, &half}) {
    s->U << a.asDiagonal() * G, Matrix::Random(n, k - m);
    s->V << bs.asDiagonal() * G, Matrix::Random(n, k - m);
    s->D = -Vector::Random(n).cwiseAbs();
  }
  half.U = full.U;
  half.V = full.V;
  half.D = full.D;
  half.symmetric_cols = m;
  Vector x_full(n), x_half(n);
  for (double sigma : {1e-3, 1.0, 1e3}) {
    full.factor(sigma);
    half.factor(sigma);
    full.solve(b, x_full);
    half.solve(b, x_half);
    BOOST_TEST_CONTEXT("sigma " << sigma) {
      BOOST_TEST(testing::relative_difference(x_half, dense_solve(half, sigma, b)) < 1e-10);
      BOOST_TEST(testing::relative_difference(x_half, x_full) < 1e-12);
    }
  }
  BOOST_TEST(half.fallbacks == 0);
}

BOOST_AUTO_TEST_CASE(the_flows_declared_symmetric_columns_are_symmetric) {
  // Every flow says its first M columns are rescalings of one C^T: check V^T diag(d) U on
  // those columns is symmetric for a random d, at a generic state.
  const Problem p = random_instance({60, 20, 3, 9, Sign::signed_});
  const DiagonalNetwork net(p, Sign::signed_, 3);
  const auto check = [](const auto& flow) {
    const Eigen::Index n = flow.dimension(), k = flow.jacobian_rank(), m = flow.jacobian_symmetric_rank();
    BOOST_TEST_REQUIRE(m <= k);
    std::srand(6);
    const Vector state = flow.initial_state() + 0.3 * Vector::Random(n);
    Vector D(n);
    Matrix U(n, k), V(n, k);
    flow.jacobian_factors(state, D, U, V);
    const Vector d = Vector::Random(n);
    const Matrix block = V.leftCols(m).transpose() * d.asDiagonal() * U.leftCols(m);
    BOOST_TEST(block.norm() > 0.0);
    BOOST_TEST((block - block.transpose()).norm() <= 1e-12 * block.norm());
  };
  check(GradientFlow(net, 0.5, 1.0));
  check(WeightNormFlow(net, 0.5, WeightNormRates::from_ratio(0.05, 0.5 * std::sqrt(double(net.n())), 1.0)));
  check(ClassicWeightNormFlow(net, 0.5, 2.0));
}

BOOST_AUTO_TEST_CASE(a_singular_capacitance_falls_back_to_dense_lu) {
  // σ − D_i = 0 for one i makes Woodbury's Δ^{-1} infinite, while σ I − J stays regular.
  const Eigen::Index n = 60, k = 6;
  std::srand(4);
  LowRankSolver s(n, k);
  s.U = Matrix::Random(n, k);
  s.V = Matrix::Random(n, k);
  s.D = Vector::Random(n);
  const double sigma = 2.0;
  s.D[7] = sigma;
  const Vector b = Vector::Random(n);
  Vector x(n);
  s.factor(sigma);
  s.solve(b, x);
  BOOST_TEST(s.fallbacks == 1);
  BOOST_TEST(testing::relative_difference(x, dense_solve(s, sigma, b)) < 1e-10);
}

BOOST_AUTO_TEST_CASE(same_limits_and_step_counts_as_rosenbrock4) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = random_instance({24, 8, 2, 1, sign});
    for (int L : {2, 3}) {
      const DiagonalNetwork net(p, sign, L);
      for (double alpha : {1.0, 10.0}) {
        const GradientFlow gf(net, alpha);
        const WeightNormFlow wn(net, alpha, WeightNormRates::from_ratio(0.05, initial_radius(net, alpha)));
        const ClassicWeightNormFlow classic(net, alpha, classic_v0_norm({}, 0.05, initial_radius(net, alpha)));
        const auto check = [&](const auto& flow, const std::string& name) {
          const Run lr = run(flow, StepperKind::rosenbrock_lowrank);
          const Run r4 = run(flow, StepperKind::rosenbrock4);
          BOOST_TEST_CONTEXT(name << " " << to_string(sign) << " L=" << L << " alpha=" << alpha) {
            BOOST_TEST_INFO(lr.summary.report());
            BOOST_TEST(lr.summary.converged());
            BOOST_TEST_INFO(r4.summary.report());
            BOOST_TEST(r4.summary.converged());
            BOOST_TEST(testing::relative_difference(lr.x, r4.x) < 1e-7);
            // Same method, same controller: the step counts agree up to rounding-driven
            // differences in accept/reject decisions.
            BOOST_TEST(std::abs(lr.summary.steps - r4.summary.steps) <= 2 + r4.summary.steps / 20);
          }
        };
        check(gf, "gf");
        check(wn, "wn");
        check(classic, "classic");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(same_limit_as_dopri5) {
  // A mildly stiff case, so that plain dopri5 gets there in reasonable time.
  const Problem p = random_instance({24, 8, 2, 4, Sign::signed_});
  const DiagonalNetwork net(p, Sign::signed_, 2);
  const GradientFlow gf(net, 0.5);
  const WeightNormFlow wn(net, 0.5, WeightNormRates::from_ratio(0.5, initial_radius(net, 0.5)));
  const Run gf_lr = run(gf, StepperKind::rosenbrock_lowrank), gf_dp = run(gf, StepperKind::dopri5);
  const Run wn_lr = run(wn, StepperKind::rosenbrock_lowrank), wn_dp = run(wn, StepperKind::dopri5);
  for (const Run* r : {&gf_lr, &gf_dp, &wn_lr, &wn_dp}) {
    BOOST_TEST_INFO(r->summary.report());
    BOOST_TEST(r->summary.converged());
  }
  BOOST_TEST(testing::relative_difference(gf_lr.x, gf_dp.x) < 1e-7);
  BOOST_TEST(testing::relative_difference(wn_lr.x, wn_dp.x) < 1e-7);
}

BOOST_AUTO_TEST_CASE(steps_do_not_allocate) {
  IntegrateOptions o;
  o.stepper = StepperKind::rosenbrock_lowrank;
  o.rtol = 1e-14;
  o.atol = 1e-16;
  testing::check_no_allocation_per_step(o);
}
