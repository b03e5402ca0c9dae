#pragma once
// A variable-order, variable-step Adams stepper (orders 1-12) for non-stiff flows: the
// explicit phase of `auto`, and the stepper `adams`.
//
// Why: at the tight tolerances of the theory checks (rtol 1e-9) a non-stiff flow is smooth
// enough for high orders, and an Adams predictor-corrector pays two right-hand sides a step
// where fehlberg78 pays thirteen. LSODA's Adams phase owes its low right-hand-side counts to
// exactly this (docs/numerics.md). Odeint's controlled_adams_bashforth_moulton takes 1.8-2.9x
// the right-hand sides on the non-stiff bench flows (docs/numerics.md, "Odeint's Adams").
//
// The method (Shampine & Gordon's DE, MATLAB's ode113): the history is Newton's divided
// differences of f at the actual past times, so a step change costs only new scalar
// coefficients, never a re-interpolated history (which at orders near 12 is unstable).
// Order k: the Adams–Bashforth predictor integrates the interpolant of f through the last k
// points, one evaluation, the Adams–Moulton corrector adds the new point (order k + 1, local
// extrapolation), one more evaluation for the history (PECE). The local error of order k is
// the difference of the correctors of orders k and k + 1, |∫ π_{k−1}(t)(t − t_{n+1}) dt| ×
// ‖f[t_{n+1}, …, t_{n−k+1}]‖ in the weighted RMS norm of LSODA and CVODE. A start phase raises
// the order and doubles the step each step until the error estimates stop improving; after
// that the order moves by one to whichever of k − 1, k, k + 1 has the smaller error, and the
// step changes by at most 2x up, 5x down.
//
// Odeint's dense-output stepper concept (initialize, do_step, calc_state, current_state, ...),
// like LowRankBdf, so Odeint's integrate functions drive both. stiffness() is a free estimate of h ρ(J) from the last step,
// h |f(x_{n+1}) − f(p)| / |x_{n+1} − p|: auto uses it to decide when a power iteration for
// ρ(J) is worth its cost.
#include <array>
#include <wnflow/solve/dense_output_stepper.hpp>
#include <utility>
#include <wnflow/solve/rosenbrock.hpp>

namespace wnflow {

class AdamsPece : public DenseOutputStepperTypes {
 public:
  static constexpr int max_order = 12;
  AdamsPece(Eigen::Index n, double atol, double rtol);

  // Restart at order 1 from x0 at t0; dt0 bounds the first step.
  void initialize(const Vector& x0, double t0, double dt0);
  // One accepted step; returns [previous_time, current_time]. Throws StepUnderflow when the
  // step size underflowed or 500 attempts in a row failed, StepOverflow when the error
  // estimate was not finite (step_failure.hpp).
  std::pair<double, double> do_step(RosenbrockSystem& sys);
  // The integrated interpolant of the last step's corrector, on [previous_time, current_time].
  void calc_state(double t, Vector& x) const;

  const Vector& current_state() const { return x_; }
  const Vector& current_derivative() const { return f_; }  // f(current_state()), evaluated
  double current_time() const { return t_; }
  double previous_time() const { return t_old_; }
  double current_time_step() const { return started_ ? h_ : h_bound_; }  // the next step's size (its bound before the first)
  int order() const { return order_; }
  double stiffness() const { return stiffness_; }

 private:
  static constexpr int max_nodes = max_order + 2;
  // One accepted step; false on failure, with overflowed_ saying which.
  bool advance(RosenbrockSystem& sys);
  void first_step(RosenbrockSystem& sys);
  // The step's scalar coefficients for order k from t_ with step h_ (see adams.cpp).
  void coefficients(int k);
  // Add (t_, f_) as the newest node of the divided differences, keeping at most `keep` nodes.
  void add_node(int keep);
  void choose_order_and_step(int k, double error_k);

  double atol_, rtol_;
  Matrix D_;  // D_.col(i) = f[t_n, t_{n−1}, …, t_{n−i}] scale_step_^i over the nodes_ (n x max_nodes)
  std::array<double, max_nodes> nodes_{};
  int nodes_count_ = 0;
  std::array<double, max_nodes + 1> w_{}, pi_{}, e_{}, e_unit_{};  // see coefficients()
  Vector x_, xnew_, xpred_, fp_, f_, d_, scale_;
  Eigen::Matrix<double, Eigen::Dynamic, 2> pred_sum_;  // Σ W_i D_i (predictor) and Σ π_i D_i (extrapolated f)
  double t_ = 0.0, t_old_ = 0.0, h_ = 0.0, h_used_ = 0.0, scale_step_ = 1.0, h_bound_ = 0.0, stiffness_ = 0.0;
  int order_ = 1, dense_order_ = 0, steps_at_order_ = 0, failures_ = 0;
  bool started_ = false, starting_ = true, overflowed_ = false;
};

}  // namespace wnflow
