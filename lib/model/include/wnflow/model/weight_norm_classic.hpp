#pragma once
// Classic weight normalization (Salimans–Kingma): w = gamma v / |v|, plain gradient flow
// on (gamma, v) with rate 1. State: (log gamma, log v) in R^{n+1}; gamma and v stay
// positive along the flow, and the logs turn small-scale plateaus into linear drifts.
// Unlike the polar form, |v| = |v(0)| (invariant I2) is not built into the coordinates:
// it is a genuine check of the integration.
#include <optional>
#include <wnflow/model/detail/log_weight_core.hpp>

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

  void operator()(const Vector& s, Vector& ds, double /*t*/) const { derivative(s, ds); }
  void derivative(const ConstVectorRef& s, VectorRef ds) const;
  void jacobian(const ConstVectorRef& s, Eigen::Ref<Matrix> J) const;
  // The same Jacobian as diag(D) + U V^T with U, V of jacobian_rank() columns, for the
  // low-rank stiff steppers. jacobian_gram gives D, the Gram form of the first M columns
  // (gram_structure.hpp) and, in U and V (resized), only the columns after them: what the
  // steppers use, O(n) memory beyond A. jacobian_factors writes every column out.
  Eigen::Index jacobian_rank() const;
  void jacobian_gram(const ConstVectorRef& s, VectorRef D, GramStructure& g, Matrix& U, Matrix& V) const;
  void jacobian_factors(const ConstVectorRef& s, VectorRef D, Eigen::Ref<Matrix> U, Eigen::Ref<Matrix> V) const;

  // z = log w = log gamma + log v - log |v|.
  Vector log_weights(const ConstVectorRef& s) const;
  Vector weights(const ConstVectorRef& s) const { return log_weights(s).array().exp(); }
  double gamma(const ConstVectorRef& s) const { return std::exp(s[0]); }
  double v_norm(const ConstVectorRef& s) const { return std::sqrt((2.0 * s.tail(s.size() - 1).array()).exp().sum()); }
  double loss(const ConstVectorRef& s) const;
  double loss_floor(const ConstVectorRef& s) const;

 private:
  void evaluate(const ConstVectorRef& s) const;
  detail::LogWeightCore core_;
  double alpha_, v0_norm_, r0_;
  std::shared_ptr<Vector> z_;  // scratch for log w
};

}  // namespace wnflow
