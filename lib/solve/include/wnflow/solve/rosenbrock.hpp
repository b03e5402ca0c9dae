#pragma once
// A stiff stepper for Jacobians that are diagonal plus low rank, J = diag(D) + U V^T.
//
// Why: every flow's Jacobian has this form with rank k ≈ M (+1..4): see low_rank_jacobian.hpp
// and docs/theory.md §4.2. Odeint's rosenbrock4 factors the dense n x n matrix I/(γh) − J with
// uBLAS LU every step, O(n^3), which dominated stiff runs. Here the same method — Shampine's
// L-stable 4th-order Rosenbrock scheme with its embedded 3rd-order error estimate and 3rd-order
// dense output, the coefficients, error norm and step-size controller of Odeint's
// rosenbrock4 / rosenbrock4_controller / rosenbrock4_dense_output, so the step sequences
// match — solves its linear systems by the Woodbury identity: one k x k LU per step,
// O(n k^2 + k^3), and O(n k) per solve.
//
// Stability guard: the first solve after each factorization checks its residual against the
// factored matrix (O(n k)); a failed check gets one step of iterative refinement, then the
// dense fallback. The dense path
// (Eigen's PartialPivLU, not uBLAS) is also used outright when k > n/3, where Woodbury would
// not pay off.
#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <limits>
#include <stdexcept>
#include <utility>
#include <wnflow/model/low_rank_jacobian.hpp>
#include <wnflow/model/network.hpp>
#include <wnflow/solve/dense_output_stepper.hpp>

namespace wnflow {

// What the stiff steppers need from an autonomous system x' = f(x): the right-hand side and
// its Jacobian, as a dense matrix (small systems) or as one LowRankJacobian value.
class RosenbrockSystem {
 public:
  virtual ~RosenbrockSystem() = default;
  virtual void rhs(const Vector& x, Vector& dx) = 0;
  // The rank of the low-rank part of every Jacobian the system hands over: the steppers size
  // their solver by it, and take the dense path when it exceeds a third of the dimension.
  virtual Eigen::Index jacobian_rank() const = 0;
  virtual void jacobian(const Vector& x, Matrix& J) = 0;
  virtual void jacobian(const Vector& x, LowRankJacobian& J) = 0;
  // Only for a J with J.derivative_in_span (low_rank_jacobian.hpp): η with f(x) = [factors
  // of J] η, from the residual alone. The BDF stepper's Newton iteration runs on η then.
  virtual void derivative_in_factors(const Vector& /*x*/, const LowRankJacobian& /*J*/, Vector& /*eta*/) {
    throw std::logic_error("derivative_in_factors: the system's Jacobians do not span its right-hand side");
  }
  // Optional: the flow's loss at x, for the auto stepper's test of a run about to end
  // (auto_stepper.hpp); NaN when the system has none.
  virtual double loss(const Vector& /*x*/) { return std::numeric_limits<double>::quiet_NaN(); }
};

// (σ I − J) x = b for J = diag(D) + U V^T. Woodbury: with Δ = σ − D and W = Δ^{-1} U,
//   x = Δ^{-1} b + W C^{-1} V^T Δ^{-1} b,   C = I − V^T W  (k x k, PartialPivLU; Cholesky
// of its Gram block, symmetric by construction, and a Schur complement when that block is
// positive definite).
class LowRankSolver {
 public:
  LowRankSolver(Eigen::Index n, Eigen::Index k);

  // Fill one before factor(): the low-rank Jacobian (low-rank mode) or J (dense mode). With
  // its Gram block present (gram_structure.hpp) every product with the block goes through A,
  // which keeps the factors' memory at O(n (k − M)) instead of three n x k matrices.
  LowRankJacobian jacobian;
  Matrix J;
  bool dense_mode() const { return dense_; }
  // Fills the Jacobian from the system at x (dense mode: J).
  void set_jacobian(RosenbrockSystem& sys, const Vector& x);
  // Woodbury factorization of σ I − diag(D) − U V^T (or dense LU of σ I − J in dense mode).
  // same_factors: D, U, V and gram are those of the previous factor() call. With a constant
  // D (the L = 2 gradient flow: D = 0), or one within diagonal_tolerance of constant,
  // V^T Δ^{-1} U = V^T U / (σ − d) then comes from that call's product: a new σ costs a k x k
  // factorization, not the O(n k^2) product.
  void factor(double sigma, bool same_factors = false);
  void solve(const Vector& b, Vector& x);

  // The pieces of the Woodbury solve, for a caller that keeps vectors as x0 + U s (LowRankBdf's
  // Newton iteration when f lies in the span of U). Valid after factor() when
  // factor_span_ready(): Woodbury (not dense) with D = 0, so that Δ = σ I, the Gram form, and
  // a Jacobian that spans the right-hand side.
  bool factor_span_ready() const {
    return !use_dense_ && !dense_ && span_ready_ && gram_mode() && jacobian.derivative_in_span;
  }
  Eigen::Index rank() const { return jacobian.rank(); }
  void apply_vt(const Vector& x, Vector& t);             // t = V^T x (all k columns)
  void apply_u(const Vector& s, Vector& x);              // x = U s (all k columns)
  void capacitance_solve(const Vector& t, Vector& s);    // s = C^{-1} t

