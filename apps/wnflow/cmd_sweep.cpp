// wnflow sweep: run one experiment config (a grid of cells) and draw its figures.
// Exit codes: 0 done, 2 bad input (config, output directory; before any cell runs),
// 3 numerical failure (a figure could not be drawn), 130 interrupted (rerun to resume).
#include <iostream>
#include <memory>
#include <optional>
#include <wnflow/model/errors.hpp>
#include <wnflow/lab/sweep.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "mpi_sweep.hpp"
#include "sweep_support.hpp"

namespace wnflow::app {

namespace {
struct SweepArgs {
  std::string config, out = "wnflow-sweep";
  int threads = 0;
  std::optional<int> max_cells;
  bool quick = false, no_figures = false;
};

Action add_sweep(CLI::App& cmd) {
  auto a = std::make_shared<SweepArgs>();
  cmd.add_option("--config", a->config, "experiment config (JSON; see docs/experiments.md)")->required();
  cmd.add_option("--out", a->out, "output directory (created if missing)")->capture_default_str();
  cmd.add_flag("--quick", a->quick, "apply the config's \"quick\" patch (a smaller grid)");
  cmd.add_option("--threads", a->threads, "cells run concurrently (0: every core)")
      ->transform(integer_between(0, max_count))
      ->capture_default_str();
  cmd.add_option("--max-cells", a->max_cells, "stop after this many new cells (resume later)")
      ->transform(or_empty(integer_between(0, max_count)));
  cmd.add_flag("--no-figures", a->no_figures, "write the CSV only");
  cmd.footer(
      "Outputs in --out: <name>.csv (rows in grid order), <name>.journal.csv (cells as they finish; a rerun\n"
      "resumes from it), figures/<figure>.{png,svg,csv,gp}. Ctrl-C stops scheduling cells and keeps the\n"
      "finished ones (exit 130); rerun the same command to resume. Under mpirun (or srun), rank 0 does\n"
      "all of this and hands the cells out to every rank, each running --threads cells at a time.");
  return [a]() -> int {
    MpiJob job(a->threads);
    if (job.rank() > 0) return job.serve();
    // Every check before the output directory is touched.
    SweepRun run;
    run.runner = job.runner();
    run.threads = a->threads;
    if (a->max_cells) run.max_cells = *a->max_cells;
    run.figures = !a->no_figures;
    const Experiment e = read_experiment(a->config, a->quick);
    run.out_dir = prepare_output_dir(a->out, "--out");
    const ExperimentOutcome outcome = run_experiment(e, run);
    return outcome.interrupted ? 130 : ok;
  };
}

const Registration registration{"sweep", "run one experiment config: a grid of cells in parallel, resumable, with figures",
                                50, add_sweep};
}  // namespace

}  // namespace wnflow::app
