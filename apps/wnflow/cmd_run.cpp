// wnflow run: one flow to its limit, a readable summary or one JSON object.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>
#include <memory>
#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/lab/trajectory_csv.hpp>
#include <wnflow/solve/run.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace wnflow::app {

namespace {
struct RunArgs {
  ProblemArgs problem;
  FlowArgs flow;
  RunOptions run;  // its flow is set from `flow`, the problem's sign from `problem`
  std::string trajectory;
  int matvec_threads = 0;
  bool json = false, require_convergence = false;
};

nlohmann::json result_json(const RunResult& r, const RunArgs& a) {
  nlohmann::json j = run_json(r);
  j["problem"] = a.problem.describe();
  return j;
}
}  // namespace

namespace {
Action add_run(CLI::App& cmd) {
  auto a = std::make_shared<RunArgs>();
  a->problem.add_to(cmd);
  a->flow.add_to(cmd);
  IntegrateOptions& io = a->run.integrate;  // run's defaults (run_integrate_defaults)
  add_choice(cmd, "--stepper", io.stepper, stepper_choices(),
             "auto | runge_kutta_dopri5 | runge_kutta_cash_karp54 | runge_kutta_fehlberg78 | bulirsch_stoer | rosenbrock4 | rosenbrock_lowrank | bdf | adams");
  cmd.add_option("--rtol", io.rtol, "relative tolerance of the stepper")->transform(positive_number())->capture_default_str();
  cmd.add_option("--atol", io.atol, "absolute tolerance of the stepper")->transform(positive_number())->capture_default_str();
  cmd.add_option("--t-max", io.t_max, "final time")->transform(positive_number())->capture_default_str();
  cmd.add_option("--loss-tol", io.loss_tol, "stop when the loss is <= this (0: integrate to t-max)")
      ->transform(non_negative_number())
      ->capture_default_str();
  cmd.add_option("--max-steps", io.max_steps, "give up after this many steps")
      ->transform(integer_at_least(1))
      ->capture_default_str();
  cmd.add_option("--first-sample", io.first_sample, "first log-spaced observation time")
      ->transform(positive_number())
      ->capture_default_str();
  cmd.add_option("--samples-per-decade", io.samples_per_decade, "observations per decade of time")
      ->transform(integer_between(1, max_count))
      ->capture_default_str();
  cmd.add_option("--trajectory", a->trajectory, "write the observed trajectory to this CSV file");
  cmd.add_option("--matvec-threads", a->matvec_threads,
                 "threads for the products with A when A has >= 2^19 entries (0: every core; results do not depend on it)")
      ->transform(integer_between(0, max_count))
      ->capture_default_str();
  cmd.add_flag("--json", a->json, "print one JSON object instead of the summary");
  cmd.add_flag("--require-convergence", a->require_convergence,
               "reaching --t-max above --loss-tol is a failure (exit 3, nothing printed): the default");
  cmd.add_flag("--allow-unconverged", a->run.allow_unconverged,
               "print the state at --t-max (flagged converged = false, a warning on stderr) instead of failing");
  cmd.get_option("--require-convergence")->excludes(cmd.get_option("--allow-unconverged"));

  return [a]() -> int {
    RunOptions ro = a->run;
    ro.flow = a->flow.validated();
    ro.validate();
    set_matvec_threads(a->matvec_threads);
    if (!a->trajectory.empty()) require_writable(a->trajectory, "--trajectory");
    Sign sign;
    // The rank test is run_flow's own factorization of A A^T (its null-space projector), made
    // before any output: one O(M^2 N) product instead of two.
    Problem problem = a->problem.load(sign, /*check_rank=*/false);
    ro.flow.sign = sign;

    const RunResult r = [&] {
      try {
        return run_flow(problem, ro.flow, ro.integrate);
      } catch (const RankDeficientError&) {
        throw a->problem.rank_error();
      }
    }();
    require_result(r, ro.allow_unconverged);  // RunFailure (exit 3) when there is no result
    if (!r.converged)
      std::cerr << "wnflow: warning: " << unconverged_message(r) << "; the result is the state at t-max, not the limit\n";
    if (!a->trajectory.empty()) write_file_atomically(a->trajectory, trajectory_csv(r));
    if (a->json)
      std::cout << result_json(r, *a).dump() << "\n";
    else
      std::cout << r.report();
    return ok;
  };
}

const Registration registration{"run", "integrate one flow (GF, WN polar, classic WN) to its limit", 10, add_run};
}  // namespace

}  // namespace wnflow::app
