// The integration driver: one loop per stepper family (Odeint's dense output, Odeint's
// controlled, wnflow's own: adams, bdf, rosenbrock_lowrank), sharing the sampling, stopping
// and failure logic. Explicitly instantiated for the flows so
// that Odeint's templates are compiled once, here.
#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <cmath>
#include <sstream>
#include <type_traits>
#include <utility>
#include <wnflow/solve/adams.hpp>
#include <wnflow/model/detail/finite.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/solve/bdf.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/solve/rosenbrock.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

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

// A trial stage that overflows must not reach Odeint's error estimate (NaN compares false,
// so a NaN step could be accepted): the systems throw, and the driver retries a shorter step.
struct NonFiniteDerivative {};

// Odeint passes systems by value: these are two pointers wide.
template <class Flow>
struct CountedSystem {
  const Flow* flow;
  long* evals;
  void operator()(const Vector& x, Vector& dx, double) const {
    ++*evals;
    flow->derivative(x, dx);
    if (!detail::all_finite(dx)) throw NonFiniteDerivative{};
  }
};

template <class Flow>
struct UblasSystem {
  const Flow* flow;
  long* evals;
  void operator()(const UVec& x, UVec& dx, double) const {
    ++*evals;
    Eigen::Map<const Vector> xm(&x.data()[0], Eigen::Index(x.size()));
    Eigen::Map<Vector> dm(&dx.data()[0], Eigen::Index(dx.size()));
    flow->derivative(xm, dm);
    if (!detail::all_finite(dm)) throw NonFiniteDerivative{};
  }
};

template <class Flow>
struct UblasJacobian {
  const Flow* flow;
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
struct HasGram : std::false_type {};
template <class Flow>
struct HasGram<Flow, std::void_t<decltype(std::declval<const Flow&>().jacobian_gram(
                         std::declval<const Vector&>(), std::declval<Vector&>(), std::declval<GramStructure&>(),
                         std::declval<Matrix&>(), std::declval<Matrix&>()))>> : std::true_type {};

template <class Flow, class = void>
struct HasFactorSpan : std::false_type {};
template <class Flow>
struct HasFactorSpan<Flow, std::void_t<decltype(std::declval<const Flow&>().rhs_coefficients(
                               std::declval<const Vector&>(), 0.0, std::declval<Vector&>()))>> : std::true_type {};

template <class Flow, class = void>
struct HasLossBound : std::false_type {};
template <class Flow>
struct HasLossBound<Flow, std::void_t<decltype(std::declval<const Flow&>().loss_exceeds(
                              std::declval<const Vector&>(), 0.0))>> : std::true_type {};

// The flow as the low-rank Rosenbrock stepper sees it.
template <class Flow>
struct LowRankSystem final : RosenbrockSystem {
  const Flow* flow;
  long* rhs_evals;
  long* jacobian_evals;
  LowRankSystem(const Flow* f, long* r, long* j) : flow(f), rhs_evals(r), jacobian_evals(j) {}
  void rhs(const Vector& x, Vector& dx) override {
    ++*rhs_evals;
    flow->derivative(x, dx);
    if (!detail::all_finite(dx)) throw NonFiniteDerivative{};
  }
  Eigen::Index jacobian_rank() const override { return flow->jacobian_rank(); }
  void jacobian_factors(const Vector& x, Vector& D, Matrix& U, Matrix& V) override {
    ++*jacobian_evals;
    flow->jacobian_factors(x, D, U, V);
  }
  void jacobian(const Vector& x, Matrix& J) override {
    ++*jacobian_evals;
    flow->jacobian(x, J);
  }
  bool jacobian_gram(const Vector& x, Vector& D, GramStructure& g, Matrix& U, Matrix& V) override {
    if constexpr (HasGram<Flow>::value) {
      ++*jacobian_evals;
      flow->jacobian_gram(x, D, g, U, V);
      return true;
    } else {
      return false;
    }
  }
  bool rhs_in_factor_span() const override {
    if constexpr (HasFactorSpan<Flow>::value)
      return flow->rhs_in_factor_span();
    else
      return false;
  }
  // One evaluation of the residual (a GEMV): counted as a right-hand side, which it replaces.
  void rhs_coefficients(const Vector& x, double a0, Vector& eta) override {
    if constexpr (HasFactorSpan<Flow>::value) {
      ++*rhs_evals;
      flow->rhs_coefficients(x, a0, eta);
      if (!detail::all_finite(eta)) throw NonFiniteDerivative{};
    }
  }
};

template <class Flow>
class Driver {
 public:
  Driver(const Flow& flow, Vector& state, const IntegrateOptions& o, const Observer& observer)
      : flow_(flow), x_(state), o_(o), observer_(observer), samples_(sample_times(o)),
        tmp_(state.size()) {
    Vector f0(state.size());
    flow_.derivative(x_, f0);
    ++s_.rhs_evals;
    const double speed = f0.lpNorm<Eigen::Infinity>();
    dt_ = std::min({speed > 0 ? 1e-2 / speed : o.t_max, o.first_sample, o.t_max / 10});
    emit(0.0, x_);
  }

