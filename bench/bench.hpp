#pragma once
// Performance measurement of the integrators (docs/performance.md): every stepper on the standard
// instances, with the cost per right-hand side against the two-GEMV floor, the accuracy
// reached against the predicted limit (T1 for GF, T3 for WN), and the peak memory; and the
// peers (SciPy solve_ivp, SUNDIALS CVODE, `wnflow run` itself) run as whole processes on
// the same instance. Options in, Summary out with a readable report and CSV/JSON.
//
// How each number is measured (docs/performance.md):
//   - every wnflow row runs in a forked child process: the child builds the flow, integrates
//     it (no observer) and sends its counts back through a pipe; the parent enforces the
//     timeout (SIGKILL) and reads the child's peak resident set (wait4, ru_maxrss), which
//     includes the pages inherited at fork (A and the instance: the floor of any process
//     that holds the problem);
//   - wall_seconds is the integration alone (flow construction + integrate), measured in
//     the child with steady_clock, cpu_seconds the same span in CPU time
//     (CLOCK_PROCESS_CPUTIME_ID); seconds_per_rhs = cpu_seconds / rhs_evals;
//   - floor_seconds: A*x and Aᵀ*r alone with Eigen on one thread (the two products of one
//     right-hand side), the median of repeated batches, in thread CPU time;
//     ratio_to_floor = seconds_per_rhs / floor, where seconds_per_rhs = cpu_seconds / rhs_evals
//     carries all the stepper's work (vector updates, Jacobians, LU) on every thread, and
//     wall_ratio_to_floor = wall_seconds / rhs_evals / floor the same in elapsed time (where
//     the threads of the products with A, matvec.hpp, count once); rhs_alone_seconds is one
//     flow.derivative() timed alone the same way (at the initial state, on one thread),
//     rhs_to_floor its ratio to the floor;
//   - accuracy: |x - x_pred| / |x_pred| with x_pred from gf_limit (GF) or predict_limit (WN),
//     computed once per case in the parent (cases above predict_max_n get NaN);
//   - peers: posix_spawn with the instance written (.npy by default, or CSV) to a temporary
//     directory; their whole-process wall time, CPU time and peak RSS are measured by the
//     parent (with repeats: the least and the slowest CPU time), their own solve time, counts
//     and x are read from the JSON they print.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/model/problem.hpp>
#include <wnflow/solve/run.hpp>

namespace wnflow {

// Every stepper the integrator knows, in the order of stepper_names() (new kinds appear here
// without touching the bench).
std::vector<StepperKind> all_steppers();

// One flow on one instance.
struct BenchCase {
  Sign sign = Sign::positive;
  Eigen::Index N = 150, M = 45, sparsity = 3;
  int depth = 2;
  double alpha = 1.0;
  FlowKind flow = FlowKind::gf;
  double ratio = 0.05;  // WN only
  std::uint64_t seed = 1;
  std::string label() const;  // "P+ N=150 M=45 s=3 L=2 a=1 gf"
};

// The standard sizes of the issue: M = N/4 (45 for N = 150), s = max(3, N/50).
Eigen::Index standard_m(Eigen::Index N);
Eigen::Index standard_sparsity(Eigen::Index N);

struct PeerPaths {
  std::string python = "python3";
  std::string scipy_script;  // bench/scipy_peer.py (empty: SciPy peers skipped)
  std::string cvode_binary;  // wnflow_cvode_peer (empty: CVODE peer skipped)
  std::string wnflow_binary; // the wnflow executable, for whole-process `wnflow run` rows
};

struct BenchOptions {
  std::vector<Eigen::Index> sizes{150, 400, 2000, 10000};
  std::vector<Sign> signs{Sign::positive, Sign::signed_};
  std::vector<int> depths{2, 3};
  std::vector<double> alphas{0.01, 1.0, 10.0};
  std::vector<FlowKind> flows{FlowKind::gf, FlowKind::wn};
  double ratio = 0.05;
  std::vector<StepperKind> steppers = all_steppers();
  std::uint64_t seed = 1;
  // The integration every row uses (the "same horizon and tolerances").
  double rtol = 1e-9, atol = 1e-14, t_max = 1e7, loss_tol = 1e-20;
  double timeout = 120;                 // seconds per run (wnflow row or peer process)
  Eigen::Index dense_max_dim = 3000;    // rosenbrock4 (dense Jacobian + LU) skipped above this
  Eigen::Index predict_max_n = 2000;    // accuracy not computed above this N
  int floor_repeats = 21;               // batches for the GEMV floor median
  // Runs per row; the row keeps the run with the least CPU time (timeit's rule: noise on a
  // shared machine only adds time). Peers are interleaved run by run, so a slow spell of the
  // machine hits all of them alike. A row that timed out or failed is not repeated.
  int repeats = 1;
  bool peers = false;
  std::vector<std::string> peer_list{"run", "lsoda", "rk45", "cvode"};  // which peers
  Eigen::Index peer_max_n = 2000;       // peers skipped above this N
  // The files every peer reads the instance from: "npy" (NumPy's binary format, what a
  // NumPy user holds A in; read by np.load and by wnflow without a decimal parse) or "csv".
  std::string instance_format = "npy";
  // Threads for the products with A in the wnflow rows (a MatvecThreadsScope on run_bench's
  // thread) and the run peer: 0 = every core. They split only A with >= 2^19 entries, and
  // never change a result.
  int matvec_threads = 0;
  PeerPaths paths;

