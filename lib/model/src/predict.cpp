#include <wnflow/model/alpha_eff.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/predict.hpp>

#include <algorithm>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <sstream>

namespace wnflow {

void PredictOptions::validate(double alpha) const {
  if (scan_points < 2) throw InputError("--scan-points must be at least 2, got " + std::to_string(scan_points));
  const double lo = std::log10(alpha) - bracket_decades_below, hi = std::log10(alpha) + bracket_decades_above;
  if (!(bracket_decades_below >= 0.0) || !(lo >= -300))
    throw InputError("--bracket-below " + format_number(bracket_decades_below) +
                     ": must be >= 0, and alpha / 10^this must not underflow the double range");
  if (!(bracket_decades_above >= 0.0) || !(hi <= 300))
    throw InputError("--bracket-above " + format_number(bracket_decades_above) +
                     ": must be >= 0, and alpha * 10^this must not overflow the double range");
}
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

std::string format(double v) {
  std::ostringstream out;
  out << std::setprecision(4) << v;
  return out.str();
}

void check_options(const PredictOptions& o) {
  if (o.scan_points < 2) throw InputError("predict: scan_points must be >= 2, got " + std::to_string(o.scan_points));
  const auto nonneg = [](double v, const std::string& name) {
    if (!(v >= 0.0) || !std::isfinite(v)) throw InputError("predict: " + name + " must be finite and >= 0, got " + format(v));
  };
  nonneg(o.bracket_decades_below, "bracket_decades_below");
  nonneg(o.bracket_decades_above, "bracket_decades_above");
  if (!(o.bracket_decades_below + o.bracket_decades_above > 0.0))
    throw InputError("predict: the bracket is empty (decades below + above must be > 0)");
  if (!(o.tolerance > 0.0) || !std::isfinite(o.tolerance))
    throw InputError("predict: tolerance must be a positive finite number, got " + format(o.tolerance));
}

// F(u) = u - log α_eff(α, ρ(e^u), r0, rates): the T3 equation in u = log β. Its value is a
// difference of logs, so |F| is the relative mismatch between β and the α_eff it implies.
class AlphaEffEquation {
 public:
  AlphaEffEquation(const Problem& p, const FlowOptions& f, const PredictOptions& o, double r0, WeightNormRates rates)
      : problem_(&p), flow_(&f), options_(&o), r0_(r0), rates_(rates) {}

  GfLimit limit(double u) const {
    return gf_limit(*problem_, flow_->sign, flow_->depth, std::exp(u), options_->dual);
  }
  double residual_of(double u, const GfLimit& g) const {
    return u - log_alpha_eff(flow_->alpha, g.weights.norm(), r0_, rates_);
  }
  double operator()(double u) const { return residual_of(u, limit(u)); }
  // As operator(), but a dual solve that fails (NumericalError) gives NaN: one bad grid point
  // must not sink the scan. Input errors still propagate.
  double try_at(double u) const {
    try {
      return (*this)(u);
    } catch (const NumericalError&) {
      return std::numeric_limits<double>::quiet_NaN();
    }
  }

 private:
  const Problem* problem_;
  const FlowOptions* flow_;
  const PredictOptions* options_;
  double r0_;
  WeightNormRates rates_;
};

// A root of f on [a, b], f(a) f(b) < 0, by Boost.Math's TOMS 748 (Alefeld, Potra & Shi:
// inverse cubic and quadratic steps inside a bracket that always shrinks), to a bracket of
// width tol (absolute in u, plus 2 ulp of |u|); the end with the smaller |f| is returned.
template <class F>
double refine_root(const F& f, double a, double fa, double b, double fb, double tol) {
  double f_lo = fa, f_hi = fb;
  const auto checked = [&](double u) {
    const double v = f(u);
    if (!std::isfinite(v)) throw NumericalError("predict: non-finite alpha_eff residual at beta = " + format(std::exp(u)));
    return v;
  };
  const auto narrow = [&](double lo, double hi) {
    return std::abs(hi - lo) <= 2.0 * kEps * std::max(std::abs(lo), std::abs(hi)) + tol;
  };
  std::uintmax_t iterations = 300;
  const auto [lo, hi] = boost::math::tools::toms748_solve(checked, a, b, fa, fb, narrow, iterations);
  if (lo == a) f_lo = fa; else if (lo != b) f_lo = checked(lo);
  if (hi == b) f_hi = fb; else if (hi != a) f_hi = checked(hi);
  return std::abs(f_lo) <= std::abs(f_hi) ? lo : hi;
}

}  // namespace

