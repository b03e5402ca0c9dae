// The T3 predictor against the flows it predicts: for P+ and P±, L = 2 and 3, α from 0.05
// to 10, ratios 0.05 to 1, both WN schedules and classic WN, predict_limit must agree with
// run_flow (integrated to loss 1e-26) to 1e-6 relative in x and α_eff wherever the flow
// converged. Plus: the GF case, the bracket failure, option checks.
#define BOOST_TEST_MODULE predict
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <sstream>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/predict.hpp>
#include <wnflow/solve/run.hpp>

#include "support.hpp"

using namespace wnflow;

namespace {

// P+ needs N ≈ 3M for a strictly positive interpolant to exist comfortably.
Problem instance(Sign sign, std::uint64_t seed = 3) {
  return sign == Sign::positive ? testing::small_instance(sign, seed, 36, 12, 2)
                                : testing::small_instance(sign, seed, 24, 10, 2);
}

IntegrateOptions tight() { return testing::tight_integration(); }

double rel(const Vector& a, const Vector& b) { return testing::relative_difference(a, b); }

struct Flow {
  FlowKind kind;
  Schedule schedule;
  std::optional<double> ratio;
};

std::string describe(const FlowOptions& f) {
  std::ostringstream o;
  o << to_string(f.kind) << " " << to_string(f.sign) << " L=" << f.depth << " alpha=" << f.alpha;
  if (f.ratio) o << " q=" << *f.ratio;
  if (f.kind == FlowKind::wn) o << " " << to_string(f.schedule);
  return o.str();
}

}  // namespace

// A Latin design keeps this under ~10 s: for each (sign, L) the four α take two flows each,
// so every flow runs once per (sign, L) and once per α. The scan is coarser than the default
// (60 points over 14 decades): its density only matters for telling close roots apart, and
// root_solves_the_equation_and_does_not_depend_on_the_scan checks the default finds the same root.
BOOST_AUTO_TEST_CASE(predictor_matches_the_wn_flows) {
  const std::vector<Flow> flows = {
      {FlowKind::wn, Schedule::constant_rates, 0.05},  {FlowKind::wn, Schedule::constant_ratio, 0.2},
      {FlowKind::wn, Schedule::constant_rates, 1.0},   {FlowKind::wn_classic, Schedule::constant_rates, 0.2},
      {FlowKind::wn, Schedule::constant_rates, 0.2},   {FlowKind::wn, Schedule::constant_ratio, 0.05},
      {FlowKind::wn_classic, Schedule::constant_rates, std::nullopt},  // |v(0)| = |w(0)|, q = 1
      {FlowKind::wn, Schedule::constant_ratio, 1.0},
  };
  const std::vector<double> alphas = {0.05, 0.3, 1.0, 10.0};
  PredictOptions options;
  options.scan_points = 60;
  int cases = 0, ran = 0, shift = 0;
  double worst_x = 0, worst_alpha = 0, predict_seconds = 0, flow_seconds = 0;
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign);
    for (int L : {2, 3}) {
      for (std::size_t i = 0; i < alphas.size(); ++i)
        for (std::size_t k : {2 * i + shift, 2 * i + 1 + shift}) {
          const Flow& f = flows[k % flows.size()];
          FlowOptions fo;
          fo.kind = f.kind;
          fo.sign = sign;
          fo.depth = L;
          fo.alpha = alphas[i];
          fo.ratio = f.ratio;
          fo.schedule = f.schedule;
          ++cases;
          BOOST_TEST_CONTEXT(describe(fo)) {
            const auto start = std::chrono::steady_clock::now();
            const Prediction pr = predict_limit(p, fo, options);
            predict_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            BOOST_TEST(pr.roots.size() == 1u);  // the basis of the root-selection rule (predict.hpp)
            BOOST_TEST(pr.residual < 1e-12);
            BOOST_TEST(pr.dual_residual < 1e-11);
            const RunResult r = run_flow(p, fo, tight());
            flow_seconds += r.wall_seconds;
            if (!r.converged) {
              BOOST_TEST_MESSAGE("skipped (flow not converged: loss " << r.loss << " at t = " << r.summary.t
                                                                      << ") " << describe(fo));
              continue;
            }
            ++ran;
            const double ex = rel(r.x, pr.x);
            const double ea = std::abs(r.alpha_eff / pr.alpha_eff - 1.0);
            worst_x = std::max(worst_x, ex);
            worst_alpha = std::max(worst_alpha, ea);
            BOOST_TEST(ex <= 1e-6);
            BOOST_TEST(ea <= 1e-6);
            BOOST_TEST(std::abs(r.radius / pr.radius - 1.0) <= 1e-6);
            BOOST_TEST(pr.magnification == fo.alpha / pr.alpha_eff, boost::test_tools::tolerance(1e-12));
          }
        }
      shift += 2;
    }
  }
  BOOST_TEST_MESSAGE("predict vs ODE: " << ran << " of " << cases << " flows converged; max relative difference x "
                                        << worst_x << ", alpha_eff " << worst_alpha << "; predict " << predict_seconds
                                        << " s, flows " << flow_seconds << " s");
  BOOST_TEST(ran >= cases * 4 / 5);
}