  void validate() const;  // InputError naming the option
};

// One measured row: a wnflow stepper (in a forked child) or a peer (a whole process).
struct BenchRow {
  BenchCase c;
  std::string solver;    // "wnflow:<stepper>", "wnflow-run:auto", "scipy:LSODA", "scipy:RK45", "cvode:BDF"
  std::string status;    // ok | not_converged | failed | timeout | skipped
  std::string stop_reason, note;
  double wall_seconds = NAN;     // integration alone (wnflow rows) or the peer's own solve call
  double process_seconds = NAN;  // whole process (peers and wnflow-run rows)
  // CPU time (user + system) of the same two spans: on a shared machine the honest measure of
  // work, as wall time includes waiting for a core. seconds_per_rhs uses cpu_seconds.
  double cpu_seconds = NAN, process_cpu_seconds = NAN;
  // Peers and wnflow-run rows with --repeats > 1: the slowest usable repeat's process CPU.
  // The row keeps the least; the two bound what the machine alone did to the row (NaN with
  // fewer than two usable repeats).
  double process_cpu_max_seconds = NAN;
  long steps = -1, rhs_evals = -1, jacobian_evals = -1;
  double seconds_per_rhs = NAN;
  double floor_seconds = NAN, ratio_to_floor = NAN;  // CPU per rhs / floor (all stepper work, every thread)
  double wall_ratio_to_floor = NAN;                   // wall per rhs / floor (what threads shorten)
  double rhs_alone_seconds = NAN, rhs_to_floor = NAN; // one flow.derivative() timed alone / floor
  double accuracy = NAN;         // |x - x_pred| / |x_pred|
  double loss = NAN, t = NAN;
  long peak_rss_kb = -1;
};

struct BenchSummary {
  BenchOptions options;
  std::vector<BenchRow> rows;
  std::string machine;       // CPU, cores, compiler, flags, Eigen, git
  double wall_seconds = 0;
  std::string report(bool with_table = true) const;  // the table, then per case: best stepper, auto/best, peers
  std::string csv() const;
  std::string json() const;
};

// The cases of the options (the cross product, in a fixed order).
std::vector<BenchCase> bench_cases(const BenchOptions& options);

// Column names of csv(), for tests and scripts.
std::vector<std::string> bench_csv_columns();
std::string bench_table_header();
std::string bench_table_row(const BenchRow& row);

// The time of A*x plus Aᵀ*r with Eigen alone (seconds, median of `repeats` batches).
double gemv_floor_seconds(const Matrix& A, int repeats);

// The median CPU time (of the calling thread) of `work` over `repeats` batches of at least
// ~2 ms each (seconds per call).
double median_seconds(const std::function<void()>& work, int repeats);

// Peak resident set of this process (kB).
long peak_rss_kb();

// Runs everything; on_row is called as each row finishes (rows keep the order of the report).
BenchSummary run_bench(const BenchOptions& options, const std::function<void(const BenchRow&)>& on_row = {});

}  // namespace wnflow
