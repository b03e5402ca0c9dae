// bench.hpp: the pieces with a definite answer (no timing assertions): the stepper list, the
// standard sizes, the case grid, the CSV columns, and one tiny run end to end.
#define BOOST_TEST_MODULE bench
#include <boost/test/unit_test.hpp>
#include <sstream>
#include "bench.hpp"
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/errors.hpp>

using namespace wnflow;

BOOST_AUTO_TEST_CASE(every_stepper_is_benched) {
  const auto kinds = all_steppers();
  const auto names = stepper_names();
  BOOST_REQUIRE_EQUAL(kinds.size(), names.size());
  for (size_t i = 0; i < kinds.size(); ++i) BOOST_TEST(to_string(kinds[i]) == names[i]);
  BOOST_TEST(BenchOptions{}.steppers.size() == names.size());
}

BOOST_AUTO_TEST_CASE(standard_sizes) {
  BOOST_TEST(standard_m(150) == 45);
  BOOST_TEST(standard_m(400) == 100);
  BOOST_TEST(standard_m(10000) == 2500);
  BOOST_TEST(standard_sparsity(150) == 3);
  BOOST_TEST(standard_sparsity(2000) == 40);
}

BOOST_AUTO_TEST_CASE(case_grid) {
  BenchOptions o;
  BOOST_TEST(bench_cases(o).size() == 4u * 2 * 2 * 3 * 2);  // N x sign x L x alpha x flow
  o.sizes = {20};
  o.signs = {Sign::positive};
  o.flows = {FlowKind::wn};
  const auto cases = bench_cases(o);
  BOOST_TEST(cases.size() == 6u);
  BOOST_TEST(cases.front().M == 5);
  BOOST_TEST(cases.front().ratio == 0.05);
}

BOOST_AUTO_TEST_CASE(bad_options_are_input_errors) {
  BenchOptions o;
  o.timeout = 0;
  BOOST_CHECK_THROW(o.validate(), InputError);
  o = BenchOptions{};
  o.sizes = {2};
  BOOST_CHECK_THROW(o.validate(), InputError);
  o = BenchOptions{};
  o.flows = {FlowKind::wn_classic};
  BOOST_CHECK_THROW(o.validate(), InputError);
}

BOOST_AUTO_TEST_CASE(tiny_run) {
  BenchOptions o;
  o.sizes = {16};
  o.signs = {Sign::positive};
  o.flows = {FlowKind::gf};
  o.depths = {2};
  o.alphas = {1.0};
  o.steppers = {StepperKind::automatic, StepperKind::dopri5};
  o.timeout = 60;
  o.matvec_threads = 1;
  set_matvec_threads(3);
  int seen = 0;
  const BenchSummary s = run_bench(o, [&](const BenchRow&) { ++seen; });
  // The bench's thread setting is its own: the process-wide one is left as the caller set it.
  BOOST_TEST(matvec_threads() == 3);
  set_matvec_threads(0);
  BOOST_TEST(s.machine.find("split over 1 threads") != std::string::npos, s.machine);
  BOOST_REQUIRE_EQUAL(s.rows.size(), 2u);
  BOOST_TEST(seen == 2);
  for (const auto& r : s.rows) {
    BOOST_TEST(r.status == "ok");
    BOOST_TEST(r.steps > 0);
    BOOST_TEST(r.rhs_evals > 0);
    BOOST_TEST(r.floor_seconds > 0);
    BOOST_TEST(r.peak_rss_kb > 0);
    BOOST_TEST(r.accuracy < 1e-6);  // against the T1 limit
  }
  std::istringstream csv(s.csv());
  std::string header;
  std::getline(csv, header);
  std::string expected;
  for (const auto& c : bench_csv_columns()) expected += (expected.empty() ? "" : ",") + c;
  BOOST_TEST(header == expected);
  BOOST_TEST(s.report().find("per case") != std::string::npos);
  BOOST_TEST(gemv_floor_seconds(Matrix::Ones(8, 16), 3) > 0);
}
