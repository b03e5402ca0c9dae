// T5: the predicted local rate λ = λ_min(A P(w∞) Aᵀ) against the rate measured on the loss
// tail of the flows, and the tail-window fit on synthetic trajectories.
#define BOOST_TEST_MODULE local_rate
#include <boost/test/unit_test.hpp>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <functional>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/local_rate.hpp>
#include <wnflow/solve/rate_fit.hpp>
#include <wnflow/model/predict.hpp>
#include <wnflow/solve/run.hpp>

using namespace wnflow;

namespace {

Problem instance(Sign sign) {
  InstanceSpec spec;
  spec.sign = sign;
  spec.sparsity = 2;
  spec.seed = 3;
  spec.M = 10;
  spec.N = sign == Sign::positive ? 32 : 24;
  return random_instance(spec);
}

// Past convergence into the noise (loss_tol 0), densely sampled, so the tail has points.
IntegrateOptions tail_options(double t_max = 1e5) {
  IntegrateOptions o;
  // One stepper for the whole tail: auto may hand over to bdf inside the exponential tail,
  // and bdf's first low-order steps after the hand-over leave a kink at the 1e-20 level
  // (rtol on log w bounds |Ax - y| there), which the window rule rightly declines to fit.
  o.stepper = StepperKind::bdf;
  o.rtol = 1e-11;
  o.atol = 1e-14;
  o.t_max = t_max;
  o.loss_tol = 0;
  o.samples_per_decade = 40;
  return o;
}

std::vector<Sample> synthetic(const std::function<double(double)>& loss, double t_end = 1e4) {
  std::vector<Sample> out;
  Sample s0;
  s0.t = 0;
  s0.loss = loss(0);
  out.push_back(s0);
  for (int k = 0;; ++k) {
    Sample s;
    s.t = 1e-2 * std::pow(10.0, k / 40.0);
    if (s.t > t_end) break;
    s.loss = loss(s.t);
    out.push_back(s);
  }
  return out;
}

double lambda_min(const Matrix& K) {
  return Eigen::SelfAdjointEigenSolver<Matrix>(K, Eigen::EigenvaluesOnly).eigenvalues()(0);
}

// λ_max by power iteration, a route independent of the library's eigen-solve.
double lambda_max_power(const Matrix& K) {
  Vector v = Vector::Ones(K.rows());
  double lambda = 0;
  for (int k = 0; k < 5000; ++k) {
    const Vector Kv = K * v;
    lambda = v.dot(Kv) / v.squaredNorm();
    v = Kv / Kv.norm();
  }
  return lambda;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fit_recovers_an_exact_exponential) {
  const double lambda = 0.0375;
  const RateFit f = fit_rate(synthetic([&](double t) { return 2.5 * std::exp(-2 * lambda * t); }));
  BOOST_TEST_MESSAGE(f.reason);
  BOOST_TEST_REQUIRE(f.ok);
  BOOST_TEST(f.lambda == lambda, boost::test_tools::tolerance(1e-10));
  BOOST_TEST(f.r2 > 0.999999);
  BOOST_TEST(f.points >= 8);
  BOOST_TEST(f.t_end > f.t_begin);
}

// A faster transient on top, then a noise plateau such as an integration ends on: the window
// must avoid both and still find λ.
BOOST_AUTO_TEST_CASE(fit_skips_the_transient_and_the_noise) {
  const double lambda = 0.05;
  int k = 0;
  const RateFit f = fit_rate(synthetic([&](double t) {
    const double clean = 1e-3 * std::exp(-2 * lambda * t) + 5.0 * std::exp(-2 * 8 * lambda * t);
    ++k;
    return std::max(clean, 1e-26 * (1.5 + std::sin(1.7 * k)));  // the plateau wanders
  }));
  BOOST_TEST_MESSAGE(f.reason);
  BOOST_TEST_REQUIRE(f.ok);
  // The halves rule accepts a long window whose first samples still carry some of the
  // transient (it starts near t = 14, where the fast mode is a fifth of the loss); over a long
  // window that leaves a small bias (7e-4 here). A fit over the whole decay would be off by
  // tens of percent.
  BOOST_TEST(f.lambda == lambda, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(f.t_begin > 10.0);  // the fast mode dominates the loss before t = 12
}

BOOST_AUTO_TEST_CASE(fit_declines_what_it_cannot_measure) {
  BOOST_TEST(!fit_rate({}).ok);
  // Too short.
  std::vector<Sample> few = synthetic([](double t) { return std::exp(-t); }, 0.02);
  BOOST_TEST(!fit_rate(few).ok);
  BOOST_TEST(!fit_rate(few).reason.empty());
  // No decay.
  BOOST_TEST(!fit_rate(synthetic([](double) { return 1.0; })).ok);
  // Curved all the way (power law): no window is linear.
  const RateFit power = fit_rate(synthetic([](double t) { return 1.0 / (1.0 + t * t * t); }));
  BOOST_TEST(!power.ok);
  BOOST_TEST_MESSAGE(power.reason);
}

// The preconditioner from its x-space forms (docs/theory.md §1.1, §1.2) for P+, independently of the
// J H Jᵀ assembly in predicted_rate.
BOOST_AUTO_TEST_CASE(predicted_rate_matches_the_x_space_preconditioner) {
  const Problem p = instance(Sign::positive);
  const Vector w = Vector::LinSpaced(p.cols(), 0.2, 1.4);
  for (int L : {2, 3}) {
    const Vector x = w.array().pow(L);
    const Vector D = x.array().pow(2.0 - 2.0 / L);
    FlowOptions gf;
    gf.depth = L;
    gf.eta = 0.7;
    const Matrix Pgf = 0.7 * L * L * Matrix(D.asDiagonal());
    BOOST_TEST(predicted_rate(p, gf, {}, w) == lambda_min(p.A * Pgf * p.A.transpose()),
               boost::test_tools::tolerance(1e-10));

    FlowOptions wn;
    wn.kind = FlowKind::wn;
    wn.depth = L;
    wn.alpha = 0.1;
    const WeightNormRates rates{1.3, 0.4, Schedule::constant_rates};
    const double r2 = w.squaredNorm();
    const Matrix Pwn = L * L * (rates.eta_s * r2 * Matrix(D.asDiagonal()) - (rates.eta_s - rates.eta_r / r2) * x * x.transpose());
    BOOST_TEST(predicted_rate(p, wn, rates, w) == lambda_min(p.A * Pwn * p.A.transpose()),
               boost::test_tools::tolerance(1e-10));
    // The top of the spectrum (the curvature that t_scaled and the condition number use).
    const LocalSpectrum sg = local_spectrum(p, gf, {}, w), sw = local_spectrum(p, wn, rates, w);
    BOOST_TEST(sg.lambda_max == lambda_max_power(p.A * Pgf * p.A.transpose()), boost::test_tools::tolerance(1e-8));
    BOOST_TEST(sw.lambda_max == lambda_max_power(p.A * Pwn * p.A.transpose()), boost::test_tools::tolerance(1e-8));
    BOOST_TEST(sw.condition() == sw.lambda_max / predicted_rate(p, wn, rates, w), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(sw.condition() >= 1.0);
    BOOST_TEST(std::isinf((LocalSpectrum{-1e-17, 1.0}.condition())));
    BOOST_TEST(std::isinf((LocalSpectrum{1e-15, 1.0}.condition())));
  }
}

BOOST_AUTO_TEST_CASE(predicted_rate_checks_its_input) {
  const Problem p = instance(Sign::signed_);
  FlowOptions fo;
  fo.sign = Sign::signed_;
  BOOST_CHECK_THROW(predicted_rate(p, fo, {}, Vector::Ones(p.cols())), InputError);  // needs [u; v]
  Vector w = Vector::Ones(2 * p.cols());
  w[3] = 0.0;
  BOOST_CHECK_THROW(predicted_rate(p, fo, {}, w), InputError);
  BOOST_TEST(predicted_rate(p, fo, {}, Vector::Ones(2 * p.cols())) > 0.0);
}

// The measured tail rate of the flows against λ at the predicted limit.
BOOST_AUTO_TEST_CASE(predicted_rate_matches_the_flows) {
  struct Case {
    Sign sign;
    int depth;
    double alpha;
    FlowKind kind;
    std::optional<double> ratio;
    Schedule schedule;
  };
  const std::vector<Case> cases = {
      {Sign::positive, 2, 0.1, FlowKind::gf, std::nullopt, Schedule::constant_rates},
      {Sign::positive, 2, 0.5, FlowKind::gf, std::nullopt, Schedule::constant_rates},
      {Sign::positive, 3, 0.5, FlowKind::gf, std::nullopt, Schedule::constant_rates},
      {Sign::positive, 2, 0.1, FlowKind::wn, 0.2, Schedule::constant_rates},
      {Sign::positive, 2, 2.0, FlowKind::wn, 0.2, Schedule::constant_rates},
      {Sign::positive, 3, 0.5, FlowKind::wn, 0.2, Schedule::constant_ratio},
      {Sign::positive, 2, 0.5, FlowKind::wn_classic, std::nullopt, Schedule::constant_rates},
      {Sign::signed_, 2, 0.1, FlowKind::gf, std::nullopt, Schedule::constant_rates},
      {Sign::signed_, 2, 0.1, FlowKind::wn, 0.2, Schedule::constant_rates},
      {Sign::signed_, 2, 0.5, FlowKind::wn, 0.2, Schedule::constant_ratio},
      {Sign::signed_, 3, 0.5, FlowKind::wn, 0.2, Schedule::constant_rates},
      {Sign::signed_, 3, 0.1, FlowKind::wn_classic, std::nullopt, Schedule::constant_rates},
  };
  double worst = 0;
  for (const Case& c : cases) {
    const Problem p = instance(c.sign);
    FlowOptions fo;
    fo.sign = c.sign;
    fo.depth = c.depth;
    fo.alpha = c.alpha;
    fo.kind = c.kind;
    fo.ratio = c.ratio;
    fo.schedule = c.schedule;
    BOOST_TEST_CONTEXT(to_string(c.kind) << " " << to_string(c.sign) << " L=" << c.depth << " alpha=" << c.alpha) {
      const RunResult r = run_flow(p, fo, tail_options());
      const Prediction pr = predict_limit(p, fo);
      const double predicted = predicted_rate(p, fo, r.rates, pr.weights);
      // The flow's own end point gives the same λ (the limit is reached to ~1e-10).
      BOOST_TEST(predicted_rate(p, fo, r.rates, r.w) == predicted, boost::test_tools::tolerance(1e-6));
      const RateFit f = fit_rate(r.trajectory);
      BOOST_TEST_MESSAGE("predicted " << predicted << ", measured " << f.lambda << " (ratio " << f.lambda / predicted
                                      << "), " << f.reason);
      BOOST_TEST_REQUIRE(f.ok);
      worst = std::max(worst, std::abs(f.lambda / predicted - 1.0));
      BOOST_TEST(f.lambda == predicted, boost::test_tools::tolerance(0.025));
    }
  }
  BOOST_TEST_MESSAGE("largest |measured/predicted - 1| = " << worst);
}
