// The variable-order BDF stepper: against the matrix exponential on a stiff linear system with
// a diagonal-plus-low-rank Jacobian (closed form), its error shrinking with the tolerance, its
// dense output, flow limits against the theory (T1 dual for GF, the α_eff prediction T3 for
// WN), auto handing stiff flows to it, no allocation per step, and the Newton iteration in the
// factors' span (depth 2) taking the same steps to the same states as the full one.
#define BOOST_TEST_MODULE bdf
#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <new>
#include <Eigen/Eigenvalues>
#include <wnflow/solve/bdf.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/model/predict.hpp>
#include <wnflow/model/weight_norm.hpp>

#include "allocation_counter.hpp"
#include "support.hpp"

using namespace wnflow;

namespace {

// x' = J x with J = -diag(d) - B B^T: symmetric negative definite, diagonal plus rank k, its
// eigenvalues spread over the decades of d (stiff).
struct LinearSystem final : RosenbrockSystem {
  Vector d;
  Matrix B;
  long rhs_evals = 0, jacobian_evals = 0;
  LinearSystem(Eigen::Index n, Eigen::Index k, double decades) {
    std::srand(11);
    d = (Vector::LinSpaced(n, -2.0, -2.0 + decades).array() * std::log(10.0)).exp().matrix();
    B = Matrix::Random(n, k);
  }
  Matrix dense() const {
    Matrix J = -B * B.transpose();
    J.diagonal() -= d;
    return J;
  }
  void rhs(const Vector& x, Vector& dx) override {
    ++rhs_evals;
    dx = -d.cwiseProduct(x) - B * (B.transpose() * x);
  }
  Eigen::Index jacobian_rank() const override { return B.cols(); }
  void jacobian(const Vector&, LowRankJacobian& J) override {
    ++jacobian_evals;
    J.D = -d;
    J.gram = {};
    J.U = -B;
    J.V = B;
  }
  void jacobian(const Vector&, Matrix& J) override {
    ++jacobian_evals;
    J = dense();
  }
  // exp(J t) x0 from the eigendecomposition of the symmetric J: independent of any stepper.
  Vector exact(const Vector& x0, double t) const {
    const Eigen::SelfAdjointEigenSolver<Matrix> eig(dense());
    return eig.eigenvectors() *
           ((eig.eigenvalues() * t).array().exp() * (eig.eigenvectors().transpose() * x0).array()).matrix();
  }
};

struct LinearRun {
  Vector x;           // at t_end, by dense output
  Vector x_mid;       // at t_mid (inside some step), by dense output
  long steps = 0;
  int max_order = 0;
};

LinearRun run_linear(LinearSystem& sys, const Vector& x0, double rtol, double t_mid, double t_end) {
  LowRankBdf st(x0.size(), sys.jacobian_rank(), 1e-14, rtol);
  st.initialize(x0, 0.0, 1.0);
  LinearRun r;
  r.x.resize(x0.size());
  r.x_mid.resize(x0.size());
  bool mid_done = false;
  while (st.current_time() < t_end) {
    BOOST_REQUIRE_NO_THROW(st.do_step(sys));
    ++r.steps;
    r.max_order = std::max(r.max_order, st.order());
    if (!mid_done && st.current_time() >= t_mid) {
      st.calc_state(t_mid, r.x_mid);
      mid_done = true;
    }
  }
  st.calc_state(t_end, r.x);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(stiff_linear_system_matches_the_matrix_exponential) {
  // Eigenvalues from -1e-2 to below -1e4: an explicit method would need t ρ / 3.3 > 3e4 steps.
  LinearSystem sys(120, 10, 6.0);
  const Vector x0 = Vector::Ones(120);
  const double t_mid = 3.7, t_end = 10.0;
  const LinearRun r = run_linear(sys, x0, 1e-9, t_mid, t_end);
  BOOST_TEST(testing::relative_difference(r.x, sys.exact(x0, t_end)) < 1e-6);
  BOOST_TEST(testing::relative_difference(r.x_mid, sys.exact(x0, t_mid)) < 1e-6);
  // An explicit method would be held at its stability limit, dt ρ ≈ 3.3: ten times fewer steps.
  const double rho = -Eigen::SelfAdjointEigenSolver<Matrix>(sys.dense()).eigenvalues().minCoeff();
  BOOST_TEST_INFO("steps " << r.steps << ", rho " << rho);
  BOOST_TEST(r.steps * 10 < t_end * rho / 3.3);
  // Variable order: the smooth slow modes take it to high order.
  BOOST_TEST(r.max_order >= 4);
  // Jacobian reuse: one Jacobian serves many steps (a refresh follows a Newton failure, or
  // 50 steps, as CVODE's MSBJ), but none serves more than 50.
  BOOST_TEST(sys.jacobian_evals * 20 < r.steps);
  BOOST_TEST(sys.jacobian_evals * 50 >= r.steps);
}

BOOST_AUTO_TEST_CASE(error_shrinks_with_the_tolerance) {
  LinearSystem sys(80, 6, 4.0);
  const Vector x0 = Vector::LinSpaced(80, 1.0, 2.0);
  const Vector exact = sys.exact(x0, 5.0);
  const double loose = testing::relative_difference(run_linear(sys, x0, 1e-5, 1.0, 5.0).x, exact);
  const double tight = testing::relative_difference(run_linear(sys, x0, 1e-10, 1.0, 5.0).x, exact);
  BOOST_TEST_INFO("loose " << loose << ", tight " << tight);
  BOOST_TEST(tight < 1e-7);
  BOOST_TEST(tight * 100 < loose);
}

namespace {

template <class Flow>
IntegrateSummary run_flow(Flow& flow, StepperKind kind, Vector& state) {
  IntegrateOptions o;
  o.stepper = kind;
  o.rtol = 1e-10;
  o.atol = 1e-14;
  o.t_max = 1e9;
  o.loss_tol = 1e-22;
  state = flow.initial_state();
  return integrate(flow, state, o);
}

}  // namespace

BOOST_AUTO_TEST_CASE(gradient_flow_limits_match_the_dual) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = random_instance({30, 10, 2, 5, sign});
    for (int L : {2, 3}) {
      for (double alpha : {0.1, 10.0}) {
        const DiagonalNetwork net(p, sign, L);
        GradientFlow gf(net, alpha);
        Vector state;
        const IntegrateSummary s = run_flow(gf, StepperKind::bdf, state);
        const Vector x = net.x_of_w(gf.weights(state));
        const GfLimit theory = gf_limit(p, sign, L, alpha);
        BOOST_TEST_CONTEXT(to_string(sign) << " L=" << L << " alpha=" << alpha) {
          BOOST_TEST_INFO(s.report());
          BOOST_TEST(s.converged());
          BOOST_TEST(testing::relative_difference(x, theory.x) < 1e-6);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(weight_norm_limits_match_the_alpha_eff_prediction) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = random_instance({30, 10, 2, 6, sign});
    for (double alpha : {1.0, 10.0}) {
      FlowOptions fo;
      fo.kind = FlowKind::wn;
      fo.sign = sign;
      fo.depth = 2;
      fo.alpha = alpha;
      fo.ratio = 0.05;
      const DiagonalNetwork net(p, sign, 2);
      WeightNormFlow wn(net, alpha, resolve_rates(fo, initial_radius(net, alpha)));
      Vector state;
      const IntegrateSummary s = run_flow(wn, StepperKind::bdf, state);
      const Vector x = net.x_of_w(wn.weights(state));
      const Prediction theory = predict_limit(p, fo);
      BOOST_TEST_CONTEXT(to_string(sign) << " alpha=" << alpha) {
        BOOST_TEST_INFO(s.report());
        BOOST_TEST(s.converged());
        BOOST_TEST(testing::relative_difference(x, theory.x) < 1e-5);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_large_alpha_gradient_flow_reaches_loss_tol) {
  // A bench case (P+, N = 150, L = 2, alpha = 10) on which bdf, holding one Jacobian from
  // t = 0.002 on, stopped its Newton iterations before the stiff residual directions
  // settled: the loss stalled at 1.6e-20 up to t = 1e7. With the Jacobian refreshed every
  // 50 steps it reaches 1e-20, at the limit the dual predicts.
  const Problem p = random_instance({150, 45, 3, 1, Sign::positive});
  const DiagonalNetwork net(p, Sign::positive, 2);
  GradientFlow gf(net, 10.0);
  IntegrateOptions o;
  o.rtol = 1e-9;
  o.atol = 1e-14;
  o.t_max = 1e7;
  o.loss_tol = 1e-20;
  Vector state = gf.initial_state();
  const IntegrateSummary s = integrate(gf, state, o);
  BOOST_TEST_INFO(s.report());
  BOOST_TEST(s.converged());
  BOOST_TEST(s.t < 1e6);
  BOOST_TEST(testing::relative_difference(net.x_of_w(gf.weights(state)), gf_limit(p, Sign::positive, 2, 10.0).x) < 1e-6);
}

BOOST_AUTO_TEST_CASE(auto_hands_a_stiff_flow_to_bdf) {
  // WN at large α with a slow tangential rate: a fast radial mode and slow directions.
  const Problem p = random_instance({40, 12, 3, 2, Sign::positive});
  const DiagonalNetwork net(p, Sign::positive, 2);
  WeightNormFlow wn(net, 10.0, WeightNormRates::from_ratio(0.05, initial_radius(net, 10.0)));
  Vector state;
  const IntegrateSummary automatic = run_flow(wn, StepperKind::automatic, state);
  const Vector x_auto = net.x_of_w(wn.weights(state));
  const IntegrateSummary explicit_only = run_flow(wn, StepperKind::dopri5, state);
  const Vector x_dopri = net.x_of_w(wn.weights(state));
  BOOST_TEST_INFO(automatic.report() << explicit_only.report());
  BOOST_TEST(automatic.converged());
  BOOST_TEST(explicit_only.converged());
  BOOST_TEST(to_string(automatic.stepper_used) == "bdf");
  BOOST_TEST(automatic.switch_time > 0.0);
  BOOST_TEST(automatic.steps * 3 < explicit_only.steps);
  BOOST_TEST(testing::relative_difference(x_auto, x_dopri) < 1e-6);
}

BOOST_AUTO_TEST_CASE(auto_keeps_a_flow_adams_steps_by_accuracy) {
  // The bench's P± N = 400 L = 3 α = 1 GF instance: dt ρ crosses the vote's threshold while
  // Adams runs at orders 6-7, held by accuracy. Handed to bdf there, the flow would take
  // as many steps as on Adams plus the factorizations; the order gate keeps it on Adams.
  const Problem p = random_instance({400, 100, 8, 1, Sign::signed_});
  const DiagonalNetwork net(p, Sign::signed_, 3);
  GradientFlow gf(net, 1.0);
  IntegrateOptions o;  // the bench's settings
  o.rtol = 1e-9;
  o.atol = 1e-14;
  o.t_max = 1e7;
  o.loss_tol = 1e-20;
  Vector state = gf.initial_state();
  o.stepper = StepperKind::automatic;
  const IntegrateSummary automatic = integrate(gf, state, o);
  const Vector x_auto = net.x_of_w(gf.weights(state));
  state = gf.initial_state();
  o.stepper = StepperKind::adams;
  const IntegrateSummary adams = integrate(gf, state, o);
  BOOST_TEST_INFO(automatic.report() << adams.report());
  BOOST_TEST(automatic.converged());
  BOOST_TEST(adams.converged());
  BOOST_TEST(to_string(automatic.stepper_used) == "adams");
  BOOST_TEST(automatic.factorizations == 0);
  BOOST_TEST(automatic.rhs_evals < 1.25 * adams.rhs_evals);  // the checks' power iterations
  BOOST_TEST(testing::relative_difference(x_auto, net.x_of_w(gf.weights(state))) < 1e-6);
}

BOOST_AUTO_TEST_CASE(auto_leaves_a_flow_ending_in_a_few_steps_on_adams) {
  // The bench's P± N = 400 L = 3 α = 1 WN instance: the stiffness vote fires at a loss of
  // 2e-19 (loss_tol 1e-20), four Adams steps before the end. Handed to bdf there, the flow
  // would pay a Jacobian and two factorizations for them; within 1e3 loss_tol the
  // switch waits. The P+ L = 2 α = 1 WN flow, whose vote fires at a loss of 0.6 and which
  // Adams alone does not finish, must still go to bdf.
  IntegrateOptions o;  // the bench's settings
  o.rtol = 1e-9;
  o.atol = 1e-14;
  o.t_max = 1e7;
  o.loss_tol = 1e-20;
  const Problem ps = random_instance({400, 100, 8, 1, Sign::signed_});
  const DiagonalNetwork signed_net(ps, Sign::signed_, 3);
  WeightNormFlow ending(signed_net, 1.0, WeightNormRates::from_ratio(0.05, initial_radius(signed_net, 1.0)));
  Vector state = ending.initial_state();
  o.stepper = StepperKind::automatic;
  const IntegrateSummary automatic = integrate(ending, state, o);
  const Vector x_auto = signed_net.x_of_w(ending.weights(state));
  state = ending.initial_state();
  o.stepper = StepperKind::bdf;
  const IntegrateSummary bdf = integrate(ending, state, o);
  BOOST_TEST_INFO(automatic.report() << bdf.report());
  BOOST_TEST(automatic.converged());
  BOOST_TEST(bdf.converged());
  BOOST_TEST(to_string(automatic.stepper_used) == "adams");
  BOOST_TEST(automatic.factorizations == 0);
  BOOST_TEST(testing::relative_difference(x_auto, signed_net.x_of_w(ending.weights(state))) < 1e-6);

  const Problem pp = random_instance({400, 100, 8, 1, Sign::positive});
  const DiagonalNetwork positive_net(pp, Sign::positive, 2);
  WeightNormFlow stiff(positive_net, 1.0, WeightNormRates::from_ratio(0.05, initial_radius(positive_net, 1.0)));
  state = stiff.initial_state();
  o.stepper = StepperKind::automatic;
  const IntegrateSummary stiff_auto = integrate(stiff, state, o);
  BOOST_TEST_INFO(stiff_auto.report());
  BOOST_TEST(stiff_auto.converged());
  BOOST_TEST(to_string(stiff_auto.stepper_used) == "bdf");
}

BOOST_AUTO_TEST_CASE(steps_do_not_allocate) {
  IntegrateOptions o;
  o.stepper = StepperKind::bdf;
  o.rtol = 1e-12;
  o.atol = 1e-16;
  testing::check_no_allocation_per_step(o);
  testing::check_no_allocation_per_step(o, 2);  // the Newton iteration in the factors' span
}

namespace {

// A flow as bdf sees it, counting each kind of evaluation; `span` lets the flow declare
// f = U η (depth 2) or not, so that both Newton iterations run on the same flow.
template <class Flow>
struct FlowSystem final : RosenbrockSystem {
  Flow flow;
  bool span;
  long rhs_calls = 0, coefficient_calls = 0;
  FlowSystem(const Flow& f, bool s) : flow(f), span(s) {}
  void rhs(const Vector& x, Vector& dx) override {
    ++rhs_calls;
    flow.derivative(x, dx);
  }
  Eigen::Index jacobian_rank() const override { return flow.jacobian_rank(); }
  void jacobian(const Vector& x, Matrix& J) override { flow.jacobian(x, J); }
  void jacobian(const Vector& x, LowRankJacobian& J) override {
    flow.jacobian(x, J);
    J.derivative_in_span = J.derivative_in_span && span;
  }
  void derivative_in_factors(const Vector& x, const LowRankJacobian& J, Vector& eta) override {
    ++coefficient_calls;
    flow.derivative_in_factors(x, J, eta);
  }
};

struct BdfRun {
  Matrix x;  // the state at t = 0.002 t_end, 0.02 t_end and t_end, one column each
  long steps = 0, span_iterations = 0, rhs_calls = 0, coefficient_calls = 0;
};

template <class Flow>
BdfRun run_bdf_to(Flow& flow, bool span, double t_end) {
  FlowSystem<Flow> sys(flow, span);
  LowRankBdf st(flow.dimension(), flow.jacobian_rank(), 1e-14, 1e-10);
  st.initialize(flow.initial_state(), 0.0, 1e-3);
  BdfRun r;
  r.x.resize(flow.dimension(), 3);
  const double times[] = {0.002 * t_end, 0.02 * t_end, t_end};
  int next = 0;
  Vector x(flow.dimension());
  while (next < 3) {
    BOOST_REQUIRE_NO_THROW(st.do_step(sys));
    ++r.steps;
    for (; next < 3 && times[next] <= st.current_time(); ++next) {
      st.calc_state(times[next], x);
      r.x.col(next) = x;
    }
  }
  r.span_iterations = st.span_iterations();
  r.rhs_calls = sys.rhs_calls;
  r.coefficient_calls = sys.coefficient_calls;
  return r;
}

template <class Flow>
void check_same_iteration(Flow flow, double t_end, const std::string& what) {
  const BdfRun full = run_bdf_to(flow, false, t_end), span = run_bdf_to(flow, true, t_end);
  BOOST_TEST_CONTEXT(what << ": steps " << full.steps << " / " << span.steps) {
    // The same iterates in exact arithmetic: the same steps, and states within rounding of
    // each other (the tolerance is 1e-10).
    BOOST_TEST(full.span_iterations == 0);
    BOOST_TEST(span.span_iterations > span.steps);
    BOOST_TEST(span.coefficient_calls == span.span_iterations);
    BOOST_TEST(span.rhs_calls <= 2);  // the first step's size only
    BOOST_TEST(std::abs(full.steps - span.steps) <= full.steps / 50);
    // Mid-flight too, where a wrong η would show as a different speed (at the end both sit
    // at the same limit).
    for (int j = 0; j < 3; ++j) BOOST_TEST(testing::relative_difference(span.x.col(j), full.x.col(j)) < 1e-8);
    BOOST_TEST((full.x.col(0) - full.x.col(2)).norm() > 1e-2 * full.x.col(2).norm());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(newton_in_the_factor_span_takes_the_same_steps) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    // N = 60: the Woodbury solver (rank <= n/3), which the span iteration needs.
    const Problem p = random_instance({60, 10, 2, 5, sign});
    const DiagonalNetwork net(p, sign, 2);
    check_same_iteration(GradientFlow(net, 0.1), 200.0, "gf " + to_string(sign));
    FlowOptions fo;
    fo.kind = FlowKind::wn;
    fo.sign = sign;
    fo.alpha = 1.0;
    fo.ratio = 0.05;
    check_same_iteration(WeightNormFlow(net, 1.0, resolve_rates(fo, initial_radius(net, 1.0))), 500.0,
                         "wn " + to_string(sign));
  }
}
