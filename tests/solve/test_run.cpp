// Whole trajectories: invariants I1–I4 along GF and WN flows, classic WN against the polar
// flow it reduces to, agreement of all steppers, and the GF limit for L = 2.
#define BOOST_TEST_MODULE run
#include <boost/test/unit_test.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/invariants.hpp>
#include <wnflow/model/network.hpp>
#include <wnflow/solve/run.hpp>

#include "support.hpp"

using namespace wnflow;

namespace {

Problem instance(Sign sign, std::uint64_t seed = 11, Eigen::Index N = 24, Eigen::Index M = 10) {
  return testing::small_instance(sign, seed, N, M, 2);
}

IntegrateOptions tight() { return testing::tight_integration(); }

double rel(const Vector& a, const Vector& b) { return testing::relative_difference(a, b); }

// C = A B, formed explicitly (B = I or [I, -I]): the reference the projector is checked against.
Matrix lifted(const Problem& p, Sign sign) {
  return sign == Sign::positive ? p.A : (Matrix(p.rows(), 2 * p.cols()) << p.A, -p.A).finished();
}

}  // namespace

BOOST_AUTO_TEST_CASE(invariants_hold_along_whole_trajectories) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign);
    for (int L : {2, 3, 4}) {
      for (FlowKind kind : {FlowKind::gf, FlowKind::wn, FlowKind::wn_classic}) {
        FlowOptions fo;
        fo.kind = kind;
        fo.sign = sign;
        fo.depth = L;
        fo.alpha = 0.3;
        if (kind != FlowKind::gf) fo.ratio = 0.2;
        const RunResult r = run_flow(p, fo, tight());
        BOOST_TEST_CONTEXT(to_string(kind) << " " << to_string(sign) << " L=" << L) {
          BOOST_TEST_REQUIRE(r.converged);
          BOOST_TEST(r.trajectory.size() > 20u);
          BOOST_TEST(r.max_mirror < 1e-8);  // I3 (GF) or I4 (WN)
          if (kind != FlowKind::gf) BOOST_TEST(r.max_sphere < 1e-12);  // I1
          if (kind == FlowKind::wn_classic) BOOST_TEST(r.max_v_norm < 1e-8);  // I2
          // WN moves the effective scale; GF keeps it.
          if (kind == FlowKind::gf) BOOST_TEST(r.alpha_eff == fo.alpha);
          if (kind != FlowKind::gf) BOOST_TEST(std::abs(r.alpha_eff / fo.alpha - 1.0) > 1e-3);
          // The closed form of α_eff against the integrated log φ (polar WN).
          if (kind == FlowKind::wn) BOOST_TEST(std::abs(r.alpha_eff_integral / r.alpha_eff - 1.0) < 1e-8);
        }
      }
    }
  }
}

// A perturbed mirror test: the residual must see a state that breaks the invariant.
BOOST_AUTO_TEST_CASE(mirror_residual_detects_a_violation) {
  const Problem p = instance(Sign::positive);
  const DiagonalNetwork net(p, Sign::positive, 2);
  const NullSpaceProjector proj(net);
  const Vector z0 = Vector::Constant(net.n(), std::log(0.3));
  BOOST_TEST(mirror_residual(proj, z0, 2, std::log(0.3)) < 1e-15);
  // Moving along range(A^T) keeps the invariant; a generic move breaks it.
  const Vector along = p.A.transpose() * Vector::Ones(net.M());
  BOOST_TEST(mirror_residual(proj, z0 + along, 2, std::log(0.3)) < 1e-13);
  Vector kick = Vector::Zero(net.n());
  kick[0] = 1e-3;
  BOOST_TEST(mirror_residual(proj, z0 + kick, 2, std::log(0.3)) > 1e-5);
}

