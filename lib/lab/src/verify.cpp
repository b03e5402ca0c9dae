// The theorem-check suite (verify.hpp). Each case builds its own instance and flows, so
// cases run side by side on the process's thread pool; rows are emitted in the fixed order of
// the case list.
// Statements, derivations and tolerances: docs/verification.md.
#include <wnflow/lab/verify.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/thread_pool.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/model/invariants.hpp>
#include <wnflow/model/l1.hpp>
#include <wnflow/model/l1_bounds.hpp>
#include <wnflow/model/large_alpha.hpp>
#include <wnflow/model/local_rate.hpp>
#include <wnflow/solve/rate_fit.hpp>
#include <wnflow/model/predict.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

namespace wnflow {

// ---------------------------------------------------------------------------------------------
// Verdicts and rows

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "PASS";
    case Verdict::fail: return "FAIL";
    case Verdict::skip: return "SKIP";
  }
  return "?";
}

std::string to_string(Kind k) { return k == Kind::identity ? "identity" : "evidence"; }

std::string Check::label() const {
  return kind == Kind::identity && verdict == Verdict::pass ? "IDENT" : to_string(verdict);
}

Verdict judge(double predicted, double measured, double tolerance, Rule rule) {
  if (std::isnan(predicted) || std::isnan(measured) || std::isnan(tolerance) || !std::isfinite(measured))
    return Verdict::fail;
  switch (rule) {
    case Rule::difference: return std::abs(measured - predicted) <= tolerance ? Verdict::pass : Verdict::fail;
    case Rule::relative:
      return std::abs(measured - predicted) <= tolerance * std::abs(predicted) ? Verdict::pass : Verdict::fail;
    case Rule::at_most: return measured <= predicted * (1.0 + tolerance) ? Verdict::pass : Verdict::fail;
  }
  return Verdict::fail;
}

namespace {

std::string fmt(double v, int precision = 3) {
  if (std::isnan(v)) return "-";
  std::ostringstream o;
  o << std::setprecision(precision) << v;
  return o.str();
}

std::string violation(double predicted, double measured, double tolerance, Rule rule) {
  if (std::isnan(predicted) || std::isnan(measured) || std::isnan(tolerance) || !std::isfinite(measured))
    return "a compared value is not finite (predicted " + fmt(predicted) + ", measured " + fmt(measured) + ")";
  switch (rule) {
    case Rule::difference:
      return "|measured - predicted| = " + fmt(std::abs(measured - predicted)) + " > tolerance " + fmt(tolerance);
    case Rule::relative:
      return "relative difference " + fmt(std::abs(measured - predicted) / std::abs(predicted)) + " > tolerance " +
             fmt(tolerance);
    case Rule::at_most:
      return "measured " + fmt(measured, 8) + " exceeds the bound " + fmt(predicted, 8) + " by the relative " +
             fmt(measured / predicted - 1.0);
  }
  return "";
}

}  // namespace

Check make_check(std::string statement, std::string instance, double predicted, double measured, double tolerance,
                 Rule rule, std::string note) {
  Check c;
  c.statement = std::move(statement);
  c.instance = std::move(instance);
  c.predicted = predicted;
  c.measured = measured;
  c.tolerance = tolerance;
  c.verdict = judge(predicted, measured, tolerance, rule);
  c.note = std::move(note);
  if (c.verdict == Verdict::fail) {
    const std::string why = violation(predicted, measured, tolerance, rule);
    c.note = c.note.empty() ? why : why + "; " + c.note;
  }
  return c;
}

Check skipped(std::string statement, std::string instance, std::string reason) {
  Check c;
  c.statement = std::move(statement);
  c.instance = std::move(instance);
  c.verdict = Verdict::skip;
  c.note = std::move(reason);
  return c;
}

Check as_identity(Check c) {
  c.kind = Kind::identity;
  c.statement += " (by construction)";
  return c;
}

Check lp_certificate_check(const Matrix& A, const Vector& y, Sign sign, const Vector& x, const Vector& lambda,
                           std::string instance) {
  const std::string statement = "LP value = dual certificate y^T lambda, x feasible";
  if (A.rows() != y.size() || A.cols() != x.size() || A.rows() != lambda.size())
    throw InputError("lp_certificate_check: A is " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()) +
                     ", y has " + std::to_string(y.size()) + ", x " + std::to_string(x.size()) + ", lambda " +
                     std::to_string(lambda.size()) + " entries");
  const bool positive = sign == Sign::positive;
  // Weak duality (docs/theory.md §0.3): for feasible z and Aᵀλ <= 1 (|Aᵀλ| <= 1), the
  // objective at z is >= λᵀAz = yᵀλ; λ scaled into the dual feasible set gives a rigorous lower
  // bound, and a *feasible* x attaining it is optimal. Without feasibility of x the equality
  // proves nothing (a point off Az = y can have any objective).
  const Vector atl = A.transpose() * lambda;
  const double dual_scale = positive ? atl.maxCoeff() : atl.cwiseAbs().maxCoeff();
  const double lower = y.dot(lambda) / std::max(1.0, dual_scale);
  const double objective = positive ? x.sum() : x.lpNorm<1>();
  const double residual = (A * x - y).norm() / std::max(y.norm(), std::numeric_limits<double>::min());
  const double most_negative = positive && x.size() > 0 ? std::min(0.0, x.minCoeff()) : 0.0;
  const double x_scale = x.size() > 0 ? x.cwiseAbs().maxCoeff() : 0.0;
  std::string note = "primal |Ax - y|/|y| " + fmt(residual) + (positive ? ", min x " + fmt(most_negative) : "") +
                     ", max " + std::string(positive ? "" : "|") + "A^T lambda" + (positive ? "" : "|") + " " +
                     fmt(dual_scale, 10);
  Check c = make_check(statement, std::move(instance), objective, lower, kDualGapTol, Rule::relative, note);
  std::string why;
  if (!(residual <= kPrimalTol))
    why = "primal infeasible: |Ax - y|/|y| = " + fmt(residual) + " > " + fmt(kPrimalTol);
  if (!(most_negative >= -kPrimalTol * x_scale))
    why += (why.empty() ? "" : "; ") + std::string("primal infeasible: min x = ") + fmt(most_negative) + " < -" +
           fmt(kPrimalTol) + " max|x|";
  if (!why.empty()) {
    c.verdict = Verdict::fail;
    c.note = why + "; " + c.note;
  }
  return c;
}