  IntegrateSummary run() {
    const bool stiff_allowed = flow_.dimension() <= o_.stiff_max_dim;
    switch (o_.stepper) {
      case StepperKind::dopri5: run_dense(dopri5()); break;
      case StepperKind::bulirsch_stoer: {
        ode::bulirsch_stoer_dense_out<Vector, double, Vector, double, ode::vector_space_algebra> st(o_.atol, o_.rtol);
        run_dense(st);
        break;
      }
      case StepperKind::cash_karp54:
        run_controlled(ode::make_controlled(o_.atol, o_.rtol,
            ode::runge_kutta_cash_karp54<Vector, double, Vector, double, ode::vector_space_algebra>()),
            StepperKind::cash_karp54);
        break;
      case StepperKind::fehlberg78: run_controlled(fehlberg78(), StepperKind::fehlberg78); break;
      case StepperKind::rosenbrock4: run_rosenbrock(); break;
      case StepperKind::rosenbrock_lowrank: run_lowrank(); break;
      case StepperKind::bdf: run_bdf(); break;
      case StepperKind::adams: {
        AdamsPece st(x_.size(), o_.atol, o_.rtol);
        run_own(st, StepperKind::adams);
        break;
      }
      case StepperKind::automatic: run_auto(stiff_allowed); break;
    }
    if (last_emitted_ != t_) emit(t_, x_);
    if (loss_stale_) s_.loss = flow_.loss(x_);
    s_.t = t_;
    return s_;
  }

 private:
  auto fehlberg78() const {
    return ode::make_controlled(o_.atol, o_.rtol,
        ode::runge_kutta_fehlberg78<Vector, double, Vector, double, ode::vector_space_algebra>());
  }

  auto dopri5() const {
    return ode::make_dense_output(o_.atol, o_.rtol,
        ode::runge_kutta_dopri5<Vector, double, Vector, double, ode::vector_space_algebra>());
  }

  // auto: the Adams stepper until the stiffness vote (stiff_vote) or the step budget says the
  // flow is stiff, then bdf from the current state. Adams pays 2 right-hand sides a step where
  // fehlberg78 paid 13, so the vote must be cheap too: the power iteration for ρ(J) (12
  // right-hand sides cold, 3 or more warm) runs only when the stepper's free estimate of h ρ
  // says it may pass.
  void run_auto(bool stiff_allowed) {
    AdamsPece st(x_.size(), o_.atol, o_.rtol);
    long local = 0;
    double estimate = 0.0;  // the largest free estimate of h ρ since the last check
    const bool stiff = !run_own(st, StepperKind::adams, [&](const AdamsPece& adams) {
      if (!stiff_allowed) return false;
      if (++local >= o_.stiff_switch_steps) return true;
      estimate = std::max(estimate, adams.stiffness());
      if (!stiff_check_due(local)) return false;
      const bool vote = stiff_vote(adams.order() <= stiff_max_order ? estimate : 0.0, adams.current_derivative());
      estimate = 0.0;
      const bool soon = ending_soon(local);
      return vote && !soon;
    });
    if (stiff) {
      s_.switch_time = t_;
      run_bdf();
    }
  }

