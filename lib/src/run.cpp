#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <wnflow/alpha_eff.hpp>
#include <wnflow/errors.hpp>
#include <wnflow/gradient_flow.hpp>
#include <wnflow/invariants.hpp>
#include <wnflow/run.hpp>
#include <wnflow/weight_norm_classic.hpp>

namespace wnflow {

std::string to_string(FlowKind k) {
  switch (k) {
    case FlowKind::gf: return "gf";
    case FlowKind::wn: return "wn";
    case FlowKind::wn_classic: return "wn-classic";
  }
  return "?";
}

FlowKind parse_flow(const std::string& text) {
  if (text == "gf") return FlowKind::gf;
  if (text == "wn") return FlowKind::wn;
  if (text == "wn-classic") return FlowKind::wn_classic;
  throw InputError("unknown flow '" + text + "' (expected gf, wn or wn-classic)");
}

void FlowOptions::validate() const {
  require_positive_finite(alpha, "alpha");
  if (depth < 2) throw InputError("depth L must be an integer >= 2, got " + std::to_string(depth));
  // α^L and α^{2L} must be representable: past this the flow overflows before it starts.
  if (double(depth) * std::log(alpha) > 300.0)
    throw InputError("alpha = " + format_number(alpha) + " is too large for depth " + std::to_string(depth) +
                     ": alpha^L overflows the double range");
  require_positive_finite(eta, "eta");
  if (ratio) require_positive_finite(*ratio, "ratio q");
  if (eta_r) require_positive_finite(*eta_r, "eta_r");
  if (eta_s) require_positive_finite(*eta_s, "eta_s");
  if (v0_norm) require_positive_finite(*v0_norm, "|v(0)| (--v0-norm)");
  switch (kind) {
    case FlowKind::gf:
      if (ratio || eta_r || eta_s || v0_norm)
        throw InputError("--ratio, --eta-r, --eta-s and --v0-norm apply to weight normalization, not to --flow gf");
      if (schedule != Schedule::constant_rates) throw InputError("--schedule applies to --flow wn only");
      break;
    case FlowKind::wn:
      if (v0_norm) throw InputError("--v0-norm applies to --flow wn-classic only");
      if (ratio && eta_s) throw InputError("give either --ratio or --eta-s, not both");
      break;
    case FlowKind::wn_classic:
      if (eta_r || eta_s) throw InputError("classic WN runs at rate 1: use --v0-norm or --ratio, not --eta-r/--eta-s");
      if (ratio && v0_norm) throw InputError("give either --ratio or --v0-norm for wn-classic, not both");
      if (schedule != Schedule::constant_rates) throw InputError("--schedule applies to --flow wn only");
      if (eta != 1.0) throw InputError("--eta applies to --flow gf only");
      break;
  }
  if (kind == FlowKind::wn && eta != 1.0) throw InputError("--eta applies to --flow gf only (use --eta-r/--eta-s)");
}

WeightNormRates resolve_rates(const FlowOptions& o, double r0) {
  if (o.kind == FlowKind::wn_classic) {
    const double v0 = classic_v0_norm(o.v0_norm, o.ratio, r0);
    return {1.0, 1.0 / (v0 * v0), Schedule::constant_rates};
  }
  const double eta_r = o.eta_r.value_or(1.0);
  if (o.eta_s) return {eta_r, *o.eta_s, o.schedule};
  return WeightNormRates::from_ratio(o.ratio.value_or(1.0), r0, eta_r, o.schedule);
}

namespace {

// Runs any flow and fills the parts of RunResult that depend on how w and r are read off.
template <class Flow, class Readout>
void drive(const Flow& flow, const DiagonalNetwork& net, const IntegrateOptions& io, Readout readout,
           RunResult& out) {
  Vector state = flow.initial_state();
  const auto& xs = net.problem().x_star;
  Vector w_prev;
  double length = 0.0;
  auto observe = [&](double t, const Vector& s) {
    Sample smp = readout(s);
    const Vector w = readout.weights(s);
    const Vector x = net.x_of_w(w);
    if (w_prev.size() == w.size()) length += (w - w_prev).norm();
    w_prev = w;
    smp.path_length = length;
    smp.t = t;
    smp.loss = net.loss(x);
    smp.l1_norm = x.lpNorm<1>();
    if (xs) smp.error = (x - *xs).norm();
    out.trajectory.push_back(smp);
  };
  out.summary = integrate(flow, state, io, observe);
  out.w = readout.weights(state);
  out.x = net.x_of_w(out.w);
  const Sample last = readout(state);
  out.radius = last.radius;
  out.alpha_eff = last.alpha_eff;
  out.alpha_eff_integral = last.alpha_eff_integral;
}

double max_of(const std::vector<Sample>& samples, double Sample::*field) {
  double m = NAN;
  for (const auto& s : samples)
    if (!std::isnan(s.*field)) m = std::isnan(m) ? s.*field : std::max(m, s.*field);
  return m;
}

}  // namespace

RunResult run_flow(const Problem& problem, const FlowOptions& fo, const IntegrateOptions& io) {
  validate(problem);
  fo.validate();
  io.validate();
  const auto start = std::chrono::steady_clock::now();
  RunResult out;
  out.flow = fo;
  out.integrate = io;
  const DiagonalNetwork net(problem, fo.sign, fo.depth);
  const NullSpaceProjector proj(net);
  const int L = fo.depth;
  const double r0 = initial_radius(net, fo.alpha);

  switch (fo.kind) {
    case FlowKind::gf: {
      const GradientFlow flow(net, fo.alpha, fo.eta);
      out.rates = {fo.eta, fo.eta / (r0 * r0), Schedule::constant_rates};
      struct {
        const NullSpaceProjector* proj; int L; double alpha;
        Vector weights(const Vector& z) const { return z.array().exp(); }
        Sample operator()(const Vector& z) const {
          Sample s;
          s.radius = std::sqrt((2.0 * z.array()).exp().sum());
          s.mirror = mirror_residual(*proj, z, L, std::log(alpha));
          s.alpha_eff = alpha;
          return s;
        }
      } readout{&proj, L, fo.alpha};
      drive(flow, net, io, readout, out);
      break;
    }
    case FlowKind::wn: {
      out.rates = resolve_rates(fo, r0);
      const WeightNormFlow flow(net, fo.alpha, out.rates);
      struct {
        const NullSpaceProjector* proj; const WeightNormFlow* flow; int L; double alpha, r0; WeightNormRates rates;
        Vector weights(const Vector& st) const { return flow->weights(st); }
        Sample operator()(const Vector& st) const {
          Sample s;
          const Vector w = weights(st);
          s.radius = w.norm();
          s.sphere = std::abs((w / s.radius).norm() - 1.0);
          const double lae = log_alpha_eff(alpha, s.radius, r0, rates);
          s.mirror = mirror_residual(*proj, flow->log_weights(st), L, lae);
          s.alpha_eff = std::exp(lae);
          s.alpha_eff_integral = std::exp(flow->log_alpha_eff_integrated(st));
          return s;
        }
      } readout{&proj, &flow, L, fo.alpha, r0, out.rates};
      drive(flow, net, io, readout, out);
      break;
    }
    case FlowKind::wn_classic: {
      out.rates = resolve_rates(fo, r0);
      const double v0 = 1.0 / std::sqrt(out.rates.eta_s);
      const ClassicWeightNormFlow flow(net, fo.alpha, v0);
      struct {
        const NullSpaceProjector* proj; const ClassicWeightNormFlow* flow; int L; double alpha, r0, v0;
        WeightNormRates rates;
        Vector weights(const Vector& s) const { return flow->weights(s); }
        Sample operator()(const Vector& st) const {
          Sample s;
          const Vector v = st.tail(st.size() - 1).array().exp();
          s.radius = flow->gamma(st);  // |w| = gamma
          s.sphere = std::abs((v / v.norm()).norm() - 1.0);
          s.v_norm = std::abs(v.norm() - v0) / v0;
          const double lae = log_alpha_eff(alpha, s.radius, r0, rates);
          s.mirror = mirror_residual(*proj, flow->log_weights(st), L, lae);
          s.alpha_eff = std::exp(lae);
          return s;
        }
      } readout{&proj, &flow, L, fo.alpha, r0, v0, out.rates};
      drive(flow, net, io, readout, out);
      break;
    }
  }

  out.loss = net.loss(out.x);
  out.l1_norm = out.x.lpNorm<1>();
  out.magnification = fo.alpha / out.alpha_eff;
  if (problem.x_star) {
    out.error = (out.x - *problem.x_star).norm();
    const double nx = problem.x_star->norm();
    if (nx > 0) out.relative_error = *out.error / nx;
  }
  out.max_sphere = max_of(out.trajectory, &Sample::sphere);
  out.max_v_norm = max_of(out.trajectory, &Sample::v_norm);
  out.max_mirror = max_of(out.trajectory, &Sample::mirror);
  out.invariant_residual = 0.0;
  for (double v : {out.max_sphere, out.max_v_norm, out.max_mirror})
    if (!std::isnan(v)) out.invariant_residual = std::max(out.invariant_residual, v);
  out.loss_floor = net.loss_floor(net.p_of_w(out.w));
  out.converged = out.summary.converged() ||
                  (out.usable() && out.loss <= std::max(io.loss_tol, out.loss_floor));
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::string RunResult::report() const {
  std::ostringstream o;
  o << std::setprecision(6);
  o << "wnflow run: flow " << to_string(flow.kind) << ", " << to_string(flow.sign) << ", depth L = " << flow.depth
    << ", alpha = " << flow.alpha << "\n";
  if (flow.kind == FlowKind::gf)
    o << "rate: eta = " << flow.eta << "\n";
  else
    o << "rates: eta_r = " << rates.eta_r << ", eta_s = " << rates.eta_s << " (ratio q = "
      << rates.ratio(std::sqrt(double(w.size())) * flow.alpha) << ", schedule " << to_string(rates.schedule) << ")\n";
  o << summary.report();
  o << (converged ? "converged" : "NOT converged") << ": loss = " << loss << " at t = " << summary.t << "\n";
  o << "|x|_1 = " << l1_norm;
  if (relative_error) o << ", |x - x*| / |x*| = " << *relative_error;
  o << "\n";
  if (flow.kind != FlowKind::gf)
    o << "radius r = " << radius << ", alpha_eff = " << alpha_eff << ", magnification alpha/alpha_eff = "
      << magnification << "\n";
  if (flow.kind == FlowKind::wn)
    o << "alpha_eff from the integrated log phi = " << alpha_eff_integral << " (relative difference "
      << std::abs(alpha_eff_integral / alpha_eff - 1.0) << ")\n";
  o << "invariant residuals (max over trajectory):";
  if (!std::isnan(max_sphere)) o << " I1 = " << max_sphere;
  if (!std::isnan(max_v_norm)) o << " I2 = " << max_v_norm;
  if (!std::isnan(max_mirror)) o << (flow.kind == FlowKind::gf ? " I3 = " : " I4 = ") << max_mirror;
  o << "\nwall time: " << wall_seconds << " s\n";
  return o.str();
}

std::string trajectory_csv(const RunResult& r) {
  std::ostringstream o;
  o << std::setprecision(17);
  const bool has_x = !r.trajectory.empty() && !std::isnan(r.trajectory.front().error);
  const bool wn = r.flow.kind != FlowKind::gf;
  const bool classic = r.flow.kind == FlowKind::wn_classic;
  o << "t,loss,l1_norm";
  if (has_x) o << ",error";
  o << ",radius";
  if (wn) o << ",I1_sphere";
  if (classic) o << ",I2_v_norm";
  const bool polar = r.flow.kind == FlowKind::wn;
  o << (wn ? ",I4_mirror" : ",I3_mirror") << ",alpha_eff" << (polar ? ",alpha_eff_integral" : "") << ",path_length\n";
  for (const auto& s : r.trajectory) {
    o << s.t << ',' << s.loss << ',' << s.l1_norm;
    if (has_x) o << ',' << s.error;
    o << ',' << s.radius;
    if (wn) o << ',' << s.sphere;
    if (classic) o << ',' << s.v_norm;
    o << ',' << s.mirror << ',' << s.alpha_eff;
    if (polar) o << ',' << s.alpha_eff_integral;
    o << ',' << s.path_length << '\n';
  }
  return o.str();
}

}  // namespace wnflow
