#include <algorithm>
#include <cmath>
#include <wnflow/solve/auto_stepper.hpp>
#include <wnflow/solve/step_failure.hpp>

namespace wnflow {

namespace {

// Power iteration (spectral_radius): 12 products cold, at least 3 warm, settled at 1 %.
constexpr int min_power_products = 3, max_power_products = 12;
constexpr double power_settled = 0.01;

// The vote is true when dt ρ(J) exceeded the threshold, with the step held (grown less than
// stiff_growth since the previous check), at two checks with dt ρ above the threshold in
// between. An explicit stepper whose step is held by its stability limit is wasting work on a
// stiff problem. Adams held by stability sits at dt ρ ≈ 0.8-3.5 (orders 1-3, which its order
// control picks there), so 0.3 leaves a margin; a step still growing by accuracy (1.2-1.7x a
// check on the non-stiff P± flows, which end in Adams) is not held. Measured at N = 400:
// threshold 0.3 or 0.5 within 0.2 %; growth limit 1.5 instead of 1.2 +2 % (it hands the
// non-stiff flows to bdf); threshold 1.0 left one flow on Adams at dt ρ = 0.86 for the whole
// 20 000-step budget.
constexpr double stiff_growth = 1.2;
// The free estimate (AdamsPece::stiffness) is at or above dt ρ on the flows measured; a check
// below half the threshold skips the power iteration and counts as not stiff.
constexpr double estimate_gate = 0.5;
// Adams held by stability drops to orders 1-3, whose stability intervals are the longest; at
// higher orders its step is held by accuracy, and bdf (order <= 5, larger error constants)
// would take no longer steps, so a check there counts as not stiff (and skips the power
// iteration). Measured (callgrind, 20-case grids): N = 400 -8.6 %, N = 150 -4.9 %. An
// estimate of bdf's step from Adams' differences (LSODA's test) does not work here: a
// stability-held history is noise at the tolerance level, and the estimate came out
// 0.4-2.2x Adams' step on flows where bdf pays and where it does not.
constexpr int stiff_max_order = 4;
// ending_soon(): within ending_factor of loss_tol, where the loss fell fast enough since the
// last check that Adams reaches loss_tol within ending_steps more steps at that pace, the
// switch waits (at most max_deferrals checks). Why: bdf would pay a Jacobian and its
// factorizations for a tail that Adams finishes in a few steps. At N = 400 the vote came at a
// loss of 9e-20, 2e-19 and 6e-18 (loss_tol 1e-20) on three flows, where Adams alone needed 6, 4
// and 27 more steps; on every flow that needs bdf it came at 5e-13 or more. The pace test keeps
// a stability-bound tail on bdf: N = 2000 P+ GF L = 2 α = 1 votes at 4e-18 but Adams alone
// does not finish it in 5000 steps.
constexpr double ending_factor = 1e3;
constexpr double ending_steps = 50;
constexpr int max_deferrals = 2;

}  // namespace

AutoStepper::AutoStepper(Eigen::Index n, const Options& options)
    : o_(options), adams_(n, options.atol, options.rtol) {}

void AutoStepper::initialize(const Vector& x0, double t0, double dt0) {
  if (bdf_)
    bdf_->initialize(x0, t0, dt0);
  else
    adams_.initialize(x0, t0, dt0);
}

std::pair<double, double> AutoStepper::do_step(RosenbrockSystem& sys) {
  if (!bdf_ && vote_pending_) {
    vote_pending_ = false;
    if (hand_over(sys)) {
      switch_time_ = adams_.current_time();
      bdf_.emplace(adams_.current_state().size(), sys.jacobian_rank(), o_.atol, o_.rtol);
      bdf_->initialize(adams_.current_state(), adams_.current_time(), adams_.current_time_step());
    }
  }
  if (bdf_) return bdf_->do_step(sys);
  const auto span = adams_.do_step(sys);
  vote_pending_ = true;
  return span;
}

void AutoStepper::calc_state(double t, Vector& x) const {
  if (bdf_)
    bdf_->calc_state(t, x);
  else
    adams_.calc_state(t, x);
}

// Adams pays 2 right-hand sides a step where fehlberg78 paid 13, so the vote must be cheap
// too: the power iteration for ρ(J) (12 right-hand sides cold, 3 or more warm) runs only when
// the stepper's free estimate of h ρ says it may pass.
bool AutoStepper::hand_over(RosenbrockSystem& sys) {
  if (!o_.stiff_allowed) return false;
  if (++local_ >= o_.switch_steps) return true;
  estimate_ = std::max(estimate_, adams_.stiffness());
  if (!stiff_check_due(local_)) return false;
  const bool vote = stiff_vote(sys, adams_.order() <= stiff_max_order ? estimate_ : 0.0);
  estimate_ = 0.0;
  const bool soon = ending_soon(sys, local_);
  return vote && !soon;
}

// Checks at steps 5 and 10, then every 10 steps up to 2·check_every, then every check_every
// steps, so that a flow stiff from t = 0 leaves the explicit stepper early.
bool AutoStepper::stiff_check_due(long local) const {
  const long every = o_.check_every;
  const long interval = local <= 10 ? std::min(every, 5L) : local < 2 * every ? std::min(every, 10L) : every;
  return local % interval == 0;
}

bool AutoStepper::stiff_vote(RosenbrockSystem& sys, double estimate) {
  if (!(estimate > estimate_gate * o_.threshold)) {
    votes_ = 0;
    last_stiffness_ = 0.0;
    return false;
  }
  const double stiffness = adams_.current_time_step() * spectral_radius(sys);
  const bool saturated = !(last_stiffness_ > 0.0) || stiffness < stiff_growth * last_stiffness_;
  if (!(stiffness > o_.threshold))
    votes_ = 0;
  else if (saturated)
    ++votes_;
  last_stiffness_ = stiffness;
  return votes_ >= 2;
}

// Power iteration for the largest |eigenvalue| of the Jacobian at the current state, with
// Jacobian-vector products by finite differences of the right-hand side (no Jacobian is
// formed) around f0 = f(x), which Adams already evaluated at its accepted state. Each check
// starts from the previous check's vector: the dominant direction moves little between
// checks, so the estimate settles in a few products; a cold start takes all twelve. The vote
// needs dt ρ to a few per cent (threshold 0.3 against Adams' 0.8-3.5 when held).
double AutoStepper::spectral_radius(RosenbrockSystem& sys) {
  const Vector& x = adams_.current_state();
  const Vector& f0 = adams_.current_derivative();
  const auto n = x.size();
  const bool warm = power_vector_.size() == n;
  if (!warm) power_vector_ = Vector::LinSpaced(n, 1.0, 2.0).normalized();
  Vector& v = power_vector_;
  Vector f1(n), xp(n);
  const double eps = 1e-7 * std::max(1.0, x.norm());
  double rho = 0.0;
  for (int k = 0; k < max_power_products; ++k) {
    xp = x + eps * v;
    try {
      sys.rhs(xp, f1);
    } catch (const StepOverflow&) {  // a perturbed state overflowed: no estimate
      power_vector_.resize(0);
      return 0.0;
    }
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

bool AutoStepper::ending_soon(RosenbrockSystem& sys, long local) {
  const double loss = o_.loss_tol > 0.0 ? sys.loss(adams_.current_state()) : 0.0;
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

}  // namespace wnflow
