#define BOOST_TEST_MODULE experiment
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <set>
#include <wnflow/model/errors.hpp>
#include <wnflow/lab/experiment.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/l1.hpp>
#include <wnflow/model/large_alpha.hpp>
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
  BOOST_TEST(e.alphas.values.front() == 0.01);
  BOOST_TEST(e.alphas.values[1] == 0.1);  // log-spaced and rounded to 12 digits
  BOOST_TEST(e.alphas.values.back() == 1.0);
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
  // The rows of the fitted window carry lambda_pred (t - t0) and loss / loss(t0): they start at
  // (0, 1), and where the fitted rate matches the predicted one (T5), loss / loss(t0) follows
  // exp(-2 x) to the ratio of the two rates.
  std::vector<std::size_t> window;
  for (std::size_t i = 0; i < t.rows(); ++i)
    if (!std::isnan(t.number(i, "sample_t_fit"))) window.push_back(i);
  BOOST_REQUIRE(window.size() >= 8u);
  BOOST_TEST(t.number(window.front(), "sample_t_fit") == 0.0);
  BOOST_TEST(t.number(window.front(), "sample_loss_fit") == 1.0);
  for (std::size_t k = 1; k < window.size(); ++k) BOOST_TEST(window[k] == window[k - 1] + 1);  // contiguous
  const double ratio = t.number(0, "rate_measured") / t.number(0, "rate_predicted");
  BOOST_TEST(std::abs(ratio - 1) < 0.02);
  const std::size_t last = window.back();
  BOOST_TEST(std::log(t.number(last, "sample_loss_fit")) / (-2 * t.number(last, "sample_t_fit")) ==
                 ratio, boost::test_tools::tolerance(0.02));
}

BOOST_AUTO_TEST_CASE(gf_error_at_alpha_eff_is_the_wn_limit_error) {
  // T3: the WN limit is the GF limit at alpha_eff. The flow's relative error against the error of
  // the T1 dual solution at the measured alpha_eff (computed without the flow).
  const Experiment e = parse_experiment(R"({
    "name": "t", "problem": {"N": 16, "M": 8, "sparsity": 2, "seed": 3, "sign": "signed"},
    "algorithms": [{"kind": "wn", "ratio": 0.5}, {"kind": "wn", "ratio": 0.5, "normalize": "separate"}],
    "depth": [2], "alpha": [0.1],
    "integrate": {"rtol": 1e-10, "atol": 1e-14, "t_max": 1e9, "loss_tol": 1e-24},
    "measure": {"l1": false, "gf_at_alpha_eff": true}})",
                                        "t");
  Table t(result_columns());
  for (const auto& c : expand_cells(e)) t.add_row(run_cell(e, c).front());
  BOOST_REQUIRE(t.rows() == 2u);
  BOOST_TEST(t.text(0, "status") == "ok");
  BOOST_TEST(t.number(0, "gf_error_at_alpha_eff") == t.number(0, "relative_error"), boost::test_tools::tolerance(1e-5));
  BOOST_TEST(std::isnan(t.number(1, "gf_error_at_alpha_eff")));  // two scales: no single GF limit
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

