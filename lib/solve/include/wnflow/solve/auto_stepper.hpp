#pragma once
// The `auto` stepper: Adams (adams.hpp) while the flow is not stiff, then the low-rank BDF
// (bdf.hpp) from the state where a stiffness vote says Adams' step is held by its stability
// limit. It is itself an Odeint dense-output stepper that composes the two, so the driver
// (integrate.cpp) runs it through Odeint's integrate functions like any other.
//
// The vote (docs/numerics.md, "auto"): at checks spaced as stiff_check_due() says, when the
// free estimate AdamsPece::stiffness() of dt ρ(J) passes half the threshold and Adams runs at
// order <= 4, a power iteration measures dt ρ(J); two checks in a row with dt ρ above the
// threshold and the step grown less than 1.2x hand over, unless the run is about to end
// (ending_soon()). After switch_steps Adams steps the flow is treated as stiff regardless.
// The vote for a step runs at the start of the next do_step, after the driver has looked at
// the step (and perhaps stopped there): a run that ends never pays for a vote it does not use.
#include <optional>
#include <utility>
#include <wnflow/solve/adams.hpp>
#include <wnflow/solve/bdf.hpp>

namespace wnflow {

class AutoStepper : public DenseOutputStepperTypes {
 public:
  struct Options {
    double atol = 1e-12, rtol = 1e-10;
    double loss_tol = 1e-20;     // the driver's loss stop, for ending_soon()
    long switch_steps = 20'000;  // Adams steps after which the flow counts as stiff
    long check_every = 25;       // the vote's check interval, once past the start
    double threshold = 0.3;      // dt ρ(J) above this counts as held by stability
    bool stiff_allowed = true;   // false: Adams throughout (bdf's memory would not fit)
  };

  AutoStepper(Eigen::Index n, const Options& options);

  // Restarts the phase in use (Adams, or bdf after the switch) from x0 at t0.
  void initialize(const Vector& x0, double t0, double dt0);
  std::pair<double, double> do_step(RosenbrockSystem& sys);
  void calc_state(double t, Vector& x) const;

  const Vector& current_state() const { return bdf_ ? bdf_->current_state() : adams_.current_state(); }
  double current_time() const { return bdf_ ? bdf_->current_time() : adams_.current_time(); }
  double previous_time() const { return bdf_ ? bdf_->previous_time() : adams_.previous_time(); }
  double current_time_step() const { return bdf_ ? bdf_->current_time_step() : adams_.current_time_step(); }

  bool switched() const { return bdf_.has_value(); }
  double switch_time() const { return switch_time_; }  // -1 before the switch
  long factorizations() const { return bdf_ ? bdf_->factorizations() : 0; }

 private:
  bool hand_over(RosenbrockSystem& sys);
  bool stiff_check_due(long local) const;
  bool stiff_vote(RosenbrockSystem& sys, double estimate);
  double spectral_radius(RosenbrockSystem& sys);
  bool ending_soon(RosenbrockSystem& sys, long local);

  Options o_;
  AdamsPece adams_;
  std::optional<LowRankBdf> bdf_;
  bool vote_pending_ = false;  // an Adams step was taken and the driver accepted it
  double switch_time_ = -1.0;

  // The vote's state.
  long local_ = 0;           // Adams steps so far
  double estimate_ = 0.0;    // the largest free estimate of dt ρ since the last check
  double last_stiffness_ = 0.0;  // dt ρ at the last check, and the count of checks above
  int votes_ = 0;
  Vector power_vector_;      // the last check's estimate of the dominant direction
  int deferrals_ = 0;        // ending_soon(): switches deferred, the loss and step at the last check
  double check_loss_ = 0.0;
  long check_step_ = 0;
};

}  // namespace wnflow