namespace {

Check failed(std::string statement, std::string instance, std::string reason) {
  Check c = skipped(std::move(statement), std::move(instance), std::move(reason));
  c.verdict = Verdict::fail;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Tolerances (docs/verification.md gives the reasons)

constexpr double kInvariantTol = 1e-8;   // I1–I4: max residual along the trajectory
constexpr double kLimitTol = 1e-7;       // T1, T2, C5, classic = polar: relative ‖Δx‖, relative α_eff
constexpr double kPredictTol = 1e-6;     // T3: predictor vs ODE
constexpr double kLpLimitTol = 1e-6;     // LP: lim α→0 ‖X_3(α)‖₁ = τ*
constexpr double kTinyAlpha = 1e-9;      // ... evaluated at this α
constexpr double kBoundSlack = 1e-9;     // T4: relative slack on an upper bound (rounding of τ, τ*)
constexpr double kRateTol = 0.05;        // T5: fitted rate vs λ_min(A P Aᵀ), relative
constexpr double kLengthSlack = 1e-3;    // T6: metric path length vs its Łojasiewicz bound (discretization)
constexpr double kAccuracyMargin = 1e4;  // T6: compared lengths are >= 1e4 rtol |w log w| (the integration error)
// T6: remaining path length vs √(2ℓ/λ): as T5, faster modes left in the window shorten the path
// by about half their share of the loss slope (measured up to 1.2%, typically < 1e-4).
constexpr double kWindowTol = 0.05;
const char* const kT6Bound = "T6 path length <= int sqrt(2/mu) d(-sqrt loss)";
const char* const kT6Window = "T6 path length still to go = sqrt(2 loss/lambda)";

IntegrateOptions limit_options() {
  IntegrateOptions o;
  o.rtol = 1e-11;
  o.atol = 1e-14;
  o.loss_tol = 1e-26;
  o.t_max = 1e8;
  return o;
}

double relative_difference(const Vector& measured, const Vector& reference) {
  const double scale = reference.norm();
  return scale > 0 ? (measured - reference).norm() / scale : (measured - reference).norm();
}

std::string not_converged(const RunResult& r) {
  std::ostringstream o;
  o << (r.usable() ? "" : "integration failed: ") << "flow did not converge (stop " << to_string(r.summary.stop_reason) << ", loss " << fmt(r.loss) << " at t = "
    << fmt(r.summary.t) << (r.summary.message.empty() ? "" : ": " + r.summary.message) << ")";
  return o.str();
}

std::string sign_label(Sign s) { return s == Sign::positive ? "P+" : "P±"; }

std::string instance_label(const InstanceSpec& spec) {
  std::ostringstream o;
  o << sign_label(spec.sign) << " N=" << spec.N << " M=" << spec.M << " s=" << spec.sparsity << " seed=" << spec.seed;
  return o.str();
}

std::string flow_label(const FlowOptions& f) {
  std::ostringstream o;
  o << "L=" << f.depth << " alpha=" << fmt(f.alpha, 4) << " " << to_string(f.kind);
  if (f.kind == FlowKind::wn) {
    if (f.ratio) o << " q=" << fmt(*f.ratio, 4);
    if (f.eta_r) o << " eta_r=" << fmt(*f.eta_r, 4);
    if (f.eta_s) o << " eta_s=" << fmt(*f.eta_s, 4);
    if (f.schedule == Schedule::constant_ratio) o << " constant-ratio";
  }
  if (f.kind == FlowKind::wn_classic) {
    if (f.v0_norm) o << " |v0|=" << fmt(*f.v0_norm, 4);
    if (f.ratio) o << " q=" << fmt(*f.ratio, 4);
  }
  return o.str();
}

// β read off a point w by the mirror invariant: Π[Ψ(w) − Ψ(β1)] = 0 means ΠΨ(w) = Ψ(β) Π1, so
// Ψ(β) = ⟨Π1, Ψ(w)⟩ / ‖Π1‖² (Π symmetric and idempotent). Ψ(β) = log β (L = 2), β^{2−L} (L > 2).
double alpha_read_off(const DiagonalNetwork& net, const Vector& w) {
  const NullSpaceProjector proj(net);
  const Vector p1 = proj.apply(Vector::Ones(net.n()));
  const Vector psi = mirror_potential(w.array().log().matrix(), net.depth());
  const double value = p1.dot(psi) / p1.squaredNorm();
  if (net.depth() == 2) return std::exp(value);
  return std::exp(std::log(value) / double(2 - net.depth()));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Checks on one finished run

std::vector<Check> limit_checks(const Problem& problem, const RunResult& run, const std::string& instance) {
  const FlowOptions& f = run.flow;
  // I1 is an identity by construction (docs/theory.md §2.4): the flows integrate log w (polar)
  // or (log γ, log v) (classic), and s = w/|w| or v/|v| is computed from them, so | |s| − 1 |
  // is rounding whatever the integration does. Shown, not counted. I2 (|v| is not normalized)
  // and I3/I4 (nonlinear in the integrated coordinates, or through α_eff(r)) can fail.
  struct Invariant {
    std::string name;
    double value;
    bool identity;
  };
  std::vector<Invariant> invariants;
  switch (f.kind) {
    case FlowKind::gf: invariants = {{"I3 GF mirror invariant (max residual)", run.max_mirror, false}}; break;
    case FlowKind::wn:
      invariants = {{"I1 polar WN |s| = 1", run.max_sphere, true},
                    {"I4 WN twisted mirror invariant (max residual)", run.max_mirror, false}};
      break;
    case FlowKind::wn_classic:
      invariants = {{"I1 classic WN |v/|v|| = 1", run.max_sphere, true},
                    {"I2 classic WN |v(t)| = |v(0)| (max residual)", run.max_v_norm, false},
                    {"I4 WN twisted mirror invariant (max residual)", run.max_mirror, false}};
      break;
  }
  const auto mark = [](Check c, bool identity) { return identity ? as_identity(std::move(c)) : c; };
  const std::string limit_statement =
      f.kind == FlowKind::gf ? "T1 GF ODE limit = dual X_L(alpha)" : "T2 WN ODE limit = X_L(alpha_eff measured)";
  const bool polar = f.kind == FlowKind::wn;
  const std::string ae = "AE alpha_eff: integrated log phi = closed form";
  const bool c5 = f.kind == FlowKind::wn && f.schedule == Schedule::constant_ratio;
  const std::string c5_alpha = "C5 alpha_eff = alpha (r/r0)^(1-q) vs mirror read-off";
  const std::string c5_limit = "C5 WN ODE limit = X_L(alpha (r/r0)^(1-q))";

  std::vector<Check> out;
  if (!run.converged) {
    const std::string why = not_converged(run);
    for (const auto& v : invariants) out.push_back(mark(skipped(v.name, instance, why), v.identity));
    out.push_back(skipped(limit_statement, instance, why));
    if (polar) out.push_back(skipped(ae, instance, why));
    if (c5) {
      out.push_back(skipped(c5_alpha, instance, why));
      out.push_back(skipped(c5_limit, instance, why));
    }
    return out;
  }
  for (const auto& v : invariants)
    out.push_back(mark(make_check(v.name, instance, 0.0, v.value, kInvariantTol, Rule::difference), v.identity));

  const double beta = f.kind == FlowKind::gf ? f.alpha : run.alpha_eff;
  try {
    const GfLimit g = gf_limit(problem, f.sign, f.depth, beta);
    std::string note = "dual residual " + fmt(g.residual);
    if (f.kind != FlowKind::gf) note += ", alpha_eff " + fmt(beta, 6);
    out.push_back(make_check(limit_statement, instance, 0.0, relative_difference(run.x, g.x), kLimitTol,
                             Rule::difference, note));
  } catch (const std::exception& e) {
    out.push_back(failed(limit_statement, instance, std::string("gf_limit: ") + e.what()));
  }

  if (polar)  // the log φ coordinate integrated with the flow against the closed form (alpha_eff.hpp)
    out.push_back(make_check(ae, instance, run.alpha_eff, run.alpha_eff_integral, kLimitTol, Rule::relative));

  if (c5) {
    // The closed form, evaluated here from the run's end point and the requested ratio, not by
    // alpha_eff.hpp; the independent route reads β off the end point by the mirror invariant.
    const DiagonalNetwork net(problem, f.sign, f.depth);
    const double q = f.ratio.value_or(run.rates.ratio(f.alpha * std::sqrt(double(net.n()))));
    const double r0 = f.alpha * std::sqrt(double(net.n()));
    const double r_inf = run.w.norm();
    const double closed = f.alpha * std::exp((1.0 - q) * std::log(r_inf / r0));
    const double read_off = alpha_read_off(net, run.w);
    out.push_back(make_check(c5_alpha, instance, closed, read_off, kLimitTol, Rule::relative,
                             "RunResult::alpha_eff " + fmt(run.alpha_eff, 8) + ", q " + fmt(q, 4) + ", r/r0 " +
                                 fmt(r_inf / r0, 6)));
    try {
      const GfLimit g = gf_limit(problem, f.sign, f.depth, closed);
      out.push_back(make_check(c5_limit, instance, 0.0, relative_difference(run.x, g.x), kLimitTol, Rule::difference));
    } catch (const std::exception& e) {
      out.push_back(failed(c5_limit, instance, std::string("gf_limit: ") + e.what()));
    }
  }
  return out;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Cases

struct FlowCase {
  InstanceSpec spec;
  FlowOptions flow;
  bool predict = false;  // T3 (WN, classic WN)
  bool bound = false;    // T4 (P+)
  bool rate = false;     // T5 and T6 (a second, densely sampled run past convergence)
  bool twin = false;     // classic WN vs its polar twin
};

struct LpCase {
  InstanceSpec spec;
};

// A densely sampled trajectory with its weights, integrated here (not by run_flow), for T5/T6.
struct Tail : Trajectory {
  IntegrateSummary summary;
};

template <class Flow>
Tail record(Flow flow, const DiagonalNetwork& net, const IntegrateOptions& io) {
  Tail out;
  Vector state = flow.initial_state();
  auto observe = [&](double t, const Vector& s) {
    Vector w = flow.weights(s);
    Sample smp;
    smp.t = t;
    smp.loss = net.loss(net.x_of_w(w));
    out.samples.push_back(smp);
    out.weights.push_back(std::move(w));
  };
  out.summary = integrate(flow, state, io, observe);
  return out;
}

Tail tail_run(const Problem& p, const FlowOptions& f, const WeightNormRates& rates, double t_converged) {
  IntegrateOptions io = limit_options();
  io.loss_tol = 0;  // past convergence, into the rounding floor: the whole exponential tail
  io.samples_per_decade = 200;
  io.t_max = std::min(1e8, std::max(1e3, 10.0 * t_converged));
  io.first_sample = std::min(1e-2, std::max(1e-9, 1e-3 * t_converged));
  const DiagonalNetwork net(p, f.sign, f.depth);
  switch (f.kind) {
    case FlowKind::gf: return record(GradientFlow(net, f.alpha, f.eta), net, io);
    case FlowKind::wn: return record(WeightNormFlow(net, f.alpha, rates), net, io);
    case FlowKind::wn_classic: return record(ClassicWeightNormFlow(net, f.alpha, 1.0 / std::sqrt(rates.eta_s)), net, io);
  }
  throw InputError("unknown flow kind");
}

// T6 (docs/theory.md §3.6). Every flow here is ẇ = −H ∇_w ℓ with H the flow's metric (ηI for
// GF; η_r ssᵀ + c_t (I − ssᵀ) for WN, c_t = η_s r² or q η_r under constant ratio). Two exact
// facts: the energy identity dℓ/dt = −‖ẇ‖²_{H⁻¹}, and ‖∇ℓ‖²_H = eᵀ A P(w) Aᵀ e >= 2 μ(w) ℓ with
// μ(w) = λ_min(A P(w) Aᵀ) > 0 (P = J H Jᵀ). Together, ‖ẇ‖_{H⁻¹} <= √(2/μ(w)) (−d√ℓ/dt), so the
// metric length of any piece of the path is at most ∫ √(2/μ) d(−√ℓ) (finite: ℓ decreases to 0
// and μ stays positive), and near the limit, where μ → λ and the slowest mode dominates, the
// length still to travel equals √(2ℓ/λ) to first order. The path length comes from the
// increments of w, the bound from the loss and μ at the samples: independent routes.
struct PathLength {
  std::size_t samples = 0;         // 0..K-1: the samples up to t_end
  double euclidean = 0;            // Σ ‖w_{j+1} − w_j‖ over them
  double metric = 0;               // Σ ‖w_{j+1} − w_j‖_{H⁻¹}, H at the chord midpoint
  double bound = 0;                // Σ √(2/min(μ_j, μ_{j+1})) (√ℓ_j − √ℓ_{j+1})
  double tail_bound = 0;           // √(2 ℓ_K / μ_K): what is left after t_K, at most
  double h_max = 0;                // largest eigenvalue of H along the path (Euclidean <= √h_max metric)
  double worst_ratio = 0, worst_t = 0;  // max over k of metric(t_k, t_K) / bound(t_k, t_K)
  // Metric length and √ℓ drop over [window_t, t_end]: window_t the last sample whose remaining
  // length is above the accuracy floor (0 if none).
  bool window = false;
  double window_metric = 0, window_sqrt_loss = 0, window_t = 0;
  double floor = 0;  // kAccuracyMargin rtol |max(1, |log w|) w| at t_end: shorter pieces are not compared
};

PathLength path_length(const Problem& p, const FlowOptions& f, const WeightNormRates& rates, const Trajectory& tail,
                       double t_end, double rtol) {
  PathLength out;
  std::size_t K = 0;
  while (K < tail.weights.size() && tail.samples[K].t <= t_end) ++K;
  out.samples = K;
  if (K < 2) return out;
  const bool gf = f.kind == FlowKind::gf;
  const double r0 = f.alpha * std::sqrt(double(tail.weights[0].size()));
  // ‖d‖²_{H⁻¹} = (sᵀd)²/η_r + (‖d‖² − (sᵀd)²)/c_t at the point w (docs/theory.md §1.2).
  const auto metric_norm = [&](const Vector& d, const Vector& w, double& h) {
    if (gf) {
      h = f.eta;
      return d.norm() / std::sqrt(f.eta);
    }
    const double r = w.norm();
    const double c_t = rates.schedule == Schedule::constant_ratio ? rates.ratio(r0) * rates.eta_r : rates.eta_s * r * r;
    const double radial = d.dot(w) / r;
    h = std::max(rates.eta_r, c_t);
    return std::sqrt(radial * radial / rates.eta_r + std::max(0.0, d.squaredNorm() - radial * radial) / c_t);
  };
  std::vector<double> mu(K), piece(K - 1), bound_piece(K - 1);
  for (std::size_t k = 0; k < K; ++k) mu[k] = predicted_rate(p, f, rates, tail.weights[k]);
  for (std::size_t k = 0; k + 1 < K; ++k) {
    const Vector d = tail.weights[k + 1] - tail.weights[k];
    double h = 0;
    piece[k] = metric_norm(d, 0.5 * (tail.weights[k] + tail.weights[k + 1]), h);
    out.h_max = std::max(out.h_max, h);
    out.euclidean += d.norm();
    bound_piece[k] = std::sqrt(2.0 / std::min(mu[k], mu[k + 1])) *
                     (std::sqrt(tail.samples[k].loss) - std::sqrt(tail.samples[k + 1].loss));
  }
  // The sampled w carries the integrator's error: the flows integrate log w with relative
  // tolerance rtol, so w_i is off by about rtol |log w_i| w_i near the end. Pieces [t_k, t_end]
  // whose length is not far above that (the last decades of the loss) measure the error, not
  // the flow.
  const Vector& w_end = tail.weights[K - 1];
  out.floor = kAccuracyMargin * rtol * (w_end.array() * w_end.array().log().abs().max(1.0)).matrix().norm();
  double metric = 0, bound = 0;
  for (std::size_t k = K - 1; k-- > 0;) {
    metric += piece[k];
    bound += bound_piece[k];
    if (bound < out.floor) continue;
    if (metric / bound > out.worst_ratio) {
      out.worst_ratio = metric / bound;
      out.worst_t = tail.samples[k].t;
    }
    if (!out.window) {  // the latest piece above the floor: the most asymptotic one measurable
      out.window = true;
      out.window_metric = metric;
      out.window_sqrt_loss = std::sqrt(tail.samples[k].loss) - std::sqrt(tail.samples[K - 1].loss);
      out.window_t = tail.samples[k].t;
    }
  }
  out.metric = metric;
  out.bound = bound;
  out.tail_bound = std::sqrt(2.0 * tail.samples[K - 1].loss / mu[K - 1]);
  return out;
}

std::mutex lp_mutex;  // Clp is not documented as thread-safe: one LP at a time

L1Result l1_locked(const Problem& p, Sign sign) {
  std::lock_guard<std::mutex> lock(lp_mutex);
  return solve_l1(p, {sign});
}

std::vector<Check> run_flow_case(const FlowCase& c) {
  const Problem p = random_instance(c.spec);
  const FlowOptions& f = c.flow;
  const std::string inst = instance_label(c.spec) + " " + flow_label(f);
  std::vector<Check> out;
  RunResult r;
  try {
    r = run_flow(p, f, limit_options());
  } catch (const std::exception& e) {
    out.push_back(failed("ODE integration (run_flow)", inst, e.what()));
    return out;
  }
  out = limit_checks(p, r, inst);
  const bool wn = f.kind != FlowKind::gf;
  const std::string why = r.converged ? "" : not_converged(r);

  // T3: the predictor, no integration, against the ODE.
  std::optional<Prediction> prediction;
  if (c.predict && wn) {
    const std::string sx = "T3 predicted WN limit x = ODE limit", sa = "T3 predicted alpha_eff = ODE alpha_eff";
    if (!r.converged) {
      out.push_back(skipped(sx, inst, why));
      out.push_back(skipped(sa, inst, why));
    } else {
      try {
        prediction = predict_limit(p, f);
        std::string note = std::to_string(prediction->roots.size()) + " root(s)";
        if (prediction->roots.size() > 1) {
          note += ":";
          for (double b : prediction->roots) note += " " + fmt(b, 6);
        }
        out.push_back(make_check(sx, inst, 0.0, relative_difference(r.x, prediction->x), kPredictTol, Rule::difference,
                                 note));
        out.push_back(make_check(sa, inst, prediction->alpha_eff, r.alpha_eff, kPredictTol, Rule::relative,
                                 "magnification " + fmt(prediction->magnification, 4)));
      } catch (const std::exception& e) {
        out.push_back(failed(sx, inst, std::string("predict_limit: ") + e.what()));
        out.push_back(failed(sa, inst, std::string("predict_limit: ") + e.what()));
      }
    }
  }

  // T4: the ℓ1 excess bound at α (GF) or at the measured α_eff (WN), P+ only.
  if (c.bound && f.sign == Sign::positive) {
    const std::string s = f.depth == 2 ? "T4 |X_2|_1 <= depth-2 l1 bound" : "T4 |X_L|_1 <= deep l1 bound";
    if (!r.converged) {
      out.push_back(skipped(s, inst, why));
    } else {
      try {
        const double tau_star = l1_locked(p, Sign::positive).value;
        const double beta = wn ? r.alpha_eff : f.alpha;
        const double tau = r.l1_norm;
        std::optional<double> bound;
        if (f.depth == 2)
          bound = l1_bound_depth2(tau_star, beta, p.cols());
        else
          bound = l1_bound_deep(tau_star, beta, p.cols(), f.depth);
        if (!bound) {
          out.push_back(skipped(s, inst,
                                "bound does not apply: alpha" + std::string(wn ? "_eff" : "") + "^2 = " + fmt(beta * beta) +
                                    " >= tau*/(eN) = " + fmt(tau_star / (std::exp(1.0) * double(p.cols())))));
        } else {
          std::ostringstream note;
          note << "tau* " << fmt(tau_star, 8) << ", excess tau - tau* " << fmt(tau - tau_star) << ", bound excess "
               << fmt(*bound - tau_star) << ", ratio " << fmt((tau - tau_star) / (*bound - tau_star));
          if (wn) note << ", at alpha_eff " << fmt(beta, 6);
          out.push_back(make_check(s, inst, *bound, tau, kBoundSlack, Rule::at_most, note.str()));
        }
      } catch (const std::exception& e) {
        out.push_back(failed(s, inst, e.what()));
      }
    }
  }

  // Classic WN against the polar flow with eta_r = 1, eta_s = 1/|v0|^2.
  if (c.twin && f.kind == FlowKind::wn_classic) {
    const std::string sx = "classic WN limit x = polar WN (eta_s = 1/|v0|^2)",
                      sa = "classic WN alpha_eff = polar WN alpha_eff";
    FlowOptions polar;
    polar.kind = FlowKind::wn;
    polar.sign = f.sign;
    polar.depth = f.depth;
    polar.alpha = f.alpha;
    const double r0 = f.alpha * std::sqrt(double(f.sign == Sign::positive ? p.cols() : 2 * p.cols()));
    const double v0 = f.v0_norm ? *f.v0_norm : (f.ratio ? r0 / std::sqrt(*f.ratio) : r0);
    polar.eta_r = 1.0;
    polar.eta_s = 1.0 / (v0 * v0);
    try {
      const RunResult rp = run_flow(p, polar, limit_options());
      if (!r.converged || !rp.converged) {
        const std::string w = !r.converged ? "classic: " + why : "polar: " + not_converged(rp);
        out.push_back(skipped(sx, inst, w));
        out.push_back(skipped(sa, inst, w));
      } else {
        out.push_back(make_check(sx, inst, 0.0, relative_difference(r.x, rp.x), kLimitTol, Rule::difference));
        out.push_back(make_check(sa, inst, rp.alpha_eff, r.alpha_eff, kLimitTol, Rule::relative));
      }
    } catch (const std::exception& e) {
      out.push_back(failed(sx, inst, e.what()));
      out.push_back(failed(sa, inst, e.what()));
    }
  }

  // T5 and T6 on a densely sampled run past convergence.
  if (c.rate) {
    const std::string s5 = "T5 fitted loss rate = lambda_min(A P A^T)";
    const std::string s6 = kT6Bound, s6b = kT6Window;
    if (!r.converged) {
      out.push_back(skipped(s5, inst, why));
      out.push_back(skipped(s6, inst, why));
      out.push_back(skipped(s6b, inst, why));
    } else {
      try {
        const Vector w_pred = wn ? (prediction ? prediction->weights : predict_limit(p, f).weights)
                                 : gf_limit(p, f.sign, f.depth, f.alpha).weights;
        const double lambda = predicted_rate(p, f, r.rates, w_pred);
        const Tail tail = tail_run(p, f, r.rates, r.summary.t);
        if (!tail.summary.usable()) throw NumericalError("tail run failed: " + tail.summary.report());
        const RateFit fit = fit_rate(tail.samples);
        if (fit.ok) {
          out.push_back(make_check(s5, inst, lambda, fit.lambda, kRateTol, Rule::relative, fit.reason));
          for (Check& c6 : path_length_checks(p, f, r.rates, tail, fit.t_begin, fit.t_end, lambda,
                                              limit_options().rtol, inst))
            out.push_back(std::move(c6));
        } else {
          // No clean exponential stretch above the integrator's noise floor (e.g. a fast
          // transient takes the loss to the noise before the slowest mode dominates): the rate
          // cannot be measured here, which is not evidence against T5/T6.
          Check c5 = skipped(s5, inst, "rate not measurable: " + fit.reason);
          c5.predicted = lambda;
          out.push_back(c5);
          out.push_back(skipped(s6, inst, "no clean end of the path (see T5): " + fit.reason));
          out.push_back(skipped(s6b, inst, "no asymptotic window (see T5): " + fit.reason));
        }
      } catch (const std::exception& e) {
        out.push_back(failed(s5, inst, e.what()));
        out.push_back(failed(s6, inst, e.what()));
        out.push_back(failed(s6b, inst, e.what()));
      }
    }
  }
  return out;
}

}  // namespace

std::vector<Check> path_length_checks(const Problem& p, const FlowOptions& f, const WeightNormRates& rates,
                                      const Trajectory& tail, double t_begin, double t_end, double lambda,
                                      double rtol, const std::string& instance) {
  if (tail.samples.size() != tail.weights.size())
    throw InputError("path_length_checks: " + std::to_string(tail.samples.size()) + " samples but " +
                     std::to_string(tail.weights.size()) + " weight vectors");
  // The asymptotic equality is checked from the latest sample whose remaining length is still
  // 1e4 above the integration error: at the start of T5's window faster modes a_i still shorten
  // the path by up to a few percent (the ratio is √(λ Σa_i² / Σλ_i a_i²) <= 1), later far less.
  const PathLength pl = path_length(p, f, rates, tail, t_end, rtol);
  std::vector<Check> out;
  if (pl.samples < 2 || pl.worst_ratio == 0) {
    const std::string why = pl.samples < 2 ? "fewer than 2 samples up to t_end = " + fmt(t_end)
                                           : "the whole path is shorter than the accuracy floor " + fmt(pl.floor);
    out.push_back(failed(kT6Bound, instance, why));
    out.push_back(failed(kT6Window, instance, why));
    return out;
  }
  std::ostringstream note;
  note << "metric length " << fmt(pl.metric, 6) << " <= bound " << fmt(pl.bound, 6) << " over [0, " << fmt(t_end)
       << "] (" << pl.samples << " samples), after it <= " << fmt(pl.tail_bound) << "; Euclidean length "
       << fmt(pl.euclidean, 6) << " <= " << fmt(std::sqrt(pl.h_max) * (pl.bound + pl.tail_bound), 6)
       << " in all; worst ratio " << fmt(pl.worst_ratio, 10) << " at t = " << fmt(pl.worst_t)
       << " (pieces longer than " << fmt(pl.floor) << ")";

  // Worst over every piece [t_k, t_end] of the path: the bound is exact for each, tight (ratio → 1)
  // on the asymptotic window.
  out.push_back(make_check(kT6Bound, instance, 1.0, pl.worst_ratio, kLengthSlack, Rule::at_most, note.str()));
  if (pl.window_t < t_begin) {
    // What is left of the path on T5's window is within the integrator's error: not measurable.
    Check c = skipped(kT6Window, instance,
                      "not measurable: the path length left on T5's window [" + fmt(t_begin) + ", " + fmt(t_end) +
                          "] is below the accuracy floor " + fmt(pl.floor) + " (1e4 rtol |w log w|)");
    c.predicted = lambda;
    out.push_back(c);
  } else {
    out.push_back(make_check(kT6Window, instance, std::sqrt(2.0 / lambda) * pl.window_sqrt_loss, pl.window_metric,
                             kWindowTol, Rule::relative,
                             "over [" + fmt(pl.window_t) + ", " + fmt(t_end) + "], sqrt(loss) drop " +
                                 fmt(pl.window_sqrt_loss) + ", lambda " + fmt(lambda, 6)));
  }
  return out;
}

namespace {

std::vector<Check> run_lp_case(const LpCase& c) {
  const Problem p = random_instance(c.spec);
  const std::string inst = instance_label(c.spec);
  const std::string s_dual = "LP value = dual certificate y^T lambda, x feasible";
  const std::string s_gf = "LP value = lim alpha->0 |X_3(alpha)|_1";
  std::vector<Check> out;
  L1Result lp;
  try {
    lp = l1_locked(p, c.spec.sign);
  } catch (const std::exception& e) {
    out.push_back(failed(s_dual, inst, std::string("solve_l1: ") + e.what()));
    out.push_back(failed(s_gf, inst, std::string("solve_l1: ") + e.what()));
    return out;
  }
  out.push_back(lp_certificate_check(p.A, p.y, c.spec.sign, lp.x, lp.dual, inst));
  out.back().note = "tau* " + fmt(lp.value, 10) + ", " + out.back().note;
  try {
    const GfLimit g = gf_limit(p, c.spec.sign, 3, kTinyAlpha);
    const double tau = g.x.lpNorm<1>();
    std::string note = "|X_3|_1 " + fmt(tau, 10) + " at alpha " + fmt(kTinyAlpha);
    if (c.spec.sign == Sign::positive)
      note += ", T4 allows an excess up to " + fmt(l1_bound_deep(lp.value, kTinyAlpha, p.cols(), 3) - lp.value);
    out.push_back(make_check(s_gf, inst, lp.value, tau, kLpLimitTol, Rule::relative, note));
  } catch (const std::exception& e) {
    out.push_back(failed(s_gf, inst, std::string("gf_limit: ") + e.what()));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The case lists

using Task = std::function<std::vector<Check>()>;

InstanceSpec positive_instance(std::uint64_t seed) { return {36, 12, 2, seed, Sign::positive}; }
InstanceSpec signed_instance(std::uint64_t seed) { return {24, 10, 2, seed, Sign::signed_}; }

FlowOptions gf(Sign sign, int L, double alpha) {
  FlowOptions f;
  f.kind = FlowKind::gf;
  f.sign = sign;
  f.depth = L;
  f.alpha = alpha;
  return f;
}

FlowOptions wn(Sign sign, int L, double alpha, double q, Schedule schedule = Schedule::constant_rates) {
  FlowOptions f = gf(sign, L, alpha);
  f.kind = FlowKind::wn;
  f.ratio = q;
  f.schedule = schedule;
  return f;
}

FlowOptions classic(Sign sign, int L, double alpha, double q) {
  FlowOptions f = gf(sign, L, alpha);
  f.kind = FlowKind::wn_classic;
  f.ratio = q;
  return f;
}

// The α -> ∞ limit of polar WN with constant rates (docs/theory.md §3.9) against flows
// integrated at α = 1e2 and 1e3, on one P+ instance and depth.
struct SaturationCase {
  InstanceSpec spec;
  int depth = 2;
};

// Large-α WN flows end slowly: the tangential speed at the end is q η_r r∞²/r0² ~ α^{-2}, so
// t reaches ~1e8 at α = 1e3 (measured 2.3e8 on the default 36 x 12 instance); the steps stay
// few (~2000) because the late phase is linear and BDF strides through it.
IntegrateOptions large_alpha_options() {
  IntegrateOptions o = limit_options();
  o.t_max = 1e12;
  return o;
}

std::vector<Check> run_saturation_case(const SaturationCase& c) {
  const Problem p = random_instance(c.spec);
  const int L = c.depth;
  const std::string base = instance_label(c.spec) + " L=" + std::to_string(L);
  const std::string s1 = "S1 beta_inf = alpha_eff of the WN flow at alpha ";
  const std::string s2 = "S2 q_c = -2 ln kappa(beta) of gf_limit at beta 100";
  const std::string s3 = "S2 q=1.25q_c: alpha_eff/alpha = sqrt(1-q_c/q)e^(q_c/2)";
  const std::string s4 = "S3 constant-ratio: alpha_eff/alpha = e^(-q_c(1-q)/2q)";
  std::vector<Check> out;
  LargeAlphaDirection dir;
  try {
    dir = large_alpha_direction(p, Sign::positive, L);
  } catch (const std::exception& e) {
    out.push_back(failed(s2, base, std::string("large_alpha_direction: ") + e.what()));
    return out;
  }
  const double q_c = dir.critical_ratio;
  // q_c from κ(β) of the T1 solver at a large β: κ(β)² - κ∞² = O(β^{-2L}), below 1e-9 at β = 100
  // on these instances (docs/theory.md §3.9).
  try {
    const GfLimit g = gf_limit(p, Sign::positive, L, 100.0);
    const double kappa = g.weights.norm() / (100.0 * std::sqrt(double(p.cols())));
    out.push_back(make_check(s2, base, q_c, -2.0 * std::log(kappa), kLimitTol * 10, Rule::difference,
                             "kappa_inf " + fmt(dir.kappa, 8) + ", |A xi|/||A| xi| " + fmt(dir.residual)));
  } catch (const std::exception& e) {
    out.push_back(failed(s2, base, std::string("gf_limit: ") + e.what()));
  }
  const auto flow_at = [&](double q, double alpha, Schedule schedule) {
    FlowOptions f = wn(Sign::positive, L, alpha, q, schedule);
    return run_flow(p, f, large_alpha_options());
  };
  // S1: q = 0.8 q_c, capped. The flow at α sits below β∞ by the first-order shift
  // (q/2) ρ∞²/(n α² G') (finite_alpha_shift); tolerance twice that plus the T3 tolerance.
  const double q_low = 0.8 * q_c;
  const std::string low = base + " q=0.8q_c=" + fmt(q_low, 4);
  try {
    const SaturatedLimit sat = large_alpha_limit(p, wn(Sign::positive, L, 1.0, q_low));
    for (const auto& [alpha, label] : {std::pair<double, const char*>{1e2, "1e2"}, {1e3, "1e3"}}) {
      const std::string st = s1 + label, inst = low + " alpha=" + label;
      const RunResult r = flow_at(q_low, alpha, Schedule::constant_rates);
      if (!r.converged) {
        out.push_back(skipped(st, inst, not_converged(r)));
        continue;
      }
      const double shift = finite_alpha_shift(sat, alpha);
      out.push_back(make_check(st, inst, sat.limit.alpha_eff, r.alpha_eff, 2.0 * shift + kPredictTol, Rule::relative,
                               "first-order shift " + fmt(shift) + ", measured " +
                                   fmt(std::log(sat.limit.alpha_eff / r.alpha_eff))));
    }
  } catch (const std::exception& e) {
    out.push_back(failed(s1 + "1e2/1e3", low, e.what()));
  }
  // S2: q = 1.25 q_c, uncapped: α_eff/α tends to a constant, approached at the rate
  // κ(β)² - κ∞² ~ β^{-2L} with β ~ α, far below the T3 tolerance at α >= 1e2.
  const double q_high = 1.25 * q_c;
  for (const auto& [alpha, label] : {std::pair<double, const char*>{1e2, "1e2"}, {1e3, "1e3"}}) {
    const std::string inst = base + " q=1.25q_c=" + fmt(q_high, 4) + " alpha=" + label;
    try {
      const RunResult r = flow_at(q_high, alpha, Schedule::constant_rates);
      if (!r.converged) {
        out.push_back(skipped(s3, inst, not_converged(r)));
        continue;
      }
      out.push_back(make_check(s3, inst, uncapped_growth(q_high, q_c), r.alpha_eff / alpha, kPredictTol, Rule::relative,
                               "alpha_eff " + fmt(r.alpha_eff, 6)));
    } catch (const std::exception& e) {
      out.push_back(failed(s3, inst, e.what()));
    }
  }
  // S3: constant ratio q = 0.5 at α = 1e3: α_eff = α κ(α_eff)^{(1-q)/q}, κ -> κ∞ as above.
  {
    const std::string inst = base + " q=0.5 constant-ratio alpha=1e3";
    try {
      const RunResult r = flow_at(0.5, 1e3, Schedule::constant_ratio);
      if (!r.converged)
        out.push_back(skipped(s4, inst, not_converged(r)));
      else
        out.push_back(make_check(s4, inst, constant_ratio_growth(0.5, q_c), r.alpha_eff / 1e3, kPredictTol,
                                 Rule::relative, "alpha_eff " + fmt(r.alpha_eff, 6)));
    } catch (const std::exception& e) {
      out.push_back(failed(s4, inst, e.what()));
    }
  }
  return out;
}

// P± with u and v normalized separately (docs/theory.md §1.5, §2.5, §3.10): the per-block I4
// and α_eff (closed form against the integrated log φ_j), classic against polar (different
// coordinates, one trajectory), and under the constant-ratio schedule at L = 2 the cancellation
// (log u∞ - log α_eff,u 1) + (log v∞ - log α_eff,v 1) = 0 of §3.10, which makes the limit a GF
// limit with the two scales α_eff,u and α_eff,v.
struct SeparateCase {
  InstanceSpec spec;
  int depth = 2;
  double alpha = 1, q = 0.2;
  Schedule schedule = Schedule::constant_rates;
};

std::vector<Check> run_separate_case(const SeparateCase& c) {
  const Problem p = random_instance(c.spec);
  FlowOptions f = wn(Sign::signed_, c.depth, c.alpha, c.q, c.schedule);
  f.normalize = Normalize::separate;
  const std::string inst = instance_label(c.spec) + " " + flow_label(f) + " separate";
  std::vector<Check> out;
  RunResult r;
  try {
    r = run_flow(p, f, limit_options());
  } catch (const std::exception& e) {
    out.push_back(failed("N1 separate WN: ODE integration (run_flow)", inst, e.what()));
    return out;
  }
  if (!r.converged) {
    out.push_back(skipped("N1 separate WN: I4 per block", inst, not_converged(r)));
    return out;
  }
  out.push_back(make_check("N1 separate WN: I4 per block", inst, 0.0, r.max_mirror, kInvariantTol, Rule::difference));
  out.push_back(make_check("N2 separate WN: alpha_eff,u closed form = integrated log phi_u", inst, r.alpha_eff_integral,
                           r.alpha_eff, kLimitTol, Rule::relative));
  out.push_back(make_check("N2 separate WN: alpha_eff,v closed form = integrated log phi_v", inst,
                           r.alpha_eff_v_integral, r.alpha_eff_v, kLimitTol, Rule::relative));
  if (c.schedule == Schedule::constant_rates) {
    FlowOptions fc = classic(Sign::signed_, c.depth, c.alpha, c.q);
    fc.normalize = Normalize::separate;
    const std::string ci = instance_label(c.spec) + " " + flow_label(fc) + " separate";
    try {
      const RunResult rc = run_flow(p, fc, limit_options());
      if (!rc.converged) {
        out.push_back(skipped("N3 separate classic WN limit = separate polar WN limit", ci, not_converged(rc)));
      } else {
        out.push_back(make_check("N3 separate classic WN: I2 per block", ci, 0.0, rc.max_v_norm, kInvariantTol,
                                 Rule::difference));
        out.push_back(make_check("N3 separate classic WN limit = separate polar WN limit", ci, 0.0,
                                 relative_difference(rc.x, r.x), 10 * kLimitTol, Rule::difference,
                                 "alpha_eff u " + fmt(rc.alpha_eff, 8) + " vs " + fmt(r.alpha_eff, 8)));
      }
    } catch (const std::exception& e) {
      out.push_back(failed("N3 separate classic WN limit = separate polar WN limit", ci, e.what()));
    }
  } else if (c.depth == 2) {
    const Eigen::Index N = p.cols();
    const Vector du = r.w.head(N).array().log() - std::log(r.alpha_eff);
    const Vector dv = r.w.tail(N).array().log() - std::log(r.alpha_eff_v);
    out.push_back(make_check("N4 separate WN constant-ratio L=2: log u - log a_u = -(log v - log a_v)", inst, 0.0,
                             (du + dv).norm() / du.norm(), kLimitTol, Rule::difference,
                             "alpha_eff u " + fmt(r.alpha_eff, 6) + ", v " + fmt(r.alpha_eff_v, 6)));
  }
  return out;
}

std::vector<Task> tasks(const VerifyOptions& o) {
  const std::uint64_t s = o.seed;
  const auto P = [&](std::uint64_t k) { return positive_instance(s + k); };
  const auto S = [&](std::uint64_t k) { return signed_instance(s + k); };
  // The default size of docs/theory.md §0.2 for P+ (N = 60, M = 20, s = 3) and its signed counterpart (n = 80).
  const auto PL = [&](std::uint64_t k) { return InstanceSpec{60, 20, 3, s + k, Sign::positive}; };
  const auto SL = [&](std::uint64_t k) { return InstanceSpec{40, 16, 3, s + k, Sign::signed_}; };
  const Sign pos = Sign::positive, sgn = Sign::signed_;
  const Schedule ratio = Schedule::constant_ratio;
  std::vector<FlowCase> flows;
  std::vector<LpCase> lps;
  // FlowCase fields: spec, flow, predict (T3), bound (T4), rate (T5/T6), twin (classic vs polar).
  // Quick: every statement at least once in each sign case, L = 2, 3, 4, α from 0.1 to 100.
  flows = {
      {P(0), gf(pos, 2, 0.1), false, true, true, false},
      {P(0), gf(pos, 3, 1.0), false, true, false, false},
      {P(0), gf(pos, 2, 100.0), false, true, false, false},
      {S(0), gf(sgn, 2, 0.1), false, false, true, false},
      {S(0), gf(sgn, 3, 10.0), false, false, false, false},
      {S(0), gf(sgn, 4, 0.5), false, false, true, false},
      {S(0), gf(sgn, 2, 0.01), false, false, false, false},
      {P(0), wn(pos, 2, 1.0, 0.2), true, true, true, false},
      {P(0), wn(pos, 3, 0.5, 0.2, ratio), true, true, false, false},
      {P(0), wn(pos, 2, 0.1, 1.0), true, true, false, false},
      {P(0), wn(pos, 4, 3.0, 0.05), true, true, false, false},
      {S(0), wn(sgn, 2, 0.5, 0.2), true, false, false, false},
      {S(0), wn(sgn, 3, 0.5, 0.5, ratio), true, false, true, false},
      {S(0), wn(sgn, 2, 100.0, 1.0, ratio), true, false, false, false},
      {P(0), classic(pos, 2, 0.5, 0.5), true, true, false, true},
      {S(0), classic(sgn, 3, 0.1, 1.0), true, false, false, true},
  };
  lps = {{P(0)}, {S(0)}};
  if (!o.quick) {
    // Full: three more instances of each sign; α from 0.01 to 100 at every depth where the flow
    // converges within t_max = 1e8; ratios 0.05 to 1 under both schedules; T5/T6 on a spread.
    const std::vector<FlowCase> more = {
        // GF
        {P(1), gf(pos, 2, 0.01), false, true, true, false},
        {P(1), gf(pos, 2, 1.0), false, true, false, false},
        {P(1), gf(pos, 2, 10.0), false, true, true, false},
        {P(1), gf(pos, 3, 0.01), false, true, false, false},
        {P(1), gf(pos, 3, 100.0), false, true, false, false},
        {P(1), gf(pos, 4, 0.1), false, true, true, false},
        {P(1), gf(pos, 4, 0.03), false, true, false, false},
        {P(2), gf(pos, 4, 10.0), false, true, false, false},
        {P(3), gf(pos, 3, 0.1), false, true, true, false},
        {P(3), gf(pos, 4, 0.3), false, true, false, false},
        {S(1), gf(sgn, 2, 0.03), false, false, false, false},
        {S(1), gf(sgn, 2, 100.0), false, false, false, false},
        {S(1), gf(sgn, 3, 0.03), false, false, false, false},
        {S(2), gf(sgn, 4, 0.1), false, false, true, false},
        {S(2), gf(sgn, 2, 1.0), false, false, true, false},
        {S(3), gf(sgn, 3, 1.0), false, false, true, false},
        // WN, constant rates
        {P(1), wn(pos, 2, 0.01, 0.05), true, true, false, false},
        {P(1), wn(pos, 2, 3.0, 0.05), true, true, true, false},
        {P(1), wn(pos, 2, 30.0, 0.05), true, true, false, false},
        {P(2), wn(pos, 3, 0.03, 0.05), true, true, false, false},
        {P(2), wn(pos, 3, 10.0, 0.05), true, true, false, false},
        {P(2), wn(pos, 2, 0.1, 1.0), true, true, true, false},
        {P(2), wn(pos, 4, 1.0, 1.0), true, true, true, false},
        {P(3), wn(pos, 4, 30.0, 0.05), true, true, false, false},
        {P(3), wn(pos, 3, 0.3, 0.5), true, true, true, false},
        {S(1), wn(sgn, 2, 0.1, 1.0), true, false, true, false},
        {S(2), wn(sgn, 2, 0.03, 0.05), true, false, false, false},
        {S(2), wn(sgn, 4, 1.0, 0.05), true, false, true, false},
        {S(3), wn(sgn, 3, 30.0, 0.05), true, false, false, false},
        {S(3), wn(sgn, 3, 0.5, 0.2), true, false, true, false},
        // WN, constant ratio (C5)
        {P(1), wn(pos, 2, 100.0, 0.5, ratio), true, true, false, false},
        {P(1), wn(pos, 4, 0.1, 0.05, ratio), true, true, true, false},
        {P(2), wn(pos, 3, 1.0, 1.0, ratio), true, true, false, false},
        {P(3), wn(pos, 2, 0.3, 0.2, ratio), true, true, true, false},
        {S(1), wn(sgn, 3, 10.0, 0.2, ratio), true, false, false, false},
        {S(2), wn(sgn, 2, 0.1, 0.05, ratio), true, false, true, false},
        {S(3), wn(sgn, 4, 0.5, 1.0, ratio), true, false, false, false},
        // Classic WN (I2, T2, T3, classic = polar)
        {P(1), classic(pos, 3, 0.5, 1.0), true, true, true, true},
        {P(1), classic(pos, 4, 2.0, 0.05), true, true, false, true},
        {P(2), classic(pos, 2, 0.1, 1.0), true, true, false, true},
        {P(3), classic(pos, 2, 1.0, 0.2), true, true, true, true},
        {S(1), classic(sgn, 2, 1.0, 0.2), true, false, true, true},
        {S(2), classic(sgn, 4, 0.3, 0.5), true, false, false, true},
        {S(3), classic(sgn, 3, 0.05, 0.05), true, false, false, true},
        // Larger instances
        {PL(4), gf(pos, 2, 0.1), false, true, true, false},
        {PL(4), wn(pos, 3, 3.0, 0.05), true, true, true, false},
        {PL(4), classic(pos, 2, 0.3, 1.0), true, true, false, true},
        {PL(4), wn(pos, 4, 1.0, 0.2, ratio), true, true, false, false},
        {SL(4), gf(sgn, 2, 0.1), false, false, true, false},
        {SL(4), wn(sgn, 3, 1.0, 0.2), true, false, true, false},
        {SL(4), wn(sgn, 2, 10.0, 0.5, ratio), true, false, false, false},
        {SL(4), classic(sgn, 4, 0.5, 0.2), true, false, false, true},
    };
    flows.insert(flows.end(), more.begin(), more.end());
    for (std::uint64_t k = 1; k <= 3; ++k) {
      lps.push_back({P(k)});
      lps.push_back({S(k)});
    }
    lps.push_back({PL(4)});
    lps.push_back({SL(4)});
  }
  // The α -> ∞ limit (S1–S3): quick on one instance at L = 2, full on three more at L = 2, 3.
  std::vector<SaturationCase> saturations = {{P(0), 2}};
  if (!o.quick) saturations.insert(saturations.end(), {{P(0), 3}, {P(1), 3}, {PL(4), 2}, {PL(4), 3}});
  // Separate normalization (N1–N4): quick on one instance at L = 2, both schedules.
  std::vector<SeparateCase> separates = {{S(0), 2, 1.0, 0.2, Schedule::constant_rates},
                                         {S(0), 2, 1.0, 0.2, Schedule::constant_ratio}};
  if (!o.quick)
    separates.insert(separates.end(), {{S(1), 3, 0.1, 0.05, Schedule::constant_rates},
                                       {S(1), 2, 10.0, 0.5, Schedule::constant_rates},
                                       {S(2), 2, 3.0, 0.05, Schedule::constant_ratio},
                                       {S(2), 4, 0.5, 0.2, Schedule::constant_ratio}});
  std::vector<Task> out;
  for (const auto& c : lps) out.push_back([c] { return run_lp_case(c); });
  for (const auto& c : separates) out.push_back([c] { return run_separate_case(c); });
  for (const auto& c : saturations) out.push_back([c] { return run_saturation_case(c); });
  for (const auto& c : flows) out.push_back([c] { return run_flow_case(c); });
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Driver and report

VerifyReport verify(const VerifyOptions& options, const std::function<void(const Check&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Task> list = tasks(options);
  std::vector<std::vector<Check>> results(list.size());
  std::vector<char> done(list.size(), 0);
  std::size_t next_to_emit = 0;
  std::mutex mutex;

  const int threads = std::max(1, std::min<int>(options.threads, int(list.size())));
  // Cases side by side already fill the cores: their products with A stay on their thread.
  const int matvec_threads_per_case = threads > 1 ? 1 : matvec_threads();
  parallel_for(list.size(), threads, [&](std::size_t i) {
    std::vector<Check> rows;
    try {
      const MatvecThreadsScope products(matvec_threads_per_case);
      rows = list[i]();
    } catch (const std::exception& e) {
      rows = {failed("internal", "case " + std::to_string(i), e.what())};
    }
    std::lock_guard<std::mutex> lock(mutex);
    results[i] = std::move(rows);
    done[i] = 1;
    while (next_to_emit < list.size() && done[next_to_emit]) {
      if (progress)
        for (const auto& c : results[next_to_emit]) progress(c);
      ++next_to_emit;
    }
  });

  VerifyReport report;
  for (auto& rows : results)
    for (auto& c : rows) {
      if (c.verdict == Verdict::fail)
        ++report.failed;
      else if (c.kind == Kind::identity)
        c.verdict == Verdict::pass ? ++report.identities : ++report.skipped;
      else
        (c.verdict == Verdict::pass ? report.passed : report.skipped)++;
      report.checks.push_back(std::move(c));
    }
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

namespace {
std::string pad(const std::string& s, std::size_t width) {
  // Width in code points, so that "P±" and "≤" do not shift the columns.
  std::size_t points = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0) != 0x80) ++points;
  return points >= width ? s : s + std::string(width - points, ' ');
}
std::string num(double v) {
  if (std::isnan(v)) return pad("-", 10);
  std::ostringstream o;
  o << std::setprecision(4) << v;
  return pad(o.str(), 10);
}
}  // namespace

std::string table_header() {
  return pad("verdict", 8) + pad("statement", 55) + pad("instance", 66) + pad("predicted", 11) + pad("measured", 11) +
         "tolerance\n";
}

std::string table_row(const Check& c) {
  std::string line = pad(c.label(), 8) + pad(c.statement, 54) + " " + pad(c.instance, 65) + " " + num(c.predicted) +
                     " " + num(c.measured) + " " + (std::isnan(c.tolerance) ? std::string("-") : fmt(c.tolerance)) + "\n";
  if (!c.note.empty()) line += "        " + c.note + "\n";
  return line;
}

std::string VerifyReport::table() const {
  std::string out = table_header();
  for (const auto& c : checks) out += table_row(c);
  return out;
}

std::string VerifyReport::summary() const {
  std::ostringstream o;
  o << checks.size() << " checks: " << passed << " passed, " << failed << " failed, " << skipped << " skipped, "
    << identities << " identities by construction (not counted) (" << std::fixed << std::setprecision(1) << wall_seconds << " s)";
  return o.str();
}

namespace {
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}
std::string csv_number(double v) {
  if (std::isnan(v)) return "";
  std::ostringstream o;
  o << std::setprecision(17) << v;
  return o.str();
}
}  // namespace

std::string VerifyReport::csv() const {
  std::string out = "statement,instance,predicted,measured,tolerance,verdict,kind,note\n";
  for (const auto& c : checks)
    out += csv_field(c.statement) + "," + csv_field(c.instance) + "," + csv_number(c.predicted) + "," +
           csv_number(c.measured) + "," + csv_number(c.tolerance) + "," + to_string(c.verdict) + "," +
           to_string(c.kind) + "," + csv_field(c.note) + "\n";
  return out;
}

}  // namespace wnflow