BOOST_AUTO_TEST_CASE(curvature_cells_count_their_products_and_compare_alpha_eff_with_the_flow) {
  const Experiment e = parse_experiment(R"({
    "name": "c", "problem": {"N": 12, "M": 6, "sparsity": 2},
    "algorithms": [{"kind": "gd", "step_rule": "curvature"},
                   {"kind": "wn-gd-polar", "ratio": 1, "step_rule": "curvature", "step_fraction": 0.5},
                   {"kind": "wn-gd-classic", "ratio": 1, "step_rule": "curvature"}],
    "alpha": [0.5], "discrete": {"max_iterations": 50000, "loss_tol": 1e-12, "step_grid": [0.1, 0.01]},
    "integrate": {"loss_tol": 1e-14}, "measure": {"l1": false, "flow": true}})",
                                        "c");
  BOOST_TEST(e.algorithms[0].label == "GD curvature");
  for (const auto& c : expand_cells(e)) {
    Table t(result_columns());
    t.add_row(run_cell(e, c).front());
    BOOST_TEST_CONTEXT(c.algorithm.label) {
      BOOST_TEST(t.text(0, "status") == "ok");
      BOOST_TEST(t.number(0, "grad_evals") > t.number(0, "iterations") + 1.0);  // products counted
      BOOST_TEST(t.number(0, "search_grad_evals") == t.number(0, "grad_evals"));
      BOOST_TEST(t.number(0, "lambda_max") > 0.0);
      if (c.algorithm.kind == AlgorithmKind::gd) {
        BOOST_TEST(std::isnan(t.number(0, "alpha_eff_flow")));
      } else {
        // The flow at the same rates, integrated by run_flow, against the discrete closed form.
        BOOST_TEST(t.number(0, "alpha_eff_flow") > 0.0);
        BOOST_TEST(t.number(0, "alpha_eff_gap") < 0.05);
        BOOST_TEST(std::abs(t.number(0, "alpha_eff") / t.number(0, "alpha_eff_flow") - 1.0) ==
                   t.number(0, "alpha_eff_gap"), boost::test_tools::tolerance(1e-6));
      }
      if (c.algorithm.kind == AlgorithmKind::wn_gd_classic) BOOST_TEST(t.number(0, "v_norm_growth") >= 1.0);
    }
  }
  const std::string base = R"({"name": "c", "problem": {"N": 12, "M": 6, "sparsity": 2}, "alpha": [0.5], "algorithms": [)";
  BOOST_TEST(mentions(error_of(base + R"({"kind": "gf", "step_rule": "curvature"}]})"), "step_rule"));
  BOOST_TEST(mentions(error_of(base + R"({"kind": "gd", "step_rule": "armijo"}]})"), "step_rule"));
  BOOST_TEST(mentions(error_of(base + R"({"kind": "gd", "step_rule": "fixed"}]})"), "step_rule"));
  BOOST_TEST(mentions(error_of(base + R"({"kind": "gd", "step": 0.1, "step_rule": "curvature"}]})"), "step_rule"));
  BOOST_TEST(mentions(error_of(base + R"({"kind": "gd", "step_fraction": 0.5}]})"), "step_fraction"));
  BOOST_TEST(mentions(error_of(base + R"({"kind": "gd", "step_rule": "curvature", "step_fraction": 1.5}]})"), "step_fraction"));
  BOOST_TEST(mentions(error_of(base + R"({"kind": "gd"}], "measure": {"flow": 1}})"), "flow"));
}

// ---- rules of N and of the instance (docs/experiments.md, "Config keys"; E8) ----------------

BOOST_AUTO_TEST_CASE(m_rule_and_alpha_rule_expand_per_n) {
  const Experiment e = parse_experiment(R"({
    "name": "r", "problem": {"N": [100, 400], "M": {"rule": "log", "factor": 4}, "sparsity": 5, "trials": 1},
    "algorithms": [{"kind": "gf"}, {"kind": "gf", "alpha": [1e-3, {"rule": "inverse_sqrt_n", "factor": 2}], "label": "GF ref"},
                   {"kind": "l1"}],
    "depth": [2], "alpha": [10, {"rule": "inverse_sqrt_n", "factor": 1}]})",
                                        "r");
  BOOST_TEST(e.m_rule.has_value());
  const auto cells = expand_cells(e);
  // per N: GF at 10 and 1/sqrt(N); GF ref at 1e-3 and 2/sqrt(N); one LP cell
  BOOST_REQUIRE(cells.size() == 2u * 5u);
  // M = ceil(4 * 5 * ln(N/5)): ln 20 = 2.9957 -> 59.91 -> 60; ln 80 = 4.3820 -> 87.64 -> 88
  // (the values of docs/theory.md §3.9's table).
  for (std::size_t i = 0; i < 5; ++i) {
    BOOST_TEST(cells[i].instance.N == 100);
    BOOST_TEST(cells[i].instance.M == 60);
    BOOST_TEST(cells[5 + i].instance.N == 400);
    BOOST_TEST(cells[5 + i].instance.M == 88);
  }
  BOOST_TEST(cells[0].alpha == 10.0);
  BOOST_TEST(cells[0].alpha_setting == "10");
  BOOST_TEST(cells[1].alpha == 0.1);  // 1/sqrt(100)
  BOOST_TEST(cells[1].alpha_setting == "1/sqrt(N)");
  BOOST_TEST(cells[2].alpha == 1e-3);
  BOOST_TEST(cells[3].alpha == 0.2);  // 2/sqrt(100)
  BOOST_TEST(cells[3].alpha_setting == "2/sqrt(N)");
  BOOST_TEST((cells[4].algorithm.kind == AlgorithmKind::l1));
  BOOST_TEST(cells[6].alpha == 0.05);  // 1/sqrt(400)
  BOOST_TEST(cells[8].alpha == 0.1);   // 2/sqrt(400)
  std::set<std::string> keys;
  for (const auto& c : cells) keys.insert(c.key);
  BOOST_TEST(keys.size() == cells.size());
}

