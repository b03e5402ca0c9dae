// The integration driver. Every stepper, Odeint's and wnflow's own (adams, bdf,
// rosenbrock_lowrank and auto, which composes adams and bdf), models an Odeint stepper concept
// and is driven by Odeint's integrate_adaptive with one observer, the Watch, which records
// the samples and applies the stop rules (loss tolerance and floor, blow-up, step limit, step
// underflow) by throwing Finished. Failures arrive as exceptions (step_failure.hpp, Odeint's
// step_adjustment_error) and become stop reasons; an overflowing trial step restarts the
// integration from the last accepted state with a shorter step. Explicitly instantiated for
// the flows so that Odeint's templates are compiled once, here.
#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>
#include <utility>
#include <wnflow/solve/auto_stepper.hpp>
#include <wnflow/model/detail/finite.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/solve/bdf.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/solve/rosenbrock.hpp>
#include <wnflow/solve/step_failure.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>
#include <wnflow/model/weight_norm_classic_separate.hpp>
#include <wnflow/model/weight_norm_separate.hpp>

namespace wnflow {

namespace ode = boost::numeric::odeint;
namespace ublas = boost::numeric::ublas;

std::string to_string(StepperKind k) {
  switch (k) {
    case StepperKind::automatic: return "auto";
    case StepperKind::dopri5: return "runge_kutta_dopri5";
    case StepperKind::cash_karp54: return "runge_kutta_cash_karp54";
    case StepperKind::fehlberg78: return "runge_kutta_fehlberg78";
    case StepperKind::bulirsch_stoer: return "bulirsch_stoer";
    case StepperKind::rosenbrock4: return "rosenbrock4";
    case StepperKind::rosenbrock_lowrank: return "rosenbrock_lowrank";
    case StepperKind::bdf: return "bdf";
    case StepperKind::adams: return "adams";
  }
  return "?";
}

std::vector<std::string> stepper_names() {
  return {"auto", "runge_kutta_dopri5", "runge_kutta_cash_karp54", "runge_kutta_fehlberg78",
          "bulirsch_stoer", "rosenbrock4", "rosenbrock_lowrank", "bdf", "adams"};
}

StepperKind parse_stepper(const std::string& text) {
  if (text == "auto") return StepperKind::automatic;
  if (text == "runge_kutta_dopri5" || text == "dopri5") return StepperKind::dopri5;
  if (text == "runge_kutta_cash_karp54" || text == "cash_karp54") return StepperKind::cash_karp54;
  if (text == "runge_kutta_fehlberg78" || text == "fehlberg78") return StepperKind::fehlberg78;
  if (text == "bulirsch_stoer") return StepperKind::bulirsch_stoer;
  if (text == "rosenbrock4") return StepperKind::rosenbrock4;
  if (text == "rosenbrock_lowrank" || text == "rosenbrock-lowrank") return StepperKind::rosenbrock_lowrank;
  if (text == "bdf") return StepperKind::bdf;
  if (text == "adams") return StepperKind::adams;
  throw InputError("unknown stepper '" + text +
                   "' (expected auto, dopri5, cash_karp54, fehlberg78, bulirsch_stoer, rosenbrock4, rosenbrock_lowrank, bdf or adams)");
}

std::string to_string(StopReason r) {
  switch (r) {
    case StopReason::loss_tol: return "loss_tol";
    case StopReason::loss_floor: return "loss_floor";
    case StopReason::t_max: return "t_max";
    case StopReason::max_steps: return "max_steps";
    case StopReason::step_underflow: return "step_underflow";
    case StopReason::non_finite: return "non_finite";
  }
  return "?";
}

void IntegrateOptions::validate() const {
  require_positive_finite(rtol, "rtol");
  require_positive_finite(atol, "atol");
  require_positive_finite(t_max, "t_max");
  require_positive_finite(first_sample, "first sample time");
  if (!(loss_tol >= 0.0) || !std::isfinite(loss_tol))
    throw InputError("loss_tol must be a finite number >= 0, got " + format_number(loss_tol));
  if (max_steps <= 0) throw InputError("max_steps must be positive");
  if (samples_per_decade <= 0) throw InputError("samples per decade must be positive");
  if (stiff_switch_steps <= 0) throw InputError("stiff switch steps must be positive");
  if (stiff_check_every <= 0) throw InputError("stiff check interval must be positive");
  require_positive_finite(stiff_threshold, "stiff threshold");
}

std::string IntegrateSummary::report() const {
  std::ostringstream out;
  out << "stop: " << to_string(stop_reason) << (usable() ? "" : " (FAILURE)") << " at t = " << t
      << ", loss = " << loss << "\n"
      << "stepper: " << to_string(stepper_used);
  if (switch_time >= 0.0) out << " (auto switched from adams at t = " << switch_time << ")";
  out << "\nsteps: " << steps << ", rhs evaluations: " << rhs_evals
      << ", jacobian evaluations: " << jacobian_evals << ", factorizations: " << factorizations << "\n";
  if (!message.empty()) out << "note: " << message << "\n";
  return out.str();
}

std::vector<double> sample_times(const IntegrateOptions& o) {
  std::vector<double> times;
  for (int k = 0;; ++k) {
    const double t = o.first_sample * std::pow(10.0, double(k) / o.samples_per_decade);
    if (t >= o.t_max * (1 - 1e-12)) break;
    times.push_back(t);
  }
  return times;
}

namespace {

using UVec = ublas::vector<double>;
using UMat = ublas::matrix<double>;
using RowMajorMap = Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

// A trial stage that overflows must not reach an error estimate (NaN compares false, so a NaN
// step could be accepted): the systems throw StepOverflow, and the driver retries shorter.
template <class V>
void require_finite(const V& dx) {
  if (!detail::all_finite(dx)) throw StepOverflow();
}

// Odeint passes systems by value: these are two pointers wide.
template <class Flow>
struct CountedSystem {
  Flow* flow;
  long* evals;
  void operator()(const Vector& x, Vector& dx, double) const {
    ++*evals;
    flow->derivative(x, dx);
    require_finite(dx);
  }
};

template <class Flow>
struct UblasSystem {
  Flow* flow;
  long* evals;
  void operator()(const UVec& x, UVec& dx, double) const {
    ++*evals;
    Eigen::Map<const Vector> xm(&x.data()[0], Eigen::Index(x.size()));
    Eigen::Map<Vector> dm(&dx.data()[0], Eigen::Index(dx.size()));
    flow->derivative(xm, dm);
    require_finite(dm);
  }
};

template <class Flow>
struct UblasJacobian {
  Flow* flow;
  long* evals;
  Matrix* scratch;
  void operator()(const UVec& x, UMat& J, double, UVec& dfdt) const {
    ++*evals;
    Eigen::Map<const Vector> xm(&x.data()[0], Eigen::Index(x.size()));
    flow->jacobian(xm, *scratch);
    RowMajorMap(&J.data()[0], Eigen::Index(J.size1()), Eigen::Index(J.size2())) = *scratch;
    std::fill(dfdt.begin(), dfdt.end(), 0.0);  // autonomous
  }
};

template <class Flow, class = void>
struct HasFactorSpan : std::false_type {};
template <class Flow>
struct HasFactorSpan<Flow, std::void_t<decltype(std::declval<Flow&>().derivative_in_factors(
                               std::declval<const Vector&>(), std::declval<const LowRankJacobian&>(),
                               std::declval<Vector&>()))>> : std::true_type {};

template <class Flow, class = void>
struct HasLossBound : std::false_type {};
template <class Flow>
struct HasLossBound<Flow, std::void_t<decltype(std::declval<Flow&>().loss_exceeds(
                              std::declval<const Vector&>(), 0.0))>> : std::true_type {};

// The flow as wnflow's steppers see it (rosenbrock.hpp). Copies share the flow and counters.
template <class Flow>
struct LowRankSystem final : RosenbrockSystem {
  Flow* flow;
  long* rhs_evals;
  long* jacobian_evals;
  LowRankSystem(Flow* f, long* r, long* j) : flow(f), rhs_evals(r), jacobian_evals(j) {}
  void rhs(const Vector& x, Vector& dx) override {
    ++*rhs_evals;
    flow->derivative(x, dx);
    require_finite(dx);
  }
  Eigen::Index jacobian_rank() const override { return flow->jacobian_rank(); }
  void jacobian(const Vector& x, Matrix& J) override {
    ++*jacobian_evals;
    flow->jacobian(x, J);
  }
  void jacobian(const Vector& x, LowRankJacobian& J) override {
    ++*jacobian_evals;
    flow->jacobian(x, J);
  }
  // One evaluation of the residual (a GEMV): counted as a right-hand side, which it replaces.
  void derivative_in_factors(const Vector& x, const LowRankJacobian& J, Vector& eta) override {
    if constexpr (HasFactorSpan<Flow>::value) {
      ++*rhs_evals;
      flow->derivative_in_factors(x, J, eta);
      require_finite(eta);
    } else {
      RosenbrockSystem::derivative_in_factors(x, J, eta);
    }
  }
  double loss(const Vector& x) override { return flow->loss(x); }
};

// Thrown by the Watch when a stop rule ends the run: the way out of Odeint's integrate
// functions, which have no event mechanism.
struct Finished {};

// A controlled stepper (Odeint's controlled_runge_kutta) whose steps land exactly on the
// sample times, so that the Watch observes the trajectory there without dense output; the
// step suggestion survives a step shortened to land. It models Odeint's controlled stepper
// concept, so integrate_adaptive drives it.
template <class Controlled>
class LandOnSamples {
 public:
  using state_type = Vector;
  using deriv_type = Vector;
  using value_type = double;
  using time_type = double;
  using order_type = unsigned short;
  using stepper_category = ode::controlled_stepper_tag;

