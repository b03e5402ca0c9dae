#include <wnflow/model/errors.hpp>
#include <wnflow/model/l1_bounds.hpp>

#include <cmath>
#include <limits>

namespace wnflow {
namespace {

void check(double tau_star, double alpha, Eigen::Index N) {
  if (!(tau_star > 0.0) || !std::isfinite(tau_star))
    throw InputError("l1 bound: tau* must be a positive finite number");
  if (!(alpha > 0.0) || !std::isfinite(alpha))
    throw InputError("l1 bound: alpha must be a positive finite number");
  if (N < 1) throw InputError("l1 bound: N must be >= 1");
}

}  // namespace

std::optional<double> l1_bound_depth2(double tau_star, double alpha, Eigen::Index N) {
  check(tau_star, alpha, N);
  // log(τ*/(e α²)) in logs: α² may underflow.
  const double log_ratio = std::log(tau_star) - 1.0 - 2.0 * std::log(alpha);
  const double log_N = std::log(double(N));
  if (!(log_ratio > log_N)) return std::nullopt;  // α² >= τ*/(eN)
  return tau_star / (1.0 - log_N / log_ratio);
}

double l1_bound_deep(double tau_star, double alpha, Eigen::Index N, int depth) {
  check(tau_star, alpha, N);
  if (depth <= 2) throw InputError("l1_bound_deep needs depth > 2 (use l1_bound_depth2)");
  const double L = depth;
  const double log_c = std::log(L / 2) + (L - 2) * std::log(alpha) + (1 - 2 / L) * std::log(double(N));
  // f(u) = e^u - c e^{2u/L} - τ* with u = log t, evaluated as e^u (1 - c e^{(2/L - 1)u}) - τ*
  // to avoid overflowing c at large α.
  const auto f = [&](double u) {
    return std::exp(u) * (1.0 - std::exp(log_c + (2 / L - 1) * u)) - tau_star;
  };
  // Bracket: f(log τ*) = -c τ*^{2/L} < 0, and for t >= max(2τ*, (2c)^{L/(L-2)}) we have
  // c t^{2/L} <= t/2, hence f >= t/2 - τ* >= 0.
  double lo = std::log(tau_star);
  double hi = std::max(std::log(2 * tau_star), (std::log(2.0) + log_c) * L / (L - 2));
  if (hi > std::log(std::numeric_limits<double>::max())) return std::numeric_limits<double>::infinity();
  // Bisection in log t to full double resolution (the bracket shrinks by 2 per step).
  for (int k = 0; k < 200 && hi - lo > 4 * std::numeric_limits<double>::epsilon() * std::abs(hi); ++k) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) < 0.0 ? lo : hi) = mid;
  }
  return std::exp(hi);  // the upper end: a valid bound even with rounding in f
}

}  // namespace wnflow