BOOST_AUTO_TEST_CASE(a_rule_value_equal_to_a_fixed_alpha_gets_its_own_cell) {
  // 1/sqrt(100) = 0.1 is also listed as a number: two cells, two keys.
  const Experiment e = parse_experiment(R"({"name": "r", "problem": {"N": 100, "M": 20, "sparsity": 2},
    "algorithms": [{"kind": "gf"}], "alpha": [0.1, {"rule": "inverse_sqrt_n", "factor": 1}]})", "r");
  const auto cells = expand_cells(e);
  BOOST_REQUIRE(cells.size() == 2u);
  BOOST_TEST(cells[0].alpha == cells[1].alpha);
  BOOST_TEST(cells[0].key != cells[1].key);
}

BOOST_AUTO_TEST_CASE(rule_defects_name_their_key) {
  const std::string head = R"({"name": "x", "problem": {"N": 100, "M": )";
  const std::string alg = R"(, "sparsity": 5}, "algorithms": [{"kind": "gf"}])";
  BOOST_TEST(mentions(error_of(head + R"({"rule": "linear", "factor": 4})" + alg + "}"), "cfg: problem.M.rule 'linear' is unknown"));
  BOOST_TEST(mentions(error_of(head + R"({"rule": "log"})" + alg + "}"), "cfg: problem.M.factor is required"));
  BOOST_TEST(mentions(error_of(head + R"({"rule": "log", "factor": -1})" + alg + "}"), "cfg: problem.M.factor must be positive"));
  BOOST_TEST(mentions(error_of(head + R"({"rule": "log", "factor": 4, "cap": 9})" + alg + "}"), "unknown key problem.M.cap"));
  // 40 * 5 * ln 20 = 599 >= N = 100
  BOOST_TEST(mentions(error_of(head + R"({"rule": "log", "factor": 40})" + alg + "}"), "cfg: problem.M: the rule gives M = 600 >= N = 100"));
  const std::string base = R"({"name": "x", "problem": {"N": 100, "M": 20, "sparsity": 2})";
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "gf"}], "alpha": {"rule": "sqrt"}})"),
                      "cfg: alpha.rule 'sqrt' is unknown"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "gf"}], "alpha": [1, {"rule": "inverse_sqrt_n", "factor": 0}]})"),
                      "cfg: alpha[1].factor must be positive"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "gf"}], "alpha": {"rule": "inverse_sqrt_n"}})"),
                      "cfg: alpha.factor is required"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "l1", "alpha": 1}]})"),
                      "cfg: algorithms[0].alpha applies to network algorithms"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "gf", "alpha": {"rule": "inverse_sqrt_n", "factor": 1e200}}], "depth": [3]})"),
                      "cfg: algorithms[0].alpha = 1e+200/sqrt(N)"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "wn", "ratio": {"rule": "half"}}]})"),
                      "cfg: algorithms[0].ratio.rule 'half' is unknown"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "wn", "ratio": {"rule": "critical"}}]})"),
                      "cfg: algorithms[0].ratio.factor is required"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "wn-classic", "ratio": {"rule": "critical", "factor": 0.5}}]})"),
                      "cfg: algorithms[0].ratio.rule critical applies to kind wn only"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "wn", "ratio": {"rule": "inverse_n", "factor": 1, "max": 1}}]})"),
                      "cfg: algorithms[0].ratio.max applies to the rule critical only"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "gf", "ratio": {"rule": "inverse_n", "factor": 1}}]})"),
                      "cfg: algorithms[0].ratio applies to weight normalization"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "gf"}], "measure": {"large_alpha": "yes"}})"),
                      "cfg: measure.large_alpha must be true or false"));
  // Each message is one line.
  BOOST_TEST(error_of(head + R"({"rule": "log", "factor": 40})" + alg + "}").find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(support_misses_on_hand_made_vectors) {
  Vector x_star(6), x(6);
  x_star << 0, 1.5, 0, -2, 0, 0;  // support {1, 3}
  x << 0.1, 1.0, 0.2, -0.5, 0.0, 0.3;  // two largest |x|: 1.0 (1), 0.5 (3)
  BOOST_TEST(support_misses(x, x_star) == 0);
  x << 0.1, 1.0, 0.6, -0.5, 0.0, 0.3;  // 0.6 at index 2 pushes index 3 out
  BOOST_TEST(support_misses(x, x_star) == 1);
  x << 0.9, 0.0, 0.0, 0.0, 0.8, 0.0;
  BOOST_TEST(support_misses(x, x_star) == 2);
  // A tie at the boundary goes to the lower index: |x_1| = |x_2| = 1, s = 2 with x_3 first.
  x << 0.0, 1.0, 1.0, 3.0, 0.0, 0.0;
  BOOST_TEST(support_misses(x, x_star) == 0);
  x_star << 0, 0, 1, 2, 0, 0;  // support {2, 3}: the tie now goes against it
  BOOST_TEST(support_misses(x, x_star) == 1);
}

BOOST_AUTO_TEST_CASE(rule_columns_against_the_large_alpha_solver) {
  // WN at q = 0.5 q_c: the cell's q_c and ratio against critical_ratio, beta_inf against
  // large_alpha_limit, support_recovered against the hand count on the cell's own limit.
  const Experiment e = parse_experiment(R"({
    "name": "la", "problem": {"N": 36, "M": 12, "sparsity": 2, "seed": 1, "sign": ["positive", "signed"]},
    "algorithms": [{"kind": "wn", "ratio": {"rule": "critical", "factor": 0.5}},
                   {"kind": "wn", "ratio": {"rule": "inverse_n", "factor": 3.6}}, {"kind": "l1"}],
    "depth": [2], "alpha": [10], "integrate": {"t_max": 1e7, "loss_tol": 1e-14},
    "measure": {"l1": true, "large_alpha": true}})",
                                        "la");
  const auto cells = expand_cells(e);
  // P±: q_c = 0, so the critical rule has no q and no cell: 3 cells for P+, 2 for P±.
  BOOST_REQUIRE(cells.size() == 5u);
  for (const auto& c : cells)
    if (c.instance.sign == Sign::signed_)
      BOOST_TEST((!c.algorithm.ratio_rule.has_value() || c.algorithm.ratio_rule->kind != RatioRule::Kind::critical));
  Table t(result_columns());
  for (const auto& c : cells) t.add_row(run_cell(e, c).front());

  const Problem p = testing::small_instance(Sign::positive, 1, 36, 12, 2);
  const double qc = critical_ratio(p, Sign::positive, 2);
  BOOST_REQUIRE(std::isfinite(qc));
  BOOST_REQUIRE(qc > 0.0);
  BOOST_TEST(t.number(0, "q_c") == qc, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(t.number(0, "ratio") == 0.5 * qc, boost::test_tools::tolerance(1e-12));
  FlowOptions f;
  f.kind = FlowKind::wn;
  f.sign = Sign::positive;
  f.depth = 2;
  f.alpha = 10;
  f.ratio = 0.5 * qc;
  const SaturatedLimit lim = large_alpha_limit(p, f);
  BOOST_TEST(t.number(0, "beta_inf") == lim.limit.alpha_eff, boost::test_tools::tolerance(1e-12));
  // The flow at alpha = 10 sits near its saturation (docs/theory.md §3.9: shift O(alpha^-2)).
  BOOST_TEST(t.text(0, "status") == "ok");
  BOOST_TEST(t.number(0, "alpha_eff") == lim.limit.alpha_eff, boost::test_tools::tolerance(0.05));
  // q = 3.6/N = 0.1
  BOOST_TEST(t.number(1, "ratio") == 0.1, boost::test_tools::tolerance(1e-15));
  BOOST_TEST((t.number(1, "q_c") == qc));
  if (0.1 < qc) BOOST_TEST(std::isfinite(t.number(1, "beta_inf")));
  else BOOST_TEST(std::isnan(t.number(1, "beta_inf")));
  // support_recovered: 1 exactly when the two largest |x| of the LP solution are supp(x*).
  L1Options lo;
  lo.sign = Sign::positive;
  const L1Result lp = solve_l1(p, lo);
  std::vector<Eigen::Index> idx(36);
  for (Eigen::Index i = 0; i < 36; ++i) idx[std::size_t(i)] = i;
  std::sort(idx.begin(), idx.end(), [&](Eigen::Index a, Eigen::Index b) { return lp.x[a] > lp.x[b]; });
  const bool recovered = (*p.x_star)[idx[0]] != 0 && (*p.x_star)[idx[1]] != 0;
  BOOST_TEST(t.number(2, "support_recovered") == (recovered ? 1.0 : 0.0));
  // P±: beta_inf is NaN for the inverse_n cell (uncapped: q >= q_c = 0), and q_c is reported as 0.
  BOOST_TEST(t.text(3, "algorithm") == "WN q=3.6/N");
  BOOST_TEST(t.number(3, "q_c") == 0.0);
  BOOST_TEST(std::isnan(t.number(3, "beta_inf")));
  BOOST_TEST(t.text(3, "status") != "failed");
}