  // Power iteration for the largest |eigenvalue| of the Jacobian at x_, with Jacobian-vector
  // products by finite differences of the right-hand side (no Jacobian is formed) around
  // f0 = f(x_), which the explicit stepper already evaluated at its accepted state. Each check
  // starts from the previous check's vector: the dominant direction moves little between
  // checks, so the estimate settles in a few products; a cold start takes all twelve. The
  // vote needs dt ρ to a few per cent (threshold 0.3 against Adams' 0.8-3.5 when held).
  double spectral_radius(const Vector& f0) {
    const auto n = x_.size();
    const bool warm = power_vector_.size() == n;
    if (!warm) power_vector_ = Vector::LinSpaced(n, 1.0, 2.0).normalized();
    Vector& v = power_vector_;
    Vector f1(n), xp(n);
    const double eps = 1e-7 * std::max(1.0, x_.norm());
    double rho = 0.0;
    for (int k = 0; k < max_power_products; ++k) {
      xp = x_ + eps * v;
      flow_.derivative(xp, f1);
      ++s_.rhs_evals;
      v = (f1 - f0) / eps;
      const double previous = rho;
      rho = v.norm();
      if (!(rho > 0.0) || !std::isfinite(rho)) {
        power_vector_.resize(0);  // a cold start next time
        return 0.0;
      }
      v /= rho;
      if (warm && k >= min_power_products - 1 && std::abs(rho - previous) <= power_settled * rho) break;
    }
    return rho;
  }
  static constexpr int min_power_products = 3, max_power_products = 12;
  static constexpr double power_settled = 0.01;
  Vector power_vector_;  // the last check's estimate of the dominant direction

