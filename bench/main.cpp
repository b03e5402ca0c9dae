// wnflow-bench: every stepper on the standard instances, against the two-GEMV floor, the
// predicted limit and (with --peers) SciPy solve_ivp, SUNDIALS CVODE and `wnflow run` as whole
// processes. The measuring lives in bench.hpp; this file parses and prints.
#include <iostream>
#include <memory>
#include <optional>
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
  BenchOptions options;  // the scalar options, bound to their fields
  bool quick = false;
  // Comma-separated lists (add_list); "" or absent: the default grid.
  std::string n, steppers, signs, depths, alphas, flows, peer_list;
  std::optional<double> timeout;
  std::string python, scipy_peer, cvode_peer, wnflow, csv, json;
};

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
  BenchOptions o = a.options;
  if (a.quick) {
    o.sizes = {150, 400};
    o.depths = {2};
    o.alphas = {1.0};
    o.timeout = 10;
  }
  if (!a.n.empty()) o.sizes = list_of<Eigen::Index>(a.n);
  if (!a.steppers.empty()) o.steppers = list_of<StepperKind>(a.steppers);
  if (!a.signs.empty()) o.signs = list_of<Sign>(a.signs);
  if (!a.depths.empty()) o.depths = list_of<int>(a.depths);
  if (!a.alphas.empty()) o.alphas = list_of<double>(a.alphas);
  if (!a.flows.empty()) o.flows = list_of<FlowKind>(a.flows);
  if (!a.peer_list.empty()) o.peer_list = list_of<std::string>(a.peer_list);
  if (a.timeout) o.timeout = *a.timeout;
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
  BenchOptions& o = a->options;
  cmd.add_flag("--quick", a->quick, "a subset: N = 150, 400 (or --n), L = 2, alpha = 1, timeout 10 s (under 2 min)");
  add_list(cmd, "--n", a->n, integer_between(4, max_count),
           "comma-separated sizes N (150,400,2000,10000); M = N/4 (45 for 150), s = max(3, N/50)");
  add_list(cmd, "--steppers", a->steppers, one_of(stepper_choices()),
           "comma-separated steppers (every stepper the integrator knows)");
  add_list(cmd, "--signs", a->signs, one_of(sign_choices()), "comma-separated: positive, signed (both)");
  add_list(cmd, "--depths", a->depths, integer_between(2, max_count), "comma-separated depths L (2,3)");
  add_list(cmd, "--alphas", a->alphas, positive_number(), "comma-separated initial scales (0.01,1,10)");
  add_list(cmd, "--flows", a->flows, one_of(named({FlowKind::gf, FlowKind::wn})), "comma-separated: gf, wn (both)");
  cmd.add_option("--ratio", o.ratio, "WN speed ratio q")->transform(positive_number())->capture_default_str();
  cmd.add_option("--rtol", o.rtol, "relative tolerance, every solver")->transform(positive_number())->capture_default_str();
  cmd.add_option("--atol", o.atol, "absolute tolerance, every solver")->transform(positive_number())->capture_default_str();
  cmd.add_option("--t-max", o.t_max, "horizon, every solver")->transform(positive_number())->capture_default_str();
  cmd.add_option("--loss-tol", o.loss_tol, "stop at this loss, every solver")
      ->transform(non_negative_number())
      ->capture_default_str();
  cmd.add_option("--timeout", a->timeout, "seconds per run before it is killed (120; 10 with --quick)")
      ->transform(or_empty(positive_number()));
  cmd.add_option("--seed", o.seed, "instance seed")->transform(integer_at_least(0))->capture_default_str();
  cmd.add_option("--repeats", o.repeats, "runs per row, the least CPU time kept (peers interleaved; peer rows also record their slowest)")
      ->transform(integer_between(1, max_count))
      ->capture_default_str();
  cmd.add_option("--predict-max-n", o.predict_max_n, "compute the predicted limit (accuracy) up to this N")
      ->transform(integer_between(0, max_count))
      ->capture_default_str();
  cmd.add_option("--peer-max-n", o.peer_max_n, "run the peers up to this N")
      ->transform(integer_between(0, max_count))
      ->capture_default_str();
  cmd.add_option("--dense-max-dim", o.dense_max_dim, "skip rosenbrock4 (dense Jacobian) above this dimension")
      ->transform(integer_between(0, max_count))
      ->capture_default_str();
  cmd.add_flag("--peers", o.peers, "also run wnflow run, SciPy LSODA/RK45 and CVODE as whole processes");
  add_list(cmd, "--peer-list", a->peer_list, one_of({"run", "lsoda", "rk45", "cvode"}),
           "comma-separated peers to run: run, lsoda, rk45, cvode (all)");
  cmd.add_option("--instance-format", o.instance_format,
                 "files the peers read the instance from: npy (np.save's format) or csv")
      ->check(one_of({"npy", "csv"}))
      ->capture_default_str();
  cmd.add_option("--matvec-threads", o.matvec_threads,
                 "threads for the products with A in the wnflow rows and the run peer (0: every core)")
      ->transform(integer_between(0, max_count))
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