BOOST_AUTO_TEST_CASE(gf_prediction_is_the_t1_limit) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign);
    for (int L : {2, 3}) {
      FlowOptions fo;
      fo.sign = sign;
      fo.depth = L;
      fo.alpha = 0.3;
      const Prediction pr = predict_limit(p, fo);
      const GfLimit g = gf_limit(p, sign, L, 0.3);
      BOOST_TEST(pr.alpha_eff == 0.3);
      BOOST_TEST(pr.magnification == 1.0);
      BOOST_TEST(pr.roots.size() == 1u);
      BOOST_TEST(rel(pr.x, g.x) == 0.0);
      BOOST_TEST(pr.radius == g.weights.norm());
      const RunResult r = run_flow(p, fo, tight());
      BOOST_TEST_REQUIRE(r.converged);
      BOOST_TEST(rel(r.x, pr.x) <= 1e-7);
    }
  }
}

// With 1 - q = 0 the constant-ratio schedule leaves α_eff = α whatever the radius.
BOOST_AUTO_TEST_CASE(constant_ratio_with_q_one_keeps_alpha) {
  const Problem p = instance(Sign::positive);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  fo.alpha = 0.2;
  fo.ratio = 1.0;
  fo.schedule = Schedule::constant_ratio;
  const Prediction pr = predict_limit(p, fo);
  BOOST_TEST(pr.alpha_eff == 0.2, boost::test_tools::tolerance(1e-13));
  BOOST_TEST(rel(pr.x, gf_limit(p, Sign::positive, 2, 0.2).x) <= 1e-12);
}

// The equation's own consistency: β = α_eff(ρ(β)) at the returned root, and a coarser scan
// finds the same root.
BOOST_AUTO_TEST_CASE(root_solves_the_equation_and_does_not_depend_on_the_scan) {
  const Problem p = instance(Sign::signed_);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  fo.sign = Sign::signed_;
  fo.depth = 3;
  fo.alpha = 0.05;
  fo.ratio = 0.2;
  const Prediction fine = predict_limit(p, fo);
  PredictOptions coarse;
  coarse.scan_points = 15;
  const Prediction c = predict_limit(p, fo, coarse);
  BOOST_TEST(c.alpha_eff == fine.alpha_eff, boost::test_tools::tolerance(1e-12));
  // Recompute F at the root from its parts.
  const double r0 = fo.alpha * std::sqrt(2.0 * 24);
  const WeightNormRates rates = resolve_rates(fo, r0);
  const double rho = gf_limit(p, Sign::signed_, 3, fine.alpha_eff).weights.norm();
  BOOST_TEST(rho == fine.radius, boost::test_tools::tolerance(1e-12));
  const double implied = fo.alpha * (rho / r0) * std::exp(-(rates.eta_s / (2 * rates.eta_r)) * (rho * rho - r0 * r0));
  BOOST_TEST(implied == fine.alpha_eff, boost::test_tools::tolerance(1e-11));
}

BOOST_AUTO_TEST_CASE(no_root_in_the_bracket_is_a_numerical_error) {
  const Problem p = instance(Sign::positive);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  fo.alpha = 0.05;
  fo.ratio = 1.0;  // β is ~1e-11 here: far below a one-decade bracket
  PredictOptions narrow;
  narrow.bracket_decades_below = 1;
  narrow.bracket_decades_above = 1;
  try {
    predict_limit(p, fo, narrow);
    BOOST_FAIL("expected NumericalError");
  } catch (const NumericalError& e) {
    const std::string what = e.what();
    BOOST_TEST_MESSAGE(what);
    BOOST_TEST(what.find("no root of the alpha_eff equation in [") != std::string::npos);
    BOOST_TEST(what.find("lower end") != std::string::npos);
    BOOST_TEST(what.find("below the bracket") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(bad_options_are_input_errors) {
  const Problem p = instance(Sign::positive);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  PredictOptions o;
  o.scan_points = 1;
  BOOST_CHECK_THROW(predict_limit(p, fo, o), InputError);
  o = {};
  o.bracket_decades_below = -1;
  BOOST_CHECK_THROW(predict_limit(p, fo, o), InputError);
  o = {};
  o.tolerance = 0;
  BOOST_CHECK_THROW(predict_limit(p, fo, o), InputError);
  fo.alpha = -1;
  BOOST_CHECK_THROW(predict_limit(p, fo), InputError);
  FlowOptions gf;
  gf.ratio = 0.5;  // --ratio with gf
  BOOST_CHECK_THROW(predict_limit(p, gf), InputError);
}

BOOST_AUTO_TEST_CASE(report_is_readable) {
  const Problem p = instance(Sign::positive);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  fo.alpha = 1.0;
  fo.ratio = 0.2;
  const std::string text = predict_limit(p, fo).report();
  BOOST_TEST(text.find("alpha_eff") != std::string::npos);
  BOOST_TEST(text.find("magnification") != std::string::npos);
  BOOST_TEST(text.find("roots") != std::string::npos);
}
