#include <wnflow/lab/sweep.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/thread_pool.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>

namespace wnflow {

namespace {

using Rows = std::vector<std::vector<std::string>>;
using Clock = std::chrono::steady_clock;

bool file_exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

void require_writable_dir(const std::string& dir) {
  const std::string probe = dir + "/.wnflow-write-test." + std::to_string(::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) throw InputError("output directory '" + dir + "' does not exist or is not writable");
  ::close(fd);
  ::unlink(probe.c_str());
}

// Appends one cell's rows with a single write(), so that a crash leaves whole cells plus at
// most one cut one. A killed process loses nothing written (the data is in the kernel's page
// cache); against a crash of the machine the file is flushed to disk (fdatasync) at most once
// a second and when the sweep ends. A flush per cell cost 5-9 ms on this machine's disk, more
// than a small cell, and under MPI it capped rank 0 at about 140 cells a second.
class Journal {
 public:
  explicit Journal(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND);
    if (fd_ < 0) throw InputError("cannot append to journal '" + path + "'");
  }
  ~Journal() {
    if (fd_ < 0) return;
    if (unsynced_) ::fdatasync(fd_);
    ::close(fd_);
  }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  void append(const std::string& block) {
    std::size_t off = 0;
    while (off < block.size()) {
      const ssize_t n = ::write(fd_, block.data() + off, block.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw InputError("cannot write to journal '" + path_ + "'");
      }
      off += std::size_t(n);
    }
    unsynced_ = true;
    const auto now = Clock::now();
    if (now - last_sync_ >= std::chrono::seconds(1)) {
      ::fdatasync(fd_);
      unsynced_ = false;
      last_sync_ = now;
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool unsynced_ = false;
  Clock::time_point last_sync_ = Clock::now();
};

// One writer per journal: an exclusive lock (flock) on E.journal.json for the whole sweep. A
// second sweep into the same directory, or a rerun started while the ranks of a stopped MPI
// job still finish their cells, is refused instead of appending the same cells twice.
class JournalLock {
 public:
  explicit JournalLock(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError("cannot open '" + path + "'");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw InputError("'" + path + "' is locked: another wnflow sweep is writing this journal (wait for it to end)");
    }
  }
  ~JournalLock() { ::close(fd_); }
  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;
  // In place (the lock belongs to this file), before the journal exists.
  void write(const std::string& text) {
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, text.data(), text.size(), 0) != ssize_t(text.size()) ||
        ::fdatasync(fd_) != 0)
      throw InputError("cannot write '" + path_ + "'");
  }

 private:
  std::string path_;
  int fd_ = -1;
};

std::string format_seconds(double s) {
  if (!std::isfinite(s)) return "?";
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", int(s / 60), int(s) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", int(s / 3600), (int(s) % 3600) / 60);
  return buf;
}

// The default runner: the pending cells on the process's thread pool (`threads` at a time).
class LocalCellRunner : public CellRunner {
 public:
  explicit LocalCellRunner(int threads) : threads_(threads) {}
  void run(const Experiment& e, const std::vector<Cell>& cells, const std::vector<std::size_t>& pending,
           const std::function<void(std::size_t, CellRows)>& done, const std::function<bool()>& stop) override {
    int threads = threads_ > 0 ? threads_ : int(std::max(1u, std::thread::hardware_concurrency()));
    threads = int(std::min<std::size_t>(std::size_t(threads), std::max<std::size_t>(1, pending.size())));
    // Cells side by side already fill the cores: their products with A stay on their thread.
    const int matvec_threads_per_cell = threads > 1 ? 1 : matvec_threads();
    std::atomic<bool> abort{false};
    std::mutex mutex;
    std::exception_ptr error;
    parallel_for(pending.size(), threads, [&](std::size_t k) {
      if (abort || stop()) return;
      const Cell& cell = cells[pending[k]];
      try {
        const MatvecThreadsScope products(matvec_threads_per_cell);
        done(cell.index, run_cell(e, cell));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        abort = true;
      }
    });
    if (error) std::rethrow_exception(error);
  }

