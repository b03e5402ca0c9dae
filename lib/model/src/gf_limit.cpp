#include <wnflow/model/errors.hpp>
#include <wnflow/model/gf_limit.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <sstream>
#include <vector>

// Scaled dual variable λ and state (docs/theory.md §4.5):
//   L = 2:  λ = μ;  per branch c (σ = +1 for w or u, -1 for v) the state is
//           z_c = log(w_c²/α²) = σ Aᵀλ, and w_c^L = α² exp(z_c).
//   L > 2:  μ = -α^{2-L} λ;  the state is z_c = (w_c/α)^{2-L} = 1 - σ Aᵀλ > 0, i.e. the
//           domain is the fixed set {1 - σ Aᵀλ > 0} whatever α, and w_c^L = α^L z_c^{-k},
//           k = L/(L-2).
// With these signs the convex dual is F(λ) = Σ_c Σ_i Φ(z_ci) - yᵀλ with ∇F = A x - y:
//   L = 2:  Φ = α² exp(z)                 (the entropy potential's conjugate)
//   L > 2:  Φ = (L-2)/2 α^L z^{-2/(L-2)}  (= (L-2)/2 w^L z, a barrier at z = 0)
// and Hessian A diag(h) Aᵀ with h = Σ_c w_c^L (L = 2) or Σ_c k w_c^L / z_c (L > 2).
//
// The state is updated incrementally, z_c += β ∂z_c/∂λ · g with g = AᵀΔ taken from the
// factorization (newton_step), never recomputed from λ:
// at small α the support entries of z (L > 2) are ~α^{L-2} while Aᵀλ is O(1), and
// recomputing 1 - Aᵀλ would cancel away every digit. Incremental updates keep each entry
// accurate relative to itself; rounding only perturbs the mirror invariant at the level of
// eps · |z - z(0)|, which is the best a double representation can do anyway.
// The central variable d = Aᵀλ is carried as well: at large α, for P± x = u^L - v^L is O(1)
// while u^L, v^L ~ α^L, and x is evaluated from d in a cancellation-free form; for P+ (L > 2)
// d resolves x = α^L (1 - d)^{-k} more finely than z = 1 - d can.

namespace wnflow {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// Levenberg-Marquardt ridge γ = kRidge ||Ax - y|| on the Newton system (see newton_step) and
// the fraction-to-boundary of the exact line search. Tuned on Gaussian instances (N = 60 and
// 400, L = 2..6, α = 1e-9..1e3): these removed every failure and kept L <= 4 under ~150
// Newton steps; the ridge vanishes with the residual, so the local convergence stays fast.
constexpr double kRidge = 1e-4;
constexpr double kToBoundary = 0.99;

std::string format(double v) {
  std::ostringstream out;
  out.precision(3);
  out << v;
  return out.str();
}

class DualFamily {
 public:
  DualFamily(Sign sign, int depth, double alpha, Eigen::Index N)
      : L_(depth), k_(depth > 2 ? double(depth) / (depth - 2) : 1.0),
        log_alpha_(std::log(alpha)), alpha_(alpha), alpha_L_(std::pow(alpha, depth)),
        branches_(sign == Sign::positive ? 1 : 2), N_(N) {
    // λ = 0 is w = α·1 for every case.
    z_.assign(branches_, Vector::Constant(N, L_ == 2 ? 0.0 : 1.0));
    d_ = Vector::Zero(N);
  }

  int branches() const { return branches_; }
  static double sigma(int c) { return c == 0 ? 1.0 : -1.0; }

  // dz_c / d(Aᵀλ) = σ (L = 2) or -σ (L > 2).
  double slope(int c) const { return L_ == 2 ? sigma(c) : -sigma(c); }

  // w_c^L = α^L f(z), f = exp(z) (L = 2) or z^{-k} (L > 2).
  Vector power(int c) const {
    Vector p(N_);
    for (Eigen::Index i = 0; i < N_; ++i) {
      const double z = z_[c](i);
      p(i) = L_ == 2 ? scaled(alpha_L_, L_ * log_alpha_, std::exp(z), z)
                     : scaled(alpha_L_, L_ * log_alpha_, std::pow(z, -k_), -k_ * std::log(z));
    }
    return p;
  }