// The projector against I - B^T A^T (A B B^T A^T)^{-1} A B formed explicitly (B = I or [I, -I]).
BOOST_AUTO_TEST_CASE(null_space_projector_matches_the_explicit_projection) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign);
    const DiagonalNetwork net(p, sign, 2);
    const NullSpaceProjector proj(net);
    const Matrix AB = lifted(p, sign);
    const Matrix P = Matrix::Identity(net.n(), net.n()) -
                     AB.transpose() * (AB * AB.transpose()).ldlt().solve(AB);
    const Vector v = Vector::LinSpaced(net.n(), -1.0, 2.0).array().sin();
    const Vector Pv = proj.apply(v);
    BOOST_TEST((Pv - P * v).norm() <= 1e-12 * v.norm());
    BOOST_TEST((AB * Pv).norm() <= 1e-12 * v.norm());
  }
}

BOOST_AUTO_TEST_CASE(constant_ratio_schedule_closed_form_matches_the_integral) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign, 13);
    for (int L : {2, 3}) {
      FlowOptions fo;
      fo.kind = FlowKind::wn;
      fo.sign = sign;
      fo.depth = L;
      fo.alpha = 2.0;
      fo.ratio = 0.1;
      fo.schedule = Schedule::constant_ratio;
      const RunResult r = run_flow(p, fo, tight());
      BOOST_TEST_CONTEXT(to_string(sign) << " L=" << L) {
        BOOST_TEST_REQUIRE(r.converged);
        // α_eff = α (r/r0)^{1-q} (docs/theory.md §3.7, C5) against the ODE state log φ.
        const double r0 = fo.alpha * std::sqrt(double(r.w.size()));
        BOOST_TEST(std::abs(r.alpha_eff / (fo.alpha * std::pow(r.radius / r0, 0.9)) - 1) < 1e-12);
        BOOST_TEST(std::abs(r.alpha_eff_integral / r.alpha_eff - 1.0) < 1e-8);
        BOOST_TEST(r.max_mirror < 1e-8);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(classic_wn_reproduces_the_polar_flow) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign, 5);
    for (int L : {2, 3}) {
      FlowOptions polar;
      polar.kind = FlowKind::wn;
      polar.sign = sign;
      polar.depth = L;
      polar.alpha = 0.5;
      polar.eta_r = 1.0;
      polar.eta_s = 0.04;
      FlowOptions classic = polar;
      classic.kind = FlowKind::wn_classic;
      classic.eta_r.reset();
      classic.eta_s.reset();
      classic.v0_norm = 1.0 / std::sqrt(0.04);  // |v(0)|^2 = 1 / eta_s
      IntegrateOptions io = tight();
      io.loss_tol = 0.0;
      io.t_max = 2e3;  // compare whole trajectories, not only the limits
      const RunResult a = run_flow(p, polar, io);
      const RunResult b = run_flow(p, classic, io);
      BOOST_TEST_CONTEXT(to_string(sign) << " L=" << L) {
        BOOST_TEST_REQUIRE(a.trajectory.size() == b.trajectory.size());
        for (std::size_t k = 0; k < a.trajectory.size(); ++k) {
          BOOST_TEST(a.trajectory[k].t == b.trajectory[k].t);
          // Residual norms, measured against |y|: the loss itself cancels as it decays.
          const double ea = std::sqrt(2 * a.trajectory[k].loss), eb = std::sqrt(2 * b.trajectory[k].loss);
          BOOST_TEST(std::abs(ea - eb) <= 1e-8 * p.y.norm());
          BOOST_TEST(std::abs(a.trajectory[k].radius / b.trajectory[k].radius - 1) < 1e-8);
          BOOST_TEST(std::abs(a.trajectory[k].alpha_eff / b.trajectory[k].alpha_eff - 1) < 1e-8);
        }
        BOOST_TEST(rel(b.x, a.x) < 1e-8);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(all_steppers_agree_on_the_limit) {
  // A mildly stiff instance, so that every stepper (Bulirsch–Stoer included) finishes quickly.
  const Problem p = instance(Sign::signed_, 3, 16, 8);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  fo.sign = Sign::signed_;
  fo.depth = 3;
  fo.alpha = 0.5;
  fo.ratio = 0.5;
  IntegrateOptions io;
  io.rtol = 1e-11;
  io.atol = 1e-13;
  io.t_max = 1e6;
  io.loss_tol = 1e-22;
  io.stepper = StepperKind::rosenbrock4;
  const RunResult ref = run_flow(p, fo, io);
  BOOST_TEST_REQUIRE(ref.converged);
  for (StepperKind k : {StepperKind::automatic, StepperKind::dopri5, StepperKind::cash_karp54,
                        StepperKind::fehlberg78, StepperKind::bulirsch_stoer}) {
    io.stepper = k;
    const RunResult r = run_flow(p, fo, io);
    BOOST_TEST_CONTEXT(to_string(k)) {
      BOOST_TEST_REQUIRE(r.converged);
      BOOST_TEST(rel(r.x, ref.x) < 1e-7);
      BOOST_TEST(std::abs(r.alpha_eff / ref.alpha_eff - 1) < 1e-7);
    }
  }
}

BOOST_AUTO_TEST_CASE(gf_limit_depth_two_interpolates_and_keeps_the_mirror_invariant) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign, 9);
    FlowOptions fo;
    fo.sign = sign;
    fo.alpha = 0.1;
    const RunResult r = run_flow(p, fo, tight());
    BOOST_TEST_REQUIRE(r.converged);
    BOOST_TEST((p.A * r.x - p.y).norm() <= 1e-10 * p.y.norm());
    // I3 at the limit, recomputed here from the final weights.
    const DiagonalNetwork net(p, sign, 2);
    const NullSpaceProjector proj(net);
    BOOST_TEST(mirror_residual(proj, r.w.array().log().matrix(), 2, std::log(fo.alpha)) < 1e-9);
    // log w - log α is in range((AB)^T): P+ log w = log α 1 + A^T μ for some μ.
    const Vector d = r.w.array().log() - std::log(fo.alpha);
    const Matrix AB = lifted(p, sign);
    const Vector mu = (AB * AB.transpose()).ldlt().solve(AB * d);
    BOOST_TEST((AB.transpose() * mu - d).norm() <= 1e-9 * d.norm());
  }
}

