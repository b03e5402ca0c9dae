#pragma once
// Shared pieces of the wnflow commands: the problem options (files or a random instance),
// strict number parsing with messages that name the option, and output checks.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <wnflow/model/problem.hpp>
#include <wnflow/solve/run.hpp>

namespace wnflow::app {

// --a/--y/--xstar or --n/--m/--sparsity/--seed, and --sign.
struct ProblemArgs {
  std::string a_file, y_file, xstar_file;
  std::string n = "60", m = "20", sparsity = "3", seed = "1";
  std::string sign = "positive";
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
  std::string flow = "gf", depth = "2", alpha = "0.1", eta = "1", ratio, eta_r, eta_s, v0_norm;
  std::string schedule = "constant-rates";
  void add_to(CLI::App& cmd);
  FlowOptions parse() const;  // validated; the sign is set by the caller from ProblemArgs
  CLI::App* cmd = nullptr;
};

// The "flow" object of the JSON outputs: kind, sign, depth, alpha and the rates in effect.
nlohmann::json flow_json(const FlowOptions& flow, Eigen::Index n);

double parse_double(const std::string& text, const std::string& option);
long parse_long(const std::string& text, const std::string& option);
int parse_int_at_least(const std::string& text, const std::string& option, long minimum);
std::optional<double> parse_optional_double(const std::string& text, const std::string& option);

// InputError unless a file can be created at path (its directory exists and is writable).
void require_writable(const std::string& path, const std::string& option);

// Vector as a JSON array (NaN becomes null, as JSON has no NaN).
nlohmann::json to_json(const Eigen::VectorXd& v);
nlohmann::json number(double v);

}  // namespace wnflow::app
