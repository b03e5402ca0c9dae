#pragma once
// The flow a run integrates or a prediction describes: its kind (GF, polar WN, classic WN),
// the parameterization, the initialization scale and the rates (docs/theory.md, §1).
#include <optional>
#include <string>
#include <wnflow/model/problem.hpp>
#include <wnflow/model/weight_norm.hpp>

namespace wnflow {

enum class FlowKind { gf, wn, wn_classic };
std::string to_string(FlowKind k);
FlowKind parse_flow(const std::string& text);  // "gf" | "wn" | "wn-classic"

// P± under weight normalization: one radius over w = [u; v] (joint, §1.2), or one per factor
// (separate, §1.5).
enum class Normalize { joint, separate };
std::string to_string(Normalize n);
Normalize parse_normalize(const std::string& text);  // "joint" | "separate"

struct FlowOptions {
  FlowKind kind = FlowKind::gf;
  Sign sign = Sign::positive;
  int depth = 2;
  double alpha = 0.1;                   // w(0) = alpha 1
  double eta = 1.0;                     // GF rate
  std::optional<double> ratio;          // WN: q = eta_s r(0)^2 / eta_r (default 1)
  std::optional<double> eta_r, eta_s;   // WN polar: explicit rates
  std::optional<double> v0_norm;        // classic WN: |v(0)| (default |w(0)|)
  Schedule schedule = Schedule::constant_rates;
  Normalize normalize = Normalize::joint;  // WN polar, P± only

  // The initial radius the ratio q refers to: |w(0)| = α√n (joint), |u(0)| = α√N (separate).
  double reference_radius(Eigen::Index N) const;

  // InputError for impossible combinations (e.g. --ratio with gf, --ratio with --eta-s).
  void validate() const;
};

// The rates a WN flow runs with, resolved from FlowOptions at the initial radius r0.
WeightNormRates resolve_rates(const FlowOptions& options, double r0);

}  // namespace wnflow
