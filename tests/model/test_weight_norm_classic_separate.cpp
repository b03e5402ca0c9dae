// Classic WN of P± with u and v normalized separately (docs/theory.md §1.5): the right-hand
// side against plain gradient flow on (γ_u, v_u, γ_v, v_v) from finite differences of the
// loss, the Jacobian against finite differences of the right-hand side, |v_j| kept along an
// integrated flow (I2 per block), and the trajectory of the separate polar flow at
// eta_r = 1, eta_s = 1/|v(0)|^2, which integrates other coordinates.
#define BOOST_TEST_MODULE weight_norm_classic_separate
#include <boost/test/unit_test.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/weight_norm_classic_separate.hpp>
#include <wnflow/model/weight_norm_separate.hpp>
#include <wnflow/solve/integrate.hpp>

#include "support.hpp"

using namespace wnflow;

namespace {

Problem instance(std::uint64_t seed = 7, Eigen::Index N = 12, Eigen::Index M = 5) {
  return testing::small_instance(Sign::signed_, seed, N, M, 2);
}

// ℓ as a function of the classic parameters θ = (γ_u, γ_v, v_u, v_v), written out directly.
double loss_of_theta(const Problem& p, int L, const Vector& th) {
  const auto N = p.A.cols();
  const Vector vu = th.segment(2, N), vv = th.segment(2 + N, N);
  const Vector u = th[0] * vu / vu.norm(), v = th[1] * vv / vv.norm();
  const Vector x = u.array().pow(L).matrix() - v.array().pow(L).matrix();
  return 0.5 * (p.A * x - p.y).squaredNorm();
}

using testing::relative_difference;

Vector random_state(Eigen::Index N, unsigned seed) {
  std::srand(seed);
  Vector s(2 * N + 2);
  s[0] = 0.4;
  s[1] = -0.3;
  s.tail(2 * N) = -0.5 + 0.4 * Vector::Random(2 * N).array();
  return s;
}

}  // namespace

// θ̇ = -∇_θ ℓ in the state's logs: d log γ_j/dt = γ̇_j/γ_j, dξ/dt = v̇/v.
BOOST_AUTO_TEST_CASE(right_hand_side_is_gradient_flow_on_gamma_and_v) {
  const Problem p = instance();
  for (int L : {2, 3, 4}) {
    const DiagonalNetwork net(p, Sign::signed_, L);
    SeparateClassicWeightNormFlow flow(net, 0.3, 2.0);
    const Eigen::Index N = net.N();
    const Vector s = random_state(N, 3);
    Vector th(s.size());
    th.head(2) = s.head(2).array().exp();
    th.tail(2 * N) = s.tail(2 * N).array().exp();
    Vector grad(th.size());
    const double h = 1e-6;
    for (Eigen::Index i = 0; i < th.size(); ++i) {
      Vector a = th, b = th;
      a[i] += h;
      b[i] -= h;
      grad[i] = (loss_of_theta(p, L, a) - loss_of_theta(p, L, b)) / (2 * h);
    }
    const Vector expected = (-grad).cwiseQuotient(th);
    Vector f(flow.dimension());
    flow.derivative(s, f);
    BOOST_TEST_CONTEXT("L = " << L) { BOOST_TEST(relative_difference(f, expected) < 1e-7); }
  }
}

BOOST_AUTO_TEST_CASE(jacobian_matches_finite_differences) {
  const Problem p = instance(11);
  for (int L : {2, 3, 4}) {
    const DiagonalNetwork net(p, Sign::signed_, L);
    SeparateClassicWeightNormFlow flow(net, 0.3, 0.7);
    const Vector s = random_state(net.N(), 5);
    const Eigen::Index d = flow.dimension();
    Matrix J(d, d);
    flow.jacobian(s, J);
    const Matrix J_fd = testing::finite_difference_jacobian(flow, s);
    LowRankJacobian low_rank;
    flow.jacobian(s, low_rank);
    BOOST_TEST_CONTEXT("L = " << L) {
      BOOST_TEST((J - J_fd).norm() <= 1e-6 * J_fd.norm());
      BOOST_TEST(low_rank.rank() == flow.jacobian_rank());
      BOOST_TEST(low_rank.gram.present());
    }
  }
}

// Integrated to its limit, each |v_j| stays at |v(0)| (it is not built into the coordinates),
// and w follows the separate polar flow with eta_r = 1, eta_s = 1/|v(0)|^2: the two limits
// agree to the integration tolerance.
BOOST_AUTO_TEST_CASE(keeps_each_v_norm_and_follows_the_separate_polar_flow) {
  const Problem p = instance(3, 30, 10);
  for (int L : {2, 3}) {
    for (double alpha : {0.1, 2.0}) {
      const DiagonalNetwork net(p, Sign::signed_, L);
      const double r0 = alpha * std::sqrt(double(net.N()));
      const double v0 = r0 / std::sqrt(0.2);  // q = 0.2
      SeparateClassicWeightNormFlow classic(net, alpha, v0);
      SeparateWeightNormFlow polar(net, alpha, {1.0, 1.0 / (v0 * v0), Schedule::constant_rates});
      IntegrateOptions o;
      o.t_max = 1e10;
      o.loss_tol = 1e-22;
      Vector sc = classic.initial_state(), sp = polar.initial_state();
      const IntegrateSummary a = integrate(classic, sc, o);
      const IntegrateSummary b = integrate(polar, sp, o);
      BOOST_TEST_CONTEXT("L = " << L << ", alpha = " << alpha << ": " << a.report()) {
        BOOST_TEST(a.converged());
        BOOST_TEST(b.converged());
        for (int j = 0; j < 2; ++j) BOOST_TEST(std::abs(classic.v_norm(sc, j) / v0 - 1.0) < 1e-6);
        const Vector xc = net.x_of_w(classic.weights(sc)), xp = net.x_of_w(polar.weights(sp));
        BOOST_TEST(relative_difference(xc, xp) < 1e-5);
        BOOST_TEST(std::abs(classic.gamma(sc, 0) / polar.block_radius(sp, 0) - 1.0) < 1e-5);
        BOOST_TEST(std::abs(classic.gamma(sc, 1) / polar.block_radius(sp, 1) - 1.0) < 1e-5);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_the_positive_network) {
  InstanceSpec spec;
  spec.N = 8;
  spec.M = 4;
  spec.sparsity = 1;
  const Problem p = random_instance(spec);
  const DiagonalNetwork net(p, Sign::positive, 2);
  BOOST_CHECK_THROW(SeparateClassicWeightNormFlow(net, 0.5, 1.0), InputError);
}