  // w_c = α exp(z/2) (L = 2) or α z^{-1/(L-2)} (L > 2).
  Vector weights(int c) const {
    Vector w(N_);
    for (Eigen::Index i = 0; i < N_; ++i) {
      const double z = z_[c](i);
      const double e = L_ == 2 ? 0.5 : -1.0 / (L_ - 2);
      w(i) = L_ == 2 ? scaled(alpha_, log_alpha_, std::exp(e * z), e * z)
                     : scaled(alpha_, log_alpha_, std::pow(z, e), e * std::log(z));
    }
    return w;
  }

  // x = B(w^L); for P± from the central variable where the two branches nearly cancel.
  Vector x() const {
    if (branches_ == 1) {
      Vector x = power(0);
      // Near w = α·1 (large α) z = 1 - d carries only the absolute precision of 1; d itself
      // resolves x = α^L (1 - d)^{-k} to an ulp.
      if (L_ > 2)
        for (Eigen::Index i = 0; i < N_; ++i)
          if (std::abs(d_(i)) < 0.5)
            x(i) = scaled(alpha_L_, L_ * log_alpha_, std::exp(-k_ * std::log1p(-d_(i))),
                          -k_ * std::log1p(-d_(i)));
      return x;
    }
    Vector x = power(0) - power(1);
    for (Eigen::Index i = 0; i < N_; ++i) {
      const double d = d_(i);
      if (std::abs(d) >= 0.5) continue;  // the branches differ by a factor >= e^{1/2}
      if (L_ == 2) {  // α² (e^d - e^{-d})
        const double f = 2.0 * std::sinh(d);
        x(i) = d == 0.0 ? 0.0 : std::copysign(scaled(alpha_L_, L_ * log_alpha_, std::abs(f), std::log(std::abs(f))), f);
      } else {  // α^L ((1-d)^{-k} - (1+d)^{-k}) = 2 α^L (1-d²)^{-k/2} sinh(k atanh d)
        const double f = 2.0 * std::pow(1.0 - d * d, -0.5 * k_) * std::sinh(k_ * std::atanh(d));
        x(i) = d == 0.0 ? 0.0 : std::copysign(scaled(alpha_L_, L_ * log_alpha_, std::abs(f), std::log(std::abs(f))), f);
      }
    }
    return x;
  }

  // Diagonal of the dual Hessian A diag(h) Aᵀ.
  Vector curvature() const {
    Vector h = Vector::Zero(N_);
    for (int c = 0; c < branches_; ++c) {
      if (L_ == 2)
        h += power(c);
      else
        h += (k_ * power(c).array() / z_[c].array()).matrix();
    }
    return h;
  }

  // Supremum of the β keeping every z_c + β slope_c g inside the domain (L > 2: z > 0).
  double domain_limit(const Vector& g) const {
    double beta = std::numeric_limits<double>::infinity();
    if (L_ == 2) return beta;
    for (int c = 0; c < branches_; ++c)
      for (Eigen::Index i = 0; i < N_; ++i) {
        const double dz = slope(c) * g(i);
        if (dz < 0.0) beta = std::min(beta, -z_[c](i) / dz);
      }
    return beta;
  }

  // d/dβ Σ Φ(z + β slope g) = x(β)ᵀ g (Φ' = ±w^L with the sign absorbed by slope).
  // +inf outside the domain or on overflow, so that bisection treats it as "too far".
  double potential_derivative(const Vector& g, double beta) const {
    double sum = 0.0;
    for (int c = 0; c < branches_; ++c)
      for (Eigen::Index i = 0; i < N_; ++i) {
        const double z = z_[c](i) + beta * slope(c) * g(i);
        double p;
        if (L_ == 2) {
          p = scaled(alpha_L_, L_ * log_alpha_, std::exp(z), z);
        } else {
          if (!(z > 0.0)) return std::numeric_limits<double>::infinity();
          p = scaled(alpha_L_, L_ * log_alpha_, std::pow(z, -k_), -k_ * std::log(z));
        }
        sum += sigma(c) * p * g(i);
      }
    return std::isfinite(sum) ? sum : std::numeric_limits<double>::infinity();
  }