 private:
  int threads_;
};

}  // namespace

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

SweepSummary run_sweep(const Experiment& e, const std::string& out_dir, const SweepOptions& options) {
  const auto start = Clock::now();
  require_writable_dir(out_dir);
  SweepSummary summary;
  summary.experiment = e.name;
  summary.csv_path = out_dir + "/" + e.name + ".csv";
  summary.journal_path = out_dir + "/" + e.name + ".journal.csv";
  const std::string meta_path = out_dir + "/" + e.name + ".journal.json";
  const std::vector<Cell> cells = expand_cells(e);
  summary.total = cells.size();
  const std::vector<std::string> columns = result_columns();
  const Table schema(columns);
  const std::size_t cell_col = schema.column("cell"), rows_col = schema.column("cell_rows");
  const std::size_t status_col = schema.column("status");

  std::map<std::string, std::size_t> index_of;
  for (const Cell& c : cells) index_of[c.key] = c.index;
  std::vector<Rows> results(cells.size());
  std::vector<bool> done(cells.size(), false);

  JournalLock journal_lock(meta_path);
  // Resume: a journal is only used together with the config it was written for.
  if (file_exists(summary.journal_path)) {
    if (!file_exists(meta_path) || read_file(meta_path) != e.result_json + "\n")
      throw InputError("journal '" + summary.journal_path + "' was written for another config of experiment '" +
                       e.name + "': remove " + e.name + ".journal.* or use another output directory");
    const Table journal = Table::read(summary.journal_path, /*accept_partial_last_line=*/true);
    if (journal.columns() != columns)
      throw InputError("journal '" + summary.journal_path + "' has other columns than this build writes");
    std::map<std::string, Rows> by_key;
    std::vector<std::string> order;
    for (std::size_t r = 0; r < journal.rows(); ++r) {
      const std::string& key = journal.text(r, cell_col);
      if (!index_of.count(key))
        throw InputError("journal '" + summary.journal_path + "' holds cell '" + key + "', which is not in the grid");
      if (!by_key.count(key)) order.push_back(key);
      by_key[key].push_back(journal.row(r));
    }
    bool dropped = journal.partial_dropped();
    std::string kept = journal.header_line();
    for (const auto& key : order) {
      const Rows& rows = by_key[key];
      const double expected = std::strtod(rows.front()[rows_col].c_str(), nullptr);
      const std::size_t i = index_of[key];
      if (double(rows.size()) != expected || done[i]) {  // cut by a crash (or duplicated): recompute
        dropped = true;
        continue;
      }
      done[i] = true;
      results[i] = rows;
      for (const auto& r : rows) kept += Table::csv_line(r);
      ++summary.resumed;
    }
    if (dropped) write_file_atomically(summary.journal_path, kept);
  } else {
    journal_lock.write(e.result_json + "\n");
    write_file_atomically(summary.journal_path, Table::csv_line(columns));
  }

  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (!done[i]) pending.push_back(i);

  Journal journal(summary.journal_path);
  std::mutex mutex;
  const std::size_t limit =
      options.max_cells >= 0 ? std::min(pending.size(), std::size_t(options.max_cells)) : pending.size();
  pending.resize(limit);
  std::size_t finished_now = 0;
  Clock::time_point sweep_start, last_result;  // the in-process throughput (SweepSummary)
  double cpu_start = 0, cpu_last = 0;

  // Each finished cell: journaled at once, its rows kept for the final table in grid order.
  const auto done_cell = [&](std::size_t index, CellRows rows) {
    std::string block;
    for (const auto& r : rows) block += Table::csv_line(r);
    std::lock_guard<std::mutex> lock(mutex);
    if (index >= cells.size() || done[index] || rows.empty())
      throw std::logic_error("sweep: cell " + std::to_string(index) + " reported twice or without rows");
    journal.append(block);
    const std::string& status = rows.front()[status_col];
    if (status == "failed") ++summary.failed;
    if (status == "not_converged") ++summary.not_converged;
    results[index] = std::move(rows);
    done[index] = true;
    ++finished_now;
    last_result = Clock::now();
    cpu_last = process_cpu_seconds();
    if (options.progress) {
      SweepProgress p;
      p.total = cells.size();
      p.resumed = summary.resumed;
      p.done = summary.resumed + finished_now;
      p.failed = summary.failed;
      p.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
      p.rate = p.elapsed_seconds > 0 ? double(finished_now) / p.elapsed_seconds : 0;
      p.eta_seconds = p.rate > 0 ? double(p.total - p.done) / p.rate : NAN;
      options.progress(p);
    }
  };
  const auto stop = [&] { return options.stop && options.stop->load(); };
  sweep_start = last_result = Clock::now();
  cpu_start = cpu_last = process_cpu_seconds();
  if (options.runner) {
    options.runner->run(e, cells, pending, done_cell, stop);
  } else {
    LocalCellRunner local(options.threads);
    local.run(e, cells, pending, done_cell, stop);
  }

  summary.ran = finished_now;
  summary.sweep_seconds = std::chrono::duration<double>(last_result - sweep_start).count();
  summary.sweep_cpu_seconds = cpu_last - cpu_start;
  summary.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  summary.complete = std::all_of(done.begin(), done.end(), [](bool d) { return d; });
  summary.interrupted = !summary.complete;
  if (summary.complete) {
    Table table(columns);
    for (auto& rows : results)
      for (auto& r : rows) table.add_row(std::move(r));
    write_file_atomically(summary.csv_path, table.to_csv());
    summary.table = std::move(table);
  }
  return summary;
}

