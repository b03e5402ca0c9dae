#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <wnflow/model/errors.hpp>
#include <wnflow/solve/step_failure.hpp>
#include <wnflow/solve/rosenbrock.hpp>

namespace wnflow {

namespace {

// Shampine (1982), as in Odeint's default_rosenbrock_coefficients: γ, the stage coefficients
// a_ij and c_ij (c_ij already divided by γ, as the method is written for I/(γh) − J), and the
// dense-output coefficients d_ij. d1..d4 and c2..c4 multiply ∂f/∂t, zero here (autonomous).
constexpr double gamma = 0.25;
constexpr double c21 = -0.5668800000000000e+01, a21 = 0.1544000000000000e+01;
constexpr double c31 = -0.2430093356833875e+01, c32 = -0.2063599157091915e+00;
constexpr double a31 = 0.9466785280815826e+00, a32 = 0.2557011698983284e+00;
constexpr double c41 = -0.1073529058151375e+00, c42 = -0.9594562251023355e+01, c43 = -0.2047028614809616e+02;
constexpr double a41 = 0.3314825187068521e+01, a42 = 0.2896124015972201e+01, a43 = 0.9986419139977817e+00;
constexpr double c51 = 0.7496443313967647e+01, c52 = -0.1024680431464352e+02, c53 = -0.3399990352819905e+02,
                 c54 = 0.1170890893206160e+02;
constexpr double a51 = 0.1221224509226641e+01, a52 = 0.6019134481288629e+01, a53 = 0.1253708332932087e+02,
                 a54 = -0.6878860361058950e+00;
constexpr double c61 = 0.8083246795921522e+01, c62 = -0.7981132988064893e+01, c63 = -0.3152159432874371e+02,
                 c64 = 0.1631930543123136e+02, c65 = -0.6058818238834054e+01;
constexpr double d21 = 0.1012623508344586e+02, d22 = -0.7487995877610167e+01, d23 = -0.3480091861555747e+02,
                 d24 = -0.7992771707568823e+01, d25 = 0.1025137723295662e+01;
constexpr double d31 = -0.6762803392801253e+00, d32 = 0.6087714651680015e+01, d33 = 0.1643084320892478e+02,
                 d34 = 0.2476722511418386e+02, d35 = -0.6594389125716872e+01;

// A Woodbury solve is accepted when its residual is this small relative to the sizes of the
// terms of (σ − D) ⊙ x − U V^T x and b: a backward error far below what the Rosenbrock
// stages need, and far above what a well-conditioned capacitance matrix delivers (~1e-15).
constexpr double residual_tol = 1e-11;

}  // namespace

// ---------------------------------------------------------------- LowRankSolver
LowRankSolver::LowRankSolver(Eigen::Index n, Eigen::Index k)
    : n_(n), k_(k), dense_(3 * k > n) {
  // U, V and W are sized when the Jacobian arrives (set_jacobian): n x k without a Gram form,
  // n x (k − M) with one.
  if (dense_) {
    J.resize(n, n);
    Jd_.resize(n, n);
    dense_lu_ = Eigen::PartialPivLU<Matrix>(n);
  } else {
    jacobian.D.resize(n);
    cap_.resize(k, k);
    cap_lu_ = Eigen::PartialPivLU<Matrix>(k);
  }
  delta_.resize(n);
  y_.resize(n);
  r_.resize(n);
  dx_.resize(n);
  vx_.resize(n);
  t_.resize(k);
  s_.resize(k);
}

void LowRankSolver::set_jacobian(RosenbrockSystem& sys, const Vector& x) {
  llt_refused_ = false;
  if (dense_) {
    sys.jacobian(x, J);
    return;
  }
  sys.jacobian(x, jacobian);
}

void LowRankSolver::factor(double sigma, bool same_factors) {
  sigma_ = sigma;
  if (dense_) {
    Jd_ = -J;
    Jd_.diagonal().array() += sigma;
    dense_lu_.compute(Jd_);
    use_dense_ = true;
    ++dense_factorizations;
    return;
  }
  use_dense_ = false;
  if (rank() != k_) throw std::logic_error("LowRankSolver: the factors do not have the declared rank");
  const double dmax = jacobian.D.maxCoeff(), dmin = jacobian.D.minCoeff();
  const double dmid = dmin == dmax ? dmax : 0.5 * (dmin + dmax);
  span_ready_ = dmax == 0.0 && dmin == 0.0;
  if (dmax == dmin || dmax - dmin <= diagonal_tolerance * std::abs(sigma - dmid)) {
    // Δ = (σ − d) I: V^T Δ^{-1} U = V^T U / (σ − d). Measured at N = 400 (M = 100), the
    // product was 5M of the 5.2M instructions of a factorization of the L = 2 gradient flow.
    // With diagonal_tolerance > 0 a nearly constant D counts too (d = its midrange): D → 0 as
    // the loss does, so the stiff late phase of L = 3 and WN flows takes this path.
    if (!(same_factors && unit_cap_valid_)) {
      delta_.setOnes();
      W_ = jacobian.U;
      if (gram_mode()) ad_ = jacobian.gram.a;
      capacitance_product();
      unit_cap_ = cap_;
      unit_cap_valid_ = true;
    }
    const double delta = sigma - dmid;
    delta_.setConstant(delta);
    W_ = jacobian.U / delta;
    if (gram_mode()) ad_ = jacobian.gram.a / delta;
    cap_ = unit_cap_ / delta;
  } else {
    unit_cap_valid_ = false;
    delta_ = sigma - jacobian.D.array();
    W_ = delta_.cwiseInverse().asDiagonal() * jacobian.U;
    if (gram_mode()) ad_ = jacobian.gram.a.cwiseQuotient(delta_.segment(jacobian.gram.row0, jacobian.gram.a.size()));
    capacitance_product();
  }
  cap_.diagonal().array() += 1.0;
  // The Gram block S of C (its leading M x M) is symmetric: it is mirrored. For a stable flow
  // it is also positive definite, and Cholesky of S, with the Schur complement of the e <= 4
  // columns after it, costs half the LU of C (at N = 10 000, 5 Gflop a factorization less):
  //   C = [S B; R E]:  S = L L^T,  Z = S^{-1} B,  F = E − R Z (e x e, LU).
  // An S that is not positive definite (a long step where the diagonal has unstable entries)
  // sends C to LU, as do the later factorizations of the same Jacobian: a refusal costs one
  // attempt per Jacobian.
  use_llt_ = false;
  if (gram_mode() && !llt_refused_) {
    const Eigen::Index m = jacobian.gram.rank(), e = jacobian.U.cols();
    cap_llt_.compute(cap_.topLeftCorner(m, m));
    use_llt_ = cap_llt_.info() == Eigen::Success;
    llt_refused_ = !use_llt_;
    if (use_llt_ && e > 0) {
      Z_ = cap_llt_.solve(cap_.topRightCorner(m, e));
      F_ = cap_.bottomRightCorner(e, e);
      F_.noalias() -= cap_.bottomLeftCorner(e, m) * Z_;
      F_lu_.compute(F_);
    }
  }
  if (use_llt_)
    ++cholesky_factorizations;
  else
    cap_lu_.compute(cap_);
  verified_ = false;
  ++woodbury_factorizations;
}

void LowRankSolver::capacitance_product() {
  if (!gram_mode()) {
    cap_.noalias() = -jacobian.V.transpose() * W_;
    return;
  }
  // Blocks of V^T W in the order [Gram, rest]. The Gram block G^T diag(b a/δ) G is symmetric:
  // its lower triangle through A, panel by panel, then mirrored.
  const Eigen::Index m = jacobian.gram.rank(), e = jacobian.U.cols();
  auto block = cap_.topLeftCorner(m, m);
  bd_ = jacobian.gram.b.cwiseProduct(ad_);
  gram_block_lower(jacobian.gram, bd_, block, fold_, panel_);
  for (Eigen::Index j = 0; j + 1 < m; ++j) block.row(j).tail(m - j - 1) = block.col(j).tail(m - j - 1).transpose();
  for (Eigen::Index c = 0; c < e; ++c) {
    // Gram rows of V against the rest of W; the rest of V against the Gram columns of W.
    gram_transpose_times(jacobian.gram, jacobian.gram.b, W_.col(c), fold_, cap_.col(m + c).head(m));
    gram_transpose_times(jacobian.gram, ad_, jacobian.V.col(c), fold_, s_.head(m));
    cap_.row(m + c).head(m) = s_.head(m).transpose();
  }
  if (e > 0) cap_.bottomRightCorner(e, e).noalias() = jacobian.V.transpose() * W_;
  cap_ = -cap_;
}

void LowRankSolver::apply_vt(const Vector& x, Vector& t) {
  const Eigen::Index m = jacobian.gram.rank();
  t.resize(rank());
  if (gram_mode()) gram_transpose_times(jacobian.gram, jacobian.gram.b, x, fold_, t.head(m));
  if (jacobian.U.cols() > 0) t.tail(jacobian.U.cols()).noalias() = jacobian.V.transpose() * x;
}

double LowRankSolver::residual(const Vector& b, const Vector& x) {
  apply_vt(x, t_);
  vx_.noalias() = jacobian.U * t_.tail(jacobian.U.cols());  // J x without the diagonal
  if (gram_mode()) gram_times_add(jacobian.gram, jacobian.gram.a, t_.head(jacobian.gram.rank()), atS_, vx_);
  const double scale = b.lpNorm<Eigen::Infinity>() + (delta_.cwiseProduct(x)).lpNorm<Eigen::Infinity>() +
                       vx_.lpNorm<Eigen::Infinity>();
  r_ = b - delta_.cwiseProduct(x) + vx_;
  const double res = r_.lpNorm<Eigen::Infinity>();
  return scale > 0.0 ? res / scale : res;
}

void LowRankSolver::apply_inverse(const Vector& b, Vector& x) {
  y_ = b.cwiseQuotient(delta_);
  apply_vt(y_, t_);
  capacitance_solve(t_, s_);
  x = y_;
  if (jacobian.U.cols() > 0) x.noalias() += W_ * s_.tail(jacobian.U.cols());
  // W s on the Gram columns: (a/δ) ⊙ A^T s, per copy.
  if (gram_mode()) gram_times_add(jacobian.gram, ad_, s_.head(jacobian.gram.rank()), atS_, x);
}

void LowRankSolver::capacitance_solve(const Vector& t, Vector& s) {
  if (use_llt_) {
    // [S B; R E] [s1; s2] = [t1; t2]: y = S^{-1} t1, s2 = F^{-1} (t2 − R y), s1 = y − Z s2.
    const Eigen::Index m = jacobian.gram.rank(), e = jacobian.U.cols();
    s.resize(t.size());
    s.head(m) = cap_llt_.solve(t.head(m));
    if (e > 0) {
      s.tail(e) = t.tail(e);
      s.tail(e).noalias() -= cap_.bottomLeftCorner(e, m) * s.head(m);
      se_ = F_lu_.solve(s.tail(e));
      s.tail(e) = se_;
      s.head(m).noalias() -= Z_ * s.tail(e);
    }
  } else {
    s = cap_lu_.solve(t);
  }
}

void LowRankSolver::apply_u(const Vector& s, Vector& x) {
  x.resize(n_);
  if (jacobian.U.cols() > 0)
    x.noalias() = jacobian.U * s.tail(jacobian.U.cols());
  else
    x.setZero();
  if (gram_mode()) gram_times_add(jacobian.gram, jacobian.gram.a, s.head(jacobian.gram.rank()), atS_, x);
}

bool LowRankSolver::woodbury_solve(const Vector& b, Vector& x) {
  apply_inverse(b, x);
  // The accuracy of a Woodbury solve is a property of the factorization (the conditioning of
  // the capacitance matrix), so the first solve after factor() is checked and later ones
  // trust it: the check costs two more products with the factors.
  if (verified_) return true;
  double res = residual(b, x);
  if (res <= residual_tol) return verified_ = true;
  if (!std::isfinite(res)) return false;
  // One step of iterative refinement on the residual r_.
  ++refinements;
  apply_inverse(r_, dx_);
  x += dx_;
  res = residual(b, x);
  return res <= residual_tol;  // not verified_: later solves refine and check again
}

void LowRankSolver::fall_back_to_dense() {
  ++fallbacks;
  ++dense_factorizations;
  if (Jd_.rows() != n_) {  // first fallback: size the dense workspace (allocates once)
    Jd_.resize(n_, n_);
    dense_lu_ = Eigen::PartialPivLU<Matrix>(n_);
  }
  Jd_.noalias() = -jacobian.U * jacobian.V.transpose();
  if (gram_mode()) {  // the Gram columns written out: n x n is being formed anyway
    Matrix UG(n_, jacobian.gram.rank()), VG(n_, jacobian.gram.rank());
    gram_columns(jacobian.gram, UG, VG);
    Jd_.noalias() -= UG * VG.transpose();
  }
  Jd_.diagonal() += delta_;
  dense_lu_.compute(Jd_);
  use_dense_ = true;
}

void LowRankSolver::solve(const Vector& b, Vector& x) {
  if (!use_dense_ && !woodbury_solve(b, x)) fall_back_to_dense();
  if (use_dense_) x = dense_lu_.solve(b);
}

// ---------------------------------------------------------------- LowRankRosenbrock
LowRankRosenbrock::LowRankRosenbrock(Eigen::Index n, Eigen::Index rank, double atol, double rtol)
    : atol_(atol), rtol_(rtol), solver_(n, rank) {
  for (Vector* v : {&x_, &x_old_, &xnew_, &xerr_, &xtmp_, &f0_, &f_, &g1_, &g2_, &g3_, &g4_, &g5_, &rhs_,
                    &cont3_, &cont4_})
    v->resize(n);
}

void LowRankRosenbrock::initialize(const Vector& x0, double t0, double dt0) {
  x_ = x0;
  t_ = t0;
  dt_ = dt0;
  jacobian_current_ = false;
}

// Odeint's rosenbrock4_controller::error: RMS of xerr / (atol + rtol max(|x_old|, |x_new|)).
double LowRankRosenbrock::error_norm() const {
  return std::sqrt(
      (xerr_.array() / (atol_ + rtol_ * x_.array().abs().max(xnew_.array().abs()))).square().sum() /
      double(x_.size()));
}

double LowRankRosenbrock::attempt(RosenbrockSystem& sys, double dt) {
  const bool same_factors = jacobian_current_;  // a retry after a rejected step
  if (!jacobian_current_) {
    sys.rhs(x_, f0_);
    solver_.set_jacobian(sys, x_);
    jacobian_current_ = true;
  }
  solver_.factor(1.0 / (gamma * dt), same_factors);
  const double r = 1.0 / dt;
  solver_.solve(f0_, g1_);

  xtmp_ = x_ + a21 * g1_;
  sys.rhs(xtmp_, f_);
  rhs_ = f_ + (c21 * r) * g1_;
  solver_.solve(rhs_, g2_);

  xtmp_ = x_ + a31 * g1_ + a32 * g2_;
  sys.rhs(xtmp_, f_);
  rhs_ = f_ + r * (c31 * g1_ + c32 * g2_);
  solver_.solve(rhs_, g3_);

  xtmp_ = x_ + a41 * g1_ + a42 * g2_ + a43 * g3_;
  sys.rhs(xtmp_, f_);
  rhs_ = f_ + r * (c41 * g1_ + c42 * g2_ + c43 * g3_);
  solver_.solve(rhs_, g4_);

  xtmp_ = x_ + a51 * g1_ + a52 * g2_ + a53 * g3_ + a54 * g4_;
  sys.rhs(xtmp_, f_);
  rhs_ = f_ + r * (c51 * g1_ + c52 * g2_ + c53 * g3_ + c54 * g4_);
  solver_.solve(rhs_, g5_);

  xtmp_ += g5_;
  sys.rhs(xtmp_, f_);
  rhs_ = f_ + r * (c61 * g1_ + c62 * g2_ + c63 * g3_ + c64 * g4_ + c65 * g5_);
  solver_.solve(rhs_, xerr_);
  xnew_ = xtmp_ + xerr_;
  return error_norm();
}

// rosenbrock4_controller::try_step (safety 0.9, factor bounds 1/6 and 5, the predictive
// controller after the first step, no growth right after a rejection), looped as
// rosenbrock4_dense_output::do_step does.
std::pair<double, double> LowRankRosenbrock::do_step(RosenbrockSystem& sys) {
  if (!advance(sys)) throw StepUnderflow("the step size could not be adjusted at t = " + format_number(t_));
  return {t_old_, t_};
}

bool LowRankRosenbrock::advance(RosenbrockSystem& sys) {
  constexpr double safe = 0.9, fac1 = 5.0, fac2 = 1.0 / 6.0;
  t_old_ = t_;
  for (int rejected = 0;; ++rejected) {
    if (rejected >= 500) return false;
    const double dt = dt_;
    const double err = attempt(sys, dt);
    double fac = std::max(fac2, std::min(fac1, std::pow(err, 0.25) / safe));
    double dt_new = dt / fac;
    if (err <= 1.0) {
      if (first_step_) {
        first_step_ = false;
      } else {
        const double fac_pred = std::max(fac2, std::min(fac1, (dt_old_ / dt) * std::pow(err * err / err_old_, 0.25) / safe));
        fac = std::max(fac, fac_pred);
        dt_new = dt / fac;
      }
      dt_old_ = dt;
      err_old_ = std::max(0.01, err);
      if (last_rejected_) dt_new = std::min(dt_new, dt);
      last_rejected_ = false;
      // Dense output (rosenbrock4::prepare_dense_output), then move to the new state.
      cont3_ = d21 * g1_ + d22 * g2_ + d23 * g3_ + d24 * g4_ + d25 * g5_;
      cont4_ = d31 * g1_ + d32 * g2_ + d33 * g3_ + d34 * g4_ + d35 * g5_;
      x_old_.swap(x_);
      x_.swap(xnew_);
      t_ = t_old_ + dt;
      dt_ = dt_new;
      jacobian_current_ = false;
      return true;
    }
    // A NaN error compares false above and lands here: a shorter step, as for any rejection.
    dt_ = std::isfinite(dt_new) ? dt_new : dt * fac2;
    last_rejected_ = true;
  }
}

void LowRankRosenbrock::calc_state(double t, Vector& x) const {
  const double s = (t - t_old_) / (t_ - t_old_), s1 = 1.0 - s;
  x = s1 * x_old_ + s * (x_ + s1 * (cont3_ + s * cont4_));
}

}  // namespace wnflow