  LandOnSamples(Controlled inner, const std::vector<double>& samples, double t_max)
      : inner_(std::move(inner)), samples_(&samples), t_max_(t_max) {}

  template <class System>
  ode::controlled_step_result try_step(System system, Vector& x, double& t, double& dt) {
    while (next_ < samples_->size() && (*samples_)[next_] <= t) ++next_;
    const double target = next_ < samples_->size() ? (*samples_)[next_] : t_max_;
    double trial = std::min(dt, target - t);
    const bool clipped = trial < dt;
    const ode::controlled_step_result result = inner_.try_step(system, x, t, trial);
    if (result == ode::success && clipped) {
      t = target;  // land exactly, and keep the unclipped step suggestion
      dt = std::max(dt, trial);
    } else {
      dt = trial;
    }
    last_dt_ = dt;
    return result;
  }
  double current_time_step() const { return last_dt_; }

 private:
  Controlled inner_;
  const std::vector<double>* samples_;  // then t_max: where the run ends at the latest
  double t_max_;
  std::size_t next_ = 0;
  double last_dt_ = 0.0;
};

template <class State>
const Vector& as_eigen(const State& x, Vector&) {
  return x;
}
const Vector& as_eigen(const UVec& x, Vector& scratch) {
  scratch = Eigen::Map<const Vector>(&x.data()[0], Eigen::Index(x.size()));
  return scratch;
}

// The run's state: the last accepted (x, t), the summary, the samples.
template <class Flow>
class Run {
 public:
  Run(Flow& flow, Vector& state, const IntegrateOptions& o, const Observer& observer)
      : flow_(flow), x_(state), o_(o), observer_(observer), samples_(sample_times(o)), tmp_(state.size()) {
    Vector f0(state.size());
    flow_.derivative(x_, f0);
    ++s_.rhs_evals;
    const double speed = f0.lpNorm<Eigen::Infinity>();
    dt_ = std::min({speed > 0 ? 1e-2 / speed : o.t_max, o.first_sample, o.t_max / 10});
    if (!detail::all_finite(f0))
      stop(StopReason::non_finite, "the right-hand side overflowed (blow-up) near t = " + format_number(t_));
  }

