// wnflow: the command-line front of the library. Every failure is one line on stderr and
// a non-zero exit; results go to stdout only when they are results.
#include <algorithm>
#include <iostream>
#include <wnflow/model/errors.hpp>

#include "commands.hpp"
#include "version.hpp"

namespace wnflow::app {
std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace wnflow::app

int main(int argc, char** argv) {
  using namespace wnflow::app;
  CLI::App app{"wnflow: gradient flows with and without weight normalization on diagonal linear networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("wnflow ") + WNFLOW_VERSION_STRING + " (SIMD " + WNFLOW_SIMD_NAME + ")");
  auto& cmds = registry();
  std::sort(cmds.begin(), cmds.end(), [](const Command& a, const Command& b) { return a.order < b.order; });
  // Every subcommand is listed, but only the one named first gets its options: building all
  // of them cost 1.3M instructions, a quarter of a short run's start-up outside its input.
  // Without a subcommand first (--help, --version, a typo) all are built, so CLI11 answers as
  // before.
  const bool named = argc > 1 && std::any_of(cmds.begin(), cmds.end(), [&](const Command& c) { return c.name == argv[1]; });
  std::vector<std::pair<CLI::App*, Action>> actions;
  for (const auto& c : cmds) {
    auto* sub = app.add_subcommand(c.name, c.description);
    if (!named || c.name == argv[1]) actions.emplace_back(sub, c.build(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "wnflow: error: " << e.what() << "\n";
    return bad_input;
  }
  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
  } catch (const wnflow::InputError& e) {
    std::cerr << "wnflow: error: " << e.what() << "\n";
    return bad_input;
  } catch (const wnflow::NumericalError& e) {
    std::cerr << "wnflow: numerical failure: " << e.what() << "\n";
    return numerical_failure;
  } catch (const std::exception& e) {
    std::cerr << "wnflow: internal error: " << e.what() << "\n";
    return internal_error;
  }
  return bad_input;
}
