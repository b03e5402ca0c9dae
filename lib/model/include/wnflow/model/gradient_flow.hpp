#pragma once
// Standard gradient flow dw/dt = -eta ∇_w ℓ on the diagonal network, as an Odeint system
// in log-weight coordinates z = log w (dz/dt = -eta L w^{L-2} ⊙ G).
#include <wnflow/model/detail/log_weight_core.hpp>

namespace wnflow {

class GradientFlow {
 public:
  GradientFlow(const DiagonalNetwork& net, double alpha, double eta = 1.0);

  Eigen::Index dimension() const { return core_.network().n(); }
  const DiagonalNetwork& network() const { return core_.network(); }
  double alpha() const { return alpha_; }
  double eta() const { return eta_; }

  Vector initial_state() const;  // z(0) = log(alpha) 1

  // Odeint system: dz/dt at z (autonomous; t unused).
  void operator()(const Vector& z, Vector& dz, double /*t*/) const { derivative(z, dz); }
  void derivative(const ConstVectorRef& z, VectorRef dz) const;
  // Analytic Jacobian d(dz/dt)/dz, for implicit steppers.
  void jacobian(const ConstVectorRef& z, Eigen::Ref<Matrix> J) const;
  // The same Jacobian as diag(D) + U V^T with U, V of jacobian_rank() columns, for the
  // low-rank stiff steppers. jacobian_gram gives D, the Gram form of the first M columns
  // (gram_structure.hpp) and, in U and V (resized), only the columns after them: what the
  // steppers use, O(n) memory beyond A. jacobian_factors writes every column out.
  Eigen::Index jacobian_rank() const;
  void jacobian_gram(const ConstVectorRef& z, VectorRef D, GramStructure& g, Matrix& U, Matrix& V) const;
  void jacobian_factors(const ConstVectorRef& z, VectorRef D, Eigen::Ref<Matrix> U, Eigen::Ref<Matrix> V) const;
  // At depth 2, D = 0 and dz/dt = U η for the factors U of any Jacobian (their Gram columns
  // a0 B^T A^T, a0 = -4 eta): η = (-2 eta / a0) e, from the residual alone (one GEMV). bdf's
  // Newton iteration then works on η (bdf.hpp).
  bool rhs_in_factor_span() const { return network().depth() == 2; }
  void rhs_coefficients(const ConstVectorRef& z, double a0, VectorRef eta) const;

  // Read-outs of a state.
  Vector weights(const ConstVectorRef& z) const { return z.array().exp(); }
  double loss(const ConstVectorRef& z) const { return core_.loss(z); }
  double loss_floor(const ConstVectorRef& z) const { return core_.loss_floor(z); }
  // True only when the loss is provably above threshold and its floor (see LogWeightCore).
  bool loss_exceeds(const ConstVectorRef& z, double threshold) const { return core_.loss_exceeds(z, threshold); }

 private:
  detail::LogWeightCore core_;
  double alpha_, eta_;
};

}  // namespace wnflow