  // Odeint's observer: called with the state after each accepted step (and at the start and
  // end of each integrate_adaptive call). `interpolate(t, x)` gives the state at a sample time
  // within the last step, for steppers with dense output; steppers without it land on the
  // samples (LandOnSamples).
  template <class Stepper>
  struct Watch {
    Run* run;
    Stepper* stepper;  // not const: some of Odeint's steppers interpolate through a non-const calc_state
    template <class State>
    void operator()(const State& x, double t) const {
      run->observe(*stepper, as_eigen(x, run->scratch_), t);
    }
  };

  template <class Stepper>
  Watch<Stepper> watch(Stepper& st) {
    return {this, &st};
  }

  // Runs `st` from the last accepted state to t_max with Odeint's integrate_adaptive, again
  // from the last accepted state with a shorter step after an overflow.
  template <class Stepper, class System, class State>
  void drive(Stepper& st, System system, State& scratch_state) {
    if (stopped_) return;
    for (;;) {
      try {
        load(scratch_state);
        // No end time for Odeint: its landing on one re-initializes the stepper, which restarts
        // a multistep method at order 1; the Watch stops at t_max instead (from the dense
        // output, or where LandOnSamples landed).
        ode::integrate_adaptive(boost::ref(st), system, scratch_state, t_, std::numeric_limits<double>::infinity(), dt_,
                                watch(st));
        // Odeint returns without a step when the stepper's step size is not positive.
        if (!stopped_)
          stop(StopReason::step_underflow,
               "the step size underflowed (" + format_number(step_of(st)) + ") at t = " + format_number(t_));
        return;
      } catch (const Finished&) {
        return;
      } catch (const StepOverflow&) {
        if (!shrink_after_overflow()) return;
      } catch (const StepUnderflow& e) {
        stop(StopReason::step_underflow, e.what());
        return;
      } catch (const ode::step_adjustment_error& e) {
        stop(StopReason::step_underflow, std::string("the step size could not be adjusted: ") + e.what());
        return;
      }
    }
  }

