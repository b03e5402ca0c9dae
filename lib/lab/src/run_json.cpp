#include <cmath>
#include <wnflow/lab/run_json.hpp>

namespace wnflow {

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json json_array(const Vector& v) {
  nlohmann::json a = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(json_number(v[i]));
  return a;
}

nlohmann::json flow_json(const FlowOptions& fo, Eigen::Index n) {
  nlohmann::json j = {{"flow", to_string(fo.kind)}, {"sign", to_string(fo.sign)}, {"depth", fo.depth}, {"alpha", fo.alpha}};
  if (fo.kind == FlowKind::gf) {
    j["eta"] = fo.eta;
    return j;
  }
  // n weights: N columns of A (P+) or 2N (P±); the radius q refers to is FlowOptions' own.
  const double r0 = fo.reference_radius(fo.sign == Sign::signed_ ? n / 2 : n);
  const WeightNormRates rates = resolve_rates(fo, r0);
  if (fo.normalize == Normalize::separate) j["normalize"] = to_string(fo.normalize);
  j["eta_r"] = rates.eta_r;
  j["eta_s"] = rates.eta_s;
  j["ratio"] = rates.ratio(r0);
  j["schedule"] = to_string(rates.schedule);
  if (fo.kind == FlowKind::wn_classic) j["v0_norm"] = 1.0 / std::sqrt(rates.eta_s);
  return j;
}

nlohmann::json run_json(const RunResult& r) {
  nlohmann::json j;
  j["x"] = json_array(r.x);
  j["loss"] = json_number(r.loss);
  j["t"] = json_number(r.summary.t);
  j["converged"] = r.converged;
  j["loss_floor"] = json_number(r.loss_floor);
  j["stop_reason"] = to_string(r.summary.stop_reason);
  j["steps"] = r.summary.steps;
  j["rhs_evals"] = r.summary.rhs_evals;
  j["jacobian_evals"] = r.summary.jacobian_evals;
  j["factorizations"] = r.summary.factorizations;
  j["stepper"] = to_string(r.summary.stepper_used);
  j["l1_norm"] = json_number(r.l1_norm);
  j["radius"] = json_number(r.radius);
  j["alpha_eff"] = json_number(r.alpha_eff);
  if (r.flow.kind == FlowKind::wn) j["alpha_eff_integral"] = json_number(r.alpha_eff_integral);
  if (r.flow.normalize == Normalize::separate) {  // the values above are u's
    j["radius_v"] = json_number(r.radius_v);
    j["alpha_eff_v"] = json_number(r.alpha_eff_v);
    if (r.flow.kind == FlowKind::wn) j["alpha_eff_v_integral"] = json_number(r.alpha_eff_v_integral);
  }
  j["magnification"] = json_number(r.magnification);
  j["invariant_residual"] = json_number(r.invariant_residual);
  j["invariants"] = {{"I1_sphere", json_number(r.max_sphere)}, {"I2_v_norm", json_number(r.max_v_norm)},
                     {r.flow.kind == FlowKind::gf ? "I3_mirror" : "I4_mirror", json_number(r.max_mirror)}};
  if (r.error) j["error"] = json_number(*r.error);
  if (r.relative_error) j["relative_error"] = json_number(*r.relative_error);
  j["wall_seconds"] = r.wall_seconds;
  j["flow"] = flow_json(r.flow, r.w.size());
  j["tolerances"] = {{"rtol", r.integrate.rtol}, {"atol", r.integrate.atol}, {"t_max", r.integrate.t_max},
                     {"loss_tol", r.integrate.loss_tol}};
  return j;
}

}  // namespace wnflow
