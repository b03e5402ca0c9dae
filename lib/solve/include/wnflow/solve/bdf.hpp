#pragma once
// A variable-order, variable-step BDF stepper (orders 1-5) for stiff flows, with the
// diagonal-plus-low-rank linear solves of rosenbrock.hpp.
//
// Why: at tight tolerances (rtol 1e-9) the 4th-order Rosenbrock method loses order on the
// stiff weight-normalization flows (its step count grows like rtol^-0.4, not rtol^-0.2) and
// re-forms its Jacobian every step. A multistep method of order up to 5 takes several times
// fewer steps there, and reuses one Jacobian and one factorization over many steps, as the
// peers LSODA and CVODE do.
//
// The method is the numerical differentiation formula family of Shampine & Reichelt (the
// MATLAB ode15s / SciPy "BDF" design): quasi-constant step size in the modified divided
// difference form (the history is re-interpolated when the step changes), a simplified Newton
// iteration on (I − c J) with c = h/α_k, the Jacobian refreshed only when Newton fails to
// converge, local error estimated from the Newton correction, and order raised or lowered by
// comparing the error estimates of orders k−1, k, k+1 after k+1 steps of equal size. The error
// norm is the weighted RMS norm with weights atol + rtol |x|, as in LSODA and CVODE, so a
// tolerance means the same thing here as for the peers.
//
// Where the system's right-hand side lies in the span of its factors (f = U η, D = 0: the
// depth-2 flows), the Newton iteration runs on the k-vector η (bdf.cpp, newton_in_span):
// two products with A an iteration instead of a right-hand side plus a Woodbury solve (four).
#include <array>
#include <wnflow/solve/dense_output_stepper.hpp>
#include <utility>
#include <wnflow/solve/rosenbrock.hpp>

namespace wnflow {

class LowRankBdf : public DenseOutputStepperTypes {
 public:
  static constexpr int max_order = 5;
  LowRankBdf(Eigen::Index n, Eigen::Index rank, double atol, double rtol);

  // Restart at order 1 from x0 at t0; dt0 bounds the first step, which is otherwise chosen
  // from the initial derivative (Hairer, Nørsett & Wanner, II.4) on the first do_step.
  void initialize(const Vector& x0, double t0, double dt0);
  // One accepted step; returns [previous_time, current_time]. Throws StepUnderflow when the
  // step size underflowed or 500 attempts in a row failed (step_failure.hpp).
  std::pair<double, double> do_step(RosenbrockSystem& sys);
  // The interpolating polynomial of the last step, valid on [previous_time, current_time].
  void calc_state(double t, Vector& x) const;

  const Vector& current_state() const { return x_; }
  double current_time() const { return t_; }
  double previous_time() const { return t_old_; }
  double current_time_step() const { return started_ ? h_ : h_bound_; }  // the next step's size (its bound before the first)
  int order() const { return order_; }
  long factorizations() const { return factorizations_; }
  const LowRankSolver& solver() const { return solver_; }
  // Newton on the coefficients of f in the factors' span, where the system has that form
  // (LowRankJacobian::derivative_in_span). Off: the iteration of every other system.
  bool use_factor_span = true;
  long span_iterations() const { return span_iterations_; }

 private:
  bool advance(RosenbrockSystem& sys);  // one accepted step; false on failure
  // Re-express the difference table for a step size scaled by `factor` (same order).
  void rescale_history(double factor);
  void first_step(RosenbrockSystem& sys);
  void refresh_jacobian(RosenbrockSystem& sys, const Vector& at);
  // Simplified Newton for the corrector; true when it converged. Fills xnew_, d_.
  bool newton(RosenbrockSystem& sys, double c, int& iterations);
  // The same iteration when f = U η (bdf.cpp): two products with A an iteration, not four.
  bool newton_in_span(RosenbrockSystem& sys, double c, int& iterations);
  // The loop both share, from xpred_: correction(j) puts iteration j's correction into dy_;
  // it stops when the correction is below the Newton tolerance (true) or the iteration
  // diverges or is too slow (false). Fills xnew_, d_.
  template <class Correction>
  bool iterate(Correction correction, int& iterations);

  double atol_, rtol_;
  LowRankSolver solver_;
  Matrix Dt_, Dtmp_;  // the difference table, one column per difference (n x (max_order + 3))
  Vector x_, xnew_, xpred_, psi_, d_, f_, rhs_, dy_, scale_, err_;
  Vector eta_, tk_, sk_, dsk_;  // k-vectors of newton_in_span
  long span_iterations_ = 0;
  Eigen::Matrix<double, max_order + 1, max_order + 1> R_, U_, RU_;
  std::array<double, max_order + 1> gamma_{}, alpha_{}, error_const_{};
  double t_ = 0.0, t_old_ = 0.0, h_ = 0.0, h_bound_ = 0.0;
  int order_ = 1, equal_steps_ = 0;
  bool started_ = false;
  bool lu_valid_ = false;   // solver_ holds a factorization of (1/c) I − J for c = lu_c_
  bool factors_changed_ = true;  // a new Jacobian since the last factorization
  double lu_c_ = 0.0;
  double rate_ = 1.0;       // Newton contraction rate seen with the current factorization
  long factorizations_ = 0;
  static constexpr int max_jacobian_age = 50;
  int jacobian_age_ = 0;  // steps since the last Jacobian (first_step() takes the first)
};

}  // namespace wnflow
