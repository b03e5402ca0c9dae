#pragma once
// Standard gradient flow dw/dt = -eta ∇_w ℓ on the diagonal network, as an Odeint system
// in log-weight coordinates z = log w (dz/dt = -eta L w^{L-2} ⊙ G).
#include <wnflow/model/detail/log_weight_core.hpp>
#include <wnflow/model/low_rank_jacobian.hpp>

namespace wnflow {

class GradientFlow {
 public:
  GradientFlow(const DiagonalNetwork& net, double alpha, double eta = 1.0);

  Eigen::Index dimension() const { return core_.network().n(); }
  const DiagonalNetwork& network() const { return core_.network(); }
  double alpha() const { return alpha_; }
  double eta() const { return eta_; }

  Vector initial_state() const;  // z(0) = log(alpha) 1

  // Odeint system: dz/dt at z (autonomous; t unused). Evaluation is not const: a flow keeps
  // its last evaluation (the residual) for the loss at the same state; a copy keeps its own.
  void operator()(const Vector& z, Vector& dz, double /*t*/) { derivative(z, dz); }
  void derivative(const ConstVectorRef& z, VectorRef dz);
  // Analytic Jacobian d(dz/dt)/dz, dense, for Odeint's implicit steppers.
  void jacobian(const ConstVectorRef& z, Eigen::Ref<Matrix> J);
  // The same Jacobian as diagonal plus low rank (low_rank_jacobian.hpp): D = -eta L (L-2) u
  // and the rank-M Gram block, for the stiff steppers; jacobian_rank() = M.
  void jacobian(const ConstVectorRef& z, LowRankJacobian& J);
  Eigen::Index jacobian_rank() const;
  // At depth 2 (J.derivative_in_span), dz/dt = [Gram columns] η with the Gram columns
  // a0 B^T A^T (a0 = -4 eta): η = (-2 eta / a0) e, from the residual alone (one GEMV).
  void derivative_in_factors(const ConstVectorRef& z, const LowRankJacobian& J, VectorRef eta);

  // Read-outs of a state.
  Vector weights(const ConstVectorRef& z) const { return z.array().exp(); }
  double loss(const ConstVectorRef& z) { return core_.loss(z); }
  double loss_floor(const ConstVectorRef& z) { return core_.loss_floor(z); }
  // True only when the loss is provably above threshold and its floor (see LogWeightCore).
  bool loss_exceeds(const ConstVectorRef& z, double threshold) { return core_.loss_exceeds(z, threshold); }

 private:
  detail::LogWeightCore core_;
  double alpha_, eta_;
};

}  // namespace wnflow
