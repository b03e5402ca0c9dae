#pragma once
// A run as JSON: the object `wnflow run --json` prints and the attributes of the Python
// module's RunResult, built in one place so that both carry the same fields.
#include <nlohmann/json.hpp>
#include <wnflow/solve/run.hpp>

namespace wnflow {

// A number, or null where it is not finite (JSON has no NaN).
nlohmann::json json_number(double v);
// A vector as an array of json_number.
nlohmann::json json_array(const Vector& v);

// The "flow" object: kind, sign, depth, alpha and the rates in effect (n = the size of w).
nlohmann::json flow_json(const FlowOptions& flow, Eigen::Index n);

// Every field of a run: x, loss, t, converged, stop_reason, counts, stepper, l1_norm, radius,
// alpha_eff (and the integrated and separate-normalization values where they apply),
// magnification, invariants, error, relative_error, wall_seconds, flow, tolerances. Not the
// problem's description, which only the caller knows.
nlohmann::json run_json(const RunResult& r);

}  // namespace wnflow
