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

// One algorithm of the grid, after list-valued keys (ratio) were expanded.
struct AlgorithmSpec {
  AlgorithmKind kind = AlgorithmKind::gf;
  std::string label;                  // legend text; derived when the config gives none
  std::optional<double> ratio;        // WN flows and WN-GD: q
  Schedule schedule = Schedule::constant_rates;
  double eta = 1;                     // GF rate
  std::optional<double> step;         // discrete: fixed step (absent: search the step grid)
};

struct MeasureOptions {
  bool l1 = true;          // solve the LP: l1_min and l1_excess columns
  bool predict = false;    // WN/GF: the T1/T3 predicted limit and α_eff (predicted_* columns)
  bool rate = false;       // flows: predicted (T5) and fitted local rate
  bool trajectory = false; // flows: one row per trajectory sample (t, loss) instead of one per cell
};

struct Experiment {
  std::string name;        // file stem of its outputs; letters, digits, '_' and '-'
  std::string title, description;
  std::vector<Eigen::Index> N, M, sparsity;
  std::vector<Sign> signs;
  int trials = 1;
  std::uint64_t seed = 1;
  std::vector<AlgorithmSpec> algorithms;
  std::vector<int> depths;
  std::vector<double> alphas;
  IntegrateOptions integrate;
  DiscreteOptions discrete;   // max_iterations, loss_tol, step_grid (method, α, depth per cell)
  MeasureOptions measure;
  std::vector<FigureSpec> figures;
  std::string canonical_json; // the effective config (quick patch applied), normalized
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
};

// The grid in its fixed order: problem (N, M, s, sign), trial, algorithm, depth, α. The LP
// does not depend on depth or α, so an l1 algorithm gives one cell per instance.
std::vector<Cell> expand_cells(const Experiment& experiment);

// The columns of every result row (docs/experiments.md explains each).
std::vector<std::string> result_columns();

// Runs one cell and returns its rows (one, or one per trajectory sample). A numerical failure
// inside the cell is recorded in the row (status "failed", the message), not thrown: a sweep
// reports it and carries on. InputError still throws (a bad cell is a bad config).
std::vector<std::vector<std::string>> run_cell(const Experiment& experiment, const Cell& cell);

}  // namespace wnflow
