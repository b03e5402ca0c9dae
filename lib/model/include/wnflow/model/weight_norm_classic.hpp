#pragma once
// Classic weight normalization (Salimans–Kingma): w = gamma v / |v|, plain gradient flow
// on (gamma, v) with rate 1. State: (log gamma, log v) in R^{n+1}; gamma and v stay
// positive along the flow, and the logs turn small-scale plateaus into linear drifts.
// Unlike the polar form, |v| = |v(0)| (invariant I2) is not built into the coordinates:
// it is a genuine check of the integration.
#include <optional>
#include <wnflow/model/detail/log_weight_core.hpp>
#include <wnflow/model/low_rank_jacobian.hpp>

namespace wnflow {

// |v(0)| from the options of classic WN (flow or discrete): given directly, or from a ratio q
// (|v(0)| = r0/sqrt(q), since classic WN follows the polar flow with eta_s = 1/|v(0)|^2), else
// r0, i.e. v(0) = w(0) and q = 1.
double classic_v0_norm(std::optional<double> v0_norm, std::optional<double> ratio, double r0);

class ClassicWeightNormFlow {
 public:
  // v(0) = (v0_norm / sqrt(n)) 1; gamma(0) = alpha sqrt(n), so w(0) = alpha 1.
  ClassicWeightNormFlow(const DiagonalNetwork& net, double alpha, double v0_norm);

  Eigen::Index dimension() const { return core_.network().n() + 1; }
  const DiagonalNetwork& network() const { return core_.network(); }
  double alpha() const { return alpha_; }
  double v0_norm() const { return v0_norm_; }
  double initial_radius() const { return r0_; }
  // The polar flow this one follows: eta_r = 1, eta_s = 1 / |v(0)|^2.
  double eta_r() const { return 1.0; }
  double eta_s() const { return 1.0 / (v0_norm_ * v0_norm_); }

  Vector initial_state() const;

  // Odeint system (not const: see GradientFlow).
  void operator()(const Vector& s, Vector& ds, double /*t*/) { derivative(s, ds); }
  void derivative(const ConstVectorRef& s, VectorRef ds);
  void jacobian(const ConstVectorRef& s, Eigen::Ref<Matrix> J);
  // The same Jacobian as diagonal plus low rank (low_rank_jacobian.hpp): the Gram block in
  // the v rows and four columns; jacobian_rank() = M + 4.
  void jacobian(const ConstVectorRef& s, LowRankJacobian& J);
  Eigen::Index jacobian_rank() const;

  // z = log w = log gamma + log v - log |v|.
  Vector log_weights(const ConstVectorRef& s) const;
  Vector weights(const ConstVectorRef& s) const { return log_weights(s).array().exp(); }
  double gamma(const ConstVectorRef& s) const { return std::exp(s[0]); }
  double v_norm(const ConstVectorRef& s) const { return std::sqrt((2.0 * s.tail(s.size() - 1).array()).exp().sum()); }
  double loss(const ConstVectorRef& s);
  double loss_floor(const ConstVectorRef& s);

 private:
  void evaluate(const ConstVectorRef& s);
  detail::LogWeightCore core_;
  double alpha_, v0_norm_, r0_;
  Vector z_;  // scratch for log w
};

}  // namespace wnflow
