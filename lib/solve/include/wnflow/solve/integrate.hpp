#pragma once
// Adaptive integration of a flow with Boost.Odeint: Options in, Summary out.
//
// A "flow" here is any Odeint system over Eigen vectors that also offers
//   Eigen::Index dimension(); Vector initial_state();
//   void derivative(ConstVectorRef, VectorRef); void jacobian(ConstVectorRef, Ref<Matrix>);
//   void jacobian(ConstVectorRef, LowRankJacobian&); Eigen::Index jacobian_rank();
//   double loss(ConstVectorRef); double loss_floor(ConstVectorRef);
// and optionally derivative_in_factors (low_rank_jacobian.hpp) and loss_exceeds (a bound that
// spares the per-step loss): GradientFlow, WeightNormFlow, ClassicWeightNormFlow. The flow is
// taken by reference, not const: the steppers and the stop rules share its evaluation cache
// (the last residual), which belongs to that object alone (a copy has its own), so one flow
// object serves one run at a time. The integrator stops at t_max, or
// when the loss reaches loss_tol, and says which; numerical failure is a stop reason too,
// never a silent result.
#include <functional>
#include <string>
#include <vector>
#include <wnflow/model/network.hpp>

namespace wnflow {

// rosenbrock_lowrank: the same Rosenbrock method as Odeint's rosenbrock4, with linear solves
// that exploit the diagonal-plus-low-rank Jacobian (rosenbrock.hpp).
// bdf: variable-order BDF (orders 1-5) with the same low-rank solves, reusing its Jacobian
// and factorization over many steps (bdf.hpp).
// adams: variable-order Adams predictor-corrector (orders 1-12), non-stiff (adams.hpp).
enum class StepperKind { automatic, dopri5, cash_karp54, fehlberg78, bulirsch_stoer, rosenbrock4, rosenbrock_lowrank, bdf, adams };
std::string to_string(StepperKind k);
StepperKind parse_stepper(const std::string& text);  // "auto", "runge_kutta_dopri5", "dopri5", ...
std::vector<std::string> stepper_names();

// loss_floor: the loss stopped above loss_tol at the rounding floor of double precision
// (DiagonalNetwork::loss_floor), so the limit is reached to working precision.
enum class StopReason { loss_tol, loss_floor, t_max, max_steps, step_underflow, non_finite };
std::string to_string(StopReason r);

struct IntegrateOptions {
  StepperKind stepper = StepperKind::automatic;
  double rtol = 1e-10;
  double atol = 1e-12;
  double t_max = 1e6;
  double loss_tol = 1e-20;           // 0 disables the loss stop (integrate to t_max)
  long max_steps = 20'000'000;
  double first_sample = 1e-2;        // observer times: 0, then log-spaced from here to t_max
  int samples_per_decade = 10;
  // auto: the Adams stepper first (adams.hpp); when its step is held by the stability limit
  // (dt ρ(J) > stiff_threshold and grown less than 1.2x since the previous check, at two
  // checks with dt ρ above the threshold in between; checks at steps 5 and 10, every 10 steps
  // up to 2·stiff_check_every steps and every stiff_check_every steps after that; ρ by a power
  // iteration on the Jacobian, run only when the stepper's free estimate of dt ρ exceeds half
  // the threshold and Adams runs at order <= 4), or after stiff_switch_steps steps, the
  // problem is treated as stiff and integration continues from the current state with bdf
  // (if dim <= stiff_max_dim).
  long stiff_switch_steps = 20'000;
  long stiff_check_every = 25;
  double stiff_threshold = 0.3;
  // bdf works through A (gram_structure.hpp) and holds k x k Woodbury matrices, k = M + 0..4:
  // at N = 10000 (P+) a run peaks at 0.41 GB against A's 0.19 GB, and without bdf the stiff
  // P+ flow did not finish in 300 s (Adams at its stability limit) where auto takes 28-38 s.
  // 20000 covers the standard instances up to N = 20000 (P+) and N = 10000 (P±).
  Eigen::Index stiff_max_dim = 20000;
  // Called after every accepted step, on the integrating thread, when set. It may throw to
  // abandon the run: the exception leaves integrate (and run_flow) unchanged. The Python
  // module polls the interpreter's signal handlers from it, so Ctrl-C interrupts a long run.
  std::function<void()> checkpoint;

  void validate() const;  // InputError naming the offending option
};

struct IntegrateSummary {
  StopReason stop_reason = StopReason::t_max;
  double t = 0.0;
  double loss = 0.0;
  long steps = 0;
  long rhs_evals = 0;
  long jacobian_evals = 0;
  long factorizations = 0;  // of the stiff steppers' iteration matrices (rosenbrock_lowrank, bdf)
  StepperKind stepper_used = StepperKind::dopri5;  // the last stepper that ran
  double switch_time = -1.0;                       // auto: when it switched to the stiff stepper
  std::string message;                             // details of a failure

  // A result is usable if integration ended by reaching t_max or the loss tolerance.
  bool usable() const {
    return stop_reason == StopReason::loss_tol || stop_reason == StopReason::loss_floor ||
           stop_reason == StopReason::t_max;
  }
  bool converged() const { return stop_reason == StopReason::loss_tol || stop_reason == StopReason::loss_floor; }
  std::string report() const;
};

// Called at t = 0, at each log-spaced sample time, and at the final time.
using Observer = std::function<void(double t, const Vector& state)>;

template <class Flow>
IntegrateSummary integrate(Flow& flow, Vector& state, const IntegrateOptions& options,
                           const Observer& observer = {});

// The sample times the observer sees (besides 0 and the final time).
std::vector<double> sample_times(const IntegrateOptions& options);

}  // namespace wnflow
