#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <wnflow/model/errors.hpp>
#include <wnflow/solve/step_failure.hpp>
#include <wnflow/solve/adams.hpp>
#include <wnflow/solve/detail/multistep.hpp>

namespace wnflow {

namespace {

constexpr double safety = 0.9, min_factor = 0.2, max_increase = 2.0, max_decrease = 0.5;
// A step increase smaller than this is not taken (LSODE uses 1.1): it would buy little and
// frequent small changes cost the variable-step formulas stability.
constexpr double min_increase = 1.2;
constexpr double infinity = std::numeric_limits<double>::infinity();

using detail::rms;

}  // namespace

AdamsPece::AdamsPece(Eigen::Index n, double atol, double rtol)
    : atol_(atol), rtol_(rtol), D_(n, max_nodes), pred_sum_(n, 2) {
  for (Vector* v : {&x_, &xnew_, &xpred_, &fp_, &f_, &d_, &scale_}) v->resize(n);
  D_.setZero();
}

void AdamsPece::initialize(const Vector& x0, double t0, double dt0) {
  x_ = x0;
  t_ = t_old_ = t0;
  h_bound_ = dt0;
  started_ = false;
}

// Order 1 from x_, the first step by detail::initial_step.
void AdamsPece::first_step(RosenbrockSystem& sys) {
  sys.rhs(x_, f_);
  h_ = h_used_ = detail::initial_step(sys, x_, f_, atol_, rtol_, h_bound_, scale_, xnew_, fp_);
  D_.col(0) = f_;
  nodes_[0] = t_;
  nodes_count_ = 1;
  order_ = 1;
  dense_order_ = 0;
  steps_at_order_ = failures_ = 0;
  stiffness_ = 0.0;
  started_ = starting_ = true;
}

// The table holds D̃_i = f[t_n, …, t_{n−i}] H^i, divided differences in units of the step H
// that ended at t_n: they are of the size of h^i f^(i) / i!, and the coefficients below carry
// only one power of h, so neither short nor long steps under- or overflow (test_adams: steps
// from 1e-141 to 1e289; h^12 alone would underflow at h = 1e-30). With t = t_n + h u, ρ_j = (t_n − t_{n−j}) / h, P_i(u) = Π_{j<i} (u + ρ_j) and
// r = h / H, for i = 0..k:
//   ∫_{t_n}^{t_n+h} π_i D_i = h r^i ∫_0^1 P_i · D̃_i          (w_, times r^i)
//   π_i(t_n + h) D_i = r^i P_i(1) · D̃_i                       (pi_, times r^i)
//   ∫ π_i(t)(t − t_n − h) dt D_{i+1} = h r^{i+1} ∫_0^1 P_i (u − 1) du · D̃_{i+1}   (e_[i+1])
// where π_i(t) = Π_{j<i} (t − t_{n−j}). The ρ_j are >= 0 and u in [0, 1], so the coefficients
// of P_i are positive: no cancellation.
void AdamsPece::coefficients(int k) {
  std::array<double, max_nodes + 1> c{};  // coefficients of P_i in powers of u
  c[0] = 1.0;
  const double r = h_ / scale_step_;
  double rp = 1.0;  // r^i
  for (int i = 0; i <= k; ++i) {
    double value = 0.0, integral = 0.0, moment = 0.0;
    for (int m = 0; m <= i; ++m) {
      value += c[m];
      integral += c[m] / (m + 1);
      moment += c[m] / (m + 2);
    }
    w_[i] = h_ * rp * integral;
    pi_[i] = rp * value;
    rp *= r;
    e_unit_[i + 1] = h_ * (moment - integral);  // for a table in units of h (r = 1)
    e_[i + 1] = rp * e_unit_[i + 1];
    if (i < k) {  // P_{i+1} = P_i (u + ρ_i)
      const double rho = (t_ - nodes_[i]) / h_;
      for (int m = i + 1; m >= 0; --m) c[m] = (m > 0 ? c[m - 1] : 0.0) + rho * c[m];
    }
  }
}

// The new node is (t_, f_), and the table moves to units of the step just taken, h_used_:
// D̃'_0 = f, D̃'_i = (D̃'_{i−1} − D̃_{i−1} r^{i−1}) h_used / (t_ − t_{n+1−i}) with r = h_used / H.
void AdamsPece::add_node(int keep) {
  const int m = std::min(nodes_count_, keep - 1);  // old nodes kept
  const double r = h_used_ / scale_step_;
  std::array<double, max_nodes> rp{}, factor{};
  double p = 1.0;
  for (int i = 1; i <= m; ++i) {
    rp[i] = p;
    factor[i] = h_used_ / (t_ - nodes_[i - 1]);
    p *= r;
  }
  // Block by block of rows, all differences of a block before the next: the table (n x 14,
  // 90 KB at n = 800, more than L1) is then loaded and stored once, where a column at a time
  // went through L2 with two n-vectors of scratch. Measured at N = 400: 5-7 % of the process
  // time of Adams-bound flows. The same operations on each entry, so the same bits.
  constexpr Eigen::Index block = 128;
  std::array<double, block> one{}, other{};
  const Eigen::Index n = D_.rows();
  for (Eigen::Index b = 0; b < n; b += block) {
    const Eigen::Index w = std::min(block, n - b);
    double* cur = one.data();
    double* next = other.data();
    Eigen::Map<Vector>(cur, w) = f_.segment(b, w);
    for (int i = 1; i <= m; ++i) {
      auto column = D_.col(i - 1).segment(b, w);
      Eigen::Map<Vector>(next, w) = (Eigen::Map<const Vector>(cur, w) - rp[i] * column) * factor[i];
      column = Eigen::Map<const Vector>(cur, w);
      std::swap(cur, next);
    }
    D_.col(m).segment(b, w) = Eigen::Map<const Vector>(cur, w);
  }
  for (int j = m; j >= 1; --j) nodes_[j] = nodes_[j - 1];
  nodes_[0] = t_;
  nodes_count_ = m + 1;
  scale_step_ = h_used_;
}

std::pair<double, double> AdamsPece::do_step(RosenbrockSystem& sys) {
  if (!advance(sys)) {
    if (overflowed_) throw StepOverflow();
    throw StepUnderflow("the step size could not be adjusted at t = " + format_number(t_));
  }
  return {t_old_, t_};
}

bool AdamsPece::advance(RosenbrockSystem& sys) {
  overflowed_ = false;
  if (!started_) {
    first_step(sys);
    if (!(h_ > 0.0) || !std::isfinite(h_)) {  // |f| / scale overflowed the first step's estimate
      started_ = false;
      overflowed_ = true;
      return false;
    }
    scale_step_ = h_;
  }
  t_old_ = t_;
  const double min_step = 10.0 * std::abs(std::nextafter(t_, infinity) - t_);
  for (int attempt = 0;; ++attempt) {
    if (attempt >= 500 || !(h_ >= min_step)) return false;
    const int k = order_;
    coefficients(k);
    // Predictor x_n + Σ w_i D_i and the extrapolated f, Σ π_i(t_{n+1}) D_i, in one pass.
    // Two GEMVs, not one n x k by k x 2 product: Eigen's GEMM packs D's k columns every step
    // (measured at N = 400: 19K instructions a step against 5K).
    pred_sum_.col(0).noalias() = D_.leftCols(k) * Eigen::Map<const Vector>(w_.data(), k);
    pred_sum_.col(1).noalias() = D_.leftCols(k) * Eigen::Map<const Vector>(pi_.data(), k);
    xpred_ = x_ + pred_sum_.col(0);
    sys.rhs(xpred_, fp_);
    d_ = (fp_ - pred_sum_.col(1)) / pi_[k];  // f[t_{n+1}, t_n, …, t_{n−k+1}] H^k, predicted f
    xnew_ = xpred_ + w_[k] * d_;
    scale_ = atol_ + rtol_ * x_.array().abs().max(xnew_.array().abs());
    // The factor goes inside the norm: for a tiny f on a long step, (d / scale)^2 alone underflows.
    const double error = rms(e_[k] * d_, scale_);
    if (!std::isfinite(error)) {  // the step overflowed: the caller decides (a blow-up, or retry shorter)
      overflowed_ = true;
      return false;
    }
    if (!(error <= 1.0)) {
      starting_ = false;
      h_ *= std::max(min_factor, safety * std::pow(error, -1.0 / (k + 1)));
      // As in DE: repeated failures mean the history no longer describes f; order 1 needs none.
      if (++failures_ >= 3 && order_ > 1) {
        order_ = 1;
        steps_at_order_ = 0;
      }
      continue;
    }

    // Accepted: evaluate at the corrected point and add it to the history.
    failures_ = 0;
    sys.rhs(xnew_, f_);
    const double moved = rms(xnew_ - xpred_, scale_);
    stiffness_ = moved > 0.0 ? rms(h_ * (f_ - fp_), scale_) / moved : 0.0;
    t_ += h_;
    h_used_ = h_;
    x_.swap(xnew_);
    add_node(k + 2);
    dense_order_ = k;
    ++steps_at_order_;
    choose_order_and_step(k, error);
    return true;
  }
}

void AdamsPece::choose_order_and_step(int k, double error_k) {
  // The errors of orders k − 1, k, k + 1 for a step like this one, from the differences
  // that now end at t_{n+1} (order k + 1 needs one node more than the corrector used).
  const double error_m = k > 1 ? rms(e_unit_[k - 1] * D_.col(k - 1), scale_) : infinity;
  const double error_0 = std::max(error_k, rms(e_unit_[k] * D_.col(k), scale_));
  const double error_p = k < max_order && nodes_count_ >= k + 2 ? rms(e_unit_[k + 1] * D_.col(k + 1), scale_) : infinity;
  if (starting_) {
    // Start phase: raise the order and double the step while the error allows it.
    const double factor = safety * std::pow(error_0, -1.0 / (k + 1));
    if (k < max_order && !(error_m <= error_0) && factor >= max_increase) {
      order_ = k + 1;
      steps_at_order_ = 0;
      h_ *= max_increase;
      return;
    }
    starting_ = false;
  }
  int order = k;
  double error = error_0;
  if (error_m <= error_0) {
    order = k - 1;
    error = error_m;
  } else if (steps_at_order_ >= k + 1 && error_p < error_0) {
    order = k + 1;
    error = error_p;
  }
  if (order != k) {
    order_ = order;
    steps_at_order_ = 0;
  }
  const double factor = safety * std::pow(error, -1.0 / (order + 1));  // inf for a zero error
  if (factor >= min_increase)
    h_ *= std::min(max_increase, factor);
  else if (factor < 1.0)
    h_ *= std::max(max_decrease, factor);
}

void AdamsPece::calc_state(double t, Vector& x) const {
  // x(t) = x_{n+1} + Σ_i ∫_{t_{n+1}}^t π_i D_i over the corrector's nodes t_{n+1}, …, t_{n+1−k};
  // with u = (t − t_{n+1}) / h in [−1, 0] and the table in units of h: h ∫_0^u P_i · D̃_i.
  const double h = h_used_, u = (t - t_) / h;
  std::array<double, max_nodes + 1> c{};
  c[0] = 1.0;
  x = x_;
  for (int i = 0; i <= dense_order_; ++i) {
    double integral = 0.0, up = u;
    for (int m = 0; m <= i; ++m, up *= u) integral += c[m] * up / (m + 1);
    x += (h * integral) * D_.col(i);
    const double rho = (t_ - nodes_[i]) / h;
    for (int m = i + 1; m >= 0; --m) c[m] = (m > 0 ? c[m - 1] : 0.0) + rho * c[m];
  }
}

}  // namespace wnflow
