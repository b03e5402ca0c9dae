#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <wnflow/model/errors.hpp>
#include <wnflow/solve/step_failure.hpp>
#include <wnflow/solve/bdf.hpp>
#include <wnflow/solve/detail/multistep.hpp>

namespace wnflow {

namespace {

constexpr int newton_max_iter = 4;
constexpr double min_factor = 0.2, max_factor = 10.0;
constexpr double max_c_change = 0.3;
// The iteration matrix may take D as constant while its spread is within 1 % of σ − d̄ (d̄ its
// midrange): an error E = diag(D − d̄) slows the modified Newton iteration by a factor
// ~ |E| / (σ − d̄) <= 0.005, and the refactorizations of a Jacobian then cost a k x k Cholesky
// or LU instead of the Gram block. Measured at N = 400: P+ GF L = 3 α = 10 and WN L = 3 rows
// 21-25 % less time, the same with 0.1 or 0.3; but 0.1 left the iterates' noise in a loss tail
// near 1e-20 large enough that test_local_rate found no clean exponential window in one signed
// L = 3 WN flow (sanitizer build), where 0.01 and 0.03 fit it.
constexpr double newton_diagonal_tolerance = 0.01;
// The Newton iteration stops when its estimated remaining error is below this fraction of
// the error tolerance (ode15s and SciPy use min(0.03, sqrt(rtol)); CVODE a fixed 0.1: the
// fixed 0.03 halved the right-hand sides at rtol 1e-9 with limits still within 3e-8).
constexpr double newton_tol = 0.03;
// The NDF coefficients κ_k of Shampine & Reichelt (1997): order k's formula is BDF_k plus
// κ_k γ_k times a k+1-st difference, which enlarges the stable step at the same accuracy.
// κ_5 = 0 because the modification would cost order 5 too much stability.
constexpr std::array<double, LowRankBdf::max_order + 1> kappa = {0.0, -0.1850, -1.0 / 9.0, -0.0823, -0.0415, 0.0};
constexpr double infinity = std::numeric_limits<double>::infinity();

using Square = Eigen::Matrix<double, LowRankBdf::max_order + 1, LowRankBdf::max_order + 1>;

// R maps the differences of a history with spacing h to those with spacing factor·h
// (the step-size change of the quasi-constant-step form): R(i, j) = Π_{m=1..i} (m − 1 − factor j)/m.
void change_matrix(int order, double factor, Square& R) {
  R.setZero();
  for (int j = 0; j <= order; ++j) {
    double p = 1.0;
    R(0, j) = 1.0;
    for (int i = 1; i <= order; ++i) {
      p *= j == 0 ? 0.0 : (i - 1 - factor * j) / double(i);
      R(i, j) = p;
    }
  }
}

using detail::rms;

}  // namespace

LowRankBdf::LowRankBdf(Eigen::Index n, Eigen::Index rank, double atol, double rtol)
    : atol_(atol), rtol_(rtol),
      solver_(n, rank), Dt_(n, max_order + 3), Dtmp_(n, max_order + 1) {
  solver_.diagonal_tolerance = newton_diagonal_tolerance;
  for (Vector* v : {&x_, &xnew_, &xpred_, &psi_, &d_, &f_, &rhs_, &dy_, &scale_, &err_}) v->resize(n);
  for (int k = 1; k <= max_order; ++k) gamma_[k] = gamma_[k - 1] + 1.0 / k;
  for (int k = 0; k <= max_order; ++k) {
    alpha_[k] = (1.0 - kappa[k]) * gamma_[k];
    error_const_[k] = kappa[k] * gamma_[k] + 1.0 / (k + 1);
  }
  Dt_.setZero();
}

void LowRankBdf::initialize(const Vector& x0, double t0, double dt0) {
  x_ = x0;
  t_ = t_old_ = t0;
  h_bound_ = dt0;
  started_ = false;
}

void LowRankBdf::refresh_jacobian(RosenbrockSystem& sys, const Vector& at) {
  jacobian_age_ = 0;
  solver_.set_jacobian(sys, at);
  lu_valid_ = false;
  factors_changed_ = true;
}

// Order 1 from x_, the first step by detail::initial_step.
void LowRankBdf::first_step(RosenbrockSystem& sys) {
  sys.rhs(x_, f_);
  h_ = detail::initial_step(sys, x_, f_, atol_, rtol_, h_bound_, scale_, xnew_, dy_);
  refresh_jacobian(sys, x_);
  Dt_.setZero();
  Dt_.col(0) = x_;
  Dt_.col(1) = h_ * f_;
  order_ = 1;
  equal_steps_ = 0;
  started_ = true;
}

void LowRankBdf::rescale_history(double factor) {
  const int k = order_ + 1;
  change_matrix(order_, factor, R_);
  change_matrix(order_, 1.0, U_);
  RU_.topLeftCorner(k, k).noalias() = R_.topLeftCorner(k, k) * U_.topLeftCorner(k, k);
  Dtmp_.leftCols(k).noalias() = Dt_.leftCols(k) * RU_.topLeftCorner(k, k);
  Dt_.leftCols(k) = Dtmp_.leftCols(k);
}

template <class Correction>
bool LowRankBdf::iterate(Correction correction, int& iterations) {
  d_.setZero();
  xnew_ = xpred_;
  double dy_norm_old = -1.0;
  for (int k = 0; k < newton_max_iter; ++k) {
    iterations = k + 1;
    correction(k);
    const double dy_norm = rms(dy_, scale_);
    if (!std::isfinite(dy_norm)) return false;
    const double rate = dy_norm_old > 0.0 ? dy_norm / dy_norm_old : -1.0;
    // Diverging, or too slow to converge in the iterations left.
    if (rate >= 0.0 && (rate >= 1.0 || std::pow(rate, newton_max_iter - k) / (1.0 - rate) * dy_norm > newton_tol))
      return false;
    xnew_ += dy_;
    d_ += dy_;
    // The contraction rate of the first iteration is not observable; as in CVODE, the rate
    // seen with the same factorization on earlier steps stands in for it, so a good
    // predictor is accepted after one iteration.
    if (rate >= 0.0) rate_ = std::max(0.3 * rate_, rate);
    const double r = rate >= 0.0 ? rate : rate_;
    if (dy_norm == 0.0 || (r < 1.0 && r / (1.0 - r) * dy_norm < newton_tol)) return true;
    dy_norm_old = dy_norm;
  }
  return false;
}

bool LowRankBdf::newton(RosenbrockSystem& sys, double c, int& iterations) {
  if (use_factor_span && solver_.factor_span_ready())
    return newton_in_span(sys, c, iterations);
  return iterate(
      [&](int) {
        sys.rhs(xnew_, f_);
        rhs_ = c * f_ - psi_ - d_;
        // The factored matrix is (1/c') I − J for the c' of the last factorization, which may
        // be older than this step's c (a rejected step keeps it): I − c' J = c' ((1/c') I − J).
        solver_.solve(rhs_, dy_);
        dy_ /= lu_c_;
      },
      iterations);
}

// The corrector equation is x = xpred − ψ + c f(x), and with f = U η(x) and the factored
// matrix (1/c') I − U V^T (D = 0), Woodbury turns newton()'s iteration into one on k-vectors:
//   x_1 = xpred − ψ + U s_0,        s_0 = C^{-1} (c η(xpred) − c' V^T ψ),
//   x_{j+1} = x_j − U δ_j,          δ_j = C^{-1} (s_{j−1} − c η(x_j)),  s_j = s_{j−1} − δ_j,
// the same iterates as newton() (every x_j, j >= 1, is xpred − ψ + U s_{j−1}), with C the
// capacitance matrix of the factorization. An iteration costs η(x_j), one product with A (the
// residual), and U δ_j, one with A^T, where newton() pays a right-hand side (two) and a
// Woodbury solve (two more). C only steers the iteration: its fixed point is the corrector's
// solution whatever the rounding in C.
bool LowRankBdf::newton_in_span(RosenbrockSystem& sys, double c, int& iterations) {
  eta_.resize(solver_.rank());
  return iterate(
      [&](int j) {
        ++span_iterations_;
        sys.derivative_in_factors(xnew_, solver_.jacobian, eta_);
        if (j == 0) {
          solver_.apply_vt(psi_, tk_);
          tk_ = c * eta_ - lu_c_ * tk_;
          solver_.capacitance_solve(tk_, sk_);
          solver_.apply_u(sk_, dy_);
          dy_ -= psi_;
        } else {
          tk_ = sk_ - c * eta_;
          solver_.capacitance_solve(tk_, dsk_);
          sk_ -= dsk_;
          solver_.apply_u(dsk_, dy_);
          dy_ = -dy_;
        }
      },
      iterations);
}

std::pair<double, double> LowRankBdf::do_step(RosenbrockSystem& sys) {
  if (!advance(sys)) throw StepUnderflow("the step size could not be adjusted at t = " + format_number(t_));
  return {t_old_, t_};
}

bool LowRankBdf::advance(RosenbrockSystem& sys) {
  if (!started_) first_step(sys);
  t_old_ = t_;
  const double min_step = 10.0 * std::abs(std::nextafter(t_, infinity) - t_);
  bool current_jacobian = false;
  // As in CVODE (MSBJ): a Jacobian older than max_jacobian_age steps is refreshed. Without
  // it, one Jacobian from the start of a long run drives every Newton iteration, and near
  // the limit the iteration stops (at newton_tol) before the stiff residual directions
  // have settled: the loss then stalls above its tolerance.
  if (++jacobian_age_ >= max_jacobian_age) {
    refresh_jacobian(sys, x_);
    current_jacobian = true;
  }
  for (int attempt = 0;; ++attempt) {
    if (attempt >= 500 || !(h_ >= min_step)) return false;
    const double c = h_ / alpha_[order_];
    xpred_ = Dt_.leftCols(order_ + 1).rowwise().sum();
    scale_ = atol_ + rtol_ * xpred_.array().abs();
    psi_.noalias() = Dt_.middleCols(1, order_) * Eigen::Map<const Vector>(gamma_.data() + 1, order_);
    psi_ /= alpha_[order_];

    bool converged = false;
    int iterations = 0;
    for (;;) {
      // As in CVODE: a factorization stays in use while c is within 30% of the c it was made
      // for; the Newton iteration absorbs the difference, and refactoring costs O(n k^2).
      if (!lu_valid_ || std::abs(c / lu_c_ - 1.0) > max_c_change) {
        solver_.factor(1.0 / c, !factors_changed_);
        factors_changed_ = false;
        lu_c_ = c;
        lu_valid_ = true;
        rate_ = 1.0;  // unknown for a new matrix
        ++factorizations_;
      }
      converged = newton(sys, c, iterations);
      if (converged || current_jacobian) break;
      refresh_jacobian(sys, xpred_);  // the Jacobian is stale: refresh it once per step
      current_jacobian = true;
    }
    if (!converged) {
      h_ *= 0.5;
      rescale_history(0.5);
      equal_steps_ = 0;
      lu_valid_ = false;
      continue;
    }

    // Fewer Newton iterations: more confidence in the error estimate.
    const double safety = 0.9 * (2 * newton_max_iter + 1) / (2 * newton_max_iter + iterations);
    scale_ = atol_ + rtol_ * xnew_.array().abs();
    const double error_norm = error_const_[order_] * rms(d_, scale_);
    if (!(error_norm <= 1.0)) {  // NaN lands here too
      const double factor = std::isfinite(error_norm)
                                ? std::max(min_factor, safety * std::pow(error_norm, -1.0 / (order_ + 1)))
                                : min_factor;
      h_ *= factor;
      rescale_history(factor);
      equal_steps_ = 0;
      continue;  // the factorization is kept: Newton converged, a stale c only slows it
    }

    // Accepted: update the difference table with the correction d.
    ++equal_steps_;
    t_ += h_;
    x_.swap(xnew_);
    Dt_.col(order_ + 2) = d_ - Dt_.col(order_ + 1);
    Dt_.col(order_ + 1) = d_;
    for (int i = order_; i >= 0; --i) Dt_.col(i) += Dt_.col(i + 1);
    if (equal_steps_ < order_ + 1) return true;

    // Enough equal steps to estimate the neighbouring orders' errors: pick the order that
    // allows the longest next step.
    const double error_m = order_ > 1 ? error_const_[order_ - 1] * rms(Dt_.col(order_), scale_) : infinity;
    const double error_p = order_ < max_order ? error_const_[order_ + 1] * rms(Dt_.col(order_ + 2), scale_) : infinity;
    const std::array<double, 3> factors = {std::pow(error_m, -1.0 / order_), std::pow(error_norm, -1.0 / (order_ + 1)),
                                           std::pow(error_p, -1.0 / (order_ + 2))};
    const auto best = std::max_element(factors.begin(), factors.end());
    order_ += int(best - factors.begin()) - 1;
    const double factor = std::min(max_factor, safety * *best);
    h_ *= factor;
    rescale_history(factor);
    equal_steps_ = 0;
    return true;
  }
}

void LowRankBdf::calc_state(double t, Vector& x) const {
  x = Dt_.col(0);
  double p = 1.0;
  for (int j = 1; j <= order_; ++j) {
    p *= (t - (t_ - h_ * (j - 1))) / (h_ * j);
    x += p * Dt_.col(j);
  }
}

}  // namespace wnflow