Prediction predict_limit(const Problem& problem, const FlowOptions& flow, const PredictOptions& options) {
  validate(problem);
  flow.validate();
  check_options(options);
  // No scalar equation fixes the limit when u and v carry their own radii (docs/theory.md
  // §3.10): it depends on the path and must be integrated.
  if (flow.normalize == Normalize::separate)
    throw InputError("no prediction for --normalize separate: its limit depends on the path through r_u/r_v "
                     "(docs/theory.md §3.10); integrate it with wnflow run");
  Prediction out;

  if (flow.kind == FlowKind::gf) {  // T1: the limit is X_L(α); nothing to solve for β
    const GfLimit g = gf_limit(problem, flow.sign, flow.depth, flow.alpha, options.dual);
    out.x = g.x;
    out.weights = g.weights;
    out.alpha_eff = flow.alpha;
    out.magnification = 1.0;
    out.radius = g.weights.norm();
    out.roots = {flow.alpha};
    out.residual = 0.0;
    out.dual_residual = g.residual;
    return out;
  }

  const DiagonalNetwork net(problem, flow.sign, flow.depth);
  const double r0 = initial_radius(net, flow.alpha);
  const WeightNormRates rates = resolve_rates(flow, r0);
  const AlphaEffEquation F(problem, flow, options, r0, rates);

  // Scan.
  const double u_alpha = std::log(flow.alpha);
  const double lo = u_alpha - options.bracket_decades_below * std::log(10.0);
  const double hi = u_alpha + options.bracket_decades_above * std::log(10.0);
  const int n = options.scan_points;
  std::vector<double> u(n), f(n);
  for (int i = 0; i < n; ++i) {
    u[i] = i + 1 == n ? hi : lo + (hi - lo) * double(i) / double(n - 1);
    f[i] = F.try_at(u[i]);
  }

  // Every sign change between neighbouring finite values (a failed dual solve leaves a gap
  // that is bridged), refined; exact zeros on the grid are roots too.
  std::vector<double> roots_u;
  int previous = -1;  // index of the last finite value
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(f[i])) continue;
    if (f[i] == 0.0) {
      roots_u.push_back(u[i]);
    } else if (previous >= 0 && f[previous] != 0.0 && (f[previous] < 0.0) != (f[i] < 0.0)) {
      roots_u.push_back(refine_root(F, u[previous], f[previous], u[i], f[i], options.tolerance));
    }
    previous = i;
  }
  if (roots_u.empty()) {
    const int bad = int(std::count_if(f.begin(), f.end(), [](double v) { return !std::isfinite(v); }));
    std::ostringstream msg;
    msg << "no root of the alpha_eff equation in [" << format(std::exp(lo)) << ", " << format(std::exp(hi))
        << "]: F(beta) = log beta - log alpha_eff(rho(beta)) is " << format(f.front()) << " at the lower end and "
        << format(f.back()) << " at the upper end";
    if (bad > 0) msg << " (" << bad << " of " << n << " scan points had a failed dual solve)";
    // F -> -inf as beta -> 0 and +inf as beta -> inf, so one sign at both ends says which way
    // the root lies. Below the bracket rho(beta) has usually saturated and F has slope ~1 in
    // log beta, which locates the root roughly.
    if (f.front() > 0.0 && f.back() > 0.0)
      msg << "; the root lies below the bracket (near log10 beta ~ " << format((lo - f.front()) / std::log(10.0))
          << " if rho has saturated there): widen the bracket below";
    else if (f.front() < 0.0 && f.back() < 0.0)
      msg << "; the root lies above the bracket: widen the bracket above";
    throw NumericalError(msg.str());
  }

  // Several roots (never seen so far, see the header): keep the one nearest log α, since
  // α_eff(t) starts at α and moves continuously from there.
  const double u_sel = *std::min_element(roots_u.begin(), roots_u.end(), [&](double a, double b) {
    return std::abs(a - u_alpha) < std::abs(b - u_alpha);
  });
  const GfLimit g = F.limit(u_sel);
  out.x = g.x;
  out.weights = g.weights;
  out.alpha_eff = std::exp(u_sel);
  out.magnification = std::exp(u_alpha - u_sel);
  out.radius = g.weights.norm();
  for (double r : roots_u) out.roots.push_back(std::exp(r));
  out.residual = std::abs(F.residual_of(u_sel, g));
  out.dual_residual = g.residual;
  return out;
}

std::string Prediction::report() const {
  std::ostringstream o;
  o << std::setprecision(10);
  o << "predicted limit: alpha_eff = " << alpha_eff << ", magnification alpha/alpha_eff = " << magnification
    << ", radius r_inf = " << radius << "\n";
  o << "roots of the alpha_eff equation (" << roots.size() << "):";
  for (double r : roots) o << " " << r;
  o << "\n" << std::setprecision(3);
  o << "residuals: alpha_eff equation " << residual << " (relative), dual solve |Ax - y|/|y| = " << dual_residual
    << "\n";
  o << std::setprecision(10) << "|x|_1 = " << x.lpNorm<1>() << "\n";
  return o.str();
}

}  // namespace wnflow