  IntegrateSummary finish() {
    if (last_emitted_ != t_) emit(t_, x_);
    if (loss_stale_) s_.loss = flow_.loss(x_);
    s_.t = t_;
    return s_;
  }

  IntegrateSummary& summary() { return s_; }
  const std::vector<double>& samples() const { return samples_; }

 private:
  void load(Vector& state) { state = x_; }
  void load(UVec& state) {
    state.resize(std::size_t(x_.size()));
    Eigen::Map<Vector>(&state.data()[0], x_.size()) = x_;
  }

  template <class Stepper>
  static auto step_of(const Stepper& st) -> decltype(st.current_time_step()) {
    return st.current_time_step();
  }

  template <class Stepper>
  void observe(Stepper& st, const Vector& x, double t) {
    if (!started_) {  // the initial state
      started_ = true;
      emit(0.0, x);
      return;
    }
    if (!(t > t_)) return;  // no step since the last call: a restart, or Odeint's end-time landing
    overflow_retries_ = 0;
    ++s_.steps;
    if (o_.checkpoint) o_.checkpoint();
    emit_samples(st, x, t);
    dt_ = step_of(st);
    if constexpr (std::is_same_v<typename Stepper::stepper_category, ode::dense_output_stepper_tag>) {
      if (t > o_.t_max) {  // the step passed the horizon: the state there, from the dense output
        interpolate(st, o_.t_max);
        x_ = tmp_;
        t_ = o_.t_max;
        if (finished()) throw Finished{};
        return;
      }
    }
    x_ = x;
    t_ = t;
    if (finished()) throw Finished{};
  }

  template <class Stepper>
  void emit_samples(Stepper& st, const Vector& x, double t) {
    if constexpr (std::is_same_v<typename Stepper::stepper_category, ode::dense_output_stepper_tag>) {
      for (; next_ < samples_.size() && samples_[next_] <= t; ++next_) {
        if (samples_[next_] == t) {
          emit(t, x);
        } else {
          interpolate(st, samples_[next_]);
          emit(samples_[next_], tmp_);
        }
      }
    } else {  // LandOnSamples: the step ended on the sample
      (void)st;
      if (next_ < samples_.size() && t >= samples_[next_]) emit(samples_[next_++], x);
    }
  }

