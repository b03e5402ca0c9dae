#include <wnflow/model/errors.hpp>
#include <wnflow/model/large_alpha.hpp>
#include <wnflow/model/network.hpp>

#include <Eigen/Cholesky>
#include <algorithm>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <sstream>

namespace wnflow {
namespace {

std::string format(double v) {
  std::ostringstream out;
  out << std::setprecision(4) << v;
  return out.str();
}

void check_options(const LargeAlphaOptions& o) {
  require_positive_finite(o.tolerance, "large-alpha tolerance");
  require_positive_finite(o.direction_tolerance, "large-alpha direction_tolerance");
  require_positive_finite(o.max_scale, "large-alpha max_scale");
  require_positive_finite(o.min_scale, "large-alpha min_scale");
  if (!(o.min_scale < o.max_scale)) throw InputError("large-alpha: min_scale must be below max_scale");
  if (o.max_iterations < 1) throw InputError("large-alpha: max_iterations must be >= 1");
}

// The homogeneous dual of docs/theory.md §3.9: ξ(λ) with g = Aᵀλ,
//   L = 2:  ξ = exp(g),                 f(λ) = Σ exp(g_i)              = Σ ξ_i^{2/L}
//   L > 2:  ξ = (1 + g)^{-k}, k = L/(L-2), f(λ) = (1/(k-1)) Σ (1+g_i)^{1-k} = (1/(k-1)) Σ ξ_i^{2/L}
// on 1 + g > 0; ∇f = ±A ξ and the Hessian is A diag(h) Aᵀ with h = ξ (L = 2) or k ξ/(1+g).
// The minimizer has A ξ = 0 and min f ∝ N κ∞².
struct Homogeneous {
  int L;
  double k;
  double value_of(const Vector& g) const {  // mean_i ξ_i^{2/L}
    if (L == 2) return g.array().exp().mean();
    if ((1.0 + g.array() <= 0.0).any()) return std::numeric_limits<double>::infinity();
    return (1.0 + g.array()).pow(1.0 - k).mean();
  }
  Vector xi(const Vector& g) const {
    if (L == 2) return g.array().exp().matrix();
    return (1.0 + g.array()).pow(-k).matrix();
  }
  Vector curvature(const Vector& g) const {
    if (L == 2) return xi(g);
    return (k * (1.0 + g.array()).pow(-k - 1.0)).matrix();
  }
  // The sign of ∇f = sign · A ξ.
  double gradient_sign() const { return L == 2 ? 1.0 : -1.0; }
};

// G(u) = u - log ρ(e^u) + ½ log n - q/2 with ρ = |W_L(e^u)|: the T3 equation at r0 = ∞.
class SaturationEquation {
 public:
  SaturationEquation(const Problem& p, Sign sign, int depth, double q, double n, const GfLimitOptions& o)
      : problem_(&p), sign_(sign), depth_(depth), q_(q), half_log_n_(0.5 * std::log(n)), options_(&o) {}
  GfLimit limit(double u) const {
    ++evaluations;
    return gf_limit(*problem_, sign_, depth_, std::exp(u), *options_);
  }
  double residual_of(double u, const GfLimit& g) const { return u - std::log(g.weights.norm()) + half_log_n_ - 0.5 * q_; }
  double operator()(double u) const { return residual_of(u, limit(u)); }
  mutable int evaluations = 0;

