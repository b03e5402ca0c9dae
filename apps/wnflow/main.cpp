// wnflow: the command-line front of the library. Every failure is one line on stderr and
// a non-zero exit; results go to stdout only when they are results.
#include <iostream>
#include <wnflow/errors.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace wnflow::app;
  CLI::App app{"wnflow: gradient flows with and without weight normalization on diagonal linear networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("wnflow ") + WNFLOW_VERSION_STRING);
  std::vector<std::pair<CLI::App*, Action>> commands;
  auto* run = app.add_subcommand("run", "integrate one flow (GF, WN polar, classic WN) to its limit");
  commands.emplace_back(run, add_run(*run));
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
    for (auto& [cmd, action] : commands)
      if (cmd->parsed()) return action();
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