  template <class Stepper>
  void interpolate(Stepper& st, double t) {
    if constexpr (std::is_same_v<typename Stepper::state_type, UVec>) {
      UVec u(std::size_t(x_.size()));
      st.calc_state(t, u);
      tmp_ = Eigen::Map<const Vector>(&u.data()[0], x_.size());
    } else {
      st.calc_state(t, tmp_);
    }
  }

  void emit(double t, const Vector& x) {
    last_emitted_ = t;
    if (observer_) observer_(t, x);
  }

  // A trial step overflowed: retry from the last accepted state with a 10x shorter step;
  // false (and a non_finite stop) when even tiny steps overflow, i.e. a genuine blow-up.
  bool shrink_after_overflow() {
    dt_ /= 10.0;
    if (++overflow_retries_ > 30 || t_ + dt_ == t_) {
      stop(StopReason::non_finite, "the right-hand side overflowed (blow-up) near t = " + format_number(t_));
      return false;
    }
    return true;
  }

  void stop(StopReason r, std::string message = {}) {
    s_.stop_reason = r;
    s_.message = std::move(message);
    stopped_ = true;
  }

  // After an accepted step ending at (t_, x_): true when the run is over.
  bool finished() {
    if (!detail::all_finite(x_)) {
      stop(StopReason::non_finite, "the state became NaN or infinite (blow-up) near t = " + format_number(t_));
      return true;
    }
    // The loss decides the stop only near loss_tol or its floor; where the flow proves it far
    // above both without a GEMV, it is computed once at the end instead (loss_stale_).
    if constexpr (HasLossBound<Flow>::value) {
      loss_stale_ = flow_.loss_exceeds(x_, o_.loss_tol);
      if (loss_stale_) return ran_out();
    }
    s_.loss = flow_.loss(x_);
    if (!std::isfinite(s_.loss)) {
      stop(StopReason::non_finite, "the loss became NaN or infinite (blow-up) near t = " + format_number(t_));
      return true;
    }
    if (s_.loss <= o_.loss_tol) {
      stop(StopReason::loss_tol);
      return true;
    }
    if (o_.loss_tol > 0.0 && s_.loss <= flow_.loss_floor(x_)) {
      stop(StopReason::loss_floor, "the loss reached the rounding floor of double precision above loss_tol");
      return true;
    }
    return ran_out();
  }

  // The stops that do not depend on the loss: horizon, step budget, step-size underflow.
  bool ran_out() {
    if (t_ >= o_.t_max) {
      stop(StopReason::t_max);
      return true;
    }
    if (s_.steps >= o_.max_steps) {
      stop(StopReason::max_steps, "no convergence within " + std::to_string(o_.max_steps) + " steps");
      return true;
    }
    if (t_ + dt_ == t_) {
      stop(StopReason::step_underflow, "the step size underflowed (" + format_number(dt_) + ") at t = " + format_number(t_));
      return true;
    }
    return false;
  }

