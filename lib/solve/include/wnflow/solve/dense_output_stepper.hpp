#pragma once
// The types of Boost.Odeint's dense-output stepper concept (stepper_categories.hpp), for
// wnflow's own steppers: a stepper that derives from this and offers initialize, do_step
// (returning [previous_time, current_time], failing by exception: step_failure.hpp),
// calc_state, current_state, current_time and current_time_step is driven by Odeint's
// integrate functions like Odeint's own.
#include <boost/numeric/odeint/stepper/stepper_categories.hpp>
#include <wnflow/model/network.hpp>

namespace wnflow {

struct DenseOutputStepperTypes {
  using state_type = Vector;
  using deriv_type = Vector;
  using value_type = double;
  using time_type = double;
  using order_type = unsigned short;
  using stepper_category = boost::numeric::odeint::dense_output_stepper_tag;
};

}  // namespace wnflow