// normalize: separate cells exist for P± only, carry the column, and measure what run_flow
// gives for the separate flow (both blocks' α_eff); defects name their key.
BOOST_AUTO_TEST_CASE(separate_normalization_cells) {
  const Experiment e = parse_experiment(R"({
    "name": "sep", "problem": {"N": 16, "M": 8, "sparsity": 2, "seed": 3, "sign": ["positive", "signed"]},
    "algorithms": [{"kind": "wn", "ratio": 0.2}, {"kind": "wn", "ratio": 0.2, "normalize": "separate"},
                   {"kind": "wn-classic", "ratio": 0.2, "normalize": "separate"}],
    "depth": [2], "alpha": [1],
    "integrate": {"rtol": 1e-10, "atol": 1e-14, "t_max": 1e9, "loss_tol": 1e-24}, "measure": {"l1": false}})",
                                        "sep");
  const auto cells = expand_cells(e);
  BOOST_REQUIRE(cells.size() == 4u);  // joint on P+ and P±, the two separate ones on P± only
  Table t(result_columns());
  for (const auto& c : cells)
    for (auto& r : run_cell(e, c)) t.add_row(r);
  std::set<std::string> labels;
  const Problem p = testing::small_instance(Sign::signed_, 3, 16, 8, 2);
  FlowOptions f;
  f.kind = FlowKind::wn;
  f.sign = Sign::signed_;
  f.alpha = 1;
  f.ratio = 0.2;
  f.normalize = Normalize::separate;
  IntegrateOptions io = e.integrate;
  const RunResult direct = run_flow(p, f, io);
  for (std::size_t i = 0; i < t.rows(); ++i) {
    labels.insert(t.text(i, "algorithm"));
    BOOST_TEST(t.text(i, "status") == "ok");
    if (t.text(i, "normalize") != "separate") continue;
    BOOST_TEST(t.text(i, "sign") == "signed");
    // The classic separate flow follows the polar one: both match the direct polar run.
    BOOST_TEST(t.number(i, "alpha_eff") == direct.alpha_eff, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(t.number(i, "alpha_eff_v") == direct.alpha_eff_v, boost::test_tools::tolerance(1e-5));
  }
  BOOST_TEST(labels.count("WN q=0.2 separate") == 1u);
  BOOST_TEST(labels.count("classic WN q=0.2 separate") == 1u);
  const std::string base = R"({"name": "x", "problem": {"N": 100, "M": 20, "sparsity": 2})";
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "gf", "normalize": "separate"}]})"),
                      "cfg: algorithms[0].normalize applies to kinds wn and wn-classic only"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "wn", "normalize": "apart"}]})"),
                      "cfg: algorithms[0].normalize: unknown normalization 'apart'"));
  BOOST_TEST(mentions(error_of(base + R"(, "algorithms": [{"kind": "wn", "ratio": {"rule": "critical", "factor": 0.5}, "normalize": "separate"}]})"),
                      "cannot take the ratio rule critical"));
}

