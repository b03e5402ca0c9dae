// The performance bench (bench.hpp): wnflow steppers in forked children, peers as whole
// processes, the two-GEMV floor, and the accuracy against the predicted limit.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include "bench.hpp"
#include <wnflow/model/matvec.hpp>
#include <wnflow/lab/csv.hpp>
#include <wnflow/lab/npy.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/predict.hpp>
#include <wnflow/model/weight_norm.hpp>

#include <wnflow_git_revision.hpp>  // generated at every build: WNFLOW_GIT

namespace wnflow {

using Clock = std::chrono::steady_clock;

std::vector<StepperKind> all_steppers() {
  std::vector<StepperKind> out;
  for (const auto& name : stepper_names()) out.push_back(parse_stepper(name));
  return out;
}

Eigen::Index standard_m(Eigen::Index N) { return N == 150 ? 45 : std::max<Eigen::Index>(1, N / 4); }
Eigen::Index standard_sparsity(Eigen::Index N) { return std::max<Eigen::Index>(3, N / 50); }

namespace {
std::string sign_label(Sign s) { return s == Sign::positive ? "P+" : "P±"; }
std::string sign_ascii(Sign s) { return s == Sign::positive ? "positive" : "signed"; }

std::string num(double v, int precision = 4) {
  if (std::isnan(v)) return "-";
  std::ostringstream o;
  o << std::setprecision(precision) << v;
  return o.str();
}

// CSV fields never hold ',' or line breaks.
std::string field(std::string s) {
  for (char& c : s)
    if (c == ',' || c == '\n' || c == '\r' || c == '"') c = ';';
  return s;
}

std::string cell(double v) {
  if (std::isnan(v)) return "nan";
  std::ostringstream o;
  o << std::setprecision(10) << v;
  return o.str();
}
}  // namespace

std::string BenchCase::label() const {
  std::ostringstream o;
  o << sign_label(sign) << " N=" << N << " M=" << M << " s=" << sparsity << " L=" << depth << " a=" << alpha << " "
    << to_string(flow);
  if (flow != FlowKind::gf) o << " q=" << ratio;
  return o.str();
}

void BenchOptions::validate() const {
  if (sizes.empty()) throw InputError("--n: at least one size is needed");
  for (auto N : sizes)
    if (N < 4) throw InputError("--n: sizes must be >= 4, got " + std::to_string(N));
  if (steppers.empty()) throw InputError("--steppers: at least one stepper is needed");
  if (signs.empty() || depths.empty() || alphas.empty() || flows.empty())
    throw InputError("the bench needs at least one sign, depth, alpha and flow");
  for (int L : depths)
    if (L < 2) throw InputError("--depths: depth L must be >= 2, got " + std::to_string(L));
  for (double a : alphas) require_positive_finite(a, "--alphas: alpha");
  for (auto f : flows)
    if (f == FlowKind::wn_classic) throw InputError("--flows: the bench runs gf and wn");
  require_positive_finite(ratio, "--ratio");
  require_positive_finite(rtol, "--rtol");
  require_positive_finite(atol, "--atol");
  require_positive_finite(t_max, "--t-max");
  if (!(loss_tol >= 0.0) || !std::isfinite(loss_tol)) throw InputError("--loss-tol must be a finite number >= 0");
  require_positive_finite(timeout, "--timeout");
  if (floor_repeats < 1) throw InputError("floor repeats must be >= 1");
  if (repeats < 1) throw InputError("--repeats must be >= 1");
  if (matvec_threads < 0) throw InputError("--matvec-threads must be >= 0 (0: every core), got " + std::to_string(matvec_threads));
  if (instance_format != "npy" && instance_format != "csv")
    throw InputError("--instance-format: expected npy or csv, got '" + instance_format + "'");
  for (const auto& p : peer_list)
    if (p != "run" && p != "lsoda" && p != "rk45" && p != "cvode")
      throw InputError("--peer-list: expected run, lsoda, rk45 or cvode, got '" + p + "'");
}

std::vector<BenchCase> bench_cases(const BenchOptions& o) {
  std::vector<BenchCase> out;
  for (auto N : o.sizes)
    for (auto sign : o.signs)
      for (auto flow : o.flows)
        for (int L : o.depths)
          for (double a : o.alphas) {
            BenchCase c;
            c.sign = sign;
            c.N = N;
            c.M = standard_m(N);
            c.sparsity = std::min(standard_sparsity(N), N);
            c.depth = L;
            c.alpha = a;
            c.flow = flow;
            c.ratio = o.ratio;
            c.seed = o.seed;
            out.push_back(c);
          }
  return out;
}

std::vector<std::string> bench_csv_columns() {
  return {"sign", "N", "M", "s", "L", "alpha", "flow", "ratio", "solver", "status", "stop_reason",
          "wall_seconds", "process_seconds", "cpu_seconds", "process_cpu_seconds", "process_cpu_max_seconds", "steps", "rhs_evals", "jacobian_evals", "seconds_per_rhs",
          "floor_seconds", "ratio_to_floor", "wall_ratio_to_floor", "rhs_alone_seconds", "rhs_to_floor", "accuracy", "loss", "t", "peak_rss_kb", "note"};
}

namespace {
// CPU time of the calling thread: on a shared machine a wall clock would count the time spent
// waiting for a core (seen: 7x at load average 8 on 2 cores).
double thread_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
}  // namespace

double median_seconds(const std::function<void()>& work, int repeats) {
  // Batches of at least ~2 ms of CPU time, so the clock resolution does not matter.
  work();
  double t0 = thread_cpu_now();
  work();
  const double single = thread_cpu_now() - t0;
  const long per_batch = std::max<long>(1, long(2e-3 / std::max(single, 1e-9)));
  std::vector<double> batches;
  for (int r = 0; r < std::max(1, repeats); ++r) {
    t0 = thread_cpu_now();
    for (long k = 0; k < per_batch; ++k) work();
    batches.push_back((thread_cpu_now() - t0) / double(per_batch));
  }
  std::nth_element(batches.begin(), batches.begin() + batches.size() / 2, batches.end());
  return batches[batches.size() / 2];
}

double gemv_floor_seconds(const Matrix& A, int repeats) {
  Vector x = Vector::LinSpaced(A.cols(), 0.5, 1.5), e(A.rows()), g(A.cols());
  const Vector y = Vector::Ones(A.rows());
  return median_seconds([&] {
    e.noalias() = A * x;
    e -= y;
    g.noalias() = A.transpose() * e;
    x[0] += 1e-300 * g[0];  // a dependency, so nothing is hoisted
  }, repeats);
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

namespace {

// ------------------------------------------------------------------ wnflow rows (forked)
struct ChildResult {
  int status = 0;  // 0 ok, 1 failed (exception), 2 not usable
  int stop_reason = 0;
  double wall = NAN, cpu = NAN, loss = NAN, t = NAN, accuracy = NAN;
  long steps = -1, rhs = -1, jac = -1;
  char message[256] = {0};
};

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double cpu_of(const rusage& u) {
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

template <class Flow>
ChildResult integrate_flow(Flow flow, const DiagonalNetwork& net, const IntegrateOptions& io,
                           const Vector* prediction, Clock::time_point start, double cpu_start) {
  Vector state = flow.initial_state();
  const IntegrateSummary s = integrate(flow, state, io);
  ChildResult r;
  r.wall = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu = cpu_now() - cpu_start;
  r.stop_reason = int(s.stop_reason);
  r.status = s.usable() ? 0 : 2;
  r.loss = s.loss;
  r.t = s.t;
  r.steps = s.steps;
  r.rhs = s.rhs_evals;
  r.jac = s.jacobian_evals;
  if (prediction && prediction->size() > 0) {
    const Vector x = net.x_of_w(flow.weights(state));
    r.accuracy = (x - *prediction).norm() / prediction->norm();
  }
  std::snprintf(r.message, sizeof r.message, "%s", s.message.c_str());
  return r;
}

ChildResult run_in_child(const Problem& p, const BenchCase& c, const IntegrateOptions& io, const Vector* pred) {
  try {
    const auto start = Clock::now();
    const double cpu_start = cpu_now();
    const DiagonalNetwork net(p, c.sign, c.depth);
    if (c.flow == FlowKind::gf) return integrate_flow(GradientFlow(net, c.alpha), net, io, pred, start, cpu_start);
    FlowOptions fo;
    fo.kind = FlowKind::wn;
    fo.ratio = c.ratio;
    WeightNormFlow flow(net, c.alpha, resolve_rates(fo, initial_radius(net, c.alpha)));
    return integrate_flow(flow, net, io, pred, start, cpu_start);
  } catch (const std::exception& e) {
    ChildResult r;
    r.status = 1;
    std::snprintf(r.message, sizeof r.message, "%s", e.what());
    return r;
  }
}

bool write_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t k = ::write(fd, p, size);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    size -= size_t(k);
  }
  return true;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void wnflow_row(const Problem& p, const BenchCase& c, StepperKind stepper, const BenchOptions& o, const Vector* pred,
                BenchRow& row) {
  IntegrateOptions io;
  io.stepper = stepper;
  io.rtol = o.rtol;
  io.atol = o.atol;
  io.t_max = o.t_max;
  io.loss_tol = o.loss_tol;
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    const ChildResult r = run_in_child(p, c, io, pred);
    write_all(fds[1], &r, sizeof r);
    ::_exit(0);
  }
  ::close(fds[1]);
  ChildResult r;
  size_t got = 0;
  const auto t0 = Clock::now();
  bool timed_out = false;
  while (got < sizeof r) {
    const double left = o.timeout - seconds_since(t0);
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd pf{fds[0], POLLIN, 0};
    const int k = poll(&pf, 1, int(std::min(left * 1000.0 + 1, 1e9)));
    if (k < 0 && errno == EINTR) continue;
    if (k == 0) continue;
    const ssize_t n = ::read(fds[0], reinterpret_cast<char*>(&r) + got, sizeof r - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += size_t(n);
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int wstatus = 0;
  rusage u{};
  while (wait4(pid, &wstatus, 0, &u) < 0 && errno == EINTR) {
  }
  row.peak_rss_kb = u.ru_maxrss;
  if (timed_out) {
    row.status = "timeout";
    row.note = "killed after " + num(o.timeout) + " s";
    row.wall_seconds = o.timeout;
    return;
  }
  if (got < sizeof r) {
    row.status = "failed";
    row.note = "the child died (status " + std::to_string(wstatus) + ")";
    return;
  }
  row.wall_seconds = r.wall;
  row.cpu_seconds = r.cpu;
  row.steps = r.steps;
  row.rhs_evals = r.rhs;
  row.jacobian_evals = r.jac;
  row.loss = r.loss;
  row.t = r.t;
  row.accuracy = r.accuracy;
  row.note = r.message;
  if (r.status == 1) {
    row.status = "failed";
    return;
  }
  row.stop_reason = to_string(StopReason(r.stop_reason));
  const bool converged = StopReason(r.stop_reason) == StopReason::loss_tol ||
                         StopReason(r.stop_reason) == StopReason::loss_floor;
  row.status = r.status == 2 ? "failed" : converged ? "ok" : "not_converged";
  if (r.rhs > 0) row.seconds_per_rhs = r.cpu / double(r.rhs);
}

// ------------------------------------------------------------------ peers (fork/exec)
struct ProcessResult {
  bool started = false, timed_out = false;
  int exit_code = -1;
  double seconds = NAN, cpu_seconds = NAN;
  long peak_rss_kb = -1;
  std::string out, err;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& dir, double timeout) {
  ProcessResult res;
  const std::string out_path = dir + "/peer.out", err_path = dir + "/peer.err";
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // posix_spawn, not fork: a forked child starts on a copy of the bench's page tables and
  // tears it down at exec, in its own CPU time. From a 6 MB bench that was 0.1–0.25 ms of a
  // 7 ms `wnflow run` (least and lower quartile of 50 interleaved runs), harness cost charged
  // to the peer measured; glibc's posix_spawn shares the parent's memory until exec.
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&files, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const auto t0 = Clock::now();
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, args[0], &files, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  if (spawned != 0) return res;  // not found, not executable: started stays false
  res.started = true;
  int wstatus = 0;
  rusage u{};
  for (;;) {
    const pid_t k = wait4(pid, &wstatus, WNOHANG, &u);
    if (k == pid) break;
    if (k < 0 && errno != EINTR) break;
    if (seconds_since(t0) > timeout) {
      ::kill(pid, SIGKILL);
      while (wait4(pid, &wstatus, 0, &u) < 0 && errno == EINTR) {
      }
      res.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  res.seconds = seconds_since(t0);
  res.cpu_seconds = cpu_of(u);
  res.peak_rss_kb = u.ru_maxrss;
  if (WIFEXITED(wstatus)) res.exit_code = WEXITSTATUS(wstatus);
  res.out = read_text(out_path);
  res.err = read_text(err_path);
  if (res.exit_code == 127 && res.out.empty()) res.started = false;
  return res;
}

std::string first_line(const std::string& s) {
  const auto k = s.find('\n');
  return s.substr(0, k == std::string::npos ? s.size() : k);
}

// Fills a peer row from a process that printed one JSON object.
void peer_row(const ProcessResult& pr, const Vector* pred, const BenchOptions& o, BenchRow& row) {
  row.process_seconds = pr.seconds;
  row.process_cpu_seconds = pr.cpu_seconds;
  row.peak_rss_kb = pr.peak_rss_kb;
  if (!pr.started) {
    row.status = "skipped";
    row.note = "could not start the peer";
    return;
  }
  if (pr.timed_out) {
    row.status = "timeout";
    row.note = "killed after " + num(o.timeout) + " s";
    return;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(pr.out);
  } catch (const std::exception&) {
    row.status = "failed";
    row.note = "exit " + std::to_string(pr.exit_code) + ": " + first_line(pr.err);
    return;
  }
  auto get_long = [&](const char* k) { return j.contains(k) && j[k].is_number() ? j[k].get<long>() : -1L; };
  auto get_double = [&](const char* k) { return j.contains(k) && j[k].is_number() ? j[k].get<double>() : NAN; };
  row.wall_seconds = get_double("wall_seconds");
  row.cpu_seconds = get_double("cpu_seconds");
  row.steps = get_long("steps");
  row.rhs_evals = get_long("rhs_evals");
  row.jacobian_evals = get_long("jacobian_evals");
  row.loss = get_double("loss");
  row.t = get_double("t");
  row.stop_reason = j.value("stop_reason", std::string());
  // Per right-hand side in CPU time only (wnflow run reports wall time alone: no per-rhs figure).
  if (row.rhs_evals > 0 && !std::isnan(row.cpu_seconds)) row.seconds_per_rhs = row.cpu_seconds / double(row.rhs_evals);
  if (j.contains("x") && pred && pred->size() > 0) {
    const auto& xs = j["x"];
    if (xs.is_array() && Eigen::Index(xs.size()) == pred->size()) {
      Vector x(pred->size());
      for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = xs[size_t(i)].is_number() ? xs[size_t(i)].get<double>() : NAN;
      row.accuracy = (x - *pred).norm() / pred->norm();
    }
  }
  const bool converged = j.value("converged", false);
  if (pr.exit_code != 0)
    row.status = "failed", row.note = "exit " + std::to_string(pr.exit_code) + ": " + first_line(pr.err);
  else
    row.status = converged ? "ok" : "not_converged";
  if (j.contains("note") && j["note"].is_string() && row.note.empty()) row.note = j["note"].get<std::string>();
}

std::vector<std::string> flow_args(const BenchCase& c, const BenchOptions& o, const std::string& a,
                                   const std::string& y) {
  auto s = [](double v) {
    std::ostringstream out;
    out << std::setprecision(17) << v;
    return out.str();
  };
  std::vector<std::string> v{"--a", a, "--y", y, "--sign", sign_ascii(c.sign), "--flow", to_string(c.flow),
                             "--depth", std::to_string(c.depth), "--alpha", s(c.alpha), "--rtol", s(o.rtol),
                             "--atol", s(o.atol), "--t-max", s(o.t_max), "--loss-tol", s(o.loss_tol)};
  if (c.flow != FlowKind::gf) {
    v.push_back("--ratio");
    v.push_back(s(c.ratio));
  }
  return v;
}

bool executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }
bool readable(const std::string& path) { return !path.empty() && ::access(path.c_str(), R_OK) == 0; }

struct TempDir {
  std::string path;
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/wnflow-bench-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) throw std::runtime_error("cannot create a temporary directory");
    path = buf.data();
  }
  ~TempDir() {
    for (const char* f : {"/A.csv", "/y.csv", "/peer.out", "/peer.err"}) ::unlink((path + f).c_str());
    ::rmdir(path.c_str());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

bool scipy_available(const PeerPaths& p, std::string& why) {
  if (!readable(p.scipy_script)) {
    why = "SciPy peer script not found (" + (p.scipy_script.empty() ? std::string("no path") : p.scipy_script) + ")";
    return false;
  }
  const std::string cmd = p.python + " -c 'import scipy.integrate' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    why = p.python + " cannot import scipy (Debian: apt-get install python3-scipy)";
    return false;
  }
  return true;
}

std::string machine_description() {
  std::ostringstream o;
  std::string model = "unknown CPU";
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  o << model << ", " << std::thread::hardware_concurrency() << " logical CPUs; ";
#ifdef __VERSION__
  o << "compiler " << __VERSION__;
#endif
#ifdef __OPTIMIZE__
  o << " -O";
#endif
#ifdef NDEBUG
  o << " -DNDEBUG";
#endif
#ifdef __AVX512F__
  o << " AVX-512";
#elif defined(__AVX2__) && defined(__FMA__)
  o << " AVX2+FMA";
#elif defined(__AVX2__)
  o << " AVX2";
#else
  o << " SSE2 (no -march=native)";
#endif
  o << "; Eigen " << EIGEN_WORLD_VERSION << "." << EIGEN_MAJOR_VERSION << "." << EIGEN_MINOR_VERSION
    << " (single-threaded; products with A split over " << matvec_threads() << " threads from "
    << matvec_split_entries << " entries); git " << WNFLOW_GIT;
  return o.str();
}

}  // namespace

std::string bench_table_header() {
  std::ostringstream o;
  o << std::left << std::setw(44) << "case" << std::setw(30) << "solver" << std::setw(14) << "status" << std::right
    << std::setw(10) << "wall s" << std::setw(10) << "cpu s" << std::setw(10) << "proc s" << std::setw(9) << "steps" << std::setw(9) << "rhs"
    << std::setw(7) << "jac" << std::setw(11) << "s/rhs" << std::setw(9) << "/floor" << std::setw(9) << "wall/fl" << std::setw(9) << "rhs/fl" << std::setw(10) << "accuracy"
    << std::setw(10) << "RSS MB" << "\n";
  return o.str();
}

std::string bench_table_row(const BenchRow& r) {
  std::ostringstream o;
  auto count = [](long v) { return v < 0 ? std::string("-") : std::to_string(v); };
  std::string label = r.c.label();
  o << std::left << std::setw(44) << label << std::setw(30) << r.solver << std::setw(14) << r.status << std::right
    << std::setw(10) << num(r.wall_seconds, 3) << std::setw(10) << num(r.cpu_seconds, 3) << std::setw(10)
    << num(r.process_seconds, 3) << std::setw(9)
    << count(r.steps) << std::setw(9) << count(r.rhs_evals) << std::setw(7) << count(r.jacobian_evals)
    << std::setw(11) << num(r.seconds_per_rhs, 3) << std::setw(9) << num(r.ratio_to_floor, 3) << std::setw(9) << num(r.wall_ratio_to_floor, 3) << std::setw(9) << num(r.rhs_to_floor, 3) << std::setw(10)
    << num(r.accuracy, 2) << std::setw(10) << (r.peak_rss_kb < 0 ? std::string("-") : num(r.peak_rss_kb / 1024.0, 4));
  if (r.status != "ok" && !r.note.empty()) o << "  " << r.note;
  o << "\n";
  return o.str();
}

std::string BenchSummary::csv() const {
  std::ostringstream o;
  const auto cols = bench_csv_columns();
  for (size_t i = 0; i < cols.size(); ++i) o << (i ? "," : "") << cols[i];
  o << "\n";
  for (const auto& r : rows) {
    o << sign_ascii(r.c.sign) << ',' << r.c.N << ',' << r.c.M << ',' << r.c.sparsity << ',' << r.c.depth << ','
      << cell(r.c.alpha) << ',' << to_string(r.c.flow) << ',' << (r.c.flow == FlowKind::gf ? "nan" : cell(r.c.ratio))
      << ',' << field(r.solver) << ',' << r.status << ',' << field(r.stop_reason.empty() ? "-" : r.stop_reason) << ','
      << cell(r.wall_seconds) << ',' << cell(r.process_seconds) << ',' << cell(r.cpu_seconds) << ','
      << cell(r.process_cpu_seconds) << ',' << cell(r.process_cpu_max_seconds) << ',' << r.steps << ',' << r.rhs_evals << ','
      << r.jacobian_evals << ',' << cell(r.seconds_per_rhs) << ',' << cell(r.floor_seconds) << ','
      << cell(r.ratio_to_floor) << ',' << cell(r.wall_ratio_to_floor) << ',' << cell(r.rhs_alone_seconds) << ',' << cell(r.rhs_to_floor) << ','
      << cell(r.accuracy) << ',' << cell(r.loss) << ',' << cell(r.t) << ','
      << r.peak_rss_kb << ',' << field(r.note.empty() ? "-" : r.note) << "\n";
  }
  return o.str();
}

std::string BenchSummary::json() const {
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json rs = nlohmann::json::array();
  for (const auto& r : rows)
    rs.push_back({{"sign", sign_ascii(r.c.sign)}, {"N", r.c.N}, {"M", r.c.M}, {"s", r.c.sparsity},
                  {"L", r.c.depth}, {"alpha", r.c.alpha}, {"flow", to_string(r.c.flow)},
                  {"ratio", r.c.flow == FlowKind::gf ? nlohmann::json(nullptr) : nlohmann::json(r.c.ratio)},
                  {"solver", r.solver}, {"status", r.status}, {"stop_reason", r.stop_reason},
                  {"wall_seconds", number(r.wall_seconds)}, {"process_seconds", number(r.process_seconds)},
                  {"cpu_seconds", number(r.cpu_seconds)}, {"process_cpu_seconds", number(r.process_cpu_seconds)},
                  {"process_cpu_max_seconds", number(r.process_cpu_max_seconds)},
                  {"steps", r.steps}, {"rhs_evals", r.rhs_evals}, {"jacobian_evals", r.jacobian_evals},
                  {"seconds_per_rhs", number(r.seconds_per_rhs)}, {"floor_seconds", number(r.floor_seconds)},
                  {"ratio_to_floor", number(r.ratio_to_floor)}, {"wall_ratio_to_floor", number(r.wall_ratio_to_floor)},
                  {"rhs_alone_seconds", number(r.rhs_alone_seconds)}, {"rhs_to_floor", number(r.rhs_to_floor)}, {"accuracy", number(r.accuracy)},
                  {"loss", number(r.loss)}, {"t", number(r.t)}, {"peak_rss_kb", r.peak_rss_kb}, {"note", r.note}});
  nlohmann::json j;
  j["rows"] = rs;
  j["machine"] = machine;
  j["wall_seconds"] = wall_seconds;
  j["settings"] = {{"rtol", options.rtol}, {"atol", options.atol}, {"t_max", options.t_max},
                   {"loss_tol", options.loss_tol}, {"timeout", options.timeout}, {"repeats", options.repeats}, {"seed", options.seed},
                   {"matvec_threads", options.matvec_threads},
                   {"ratio", options.ratio}};
  return j.dump(1) + "\n";
}

std::string BenchSummary::report(bool with_table) const {
  std::ostringstream o;
  o << "machine: " << machine << "\n";
  o << "settings: rtol " << options.rtol << ", atol " << options.atol << ", t_max " << options.t_max
    << ", loss_tol " << options.loss_tol << ", timeout " << options.timeout << " s per run, best of "
    << options.repeats << "\n";
  if (with_table) {
    o << bench_table_header();
    for (const auto& r : rows) o << bench_table_row(r);
  }
  // Per case: the best wnflow stepper, auto against it, and the peers against wnflow.
  o << "\nper case (CPU seconds unless marked; best = the wnflow stepper with the least CPU time):\n";
  std::map<std::string, std::vector<const BenchRow*>> by_case;
  std::vector<std::string> order;
  for (const auto& r : rows) {
    const std::string k = r.c.label();
    if (!by_case.count(k)) order.push_back(k);
    by_case[k].push_back(&r);
  }
  for (const auto& k : order) {
    const BenchRow *best = nullptr, *autor = nullptr, *run = nullptr, *lsoda = nullptr, *cvode = nullptr;
    for (const BenchRow* r : by_case[k]) {
      if (r->status != "ok") continue;
      if (r->solver.rfind("wnflow:", 0) == 0) {
        if (!best || r->cpu_seconds < best->cpu_seconds) best = r;
        if (r->solver == "wnflow:auto") autor = r;
      }
      if (r->solver == "wnflow-run:auto") run = r;
      if (r->solver == "scipy:LSODA") lsoda = r;
      if (r->solver == "cvode:BDF") cvode = r;
    }
    o << "  " << k << ": ";
    if (!best) {
      o << "no wnflow stepper converged\n";
      continue;
    }
    o << "best " << best->solver.substr(7) << " " << num(best->cpu_seconds, 3) << " s";
    if (autor) o << ", auto/best " << num(autor->cpu_seconds / best->cpu_seconds, 3);
    else o << ", auto did not converge";
    if (run && lsoda)
      o << ", SciPy LSODA/wnflow run (whole process) " << num(lsoda->process_cpu_seconds / run->process_cpu_seconds, 3)
        << " CPU, " << num(lsoda->process_seconds / run->process_seconds, 3) << " wall";
    // The repeats' spread: each side's least and slowest process CPU (the ratio uses the least).
    if (run && lsoda && std::isfinite(lsoda->process_cpu_max_seconds) && std::isfinite(run->process_cpu_max_seconds))
      o << " (repeats: LSODA " << num(lsoda->process_cpu_seconds, 3) << "-" << num(lsoda->process_cpu_max_seconds, 3)
        << " s, run " << num(run->process_cpu_seconds, 3) << "-" << num(run->process_cpu_max_seconds, 3) << " s)";
    if (cvode) o << ", CVODE/best (solve, CPU) " << num(cvode->cpu_seconds / best->cpu_seconds, 3);
    o << "\n";
  }
  o << "bench wall time: " << num(wall_seconds, 4) << " s\n";
  return o.str();
}

BenchSummary run_bench(const BenchOptions& o, const std::function<void(const BenchRow&)>& on_row) {
  o.validate();
  // This thread's setting, inherited by every row forked from it, and restored on return
  // (the process-wide one is the caller's); the run peer gets it as --matvec-threads.
  const MatvecThreadsScope matvec_threads_here(o.matvec_threads);
  const auto start = Clock::now();
  BenchSummary out;
  out.options = o;
  out.machine = machine_description();
  std::string scipy_why, cvode_why, run_why;
  bool scipy_ok = false, cvode_ok = false, run_ok = false;
  if (o.peers) {
    scipy_ok = scipy_available(o.paths, scipy_why);
    cvode_ok = executable(o.paths.cvode_binary);
    if (!cvode_ok)
      cvode_why = "CVODE peer not built (configure with -DWNFLOW_BENCH_CVODE=ON and libsundials-dev; see scripts/bench.sh)";
    run_ok = executable(o.paths.wnflow_binary);
    if (!run_ok) run_why = "wnflow binary not found";
  }
  auto emit = [&](BenchRow r) {
    if (on_row) on_row(r);
    out.rows.push_back(std::move(r));
  };

  std::map<Eigen::Index, double> floors;
  for (const BenchCase& c : bench_cases(o)) {
    const Problem p = random_instance({c.N, c.M, c.sparsity, c.seed, c.sign});
    if (!floors.count(c.N)) floors[c.N] = gemv_floor_seconds(p.A, o.floor_repeats);
    const double floor = floors[c.N];

    // The predicted limit.
    Vector pred;
    std::string pred_note;
    if (c.N <= o.predict_max_n) {
      try {
        if (c.flow == FlowKind::gf) {
          pred = gf_limit(p, c.sign, c.depth, c.alpha).x;
        } else {
          FlowOptions fo;
          fo.kind = FlowKind::wn;
          fo.sign = c.sign;
          fo.depth = c.depth;
          fo.alpha = c.alpha;
          fo.ratio = c.ratio;
          pred = predict_limit(p, fo).x;
        }
      } catch (const std::exception& e) {
        pred_note = std::string("no prediction: ") + e.what();
      }
    } else {
      pred_note = "accuracy not computed above N = " + std::to_string(o.predict_max_n);
    }
    const Vector* pred_ptr = pred.size() ? &pred : nullptr;

    // One right-hand side alone, at the initial state, on one thread like the floor (the
    // clock is the calling thread's CPU time, which would miss the pool's share).
    double rhs_alone = NAN;
    {
      const MatvecThreadsScope one_thread(1);
      const DiagonalNetwork net(p, c.sign, c.depth);
      auto time_rhs = [&](auto flow) {
        const Vector z = flow.initial_state();
        Vector dz(z.size());
        return median_seconds([&] { flow.derivative(z, dz); }, o.floor_repeats);
      };
      if (c.flow == FlowKind::gf) {
        rhs_alone = time_rhs(GradientFlow(net, c.alpha));
      } else {
        FlowOptions fo;
        fo.kind = FlowKind::wn;
        fo.ratio = c.ratio;
        rhs_alone = time_rhs(WeightNormFlow(net, c.alpha, resolve_rates(fo, initial_radius(net, c.alpha))));
      }
    }
    const Eigen::Index dim = (c.sign == Sign::positive ? c.N : 2 * c.N) + (c.flow == FlowKind::gf ? 0 : 1);

    for (StepperKind k : o.steppers) {
      BenchRow row;
      row.c = c;
      row.solver = "wnflow:" + to_string(k);
      row.floor_seconds = floor;
      row.rhs_alone_seconds = rhs_alone;
      row.rhs_to_floor = rhs_alone / floor;
      if (k == StepperKind::rosenbrock4 && dim > o.dense_max_dim) {
        row.status = "skipped";
        row.note = "dense Jacobian and LU of dimension " + std::to_string(dim) + " > " + std::to_string(o.dense_max_dim);
        emit(row);
        continue;
      }
      wnflow_row(p, c, k, o, pred_ptr, row);
      for (int rep = 1; rep < o.repeats && row.status == "ok"; ++rep) {
        BenchRow again = row;
        wnflow_row(p, c, k, o, pred_ptr, again);
        if (again.status == "ok" && again.cpu_seconds < row.cpu_seconds) row = again;
      }
      if (!std::isnan(row.seconds_per_rhs)) row.ratio_to_floor = row.seconds_per_rhs / floor;
      if (row.rhs_evals > 0) row.wall_ratio_to_floor = row.wall_seconds / double(row.rhs_evals) / floor;
      if (row.status == "ok" && !pred_note.empty()) row.note = pred_note;
      emit(row);
    }

    if (!o.peers) continue;
    auto skipped = [&](const std::string& solver, const std::string& why) {
      BenchRow row;
      row.c = c;
      row.solver = solver;
      row.status = "skipped";
      row.note = why;
      row.floor_seconds = floor;
      emit(row);
    };
    // (peer key, row name, command before the flow arguments)
    struct Peer {
      const char* key;
      std::string solver;
      bool available;
      std::string why;
      std::vector<std::string> argv;
    };
    const std::vector<Peer> peers{
        {"run", "wnflow-run:auto", run_ok, run_why, {o.paths.wnflow_binary, "run", "--json", "--allow-unconverged", "--matvec-threads", std::to_string(o.matvec_threads)}},
        {"lsoda", "scipy:LSODA", scipy_ok, scipy_why, {o.paths.python, o.paths.scipy_script, "--method", "LSODA"}},
        {"rk45", "scipy:RK45", scipy_ok, scipy_why, {o.paths.python, o.paths.scipy_script, "--method", "RK45"}},
        {"cvode", "cvode:BDF", cvode_ok, cvode_why, {o.paths.cvode_binary}}};
    auto wanted = [&](const char* name) {
      return std::find(o.peer_list.begin(), o.peer_list.end(), name) != o.peer_list.end();
    };
    if (c.N > o.peer_max_n) {
      for (const auto& pe : peers)
        if (wanted(pe.key)) skipped(pe.solver, "peers run up to N = " + std::to_string(o.peer_max_n));
      continue;
    }
    TempDir dir;
    const bool npy = o.instance_format == "npy";
    const std::string a_file = dir.path + (npy ? "/A.npy" : "/A.csv"), y_file = dir.path + (npy ? "/y.npy" : "/y.csv");
    if (npy) {
      write_matrix_npy(a_file, p.A);
      write_vector_npy(y_file, p.y);
    } else {
      write_matrix_csv(a_file, p.A);
      write_vector_csv(y_file, p.y);
    }
    const auto args = flow_args(c, o, a_file, y_file);
    std::vector<ProcessResult> best(peers.size());
    std::vector<double> slowest(peers.size(), NAN);  // the largest usable process CPU
    std::vector<int> usable_runs(peers.size(), 0);
    auto usable = [](const ProcessResult& r) { return r.started && !r.timed_out && r.exit_code == 0; };
    for (int rep = 0; rep < o.repeats; ++rep) {
      for (std::size_t i = 0; i < peers.size(); ++i) {
        const auto& pe = peers[i];
        if (!wanted(pe.key) || !pe.available || (rep > 0 && !usable(best[i]))) continue;
        std::vector<std::string> argv = pe.argv;
        argv.insert(argv.end(), args.begin(), args.end());
        ProcessResult pr = run_process(argv, dir.path, o.timeout);
        if (usable(pr)) {
          ++usable_runs[i];
          if (std::isnan(slowest[i]) || pr.cpu_seconds > slowest[i]) slowest[i] = pr.cpu_seconds;
        }
        if (rep == 0 || (usable(pr) && pr.cpu_seconds < best[i].cpu_seconds)) best[i] = std::move(pr);
      }
    }
    for (std::size_t i = 0; i < peers.size(); ++i) {
      const auto& pe = peers[i];
      if (!wanted(pe.key)) continue;
      if (!pe.available) {
        skipped(pe.solver, pe.why);
        continue;
      }
      const ProcessResult& pr = best[i];
      BenchRow row;
      row.c = c;
      row.solver = pe.solver;
      row.floor_seconds = floor;
      peer_row(pr, pred_ptr, o, row);
      if (usable_runs[i] >= 2) row.process_cpu_max_seconds = slowest[i];
      if (!std::isnan(row.seconds_per_rhs)) row.ratio_to_floor = row.seconds_per_rhs / floor;
      emit(row);
    }
  }
  out.wall_seconds = seconds_since(start);
  return out;
}

}  // namespace wnflow
