// The variable-order Adams stepper: against closed forms on a smooth non-stiff system (decaying
// rotations and a logistic equation), its error shrinking with the tolerance, its order
// reaching the high range and its right-hand sides against fehlberg78's, its dense output, flow
// limits against the theory (T1 dual), the stiffness estimate against the spectral radius,
// and no allocation per step.
#define BOOST_TEST_MODULE adams
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <Eigen/Eigenvalues>
#include <wnflow/solve/adams.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/integrate.hpp>

#include "allocation_counter.hpp"
#include "support.hpp"

using namespace wnflow;

namespace {

// Blocks (x, y)' = (−a x − ω y, ω x − a y) with closed form e^{−a t} R(ω t) (x0, y0), and a
// last component z' = z (1 − z) with z(t) = 1 / (1 + (1/z0 − 1) e^{−t}).
struct SmoothSystem final : RosenbrockSystem {
  Vector omega;
  double decay = 0.05;
  double speed = 1.0;  // time runs `speed` times faster: t_end / speed for the same path
  long rhs_evals = 0;
  explicit SmoothSystem(int blocks) : omega(Vector::LinSpaced(blocks, 0.5, 2.0)) {}
  Eigen::Index dim() const { return 2 * omega.size() + 1; }
  void rhs(const Vector& x, Vector& dx) override {
    ++rhs_evals;
    for (Eigen::Index b = 0; b < omega.size(); ++b) {
      dx(2 * b) = -decay * x(2 * b) - omega(b) * x(2 * b + 1);
      dx(2 * b + 1) = omega(b) * x(2 * b) - decay * x(2 * b + 1);
    }
    const double z = x(dim() - 1);
    dx(dim() - 1) = z * (1.0 - z);
    dx *= speed;
  }
  Eigen::Index jacobian_rank() const override { return 0; }
  void jacobian(const Vector&, LowRankJacobian&) override {}
  void jacobian(const Vector&, Matrix&) override {}
  Vector initial() const {
    Vector x0 = Vector::Ones(dim());
    x0(dim() - 1) = 0.01;
    return x0;
  }
  // At unit speed; the path at `speed` passes here at t / speed.
  Vector exact(const Vector& x0, double t) const {
    Vector x(dim());
    for (Eigen::Index b = 0; b < omega.size(); ++b) {
      const double c = std::cos(omega(b) * t), s = std::sin(omega(b) * t), e = std::exp(-decay * t);
      x(2 * b) = e * (c * x0(2 * b) - s * x0(2 * b + 1));
      x(2 * b + 1) = e * (s * x0(2 * b) + c * x0(2 * b + 1));
    }
    const double z0 = x0(dim() - 1);
    x(dim() - 1) = 1.0 / (1.0 + (1.0 / z0 - 1.0) * std::exp(-t));
    return x;
  }
};

struct SmoothRun {
  Vector x, x_mid;
  long steps = 0;
  int max_order = 0;
};

SmoothRun run_smooth(SmoothSystem& sys, double rtol, double t_mid, double t_end) {
  const Vector x0 = sys.initial();
  AdamsPece st(x0.size(), 1e-14, rtol);
  st.initialize(x0, 0.0, t_end);
  SmoothRun r;
  bool mid_done = false;
  while (st.current_time() < t_end) {
    BOOST_REQUIRE_NO_THROW(st.do_step(sys));
    ++r.steps;
    r.max_order = std::max(r.max_order, st.order());
    if (!mid_done && st.current_time() >= t_mid) {
      BOOST_REQUIRE(st.previous_time() < t_mid);
      r.x_mid.resize(x0.size());
      st.calc_state(t_mid, r.x_mid);
      mid_done = true;
    }
  }
  r.x.resize(x0.size());
  st.calc_state(t_end, r.x);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_the_closed_form_and_converges_with_the_tolerance) {
  const double t_mid = 7.3, t_end = 20.0;
  double last_error = 1.0;
  long last_steps = 0;
  for (double rtol : {1e-6, 1e-9, 1e-12}) {
    SmoothSystem sys(4);
    const SmoothRun r = run_smooth(sys, rtol, t_mid, t_end);
    const Vector x0 = sys.initial();
    const double error = (r.x - sys.exact(x0, t_end)).lpNorm<Eigen::Infinity>();
    const double error_mid = (r.x_mid - sys.exact(x0, t_mid)).lpNorm<Eigen::Infinity>();
    BOOST_TEST_MESSAGE("rtol " << rtol << ": error " << error << " (dense " << error_mid << "), " << r.steps
                               << " steps, " << sys.rhs_evals << " rhs, top order " << r.max_order);
    // Global error within a modest multiple of the tolerance, and shrinking with it.
    BOOST_TEST(error < 200 * rtol);
    BOOST_TEST(error_mid < 200 * rtol);
    BOOST_TEST(error < last_error);
    BOOST_TEST(r.steps > last_steps);
    last_error = error;
    last_steps = r.steps;
  }
}

BOOST_AUTO_TEST_CASE(steps_from_1e_minus_140_to_1e290) {
  // The history is kept in units of the step, so no power of h under- or overflows (h^12
  // would at h = 1e-30): the same path at 1e140 times the speed (steps ~1e-141; faster, the
  // squares in the RMS norm of f / (atol + rtol |x|) overflow in any code) and at 1e-290 times.
  SmoothSystem reference(2);
  const SmoothRun r = run_smooth(reference, 1e-9, 7.3, 20.0);
  for (double speed : {1e140, 1e-290}) {
    SmoothSystem sys(2);
    sys.speed = speed;
    const SmoothRun fast = run_smooth(sys, 1e-9, 7.3 / speed, 20.0 / speed);
    BOOST_TEST_CONTEXT("speed " << speed) {
      // Slowed down, the first step's guess has an absolute floor (1e-6, as in Hairer's
      // rule): more steps to grow into the time scale, then the same accuracy.
      const Vector x0 = sys.initial();
      BOOST_TEST((fast.x - sys.exact(x0, 20.0)).lpNorm<Eigen::Infinity>() < 200 * 1e-9);
      BOOST_TEST((fast.x_mid - sys.exact(x0, 7.3)).lpNorm<Eigen::Infinity>() < 200 * 1e-9);
      if (speed > 1.0) BOOST_TEST(fast.steps == r.steps);
    }
  }
}

BOOST_AUTO_TEST_CASE(takes_fewer_right_hand_sides_than_fehlberg78) {
  // The reason auto starts with Adams: at tight tolerances ~2 right-hand sides a step at high
  // order, against 13 a step for Odeint's order-8 Runge-Kutta-Fehlberg at the same tolerances.
  const double rtol = 1e-10, t_end = 20.0;
  SmoothSystem adams_sys(4);
  const SmoothRun r = run_smooth(adams_sys, rtol, 1.0, t_end);
  namespace ode = boost::numeric::odeint;
  SmoothSystem rk_sys(4);
  Vector x = rk_sys.initial();
  auto rk = ode::make_controlled(1e-14, rtol, ode::runge_kutta_fehlberg78<Vector, double, Vector, double, ode::vector_space_algebra>());
  ode::integrate_adaptive(rk, [&](const Vector& y, Vector& dy, double) { rk_sys.rhs(y, dy); }, x, 0.0, t_end, 0.01);
  const Vector exact = adams_sys.exact(adams_sys.initial(), t_end);
  const double adams_error = (r.x - exact).lpNorm<Eigen::Infinity>(), rk_error = (x - exact).lpNorm<Eigen::Infinity>();
  BOOST_TEST_MESSAGE("adams " << adams_sys.rhs_evals << " rhs, error " << adams_error << "; fehlberg78 "
                              << rk_sys.rhs_evals << " rhs, error " << rk_error << "; top order " << r.max_order);
  BOOST_TEST(adams_error < 200 * rtol);
  BOOST_TEST(adams_sys.rhs_evals * 2 < rk_sys.rhs_evals);
  BOOST_TEST(r.max_order >= 8);
}

namespace {

// x' = −(diag(d) + B B^T) x: symmetric, ρ(J) known; stiff enough that Adams is held by
// stability after its transient.
struct StiffLinear final : RosenbrockSystem {
  Vector d;
  Matrix B;
  explicit StiffLinear(Eigen::Index n) : d(Vector::LinSpaced(n, 0.1, 200.0)), B(Matrix::Random(n, 3)) {}
  void rhs(const Vector& x, Vector& dx) override { dx = -d.cwiseProduct(x) - B * (B.transpose() * x); }
  Eigen::Index jacobian_rank() const override { return 0; }
  void jacobian(const Vector&, LowRankJacobian&) override {}
  void jacobian(const Vector&, Matrix&) override {}
  double spectral_radius() const {
    Matrix J = B * B.transpose();
    J.diagonal() += d;
    return Eigen::SelfAdjointEigenSolver<Matrix>(J).eigenvalues().maxCoeff();
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(stiffness_estimate_tracks_h_rho_where_stability_holds_the_step) {
  // What auto relies on: held by stability, Adams sits at h ρ of order 1 (0.3 is auto's
  // threshold), and its free estimate is within a small factor of h ρ (auto gates its power
  // iteration at half the threshold on it).
  StiffLinear sys(30);
  const double rho = sys.spectral_radius();
  AdamsPece st(30, 1e-12, 1e-8);
  st.initialize(Vector::Ones(30), 0.0, 1.0);
  for (int i = 0; i < 3000; ++i) BOOST_REQUIRE_NO_THROW(st.do_step(sys));
  double lowest = 1e300, highest = 0.0, est_low = 1e300, est_high = 0.0;
  for (int i = 0; i < 200; ++i) {
    BOOST_REQUIRE_NO_THROW(st.do_step(sys));
    const double h_rho = (st.current_time() - st.previous_time()) * rho, ratio = st.stiffness() / h_rho;
    lowest = std::min(lowest, h_rho);
    highest = std::max(highest, h_rho);
    est_low = std::min(est_low, ratio);
    est_high = std::max(est_high, ratio);
  }
  BOOST_TEST_MESSAGE("h rho in [" << lowest << ", " << highest << "], estimate / h rho in [" << est_low << ", "
                                  << est_high << "], t = " << st.current_time() << ", order " << st.order());
  // Held: the slowest mode (rate 0.1) is far from settled, yet the step stays at h ρ ~ 1.
  BOOST_TEST(st.current_time() < 50.0);
  BOOST_TEST(lowest > 0.3);
  BOOST_TEST(highest < 6.0);
  BOOST_TEST(est_low > 0.3);
  BOOST_TEST(est_high < 3.0);
}

BOOST_AUTO_TEST_CASE(gradient_flow_limits_match_the_dual) {
  // Signed networks only: the P+ flows turn stiff near their limits (auto hands them to bdf,
  // test_bdf), and Adams alone would crawl there at its stability limit.
  for (Sign sign : {Sign::signed_}) {
    const Problem p = random_instance({30, 10, 2, 5, sign});
    const DiagonalNetwork net(p, sign, 2);
    GradientFlow gf(net, 1.0);
    IntegrateOptions o;
    o.stepper = StepperKind::adams;
    o.rtol = 1e-10;
    o.atol = 1e-14;
    o.t_max = 1e9;
    o.loss_tol = 1e-22;
    Vector state = gf.initial_state();
    const IntegrateSummary s = integrate(gf, state, o);
    BOOST_TEST_CONTEXT(to_string(sign)) {
      BOOST_TEST_INFO(s.report());
      BOOST_TEST(s.converged());
      BOOST_TEST(to_string(s.stepper_used) == "adams");
      BOOST_TEST(testing::relative_difference(net.x_of_w(gf.weights(state)), gf_limit(p, sign, 2, 1.0).x) < 1e-6);
    }
  }
}

BOOST_AUTO_TEST_CASE(steps_do_not_allocate) {
  IntegrateOptions o;
  o.stepper = StepperKind::adams;
  o.rtol = 1e-12;
  o.atol = 1e-16;
  testing::check_no_allocation_per_step(o);
  o.stepper = StepperKind::automatic;
  testing::check_no_allocation_per_step(o);
}
