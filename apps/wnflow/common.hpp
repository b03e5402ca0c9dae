#pragma once
// Shared pieces of the wnflow commands: the problem options (files or a random instance),
// the flow options, the enumerations the options name, and output checks.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <wnflow/model/instance.hpp>
#include <wnflow/lab/run_json.hpp>
#include <wnflow/model/problem.hpp>
#include <wnflow/solve/run.hpp>

#include "validators.hpp"

namespace wnflow::app {

// --a/--y/--xstar or --n/--m/--sparsity/--seed, and --sign.
struct ProblemArgs {
  std::string a_file, y_file, xstar_file;
  InstanceSpec random;  // --n --m --sparsity --seed --sign (the sign of file input too)
  void add_to(CLI::App& cmd);
  // InputError on any bad input. check_rank = false leaves the full-row-rank test (an
  // O(M^2 N) Cholesky of A A^T) to a caller whose library call factors A A^T anyway
  // (run_flow's projector): it then maps RankDeficientError to rank_error().
  Problem load(Sign& sign_out, bool check_rank = true) const;
  std::string source() const;       // "A file '...'" or "the random A (--m .., --n ..)"
  InputError rank_error() const;    // "<source> does not have full row rank (...)"
  nlohmann::json describe() const;     // where the problem came from, for reports
  CLI::App* cmd = nullptr;
};

// --flow --depth --alpha --eta --ratio --eta-r --eta-s --v0-norm --schedule, shared by every
// command that names a flow (run, predict), with the same defaults and checks.
struct FlowArgs {
  FlowOptions options;
  // infinite_alpha: --alpha also takes "inf" (predict's α -> ∞ limit); validated() then
  // leaves alpha = +inf to the caller to check.
  void add_to(CLI::App& cmd, bool infinite_alpha = false);
  FlowOptions validated() const;  // the sign is set by the caller from ProblemArgs
};

// The spellings of the enumerations, the library's own (to_string, parse_stepper).
Choices<Sign> sign_choices();
Choices<FlowKind> flow_choices();
Choices<StepperKind> stepper_choices();

// The "flow" object of the JSON outputs is the library's flow_json (lab/run_json.hpp).

// The bound of every integer option that counts something: sizes, threads, points.
constexpr long max_count = 100'000'000;

// InputError unless a file can be created at path (its directory exists and is writable).
void require_writable(const std::string& path, const std::string& option);

// Vector as a JSON array (NaN becomes null, as JSON has no NaN).
nlohmann::json to_json(const Eigen::VectorXd& v);
nlohmann::json number(double v);

}  // namespace wnflow::app
