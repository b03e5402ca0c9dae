#include "mpi_sweep.hpp"

#ifndef WNFLOW_MPI

namespace wnflow::app {

struct MpiJob::State {};
MpiJob::MpiJob(int) {}
MpiJob::~MpiJob() = default;
int MpiJob::rank() const { return 0; }
int MpiJob::size() const { return 1; }
int MpiJob::serve() { return 0; }
CellRunner* MpiJob::runner() { return nullptr; }
bool built_with_mpi() { return false; }

}  // namespace wnflow::app

#else

#include <mpi.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <iostream>
#include <list>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/thread_pool.hpp>

#include "sweep_support.hpp"

namespace wnflow::app {

bool built_with_mpi() { return true; }

namespace {

using Clock = std::chrono::steady_clock;

// Message tags. Cells go out as "index key" (the key is checked by the server: both sides must
// expand the same grid); results come back as "index" and the rows, length-prefixed.
enum Tag : int {
  tag_hello = 1,   // server -> 0: "host pid threads"
  tag_experiment,  // 0 -> server: the experiment's canonical JSON
  tag_cell,        // 0 -> server: "index key"
  tag_result,      // server -> 0: encoded rows
  tag_failure,     // server -> 0: "index\tkind\tmessage" (run_cell threw)
  tag_halt,        // 0 -> server: drop the cells not begun, say which run
  tag_running,     // server -> 0: the indices it is running
  tag_bye,         // server -> 0: it was signalled (SIGINT/SIGTERM): stop the job
  tag_release,     // 0 -> server: leave
};

// Started by an MPI launcher: Open MPI's mpirun, or a PMI/PMIx launcher such as srun.
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

// mpirun (or orted, slurmstepd) is the parent of every rank. mpirun stopped by SIGTERM exits
// before its ranks do; a rank whose parent is gone stops at once rather than live on as an
// orphan that still writes.
pid_t g_launcher = 0;
bool launcher_gone() { return g_launcher != 0 && ::getppid() != g_launcher; }

// Sends in flight. No send blocks: Open MPI's blocking MPI_Send waits for the shared-memory
// transport to take the message by spinning in its progress loop, and while the receiver
// sleeps between probes that spin took 15 % of a server rank's CPU (perf, E1 on two ranks),
// CPU its cells needed. A send is posted (MPI_Isend) and completes during later probes.
// Only the main thread calls MPI (MPI_THREAD_FUNNELED), so one list per process suffices.
std::list<std::pair<std::string, MPI_Request>> g_sends;

// Completes what it can (and so drives Open MPI's progress); whether every send is done.
bool progress_sends() {
  for (auto it = g_sends.begin(); it != g_sends.end();) {
    int flag = 0;
    // A send that fails (its peer is gone) is dropped: the peer is reported another way.
    if (MPI_Test(&it->second, &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS || flag) it = g_sends.erase(it);
    else ++it;
  }
  return g_sends.empty();
}

bool send(int to, Tag tag, std::string text) {
  g_sends.emplace_back(std::move(text), MPI_REQUEST_NULL);
  auto& [buffer, request] = g_sends.back();
  if (MPI_Isend(buffer.data(), int(buffer.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD, &request) != MPI_SUCCESS) {
    g_sends.pop_back();
    return false;
  }
  return true;
}

// Waits (polling, 100 us apart) until every send is done; false when some did not complete
// in `seconds` (MPI_Finalize would then wait for them forever).
bool drain_sends(double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!progress_sends()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

// A waiting message from `from` (or any rank), received. Never blocks: Open MPI's blocking
// receive spins a core, which the cells need.
bool poll(int from, int& source, int& tag, std::string& text) {
  progress_sends();
  int flag = 0;
  MPI_Status st;
  if (MPI_Iprobe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS || !flag) return false;
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  text.resize(std::size_t(n));
  MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  source = st.MPI_SOURCE;
  tag = st.MPI_TAG;
  return true;
}

// Sleeps between empty polls, 20 µs doubling to 1 ms: for the short phases that wait for one
// answer (the ranks' hellos, their answers to a halt).
struct Backoff {
  int us = 20;
  void wait() {
    std::this_thread::sleep_for(std::chrono::microseconds(us));
    us = std::min(us * 2, 1000);
  }
};

// While cells run, a waiting MPI thread probes at a steady pace: an eighth of a recent cell's
// CPU time, within [1 ms, 10 ms]. Each wake-up costs about 15 us of CPU on this virtual machine
// and takes a core from a cell for that long, so probing faster than results can arrive only
// costs (a 20 us backoff reset after every message took 5 % of a core on rank 0 and as much on a
// server, E1 on two ranks); the cells each rank holds beyond its threads (kReserve) cover the
// round trip of a result and the next cell through two such sleeps.
class PollPeriod {
 public:
  void observe(double cell_seconds) { mean_ = mean_ > 0 ? 0.75 * mean_ + 0.25 * cell_seconds : cell_seconds; }
  std::chrono::microseconds get() const {
    return std::chrono::microseconds(long(std::clamp(1e6 * mean_ / 8, 1000.0, 10000.0)));
  }

 private:
  double mean_ = 0;  // moving average of the cells' CPU seconds
};

// Cells a rank holds beyond its threads: the next cells wait there while a result travels to
// rank 0 and the next cell back (up to two poll periods of at least 1 ms). Largest first, the
// last cells are the shortest: with two held, a server idled 11-13 % of E1's sweep (its CPU
// against the sweep's wall time, two ranks); with four, 4 %.
constexpr int kReserve = 4;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

std::string host_name() {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int len = 0;
  MPI_Get_processor_name(name, &len);
  return std::string(name, std::size_t(std::max(0, len)));
}

int resolve_threads(int threads) {
  return threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

// Rows as "index seconds nrows\n" (seconds: the CPU time of the thread that ran the cell), then per row "nfields\n"
// and each field as "length:bytes": exact for any bytes a field holds.
std::string encode_rows(std::size_t index, double seconds, const CellRows& rows) {
  char head[64];
  std::snprintf(head, sizeof head, "%zu %.6e %zu\n", index, seconds, rows.size());
  std::string out = head;
  for (const auto& r : rows) {
    out += std::to_string(r.size()) + '\n';
    for (const auto& f : r) {
      out += std::to_string(f.size()) + ':';
      out += f;
    }
  }
  return out;
}

struct Reader {
  const std::string& text;
  std::size_t at = 0;
  std::size_t number(char end) {
    const std::size_t stop = text.find(end, at);
    if (stop == std::string::npos || stop == at) throw std::runtime_error("malformed message from an MPI rank");
    const std::size_t n = std::stoul(text.substr(at, stop - at));
    at = stop + 1;
    return n;
  }
  std::string bytes(std::size_t n) {
    if (at + n > text.size()) throw std::runtime_error("malformed message from an MPI rank");
    std::string s = text.substr(at, n);
    at += n;
    return s;
  }
};

struct CellResult {
  std::size_t index = 0;
  double seconds = 0;
  double rank_cpu = 0, rank_mpi_cpu = 0;  // the sender's CPU time since the experiment arrived
  CellRows rows;
};

// A result message: "process_cpu mpi_thread_cpu\n" (the server's CPU seconds since the
// experiment arrived: every thread, and its MPI thread), then encode_rows.
CellResult decode_rows(const std::string& text) {
  CellResult c;
  const std::size_t line = text.find('\n');
  if (line == std::string::npos || std::sscanf(text.c_str(), "%lf %lf", &c.rank_cpu, &c.rank_mpi_cpu) != 2)
    throw std::runtime_error("malformed message from an MPI rank");
  Reader r{text, line + 1};
  c.index = r.number(' ');
  const std::size_t space = text.find(' ', r.at);
  if (space == std::string::npos) throw std::runtime_error("malformed message from an MPI rank");
  c.seconds = std::strtod(text.c_str() + r.at, nullptr);
  r.at = space + 1;
  CellRows& rows = c.rows;
  rows.resize(r.number('\n'));
  for (auto& row : rows) {
    row.resize(r.number('\n'));
    for (auto& f : row) f = r.bytes(r.number(':'));
  }
  return c;
}

// "mean 2.1 ms, median 1.8 ms, p90 3.9 ms, p99 9 ms, max 21 ms": the CPU time of the cells.
std::string describe_seconds(std::vector<double> s) {
  if (s.empty()) return "no cells";
  std::sort(s.begin(), s.end());
  double sum = 0;
  for (double x : s) sum += x;
  const auto q = [&](double p) { return s[std::min(s.size() - 1, std::size_t(p * double(s.size())))]; };
  const auto ms = [](double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g ms", 1e3 * x);
    return std::string(b);
  };
  return "mean " + ms(sum / double(s.size())) + ", median " + ms(q(0.5)) + ", p90 " + ms(q(0.9)) + ", p99 " +
         ms(q(0.99)) + ", max " + ms(s.back());
}

std::string join_keys(const std::vector<std::size_t>& held, const std::vector<Cell>& cells) {
  std::string out;
  for (std::size_t i : held) out += (out.empty() ? "" : " ") + cells[i].key;
  return out;
}

}  // namespace

// --- rank 0 ------------------------------------------------------------------------------------

namespace {

struct Peer {
  std::string host;
  long pid = 0;
  int threads = 1;
  bool lost = false;              // did not answer, or a send to it failed
  std::vector<std::size_t> held;  // cells handed to it and not yet reported
  std::size_t ran = 0;            // in the current run()
  double cpu = 0, mpi_cpu = 0;    // its CPU seconds in the current run() (all threads; MPI thread)
  std::string name(int rank) const {
    return "rank " + std::to_string(rank) + " (host " + host + ", pid " + std::to_string(pid) + ")";
  }
};

class MpiRunner : public CellRunner {
 public:
  MpiRunner(int size, int threads) : threads_(resolve_threads(threads)), peers_(std::size_t(size)) {
    peers_[0].host = host_name();
    peers_[0].pid = long(::getpid());
    peers_[0].threads = threads_;
    // Every server introduces itself once, at start.
    int missing = size - 1, source = 0, tag = 0;
    std::string text;
    Backoff idle;
    while (missing > 0) {
      if (!poll(MPI_ANY_SOURCE, source, tag, text)) {
        idle.wait();
        continue;
      }
      if (tag != tag_hello) throw std::runtime_error("MPI rank " + std::to_string(source) + " spoke before saying hello");
      std::istringstream in(text);
      Peer& p = peers_[std::size_t(source)];
      in >> p.host >> p.pid >> p.threads;
      --missing;
    }
  }

  void run(const Experiment& e, const std::vector<Cell>& cells, const std::vector<std::size_t>& pending,
           const std::function<void(std::size_t, CellRows)>& done, const std::function<bool()>& stop) override;

  // Releases every server that is still there; false when a rank was lost (MPI_Finalize
  // would then wait for it forever).
  bool release() {
    bool all = true;
    for (std::size_t r = 1; r < peers_.size(); ++r) {
      if (peers_[r].lost) all = false;
      else if (!send(int(r), tag_release, "")) all = false;
    }
    return drain_sends(5) && all;
  }

 private:
  int threads_;
  std::vector<Peer> peers_;  // by rank; [0] is this rank
};

void MpiRunner::run(const Experiment& e, const std::vector<Cell>& cells, const std::vector<std::size_t>& pending,
                    const std::function<void(std::size_t, CellRows)>& done, const std::function<bool()>& stop) {
  const auto wall_start = Clock::now();
  const double cpu_start = thread_cpu_seconds();
  double journal_seconds = 0;
  std::size_t remote_results = 0;
  const double process_cpu_start = process_cpu_seconds();
  for (auto& p : peers_) p.ran = p.cpu = p.mpi_cpu = 0;
  for (std::size_t r = 1; r < peers_.size(); ++r)
    if (!peers_[r].lost && !send(int(r), tag_experiment, e.canonical_json)) peers_[r].lost = true;

  // The most expensive cells first (ties in grid order), so that no long cell starts last.
  std::vector<double> cost(cells.size(), 0);
  for (std::size_t i : pending) cost[i] = expected_cost(e, cells[i]);
  std::vector<std::size_t> order = pending;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  std::deque<std::size_t> queue(order.begin(), order.end());
  std::mutex queue_mutex;
  std::atomic<bool> halt{false};
  const auto next = [&]() -> std::optional<std::size_t> {
    std::lock_guard<std::mutex> lock(queue_mutex);
    if (halt || queue.empty()) return std::nullopt;
    const std::size_t i = queue.front();
    queue.pop_front();
    return i;
  };
  const auto queue_empty = [&] {
    std::lock_guard<std::mutex> lock(queue_mutex);
    return queue.empty();
  };

  // This rank's own threads take cells from the same queue; the main thread (the one that
  // initialized MPI) does all the messaging.
  std::exception_ptr error;
  std::mutex error_mutex;          // also guards cell_seconds and peers_[0].ran
  std::vector<double> cell_seconds;  // CPU time of every cell of this run
  const auto fail = [&](std::exception_ptr x) {
    std::lock_guard<std::mutex> lock(error_mutex);
    if (!error) error = x;
    halt = true;
  };
  const int local_threads = int(std::min<std::size_t>(std::size_t(threads_), std::max<std::size_t>(1, order.size())));
  std::atomic<bool> local_finished{false};
  std::thread local([&] {
    const int products = local_threads > 1 ? 1 : matvec_threads();
    parallel_for(std::size_t(local_threads), local_threads, [&](std::size_t) {
      while (const auto i = next()) {
        try {
          const MatvecThreadsScope scope(products);
          const double t0 = thread_cpu_seconds();
          CellRows rows = run_cell(e, cells[*i]);
          const double seconds = thread_cpu_seconds() - t0;
          done(*i, std::move(rows));
          std::lock_guard<std::mutex> lock(error_mutex);
          ++peers_[0].ran;
          cell_seconds.push_back(seconds);
        } catch (...) {
          fail(std::current_exception());
          return;
        }
      }
    });
    local_finished = true;
  });

  bool stopping = false;  // a signal here or on a server: stop the job, keep what finished
  const auto held_total = [&] {
    std::size_t n = 0;
    for (std::size_t r = 1; r < peers_.size(); ++r) n += peers_[r].held.size();
    return n;
  };
  const auto take_back = [&](int source, std::size_t index) {
    auto& held = peers_[std::size_t(source)].held;
    const auto it = std::find(held.begin(), held.end(), index);
    if (it == held.end()) throw std::runtime_error("MPI rank " + std::to_string(source) + " reported a cell it did not hold");
    held.erase(it);
  };
  PollPeriod period;  // the scheduling loop's sleep
  // One message from a server; true when it was a result.
  const auto handle = [&](int source, int tag, const std::string& text) {
    Peer& p = peers_[std::size_t(source)];
    if (tag == tag_result) {
      CellResult c = decode_rows(text);
      take_back(source, c.index);
      p.cpu = c.rank_cpu;
      p.mpi_cpu = c.rank_mpi_cpu;
      period.observe(c.seconds);
      {
        std::lock_guard<std::mutex> lock(error_mutex);
        cell_seconds.push_back(c.seconds);
      }
      const double t0 = thread_cpu_seconds();
      done(c.index, std::move(c.rows));
      journal_seconds += thread_cpu_seconds() - t0;
      ++remote_results;
      ++p.ran;
    } else if (tag == tag_failure) {
      const std::size_t tab1 = text.find('\t'), tab2 = text.find('\t', tab1 + 1);
      const std::string where = p.name(source) + ": ";
      const std::string kind = text.substr(tab1 + 1, tab2 - tab1 - 1), message = text.substr(tab2 + 1);
      if (kind == "input") fail(std::make_exception_ptr(InputError(where + message)));
      else if (kind == "numerical") fail(std::make_exception_ptr(NumericalError(where + message)));
      else fail(std::make_exception_ptr(std::runtime_error(where + message)));
    } else if (tag == tag_bye) {
      stopping = true;
    } else if (tag == tag_running) {  // after a halt: the cells it holds are those it runs
      std::vector<std::size_t> running;
      std::istringstream in(text);
      for (std::size_t i; in >> i;)
        if (std::find(p.held.begin(), p.held.end(), i) != p.held.end()) running.push_back(i);
      p.held = running;
    } else {
      throw std::runtime_error("unexpected message " + std::to_string(tag) + " from MPI rank " + std::to_string(source));
    }
  };

  int source = 0, tag = 0;
  std::string text;
  Backoff idle;  // after a halt
  // CPU time of the scheduler's iterations that did something (journal included): wall time
  // would count the moments the thread waits for a core.
  double busy_seconds = 0;
  try {
    for (;;) {
      if (stop() || launcher_gone()) stopping = true;
      if (stopping || halt) break;
      const double t_iter = thread_cpu_seconds();
      bool worked = false;
      for (std::size_t r = 1; r < peers_.size(); ++r) {
        Peer& p = peers_[r];
        // kReserve cells beyond the rank's threads wait there, so that a thread finishing a
        // cell does not wait for the round trip.
        while (!p.lost && p.held.size() < std::size_t(p.threads + kReserve)) {
          const auto i = next();
          if (!i) break;
          if (!send(int(r), tag_cell, std::to_string(*i) + ' ' + cells[*i].key)) {
            p.lost = true;     // this cell stays pending, and the job stops: a rerun runs them
            stopping = true;   // (Open MPI's default is to end the job anyway)
            break;
          }
          p.held.push_back(*i);
          worked = true;
        }
      }
      while (poll(MPI_ANY_SOURCE, source, tag, text)) {
        handle(source, tag, text);
        worked = true;
      }
      if (worked) busy_seconds += thread_cpu_seconds() - t_iter;
      if (queue_empty() && held_total() == 0 && local_finished) break;
      if (!worked) std::this_thread::sleep_for(period.get());
    }
  } catch (...) {
    fail(std::current_exception());
  }

  if (stopping || halt) {
    halt = true;  // this rank's threads take no more cells
    // Which ranks holding cells are alive: each is asked to drop the cells it has not begun
    // and to say which it runs. Open MPI kills the job 1 s after a rank dies, so the answer is
    // awaited 0.3 s, and the ranks that gave none are named at once with their cells.
    std::vector<bool> answered(peers_.size(), true);
    for (std::size_t r = 1; r < peers_.size(); ++r) {
      if (peers_[r].held.empty() || peers_[r].lost) continue;
      answered[r] = false;
      if (!send(int(r), tag_halt, "")) peers_[r].lost = true;
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(300);
    while (Clock::now() < deadline &&
           std::any_of(answered.begin(), answered.end(), [](bool a) { return !a; })) {
      if (!poll(MPI_ANY_SOURCE, source, tag, text)) {
        idle.wait();
        continue;
      }
      try {
        if (tag == tag_running) answered[std::size_t(source)] = true;
        handle(source, tag, text);
      } catch (...) {
        fail(std::current_exception());
      }
    }
    for (std::size_t r = 1; r < peers_.size(); ++r) {
      Peer& p = peers_[r];
      if (!answered[r]) p.lost = true;
      if (p.lost && !p.held.empty()) {
        std::cerr << "wnflow: " << e.name << ": " << p.name(int(r)) << " did not answer; the " << p.held.size()
                  << " cell(s) it held are not journaled and a rerun of the same command runs them: "
                  << join_keys(p.held, cells) << std::endl;
        p.held.clear();
      }
    }
    if (launcher_gone()) {  // nobody waits for this job any more: what is journaled stays
      std::cerr << e.name << ": the MPI launcher is gone; stopping now" << std::endl;
      std::_Exit(130);
    }
    // The cells the live ranks run finish and are journaled, as on one machine, unless
    // the job ends first; after an error nothing more is awaited.
    while (!error && held_total() > 0 && !launcher_gone()) {
      if (!poll(MPI_ANY_SOURCE, source, tag, text)) {
        idle.wait();
        continue;
      }
      try {
        handle(source, tag, text);
      } catch (...) {
        fail(std::current_exception());
      }
    }
  }
  local.join();

  // One line on where the cells ran and what the scheduling cost.
  const double wall = std::chrono::duration<double>(Clock::now() - wall_start).count();
  const double cpu = thread_cpu_seconds() - cpu_start;
  std::ostringstream line;
  line << e.name << ": MPI, " << peers_.size() << " ranks; cells run by rank";
  for (std::size_t r = 0; r < peers_.size(); ++r) line << ' ' << r << ':' << peers_[r].ran;
  peers_[0].cpu = process_cpu_seconds() - process_cpu_start;
  peers_[0].mpi_cpu = cpu;
  line << "; CPU s by rank in this sweep (all threads/MPI thread)";
  for (std::size_t r = 0; r < peers_.size(); ++r) {
    char b[64];
    std::snprintf(b, sizeof b, " %zu:%.3f/%.3f", r, peers_[r].cpu, peers_[r].mpi_cpu);
    line << b;
  }
  const double handed = double(std::max<std::size_t>(1, remote_results));
  char buf[240];
  std::snprintf(buf, sizeof buf,
                "; rank 0 CPU per remote cell: %.0f us messages, %.0f us journal, %.0f us in all with idle "
                "polling (%.1f%% of %.1f s)",
                1e6 * (busy_seconds - journal_seconds) / handed, 1e6 * journal_seconds / handed, 1e6 * cpu / handed,
                wall > 0 ? 100 * cpu / wall : 0.0, wall);
  line << buf << "; cell CPU time " << describe_seconds(cell_seconds);
  std::cerr << line.str() << std::endl;
  if (error) std::rethrow_exception(error);
}

}  // namespace

// --- the job -----------------------------------------------------------------------------------

struct MpiJob::State {
  bool initialized = false;
  int rank = 0, size = 1, threads = 0;
  std::unique_ptr<MpiRunner> runner;
};

MpiJob::MpiJob(int threads) : state_(std::make_unique<State>()) {
  state_->threads = threads;
  if (!launched_by_mpi()) return;
  int provided = 0;
  // Funneled: only the main thread calls MPI; cells run on the others.
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Init_thread failed");
  state_->initialized = true;
  g_launcher = ::getppid();
  // A rank that cannot be reached is reported, not a reason to abort the job from here.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &state_->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &state_->size);
  if (state_->size > 1) {
    if (state_->rank == 0) state_->runner = std::make_unique<MpiRunner>(state_->size, threads);
    else send(0, tag_hello, host_name() + ' ' + std::to_string(::getpid()) + ' ' + std::to_string(resolve_threads(threads)));
  }
}

MpiJob::~MpiJob() {
  if (!state_->initialized) return;
  if (state_->runner && !state_->runner->release()) return;  // a lost rank: MPI_Finalize would hang
  MPI_Finalize();
}

int MpiJob::rank() const { return state_->rank; }
int MpiJob::size() const { return state_->size; }
CellRunner* MpiJob::runner() { return state_->runner.get(); }

// --- ranks > 0 ---------------------------------------------------------------------------------

int MpiJob::serve() {
  install_interrupt_handlers();
  const int threads = resolve_threads(state_->threads);
  std::mutex mutex;
  std::condition_variable wake;
  std::shared_ptr<const Experiment> experiment;
  std::vector<Cell> cells;
  std::deque<std::size_t> queue;
  std::vector<std::size_t> running;
  std::vector<std::pair<Tag, std::string>> outbox;
  std::condition_variable mail;  // the outbox has something: the main thread sends it at once
  PollPeriod period;             // the main thread's sleep between probes (guarded by mutex)
  bool quit = false;
  double cpu_start = 0, mpi_cpu_start = 0;  // at the experiment's arrival

  std::thread compute([&] {
    const int products = threads > 1 ? 1 : matvec_threads();
    parallel_for(std::size_t(threads), threads, [&](std::size_t) {
      for (;;) {
        std::shared_ptr<const Experiment> e;
        Cell cell;
        {
          std::unique_lock<std::mutex> lock(mutex);
          wake.wait(lock, [&] { return quit || !queue.empty(); });
          if (quit) return;
          cell = cells[queue.front()];
          queue.pop_front();
          e = experiment;
          running.push_back(cell.index);
        }
        std::pair<Tag, std::string> message;
        const double t0 = thread_cpu_seconds();
        try {
          const MatvecThreadsScope scope(products);
          CellRows rows = run_cell(*e, cell);
          message = {tag_result, encode_rows(cell.index, thread_cpu_seconds() - t0, rows)};
        } catch (const InputError& x) {
          message = {tag_failure, std::to_string(cell.index) + "\tinput\t" + x.what()};
        } catch (const NumericalError& x) {
          message = {tag_failure, std::to_string(cell.index) + "\tnumerical\t" + x.what()};
        } catch (const std::exception& x) {
          message = {tag_failure, std::to_string(cell.index) + "\tinternal\t" + x.what()};
        }
        std::lock_guard<std::mutex> lock(mutex);
        running.erase(std::find(running.begin(), running.end(), cell.index));
        outbox.push_back(std::move(message));
        period.observe(thread_cpu_seconds() - t0);
        mail.notify_one();
      }
    });
  });

  bool said_bye = false, released = false;
  int source = 0, tag = 0;
  std::string text;
  while (!released) {
    if (launcher_gone()) std::_Exit(0);
    bool worked = false;
    if (interrupt_flag() && !said_bye) said_bye = send(0, tag_bye, "");
    while (!released && poll(0, source, tag, text)) {
      worked = true;
      std::unique_lock<std::mutex> lock(mutex);
      if (tag == tag_experiment) {
        cpu_start = process_cpu_seconds();
        mpi_cpu_start = thread_cpu_seconds();
        try {
          experiment = std::make_shared<const Experiment>(parse_experiment(text, "the config sent by rank 0"));
          cells = expand_cells(*experiment);
        } catch (const std::exception& x) {
          cells.clear();  // every cell of it is then refused, with this reason first
          outbox.emplace_back(tag_failure, std::string("0\tinternal\t") + x.what());
        }
      } else if (tag == tag_cell) {
        std::istringstream in(text);
        std::size_t index = 0;
        std::string key;
        in >> index;
        std::getline(in >> std::ws, key);
        if (index >= cells.size() || cells[index].key != key) {
          outbox.emplace_back(tag_failure, std::to_string(index) + "\tinternal\tcell '" + key + "' is not cell " +
                                               std::to_string(index) + " of the grid this rank expanded");
        } else {
          queue.push_back(index);
          wake.notify_one();
        }
      } else if (tag == tag_halt) {
        queue.clear();
        std::string list;
        for (std::size_t i : running) list += std::to_string(i) + ' ';
        outbox.emplace_back(tag_running, list);
      } else if (tag == tag_release) {
        released = true;
      }
    }
    std::vector<std::pair<Tag, std::string>> out;
    {
      std::lock_guard<std::mutex> lock(mutex);
      out.swap(outbox);
    }
    for (auto& [t, m] : out) {
      if (t == tag_result) {
        char head[64];
        std::snprintf(head, sizeof head, "%.6f %.6f\n", process_cpu_seconds() - cpu_start,
                      thread_cpu_seconds() - mpi_cpu_start);
        m.insert(0, head);
      }
      send(0, t, std::move(m));
    }
    // Sleeps until a thread has a result to send (sent at once: rank 0 journals it and hands
    // out the next cell), or until the next probe for rank 0's messages. It never spins: the
    // threads' cells need the cores.
    std::unique_lock<std::mutex> lock(mutex);
    if (!worked && out.empty()) mail.wait_for(lock, period.get(), [&] { return !outbox.empty(); });
  }
  drain_sends(1);
  bool busy;
  {
    std::lock_guard<std::mutex> lock(mutex);
    quit = true;
    busy = !running.empty();
  }
  wake.notify_all();
  if (busy) {  // released in the middle of a cell (the job was stopped): its result is not wanted
    MPI_Finalize();
    std::fflush(nullptr);
    std::_Exit(0);
  }
  compute.join();
  return 0;
}

}  // namespace wnflow::app

#endif