  // Σ Φ(z + β slope g) - Σ Φ(z), each term in a cancellation-free form (expm1/log1p), and
  // the sum of the magnitudes of the terms (for the rounding slack). NaN outside the domain.
  std::pair<double, double> potential_change(const Vector& g, double beta) const {
    double change = 0.0, magnitude = 0.0;
    for (int c = 0; c < branches_; ++c) {
      const Vector p = power(c);
      for (Eigen::Index i = 0; i < N_; ++i) {
        const double dz = beta * slope(c) * g(i);
        double term;
        if (L_ == 2) {
          term = p(i) * std::expm1(dz);
        } else {
          const double r = dz / z_[c](i);
          if (!(r > -1.0)) return {std::numeric_limits<double>::quiet_NaN(), 0.0};
          term = 0.5 * (L_ - 2) * p(i) * z_[c](i) * std::expm1(-2.0 / (L_ - 2) * std::log1p(r));
        }
        change += term;
        magnitude += std::abs(term);
      }
    }
    return {change, magnitude};
  }

  void step(const Vector& g, double beta) {
    for (int c = 0; c < branches_; ++c) z_[c] += (beta * slope(c)) * g;
    d_ += beta * g;
  }

 private:
  // scale · f, with f's log given: the plain product is more accurate than exp of a sum of
  // logs (exp amplifies the absolute rounding of its argument), the logs survive where the
  // product leaves the normal range (α^L under/overflowing for extreme α and L).
  static double scaled(double scale, double log_scale, double f, double log_f) {
    const double v = scale * f;
    return std::isnormal(v) ? v : std::exp(log_scale + log_f);
  }

  int L_;
  double k_, log_alpha_, alpha_, alpha_L_;
  int branches_;
  Eigen::Index N_;
  std::vector<Vector> z_;  // L = 2: log(w_c²/α²) = σ Aᵀλ;  L > 2: (w_c/α)^{2-L} = 1 - σ Aᵀλ
  Vector d_;               // Aᵀλ
};

// Newton step for H Δ = -r, H = A diag(h) Aᵀ = K Kᵀ with K = A diag(√h).
//
// At small α, h spans many decades (support curvature ≫ 1, off-support down to ~α^L) and
// two things go wrong with the obvious route: forming H rounds the off-support part away,
// and the state increment g = AᵀΔ is a cancellation (Δ is large along the weak directions
// while g must be tiny on the support). Instead: a Householder QR of Kᵀ, rows sorted by
// decreasing size and columns pivoted, Kᵀ P = Q R, which is row-wise backward stable (each
// coordinate's curvature is perturbed only relative to itself). With w = R^{-T} Pᵀ(-r):
//   Δ = P R^{-1} w,   √h ⊙ g = Q w  (the minimum-norm solution of K v = -r),
// so g comes out accurate entry by entry, and the Newton decrement is rᵀH^{-1}r = |w|².
// The ridge (extra rows √γ I, so RᵀR = H + γI) keeps Δ bounded along directions whose
// curvature is below γ ~ |r|: there H's Newton step would chase rounding noise with huge
// dual moves that the domain then clips, stalling every other direction too.
// Fallback when R is singular: Cholesky of the formed H with a growing ridge.
struct NewtonStep {
  Vector delta;      // Δ
  Vector g;          // AᵀΔ
  double decrement;  // rᵀ (H + γI)^{-1} r = -rᵀΔ > 0
};

NewtonStep newton_step(const Matrix& A, const Vector& h, const Vector& r, double ridge) {
  const Eigen::Index M = A.rows(), N = A.cols();
  // Rows 0..N-1: √h_i A_iᵀ; rows N..N+M-1: √ridge e_jᵀ (Levenberg-Marquardt).
  const Eigen::Index rows = ridge > 0.0 ? N + M : N;
  const auto row_size = [&](Eigen::Index k) {
    return k < N ? h(k) * A.col(k).squaredNorm() : ridge;
  };
  std::vector<Eigen::Index> order(rows);
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return row_size(a) > row_size(b); });
  Matrix Kt = Matrix::Zero(rows, M);
  for (Eigen::Index k = 0; k < rows; ++k) {
    const Eigen::Index i = order[k];
    if (i < N)
      Kt.row(k) = std::sqrt(h(i)) * A.col(i).transpose();
    else
      Kt(k, i - N) = std::sqrt(ridge);
  }
  const Eigen::ColPivHouseholderQR<Matrix> qr(Kt);
  if (rows >= M && (qr.matrixR().diagonal().head(M).array() != 0.0).all()) {
    const auto R = qr.matrixR().topLeftCorner(M, M).triangularView<Eigen::Upper>();
    Vector w = qr.colsPermutation().transpose() * (-r);
    R.transpose().solveInPlace(w);
    Vector t = w;
    R.solveInPlace(t);
    NewtonStep step{qr.colsPermutation() * t, Vector(N), w.squaredNorm()};
    Vector v = Vector::Zero(rows);
    v.head(M) = w;
    v = qr.householderQ() * v;
    for (Eigen::Index k = 0; k < rows; ++k) {
      const Eigen::Index i = order[k];
      if (i >= N) continue;
      const double s = std::sqrt(h(i));
      step.g(i) = s > 0.0 ? v(k) / s : A.col(i).dot(step.delta);
    }
    if (step.delta.allFinite() && step.g.allFinite() && step.decrement > 0.0) return step;
  }
  Matrix H = A * h.asDiagonal() * A.transpose();
  H.diagonal().array() += ridge;
  const double base = 1e-15 * H.diagonal().maxCoeff();
  for (int attempt = 0; attempt < 12; ++attempt) {
    Matrix Hr = H;
    if (attempt > 0) Hr.diagonal().array() += base * std::pow(100.0, attempt - 1);
    const Eigen::LLT<Matrix> llt(Hr);
    if (llt.info() != Eigen::Success) continue;
    NewtonStep step{llt.solve(-r), Vector(), 0.0};
    step.g = A.transpose() * step.delta;
    step.decrement = -r.dot(step.delta);
    if (step.delta.allFinite() && step.decrement > 0.0) return step;
  }
  throw NumericalError("gf_limit: the dual Hessian A diag(h) A^T is numerically singular");
}

}  // namespace

