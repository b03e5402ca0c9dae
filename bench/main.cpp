// wnflow-bench: every stepper on the standard instances, against the two-GEMV floor, the
// predicted limit and (with --peers) SciPy solve_ivp, SUNDIALS CVODE and `wnflow run` as whole
// processes. The measuring lives in bench.hpp; this file parses and prints.
#include <iostream>
#include <memory>
#include <unistd.h>
#include "bench.hpp"
#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "version.hpp"

namespace wnflow::app {

namespace {
struct BenchArgs {
  bool quick = false, peers = false;
  std::string n, steppers, signs, depths, alphas, flows, ratio = "0.05";
  std::string rtol = "1e-9", atol = "1e-14", t_max = "1e7", loss_tol = "1e-20";
  std::string timeout, seed = "1", predict_max_n = "2000", peer_max_n = "2000", dense_max_dim = "3000";
  std::string repeats = "1", matvec_threads = "0";
  std::string python, scipy_peer, cvode_peer, peer_list, instance_format = "npy";
  std::string csv, json, wnflow;
};

std::vector<std::string> split(const std::string& text, const std::string& option) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text + ",") {
    if (ch == ',') {
      if (cur.empty()) throw InputError(option + ": empty item in list '" + text + "'");
      out.push_back(cur);
      cur.clear();
    } else if (ch != ' ') {
      cur += ch;
    }
  }
  return out;
}

std::string exe_dir() {
  char buf[4096];
  const ssize_t k = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (k <= 0) return ".";
  std::string p(buf, size_t(k));
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? "." : p.substr(0, slash);
}

std::string first_existing(const std::vector<std::string>& candidates) {
  for (const auto& c : candidates)
    if (::access(c.c_str(), R_OK) == 0) return c;
  return candidates.empty() ? std::string() : candidates.front();
}

BenchOptions parse(const BenchArgs& a) {
  BenchOptions o;
  if (a.quick) {
    o.sizes = {150, 400};
    o.depths = {2};
    o.alphas = {1.0};
    o.timeout = 10;
  }
  if (!a.n.empty()) {
    o.sizes.clear();
    for (const auto& s : split(a.n, "--n")) o.sizes.push_back(parse_int_at_least(s, "--n", 4));
  }
  if (!a.steppers.empty()) {
    o.steppers.clear();
    for (const auto& s : split(a.steppers, "--steppers")) {
      try {
        o.steppers.push_back(parse_stepper(s));
      } catch (const InputError& e) {
        throw InputError(std::string("--steppers: ") + e.what());
      }
    }
  }
  if (!a.signs.empty()) {
    o.signs.clear();
    for (const auto& s : split(a.signs, "--signs")) {
      try {
        o.signs.push_back(parse_sign(s));
      } catch (const InputError& e) {
        throw InputError(std::string("--signs: ") + e.what());
      }
    }
  }
  if (!a.depths.empty()) {
    o.depths.clear();
    for (const auto& s : split(a.depths, "--depths")) o.depths.push_back(parse_int_at_least(s, "--depths", 2));
  }
  if (!a.alphas.empty()) {
    o.alphas.clear();
    for (const auto& s : split(a.alphas, "--alphas")) o.alphas.push_back(parse_double(s, "--alphas"));
  }
  if (!a.flows.empty()) {
    o.flows.clear();
    for (const auto& s : split(a.flows, "--flows")) {
      if (s != "gf" && s != "wn") throw InputError("--flows: expected gf or wn, got '" + s + "'");
      o.flows.push_back(parse_flow(s));
    }
  }
  o.ratio = parse_double(a.ratio, "--ratio");
  o.rtol = parse_double(a.rtol, "--rtol");
  o.atol = parse_double(a.atol, "--atol");
  o.t_max = parse_double(a.t_max, "--t-max");
  o.loss_tol = parse_double(a.loss_tol, "--loss-tol");
  if (!a.timeout.empty()) o.timeout = parse_double(a.timeout, "--timeout");
  const long seed = parse_long(a.seed, "--seed");
  if (seed < 0) throw InputError("--seed must be >= 0, got " + a.seed);
  o.seed = std::uint64_t(seed);
  o.predict_max_n = parse_int_at_least(a.predict_max_n, "--predict-max-n", 0);
  o.peer_max_n = parse_int_at_least(a.peer_max_n, "--peer-max-n", 0);
  o.dense_max_dim = parse_int_at_least(a.dense_max_dim, "--dense-max-dim", 0);
  o.repeats = int(parse_int_at_least(a.repeats, "--repeats", 1));
  o.peers = a.peers;
  if (!a.peer_list.empty()) o.peer_list = split(a.peer_list, "--peer-list");
  o.instance_format = a.instance_format;
  o.matvec_threads = parse_int_at_least(a.matvec_threads, "--matvec-threads", 0);
  const std::string dir = exe_dir();
  // The Debian interpreter (python3-scipy) before whatever python3 is first on PATH.
  o.paths.python = !a.python.empty() ? a.python : ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  o.paths.scipy_script = !a.scipy_peer.empty()
                             ? a.scipy_peer
                             : first_existing({dir + "/bench/scipy_peer.py", dir + "/../bench/scipy_peer.py"});
  o.paths.cvode_binary = !a.cvode_peer.empty() ? a.cvode_peer : dir + "/wnflow_cvode_peer";
  o.paths.wnflow_binary = !a.wnflow.empty() ? a.wnflow : dir + "/wnflow";
  o.validate();
  return o;
}

