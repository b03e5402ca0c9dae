#pragma once
// What `sweep` and `reproduce` share: the output directory check, the interrupt flag set by
// SIGINT/SIGTERM, and one experiment run end to end (cells, then figures).
#include <atomic>
#include <string>
#include <vector>
#include <wnflow/lab/experiment.hpp>
#include <wnflow/lab/figure.hpp>
#include <wnflow/lab/sweep.hpp>

namespace wnflow::app {

// Creates dir (and its parents) if missing and checks that a file can be written in it;
// InputError naming the option otherwise. Returns the directory path.
std::string prepare_output_dir(const std::string& dir, const std::string& option);

// The first SIGINT/SIGTERM sets the flag (running cells finish and are journaled); a second
// one kills the process as usual. Installed by run_experiment (and by MPI ranks > 0, which
// pass the stop on to rank 0).
const std::atomic<bool>& interrupt_flag();
void install_interrupt_handlers();

struct SweepRun {
  std::string out_dir;
  int threads = 0;
  long max_cells = -1;
  bool figures = true;
  bool progress = true;
  CellRunner* runner = nullptr;  // where the cells run (MpiJob::runner()); null: local threads
};

struct ExperimentOutcome {
  SweepSummary sweep;
  std::vector<FigureFiles> figures;
  bool interrupted = false;
};

ExperimentOutcome run_experiment(const Experiment& e, const SweepRun& run);

}  // namespace wnflow::app
