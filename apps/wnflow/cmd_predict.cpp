// wnflow predict: the limit of a flow from theory alone (docs/theory.md §3, T1–T3), no integration.
// GF: the T1 dual solution X_L(α). WN and classic WN: X_L(β) at the root β of the α_eff
// equation (T3); every root found in the scan is listed. --alpha inf (polar WN, constant rates):
// the saturated scale β∞ of docs/theory.md §3.9, or exit 3 naming the threshold q_c when
// q >= q_c (no cap).
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/large_alpha.hpp>
#include <wnflow/model/predict.hpp>
#include <wnflow/solve/run.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace wnflow::app {

namespace {
struct PredictArgs {
  ProblemArgs problem;
  // The flow options of `run` (same names, defaults and checks), so a predict command line
  // is a run command line without the integration options.
  FlowArgs flow;
  PredictOptions predict;
  bool json = false;
};

nlohmann::json prediction_json(const Prediction& pr, const nlohmann::json& flow, const PredictArgs& a, double seconds) {
  nlohmann::json j;
  j["x"] = to_json(pr.x);
  j["alpha_eff"] = number(pr.alpha_eff);
  nlohmann::json roots = nlohmann::json::array();
  for (double r : pr.roots) roots.push_back(number(r));
  j["roots"] = roots;
  j["magnification"] = number(pr.magnification);
  j["radius"] = number(pr.radius);
  j["residual"] = number(pr.residual);
  j["dual_residual"] = number(pr.dual_residual);
  j["l1_norm"] = number(pr.x.lpNorm<1>());
  j["wall_seconds"] = seconds;
  j["flow"] = flow;
  j["problem"] = a.problem.describe();
  return j;
}

nlohmann::json saturated_json(const SaturatedLimit& s, const FlowOptions& fo, const PredictArgs& a, double seconds) {
  // The rates of flow_json are undefined at r(0) = inf: the flow is named by its ratio.
  const nlohmann::json flow = {{"flow", to_string(fo.kind)}, {"sign", to_string(fo.sign)}, {"depth", fo.depth},
                               {"alpha", "inf"},        {"eta_r", fo.eta_r.value_or(1.0)}, {"ratio", s.ratio},
                               {"schedule", to_string(fo.schedule)}};
  nlohmann::json j = prediction_json(s.limit, flow, a, seconds);
  j["critical_ratio"] = number(s.critical_ratio);
  j["kappa_inf"] = number(s.kappa);
  j["slope"] = number(s.slope);
  return j;
}

// --alpha inf: only the limit of polar WN with constant rates at a given ratio exists
// (docs/theory.md §3.9); the scan options describe a finite-α bracket and do not apply.
int predict_infinite_alpha(const PredictArgs& a, FlowOptions fo, const CLI::App& cmd) {
  if (fo.kind != FlowKind::wn)
    throw InputError("--alpha inf applies to --flow wn only (got --flow " + to_string(fo.kind) + ")");
  if (fo.schedule != Schedule::constant_rates)
    throw InputError("--alpha inf needs --schedule constant-rates: under constant-ratio alpha_eff grows like alpha");
  if (fo.eta_s) throw InputError("--alpha inf takes the ratio q from --ratio, not --eta-s");
  for (const char* option : {"--scan-points", "--bracket-below", "--bracket-above"})
    if (cmd.count(option)) throw InputError(std::string(option) + " does not apply to --alpha inf");
  Sign sign;
  const Problem problem = a.problem.load(sign);
  fo.sign = sign;
  const auto start = std::chrono::steady_clock::now();
  const SaturatedLimit s = large_alpha_limit(problem, fo);  // NumericalError names q_c when q >= q_c
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (a.json) {
    std::cout << saturated_json(s, fo, a, seconds).dump() << "\n";
  } else {
    std::ostringstream o;
    o << "wnflow predict: flow wn, " << to_string(fo.sign) << ", depth L = " << fo.depth << ", alpha = inf, q = " << s.ratio
      << "\n";
    o << "WN limit X_L(beta_inf) at the root of beta = (rho(beta)/sqrt(n)) e^{q/2} (alpha -> inf), no integration\n";
    o << s.report() << "wall time: " << seconds << " s\n";
    std::cout << o.str();
  }
  return ok;
}

Action add_predict(CLI::App& cmd) {
  auto a = std::make_shared<PredictArgs>();
  a->problem.add_to(cmd);
  a->flow.add_to(cmd, /*infinite_alpha=*/true);
  PredictOptions& po = a->predict;
  cmd.add_option("--scan-points", po.scan_points, "WN: points of the scan of log alpha_eff")
      ->transform(integer_between(2, 100'000))
      ->capture_default_str();
  cmd.add_option("--bracket-below", po.bracket_decades_below, "WN: scan from alpha / 10^this ...")
      ->transform(non_negative_number())
      ->capture_default_str();
  cmd.add_option("--bracket-above", po.bracket_decades_above, "WN: ... to alpha * 10^this")
      ->transform(non_negative_number())
      ->capture_default_str();
  cmd.add_flag("--json", a->json, "print one JSON object instead of the summary");

  return [a, &cmd]() -> int {
    FlowOptions fo = a->flow.validated();
    if (std::isinf(fo.alpha)) return predict_infinite_alpha(*a, fo, cmd);
    const PredictOptions& po = a->predict;
    a->predict.validate(fo.alpha);  // the scan's bracket
    Sign sign;
    const Problem problem = a->problem.load(sign);
    fo.sign = sign;

    const auto start = std::chrono::steady_clock::now();
    const Prediction pr = predict_limit(problem, fo, po);  // InputError / NumericalError propagate
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (a->json) {
      std::cout << prediction_json(pr, flow_json(fo, pr.weights.size()), *a, seconds).dump() << "\n";
    } else {
      std::ostringstream o;
      o << "wnflow predict: flow " << to_string(fo.kind) << ", " << to_string(fo.sign) << ", depth L = " << fo.depth
        << ", alpha = " << fo.alpha << "\n";
      if (fo.kind == FlowKind::gf)
        o << "GF limit X_L(alpha) (T1), no integration\n";
      else
        o << "WN limit X_L(alpha_eff) at the root of alpha_eff = alpha_eff(rho(alpha_eff)) (T2, T3), no integration\n";
      o << pr.report() << "wall time: " << seconds << " s\n";
      std::cout << o.str();
    }
    return ok;
  };
}

const Registration registration{"predict", "the limit of a flow from theory alone (T1-T3), without integrating", 20,
                                add_predict};
}  // namespace

}  // namespace wnflow::app
