// P± with u and v normalized separately (docs/theory.md §1.5, §2.5): the right-hand side
// against finite differences of the loss in (r_u, s_u, r_v, s_v), the Jacobian against finite
// differences of the right-hand side, the two block invariants along an integrated flow, and
// a limit that differs from the joint flow's.
#define BOOST_TEST_MODULE weight_norm_separate
#include <boost/test/unit_test.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_separate.hpp>
#include <wnflow/solve/integrate.hpp>

#include "support.hpp"

using namespace wnflow;

namespace {

Problem instance(std::uint64_t seed = 7, Eigen::Index N = 12, Eigen::Index M = 5) {
  return testing::small_instance(Sign::signed_, seed, N, M, 2);
}

// ℓ(u, v) = ½|A(u^L - v^L) - y|², directly.
double loss_of_w(const Problem& p, int L, const Vector& w) {
  const auto N = p.A.cols();
  const Vector x = w.head(N).array().pow(L).matrix() - w.tail(N).array().pow(L).matrix();
  return 0.5 * (p.A * x - p.y).squaredNorm();
}

Vector fd_gradient(const Problem& p, int L, const Vector& w, double h = 1e-6) {
  Vector g(w.size());
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    Vector a = w, b = w;
    a[i] += h;
    b[i] -= h;
    g[i] = (loss_of_w(p, L, a) - loss_of_w(p, L, b)) / (2 * h);
  }
  return g;
}

using testing::relative_difference;

Vector random_state(Eigen::Index n, unsigned seed) {
  std::srand(seed);
  Vector s(n + 2);
  s.head(n) = -0.5 + 0.4 * Vector::Random(n).array();
  s.tail(2) << 0.1, -0.2;
  return s;
}

}  // namespace

// Each block is a polar WN of its own: ṙ_j = -eta_r ∂ℓ/∂r_j, ṡ_j = -eta_s (I - s_j s_jᵀ) ∇_{s_j} ℓ
// with ∂ℓ/∂r_j = <∇_{w_j} ℓ, s_j> and ∇_{s_j} ℓ = r_j ∇_{w_j} ℓ; then ż_j = ẇ_j / w_j and
// d log φ_j/dt = (1 - eta_s r_j²/eta_r) ṙ_j/r_j (constant rates).
BOOST_AUTO_TEST_CASE(right_hand_side_matches_the_block_polar_flows) {
  const Problem p = instance();
  for (int L : {2, 3, 4}) {
    const DiagonalNetwork net(p, Sign::signed_, L);
    const WeightNormRates rates{0.8, 0.05, Schedule::constant_rates};
    SeparateWeightNormFlow flow(net, 0.3, rates);
    const Vector s = random_state(net.n(), 3);
    const Vector w = s.head(net.n()).array().exp();
    const Vector grad = fd_gradient(p, L, w);
    const Eigen::Index N = net.N();
    Vector expected_z(net.n()), expected_phi(2);
    for (int j = 0; j < 2; ++j) {
      const Vector wj = w.segment(j * N, N), gj = grad.segment(j * N, N);
      const double r = wj.norm();
      const Vector sj = wj / r;
      const double dr = -rates.eta_r * gj.dot(sj);
      const Vector grad_s = r * gj;
      const Vector ds = -rates.eta_s * (grad_s - sj.dot(grad_s) * sj);
      const Vector dw = dr * sj + r * ds;
      expected_z.segment(j * N, N) = dw.cwiseQuotient(wj);
      expected_phi[j] = (1.0 - rates.eta_s * r * r / rates.eta_r) * dr / r;
    }
    Vector f(flow.dimension());
    flow.derivative(s, f);
    BOOST_TEST_CONTEXT("L = " << L) {
      BOOST_TEST(relative_difference(f.head(net.n()), expected_z) < 1e-7);
      BOOST_TEST(relative_difference(f.tail(2), expected_phi) < 1e-7);
    }
  }
}

// The low-rank Jacobian (written out) against central differences of the right-hand side,
// for both schedules and L = 2, 3; and its shape: the Gram block plus six columns.
BOOST_AUTO_TEST_CASE(jacobian_matches_finite_differences) {
  const Problem p = instance(11);
  for (int L : {2, 3}) {
    for (Schedule sch : {Schedule::constant_rates, Schedule::constant_ratio}) {
      const DiagonalNetwork net(p, Sign::signed_, L);
      SeparateWeightNormFlow flow(net, 0.3, {0.8, 0.5, sch});
      const Vector s = random_state(net.n(), 5);
      const Eigen::Index d = flow.dimension();
      Matrix J(d, d);
      flow.jacobian(s, J);
      const Matrix J_fd = testing::finite_difference_jacobian(flow, s);
      LowRankJacobian low_rank;
      flow.jacobian(s, low_rank);
      BOOST_TEST_CONTEXT("L = " << L << ", " << to_string(sch)) {
        BOOST_TEST((J - J_fd).norm() <= 1e-6 * J_fd.norm());
        BOOST_TEST(low_rank.rank() == flow.jacobian_rank());
        BOOST_TEST(low_rank.gram.present());
        BOOST_TEST(!low_rank.derivative_in_span);
      }
    }
  }
}

