#pragma once
// Weight normalization in polar form, w = r s with r = |w| (the radius) and s = w / |w|
// (the direction on the unit sphere), as an Odeint system in z = log w:
//     dr/dt = -eta_r ∂_r ℓ,   ds/dt = -eta_s (I - s s^T) ∇_s ℓ
// becomes dz/dt = -eta_s r^2 L w^{L-2} ⊙ G + L (eta_s - eta_r / r^2) <w^L, G> 1.
// r and s are functions of z, so |s| = 1 and s > 0 hold exactly along the numerical flow.
//
// The state carries one more coordinate, log φ with φ = α_eff/α, integrated as
//     d log φ/dt = (1 - eta_s r^2 / eta_r) d log r/dt,
// the general form of the effective scale (docs/theory.md §2.3, I4) for any schedule of eta_s. It is an
// independent check on the closed forms of alpha_eff.hpp, and the route for schedules that
// have none. State: [z (n); log φ].
#include <wnflow/model/detail/log_weight_core.hpp>
#include <wnflow/model/low_rank_jacobian.hpp>
#include <string>

namespace wnflow {

// How eta_s moves in time: fixed rates, or eta_s(t) = q eta_r / r(t)^2, which keeps the
// tangential speed eta_s r^2 equal to q eta_r at all times (docs/theory.md §3.7, C5).
enum class Schedule { constant_rates, constant_ratio };
std::string to_string(Schedule s);
Schedule parse_schedule(const std::string& text);

struct WeightNormRates {
  double eta_r = 1.0;
  double eta_s = 1.0;  // the initial eta_s under constant_ratio
  Schedule schedule = Schedule::constant_rates;
  // Dimensionless ratio q = eta_s r(0)^2 / eta_r of tangential over radial speed at t = 0.
  double ratio(double r0) const { return eta_s * r0 * r0 / eta_r; }
  // Rates from a ratio q at initial radius r0.
  static WeightNormRates from_ratio(double q, double r0, double eta_r = 1.0,
                                    Schedule schedule = Schedule::constant_rates);
};

// The speeds a(r^2) = eta_s r^2 and b(r^2) = eta_s - eta_r / r^2 of the log-weight kernel at
// radius^2 r2, and their r^2-derivatives; under constant_ratio eta_s = q eta_r / r^2 with q taken
// at the initial radius r0. One function for the joint and the separate flow (the latter calls
// it per block with that block's radii).
detail::Speeds weight_norm_speeds(const WeightNormRates& rates, double r0, double r2);

// r(0) = alpha sqrt(n) for w(0) = alpha 1.
double initial_radius(const DiagonalNetwork& net, double alpha);
double radius(const ConstVectorRef& w);  // |w|

class WeightNormFlow {
 public:
  WeightNormFlow(const DiagonalNetwork& net, double alpha, WeightNormRates rates);

  Eigen::Index dimension() const { return core_.network().n() + 1; }
  const DiagonalNetwork& network() const { return core_.network(); }
  double alpha() const { return alpha_; }
  double initial_radius() const { return r0_; }
  const WeightNormRates& rates() const { return rates_; }

  // z(0) = log(alpha) 1 (r(0) = alpha sqrt(n), s(0) = 1/sqrt(n)) and log φ(0) = 0.
  Vector initial_state() const;

  // Odeint system (not const: see GradientFlow).
  void operator()(const Vector& z, Vector& dz, double /*t*/) { derivative(z, dz); }
  void derivative(const ConstVectorRef& z, VectorRef dz);
  void jacobian(const ConstVectorRef& z, Eigen::Ref<Matrix> J);
  // The same Jacobian as diagonal plus low rank (low_rank_jacobian.hpp): the kernel's Gram
  // block and two columns in the z block, and the log φ row as a third column;
  // jacobian_rank() = M + 3.
  void jacobian(const ConstVectorRef& state, LowRankJacobian& J);
  Eigen::Index jacobian_rank() const;
  // At depth 2 (J.derivative_in_span), D = 0 and ds/dt = [Gram columns, U] η: the Gram
  // columns (scaled a0 = J.gram.a(0) = -4 a(r_J^2)) carry -a L G, the column L 1 carries
  // b L c, the column e_n the log φ rate, the a' column nothing. η from the residual alone.
  void derivative_in_factors(const ConstVectorRef& state, const LowRankJacobian& J, VectorRef eta);

  auto log_weights(const ConstVectorRef& state) const { return state.head(core_.network().n()); }
  Vector weights(const ConstVectorRef& state) const { return log_weights(state).array().exp(); }
  double radius_of(const ConstVectorRef& state) const { return std::sqrt((2.0 * log_weights(state).array()).exp().sum()); }
  // log α_eff from the integrated coordinate: log α + log φ.
  double log_alpha_eff_integrated(const ConstVectorRef& state) const { return std::log(alpha_) + state[state.size() - 1]; }
  double loss(const ConstVectorRef& state) { return core_.loss(log_weights(state)); }
  double loss_floor(const ConstVectorRef& state) { return core_.loss_floor(log_weights(state)); }
  bool loss_exceeds(const ConstVectorRef& state, double threshold) {
    return core_.loss_exceeds(log_weights(state), threshold);
  }

 private:
  detail::Speeds speeds(double r2) const { return weight_norm_speeds(rates_, r0_, r2); }
  detail::LogWeightCore core_;
  double alpha_, r0_;
  WeightNormRates rates_;
};

}  // namespace wnflow