std::string SweepSummary::report() const {
  std::ostringstream o;
  o << experiment << ": " << (resumed + ran) << "/" << total << " cells";
  if (resumed) o << " (" << resumed << " from the journal)";
  o << ", " << failed << " failed, " << not_converged << " not converged, " << format_seconds(wall_seconds);
  if (ran > 0) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "; sweep %.1f cells/s (%zu cells in %.3f s, %.3f CPU s)", cells_per_second(), ran,
                  sweep_seconds, sweep_cpu_seconds);
    o << buf;
  }
  if (complete) o << " -> " << csv_path;
  else o << "; interrupted: rerun the same command to resume from " << journal_path;
  return o.str();
}

std::function<void(const SweepProgress&)> stderr_progress(const std::string& label) {
  const bool tty = ::isatty(STDERR_FILENO);
  struct State {
    double last_log = -1;
    std::size_t last_done = 0;
  };
  auto state = std::make_shared<State>();
  return [tty, label, state](const SweepProgress& p) {
    if (tty) {
      const int width = 30;
      const int filled = p.total ? int(double(width) * double(p.done) / double(p.total)) : width;
      std::string bar(std::size_t(filled), '=');
      if (filled < width) bar += '>' + std::string(std::size_t(width - filled - 1), ' ');
      std::fprintf(stderr, "\r%s [%s] %zu/%zu cells  %.1f/s  ETA %s%s", label.c_str(), bar.c_str(), p.done, p.total,
                   p.rate, format_seconds(p.eta_seconds).c_str(), p.failed ? "  (failures)" : "");
      if (p.done == p.total) std::fputc('\n', stderr);
      std::fflush(stderr);
      return;
    }
    const bool step = p.total && (p.done - state->last_done) * 10 >= p.total;
    if (p.done == p.total || step || p.elapsed_seconds - state->last_log >= 30) {
      std::fprintf(stderr, "%s: %zu/%zu cells done, %.1f cells/s, ETA %s\n", label.c_str(), p.done, p.total, p.rate,
                   format_seconds(p.eta_seconds).c_str());
      state->last_log = p.elapsed_seconds;
      state->last_done = p.done;
    }
  };
}

}  // namespace wnflow
