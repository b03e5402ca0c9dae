// The right-hand sides against finite-difference gradients of the loss in each flow's own
// parameters, and the analytic Jacobians against finite differences of the right-hand sides.
#define BOOST_TEST_MODULE flows
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <thread>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

using namespace wnflow;

namespace {

Problem instance(Sign sign, std::uint64_t seed = 7) {
  InstanceSpec spec;
  spec.N = 12;
  spec.M = 5;
  spec.sparsity = 2;
  spec.seed = seed;
  spec.sign = sign;
  return random_instance(spec);
}

// ℓ(w) = ½|A B(w^L) - y|², evaluated directly (not through the flows' kernel).
double loss_of_w(const Problem& p, Sign sign, int L, const Vector& w) {
  const auto N = p.A.cols();
  Vector x = w.head(N).array().pow(L);
  if (sign == Sign::signed_) x -= w.tail(N).array().pow(L).matrix();
  return 0.5 * (p.A * x - p.y).squaredNorm();
}

template <class F>
Vector fd_gradient(F f, const Vector& at, double h = 1e-6) {
  Vector g(at.size());
  for (Eigen::Index i = 0; i < at.size(); ++i) {
    Vector a = at, b = at;
    const double hi = h * std::max(1.0, std::abs(at[i]));
    a[i] += hi;
    b[i] -= hi;
    g[i] = (f(a) - f(b)) / (2 * hi);
  }
  return g;
}

// A generic state: log-weights spread around log(0.7), so every term of the flows is active.
Vector random_log_weights(Eigen::Index n, unsigned seed) {
  std::srand(seed);
  return (Vector::Random(n).array() * 0.4 + std::log(0.7)).matrix();
}

double rel(const Vector& a, const Vector& b) { return (a - b).norm() / std::max(b.norm(), 1e-300); }

struct Case {
  Sign sign;
  int L;
};
const Case cases[] = {{Sign::positive, 2}, {Sign::positive, 3}, {Sign::positive, 4},
                      {Sign::signed_, 2},  {Sign::signed_, 3},  {Sign::signed_, 4}};

}  // namespace

BOOST_AUTO_TEST_CASE(gf_rhs_is_minus_eta_gradient) {
  for (const auto& c : cases) {
    const Problem p = instance(c.sign);
    const DiagonalNetwork net(p, c.sign, c.L);
    const double eta = 0.7;
    GradientFlow flow(net, 0.3, eta);
    const Vector z = random_log_weights(net.n(), 1);
    const Vector w = z.array().exp();
    Vector dz(net.n());
    flow.derivative(z, dz);
    const Vector wdot = w.cwiseProduct(dz);  // dw/dt = w ⊙ dz/dt
    const Vector grad = fd_gradient([&](const Vector& v) { return loss_of_w(p, c.sign, c.L, v); }, w);
    BOOST_TEST_CONTEXT("sign " << to_string(c.sign) << ", L = " << c.L) { BOOST_TEST(rel(wdot, -eta * grad) < 1e-7); }
  }
}