  Flow& flow_;
  Vector& x_;
  const IntegrateOptions& o_;
  const Observer& observer_;
  std::vector<double> samples_;
  std::size_t next_ = 0;
  Vector tmp_, scratch_;
  double t_ = 0.0, dt_ = 0.0, last_emitted_ = -1.0;
  int overflow_retries_ = 0;
  bool started_ = false, stopped_ = false;
  bool loss_stale_ = false;  // s_.loss is not that of x_ (see finished())
  IntegrateSummary s_;
};

template <class Flow>
IntegrateSummary run_stepper(Flow& flow, Vector& state, const IntegrateOptions& o, const Observer& observer) {
  Run<Flow> run(flow, state, o, observer);
  IntegrateSummary& s = run.summary();
  const auto n = state.size();
  CountedSystem<Flow> counted{&flow, &s.rhs_evals};
  LowRankSystem<Flow> low_rank(&flow, &s.rhs_evals, &s.jacobian_evals);
  Vector scratch(n);
  using Algebra = ode::vector_space_algebra;
  s.stepper_used = o.stepper;
  switch (o.stepper) {
    case StepperKind::dopri5: {
      auto st = ode::make_dense_output(o.atol, o.rtol, ode::runge_kutta_dopri5<Vector, double, Vector, double, Algebra>());
      run.drive(st, counted, scratch);
      break;
    }
    case StepperKind::bulirsch_stoer: {
      ode::bulirsch_stoer_dense_out<Vector, double, Vector, double, Algebra> st(o.atol, o.rtol);
      run.drive(st, counted, scratch);
      break;
    }
    case StepperKind::cash_karp54: {
      LandOnSamples st(ode::make_controlled(o.atol, o.rtol, ode::runge_kutta_cash_karp54<Vector, double, Vector, double, Algebra>()),
                       run.samples(), o.t_max);
      run.drive(st, counted, scratch);
      break;
    }
    case StepperKind::fehlberg78: {
      LandOnSamples st(ode::make_controlled(o.atol, o.rtol, ode::runge_kutta_fehlberg78<Vector, double, Vector, double, Algebra>()),
                       run.samples(), o.t_max);
      run.drive(st, counted, scratch);
      break;
    }
    case StepperKind::rosenbrock4: {  // the flow's analytic Jacobian; Odeint wants uBLAS here
      Matrix jacobian_scratch(n, n);
      auto st = ode::make_dense_output(o.atol, o.rtol, ode::rosenbrock4<double>());
      UVec u(static_cast<std::size_t>(n));
      run.drive(st, std::make_pair(UblasSystem<Flow>{&flow, &s.rhs_evals},
                                   UblasJacobian<Flow>{&flow, &s.jacobian_evals, &jacobian_scratch}), u);
      break;
    }
    case StepperKind::rosenbrock_lowrank: {
      LowRankRosenbrock st(n, flow.jacobian_rank(), o.atol, o.rtol);
      run.drive(st, low_rank, scratch);
      s.factorizations += st.solver().woodbury_factorizations + st.solver().dense_factorizations;
      break;
    }
    case StepperKind::bdf: {
      LowRankBdf st(n, flow.jacobian_rank(), o.atol, o.rtol);
      run.drive(st, low_rank, scratch);
      s.factorizations += st.factorizations();
      break;
    }
    case StepperKind::adams: {
      AdamsPece st(n, o.atol, o.rtol);
      run.drive(st, low_rank, scratch);
      break;
    }
    case StepperKind::automatic: {
      AutoStepper::Options ao;
      ao.atol = o.atol;
      ao.rtol = o.rtol;
      ao.loss_tol = o.loss_tol;
      ao.switch_steps = o.stiff_switch_steps;
      ao.check_every = o.stiff_check_every;
      ao.threshold = o.stiff_threshold;
      ao.stiff_allowed = n <= o.stiff_max_dim;
      AutoStepper st(n, ao);
      run.drive(st, low_rank, scratch);
      s.stepper_used = st.switched() ? StepperKind::bdf : StepperKind::adams;
      s.switch_time = st.switch_time();
      s.factorizations += st.factorizations();
      break;
    }
  }
  return run.finish();
}

}  // namespace

template <class Flow>
IntegrateSummary integrate(Flow& flow, Vector& state, const IntegrateOptions& options,
                           const Observer& observer) {
  options.validate();
  if (state.size() != flow.dimension())
    throw InputError("state has dimension " + std::to_string(state.size()) + ", the flow expects " +
                     std::to_string(flow.dimension()));
  return run_stepper(flow, state, options, observer);
}

template IntegrateSummary integrate<GradientFlow>(GradientFlow&, Vector&, const IntegrateOptions&, const Observer&);
template IntegrateSummary integrate<WeightNormFlow>(WeightNormFlow&, Vector&, const IntegrateOptions&, const Observer&);
template IntegrateSummary integrate<ClassicWeightNormFlow>(ClassicWeightNormFlow&, Vector&, const IntegrateOptions&, const Observer&);
template IntegrateSummary integrate<SeparateWeightNormFlow>(SeparateWeightNormFlow&, Vector&, const IntegrateOptions&, const Observer&);
template IntegrateSummary integrate<SeparateClassicWeightNormFlow>(SeparateClassicWeightNormFlow&, Vector&, const IntegrateOptions&,
                                                                  const Observer&);

}  // namespace wnflow
