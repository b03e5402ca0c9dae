#pragma once
// `wnflow sweep` and `wnflow reproduce` across the ranks of an MPI job (Open MPI, or any MPI
// whose launcher sets the usual environment; built with -DWNFLOW_MPI=ON).
//
// Rank 0 is the command as it runs without MPI: it reads the config, owns the journal and the
// final files, draws the figures and writes the report. It hands the pending cells out to
// every rank, the most expensive first (expected_cost, lab/experiment.hpp), runs cells on its
// own threads too, and journals each result the moment it arrives (lab/sweep.hpp). Every other
// rank is a server of cells: it runs what it is handed on `--threads` threads and sends the
// rows back. So resume, the journal and the final CSV are those of lab/sweep.hpp, whatever K.
//
// A process that no MPI launcher started never initializes MPI and runs exactly as a build
// without MPI; a job of one rank runs on the local threads too.
//
// Failures: Open MPI aborts the whole job when a rank dies (SIGTERM to the others, SIGKILL
// one second later). Rank 0 takes that SIGTERM as a stop: it hands out no more cells, asks
// every rank holding cells whether it is alive (0.3 s), and prints one line per such rank,
// naming it (rank, host, pid) with the cells it held; a rerun of the same command computes
// exactly the cells that are not in the journal.
#include <memory>
#include <string>
#include <wnflow/lab/sweep.hpp>

namespace wnflow::app {

class MpiJob {
 public:
  // Joins the MPI job when an MPI launcher started this process and the build has MPI;
  // otherwise a job of one rank that does nothing. `threads`: this rank's cells side by side
  // (0: every hardware thread), as --threads.
  explicit MpiJob(int threads);
  ~MpiJob();  // rank 0 releases the other ranks; every rank leaves MPI
  MpiJob(const MpiJob&) = delete;
  MpiJob& operator=(const MpiJob&) = delete;

  int rank() const;
  int size() const;
  // Rank > 0: run the cells rank 0 hands out until it releases this rank; the exit code.
  int serve();
  // Rank 0 of a job of more than one rank: the runner for run_sweep; null otherwise (the
  // local threads).
  CellRunner* runner();

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// Whether this build can run across MPI ranks ("MPI" in `wnflow --version`).
bool built_with_mpi();

}  // namespace wnflow::app