BOOST_AUTO_TEST_CASE(wn_rhs_is_riemannian_gradient_in_r_and_s) {
  for (const auto& c : cases) {
    for (Schedule sched : {Schedule::constant_rates, Schedule::constant_ratio}) {
      const Problem p = instance(c.sign);
      const DiagonalNetwork net(p, c.sign, c.L);
      const WeightNormRates rates{0.8, 0.05, sched};
      WeightNormFlow flow(net, 0.3, rates);
      const Vector z = random_log_weights(net.n(), 2);
      const Vector w = z.array().exp();
      const double r = w.norm();
      const Vector s = w / r;
      // Rates at this state: constant-ratio keeps eta_s r^2 = q eta_r with q from r(0).
      const double eta_r = rates.eta_r;
      const double eta_s = sched == Schedule::constant_rates ? rates.eta_s : rates.ratio(flow.initial_radius()) * eta_r / (r * r);
      const auto ell_rs = [&](double rr, const Vector& ss) { return loss_of_w(p, c.sign, c.L, rr * ss); };
      const double h = 1e-6;
      const double dr = (ell_rs(r + h, s) - ell_rs(r - h, s)) / (2 * h);
      const Vector gs = fd_gradient([&](const Vector& ss) { return ell_rs(r, ss); }, s);
      const double rdot = -eta_r * dr;
      const Vector sdot = -eta_s * (gs - s * s.dot(gs));  // tangent projection
      const Vector wdot_expected = rdot * s + r * sdot;
      Vector state(net.n() + 1), ds(net.n() + 1);
      state << z, 0.3;  // any log φ: nothing depends on it
      flow.derivative(state, ds);
      BOOST_TEST_CONTEXT("sign " << to_string(c.sign) << ", L = " << c.L << ", " << to_string(sched)) {
        BOOST_TEST(rel(w.cwiseProduct(ds.head(net.n())), wdot_expected) < 1e-6);
        // d log φ/dt = (1 - eta_s r^2/eta_r) d log r/dt, with d log r/dt from the FD radial gradient.
        const double expected = (1.0 - eta_s * r * r / eta_r) * rdot / r;
        BOOST_TEST(std::abs(ds[net.n()] - expected) <= 1e-6 * std::max(std::abs(expected), 1e-12));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(classic_rhs_is_gradient_in_gamma_and_v) {
  for (const auto& c : cases) {
    const Problem p = instance(c.sign);
    const DiagonalNetwork net(p, c.sign, c.L);
    ClassicWeightNormFlow flow(net, 0.3, 1.7);
    const Eigen::Index n = net.n();
    Vector st(n + 1);
    st[0] = std::log(1.1);
    st.tail(n) = random_log_weights(n, 3);
    const double gamma = std::exp(st[0]);
    const Vector v = st.tail(n).array().exp();
    const auto ell = [&](double g, const Vector& vv) { return loss_of_w(p, c.sign, c.L, g * vv / vv.norm()); };
    const double h = 1e-6;
    const double dgamma = (ell(gamma + h, v) - ell(gamma - h, v)) / (2 * h);
    const Vector dv = fd_gradient([&](const Vector& vv) { return ell(gamma, vv); }, v);
    Vector ds(n + 1);
    flow.derivative(st, ds);
    BOOST_TEST_CONTEXT("sign " << to_string(c.sign) << ", L = " << c.L) {
      BOOST_TEST(std::abs(gamma * ds[0] + dgamma) <= 1e-6 * std::max(1.0, std::abs(dgamma)));
      BOOST_TEST(rel(v.cwiseProduct(ds.tail(n)), -dv) < 1e-6);
      // ∇_v ℓ ⊥ v, the reason |v| is conserved.
      BOOST_TEST(std::abs(v.dot(v.cwiseProduct(ds.tail(n)))) <= 1e-12 * v.norm() * dv.norm() + 1e-14);
    }
  }
}

template <class Flow>
void check_jacobian(Flow flow, const Vector& at, const std::string& what) {
  const Eigen::Index n = at.size();
  Matrix J(n, n);
  flow.jacobian(at, J);
  Matrix Jfd(n, n);
  Vector fp(n), fm(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    Vector a = at, b = at;
    const double h = 1e-6;
    a[j] += h;
    b[j] -= h;
    flow.derivative(a, fp);
    flow.derivative(b, fm);
    Jfd.col(j) = (fp - fm) / (2 * h);
  }
  BOOST_TEST_CONTEXT(what) { BOOST_TEST((J - Jfd).norm() / Jfd.norm() < 1e-7); }
}

BOOST_AUTO_TEST_CASE(analytic_jacobians_match_finite_differences) {
  for (const auto& c : cases) {
    const Problem p = instance(c.sign);
    const DiagonalNetwork net(p, c.sign, c.L);
    const std::string tag = to_string(c.sign) + " L=" + std::to_string(c.L);
    const Vector z = random_log_weights(net.n(), 4);
    check_jacobian(GradientFlow(net, 0.3, 1.3), z, "gf " + tag);
    Vector zphi(net.n() + 1);
    zphi << z, -0.2;
    check_jacobian(WeightNormFlow(net, 0.3, {0.8, 0.05, Schedule::constant_rates}), zphi, "wn rates " + tag);
    check_jacobian(WeightNormFlow(net, 0.3, {0.8, 0.05, Schedule::constant_ratio}), zphi, "wn ratio " + tag);
    Vector st(net.n() + 1);
    st[0] = std::log(1.1);
    st.tail(net.n()) = z;
    check_jacobian(ClassicWeightNormFlow(net, 0.3, 1.7), st, "classic " + tag);
  }
}

// The low-rank Jacobians diag(D) + U V^T (for the stiff steppers), written out column by
// column, are the dense ones, term by term.
template <class Flow>
void check_factors(Flow flow, const Vector& at, const std::string& what) {
  const Eigen::Index n = at.size(), k = flow.jacobian_rank();
  Matrix J(n, n), U(n, k), V(n, k);
  LowRankJacobian low_rank;
  flow.jacobian(at, J);
  flow.jacobian(at, low_rank);
  low_rank.write_factors(U, V);
  Matrix F = U * V.transpose();
  F.diagonal() += low_rank.D;
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(k < n);
    BOOST_TEST(low_rank.rank() == k);
    BOOST_TEST(low_rank.gram.present());
    BOOST_TEST((F - J).norm() <= 1e-13 * J.norm());
    BOOST_TEST((low_rank.dense() - J).norm() <= 1e-13 * J.norm());
  }
}

BOOST_AUTO_TEST_CASE(factored_jacobians_match_the_dense_ones) {
  for (const auto& c : cases) {
    const Problem p = instance(c.sign);
    const DiagonalNetwork net(p, c.sign, c.L);
    const std::string tag = to_string(c.sign) + " L=" + std::to_string(c.L);
    const Vector z = random_log_weights(net.n(), 5);
    check_factors(GradientFlow(net, 0.3, 1.3), z, "gf " + tag);
    Vector zphi(net.n() + 1);
    zphi << z, -0.2;
    check_factors(WeightNormFlow(net, 0.3, {0.8, 0.05, Schedule::constant_rates}), zphi, "wn rates " + tag);
    check_factors(WeightNormFlow(net, 0.3, {0.8, 0.05, Schedule::constant_ratio}), zphi, "wn ratio " + tag);
    Vector st(net.n() + 1);
    st[0] = std::log(1.1);
    st.tail(net.n()) = z;
    check_factors(ClassicWeightNormFlow(net, 0.3, 1.7), st, "classic " + tag);
  }
}

// At depth 2, f(x) = U η(x) with U the factors of the Jacobian at another state x_J (bdf's
// Newton iteration rests on it): η from derivative_in_factors against f from derivative() and
// U written out column by column; D = 0. At depth 3 the flows do not claim the form.
template <class Flow>
void check_rhs_in_factor_span(Flow flow, const Vector& x, const Vector& x_jac, const std::string& what) {
  const Eigen::Index n = x.size(), k = flow.jacobian_rank();
  Matrix U(n, k), V(n, k);
  Vector f(n), eta(k);
  LowRankJacobian J;
  flow.jacobian(x_jac, J);
  J.write_factors(U, V);
  flow.derivative(x, f);
  flow.derivative_in_factors(x, J, eta);
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(J.derivative_in_span);
    BOOST_TEST(J.D.cwiseAbs().maxCoeff() == 0.0);
    BOOST_TEST(f.norm() > 0.0);
    BOOST_TEST((U * eta - f).norm() <= 1e-13 * f.norm());
  }
}

template <class Flow>
bool spans_its_derivative(Flow flow) {
  LowRankJacobian J;
  flow.jacobian(flow.initial_state(), J);
  return J.derivative_in_span;
}

BOOST_AUTO_TEST_CASE(depth_two_right_hand_sides_lie_in_the_span_of_the_factors) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign);
    const DiagonalNetwork net(p, sign, 2);
    const Vector z = random_log_weights(net.n(), 5), z_jac = random_log_weights(net.n(), 9);
    const std::string tag = to_string(sign);
    check_rhs_in_factor_span(GradientFlow(net, 0.3, 1.3), z, z_jac, "gf " + tag);
    Vector zphi(net.n() + 1), zphi_jac(net.n() + 1);
    zphi << z, -0.2;
    zphi_jac << z_jac, 0.4;
    for (Schedule sch : {Schedule::constant_rates, Schedule::constant_ratio})
      check_rhs_in_factor_span(WeightNormFlow(net, 0.3, {0.8, 0.05, sch}), zphi, zphi_jac, "wn " + to_string(sch) + " " + tag);
    const DiagonalNetwork deep(p, sign, 3);
    BOOST_TEST(!spans_its_derivative(GradientFlow(deep, 0.3)));
    BOOST_TEST(!spans_its_derivative(WeightNormFlow(deep, 0.3, {0.8, 0.05, Schedule::constant_rates})));
    BOOST_TEST(!spans_its_derivative(ClassicWeightNormFlow(net, 0.3, 1.7)));
  }
}

