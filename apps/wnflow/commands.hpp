#pragma once
// Each command registers its options on a CLI11 subcommand and returns the action to run
// once parsing succeeded. Actions return the process exit code.
#include <CLI/CLI.hpp>
#include <functional>

namespace wnflow::app {

using Action = std::function<int()>;

// Exit codes: 0 success, 2 bad input, 3 numerical failure, 4 internal error.
enum Exit { ok = 0, bad_input = 2, numerical_failure = 3, internal_error = 4 };

Action add_run(CLI::App& app);

}  // namespace wnflow::app
