#pragma once
// Classic weight normalization of P± with u and v normalized separately:
// u = γ_u v_u/|v_u|, v = γ_v v_v/|v_v| (the second v is the classic direction parameter of the
// factor v), plain gradient flow at rate 1 on (γ_u, v_u, γ_v, v_v) (docs/theory.md §1.5).
// Each block is the classic flow of weight_norm_classic.hpp with its own γ_j and |v_j|, coupled
// only through the residual:
//     d log γ_j/dt = -L c_j/γ_j^2,   d ξ_j/dt = -(γ_j^2/|v_j|^2) L w_j^{L-2} ⊙ G_j + (L/|v_j|^2) c_j 1,
// with ξ_j = log v_j and c_j = <w_j^L, G_j>. Like the joint classic flow it keeps |v_j| constant
// only in exact arithmetic (I2 per block, a genuine check of the integration), and it follows
// the separate polar flow (weight_norm_separate.hpp) at eta_r = 1, eta_s = 1/|v_j(0)|^2.
// State: [log γ_u; log γ_v; ξ_u (N); ξ_v (N)].
#include <wnflow/model/detail/log_weight_core.hpp>
#include <wnflow/model/low_rank_jacobian.hpp>

namespace wnflow {

class SeparateClassicWeightNormFlow {
 public:
  // Throws InputError unless the network is signed. γ_j(0) = alpha sqrt(N) and
  // v_j(0) = (v0_norm/sqrt(N)) 1 for both blocks, so w(0) = alpha 1.
  SeparateClassicWeightNormFlow(const DiagonalNetwork& net, double alpha, double v0_norm);

  Eigen::Index dimension() const { return core_.network().n() + 2; }
  const DiagonalNetwork& network() const { return core_.network(); }
  double alpha() const { return alpha_; }
  double v0_norm() const { return v0_norm_; }
  double block_initial_radius() const { return r0_; }
  // The separate polar flow this one follows: eta_r = 1, eta_s = 1/|v_j(0)|^2.
  double eta_r() const { return 1.0; }
  double eta_s() const { return 1.0 / (v0_norm_ * v0_norm_); }

  Vector initial_state() const;

  // Odeint system (not const: the flow keeps its last evaluation, see GradientFlow).
  void operator()(const Vector& s, Vector& ds, double /*t*/) { derivative(s, ds); }
  void derivative(const ConstVectorRef& s, VectorRef ds);
  // Dense Jacobian: the low-rank one written out.
  void jacobian(const ConstVectorRef& s, Eigen::Ref<Matrix> J);
  // Diagonal plus low rank: the Gram block on the ξ rows with a per-block scaling, then per
  // block the p_j^T column, the dc_j row and the log γ_j column; jacobian_rank() = M + 6.
  void jacobian(const ConstVectorRef& s, LowRankJacobian& J);
  Eigen::Index jacobian_rank() const { return network().M() + 6; }

  // z = log w: z_j = log γ_j + ξ_j - log |v_j|.
  Vector log_weights(const ConstVectorRef& s) const;
  Vector weights(const ConstVectorRef& s) const { return log_weights(s).array().exp(); }
  double gamma(const ConstVectorRef& s, int block) const { return std::exp(s[block]); }
  double v_norm(const ConstVectorRef& s, int block) const;
  double loss(const ConstVectorRef& s);
  double loss_floor(const ConstVectorRef& s);

 private:
  // z from s into z_, then the core's evaluation and the per-block γ_j^2, |v_j|^2, p_j, c_j.
  void evaluate(const ConstVectorRef& s);
  void log_weights_into(const ConstVectorRef& s, Vector& z) const;
  detail::LogWeightCore core_;
  double alpha_, v0_norm_, r0_;
  double g2_[2] = {0, 0}, V2_[2] = {0, 0}, c_[2] = {0, 0};
  Vector z_, p_, Ap_, AtAp_, dc_, du1_;
};

}  // namespace wnflow
