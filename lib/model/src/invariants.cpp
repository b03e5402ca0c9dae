#include <algorithm>
#include <cmath>
#include <wnflow/model/alpha_eff.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/invariants.hpp>

namespace wnflow {

double log_alpha_eff(double alpha, double r, double r0, double eta_r, double eta_s) {
  return std::log(alpha) + std::log(r / r0) - (eta_s / (2.0 * eta_r)) * (r - r0) * (r + r0);
}

double log_alpha_eff(double alpha, double r, double r0, const WeightNormRates& rates) {
  if (rates.schedule == Schedule::constant_ratio)
    return std::log(alpha) + (1.0 - rates.ratio(r0)) * std::log(r / r0);
  return log_alpha_eff(alpha, r, r0, rates.eta_r, rates.eta_s);
}

NullSpaceProjector::NullSpaceProjector(const DiagonalNetwork& net) : net_(&net), aat_(row_gram_factor(net.problem().A)) {}

Vector NullSpaceProjector::apply(const ConstVectorRef& v) const {
  const Matrix& A = net_->problem().A;
  const auto N = net_->N();
  if (net_->sign() == Sign::positive) {
    const Vector mu = aat_.solve(A * v);
    return v - A.transpose() * mu;
  }
  // [A, -A][A, -A]^T = 2 A A^T
  const Vector mu = 0.5 * aat_.solve(A * (v.head(N) - v.tail(N)));
  const Vector back = A.transpose() * mu;
  Vector out = v;
  out.head(N) -= back;
  out.tail(N) += back;
  return out;
}

Vector mirror_potential(const ConstVectorRef& log_w, int depth) {
  if (depth == 2) return log_w;
  return (double(2 - depth) * log_w.array()).exp();
}

double mirror_residual(const NullSpaceProjector& proj, const ConstVectorRef& log_w, int depth, double log_beta) {
  const double sqrt_n = std::sqrt(double(log_w.size()));
  if (depth == 2) {
    // Ψ = log w is scale-free (an absolute error in log w is a relative error in w), so the
    // floor 1 keeps the residual meaningful when log w passes through 0 (α = 1).
    const Vector d = log_w.array() - log_beta;
    const double scale = std::max(log_w.norm() + std::abs(log_beta) * sqrt_n, 1.0);
    return proj.apply(d).norm() / scale;
  }
  // For L > 2 both sides are divided by Ψ(β) = β^{2-L} > 0 (the ratio is unchanged), so that
  // weights far below β (down to 1e-300 at extreme magnifications) do not overflow w^{2-L}.
  const Vector psi = (double(2 - depth) * (log_w.array() - log_beta)).exp();
  const Vector d = psi.array() - 1.0;
  return proj.apply(d).norm() / (psi.norm() + sqrt_n);
}

}  // namespace wnflow
