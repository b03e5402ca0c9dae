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
  IntegrateOptions integrate;
  std::string trajectory;
  int matvec_threads = 0;
  bool json = false, require_convergence = false, allow_unconverged = false;
};

nlohmann::json result_json(const RunResult& r, const RunArgs& a) {
  nlohmann::json j;
  j["x"] = to_json(r.x);
  j["loss"] = number(r.loss);
  j["t"] = number(r.summary.t);
  j["converged"] = r.converged;
  j["loss_floor"] = number(r.loss_floor);
  j["stop_reason"] = to_string(r.summary.stop_reason);
  j["steps"] = r.summary.steps;
  j["rhs_evals"] = r.summary.rhs_evals;
  j["jacobian_evals"] = r.summary.jacobian_evals;
  j["factorizations"] = r.summary.factorizations;
  j["stepper"] = to_string(r.summary.stepper_used);
  j["l1_norm"] = number(r.l1_norm);
  j["radius"] = number(r.radius);
  j["alpha_eff"] = number(r.alpha_eff);
  if (r.flow.kind == FlowKind::wn) j["alpha_eff_integral"] = number(r.alpha_eff_integral);
  if (r.flow.normalize == Normalize::separate) {  // the values above are u's
    j["radius_v"] = number(r.radius_v);
    j["alpha_eff_v"] = number(r.alpha_eff_v);
    if (r.flow.kind == FlowKind::wn) j["alpha_eff_v_integral"] = number(r.alpha_eff_v_integral);
  }
  j["magnification"] = number(r.magnification);
  j["invariant_residual"] = number(r.invariant_residual);
  j["invariants"] = {{"I1_sphere", number(r.max_sphere)}, {"I2_v_norm", number(r.max_v_norm)},
                     {r.flow.kind == FlowKind::gf ? "I3_mirror" : "I4_mirror", number(r.max_mirror)}};
  if (r.error) j["error"] = number(*r.error);
  if (r.relative_error) j["relative_error"] = number(*r.relative_error);
  j["wall_seconds"] = r.wall_seconds;
  j["flow"] = flow_json(r.flow, r.w.size());
  j["problem"] = a.problem.describe();
  j["tolerances"] = {{"rtol", r.integrate.rtol}, {"atol", r.integrate.atol}, {"t_max", r.integrate.t_max},
                     {"loss_tol", r.integrate.loss_tol}};
  return j;
}
}  // namespace

namespace {
Action add_run(CLI::App& cmd) {
  auto a = std::make_shared<RunArgs>();
  a->problem.add_to(cmd);
  a->flow.add_to(cmd);
  IntegrateOptions& io = a->integrate;
  io.t_max = 1e8;  // run's default horizon (IntegrateOptions' own is 1e6)
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
  cmd.add_flag("--allow-unconverged", a->allow_unconverged,
               "print the state at --t-max (flagged converged = false, a warning on stderr) instead of failing");
  cmd.get_option("--require-convergence")->excludes(cmd.get_option("--allow-unconverged"));

  return [a]() -> int {
    FlowOptions fo = a->flow.validated();
    const IntegrateOptions& io = a->integrate;
    io.validate();
    set_matvec_threads(a->matvec_threads);
    if (io.rtol >= 1.0) throw InputError("--rtol must be below 1, got " + format_number(io.rtol));
    // Every observation is kept in memory: bound their number before integrating.
    const double decades = std::max(0.0, std::log10(io.t_max / io.first_sample));
    if (decades * io.samples_per_decade > 1e6)
      throw InputError("--samples-per-decade " + std::to_string(io.samples_per_decade) + " over " +
                       format_number(decades) + " decades (--first-sample to --t-max) is more than 1e6 observations");
    if (!a->trajectory.empty()) require_writable(a->trajectory, "--trajectory");
    Sign sign;
    // The rank test is run_flow's own factorization of A A^T (its null-space projector), made
    // before any output: one O(M^2 N) product instead of two.
    Problem problem = a->problem.load(sign, /*check_rank=*/false);
    fo.sign = sign;

    const RunResult r = [&] {
      try {
        return run_flow(problem, fo, io);
      } catch (const RankDeficientError&) {
        throw a->problem.rank_error();
      }
    }();
    if (!r.usable())
      throw NumericalError("integration failed: " + to_string(r.summary.stop_reason) + ": " + r.summary.message);
    if (!r.converged) {
      // t_max is the caller's horizon: the state there is printed, flagged converged = false,
      // unless the caller asked for a limit or nothing.
      std::ostringstream msg;
      msg << "no convergence: loss " << r.loss << " > loss-tol " << r.integrate.loss_tol << " at t-max = " << r.summary.t;
      if (!a->allow_unconverged) throw NumericalError(msg.str() + " (--allow-unconverged prints that state)");
      std::cerr << "wnflow: warning: " << msg.str() << "; the result is the state at t-max, not the limit\n";
    }
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