  long woodbury_factorizations = 0, dense_factorizations = 0, refinements = 0, fallbacks = 0;
  long cholesky_factorizations = 0;  // of the Woodbury ones, those by Cholesky of the Gram block
  // A D whose spread is at most diagonal_tolerance |σ − d̄| (d̄ its midrange) is factored as
  // the constant d̄: σ I − J is then approximated, and a new σ on the same factors costs a
  // k x k factorization instead of the O(n k^2) Gram block. 0 (the default) keeps every solve
  // exact, as Rosenbrock methods need; bdf's modified Newton iteration only needs an
  // approximate iteration matrix, and sets it (bdf.cpp).
  double diagonal_tolerance = 0.0;

 private:
  bool woodbury_solve(const Vector& b, Vector& x);  // false when the residual check fails
  void apply_inverse(const Vector& b, Vector& x);   // x = (σ I − J)^{-1} b by Woodbury
  bool gram_mode() const { return jacobian.gram.present(); }
  double residual(const Vector& b, const Vector& x);  // relative backward error, fills r_
  void fall_back_to_dense();

  Eigen::Index n_, k_;
  bool dense_;          // k > n/3: dense from the start
  bool use_dense_ = false;  // the current factorization is dense
  bool verified_ = false;   // a solve with the current factorization passed the residual check
  bool span_ready_ = false;  // the current factorization has D = 0 (see factor_span_ready())
  double sigma_ = 0.0;
  Vector delta_, y_, r_, dx_, vx_, t_, s_;
  Vector ad_, bd_, fold_, atS_;  // Gram form: a/δ and b a/δ over its rows, two N-vectors of scratch
  Matrix panel_;            // Gram form: a panel of A diag(.) (gram_block_lower)
  Matrix W_, cap_, Jd_;
  Matrix unit_cap_;               // −V^T U, kept while D is constant (see factor())
  bool unit_cap_valid_ = false;
  void capacitance_product();     // cap_ = −V^T W from delta_, W_ (and ad_ for the Gram block)
  Eigen::PartialPivLU<Matrix> cap_lu_, dense_lu_;
  Eigen::LLT<Matrix> cap_llt_;  // of C's Gram block S
  Matrix Z_, F_;                // S^{-1} B and the Schur complement E − R Z (see factor())
  Vector se_;                   // the e trailing entries of a capacitance solve
  Eigen::PartialPivLU<Matrix> F_lu_;
  bool use_llt_ = false;     // the current C is factored by cap_llt_ (and F_lu_)
  bool llt_refused_ = false;  // C of this Jacobian was not positive definite: LU until the next
};

// Shampine's Rosenbrock method (Odeint's default_rosenbrock_coefficients), adaptive, with dense
// output; the interface mirrors rosenbrock4_dense_output.
class LowRankRosenbrock : public DenseOutputStepperTypes {
 public:
  LowRankRosenbrock(Eigen::Index n, Eigen::Index rank, double atol, double rtol);

  void initialize(const Vector& x0, double t0, double dt0);
  // One accepted step, retrying rejected ones from the same state and Jacobian; returns
  // [previous_time, current_time]. Throws StepUnderflow when the step was rejected 500 times
  // in a row (Odeint's failed_step_checker limit).
  std::pair<double, double> do_step(RosenbrockSystem& sys);
  void calc_state(double t, Vector& x) const;  // dense output on [previous_time, current_time]

  const Vector& current_state() const { return x_; }
  double current_time() const { return t_; }
  double previous_time() const { return t_old_; }
  double current_time_step() const { return dt_; }
  const LowRankSolver& solver() const { return solver_; }

 private:
  bool advance(RosenbrockSystem& sys);  // one accepted step; false on failure
  // One trial step of size dt from x_ into xnew_/xerr_; returns the scaled error norm.
  double attempt(RosenbrockSystem& sys, double dt);
  double error_norm() const;

  double atol_, rtol_;
  LowRankSolver solver_;
  Vector x_, x_old_, xnew_, xerr_, xtmp_, f0_, f_, g1_, g2_, g3_, g4_, g5_, rhs_, cont3_, cont4_;
  double t_ = 0.0, t_old_ = 0.0, dt_ = 0.0;
  bool jacobian_current_ = false;  // f0_ and the Jacobian are those of x_
  // Controller memory (rosenbrock4_controller).
  bool first_step_ = true, last_rejected_ = false;
  double err_old_ = 0.0, dt_old_ = 0.0;
};

}  // namespace wnflow
