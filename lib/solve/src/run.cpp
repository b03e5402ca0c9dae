#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <wnflow/model/alpha_eff.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/invariants.hpp>
#include <wnflow/solve/run.hpp>
#include <wnflow/model/weight_norm_classic.hpp>
#include <wnflow/model/weight_norm_classic_separate.hpp>
#include <wnflow/model/weight_norm_separate.hpp>

namespace wnflow {

namespace {

// Runs any flow and fills the parts of RunResult that depend on how w and r are read off.
template <class Flow, class Readout>
void drive(Flow& flow, const DiagonalNetwork& net, const IntegrateOptions& io, Readout readout,
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
  out.radius_v = last.radius_v;
  out.alpha_eff_v = last.alpha_eff_v;
  out.alpha_eff_v_integral = last.alpha_eff_v_integral;
}

// P± with u and v normalized separately (docs/theory.md §1.5, §2.5): each block has its own
// radius, effective scale and I4 (against the null space of A alone); the sample's mirror
// residual is the larger of the two.
void run_separate(const DiagonalNetwork& net, const FlowOptions& fo, const IntegrateOptions& io, RunResult& out) {
  const double r0 = fo.reference_radius(net.N());  // one block's |u(0)| = |v(0)|
  out.rates = resolve_rates(fo, r0);
  SeparateWeightNormFlow flow(net, fo.alpha, out.rates);
  const DiagonalNetwork block_net(net.problem(), Sign::positive, net.depth());
  const NullSpaceProjector block_proj(block_net);
  struct {
    const NullSpaceProjector* proj; const SeparateWeightNormFlow* flow; int L; double alpha, r0;
    WeightNormRates rates;
    Vector weights(const Vector& st) const { return flow->weights(st); }
    Sample operator()(const Vector& st) const {
      Sample s;
      const auto N = flow->network().N();
      double lae[2], r[2];
      s.mirror = 0.0;
      for (int j = 0; j < 2; ++j) {
        r[j] = flow->block_radius(st, j);
        lae[j] = log_alpha_eff(alpha, r[j], r0, rates);
        s.mirror = std::max(s.mirror, mirror_residual(*proj, st.segment(j * N, N), L, lae[j]));
      }
      s.radius = r[0];
      s.radius_v = r[1];
      s.alpha_eff = std::exp(lae[0]);
      s.alpha_eff_v = std::exp(lae[1]);
      s.alpha_eff_integral = std::exp(flow->log_alpha_eff_integrated(st, 0));
      s.alpha_eff_v_integral = std::exp(flow->log_alpha_eff_integrated(st, 1));
      return s;
    }
  } readout{&block_proj, &flow, net.depth(), fo.alpha, r0, out.rates};
  drive(flow, net, io, readout, out);
}

// Classic WN of P± with u and v normalized separately: per block γ_j, |v_j| (I2 per block, not
// built into the coordinates) and the mirror invariant at the block's closed-form α_eff.
void run_separate_classic(const DiagonalNetwork& net, const FlowOptions& fo, const IntegrateOptions& io,
                          RunResult& out) {
  const double r0 = fo.reference_radius(net.N());
  out.rates = resolve_rates(fo, r0);
  const double v0 = 1.0 / std::sqrt(out.rates.eta_s);
  SeparateClassicWeightNormFlow flow(net, fo.alpha, v0);
  const DiagonalNetwork block_net(net.problem(), Sign::positive, net.depth());
  const NullSpaceProjector block_proj(block_net);
  struct {
    const NullSpaceProjector* proj; const SeparateClassicWeightNormFlow* flow; int L; double alpha, r0, v0;
    WeightNormRates rates;
    Vector weights(const Vector& st) const { return flow->weights(st); }
    Sample operator()(const Vector& st) const {
      Sample s;
      const auto N = flow->network().N();
      const Vector z = flow->log_weights(st);
      double lae[2];
      s.mirror = 0.0;
      s.v_norm = 0.0;
      for (int j = 0; j < 2; ++j) {
        lae[j] = log_alpha_eff(alpha, flow->gamma(st, j), r0, rates);
        s.mirror = std::max(s.mirror, mirror_residual(*proj, z.segment(j * N, N), L, lae[j]));
        s.v_norm = std::max(s.v_norm, std::abs(flow->v_norm(st, j) - v0) / v0);
      }
      s.radius = flow->gamma(st, 0);
      s.radius_v = flow->gamma(st, 1);
      s.alpha_eff = std::exp(lae[0]);
      s.alpha_eff_v = std::exp(lae[1]);
      return s;
    }
  } readout{&block_proj, &flow, net.depth(), fo.alpha, r0, v0, out.rates};
  drive(flow, net, io, readout, out);
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
      GradientFlow flow(net, fo.alpha, fo.eta);
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
      if (fo.normalize == Normalize::separate) {
        run_separate(net, fo, io, out);
        break;
      }
      out.rates = resolve_rates(fo, r0);
      WeightNormFlow flow(net, fo.alpha, out.rates);
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
      if (fo.normalize == Normalize::separate) {
        run_separate_classic(net, fo, io, out);
        break;
      }
      out.rates = resolve_rates(fo, r0);
      const double v0 = 1.0 / std::sqrt(out.rates.eta_s);
      ClassicWeightNormFlow flow(net, fo.alpha, v0);
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

IntegrateOptions run_integrate_defaults() {
  IntegrateOptions io;
  io.t_max = 1e8;
  return io;
}

void RunOptions::validate() const {
  flow.validate();
  integrate.validate();
  if (integrate.rtol >= 1.0) throw InputError("--rtol must be below 1, got " + format_number(integrate.rtol));
  // Every observation is kept in memory: bound their number before integrating.
  const double decades = std::max(0.0, std::log10(integrate.t_max / integrate.first_sample));
  if (decades * integrate.samples_per_decade > 1e6)
    throw InputError("--samples-per-decade " + std::to_string(integrate.samples_per_decade) + " over " +
                     format_number(decades) + " decades (--first-sample to --t-max) is more than 1e6 observations");
}

std::string unconverged_message(const RunResult& r) {
  std::ostringstream msg;
  msg << "no convergence: loss " << r.loss << " > loss-tol " << r.integrate.loss_tol << " at t-max = " << r.summary.t;
  return msg.str();
}

void require_result(const RunResult& r, bool allow_unconverged) {
  if (!r.usable())
    throw RunFailure(r.summary.stop_reason,
                     "integration failed: " + to_string(r.summary.stop_reason) + ": " + r.summary.message);
  // t_max is the caller's horizon: the state there is a result only when the caller asked for it.
  if (!r.converged && !allow_unconverged)
    throw RunFailure(r.summary.stop_reason, unconverged_message(r) + " (--allow-unconverged prints that state)");
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
      << rates.ratio(flow.reference_radius(x.size())) << ", schedule " << to_string(rates.schedule)
      << (flow.normalize == Normalize::separate ? ", u and v normalized separately" : "") << ")\n";
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
  if (flow.normalize == Normalize::separate) {
    o << "v: radius r_v = " << radius_v << ", alpha_eff_v = " << alpha_eff_v;
    if (flow.kind == FlowKind::wn) o << " (integrated: " << alpha_eff_v_integral << ")";
    o << "; the values above are u's\n";
  }
  o << "invariant residuals (max over trajectory):";
  if (!std::isnan(max_sphere)) o << " I1 = " << max_sphere;
  if (!std::isnan(max_v_norm)) o << " I2 = " << max_v_norm;
  if (!std::isnan(max_mirror)) o << (flow.kind == FlowKind::gf ? " I3 = " : " I4 = ") << max_mirror;
  o << "\nwall time: " << wall_seconds << " s\n";
  return o.str();
}

}  // namespace wnflow