  // auto's stiffness vote: true when dt ρ(J) exceeded stiff_threshold, with the step held
  // (grown less than stiff_growth since the previous check), at two checks with dt ρ above the
  // threshold in between. An explicit stepper whose step is held by its stability limit is
  // wasting work on a stiff problem. Adams held by stability sits at dt ρ ≈ 0.8-3.5 (orders
  // 1-3, which its order control picks there), so 0.3 leaves a margin; a step still growing
  // by accuracy (1.2-1.7x a check on the non-stiff P± flows, which end in Adams) is not held.
  // Measured at N = 400: threshold 0.3 or 0.5 within 0.2 %; growth limit 1.5 instead of 1.2
  // +2 % (it hands the non-stiff flows to bdf); threshold 1.0 left one flow on Adams at dt ρ
  // = 0.86 for the whole 20 000-step budget.
  static constexpr double stiff_growth = 1.2;
  // The free estimate (AdamsPece::stiffness) is at or above dt ρ on the flows measured; a check
  // below half the threshold skips the power iteration and counts as not stiff.
  static constexpr double estimate_gate = 0.5;
  // Adams held by stability drops to orders 1-3, whose stability intervals are the longest;
  // at higher orders its step is held by accuracy, and bdf (order <= 5, larger error
  // constants) would take no longer steps, so a check there counts as not stiff (and skips
  // the power iteration). Measured (callgrind, 20-case grids): N = 400 -8.6 %, N = 150
  // -4.9 %; the two N = 400 rows where the vote handed a flow ending soon to bdf (P± L = 3
  // α = 1) stay on Adams. An estimate of bdf's step from Adams' differences (LSODA's test)
  // does not tell them apart: a stability-held history is noise at the tolerance level, and
  // the estimate comes out 0.4-2.2x Adams' step on flows where bdf pays and where it does not.
  static constexpr int stiff_max_order = 4;
  double last_stiffness_ = 0.0;  // the vote's state: dt·ρ at the last check, and the count
  int votes_ = 0;
  bool loss_stale_ = false;  // s_.loss is not that of x_ (see finished())
  // Checks at steps 5 and 10, then every 10 steps up to 2·stiff_check_every, then every
  // stiff_check_every steps, so that a flow stiff from t = 0 leaves the explicit stepper early.
  bool stiff_check_due(long local) const {
    const long every = o_.stiff_check_every;
    const long interval = local <= 10 ? std::min(every, 5L) : local < 2 * every ? std::min(every, 10L) : every;
    return local % interval == 0;
  }
  // A stiff vote near the end: bdf would pay a Jacobian and its factorizations for a tail that
  // Adams finishes in a few steps. Within ending_factor of loss_tol, where the loss fell fast
  // enough since the last check that Adams reaches loss_tol within ending_steps more steps at
  // that pace, the switch waits (at most max_deferrals checks). At N = 400 the vote came at a
  // loss of 9e-20, 2e-19 and 6e-18 (loss_tol 1e-20) on three flows, where Adams alone needed
  // 6, 4 and 27 more steps; on every flow that needs bdf it came at 5e-13 or more. The pace
  // test keeps a stability-bound tail on bdf: N = 2000 P+ GF L = 2 α = 1 votes at 4e-18 but
  // Adams alone does not finish it in 5000 steps.
  bool ending_soon(long local) {
    const double loss = o_.loss_tol > 0.0 ? flow_.loss(x_) : 0.0;
    bool soon = false;
    if (deferrals_ < max_deferrals && loss > 0.0 && loss <= ending_factor * o_.loss_tol && check_loss_ > loss &&
        local > check_step_) {
      const double decades_per_step = std::log10(check_loss_ / loss) / double(local - check_step_);
      soon = std::log10(loss / o_.loss_tol) <= ending_steps * decades_per_step;
    }
    check_loss_ = loss;
    check_step_ = local;
    if (soon) ++deferrals_;
    return soon;
  }
  static constexpr double ending_factor = 1e3;
  static constexpr double ending_steps = 50;
  static constexpr int max_deferrals = 2;
  int deferrals_ = 0;
  double check_loss_ = 0.0;  // the loss and the step count at the previous check
  long check_step_ = 0;

