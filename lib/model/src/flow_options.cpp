#include <cmath>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/flow_options.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

namespace wnflow {

std::string to_string(FlowKind k) {
  switch (k) {
    case FlowKind::gf: return "gf";
    case FlowKind::wn: return "wn";
    case FlowKind::wn_classic: return "wn-classic";
  }
  return "?";
}

FlowKind parse_flow(const std::string& text) {
  if (text == "gf") return FlowKind::gf;
  if (text == "wn") return FlowKind::wn;
  if (text == "wn-classic") return FlowKind::wn_classic;
  throw InputError("unknown flow '" + text + "' (expected gf, wn or wn-classic)");
}

std::string to_string(Normalize n) { return n == Normalize::joint ? "joint" : "separate"; }

Normalize parse_normalize(const std::string& text) {
  if (text == "joint") return Normalize::joint;
  if (text == "separate") return Normalize::separate;
  throw InputError("unknown normalization '" + text + "' (expected joint or separate)");
}

double FlowOptions::reference_radius(Eigen::Index N) const {
  const double n = (sign == Sign::signed_ && normalize == Normalize::joint) ? 2.0 * double(N) : double(N);
  return alpha * std::sqrt(n);
}

void FlowOptions::validate() const {
  require_positive_finite(alpha, "alpha");
  if (depth < 2) throw InputError("depth L must be an integer >= 2, got " + std::to_string(depth));
  // α^L and α^{2L} must be representable: past this the flow overflows before it starts.
  if (double(depth) * std::log(alpha) > 300.0)
    throw InputError("alpha = " + format_number(alpha) + " is too large for depth " + std::to_string(depth) +
                     ": alpha^L overflows the double range");
  require_positive_finite(eta, "eta");
  if (ratio) require_positive_finite(*ratio, "ratio q");
  if (eta_r) require_positive_finite(*eta_r, "eta_r");
  if (eta_s) require_positive_finite(*eta_s, "eta_s");
  if (v0_norm) require_positive_finite(*v0_norm, "|v(0)| (--v0-norm)");
  switch (kind) {
    case FlowKind::gf:
      if (ratio || eta_r || eta_s || v0_norm)
        throw InputError("--ratio, --eta-r, --eta-s and --v0-norm apply to weight normalization, not to --flow gf");
      if (schedule != Schedule::constant_rates) throw InputError("--schedule applies to --flow wn only");
      break;
    case FlowKind::wn:
      if (v0_norm) throw InputError("--v0-norm applies to --flow wn-classic only");
      if (ratio && eta_s) throw InputError("give either --ratio or --eta-s, not both");
      break;
    case FlowKind::wn_classic:
      if (eta_r || eta_s) throw InputError("classic WN runs at rate 1: use --v0-norm or --ratio, not --eta-r/--eta-s");
      if (ratio && v0_norm) throw InputError("give either --ratio or --v0-norm for wn-classic, not both");
      if (schedule != Schedule::constant_rates) throw InputError("--schedule applies to --flow wn only");
      if (eta != 1.0) throw InputError("--eta applies to --flow gf only");
      break;
  }
  if (kind == FlowKind::wn && eta != 1.0) throw InputError("--eta applies to --flow gf only (use --eta-r/--eta-s)");
  // The sign is checked where the flow is built (SeparateWeightNormFlow): the command line
  // validates its flow options before the problem, and with it the sign, is read.
  if (normalize == Normalize::separate && kind == FlowKind::gf)
    throw InputError("--normalize applies to weight normalization (--flow wn or wn-classic), not to --flow gf");
}

WeightNormRates resolve_rates(const FlowOptions& o, double r0) {
  if (o.kind == FlowKind::wn_classic) {
    const double v0 = classic_v0_norm(o.v0_norm, o.ratio, r0);
    return {1.0, 1.0 / (v0 * v0), Schedule::constant_rates};
  }
  const double eta_r = o.eta_r.value_or(1.0);
  if (o.eta_s) return {eta_r, *o.eta_s, o.schedule};
  return WeightNormRates::from_ratio(o.ratio.value_or(1.0), r0, eta_r, o.schedule);
}

}  // namespace wnflow
