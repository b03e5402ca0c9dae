// wnflow discrete: one discrete algorithm (GD, polar or classic WN-GD) to the loss tolerance,
// thin over run_discrete (docs/discrete.md): a readable summary or one JSON object.
#include <iostream>
#include <memory>
#include <sstream>
#include <wnflow/lab/discrete.hpp>
#include <wnflow/model/errors.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace wnflow::app {

namespace {
struct DiscreteArgs {
  ProblemArgs problem;
  DiscreteOptions options;
  double eta_r = 1, eta_s = 1;
  bool json = false, allow_unconverged = false;
};

nlohmann::json result_json(const DiscreteSummary& s, const DiscreteOptions& o, const Problem& p, const DiscreteArgs& a) {
  nlohmann::json j;
  j["method"] = to_string(s.method);
  j["step_rule"] = to_string(s.rule);
  j["step"] = number(s.step);
  if (s.rule == StepRule::curvature) {
    j["step_fraction"] = o.step_fraction;
    j["curvature"] = to_string(o.curvature);
    j["lambda_initial"] = number(s.lambda_initial);
    j["lambda_final"] = number(s.lambda_final);
    j["curvature_refreshes"] = s.curvature_refreshes;
    j["step_min"] = number(s.step_min);
    j["step_max"] = number(s.step_max);
  }
  if (s.searched) j["tried_steps"] = s.tried_steps;
  j["converged"] = s.converged;
  j["stop_reason"] = to_string(s.stop);
  j["iterations"] = s.iterations;
  j["grad_evals"] = s.grad_evals;
  j["hvp_evals"] = s.hvp_evals;
  j["search_grad_evals"] = s.search_grad_evals;
  j["initial_loss"] = number(s.initial_loss);
  j["loss"] = number(s.loss);
  j["x"] = to_json(s.x);
  if (p.x_star) j["relative_error"] = number((s.x - *p.x_star).norm() / p.x_star->norm());
  j["alpha_eff"] = number(s.alpha_eff);
  j["eta_r"] = number(s.eta_r);
  j["eta_s"] = number(s.eta_s);
  j["v_norm_growth"] = number(s.v_norm_growth);
  j["negative_iterations"] = s.negative_iterations;
  j["min_weight"] = number(s.min_weight);
  j["depth"] = o.depth;
  j["alpha"] = o.alpha;
  j["sign"] = to_string(o.sign);
  j["max_iterations"] = o.max_iterations;
  j["loss_tol"] = o.loss_tol;
  j["wall_seconds"] = s.wall_seconds;
  j["problem"] = a.problem.describe();
  return j;
}

Action add_discrete(CLI::App& cmd) {
  auto a = std::make_shared<DiscreteArgs>();
  DiscreteOptions& o = a->options;
  a->problem.add_to(cmd);
  add_choice(cmd, "--method", o.method,
             named({DiscreteMethod::gd, DiscreteMethod::wn_gd_polar, DiscreteMethod::wn_gd_classic}),
             "gd | wn-gd-polar (w = r s) | wn-gd-classic (w = gamma v/|v|)");
  cmd.add_option("--depth", o.depth, "depth L, an integer >= 2")->transform(integer_between(2, max_count))->capture_default_str();
  cmd.add_option("--alpha", o.alpha, "initialization scale: w(0) = alpha 1")->transform(positive_number())->capture_default_str();
  cmd.add_option("--ratio", o.ratio, "WN-GD: q = eta_s r(0)^2 / eta_r; wn-gd-classic: sets |v(0)| = r(0)/sqrt(q)")
      ->transform(positive_number());
  cmd.add_option("--eta-r", a->eta_r, "wn-gd-polar: radial rate eta_r")->transform(positive_number())->capture_default_str();
  cmd.add_option("--eta-s", a->eta_s, "wn-gd-polar: tangential rate eta_s (instead of --ratio)")
      ->transform(positive_number())
      ->capture_default_str();
  cmd.add_option("--v0-norm", o.v0_norm, "wn-gd-classic: |v(0)| (default |w(0)|)")->transform(positive_number());
  auto* step = cmd.add_option("--step", o.step, "a fixed step h > 0")->transform(positive_number());
  auto* rule = add_choice(cmd, "--step-rule", o.step_rule, named({StepRule::grid, StepRule::curvature}),
                          "grid (the largest converging step of 10^(k/4), 10 .. 1e-7) | curvature (h = c 2/lambda_max)");
  step->excludes(rule);
  cmd.add_option("--step-fraction", o.step_fraction, "curvature: c in (0, 1] of h = c 2/lambda_max")
      ->transform(positive_number())
      ->capture_default_str();
  add_choice(cmd, "--curvature", o.curvature,
             named({CurvatureScale::magnitude, CurvatureScale::largest}),
             "curvature: divide by the spectral radius max |lambda| (magnitude) or the largest eigenvalue (largest)");
  cmd.add_option("--max-iterations", o.max_iterations, "updates per run (per tried step for grid)")
      ->transform(integer_between(1, max_count))
      ->capture_default_str();
  cmd.add_option("--loss-tol", o.loss_tol, "converged when the loss is <= this")->transform(positive_number())->capture_default_str();
  cmd.add_flag("--json", a->json, "print one JSON object instead of the summary");
  cmd.add_flag("--allow-unconverged", a->allow_unconverged,
               "print a run that ran out of iterations (flagged converged = false, a warning on stderr) instead of failing");

  return [a, &cmd]() -> int {
    DiscreteOptions o = a->options;
    o.eta_r = a->eta_r;
    o.eta_s = a->eta_s;
    if (cmd.count("--step-fraction") > 0 && o.rule() != StepRule::curvature)
      throw InputError("--step-fraction applies to --step-rule curvature only");
    if (cmd.count("--curvature") > 0 && o.rule() != StepRule::curvature)
      throw InputError("--curvature applies to --step-rule curvature only");
    Sign sign;
    const Problem problem = a->problem.load(sign);
    o.sign = sign;
    const DiscreteSummary s = run_discrete(problem, o);  // InputError for inconsistent options
    if (s.stop == DiscreteStop::diverged)
      throw NumericalError("diverged after " + std::to_string(s.iterations) + " iterations at h = " + format_number(s.step) +
                           (s.searched ? " (no step of the grid converged)" : ""));
    if (!s.converged) {
      std::ostringstream msg;
      msg << "no convergence: loss " << s.loss << " > loss-tol " << o.loss_tol << " after " << s.iterations << " iterations";
      if (!a->allow_unconverged) throw NumericalError(msg.str() + " (--allow-unconverged prints that state)");
      std::cerr << "wnflow: warning: " << msg.str() << "; the result is the last iterate, not the limit\n";
    }
    if (a->json)
      std::cout << result_json(s, o, problem, *a).dump() << "\n";
    else
      std::cout << s.report();
    return ok;
  };
}

const Registration registration{"discrete", "run one discrete algorithm (GD, WN-GD polar or classic) to the loss tolerance",
                                15, add_discrete};
}  // namespace

}  // namespace wnflow::app