// Along an integrated flow each block keeps its mirror invariant (§2.5):
//   L = 2:  Π_A [log w_j - log(α φ_j) 1] = 0,
//   L > 2:  Π_A [w_j^{2-L} φ_j^{L-2} - α^{2-L} 1] = 0,
// Π_A the projector onto the null space of A, φ_j from the integrated coordinate. The flow
// converges (the auto stepper hands over to bdf with this Jacobian on the way).
BOOST_AUTO_TEST_CASE(each_block_keeps_its_mirror_invariant) {
  const Problem p = instance(3, 30, 10);
  const Matrix Pi = Matrix::Identity(p.cols(), p.cols()) -
                    p.A.transpose() * (p.A * p.A.transpose()).ldlt().solve(p.A);
  for (int L : {2, 3}) {
    for (double alpha : {0.1, 3.0}) {
      const DiagonalNetwork net(p, Sign::signed_, L);
      const double r0 = alpha * std::sqrt(double(net.N()));
      SeparateWeightNormFlow flow(net, alpha, WeightNormRates::from_ratio(0.2, r0));
      Vector state = flow.initial_state();
      IntegrateOptions o;
      o.t_max = 1e9;
      o.loss_tol = 1e-20;
      const IntegrateSummary summary = integrate(flow, state, o);
      BOOST_TEST_CONTEXT("L = " << L << ", alpha = " << alpha << ": " << summary.report()) {
        BOOST_TEST(summary.converged());
        const Eigen::Index N = net.N();
        for (int j = 0; j < 2; ++j) {
          const Vector z = state.segment(j * N, N);
          const double log_beta = flow.log_alpha_eff_integrated(state, j);
          Vector psi, psi0;
          if (L == 2) {
            psi = z.array() - log_beta;
            psi0 = Vector::Zero(N);
          } else {
            psi = ((2.0 - L) * (z.array() - log_beta)).exp();  // (w/β)^{2-L}
            psi0 = Vector::Ones(N);
          }
          BOOST_TEST((Pi * (psi - psi0)).norm() <= 1e-6 * std::max(1.0, psi.norm()), "block " << j);
        }
      }
    }
  }
}

// The variant is not the joint flow: on a generic instance at α = 1 the radii of u and v end
// apart and the limits differ.
BOOST_AUTO_TEST_CASE(separate_and_joint_limits_differ) {
  const Problem p = instance(3, 30, 10);
  const DiagonalNetwork net(p, Sign::signed_, 2);
  const double alpha = 1.0;
  SeparateWeightNormFlow separate(net, alpha, WeightNormRates::from_ratio(0.2, alpha * std::sqrt(30.0)));
  WeightNormFlow joint(net, alpha, WeightNormRates::from_ratio(0.2, alpha * std::sqrt(60.0)));
  IntegrateOptions o;
  o.t_max = 1e9;
  o.loss_tol = 1e-20;
  Vector s1 = separate.initial_state(), s2 = joint.initial_state();
  BOOST_TEST_REQUIRE(integrate(separate, s1, o).converged());
  BOOST_TEST_REQUIRE(integrate(joint, s2, o).converged());
  const Vector x1 = net.x_of_w(separate.weights(s1)), x2 = net.x_of_w(joint.weights(s2));
  BOOST_TEST(relative_difference(p.A * x1, p.y) < 1e-8);
  BOOST_TEST(relative_difference(x1, x2) > 1e-3);
  BOOST_TEST(std::abs(separate.block_radius(s1, 0) - separate.block_radius(s1, 1)) >
             1e-3 * separate.block_radius(s1, 0));
}

BOOST_AUTO_TEST_CASE(positive_networks_are_refused) {
  InstanceSpec spec;
  spec.N = 12;
  spec.M = 5;
  spec.sparsity = 2;
  const Problem p = random_instance(spec);
  const DiagonalNetwork net(p, Sign::positive, 2);
  BOOST_CHECK_THROW(SeparateWeightNormFlow(net, 0.3, {1.0, 1.0, Schedule::constant_rates}), InputError);
  const Problem q = instance();
  const DiagonalNetwork signed_net(q, Sign::signed_, 2);
  BOOST_CHECK_THROW(SeparateWeightNormFlow(signed_net, 0.0, {1.0, 1.0, Schedule::constant_rates}), InputError);
  BOOST_CHECK_THROW(SeparateWeightNormFlow(signed_net, 0.3, {1.0, -1.0, Schedule::constant_rates}), InputError);
}
