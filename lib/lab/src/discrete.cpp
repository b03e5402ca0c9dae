#include <wnflow/lab/discrete.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <wnflow/model/alpha_eff.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

namespace wnflow {

std::string to_string(DiscreteMethod m) {
  switch (m) {
    case DiscreteMethod::gd: return "gd";
    case DiscreteMethod::wn_gd_classic: return "wn-gd-classic";
    case DiscreteMethod::wn_gd_polar: return "wn-gd-polar";
  }
  return "?";
}

DiscreteMethod parse_discrete_method(const std::string& text) {
  if (text == "gd") return DiscreteMethod::gd;
  if (text == "wn-gd-classic") return DiscreteMethod::wn_gd_classic;
  if (text == "wn-gd-polar") return DiscreteMethod::wn_gd_polar;
  throw InputError("unknown discrete method '" + text + "' (expected gd, wn-gd-classic or wn-gd-polar)");
}

std::string to_string(DiscreteStop s) {
  switch (s) {
    case DiscreteStop::loss_tol: return "loss_tol";
    case DiscreteStop::max_iterations: return "max_iterations";
    case DiscreteStop::diverged: return "diverged";
  }
  return "?";
}

std::string to_string(StepRule r) {
  switch (r) {
    case StepRule::fixed: return "fixed";
    case StepRule::grid: return "grid";
    case StepRule::curvature: return "curvature";
  }
  return "?";
}

StepRule parse_step_rule(const std::string& text) {
  if (text == "fixed") return StepRule::fixed;
  if (text == "grid") return StepRule::grid;
  if (text == "curvature") return StepRule::curvature;
  throw InputError("unknown step rule '" + text + "' (expected fixed, grid or curvature)");
}

std::string to_string(CurvatureScale c) { return c == CurvatureScale::magnitude ? "magnitude" : "largest"; }

std::vector<double> default_step_grid() {
  std::vector<double> grid;
  for (int k = 4; k >= -28; --k) grid.push_back(std::pow(10.0, k / 4.0));
  return grid;
}

void DiscreteOptions::validate() const {
  if (max_stalled_tries < 0) throw InputError("max_stalled_tries must be >= 0, got " + std::to_string(max_stalled_tries));
  if (depth < 2) throw InputError("depth must be at least 2, got " + std::to_string(depth));
  require_positive_finite(alpha, "alpha");
  if (!(step >= 0.0) || !std::isfinite(step))
    throw InputError("step must be 0 (search the grid) or a positive finite number, got " + format_number(step));
  if (step > 0.0 && !step_grid.empty()) throw InputError("give either a fixed step or a step_grid, not both");
  if (step > 0.0 && step_rule == StepRule::curvature)
    throw InputError("give either a fixed step or the curvature step rule, not both");
  if (step == 0.0 && step_rule == StepRule::fixed) throw InputError("step rule fixed needs a step > 0");
  if (step_rule == StepRule::curvature && !step_grid.empty())
    throw InputError("step_grid applies to the grid step rule, not to curvature");
  if (!(step_fraction > 0.0 && step_fraction <= 1.0))
    throw InputError("step_fraction must be in (0, 1], got " + format_number(step_fraction));
  for (double h : step_grid) require_positive_finite(h, "step_grid entry");
  require_positive_finite(eta_r, "eta_r");
  require_positive_finite(eta_s, "eta_s");
  if (ratio) require_positive_finite(*ratio, "ratio");
  if (v0_norm) require_positive_finite(*v0_norm, "v0_norm");
  if (max_iterations < 1) throw InputError("max_iterations must be at least 1, got " + std::to_string(max_iterations));
  require_positive_finite(loss_tol, "loss_tol");
  if (!(divergence_factor > 1.0) || !std::isfinite(divergence_factor))
    throw InputError("divergence_factor must be a finite number above 1, got " + format_number(divergence_factor));
  // eta_r/eta_s have defaults, so only a value away from 1 can be told apart from "not given".
  switch (method) {
    case DiscreteMethod::gd:
      if (ratio) throw InputError("ratio applies to the WN-GD methods only");
      if (v0_norm) throw InputError("v0_norm applies to wn-gd-classic only");
      if (eta_r != 1.0 || eta_s != 1.0) throw InputError("eta_r/eta_s apply to wn-gd-polar only (GD runs at rate 1; set step)");
      break;
    case DiscreteMethod::wn_gd_classic:
      if (eta_r != 1.0 || eta_s != 1.0) throw InputError("classic WN-GD runs at rate 1: use v0_norm or ratio, not eta_r/eta_s");
      if (ratio && v0_norm) throw InputError("give either ratio or v0_norm for wn-gd-classic, not both");
      break;
    case DiscreteMethod::wn_gd_polar:
      if (v0_norm) throw InputError("v0_norm applies to wn-gd-classic only");
      if (ratio && eta_s != 1.0) throw InputError("give either ratio or eta_s for wn-gd-polar, not both (ratio sets eta_s)");
      break;
  }
}

DiscreteIteration::DiscreteIteration(const DiagonalNetwork& net, const DiscreteOptions& o, double step)
    : net_(&net), method_(o.method), h_(step) {
  require_positive_finite(step, "step");
  const Eigen::Index n = net.n(), N = net.N(), M = net.M();
  w_ = Vector::Constant(n, o.alpha);
  p_.resize(n);
  x_.resize(N);
  e_.resize(M);
  g_.resize(N);
  G_.resize(n);
  grad_w_.resize(n);
  r0_ = wnflow::initial_radius(net, o.alpha);
  const Eigen::Index m = method_ == DiscreteMethod::gd ? n : n + 1;
  z_.resize(m);
  kz_.resize(m);
  for (Eigen::Index i = 0; i < m; ++i) z_[i] = 1.0 + double(i) / double(m);  // generic, deterministic
  for (Vector* v : {&du_, &hu_, &hw_, &tv_, &btx_, &wl1_, &wl2_}) v->resize(n);
  bx_.resize(N);
  atx_.resize(N);
  ax_.resize(M);
  switch (method_) {
    case DiscreteMethod::gd: break;
    case DiscreteMethod::wn_gd_classic:
      // Same parameterization as ClassicWeightNormFlow: gamma(0) = |w(0)|, v(0) along 1.
      v0_norm_ = classic_v0_norm(o.v0_norm, o.ratio, r0_);
      eta_r_ = 1.0;
      eta_s_ = 1.0 / (v0_norm_ * v0_norm_);  // the polar flow classic WN follows
      radius_ = r0_;
      dir_ = Vector::Constant(n, v0_norm_ / std::sqrt(double(n)));
      tangent_.resize(n);
      break;
    case DiscreteMethod::wn_gd_polar:
      eta_r_ = o.eta_r;
      eta_s_ = o.ratio ? WeightNormRates::from_ratio(*o.ratio, r0_, o.eta_r).eta_s : o.eta_s;
      radius_ = r0_;
      dir_ = Vector::Constant(n, 1.0 / std::sqrt(double(n)));
      tangent_.resize(n);
      break;
  }
}

double DiscreteIteration::evaluate() {
  const int L = net_->depth();
  // w^{L-2} by products for L <= 4 (a vectorized pow costs about 20x as much), then w^{L-1}
  // and w^L; products and pow with an integral exponent are exact in sign, so negative
  // weights are handled as written. The powers are kept for the Hessian-vector product.
  if (L == 2)
    wl2_.setOnes();
  else if (L == 3)
    wl2_ = w_;
  else if (L == 4)
    wl2_ = w_.cwiseProduct(w_);
  else
    wl2_ = w_.array().pow(double(L - 2));
  wl1_ = wl2_.cwiseProduct(w_);
  p_ = wl1_.cwiseProduct(w_);
  net_->combine(p_, x_);
  net_->residual(x_, e_);
  net_->gradient(e_, g_);
  net_->lift(g_, G_);
  grad_w_ = double(L) * wl1_.cwiseProduct(G_);
  return 0.5 * e_.squaredNorm();
}

void DiscreteIteration::update_w() {
  if (method_ == DiscreteMethod::wn_gd_classic)
    w_ = (radius_ / dir_.norm()) * dir_;
  else
    w_ = radius_ * dir_;
}

void DiscreteIteration::step() {
  switch (method_) {
    case DiscreteMethod::gd:
      w_.noalias() -= h_ * grad_w_;
      return;
    case DiscreteMethod::wn_gd_classic: {
      // Both partials at the old (gamma, v); the v-gradient is orthogonal to v, which is why
      // |v|^2 grows by exactly h^2 |grad_v|^2 per step.
      const double vn = dir_.norm();
      const double d_gamma = grad_w_.dot(dir_) / vn;
      tangent_ = (radius_ / vn) * (grad_w_ - (d_gamma / vn) * dir_);
      radius_ -= h_ * d_gamma;
      dir_.noalias() -= h_ * tangent_;
      update_w();
      return;
    }
    case DiscreteMethod::wn_gd_polar: {
      // ∂_r ℓ = <∇_w ℓ, s>, ∇_s ℓ = r ∇_w ℓ, both at the old (r, s); the sphere is restored
      // by normalizing, not by a retraction-free step.
      const double d_r = grad_w_.dot(dir_);
      tangent_ = radius_ * (grad_w_ - d_r * dir_);
      radius_ -= h_ * eta_r_ * d_r;
      dir_.noalias() -= (h_ * eta_s_) * tangent_;
      dir_ /= dir_.norm();
      update_w();
      return;
    }
  }
}

void DiscreteIteration::hessian_w(const Vector& u, Vector& out) {
  // ∇²ℓ(w) u = L(L−1) w^{L−2} ⊙ G ⊙ u + J_wᵀ J_w u with J_w = A B diag(L w^{L−1}) (theory §1.4).
  const double L = double(net_->depth());
  du_ = L * wl1_.cwiseProduct(u);
  net_->combine(du_, bx_);
  matvec(net_->problem().A, bx_, ax_);
  matvec_transpose(net_->problem().A, ax_, atx_);
  net_->lift(atx_, btx_);
  out = (L * (L - 1.0) * wl2_.array() * G_.array() * u.array() + L * wl1_.array() * btx_.array()).matrix();
}

void DiscreteIteration::project(Vector& z) const {
  if (method_ == DiscreteMethod::wn_gd_polar) {
    auto t = z.tail(dir_.size());
    t -= dir_.dot(t) * dir_;
  }
}

void DiscreteIteration::curvature_product(const Vector& z, Vector& out) {
  const Eigen::Index n = w_.size();
  switch (method_) {
    case DiscreteMethod::gd:
      hessian_w(z, out);
      return;
    case DiscreteMethod::wn_gd_polar: {
      // (rho, sigma) = D^{1/2} z; dw = rho s + r sigma. Riemannian Hessian on R x S^{n-1}:
      // r-part <s, H dw> + <g, sigma>; s-part P_s(r H dw + rho g) − r <s, g> sigma.
      const double a = std::sqrt(eta_r_), b = std::sqrt(eta_s_);
      const double rho = a * z[0];
      const auto sigma = z.tail(n);
      hw_ = rho * dir_ + (radius_ * b) * sigma;
      hessian_w(hw_, hu_);
      const double sg = dir_.dot(grad_w_);
      out[0] = a * (dir_.dot(hu_) + b * grad_w_.dot(sigma));
      const double radial = radius_ * dir_.dot(hu_) + rho * sg;  // <s, r H dw + rho g>
      out.tail(n) = b * (radius_ * hu_ + rho * grad_w_ - radial * dir_ - (radius_ * sg * b) * sigma);
      return;
    }
    case DiscreteMethod::wn_gd_classic: {
      // Euclidean Hessian of f(gamma, v) = ℓ(gamma v/|v|), derived in theory §1.4.
      const double nv = dir_.norm(), dg = z[0];
      const auto dv = z.tail(n);
      const double a = dir_.dot(dv) / nv;          // <v̂, dv>
      tv_ = dv - (a / nv) * dir_;                   // t = P dv
      hw_ = (dg / nv) * dir_ + (radius_ / nv) * tv_;  // dw
      hessian_w(hw_, hu_);                          // u = H_w dw
      const double gv = grad_w_.dot(dir_) / nv, gt = grad_w_.dot(tv_), uv = hu_.dot(dir_) / nv;
      out[0] = uv + gt / nv;
      // (gamma/nv) P u + (dg/nv) P g − (gamma/nv²)(gt v̂ + a P g + gv t), P x = x − <v̂, x> v̂
      const double c1 = radius_ / nv, c2 = radius_ / (nv * nv);
      out.tail(n) = c1 * hu_ + (dg / nv - c2 * a) * grad_w_ - c2 * gv * tv_ +
                    ((-c1 * uv - (dg / nv - c2 * a) * gv - c2 * gt) / nv) * dir_;
      return;
    }
  }
}

double DiscreteIteration::power(double shift, int max_products, double tol, bool norm) {
  project(z_);
  double nz = z_.norm();
  if (!(nz > 0.0) || !std::isfinite(nz)) {
    for (Eigen::Index i = 0; i < z_.size(); ++i) z_[i] = 1.0 + double(i) / double(z_.size());
    project(z_);
    nz = z_.norm();
  }
  z_ /= nz;
  double mu = NAN;
  for (int k = 0; k < max_products; ++k) {
    curvature_product(z_, kz_);
    ++products_;
    const double m = z_.dot(kz_);  // Rayleigh quotient of K at the unit z
    if (!std::isfinite(m)) return m;
    kz_ += shift * z_;
    project(kz_);  // against rounding drift off the tangent space
    const double nk = kz_.norm();
    const double estimate = norm ? nk : m;
    if (!(nk > 0.0)) return estimate;
    z_ = kz_ / nk;
    const bool settled = k > 0 && std::abs(estimate - mu) <= tol * std::abs(estimate);
    mu = estimate;
    if (settled) break;
  }
  return mu;
}

double DiscreteIteration::spectral_radius(int max_products, double tol) { return power(0.0, max_products, tol, true); }

double DiscreteIteration::lambda_max(int max_products, double tol) {
  double m = power(shift_, max_products, tol);
  if (!(m < 0.0)) return m;
  // The negative end dominates K + shift I: shift by its magnitude, so that K + shift I is
  // positive semidefinite and its dominant eigenvalue is lambda_max + shift, and restart from
  // the generic vector (z_ is now the negative eigenvector, orthogonal to the one sought).
  const double magnitude = -m;
  shift_ = std::max(shift_, magnitude);
  z_.setZero();
  const double top = power(shift_, max_products, tol);
  return top > 0.0 ? top : magnitude;
}

namespace {

// Curvature rule (docs/theory.md §1.4): power-iteration budget per refresh, its tolerance, the
// relative change of lambda that counts as "settled", and the longest refresh interval.
constexpr int curvature_products = 50;
constexpr double curvature_tol = 1e-3, curvature_settled = 0.1;
constexpr long curvature_max_interval = 64;

// One run at a fixed step, or under the curvature rule (h is then replaced at every refresh).
DiscreteSummary run_fixed(const DiagonalNetwork& net, const DiscreteOptions& o, double h, bool curvature = false) {
  DiscreteIteration it(net, o, h);
  DiscreteSummary out;
  out.method = o.method;
  out.rule = curvature ? StepRule::curvature : StepRule::fixed;
  out.step = h;
  out.min_weight = it.w().minCoeff();
  long k = 0;
  double loss = it.evaluate();
  out.initial_loss = loss;
  const double limit = o.divergence_factor * loss;
  // Curvature: the refresh interval starts at 1, doubles (to curvature_max_interval) after a
  // refresh that moved lambda by less than curvature_settled relative, and falls back to 1 when
  // lambda moved more or the loss rose since the previous iterate.
  long interval = 1, next_refresh = 0;
  double lambda = NAN, previous_loss = loss;
  for (;; ++k) {
    if (!std::isfinite(loss) || !it.w().allFinite() || loss > limit) {
      out.stop = DiscreteStop::diverged;
      break;
    }
    if (loss <= o.loss_tol) {
      out.stop = DiscreteStop::loss_tol;
      break;
    }
    if (k == o.max_iterations) {
      out.stop = DiscreteStop::max_iterations;
      break;
    }
    if (k == o.max_iterations / 2) out.half_loss = loss;
    if (curvature) {
      const bool rose = loss > previous_loss;
      if (k == next_refresh || rose) {
        const double fresh = o.curvature == CurvatureScale::magnitude
                                 ? it.spectral_radius(curvature_products, curvature_tol)
                                 : it.lambda_max(curvature_products, curvature_tol);
        const bool settled = std::isfinite(lambda) && std::abs(fresh - lambda) <= curvature_settled * std::abs(fresh);
        interval = settled && !rose ? std::min(2 * interval, curvature_max_interval) : 1;
        lambda = fresh;
        next_refresh = k + interval;
        ++out.curvature_refreshes;
        if (k == 0) out.lambda_initial = lambda;
        out.lambda_final = lambda;
        it.set_step(o.step_fraction * 2.0 / lambda);
        const double hk = it.step_size();
        out.step_min = k == 0 ? hk : std::min(out.step_min, hk);
        out.step_max = k == 0 ? hk : std::max(out.step_max, hk);
      }
      previous_loss = loss;
    }
    it.step();
    const double m = it.w().minCoeff();
    if (m < 0.0) ++out.negative_iterations;
    out.min_weight = std::min(out.min_weight, m);
    loss = it.evaluate();
  }
  out.converged = out.stop == DiscreteStop::loss_tol;
  out.iterations = k;
  if (curvature) out.step = it.step_size();
  out.hvp_evals = it.curvature_products();
  out.grad_evals = k + 1 + out.hvp_evals;
  out.search_grad_evals = out.grad_evals;
  out.loss = loss;
  out.x = it.x();
  out.w = it.w();
  if (o.method != DiscreteMethod::gd) {
    out.eta_r = it.eta_r();
    out.eta_s = it.eta_s();
    const double r = out.w.norm();
    // A diverged run has no meaningful scale: NaN, not the closed form at a runaway radius.
    if (out.stop != DiscreteStop::diverged && std::isfinite(r) && r > 0.0)
      out.alpha_eff = std::exp(log_alpha_eff(o.alpha, r, it.initial_radius(), it.eta_r(), it.eta_s()));
  }
  if (o.method == DiscreteMethod::wn_gd_classic) out.v_norm_growth = it.v().norm() / it.v0_norm();
  out.tried_steps = {h};
  return out;
}

}  // namespace

DiscreteSummary run_discrete(const Problem& problem, const DiscreteOptions& o) {
  validate(problem);
  o.validate();
  const auto start = std::chrono::steady_clock::now();
  const DiagonalNetwork net(problem, o.sign, o.depth);
  DiscreteSummary out;
  if (o.rule() == StepRule::fixed) {
    out = run_fixed(net, o, o.step);
  } else if (o.rule() == StepRule::curvature) {
    // The placeholder step 1 is replaced at the first refresh, before any update.
    out = run_fixed(net, o, 1.0, /*curvature=*/true);
    out.tried_steps.clear();
  } else {
    std::vector<double> grid = o.step_grid.empty() ? default_step_grid() : o.step_grid;
    std::sort(grid.begin(), grid.end(), std::greater<double>());
    std::vector<double> tried;
    // Largest first: the first step that reaches loss_tol is the answer. Any other outcome
    // (diverged, or out of iterations, e.g. a bounded oscillation) moves on to a smaller step,
    // except that after max_stalled_tries tries in a row that ran out of iterations while still
    // making progress the search stops: a smaller step then only needs more iterations.
    int stalled = 0;
    long spent = 0;
    for (double h : grid) {
      out = run_fixed(net, o, h);
      spent += out.grad_evals;
      tried.push_back(h);
      if (out.converged) break;
      // Only a try that was still making progress counts as stalled (its loss at least halved
      // over the second half of its iterations): a smaller step then only needs more. A try
      // that ran out while oscillating or stuck says nothing about smaller steps.
      stalled = out.stop == DiscreteStop::max_iterations && out.loss <= 0.5 * out.half_loss ? stalled + 1 : 0;
      if (o.max_stalled_tries > 0 && stalled >= o.max_stalled_tries) break;
    }
    out.tried_steps = tried;
    out.searched = true;
    out.rule = StepRule::grid;
    out.search_grad_evals = spent;
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::string DiscreteSummary::report() const {
  std::ostringstream o;
  o << to_string(method) << ": ";
  if (searched) {
    if (converged)
      o << "step search chose h = " << step << " (the largest of " << tried_steps.size()
        << " tried, largest first, that converged)\n";
    else
      o << "step search FAILED: none of the " << tried_steps.size()
        << " steps tried converged; the last, h = " << step << ", is shown\n";
  } else if (rule == StepRule::curvature) {
    o << "curvature rule h = c 2/scale: scale " << lambda_initial << " at w(0), " << lambda_final << " at the last of "
      << curvature_refreshes << " refreshes; steps " << step_min << " .. " << step_max << "\n";
  } else {
    o << "fixed step h = " << step << "\n";
  }
  o << "stop: " << to_string(stop) << (converged ? " (converged)" : " (NOT converged)") << " after " << iterations
    << " iterations\n";
  o << "loss " << initial_loss << " -> " << loss << "\n";
  o << "gradient evaluations " << grad_evals << " (" << hvp_evals << " of them Hessian-vector products)";
  if (searched) o << ", " << search_grad_evals << " over the whole search";
  o << "\n";
  if (std::isfinite(alpha_eff))
    o << "eta_r = " << eta_r << ", eta_s = " << eta_s << ", alpha_eff (closed form at r = |w|) = " << alpha_eff << "\n";
  if (std::isfinite(v_norm_growth)) o << "|v_k|/|v_0| = " << v_norm_growth << " (grows in discrete time)\n";
  if (left_positive_orthant())
    o << "weights left the positive orthant at " << negative_iterations << " iterates (min weight " << min_weight
      << ")\n";
  else
    o << "weights stayed in the positive orthant (min weight " << min_weight << ")\n";
  return o.str();
}

}  // namespace wnflow
