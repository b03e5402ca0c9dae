// The low-rank Rosenbrock stepper: its Woodbury solves against dense LU (and the fallback
// when Woodbury is inaccurate), its limits against rosenbrock4 and dopri5, its step counts
// against rosenbrock4 (same method and controller), and no allocation per step.
#define BOOST_TEST_MODULE rosenbrock
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <string>
#include <new>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/solve/rosenbrock.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

#include "allocation_counter.hpp"
#include "support.hpp"

using namespace wnflow;

namespace {


// G of a Gram structure: `copies` stacked A^T from row row0 on, n rows in all.
Matrix gram_matrix(const GramStructure& g, Eigen::Index n) {
  const Eigen::Index N = g.A->cols();
  Matrix G = Matrix::Zero(n, g.A->rows());
  for (int c = 0; c < g.copies; ++c) G.middleRows(g.row0 + c * N, N) = g.A->transpose();
  return G;
}

// The low-rank term U V^T of a solver's Jacobian, formed densely: with a Gram form declared,
// diag(a) G (diag(b) G)^T for its block plus the explicit columns after it.
Matrix low_rank_term(const LowRankSolver& s) {
  Matrix UV = s.jacobian.U * s.jacobian.V.transpose();
  if (s.jacobian.gram.present()) {
    const Eigen::Index n = s.jacobian.D.size();
    Vector a = Vector::Zero(n), b = Vector::Zero(n);
    a.segment(s.jacobian.gram.row0, s.jacobian.gram.a.size()) = s.jacobian.gram.a;
    b.segment(s.jacobian.gram.row0, s.jacobian.gram.b.size()) = s.jacobian.gram.b;
    const Matrix G = gram_matrix(s.jacobian.gram, n);
    UV += a.asDiagonal() * G * G.transpose() * b.asDiagonal();
  }
  return UV;
}

// (σ I − diag(D) − U V^T) x = b by dense LU, the reference.
Vector dense_solve(const LowRankSolver& s, double sigma, const Vector& b) {
  Matrix A = -low_rank_term(s);
  A.diagonal().array() += sigma - s.jacobian.D.array();
  return A.partialPivLu().solve(b);
}

struct Run {
  IntegrateSummary summary;
  Vector x;  // the recovered vector B(w^L)
};

template <class Flow>
Run run(Flow& flow, StepperKind kind) {
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
  s.jacobian.U = Matrix::Random(n, k);
  s.jacobian.V = Matrix::Random(n, k);
  const Vector b = Vector::Random(n);
  Vector x(n);
  // Diagonals from benign to spread over 20 decades, the regime of small weights.
  for (double spread : {0.0, 5.0, 10.0, 20.0}) {
    s.jacobian.D = -(Vector::LinSpaced(n, 0.0, spread).array() * std::log(10.0)).exp().matrix();
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

namespace {

// A Gram structure over `copies` stacked copies of A^T from row row0, with random a and b.
GramStructure random_gram(const Matrix& A, int copies, Eigen::Index row0) {
  GramStructure g;
  g.A = &A;
  g.copies = copies;
  g.row0 = row0;
  g.a = Vector::Random(copies * A.cols());
  g.b = Vector::Random(copies * A.cols());
  return g;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_gram_structure_solves_as_the_explicit_factors) {
  // J = D + [diag(a) G, U2] [diag(b) G, V2]^T with G one or two stacked copies of A^T after
  // one leading row (the classic-WN layout). Given the Gram form, the solver holds only U2, V2
  // and goes through A for the block (its symmetric part by the lower triangle). Its solves
  // must match dense LU and the solver given every column explicitly, for every sign pattern
  // of a and b.
  for (int copies : {1, 2}) {
  BOOST_TEST_CONTEXT("copies " << copies) {
  const Eigen::Index M = 9, N = 35, n = copies * N + 2, k = M + 3;
  std::srand(5);
  const Matrix A = Matrix::Random(M, N);
  const GramStructure g = random_gram(A, copies, 1);
  const Matrix G = gram_matrix(g, n);
  LowRankSolver plain(n, k), gram(n, k);
  gram.jacobian.U = Matrix::Random(n, k - M);
  gram.jacobian.V = Matrix::Random(n, k - M);
  gram.jacobian.D = -Vector::Random(n).cwiseAbs();
  gram.jacobian.gram = g;
  plain.jacobian.U = Matrix::Zero(n, k);
  plain.jacobian.V = Matrix::Zero(n, k);
  plain.jacobian.U.middleRows(1, copies * N).leftCols(M) = g.a.asDiagonal() * G.middleRows(1, copies * N);
  plain.jacobian.V.middleRows(1, copies * N).leftCols(M) = g.b.asDiagonal() * G.middleRows(1, copies * N);
  plain.jacobian.U.rightCols(k - M) = gram.jacobian.U;
  plain.jacobian.V.rightCols(k - M) = gram.jacobian.V;
  plain.jacobian.D = gram.jacobian.D;
  const Vector b = Vector::Random(n);
  Vector x_plain(n), x_gram(n);
  for (double sigma : {1e-3, 1.0, 1e3}) {
    plain.factor(sigma);
    gram.factor(sigma);
    plain.solve(b, x_plain);
    gram.solve(b, x_gram);
    BOOST_TEST_CONTEXT("sigma " << sigma) {
      BOOST_TEST(testing::relative_difference(x_gram, dense_solve(gram, sigma, b)) < 1e-10);
      BOOST_TEST(testing::relative_difference(x_gram, x_plain) < 1e-11);
    }
  }
  BOOST_TEST(gram.fallbacks == 0);
  // A singular Δ (σ = D_i) falls back to dense LU, with the Gram block written out.
  gram.jacobian.D[3] = 2.0;
  gram.factor(2.0);
  gram.solve(b, x_gram);
  BOOST_TEST(gram.fallbacks == 1);
  BOOST_TEST(testing::relative_difference(x_gram, dense_solve(gram, 2.0, b)) < 1e-10);
  }
  }
}

BOOST_AUTO_TEST_CASE(a_positive_definite_gram_block_is_factored_by_cholesky) {
  // C's Gram block S = I − G^T diag(b a/δ) G is symmetric, alone (the gradient flows, e = 0)
  // or with e columns after it (WN: a Schur complement). a b <= 0 with Δ > 0 makes S positive
  // definite: Cholesky, solving as dense LU. a b > 0 with a small σ makes it indefinite:
  // Cholesky refuses and LU takes over, with the same answers.
  for (int copies : {1, 2}) {
    for (Eigen::Index e : {0, 3}) {
      BOOST_TEST_CONTEXT("copies " << copies << ", e " << e) {
        const Eigen::Index M = 9, N = 45, n = copies * N;  // 3 (M + e) < n: the low-rank mode
        std::srand(11);
        const Matrix A = Matrix::Random(M, N);
        LowRankSolver s(n, M + e);
        s.jacobian.gram = random_gram(A, copies, 0);
        s.jacobian.gram.a = -s.jacobian.gram.a.cwiseAbs();
        s.jacobian.gram.b = s.jacobian.gram.b.cwiseAbs();
        s.jacobian.U = 0.5 * Matrix::Random(n, e);
        s.jacobian.V = 0.5 * Matrix::Random(n, e);
        s.jacobian.D = -Vector::Random(n).cwiseAbs();
        const Vector b = Vector::Random(n);
        Vector x(n);
        long cholesky = 0;
        for (double sigma : {1e-3, 1.0, 1e3}) {
          s.factor(sigma);
          s.solve(b, x);
          BOOST_TEST(s.cholesky_factorizations == ++cholesky);
          BOOST_TEST(testing::relative_difference(x, dense_solve(s, sigma, b)) < 1e-10, "sigma " << sigma);
        }
        s.jacobian.gram.a = -s.jacobian.gram.a;  // a b > 0: S = I − (positive semidefinite)/δ
        for (double sigma : {1e-2, 1e-1}) {
          s.factor(sigma);
          s.solve(b, x);
          BOOST_TEST(s.cholesky_factorizations == cholesky, "sigma " << sigma);
          BOOST_TEST(testing::relative_difference(x, dense_solve(s, sigma, b)) < 1e-10, "sigma " << sigma);
        }
        BOOST_TEST(s.fallbacks == 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_nearly_constant_diagonal_is_taken_as_constant_only_within_the_tolerance) {
  // bdf's setting: D with spread <= diagonal_tolerance |σ − d̄| is factored as its midrange d̄,
  // so the solve is that of the approximate matrix (and measurably not the exact one); a wider
  // spread, or the default tolerance 0, solves the exact matrix.
  const Eigen::Index M = 8, N = 40, n = N + 2, k = M + 3;  // 3 k < n: the low-rank mode
  std::srand(13);
  const Matrix A = Matrix::Random(M, N);
  LowRankSolver s(n, k);
  s.jacobian.gram = random_gram(A, 1, 1);
  s.jacobian.U = 0.3 * Matrix::Random(n, k - M);
  s.jacobian.V = 0.3 * Matrix::Random(n, k - M);
  const Vector near = Vector::Constant(n, -0.5) + 0.01 * Vector::Random(n);  // spread <= 0.02
  const double mid = 0.5 * (near.maxCoeff() + near.minCoeff());
  const Vector b = Vector::Random(n);
  Vector x(n);
  auto approximate_solve = [&](double sigma) {
    const Vector exact_d = s.jacobian.D;
    s.jacobian.D.setConstant(mid);
    const Vector y = dense_solve(s, sigma, b);
    s.jacobian.D = exact_d;
    return y;
  };
  s.jacobian.D = near;
  for (double tolerance : {0.0, 0.1}) {
    s.diagonal_tolerance = tolerance;
    for (double sigma : {1.0, 0.52}) {  // |σ − d̄| = 1.5 (0.15 >= spread) and 1.02
      BOOST_TEST_CONTEXT("tolerance " << tolerance << ", sigma " << sigma) {
        s.factor(sigma);
        s.solve(b, x);
        const bool approximated = tolerance > 0.0;
        const Vector exact = dense_solve(s, sigma, b), approx = approximate_solve(sigma);
        BOOST_TEST(testing::relative_difference(x, approximated ? approx : exact) < 1e-10);
        BOOST_TEST(testing::relative_difference(exact, approx) > 1e-4);
      }
    }
  }
  // Spread 1 against |σ − d̄| = 1.5: beyond 0.1 of it, so exact.
  s.jacobian.D = -Vector::Random(n).cwiseAbs();
  s.diagonal_tolerance = 0.1;
  s.factor(1.0);
  s.solve(b, x);
  BOOST_TEST(testing::relative_difference(x, dense_solve(s, 1.0, b)) < 1e-10);
}

BOOST_AUTO_TEST_CASE(a_constant_diagonal_reuses_the_product_for_a_new_sigma) {
  // With D constant, factor(σ, same_factors = true) rescales the previous V^T U instead of
  // forming it again: its solves must match dense LU at every σ, with and without the Gram
  // structure, for D = 0 (the L = 2 gradient flow) and D = −0.7; and new factors passed with
  // same_factors = false must be used, not the kept product.
  for (int copies : {1, 2}) {
    for (double d : {0.0, -0.7}) {
      BOOST_TEST_CONTEXT("copies " << copies << ", D = " << d) {
        const Eigen::Index M = 8, N = 30, n = copies * N, k = M + 2;
        std::srand(7);
        const Matrix A = Matrix::Random(M, N);
        const GramStructure g = random_gram(A, copies, 0);
        const Matrix G = gram_matrix(g, n);
        LowRankSolver s(n, k);
        s.jacobian.U = Matrix::Random(n, k - M);  // the columns after the Gram block
        s.jacobian.V = Matrix::Random(n, k - M);
        s.jacobian.D.setConstant(d);
        s.jacobian.gram = g;
        const Vector b = Vector::Random(n);
        Vector x(n);
        bool same = false;
        for (double sigma : {1e-2, 1.0, 30.0, 1.0}) {
          s.factor(sigma, same);
          s.solve(b, x);
          BOOST_TEST(testing::relative_difference(x, dense_solve(s, sigma, b)) < 1e-10);
          same = true;
        }
        s.jacobian.V = Matrix::Random(n, k - M);  // new factors
        s.factor(2.0, false);
        s.solve(b, x);
        BOOST_TEST(testing::relative_difference(x, dense_solve(s, 2.0, b)) < 1e-10);
        BOOST_TEST(s.fallbacks == 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(the_flows_gram_form_applies_as_their_dense_jacobian) {
  // Every flow's low-rank Jacobian (D, the Gram form of M columns, and jacobian_rank() − M
  // explicit columns) applied to vectors through A with the Gram helpers must give J x of the
  // flow's dense jacobian() (at a generic state, P+ and P±, L = 2 and 3).
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = random_instance({40, 12, 3, 9, sign});
    for (int L : {2, 3}) {
      const DiagonalNetwork net(p, sign, L);
      const auto check = [&](auto flow, const std::string& name) {
        const Eigen::Index n = flow.dimension(), k = flow.jacobian_rank(), M = net.M();
        std::srand(6);
        const Vector state = flow.initial_state() + 0.3 * Vector::Random(n);
        Matrix J(n, n);
        flow.jacobian(state, J);
        LowRankJacobian low_rank;
        flow.jacobian(state, low_rank);
        const Vector& D = low_rank.D;
        const GramStructure& g = low_rank.gram;
        const Matrix& U = low_rank.U;
        const Matrix& V = low_rank.V;
        BOOST_TEST_CONTEXT(name << " " << to_string(sign) << " L=" << L) {
          BOOST_TEST_REQUIRE(g.present());
          BOOST_TEST(g.rank() == M);
          BOOST_TEST(U.cols() == k - M);
          BOOST_TEST(V.cols() == k - M);
          BOOST_TEST(U.rows() == n);
          for (int trial = 0; trial < 3; ++trial) {
            const Vector x = Vector::Random(n);
            Vector t(M), folded, at;
            gram_transpose_times(g, g.b, x, folded, t);
            Vector Jx = D.cwiseProduct(x) + U * (V.transpose() * x);
            gram_times_add(g, g.a, t, at, Jx);
            BOOST_TEST((Jx - J * x).norm() <= 1e-12 * (J.norm() * x.norm()));
          }
        }
      };
      check(GradientFlow(net, 0.5, 1.0), "gf");
      check(WeightNormFlow(net, 0.5, WeightNormRates::from_ratio(0.05, 0.5 * std::sqrt(double(net.n())), 1.0)), "wn");
      check(ClassicWeightNormFlow(net, 0.5, 2.0), "classic");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_singular_capacitance_falls_back_to_dense_lu) {
  // σ − D_i = 0 for one i makes Woodbury's Δ^{-1} infinite, while σ I − J stays regular.
  const Eigen::Index n = 60, k = 6;
  std::srand(4);
  LowRankSolver s(n, k);
  s.jacobian.U = Matrix::Random(n, k);
  s.jacobian.V = Matrix::Random(n, k);
  s.jacobian.D = Vector::Random(n);
  const double sigma = 2.0;
  s.jacobian.D[7] = sigma;
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
        GradientFlow gf(net, alpha);
        WeightNormFlow wn(net, alpha, WeightNormRates::from_ratio(0.05, initial_radius(net, alpha)));
        ClassicWeightNormFlow classic(net, alpha, classic_v0_norm({}, 0.05, initial_radius(net, alpha)));
        const auto check = [&](auto flow, const std::string& name) {
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
  GradientFlow gf(net, 0.5);
  WeightNormFlow wn(net, 0.5, WeightNormRates::from_ratio(0.5, initial_radius(net, 0.5)));
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
