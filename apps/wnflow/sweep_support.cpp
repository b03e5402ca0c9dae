#include "sweep_support.hpp"

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <wnflow/model/errors.hpp>

namespace wnflow::app {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int sig) {
  g_interrupted.store(true);
  std::signal(sig, SIG_DFL);  // a second signal ends the process at once
}
}  // namespace

const std::atomic<bool>& interrupt_flag() { return g_interrupted; }

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

std::string prepare_output_dir(const std::string& dir, const std::string& option) {
  namespace fs = std::filesystem;
  if (dir.empty()) throw InputError(option + " must not be empty");
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError(option + ": '" + dir + "' exists and is not a directory");
  fs::create_directories(dir, ec);
  if (ec) throw InputError(option + ": cannot create directory '" + dir + "': " + ec.message());
  if (::access(dir.c_str(), W_OK | X_OK) != 0) throw InputError(option + ": directory '" + dir + "' is not writable");
  return dir;
}

ExperimentOutcome run_experiment(const Experiment& e, const SweepRun& run) {
  ExperimentOutcome out;
  install_interrupt_handlers();
  SweepOptions so;
  so.threads = run.threads;
  so.max_cells = run.max_cells;
  so.stop = &g_interrupted;
  so.runner = run.runner;
  if (run.progress) so.progress = stderr_progress(e.name);
  out.sweep = run_sweep(e, run.out_dir, so);
  std::cerr << out.sweep.report() << "\n";
  out.interrupted = !out.sweep.complete;
  if (out.interrupted || !run.figures) return out;
  const std::string fig_dir = prepare_output_dir(run.out_dir + "/figures", "--out");
  for (const FigureSpec& f : e.figures) out.figures.push_back(draw_figure(out.sweep.table, f, fig_dir));
  return out;
}

}  // namespace wnflow::app
