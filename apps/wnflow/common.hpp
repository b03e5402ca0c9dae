#pragma once
// Shared pieces of the wnflow commands: the problem options (files or a random instance),
// strict number parsing with messages that name the option, and output checks.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <wnflow/problem.hpp>

namespace wnflow::app {

// --a/--y/--xstar or --n/--m/--sparsity/--seed, and --sign.
struct ProblemArgs {
  std::string a_file, y_file, xstar_file;
  std::string n = "60", m = "20", sparsity = "3", seed = "1";
  std::string sign = "positive";
  void add_to(CLI::App& cmd);
  Problem load(Sign& sign_out) const;  // InputError on any bad input
  nlohmann::json describe() const;     // where the problem came from, for reports
  CLI::App* cmd = nullptr;
};

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