Action add_bench(CLI::App& cmd) {
  auto a = std::make_shared<BenchArgs>();
  cmd.add_flag("--quick", a->quick, "a subset: N = 150, 400 (or --n), L = 2, alpha = 1, timeout 10 s (under 2 min)");
  cmd.add_option("--n", a->n, "comma-separated sizes N (150,400,2000,10000); M = N/4 (45 for 150), s = max(3, N/50)");
  cmd.add_option("--steppers", a->steppers, "comma-separated steppers (every stepper the integrator knows)");
  cmd.add_option("--signs", a->signs, "comma-separated: positive, signed (both)");
  cmd.add_option("--depths", a->depths, "comma-separated depths L (2,3)");
  cmd.add_option("--alphas", a->alphas, "comma-separated initial scales (0.01,1,10)");
  cmd.add_option("--flows", a->flows, "comma-separated: gf, wn (both)");
  cmd.add_option("--ratio", a->ratio, "WN speed ratio q")->capture_default_str();
  cmd.add_option("--rtol", a->rtol, "relative tolerance, every solver")->capture_default_str();
  cmd.add_option("--atol", a->atol, "absolute tolerance, every solver")->capture_default_str();
  cmd.add_option("--t-max", a->t_max, "horizon, every solver")->capture_default_str();
  cmd.add_option("--loss-tol", a->loss_tol, "stop at this loss, every solver")->capture_default_str();
  cmd.add_option("--timeout", a->timeout, "seconds per run before it is killed (120; 10 with --quick)");
  cmd.add_option("--seed", a->seed, "instance seed")->capture_default_str();
  cmd.add_option("--repeats", a->repeats, "runs per row, the least CPU time kept (peers interleaved; peer rows also record their slowest)")
      ->capture_default_str();
  cmd.add_option("--predict-max-n", a->predict_max_n, "compute the predicted limit (accuracy) up to this N")
      ->capture_default_str();
  cmd.add_option("--peer-max-n", a->peer_max_n, "run the peers up to this N")->capture_default_str();
  cmd.add_option("--dense-max-dim", a->dense_max_dim, "skip rosenbrock4 (dense Jacobian) above this dimension")
      ->capture_default_str();
  cmd.add_flag("--peers", a->peers, "also run wnflow run, SciPy LSODA/RK45 and CVODE as whole processes");
  cmd.add_option("--peer-list", a->peer_list, "comma-separated peers to run: run, lsoda, rk45, cvode (all)");
  cmd.add_option("--instance-format", a->instance_format,
                 "files the peers read the instance from: npy (np.save's format) or csv")
      ->capture_default_str();
  cmd.add_option("--matvec-threads", a->matvec_threads,
                 "threads for the products with A in the wnflow rows and the run peer (0: every core)")
      ->capture_default_str();
  cmd.add_option("--python", a->python, "Python interpreter for the SciPy peer (/usr/bin/python3 if present)");
  cmd.add_option("--scipy-peer", a->scipy_peer, "path of bench/scipy_peer.py (found next to the binary by default)");
  cmd.add_option("--cvode-peer", a->cvode_peer, "path of wnflow_cvode_peer (next to the binary by default)");
  cmd.add_option("--wnflow", a->wnflow, "the wnflow command of the run peer (next to this binary by default)");
  cmd.add_option("--csv", a->csv, "write the rows as CSV to this file");
  cmd.add_option("--json", a->json, "write the rows and the machine as JSON to this file");
  cmd.footer("Each wnflow row runs in a forked child (timeout, peak RSS); see docs/performance.md.");

  return [a]() -> int {
    const BenchOptions o = parse(*a);
    if (!a->csv.empty()) require_writable(a->csv, "--csv");
    if (!a->json.empty()) require_writable(a->json, "--json");
    std::cout << bench_table_header() << std::flush;
    const BenchSummary s = run_bench(o, [](const BenchRow& r) { std::cout << bench_table_row(r) << std::flush; });
    std::cout << "\n" << s.report(/*with_table=*/false);
    if (!a->csv.empty()) write_file_atomically(a->csv, s.csv());
    if (!a->json.empty()) write_file_atomically(a->json, s.json());
    return ok;
  };
}

}  // namespace

}  // namespace wnflow::app

int main(int argc, char** argv) {
  using namespace wnflow::app;
  CLI::App app{"wnflow-bench: time every stepper of wnflow (and SciPy/CVODE peers) on the standard instances"};
  app.set_version_flag("--version", std::string("wnflow-bench ") + WNFLOW_VERSION_STRING + " (SIMD " + WNFLOW_SIMD_NAME + ")");
  const Action action = add_bench(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "wnflow-bench: error: " << e.what() << "\n";
    return bad_input;
  }
  try {
    return action();
  } catch (const wnflow::InputError& e) {
    std::cerr << "wnflow-bench: error: " << e.what() << "\n";
    return bad_input;
  } catch (const wnflow::NumericalError& e) {
    std::cerr << "wnflow-bench: numerical failure: " << e.what() << "\n";
    return numerical_failure;
  } catch (const std::exception& e) {
    std::cerr << "wnflow-bench: internal error: " << e.what() << "\n";
    return internal_error;
  }
}
