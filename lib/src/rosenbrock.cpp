#include <algorithm>
#include <cmath>
#include <wnflow/rosenbrock.hpp>

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
    : n_(n), dense_(3 * k > n) {
  if (dense_) {
    J.resize(n, n);
    Jd_.resize(n, n);
    dense_lu_ = Eigen::PartialPivLU<Matrix>(n);
  } else {
    D.resize(n);
    U.resize(n, k);
    V.resize(n, k);
    W_.resize(n, k);
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
  if (D.size() > 0 && D.maxCoeff() == D.minCoeff()) {
    // Δ = (σ − d) I: V^T Δ^{-1} U = V^T U / (σ − d). Measured at N = 400 (M = 100), the
    // product was 5M of the 5.2M instructions of a factorization of the L = 2 gradient flow.
    if (!(same_factors && unit_cap_valid_)) {
      delta_.setOnes();
      W_ = U;
      if (through_A()) ad_ = gram.a;
      capacitance_product();
      unit_cap_ = cap_;
      unit_cap_valid_ = true;
    }
    const double delta = sigma - D(0);
    delta_.setConstant(delta);
    W_ = U / delta;
    if (through_A()) ad_ = gram.a / delta;
    cap_ = unit_cap_ / delta;
  } else {
    unit_cap_valid_ = false;
    delta_ = sigma - D.array();
    W_ = delta_.cwiseInverse().asDiagonal() * U;
    if (through_A()) ad_ = gram.a.cwiseQuotient(delta_.segment(gram.row0, gram.a.size()));
    capacitance_product();
  }
  cap_.diagonal().array() += 1.0;
  cap_lu_.compute(cap_);
  verified_ = false;
  ++woodbury_factorizations;
}

void LowRankSolver::capacitance_product() {
  const Eigen::Index k = U.cols(), m = gram.rank();
  if (gram_block()) {
    // The Gram block is symmetric: only its lower triangle is formed, then mirrored. With two
    // copies (signed) it is A diag(d) A^T, d = Σ_copies b a / δ, over N rows instead of 2N;
    // with one, the explicit factors are as cheap (and measured 2% faster than through A).
    auto block = cap_.topLeftCorner(m, m);
    if (through_A()) {
      const Matrix& A = *gram.A;
      const Eigen::Index N = A.cols();
      yN_ = gram.b.head(N).cwiseProduct(ad_.head(N)) + gram.b.tail(N).cwiseProduct(ad_.tail(N));
      AD_.noalias() = A * yN_.asDiagonal();
      block.triangularView<Eigen::Lower>() = AD_ * A.transpose();
    } else {
      block.triangularView<Eigen::Lower>() = V.leftCols(m).transpose() * W_.leftCols(m);
    }
    for (Eigen::Index j = 0; j + 1 < m; ++j)
      block.row(j).tail(m - j - 1) = block.col(j).tail(m - j - 1).transpose();
    if (k > m) {  // the few other columns through the explicit factors
      cap_.rightCols(k - m).noalias() = V.transpose() * W_.rightCols(k - m);
      cap_.bottomLeftCorner(k - m, m).noalias() = V.rightCols(k - m).transpose() * W_.leftCols(m);
    }
    cap_ = -cap_;
  } else {
    cap_.noalias() = -V.transpose() * W_;
  }
}

double LowRankSolver::residual(const Vector& b, const Vector& x) {
  t_.noalias() = V.transpose() * x;
  vx_.noalias() = U * t_;  // J x without the diagonal
  const double scale = b.lpNorm<Eigen::Infinity>() + (delta_.cwiseProduct(x)).lpNorm<Eigen::Infinity>() +
                       vx_.lpNorm<Eigen::Infinity>();
  r_ = b - delta_.cwiseProduct(x) + vx_;
  const double res = r_.lpNorm<Eigen::Infinity>();
  return scale > 0.0 ? res / scale : res;
}

void LowRankSolver::apply_inverse(const Vector& b, Vector& x) {
  y_ = b.cwiseQuotient(delta_);
  const Eigen::Index k = U.cols(), m = gram.rank();
  if (through_A()) {
    // V^T y and W s on the Gram columns through A: t = A Σ_copies (b ⊙ y), W s = (a/δ) ⊙ A^T s.
    const Matrix& A = *gram.A;
    const Eigen::Index N = A.cols(), r0 = gram.row0;
    yN_ = gram.b.head(N).cwiseProduct(y_.segment(r0, N)) + gram.b.tail(N).cwiseProduct(y_.segment(r0 + N, N));
    t_.head(m).noalias() = A * yN_;
    if (k > m) t_.tail(k - m).noalias() = V.rightCols(k - m).transpose() * y_;
    s_ = cap_lu_.solve(t_);
    x = y_;
    atS_.noalias() = A.transpose() * s_.head(m);
    x.segment(r0, N) += ad_.head(N).cwiseProduct(atS_);
    x.segment(r0 + N, N) += ad_.tail(N).cwiseProduct(atS_);
    if (k > m) x.noalias() += W_.rightCols(k - m) * s_.tail(k - m);
    return;
  }
  t_.noalias() = V.transpose() * y_;
  s_ = cap_lu_.solve(t_);
  x = y_;
  x.noalias() += W_ * s_;
}

bool LowRankSolver::woodbury_solve(const Vector& b, Vector& x) {
  apply_inverse(b, x);
  // The accuracy of a Woodbury solve is a property of the factorization (the conditioning of
  // the capacitance matrix), so the first solve after factor() is checked and later ones
  // trust it: the check costs two more products with the n x k factors.
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
  Jd_.noalias() = -U * V.transpose();
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
    if (solver_.dense_mode()) {
      sys.jacobian(x_, solver_.J);
    } else {
      sys.jacobian_factors(x_, solver_.D, solver_.U, solver_.V);
      if (!sys.gram_structure(x_, solver_.gram)) solver_.gram.A = nullptr;
    }
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
bool LowRankRosenbrock::do_step(RosenbrockSystem& sys) {
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