  bool stiff_vote(double estimate, const Vector& f0) {
    if (!(estimate > estimate_gate * o_.stiff_threshold)) {
      votes_ = 0;
      last_stiffness_ = 0.0;
      return false;
    }
    const double stiffness = dt_ * spectral_radius(f0);
    const bool saturated = !(last_stiffness_ > 0.0) || stiffness < stiff_growth * last_stiffness_;
    if (!(stiffness > o_.stiff_threshold))
      votes_ = 0;
    else if (saturated)
      ++votes_;
    last_stiffness_ = stiffness;
    return votes_ >= 2;
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

  // Dense-output steppers: step freely, interpolate at the sample times.
  template <class Dense>
  void run_dense(Dense&& st) {
    s_.stepper_used = o_.stepper == StepperKind::bulirsch_stoer ? StepperKind::bulirsch_stoer : StepperKind::dopri5;
    CountedSystem<Flow> sys{&flow_, &s_.rhs_evals};
    st.initialize(x_, t_, dt_);
    for (;;) {
      std::pair<double, double> span;
      try {
        span = st.do_step(sys);
      } catch (const ode::step_adjustment_error& e) {
        stop(StopReason::step_underflow, std::string("the step size could not be adjusted: ") + e.what());
        return;
      } catch (const NonFiniteDerivative&) {
        if (!shrink_after_overflow()) return;
        st.initialize(x_, t_, dt_);
        continue;
      }
      overflow_retries_ = 0;
      ++s_.steps;
      const double end = std::min(span.second, o_.t_max);
      for (; next_ < samples_.size() && samples_[next_] <= end; ++next_) {
        st.calc_state(samples_[next_], tmp_);
        emit(samples_[next_], tmp_);
      }
      if (span.second >= o_.t_max) {
        st.calc_state(o_.t_max, x_);
        t_ = o_.t_max;
      } else {
        x_ = st.current_state();
        t_ = span.second;
        dt_ = st.current_time_step();
      }
      if (finished()) return;
    }
  }

  // Controlled steppers without dense output: clip steps to land on the sample times.
  template <class Controlled>
  void run_controlled(Controlled st, StepperKind kind) {
    s_.stepper_used = kind;
    CountedSystem<Flow> sys{&flow_, &s_.rhs_evals};
    int failures = 0;
    for (;;) {
      const double target = next_ < samples_.size() ? std::min(samples_[next_], o_.t_max) : o_.t_max;
      double dt = std::min(dt_, target - t_);
      const bool clipped = dt < dt_;
      ode::controlled_step_result result;
      try {
        result = st.try_step(sys, x_, t_, dt);
      } catch (const NonFiniteDerivative&) {
        if (!shrink_after_overflow()) return;
        continue;
      }
      overflow_retries_ = 0;
      if (result == ode::fail) {
        dt_ = dt;
        if (++failures > 500 || t_ + dt_ == t_) {
          stop(StopReason::step_underflow, "the step size could not be adjusted at t = " + format_number(t_));
          return;
        }
        continue;
      }
      failures = 0;
      ++s_.steps;
      if (clipped) {
        t_ = target;  // land exactly, and keep the unclipped step suggestion
        dt_ = std::max(dt_, dt);
      } else {
        dt_ = dt;
      }
      if (next_ < samples_.size() && t_ >= samples_[next_]) emit(samples_[next_++], x_);
      if (finished()) return;
    }
  }

  // rosenbrock4 (dense output) with the flow's analytic Jacobian; Odeint wants uBLAS here.
  void run_rosenbrock() {
    s_.stepper_used = StepperKind::rosenbrock4;
    const auto n = x_.size();
    Matrix scratch(n, n);
    UblasSystem<Flow> sys{&flow_, &s_.rhs_evals};
    UblasJacobian<Flow> jac{&flow_, &s_.jacobian_evals, &scratch};
    UVec ux(n), utmp(n);
    Eigen::Map<Vector>(&ux.data()[0], n) = x_;
    auto st = ode::make_dense_output(o_.atol, o_.rtol, ode::rosenbrock4<double>());
    st.initialize(ux, t_, dt_);
    for (;;) {
      std::pair<double, double> span;
      try {
        span = st.do_step(std::make_pair(sys, jac));
      } catch (const ode::step_adjustment_error& e) {
        stop(StopReason::step_underflow, std::string("the step size could not be adjusted: ") + e.what());
        return;
      } catch (const NonFiniteDerivative&) {
        if (!shrink_after_overflow()) return;
        Eigen::Map<Vector>(&ux.data()[0], n) = x_;
        st.initialize(ux, t_, dt_);
        continue;
      }
      overflow_retries_ = 0;
      ++s_.steps;
      const double end = std::min(span.second, o_.t_max);
      for (; next_ < samples_.size() && samples_[next_] <= end; ++next_) {
        st.calc_state(samples_[next_], utmp);
        tmp_ = Eigen::Map<const Vector>(&utmp.data()[0], n);
        emit(samples_[next_], tmp_);
      }
      if (span.second >= o_.t_max) {
        st.calc_state(o_.t_max, utmp);
        x_ = Eigen::Map<const Vector>(&utmp.data()[0], n);
        t_ = o_.t_max;
      } else {
        x_ = Eigen::Map<const Vector>(&st.current_state().data()[0], n);
        t_ = span.second;
        dt_ = st.current_time_step();
      }
      if (finished()) return;
    }
  }

  // The low-rank Rosenbrock stepper (rosenbrock.hpp): rosenbrock4's method and step control,
  // Woodbury solves.
  void run_lowrank() {
    LowRankRosenbrock st(x_.size(), flow_.jacobian_rank(), o_.atol, o_.rtol);
    run_own(st, StepperKind::rosenbrock_lowrank);
    s_.factorizations += st.solver().woodbury_factorizations + st.solver().dense_factorizations;
  }

  // Variable-order BDF with the same Woodbury solves (bdf.hpp).
  void run_bdf() {
    LowRankBdf st(x_.size(), flow_.jacobian_rank(), o_.atol, o_.rtol);
    run_own(st, StepperKind::bdf);
    s_.factorizations += st.factorizations();
  }

  template <class Stepper>
  static bool overflowed(const Stepper&) { return false; }
  static bool overflowed(const AdamsPece& st) { return st.overflowed(); }

  struct NoHandOver {
    template <class Stepper>
    bool operator()(const Stepper&) const { return false; }
  };

  // The loop shared by wnflow's own steppers (adams, rosenbrock_lowrank, bdf; the interface
  // of Odeint's dense-output steppers). After each accepted step that did not end the run,
  // hand_over(st) may end the loop early: run_own then returns false.
  template <class Stepper, class HandOver = NoHandOver>
  bool run_own(Stepper& st, StepperKind kind, HandOver hand_over = {}) {
    s_.stepper_used = kind;
    LowRankSystem<Flow> sys(&flow_, &s_.rhs_evals, &s_.jacobian_evals);
    st.initialize(x_, t_, dt_);
    for (;;) {
      try {
        if (!st.do_step(sys)) {
          if (overflowed(st)) {  // as an overflowing right-hand side: shorter, then blow-up
            if (!shrink_after_overflow()) return true;
            st.initialize(x_, t_, dt_);
            continue;
          }
          stop(StopReason::step_underflow, "the step size could not be adjusted at t = " + format_number(t_));
          return true;
        }
      } catch (const NonFiniteDerivative&) {
        if (!shrink_after_overflow()) return true;
        st.initialize(x_, t_, dt_);
        continue;
      }
      overflow_retries_ = 0;
      ++s_.steps;
      const double end = std::min(st.current_time(), o_.t_max);
      for (; next_ < samples_.size() && samples_[next_] <= end; ++next_) {
        st.calc_state(samples_[next_], tmp_);
        emit(samples_[next_], tmp_);
      }
      if (st.current_time() >= o_.t_max) {
        st.calc_state(o_.t_max, x_);
        t_ = o_.t_max;
      } else {
        x_ = st.current_state();
        t_ = st.current_time();
        dt_ = st.current_time_step();
      }
      if (finished()) return true;
      if (hand_over(st)) return false;
    }
  }

  const Flow& flow_;
  Vector& x_;
  const IntegrateOptions& o_;
  const Observer& observer_;
  std::vector<double> samples_;
  std::size_t next_ = 0;
  Vector tmp_;
  double t_ = 0.0, dt_ = 0.0, last_emitted_ = -1.0;
  int overflow_retries_ = 0;
  IntegrateSummary s_;
};

}  // namespace

template <class Flow>
IntegrateSummary integrate(const Flow& flow, Vector& state, const IntegrateOptions& options,
                           const Observer& observer) {
  options.validate();
  if (state.size() != flow.dimension())
    throw InputError("state has dimension " + std::to_string(state.size()) + ", the flow expects " +
                     std::to_string(flow.dimension()));
  Driver<Flow> driver(flow, state, options, observer);
  return driver.run();
}

template IntegrateSummary integrate<GradientFlow>(const GradientFlow&, Vector&, const IntegrateOptions&, const Observer&);
template IntegrateSummary integrate<WeightNormFlow>(const WeightNormFlow&, Vector&, const IntegrateOptions&, const Observer&);
template IntegrateSummary integrate<ClassicWeightNormFlow>(const ClassicWeightNormFlow&, Vector&, const IntegrateOptions&, const Observer&);

}  // namespace wnflow