// A copy of a flow evaluates on its own: two copies driven from two threads at once, each
// at its own state, always read back their own loss (the loss reuses the residual of the
// last evaluation, which a workspace shared between copies would let the other thread
// overwrite in between).
BOOST_AUTO_TEST_CASE(copies_of_a_flow_do_not_share_evaluations) {
  const Problem p = instance(Sign::positive);
  const DiagonalNetwork net(p, Sign::positive, 2);
  GradientFlow original(net, 0.3);
  const Vector za = random_log_weights(net.n(), 5), zb = random_log_weights(net.n(), 6);
  const double exact_a = loss_of_w(p, Sign::positive, 2, za.array().exp().matrix());
  const double exact_b = loss_of_w(p, Sign::positive, 2, zb.array().exp().matrix());
  BOOST_TEST(std::abs(exact_a - exact_b) > 1e-6 * exact_a);
  std::atomic<int> wrong{0};
  const auto hammer = [&](const Vector& z, double exact) {
    GradientFlow flow = original;
    Vector d(net.n());
    for (int i = 0; i < 20000; ++i) {
      flow.derivative(z, d);
      if (!(std::abs(flow.loss(z) - exact) <= 1e-12 * exact)) ++wrong;
    }
  };
  std::thread ta(hammer, std::cref(za), exact_a), tb(hammer, std::cref(zb), exact_b);
  ta.join();
  tb.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_CASE(initial_states_match_the_parameterizations) {
  const Problem p = instance(Sign::signed_);
  const DiagonalNetwork net(p, Sign::signed_, 3);
  const double alpha = 0.25;
  ClassicWeightNormFlow classic(net, alpha, 2.0);
  const Vector st = classic.initial_state();
  BOOST_TEST(rel(classic.weights(st), Vector::Constant(net.n(), alpha)) < 1e-15);
  BOOST_TEST(std::abs(classic.v_norm(st) - 2.0) < 1e-14);
  BOOST_TEST(std::abs(classic.gamma(st) - alpha * std::sqrt(double(net.n()))) < 1e-14);
  WeightNormFlow wn(net, alpha, WeightNormRates::from_ratio(0.5, initial_radius(net, alpha)));
  BOOST_TEST(std::abs(wn.rates().ratio(wn.initial_radius()) - 0.5) < 1e-15);
  BOOST_TEST(rel(wn.weights(wn.initial_state()), Vector::Constant(net.n(), alpha)) < 1e-15);
}

// loss_exceeds may say "above" only where the loss computed directly is above both the
// threshold and its floor; it must say so one small correction away from the last
// evaluation, and never at the evaluated state itself (loss() is free there).
BOOST_AUTO_TEST_CASE(loss_exceeds_is_a_sound_bound) {
  for (const auto& c : cases) {
    const Problem p = instance(c.sign);
    const DiagonalNetwork net(p, c.sign, c.L);
    GradientFlow gf(net, 0.3);
    WeightNormFlow wn(net, 0.3, WeightNormRates::from_ratio(0.5, initial_radius(net, 0.3)));
    const Vector z0 = random_log_weights(net.n(), 3);
    Vector state0(net.n() + 1);
    state0 << z0, 0.1;
    const Vector direction = random_log_weights(net.n(), 4);
    int proven = 0, checked = 0;
    const auto check = [&](auto& flow, const Vector& at, Vector& out) {
      flow.derivative(at, out);  // the evaluation the bound starts from
      BOOST_TEST(!flow.loss_exceeds(at, 0.0));
      for (double step : {1e-12, 1e-9, 1e-6, 1e-3, 1e-1}) {
        Vector near = at;
        near.head(net.n()) += step * direction;
        for (double fraction : {1e-6, 0.1, 0.5, 0.99, 1.01, 10.0}) {
          flow.derivative(at, out);
          const double exact = loss_of_w(p, c.sign, c.L, near.head(net.n()).array().exp().matrix());
          const double threshold = fraction * exact;
          const bool above = flow.loss_exceeds(near, threshold);
          ++checked;
          if (!above) continue;
          ++proven;
          BOOST_TEST_CONTEXT("sign " << to_string(c.sign) << ", L = " << c.L << ", step " << step << ", fraction " << fraction) {
            BOOST_TEST(exact > threshold);
            BOOST_TEST(exact > flow.loss_floor(near));
          }
        }
      }
    };
    Vector dz(net.n()), ds(net.n() + 1);
    check(gf, z0, dz);
    check(wn, state0, ds);
    // Small corrections at thresholds well below the loss are proven (the point of the bound).
    BOOST_TEST(proven >= checked / 3);
  }
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_rejected) {
  const Problem p = instance(Sign::positive);
  BOOST_CHECK_THROW(DiagonalNetwork bad(p, Sign::positive, 1), InputError);
  const DiagonalNetwork net(p, Sign::positive, 2);
  BOOST_CHECK_THROW(GradientFlow bad(net, 0.0), InputError);
  BOOST_CHECK_THROW(GradientFlow bad(net, -1.0), InputError);
  BOOST_CHECK_THROW(GradientFlow bad(net, std::nan("")), InputError);
  BOOST_CHECK_THROW(GradientFlow bad(net, 1.0, 0.0), InputError);
  BOOST_CHECK_THROW(WeightNormFlow bad(net, 1.0, {1.0, -1.0, Schedule::constant_rates}), InputError);
  BOOST_CHECK_THROW(ClassicWeightNormFlow bad(net, 1.0, 0.0), InputError);
  BOOST_CHECK_THROW(WeightNormRates::from_ratio(0.0, 1.0), InputError);
}

// The flows are plain Odeint systems: any stepper and integrate function takes them (the
// example in docs/architecture.md). Plain Odeint in w-log coordinates must match run_flow's
// integration of the same flow.
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <wnflow/solve/integrate.hpp>

BOOST_AUTO_TEST_CASE(flows_plug_into_odeint_directly) {
  Problem p = random_instance({60, 20, 3, 1, Sign::positive});
  DiagonalNetwork net(p, Sign::positive, 2);
  GradientFlow gf(net, /*alpha=*/0.1);
  Vector z = gf.initial_state();
  namespace ode = boost::numeric::odeint;
  ode::integrate_adaptive(ode::make_controlled(1e-10, 1e-10,
      ode::runge_kutta_dopri5<Vector, double, Vector, double, ode::vector_space_algebra>()),
      gf, z, 0.0, 100.0, 1e-3);
  Vector z2 = gf.initial_state();
  IntegrateOptions o;
  o.t_max = 100.0;
  o.loss_tol = 0.0;
  o.stepper = StepperKind::rosenbrock4;
  const IntegrateSummary s = integrate(gf, z2, o);
  BOOST_TEST(to_string(s.stop_reason) == "t_max");
  BOOST_TEST(rel(z2.array().exp().matrix(), z.array().exp().matrix()) < 1e-7);
  BOOST_TEST(gf.loss(z) < 0.5 * p.y.squaredNorm() * 1e-2);  // it did descend
}
