// The integration driver: the hot path does not allocate, stop reasons are what happened,
// sample times are where they should be.
#define BOOST_TEST_MODULE integrate
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <limits>
#include <new>
#include <wnflow/model/detail/finite.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

#include "allocation_counter.hpp"

using namespace wnflow;

namespace {

Problem instance(Sign sign) { return random_instance({40, 14, 2, 3, sign}); }

// Allocations made by integrate() for a run of exactly `steps` steps (stopped by max_steps).
template <class Flow>
long allocations_for(Flow& flow, StepperKind kind, long steps) {
  IntegrateOptions o;
  o.stepper = kind;
  return testing::integrate_allocations(flow, o, steps);
}

}  // namespace

// The integrator's blow-up test (and validate()'s) is a vectorized reduction; it must see one
// NaN or infinity anywhere: in a full packet, in the scalar tail, first or last.
BOOST_AUTO_TEST_CASE(all_finite_finds_one_bad_entry_anywhere) {
  const double bad[] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::quiet_NaN()};
  BOOST_TEST(wnflow::detail::all_finite(wnflow::Vector()));
  for (int n = 1; n <= 37; ++n) {
    wnflow::Vector v = wnflow::Vector::LinSpaced(n, -1e300, 1e300);
    v(n / 2) = std::numeric_limits<double>::max();
    v(0) = -std::numeric_limits<double>::denorm_min();
    BOOST_TEST(wnflow::detail::all_finite(v), "n = " << n);
    for (int i = 0; i < n; ++i)
      for (const double b : bad) {
        wnflow::Vector w = v;
        w(i) = b;
        BOOST_TEST(!wnflow::detail::all_finite(w), "n = " << n << ", entry " << i << " = " << b);
      }
  }
  wnflow::Matrix m = wnflow::Matrix::Ones(5, 3);
  BOOST_TEST(wnflow::detail::all_finite(m));
  m(4, 2) = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(!wnflow::detail::all_finite(m));
  BOOST_TEST(!wnflow::detail::all_finite(m.col(2)));
  BOOST_TEST(wnflow::detail::all_finite(m.leftCols(2)));
}

BOOST_AUTO_TEST_CASE(explicit_steps_do_not_allocate) {
  const Problem p = instance(Sign::signed_);
  const DiagonalNetwork net(p, Sign::signed_, 3);
  GradientFlow gf(net, 0.2);
  WeightNormFlow wn(net, 0.2, WeightNormRates::from_ratio(0.3, initial_radius(net, 0.2)));
  ClassicWeightNormFlow classic(net, 0.2, 1.0);
  for (StepperKind k : {StepperKind::dopri5, StepperKind::cash_karp54, StepperKind::fehlberg78}) {
    BOOST_TEST_CONTEXT(to_string(k)) {
      // Nine times the steps, the same allocations: none of them is per step. (Both counts
      // have three digits, so even the stop message allocates alike.)
      BOOST_TEST(allocations_for(gf, k, 900) == allocations_for(gf, k, 100));
      BOOST_TEST(allocations_for(wn, k, 900) == allocations_for(wn, k, 100));
      BOOST_TEST(allocations_for(classic, k, 900) == allocations_for(classic, k, 100));
      BOOST_TEST(allocations_for(gf, k, 100) < 20);
    }
  }
}

BOOST_AUTO_TEST_CASE(one_rhs_allocates_nothing) {
  const Problem p = instance(Sign::positive);
  const DiagonalNetwork net(p, Sign::positive, 2);
  WeightNormFlow wn(net, 0.2, {1.0, 0.1, Schedule::constant_rates});
  const Vector s = wn.initial_state();
  Vector ds(s.size());
  wn(s, ds, 0.0);  // warm
  const long before = allocations.load();
  for (int i = 0; i < 100; ++i) wn(s, ds, 0.0);
  BOOST_TEST(allocations.load() - before == 0);
}

BOOST_AUTO_TEST_CASE(observer_sees_zero_the_log_spaced_times_and_the_end) {
  const Problem p = instance(Sign::positive);
  const DiagonalNetwork net(p, Sign::positive, 2);
  GradientFlow gf(net, 0.5);
  for (StepperKind k : {StepperKind::dopri5, StepperKind::cash_karp54, StepperKind::rosenbrock4,
                        StepperKind::bulirsch_stoer}) {
    IntegrateOptions o;
    o.stepper = k;
    o.loss_tol = 0.0;
    o.t_max = 50.0;
    o.first_sample = 0.1;
    o.samples_per_decade = 4;
    std::vector<double> seen;
    Vector z = gf.initial_state();
    const IntegrateSummary s = integrate(gf, z, o, [&](double t, const Vector&) { seen.push_back(t); });
    const std::vector<double> expected = sample_times(o);
    BOOST_TEST_CONTEXT(to_string(k)) {
      BOOST_TEST(to_string(s.stop_reason) == "t_max");
      BOOST_TEST_REQUIRE(seen.size() == expected.size() + 2);
      BOOST_TEST(seen.front() == 0.0);
      for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(seen[i + 1] == expected[i]);
      BOOST_TEST(seen.back() == 50.0);
      BOOST_TEST(s.t == 50.0);
    }
  }
  IntegrateOptions o;
  o.first_sample = 0.1;
  o.samples_per_decade = 4;
  o.t_max = 10.0;
  const std::vector<double> t = sample_times(o);
  // 0.1, 0.178, 0.316, 0.562, 1, 1.78, 3.16, 5.62: t_max itself is the final time, not a sample.
  BOOST_TEST(t.size() == 8u);
  BOOST_TEST(std::abs(t[4] - 1.0) < 1e-15);
}