BOOST_AUTO_TEST_CASE(failures_are_reported_not_returned_as_results) {
  const Problem p = instance(Sign::positive);
  FlowOptions fo;
  fo.alpha = 0.1;
  IntegrateOptions io;
  io.max_steps = 5;
  const RunResult r = run_flow(p, fo, io);
  BOOST_TEST(!r.usable());
  BOOST_TEST(!r.converged);
  BOOST_TEST(to_string(r.summary.stop_reason) == "max_steps");
  io = IntegrateOptions{};
  io.t_max = 1.0;  // far too short to converge
  const RunResult s = run_flow(p, fo, io);
  BOOST_TEST(s.usable());
  BOOST_TEST(!s.converged);
}

BOOST_AUTO_TEST_CASE(impossible_option_combinations_are_input_errors) {
  const Problem p = instance(Sign::positive);
  FlowOptions fo;
  fo.ratio = 0.5;  // a WN option with GF
  BOOST_CHECK_THROW(run_flow(p, fo, {}), InputError);
  fo = FlowOptions{};
  fo.kind = FlowKind::wn;
  fo.ratio = 0.5;
  fo.eta_s = 0.1;
  BOOST_CHECK_THROW(run_flow(p, fo, {}), InputError);
  fo = FlowOptions{};
  fo.alpha = 1e200;  // alpha^L overflows
  BOOST_CHECK_THROW(run_flow(p, fo, {}), InputError);
  IntegrateOptions io;
  io.t_max = -1;
  BOOST_CHECK_THROW(run_flow(p, FlowOptions{}, io), InputError);
  io = IntegrateOptions{};
  io.rtol = 0;
  BOOST_CHECK_THROW(run_flow(p, FlowOptions{}, io), InputError);
}

BOOST_AUTO_TEST_CASE(same_inputs_give_the_same_numbers) {
  const Problem p = instance(Sign::signed_);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  fo.sign = Sign::signed_;
  fo.depth = 3;
  fo.ratio = 0.3;
  const RunResult a = run_flow(p, fo, tight());
  const RunResult b = run_flow(p, fo, tight());
  BOOST_TEST((a.x.array() == b.x.array()).all());
  BOOST_TEST(a.summary.steps == b.summary.steps);
}