GfLimit gf_limit(const Problem& problem, Sign sign, int depth, double alpha,
                 const GfLimitOptions& options) {
  validate(problem);
  if (depth < 2) throw InputError("depth L must be an integer >= 2, got " + std::to_string(depth));
  if (!(alpha > 0.0) || !std::isfinite(alpha))
    throw InputError("alpha must be a positive finite number, got " + format(alpha));
  if (!(options.tolerance > 0.0) || options.max_iterations < 0)
    throw InputError("gf_limit options: tolerance must be > 0 and max_iterations >= 0");
  const Matrix& A = problem.A;
  const Vector& y = problem.y;
  const double y_norm = y.norm();
  if (y_norm == 0.0) throw InputError("gf_limit: y = 0, the relative residual is undefined");
  const Eigen::Index N = A.cols();
  const Matrix A_abs = A.cwiseAbs();

  DualFamily family(sign, depth, alpha, N);
  Vector lambda = Vector::Zero(A.rows());
  GfLimit out;
  int at_floor = 0;  // consecutive iterations spent at the rounding floor
  struct Best {
    GfLimit out;
    DualFamily family;
    Vector lambda;
  };
  std::optional<Best> best;  // the smallest residual seen at the floor
  for (int it = 0;; ++it) {
    out.x = family.x();
    const Vector r = A * out.x - y;
    out.residual = r.norm() / y_norm;
    out.residual_floor =
        double(N + 2) * kEps * (A_abs * out.x.cwiseAbs() + y.cwiseAbs()).norm() / y_norm;
    out.iterations = it;
    if (!std::isfinite(out.residual))
      throw NumericalError("gf_limit: non-finite residual after " + std::to_string(it) +
                           " Newton steps (alpha = " + format(alpha) + ")");
    out.certified = out.residual <= options.tolerance;
    if (out.certified) break;
    // Below the floor further steps only shuffle rounding errors; give Newton a few tries
    // (it normally reaches the tolerance in one or two), then return the best of them.
    at_floor = out.residual <= out.residual_floor ? at_floor + 1 : 0;
    if (at_floor > 0 && (!best || out.residual < best->out.residual)) best = Best{out, family, lambda};
    if (at_floor > 3) {
      out = best->out;
      family = best->family;
      lambda = best->lambda;
      break;
    }
    if (it == options.max_iterations)
      throw NumericalError("gf_limit: Newton did not converge in " + std::to_string(it) +
                           " iterations: relative residual " + format(out.residual) +
                           " > tolerance " + format(options.tolerance) +
                           (sign == Sign::positive
                                ? " (for P+ the limit needs a strictly positive z with Az = y)"
                                : ""));

    const NewtonStep newton = newton_step(A, family.curvature(), r, kRidge * r.norm());
    const Vector& g = newton.g;
    const Vector& delta = newton.delta;
    const double slope = -newton.decrement;  // directional derivative of F along Δ
    // yᵀΔ = xᵀg - rᵀΔ: computed from the accurate g, not as a cancelling dot with Δ.
    const double y_delta = out.x.dot(g) + newton.decrement;
    const double y_delta_abs = out.x.cwiseAbs().dot(g.cwiseAbs()) + newton.decrement;
    // Line search on φ(β) = F(λ + βΔ) - F(λ), convex, φ'(0) = -decrement.
    // 1. The full Newton step, if inside the domain and it passes Armijo (φ evaluated
    //    termwise, cancellation-free) -- or, once the decrease is below the rounding noise
    //    of φ and F cannot judge any more, if it reduces the residual we certify.
    // 2. Otherwise (far from the solution, where the step overshoots or leaves the domain)
    //    the exact minimizer on (0, min(1, 0.99 β_domain)) by bisection on the increasing
    //    φ' = x(β)ᵀg - yᵀΔ. The 0.99 (no z shrinks more than 100x per step) matters at
    //    tiny α: the unrestricted minimizer can sit 1e-11 from the barrier with one x_i
    //    blown up to 1e8, and undoing that costs dozens of steps.
    // 3. Last resort near the rounding floor: halving with the same acceptance as 1.
    const auto acceptable = [&](double beta) {
      const auto [change, magnitude] = family.potential_change(g, beta);
      const double dF = change - beta * y_delta;
      if (!std::isfinite(dF)) return false;
      const double noise = 16.0 * kEps * (magnitude + beta * y_delta_abs);
      if (dF <= 1e-4 * beta * slope && dF < -noise) return true;
      if (dF > noise) return false;
      DualFamily trial = family;
      trial.step(g, beta);
      return (A * trial.x() - y).norm() / y_norm < out.residual;
    };
    const double beta_domain = family.domain_limit(g);
    double beta = 1.0;
    bool accepted = beta_domain > 1.0 && acceptable(1.0);
    if (!accepted) {
      double lo = 0.0, hi = std::min(1.0, kToBoundary * beta_domain);
      for (int k = 0; k < 200 && lo < hi; ++k) {
        const double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi) break;
        (family.potential_derivative(g, mid) - y_delta < 0.0 ? lo : hi) = mid;
      }
      beta = lo;
      accepted = beta > 0.0 && acceptable(beta);
    }
    if (!accepted)
      for (beta = 0.5 * std::min(1.0, beta_domain); beta > 1e-30; beta *= 0.5)
        if ((accepted = acceptable(beta))) break;
    if (!accepted) {
      if (out.residual <= out.residual_floor) break;
      throw NumericalError("gf_limit: line search failed at relative residual " +
                           format(out.residual) + " (floor " + format(out.residual_floor) + ")");
    }
    family.step(g, beta);
    lambda += beta * delta;
  }

  out.weights.resize(family.branches() * N);
  for (int c = 0; c < family.branches(); ++c) out.weights.segment(c * N, N) = family.weights(c);
  if (depth == 2)
    out.mu = lambda;
  else
    out.mu = -std::exp((2.0 - depth) * std::log(alpha)) * lambda;
  return out;
}

}  // namespace wnflow
