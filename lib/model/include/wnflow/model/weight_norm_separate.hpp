#pragma once
// Weight normalization of P± with u and v normalized separately: u = r_u s_u, v = r_v s_v,
// each radius following its partial derivative at rate eta_r and each direction the
// Riemannian gradient on its own sphere at rate eta_s (docs/theory.md §1.5). In z = log w,
// w = [u; v], every block j is the polar flow of §1.2 with its own radius and its own c:
//     dz_j/dt = -a(r_j^2) L w_j^{L-2} ⊙ G_j + b(r_j^2) L c_j 1,   c_j = <w_j^L, G_j>,
// with the speeds a, b of the joint flow (weight_norm.hpp). The state carries log φ_u and
// log φ_v, the two effective-scale factors, integrated as d log φ_j/dt = (1 - a_j/eta_r)
// d log r_j/dt. State: [z (2N); log φ_u; log φ_v].
//
// Each block keeps its own mirror invariant (I4 per block, §2.5); unlike the joint flow the
// two together do not determine the limit, which depends on the path (§3.10).
#include <wnflow/model/detail/log_weight_core.hpp>
#include <wnflow/model/low_rank_jacobian.hpp>
#include <wnflow/model/weight_norm.hpp>

namespace wnflow {

class SeparateWeightNormFlow {
 public:
  // Throws InputError unless the network is signed (P+ has one block: use WeightNormFlow).
  // The rates are shared by the blocks; a ratio q refers to one block's initial radius
  // r_j(0) = alpha sqrt(N) (block_initial_radius).
  SeparateWeightNormFlow(const DiagonalNetwork& net, double alpha, WeightNormRates rates);

  Eigen::Index dimension() const { return core_.network().n() + 2; }
  const DiagonalNetwork& network() const { return core_.network(); }
  double alpha() const { return alpha_; }
  double block_initial_radius() const { return r0_; }
  const WeightNormRates& rates() const { return rates_; }

  // z(0) = log(alpha) 1 (r_u(0) = r_v(0) = alpha sqrt(N)) and log φ_u(0) = log φ_v(0) = 0.
  Vector initial_state() const;

  // Odeint system (not const: the flow keeps its last evaluation, see GradientFlow).
  void operator()(const Vector& s, Vector& ds, double /*t*/) { derivative(s, ds); }
  void derivative(const ConstVectorRef& s, VectorRef ds);
  // Dense Jacobian: the low-rank one written out (for Odeint's rosenbrock4 and small systems).
  void jacobian(const ConstVectorRef& s, Eigen::Ref<Matrix> J);
  // Diagonal plus low rank (low_rank_jacobian.hpp): the Gram block with a per-block scaling,
  // then per block the a' column, the c column and the log φ row; jacobian_rank() = M + 6.
  // The right-hand side is not in the factors' span (the blocks' speeds change at different
  // rates), so the BDF stepper uses its plain Newton iteration.
  void jacobian(const ConstVectorRef& s, LowRankJacobian& J);
  Eigen::Index jacobian_rank() const { return network().M() + 6; }

  auto log_weights(const ConstVectorRef& s) const { return s.head(core_.network().n()); }
  Vector weights(const ConstVectorRef& s) const { return log_weights(s).array().exp(); }
  // r_j = |w_j| for block 0 (u) or 1 (v).
  double block_radius(const ConstVectorRef& s, int block) const;
  // log α_eff of block j from the integrated coordinate: log α + log φ_j.
  double log_alpha_eff_integrated(const ConstVectorRef& s, int block) const {
    return std::log(alpha_) + s[core_.network().n() + block];
  }
  double loss(const ConstVectorRef& s) { return core_.loss(log_weights(s)); }
  double loss_floor(const ConstVectorRef& s) { return core_.loss_floor(log_weights(s)); }
  bool loss_exceeds(const ConstVectorRef& s, double threshold) {
    return core_.loss_exceeds(log_weights(s), threshold);
  }

 private:
  // The joint flow's speeds at one block's radius; under constant_ratio q refers to the
  // block's own r_j(0) = r0.
  detail::Speeds speeds(double r2) const { return weight_norm_speeds(rates_, r0_, r2); }
  // Per block, after core_.evaluate(): r_j^2, c_j, the speeds and dz_j into ds.
  void block_derivatives(VectorRef ds);
  detail::LogWeightCore core_;
  double alpha_, r0_;
  WeightNormRates rates_;
  // The last evaluation's per-block quantities and the scratch of the Jacobian (sized once).
  double r2_[2] = {0, 0}, c_[2] = {0, 0};
  detail::Speeds sp_[2];
  Vector dz_, w2_, AtAp_[2], Ap_, dc_, mask_w2_, jt_w2_, folded_, at_, small_;
};

}  // namespace wnflow