// The scheduling order of MPI sweeps (expected_cost): more work for larger problems, smaller
// α and deeper networks, for weight normalization than for GF on the same cell, and less for
// the LP than for any flow on the same instance.
BOOST_AUTO_TEST_CASE(expected_cost_orders_cells_by_their_work) {
  const Experiment e = parse_experiment(R"({
    "name": "cost", "problem": {"N": [30, 300], "M": 10, "sparsity": 2},
    "algorithms": [{"kind": "gf"}, {"kind": "wn", "ratio": 0.1}, {"kind": "l1"}],
    "depth": [2, 3], "alpha": [0.001, 1]})");
  const auto cells = expand_cells(e);
  const auto cost = [&](Eigen::Index n, AlgorithmKind k, int depth, double alpha) {
    for (const Cell& c : cells)
      if (c.instance.N == n && c.algorithm.kind == k && (k == AlgorithmKind::l1 || (c.depth == depth && c.alpha == alpha)))
        return expected_cost(e, c);
    BOOST_FAIL("no such cell");
    return 0.0;
  };
  using K = AlgorithmKind;
  BOOST_TEST(cost(300, K::gf, 2, 1) > cost(30, K::gf, 2, 1));
  BOOST_TEST(cost(30, K::gf, 2, 0.001) > cost(30, K::gf, 2, 1));
  BOOST_TEST(cost(30, K::gf, 3, 0.001) > cost(30, K::gf, 2, 0.001));
  BOOST_TEST(cost(30, K::wn, 2, 1) > cost(30, K::gf, 2, 1));
  BOOST_TEST(cost(30, K::l1, 0, 0) < cost(30, K::gf, 2, 1));
  for (const Cell& c : cells) BOOST_TEST((std::isfinite(expected_cost(e, c)) && expected_cost(e, c) > 0));
}