// T6: the trajectory has finite length — the increments of the path length die out
// geometrically at the end, and the length is at least the distance travelled.
BOOST_AUTO_TEST_CASE(path_length_converges) {
  const Problem p = instance(Sign::signed_, 21);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  fo.sign = Sign::signed_;
  fo.depth = 3;
  fo.alpha = 0.4;
  fo.ratio = 0.3;
  IntegrateOptions io = tight();
  io.loss_tol = 0.0;
  io.t_max = 1e6;
  io.samples_per_decade = 20;
  const RunResult r = run_flow(p, fo, io);
  BOOST_TEST_REQUIRE(r.converged);
  const auto& tr = r.trajectory;
  BOOST_TEST_REQUIRE(tr.size() > 60u);
  const double total = tr.back().path_length;
  const double w0 = fo.alpha;
  BOOST_TEST(total >= (r.w.array() - w0).matrix().norm() * (1 - 1e-12));
  // The last decade adds a negligible fraction of the length.
  const std::size_t k = tr.size() - 1, d = 20;
  BOOST_TEST(tr[k].path_length - tr[k - d].path_length <= 1e-6 * total);
  // In the tail (loss below 1e-6 of its start), each half-decade adds less than the one before,
  // until the increments reach rounding noise.
  int compared = 0;
  for (std::size_t i = 0; i + 2 * (d / 2) < tr.size(); ++i) {
    if (tr[i].loss > 1e-6 * tr.front().loss) continue;
    const double a = tr[i + d / 2].path_length - tr[i].path_length;
    const double b = tr[i + d].path_length - tr[i + d / 2].path_length;
    if (b < 1e-10 * total) break;
    BOOST_TEST(b < a);
    ++compared;
  }
  BOOST_TEST(compared >= 3);
}

// The checkpoint sees every accepted step, and an exception thrown from it leaves run_flow
// as is: how the Python module abandons a run on Ctrl-C.
BOOST_AUTO_TEST_CASE(checkpoint_sees_every_step_and_can_abandon_the_run) {
  const Problem p = instance(Sign::positive);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  long calls = 0;
  IntegrateOptions io = tight();
  io.checkpoint = [&calls] { ++calls; };
  const RunResult r = run_flow(p, fo, io);
  BOOST_TEST(r.converged);
  BOOST_TEST(calls == r.summary.steps);
  struct Stop {};
  io.checkpoint = [&calls] {
    if (--calls == 0) throw Stop{};
  };
  calls = 5;
  BOOST_CHECK_THROW(run_flow(p, fo, io), Stop);
  BOOST_TEST(calls == 0);
}

// RunOptions carries the command's defaults and checks; require_result names the stop reason.
BOOST_AUTO_TEST_CASE(run_options_and_the_result_rule) {
  const RunOptions d;
  BOOST_TEST(d.integrate.t_max == 1e8);
  BOOST_TEST(!d.allow_unconverged);
  RunOptions o;
  o.integrate.rtol = 1.0;
  BOOST_CHECK_THROW(o.validate(), InputError);
  o.integrate.rtol = 1e-10;
  o.integrate.samples_per_decade = 100'000'000;
  BOOST_CHECK_THROW(o.validate(), InputError);

  const Problem p = instance(Sign::positive);
  IntegrateOptions short_horizon = tight();
  short_horizon.t_max = 1e-3;
  const RunResult early = run_flow(p, FlowOptions{}, short_horizon);
  BOOST_TEST(!early.converged);
  try {
    require_result(early, false);
    BOOST_FAIL("an unconverged run was accepted");
  } catch (const RunFailure& e) {
    BOOST_TEST((e.reason == StopReason::t_max));
    BOOST_TEST(std::string(e.what()).find("no convergence") != std::string::npos);
  }
  BOOST_CHECK_NO_THROW(require_result(early, true));
  IntegrateOptions few_steps = tight();
  few_steps.max_steps = 3;
  try {
    require_result(run_flow(p, FlowOptions{}, few_steps), true);  // a failure even when allowed
    BOOST_FAIL("a failed integration was accepted");
  } catch (const RunFailure& e) {
    BOOST_TEST((e.reason == StopReason::max_steps));
  }
}
