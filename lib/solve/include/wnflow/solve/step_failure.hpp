#pragma once
// How a stepper says it cannot go on. Odeint's steppers signal failure by exception (its
// failed-step checker throws step_adjustment_error); wnflow's steppers do the same, so that
// Odeint's integrate functions can drive them and one driver (integrate.cpp) turns every
// failure into a stop reason.
#include <stdexcept>
#include <string>

namespace wnflow {

// The step size fell below what the time's precision resolves, or 500 attempts in a row
// were rejected: a numerical failure (StopReason::step_underflow).
class StepUnderflow : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A trial stage or the error estimate was not finite. Not necessarily a blow-up: the driver
// retries from the last accepted state with a shorter step, and reports a blow-up
// (StopReason::non_finite) only when even tiny steps overflow.
class StepOverflow : public std::runtime_error {
 public:
  StepOverflow() : std::runtime_error("a trial step overflowed") {}
};

}  // namespace wnflow
