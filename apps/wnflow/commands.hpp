#pragma once
// Each command lives in its own cmd_<name>.cpp and registers itself with a static
// Registration: it adds its options to a CLI11 subcommand and returns the action to run
// once parsing succeeded. Actions return the process exit code. Files never edit main.cpp.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace wnflow::app {

using Action = std::function<int()>;
using Builder = std::function<Action(CLI::App&)>;

// Exit codes: 0 success, 2 bad input, 3 numerical failure, 4 internal error.
enum Exit { ok = 0, bad_input = 2, numerical_failure = 3, internal_error = 4 };

struct Command {
  std::string name, description;
  int order;  // position in --help
  Builder build;
};

std::vector<Command>& registry();

struct Registration {
  Registration(std::string name, std::string description, int order, Builder build) {
    registry().push_back({std::move(name), std::move(description), order, std::move(build)});
  }
};

}  // namespace wnflow::app
