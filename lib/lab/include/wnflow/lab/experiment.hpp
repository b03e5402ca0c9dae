#pragma once
// An experiment: a grid of cells read from a JSON config (docs/experiments.md has the keys).
//
//   problem (N, M, sparsity, sign, trials, seed) × algorithm × depth × α
//
// A cell is one algorithm run on one random instance. Its instance seed is seed + trial, so
// every algorithm, depth and α of a trial sees the same A and x* (paired comparisons), and a
// cell depends on nothing but its own description: cells can run in any order, on any thread
// or machine, and give the same numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <wnflow/lab/discrete.hpp>
#include <wnflow/lab/figure.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/solve/run.hpp>

namespace wnflow {

enum class AlgorithmKind { gf, wn, wn_classic, gd, wn_gd_classic, wn_gd_polar, l1 };
std::string to_string(AlgorithmKind k);          // the config spelling: "gf", "wn", ..., "l1"
AlgorithmKind parse_algorithm_kind(const std::string& text);
bool is_flow(AlgorithmKind k);                    // gf, wn, wn_classic
bool is_discrete(AlgorithmKind k);                // gd, wn_gd_classic, wn_gd_polar

// α as configured: fixed values, and rules of N. The rule α = c/√N is the "practical
// initialization" whose GF limit keeps ‖x∞‖₁ ~ N α^L bounded as N grows (docs/theory.md §3.4).
struct AlphaGrid {
  std::vector<double> values;          // fixed α
  std::vector<double> sqrt_n_factors;  // α = c/√N, one entry per factor c
  std::size_t size() const { return values.size() + sqrt_n_factors.size(); }
  bool empty() const { return size() == 0; }
};

// One α of a cell: its value and the setting it came from ("10", or "1/sqrt(N)" for a rule),
// which figures use to group cells whose value changes with N.
struct AlphaChoice {
  double value = 0;
  std::string setting;
  bool rule = false;
};
// The grid's α at size N, fixed values first, in config order.
std::vector<AlphaChoice> resolve_alphas(const AlphaGrid& grid, Eigen::Index N);

// q as a rule of the cell (docs/theory.md §3.9): q_c ≈ M/(LN) falls with N, so a fixed q
// crosses the threshold as N grows; these rules keep q below it.
struct RatioRule {
  enum class Kind {
    critical,   // q = factor · q_c(instance, sign, depth), at most max (q_c = ∞ when A has no
                // positive null vector); no q when q_c = 0 (P±: the cell fails, saying so)
    inverse_n,  // q = factor / N
  };
  Kind kind = Kind::critical;
  double factor = 0.5;
  double max = 1;
  std::string text() const;  // "0.5qc", "10/N"
};

// M as a rule of (N, s): "log" gives M = ceil(factor · s · ln(N/s)), the ℓ1 recovery regime of
// Gaussian A (docs/theory.md §3.9, the table of q_c against N uses factor 4).
struct SizeRule {
  double factor = 4;
  Eigen::Index measurements(Eigen::Index N, Eigen::Index s) const;
};

// One algorithm of the grid, after list-valued keys (ratio) were expanded.
struct AlgorithmSpec {
  AlgorithmKind kind = AlgorithmKind::gf;
  std::string label;                  // legend text; derived when the config gives none
  std::optional<double> ratio;        // WN flows and WN-GD: q
  std::optional<RatioRule> ratio_rule; // instead of ratio: q resolved per cell
  std::optional<AlphaGrid> alpha;      // this algorithm's α grid instead of the experiment's
  Schedule schedule = Schedule::constant_rates;
  // WN flows (wn, wn-classic): one radius over [u; v], or u and v each on their own sphere
  // (docs/theory.md §1.5). Separate applies to P± only: its P+ cells are not generated.
  Normalize normalize = Normalize::joint;
  double eta = 1;                     // GF rate
  std::optional<double> step;         // discrete: fixed step (absent: step_rule)
  StepRule step_rule = StepRule::grid; // discrete without a fixed step: grid search or curvature
  std::optional<double> step_fraction; // curvature: c of h = c 2/lambda_max (default 0.5)
};

struct MeasureOptions {
  bool l1 = true;          // solve the LP: l1_min and l1_excess columns
  bool predict = false;    // WN/GF: the T1/T3 predicted limit and α_eff (predicted_* columns)
  bool rate = false;       // flows: predicted (T5) and fitted local rate
  bool trajectory = false; // flows: one row per trajectory sample (t, loss) instead of one per cell
  bool large_alpha = false; // network cells: q_c of the instance; WN constant rates: β∞ (§3.9)
  bool flow = false;       // discrete WN cells: α_eff of the flow with the same rates (alpha_eff_flow)
  bool gf_at_alpha_eff = false; // flows: relative error of the GF limit at the measured α_eff (T1 dual)
};

struct Experiment {
  std::string name;        // file stem of its outputs; letters, digits, '_' and '-'
  std::string title, description;
  std::vector<Eigen::Index> N, M, sparsity;  // M is empty when m_rule is set
  std::optional<SizeRule> m_rule;          // M from (N, s) instead of the list M
  std::vector<Sign> signs;
  int trials = 1;
  std::uint64_t seed = 1;
  std::vector<AlgorithmSpec> algorithms;
  std::vector<int> depths;
  AlphaGrid alphas;
  IntegrateOptions integrate;
  DiscreteOptions discrete;   // max_iterations, loss_tol, step_grid (method, α, depth per cell)
  MeasureOptions measure;
  std::vector<FigureSpec> figures;
  std::string canonical_json; // the effective config (quick patch applied), normalized
  // canonical_json without what only the presentation reads (title, description, figures): a
  // journal is resumed only under the same result_json, so a figure can be restyled in the
  // config and redrawn from the journal without running a cell again.
  std::string result_json;
};

// Parses and checks an experiment. With quick = true the config's "quick" object is applied
// first as a JSON merge patch (RFC 7386). Every defect (malformed JSON, unknown key, wrong
// type, empty grid, out-of-range value, impossible combination such as a ratio on GF, s > N,
// a figure naming a column that does not exist) is an InputError naming `source` and the key.
Experiment parse_experiment(const std::string& json_text, const std::string& source = "config",
                            bool quick = false);
Experiment read_experiment(const std::string& path, bool quick = false);
// The text of a config file; InputError naming the file if it cannot be opened or read (a
// directory, say) or holds only white space.
std::string read_config_text(const std::string& path);

struct Cell {
  std::size_t index = 0;    // position in the grid (the row order of the final CSV)
  std::string key;          // unique, stable text naming the cell (the resume key)
  InstanceSpec instance;
  int trial = 0;
  AlgorithmSpec algorithm;
  int depth = 0;            // 0 for l1 (no network)
  double alpha = 0;         // 0 for l1
  std::string alpha_setting;  // "nan" for l1; the α as configured (AlphaChoice::setting)
};

// The grid in its fixed order: problem (N, M, s, sign), trial, algorithm, depth, α. The LP
// does not depend on depth or α, so an l1 algorithm gives one cell per instance. With m_rule,
// M is the rule's value at each (N, s); α rules are resolved at each N.
std::vector<Cell> expand_cells(const Experiment& experiment);

// A rough expected cost of a cell in multiply-adds, for ordering work only (the MPI scheduler
// hands out the most expensive cells first, so that no long cell starts last). One product
// with A costs N·M; a flow takes of order 10³ right-hand sides, more at small α and larger
// depth (the escape from a small initialization), 1.5× for weight normalization; the LP is a
// simplex of about N·M·min(N, M); a discrete method runs up to its iteration cap, once per
// step of the step search. Measured against the right-hand-side counts of E1 in
// docs/scaling.md.
double expected_cost(const Experiment& experiment, const Cell& cell);

// The columns of every result row (docs/experiments.md explains each).
std::vector<std::string> result_columns();

// Exact-support recovery: how many indices of supp(x*) are not among the s = |supp(x*)|
// largest entries of |x| (ties go to the lower index). 0 means the support is recovered.
Eigen::Index support_misses(const Vector& x, const Vector& x_star);

// Runs one cell and returns its rows (one, or one per trajectory sample). A numerical failure
// inside the cell is recorded in the row (status "failed", the message), not thrown: a sweep
// reports it and carries on. InputError still throws (a bad cell is a bad config).
std::vector<std::vector<std::string>> run_cell(const Experiment& experiment, const Cell& cell);

}  // namespace wnflow
