#define BOOST_TEST_MODULE experiment
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <set>
#include <wnflow/model/errors.hpp>
#include <wnflow/lab/experiment.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/l1.hpp>
#include <wnflow/lab/table.hpp>

#include "support.hpp"

using namespace wnflow;

namespace {

const char* kSmall = R"({
  "name": "small",
  "problem": {"N": 16, "M": 8, "sparsity": 2, "sign": ["positive", "signed"], "trials": 2, "seed": 5},
  "algorithms": [{"kind": "gf"}, {"kind": "wn", "ratio": [0.1, 1]}, {"kind": "l1"}],
  "depth": [2, 3],
  "alpha": {"from": 0.01, "to": 1, "points": 3},
  "measure": {"l1": true},
  "quick": {"problem": {"trials": 1}, "depth": [2]}
})";

// The InputError message of parse_experiment(text), or "" if it parsed.
std::string error_of(const std::string& text) {
  try {
    parse_experiment(text, "cfg");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool mentions(const std::string& message, const std::string& part) {
  BOOST_TEST_INFO("message: " << message);
  return message.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(grid_expands_in_order_with_one_lp_cell_per_instance) {
  const Experiment e = parse_experiment(kSmall, "small");
  BOOST_TEST(e.algorithms.size() == 4u);  // gf, wn q=0.1, wn q=1, l1
  BOOST_TEST(e.alphas.size() == 3u);
  BOOST_TEST(e.alphas.front() == 0.01);
  BOOST_TEST(e.alphas[1] == 0.1);  // log-spaced and rounded to 12 digits
  BOOST_TEST(e.alphas.back() == 1.0);
  const auto cells = expand_cells(e);
  // 2 signs x 2 trials x (3 network algorithms x 2 depths x 3 alphas + 1 LP)
  BOOST_TEST(cells.size() == 2u * 2u * (3u * 2u * 3u + 1u));
  std::set<std::string> keys;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    BOOST_TEST(cells[i].index == i);
    keys.insert(cells[i].key);
    BOOST_TEST(cells[i].instance.seed == 5u + std::uint64_t(cells[i].trial));
  }
  BOOST_TEST(keys.size() == cells.size());
}

BOOST_AUTO_TEST_CASE(quick_patch_is_applied_only_when_asked) {
  BOOST_TEST(expand_cells(parse_experiment(kSmall, "small", true)).size() == 2u * (3u * 3u + 1u));
  BOOST_TEST(parse_experiment(kSmall, "small", false).trials == 2);
}

BOOST_AUTO_TEST_CASE(every_defect_names_its_key) {
  const std::string base = R"({"name": "x", "problem": {"N": 10, "M": 5}, "algorithms": [{"kind": "gf"}])";
  BOOST_TEST(mentions(error_of(base + R"(, "alpah": 1})"), "cfg: unknown key alpah"));
  BOOST_TEST(mentions(error_of(R"({"name": "x", "problem": {"N": 10, "MM": 5}, "algorithms": [{"kind": "gf"}]})"),
                      "cfg: unknown key problem.MM"));
  BOOST_TEST(mentions(error_of(base + R"(, "depth": "3"})"), "cfg: depth must be an integer"));
  BOOST_TEST(mentions(error_of(base + R"(, "depth": [1]})"), "cfg: depth[0] must be >= 2"));
  BOOST_TEST(mentions(error_of(base + R"(, "alpha": []})"), "cfg: alpha is an empty list"));
  BOOST_TEST(mentions(error_of(base + R"(, "alpha": [0.1, -1]})"), "cfg: alpha must hold positive"));
  BOOST_TEST(mentions(error_of(base + R"(, "alpha": [1e200], "depth": [3]})"), "overflows"));
  BOOST_TEST(mentions(error_of(R"({"name": "x", "problem": {"N": 10, "M": 5}, "algorithms": [{"kind": "gf", "ratio": 0.1}]})"),
                      "cfg: algorithms[0].ratio applies to weight normalization"));
  BOOST_TEST(mentions(error_of(R"({"name": "x", "problem": {"N": 10, "M": 5}, "algorithms": [{"kind": "gd", "schedule": "constant-ratio"}]})"),
                      "cfg: algorithms[0].schedule"));
  BOOST_TEST(mentions(error_of(R"({"name": "x", "problem": {"N": 10, "M": 5}, "algorithms": [{"kind": "sgd"}]})"),
                      "cfg: algorithms[0].kind"));
  BOOST_TEST(mentions(error_of(R"({"name": "x", "problem": {"N": 4, "M": 5, "sparsity": 6}, "algorithms": [{"kind": "gf"}]})"),
                      "cfg: problem.sparsity = 6 exceeds N = 4"));
  BOOST_TEST(mentions(error_of(R"({"name": "x", "problem": {}, "algorithms": []})"), "cfg: algorithms is an empty list"));
  BOOST_TEST(mentions(error_of(R"({"name": "x", "problem": {}, "algorithms": [{"kind": "wn"}, {"kind": "wn"}]})"),
                      "share the label"));
  BOOST_TEST(mentions(error_of(base + R"(, "integrate": {"rtol": -1}})"), "cfg: integrate"));
  BOOST_TEST(mentions(error_of(base + R"(, "measure": {"l1": 1}})"), "cfg: measure.l1 must be true or false"));
  BOOST_TEST(mentions(error_of(R"({"name": "a b", "problem": {}, "algorithms": [{"kind": "gf"}]})"), "cfg: name"));
  BOOST_TEST(mentions(error_of(R"({"problem": {}, "algorithms": [{"kind": "gf"}]})"), "name is required"));
  BOOST_TEST(mentions(error_of("{\"name\": \"x\", "), "malformed JSON"));
  BOOST_TEST(mentions(error_of("[1, 2]"), "must be a JSON object"));
  BOOST_TEST(mentions(error_of(base + R"(, "figures": [{"name": "f", "x": "alpha", "y": "no_such_column"}]})"),
                      "no_such_column"));
  BOOST_TEST(error_of(base + "}").empty());
}

BOOST_AUTO_TEST_CASE(cells_measure_what_independent_solvers_give) {
  // The flow cell's limit against the T1 dual solution and the LP; the LP cell is the LP.
  // P± and L = 2 at alpha = 1e-2, where the local rate (T5) lets the flow converge by t_max.
  const Experiment e = parse_experiment(R"({
    "name": "t", "problem": {"N": 16, "M": 8, "sparsity": 2, "seed": 3, "sign": "signed"},
    "algorithms": [{"kind": "gf"}, {"kind": "l1"}], "depth": [2], "alpha": [1e-2],
    "integrate": {"rtol": 1e-10, "atol": 1e-14, "t_max": 1e9, "loss_tol": 1e-24}, "measure": {"l1": true}})",
                                        "t");
  const auto cells = expand_cells(e);
  BOOST_REQUIRE(cells.size() == 2u);
  Table t(result_columns());
  for (const auto& c : cells)
    for (auto& r : run_cell(e, c)) t.add_row(r);
  BOOST_REQUIRE(t.rows() == 2u);
  BOOST_TEST(t.text(0, "status") == "ok");
  BOOST_TEST(t.text(0, "cell_rows") == "1");

  const Problem p = testing::small_instance(Sign::signed_, 3, 16, 8, 2);
  L1Options lo;
  lo.sign = Sign::signed_;
  const L1Result lp = solve_l1(p, lo);
  const GfLimit gf = gf_limit(p, Sign::signed_, 2, 1e-2);
  BOOST_TEST(t.number(1, "l1_min") == lp.value, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(t.number(1, "relative_error") ==
                 (lp.x - *p.x_star).norm() / p.x_star->norm(), boost::test_tools::tolerance(1e-9));
  // The flow's limit against the T1 dual solution, through the l1 norm the cell reports.
  BOOST_TEST(t.number(0, "l1_norm") == gf.x.lpNorm<1>(), boost::test_tools::tolerance(1e-7));
  BOOST_TEST(t.number(0, "l1_excess") >= -1e-9);
}

BOOST_AUTO_TEST_CASE(trajectory_cells_emit_one_row_per_sample) {
  const Experiment e = parse_experiment(R"({
    "name": "t", "problem": {"N": 12, "M": 6, "sparsity": 2}, "algorithms": [{"kind": "wn", "ratio": 0.5}],
    "alpha": [0.5], "measure": {"l1": false, "trajectory": true, "rate": true}})",
                                        "t");
  const auto rows = run_cell(e, expand_cells(e).front());
  BOOST_REQUIRE(rows.size() > 10u);
  Table t(result_columns());
  for (auto r : rows) t.add_row(r);
  BOOST_TEST(t.number(0, "cell_rows") == double(rows.size()));
  BOOST_TEST(t.number(0, "sample_t") == 0.0);
  for (std::size_t i = 1; i < t.rows(); ++i) BOOST_TEST(t.number(i, "sample_t") > t.number(i - 1, "sample_t"));
  BOOST_TEST(t.number(t.rows() - 1, "sample_loss") < 1e-12 * t.number(0, "sample_loss"));
  BOOST_TEST(t.number(0, "rate_predicted") > 0.0);
}

BOOST_AUTO_TEST_CASE(discrete_cells_report_the_searched_step) {
  const Experiment e = parse_experiment(R"({
    "name": "d", "problem": {"N": 12, "M": 6, "sparsity": 2}, "algorithms": [{"kind": "gd"}, {"kind": "wn-gd-polar", "ratio": 0.5}],
    "alpha": [0.5], "discrete": {"max_iterations": 20000, "loss_tol": 1e-12}, "measure": {"l1": false}})",
                                        "d");
  for (const auto& c : expand_cells(e)) {
    Table t(result_columns());
    t.add_row(run_cell(e, c).front());
    BOOST_TEST(t.text(0, "status") == "ok");
    BOOST_TEST(t.number(0, "step") > 0.0);
    BOOST_TEST(t.number(0, "iterations") >= 1.0);
    BOOST_TEST(t.number(0, "loss") <= 1e-12);
  }
}
