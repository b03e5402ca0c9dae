#pragma once
// Runs the cells of an experiment on the process's thread pool (model/thread_pool.hpp),
// appending each finished cell to a journal at once, and writes the final table in grid order.
//
// Files in the output directory, for an experiment named E:
//   E.journal.csv   every finished cell's rows, in completion order, appended with one
//                   write per cell (a crash can cut at most the last cell, which the
//                   cell_rows column exposes and a rerun drops and recomputes); flushed to
//                   disk at most once a second (a killed process loses no written cell; a
//                   crashed machine at most the last second's);
//   E.journal.json  the effective config the journal belongs to (a rerun with another
//                   config is refused rather than mixing results);
//   E.csv           the final table, rows in grid order, written atomically once every
//                   cell is done. The same config gives a byte-identical E.csv for any
//                   number of threads and any interruption history.
// A rerun skips the cells already in the journal, so an interrupted sweep resumes.
//
// Where the pending cells run is a CellRunner: this process's threads by default, the ranks of
// an MPI job under `mpirun` (apps/wnflow/mpi_sweep.cpp). Every runner hands its results to
// the same journal and final table here, so resume and the final CSV do not depend on it.
#include <atomic>
#include <functional>
#include <string>
#include <wnflow/lab/experiment.hpp>
#include <wnflow/lab/table.hpp>

namespace wnflow {

struct SweepProgress {
  std::size_t done = 0, total = 0;  // cells, counting those found in the journal
  std::size_t resumed = 0;          // found in the journal at start
  std::size_t failed = 0;           // status "failed" so far (this run)
  double elapsed_seconds = 0;       // this run
  double rate = 0;                  // cells per second in this run
  double eta_seconds = NAN;         // remaining, at the current rate
};

using CellRows = std::vector<std::vector<std::string>>;

// Runs cells somewhere and reports each as it finishes.
class CellRunner {
 public:
  virtual ~CellRunner() = default;
  // Runs the cells cells[pending[k]] (in any order) and calls done(index, rows) once for each
  // finished cell, from any thread; run_sweep serializes those calls and journals the cell in
  // each. Hands out no more cells once stop() is true, and returns when every cell it handed
  // out has been reported or is known lost. An exception from run_cell or from done ends the
  // run and propagates.
  virtual void run(const Experiment& experiment, const std::vector<Cell>& cells,
                   const std::vector<std::size_t>& pending,
                   const std::function<void(std::size_t, CellRows)>& done,
                   const std::function<bool()>& stop) = 0;
};

struct SweepOptions {
  int threads = 0;                  // 0: every hardware thread
  // Stop scheduling cells once this is set (a signal handler's flag); cells already running
  // finish and are journaled. The summary then says interrupted.
  const std::atomic<bool>* stop = nullptr;
  long max_cells = -1;              // run at most this many cells in this call (tests, batches)
  std::function<void(const SweepProgress&)> progress;  // after every cell, serialized
  CellRunner* runner = nullptr;     // null: `threads` threads of this process
};

// CPU time of this process so far (user + system, every thread): what sweep_cpu_seconds
// counts, and what the MPI runner reports per rank.
double process_cpu_seconds();

struct SweepSummary {
  std::string experiment;
  std::size_t total = 0, resumed = 0, ran = 0, failed = 0, not_converged = 0;
  bool complete = false;            // every cell done and E.csv written
  bool interrupted = false;         // stopped by options.stop or max_cells
  double wall_seconds = 0;          // this call, from reading the journal to the final CSV
  // Throughput measured in the process, whatever the runner: from the moment the runner starts
  // handing cells out to the last result journaled (0 when no cell ran), and this process's CPU
  // time (user + system, every thread) over the same interval. Start-up and shutdown of the
  // command (an MPI launcher, MPI_Init, MPI_Finalize) lie outside it.
  double sweep_seconds = 0, sweep_cpu_seconds = 0;
  double cells_per_second() const { return sweep_seconds > 0 ? double(ran) / sweep_seconds : 0; }
  std::string csv_path, journal_path;
  Table table;                      // the final table (when complete)
  std::string report() const;
};

// The output directory must exist and be writable (InputError otherwise, before any cell
// runs). A journal from another config is an InputError naming the file.
SweepSummary run_sweep(const Experiment& experiment, const std::string& out_dir, const SweepOptions& options = {});

// A progress reporter for stderr: a one-line bar redrawn in place on a terminal, plain log
// lines (about every 10% or 30 s) otherwise.
std::function<void(const SweepProgress&)> stderr_progress(const std::string& label);

}  // namespace wnflow