 private:
  const Problem* problem_;
  Sign sign_;
  int depth_;
  double q_, half_log_n_;
  const GfLimitOptions* options_;
};

}  // namespace

LargeAlphaDirection large_alpha_direction(const Problem& problem, Sign sign, int depth, const LargeAlphaOptions& options) {
  validate(problem);
  check_options(options);
  if (depth < 2) throw InputError("depth L must be an integer >= 2, got " + std::to_string(depth));
  LargeAlphaDirection out;
  const Eigen::Index N = problem.cols(), M = problem.rows();
  if (sign == Sign::signed_) {
    // u = v = β 1 solves A(u^L - v^L) = 0 and is the β -> ∞ limit; κ(β) >= 1 throughout
    // (docs/theory.md §3.9), so the infimum κ∞ = 1 is the limit and q_c = 0.
    out.xi = Vector::Zero(N);
    out.kappa = 1.0;
    out.critical_ratio = 0.0;
    return out;
  }
  const Homogeneous H{depth, depth > 2 ? double(depth) / (depth - 2) : 1.0};
  const Matrix& A = problem.A;
  const Matrix absA = A.cwiseAbs();
  Vector lambda = Vector::Zero(M), g = Vector::Zero(N);
  double f = H.value_of(g);
  // Below this mean the dual is heading to its infimum 0 along a ray: by Gordan's alternative
  // some d has Aᵀd > 0, i.e. A has no strictly positive null vector, κ∞ = 0.
  constexpr double kUnbounded = 1e-30;
  for (int it = 0;; ++it) {
    const Vector xi = H.xi(g);
    const Vector grad = H.gradient_sign() * (A * xi);
    out.residual = grad.norm() / std::max((absA * xi).norm(), std::numeric_limits<double>::min());
    out.iterations = it;
    if (out.residual <= options.direction_tolerance) break;
    if (f < kUnbounded) {
      out.bounded = false;
      break;
    }
    if (it >= options.max_iterations)
      throw NumericalError("large-alpha direction: Newton reached |A xi|/||A| xi| = " + format(out.residual) +
                           " after " + std::to_string(it) + " steps (target " + format(options.direction_tolerance) + ")");
    const Vector h = H.curvature(g);
    Matrix hess = A * h.asDiagonal() * A.transpose();
    // A tiny ridge keeps the factorization defined when ξ has underflowed in places.
    hess.diagonal().array() += 1e-14 * hess.diagonal().maxCoeff();
    const Vector step = hess.ldlt().solve(-grad);
    const Vector dg = A.transpose() * step;
    double s = 1.0;
    if (depth > 2)  // stay inside 1 + g > 0
      for (Eigen::Index i = 0; i < N; ++i)
        if (dg(i) < 0.0) s = std::min(s, 0.99 * (1.0 + g(i)) / -dg(i));
    // Directional derivative of the mean (value_of = f (k-1)/N for L > 2, f/N for L = 2).
    const double slope = grad.dot(step) * (depth > 2 ? H.k - 1.0 : 1.0) / double(N);
    double f_new = H.value_of(g + s * dg);
    int halvings = 0;
    while (!(f_new <= f + 1e-4 * s * slope) && halvings < 60) {
      s *= 0.5;
      f_new = H.value_of(g + s * dg);
      ++halvings;
    }
    if (!(f_new <= f)) {
      // No decrease is left to find: the iterate sits at the rounding floor of f.
      if (out.residual <= 1e3 * options.direction_tolerance) break;
      throw NumericalError("large-alpha direction: the line search stalled at |A xi|/||A| xi| = " + format(out.residual));
    }
    lambda += s * step;
    g = A.transpose() * lambda;
    f = H.value_of(g);
  }
  out.xi = out.bounded ? H.xi(g) : Vector::Zero(N);
  const double kappa2 = out.bounded ? H.value_of(g) : 0.0;
  out.kappa = std::sqrt(kappa2);
  out.critical_ratio = out.bounded ? -std::log(kappa2) : std::numeric_limits<double>::infinity();
  return out;
}

double critical_ratio(const Problem& problem, Sign sign, int depth, const LargeAlphaOptions& options) {
  return large_alpha_direction(problem, sign, depth, options).critical_ratio;
}

SaturatedLimit large_alpha_limit(const Problem& problem, const FlowOptions& flow, const LargeAlphaOptions& options) {
  validate(problem);
  check_options(options);
  if (flow.kind != FlowKind::wn)
    throw InputError("alpha = inf applies to --flow wn (polar weight normalization) only, not " + to_string(flow.kind));
  if (flow.schedule != Schedule::constant_rates)
    throw InputError("alpha = inf needs --schedule constant-rates: under constant-ratio alpha_eff grows like alpha");
  if (flow.eta_s)
    throw InputError("alpha = inf needs the ratio q (--ratio), not --eta-s: q = eta_s r(0)^2/eta_r is infinite at r(0) = inf");
  if (flow.v0_norm) throw InputError("--v0-norm applies to --flow wn-classic only");
  if (flow.eta != 1.0) throw InputError("--eta applies to --flow gf only (use --eta-r/--eta-s)");
  if (flow.normalize == Normalize::separate)
    throw InputError("alpha = inf has no prediction for --normalize separate (docs/theory.md §3.10)");
  if (flow.eta_r) require_positive_finite(*flow.eta_r, "eta_r");
  const double q = flow.ratio.value_or(1.0);
  require_positive_finite(q, "ratio q");
  if (flow.depth < 2) throw InputError("depth L must be an integer >= 2, got " + std::to_string(flow.depth));

  const LargeAlphaDirection dir = large_alpha_direction(problem, flow.sign, flow.depth, options);
  SaturatedLimit out;
  out.ratio = q;
  out.critical_ratio = dir.critical_ratio;
  out.kappa = dir.kappa;
  if (!(q < dir.critical_ratio))
    throw NumericalError("no cap at alpha = inf: q = " + format(q) + " is not below the threshold q_c = " +
                         format(dir.critical_ratio) + " of this instance (kappa_inf = " + format(dir.kappa) +
                         "), so alpha_eff grows like alpha sqrt(1 - q_c/q) e^{q_c/2}");

  const DiagonalNetwork net(problem, flow.sign, flow.depth);
  const SaturationEquation G(problem, flow.sign, flow.depth, q, double(net.n()), options.dual);
  // G is strictly increasing in u (κ(β) strictly decreasing, docs/theory.md §3.9): walk from
  // β = 1 by decades to a sign change, then refine.
  const double step = std::log(10.0), u_min = std::log(options.min_scale), u_max = std::log(options.max_scale);
  const auto at = [&](double u) {
    try {
      return G(u);
    } catch (const NumericalError& e) {
      throw NumericalError("alpha = inf: the dual solve at beta = " + format(std::exp(u)) + " failed (" + e.what() +
                           "); q = " + format(q) + ", q_c = " + format(dir.critical_ratio));
    }
  };
  double a = std::clamp(0.0, u_min, u_max), fa = at(a);
  double b = a, fb = fa;
  while (fb < 0.0) {  // the root is above
    a = b, fa = fb;
    if (b >= u_max)
      throw NumericalError("alpha = inf: beta_inf lies above " + format(options.max_scale) + " (q = " + format(q) +
                           " is close to the threshold q_c = " + format(dir.critical_ratio) + ")");
    b = std::min(b + step, u_max);
    fb = at(b);
  }
  while (fa > 0.0) {  // the root is below
    b = a, fb = fa;
    if (a <= u_min)
      throw NumericalError("alpha = inf: beta_inf lies below " + format(options.min_scale) + " (q = " + format(q) + ")");
    a = std::max(a - step, u_min);
    fa = at(a);
  }
  double u = a;
  if (fa != 0.0 && fb != 0.0) {
    const double tol = options.tolerance;
    const auto narrow = [tol](double lo, double hi) { return std::abs(hi - lo) <= tol; };
    std::uintmax_t iterations = 300;
    const auto [lo, hi] = boost::math::tools::toms748_solve(at, a, b, fa, fb, narrow, iterations);
    u = 0.5 * (lo + hi);
  } else if (fa != 0.0) {
    u = b;
  }
  const GfLimit g = G.limit(u);
  constexpr double h = 1e-4;  // central difference: error O(h²) relative, ample for a rate
  out.slope = (at(u + h) - at(u - h)) / (2.0 * h);
  Prediction& p = out.limit;
  p.x = g.x;
  p.weights = g.weights;
  p.alpha_eff = std::exp(u);
  p.magnification = std::numeric_limits<double>::infinity();
  p.radius = g.weights.norm();
  p.roots = {p.alpha_eff};
  p.residual = std::abs(G.residual_of(u, g));
  p.dual_residual = g.residual;
  out.evaluations = G.evaluations;
  return out;
}

std::string SaturatedLimit::report() const {
  std::ostringstream o;
  o << std::setprecision(10);
  o << "saturated limit (alpha = inf): alpha_eff = beta_inf = " << limit.alpha_eff << ", radius r_inf = " << limit.radius
    << "\n";
  o << "ratio q = " << ratio << " below the threshold q_c = " << critical_ratio << " (kappa_inf = " << kappa << ")\n";
  o << "slope of the saturation equation G'(log beta_inf) = " << slope << "\n";
  o << std::setprecision(3) << "residuals: saturation equation " << limit.residual
    << " (relative), dual solve |Ax - y|/|y| = " << limit.dual_residual << "\n";
  o << std::setprecision(10) << "|x|_1 = " << limit.x.lpNorm<1>() << "\n";
  return o.str();
}

double finite_alpha_shift(const SaturatedLimit& s, double alpha) {
  const double n = double(s.limit.weights.size());
  return 0.5 * s.ratio * s.limit.radius * s.limit.radius / (n * alpha * alpha * s.slope);
}

double uncapped_growth(double q, double q_c) {
  if (!(q > q_c)) return 0.0;
  return std::sqrt(1.0 - q_c / q) * std::exp(0.5 * q_c);
}

double constant_ratio_growth(double q, double q_c) {
  if (std::isinf(q_c)) return q < 1.0 ? 0.0 : q > 1.0 ? std::numeric_limits<double>::infinity() : 1.0;
  return std::exp(-0.5 * q_c * (1.0 - q) / q);
}

}  // namespace wnflow
