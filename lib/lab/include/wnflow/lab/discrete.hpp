#pragma once
// Discrete-time counterparts of the flows (docs/theory.md §1.4): gradient descent on w, classic
// weight-normalized GD on (gamma, v) with w = gamma v / |v|, and polar WN-GD on (r, s) with
// w = r s. A fixed step, or a search over a step grid for the largest step that converges.
// Options in, DiscreteSummary out; DiscreteSummary::report() says what happened in words.
//
// Unlike the flows, nothing here is integrated in log coordinates: the updates are the plain
// ones, so weights can leave the positive orthant and |v| grows (classic). Both are measured
// and reported, never corrected.
#include <optional>
#include <string>
#include <vector>
#include <wnflow/model/network.hpp>

namespace wnflow {

enum class DiscreteMethod { gd, wn_gd_classic, wn_gd_polar };
std::string to_string(DiscreteMethod m);
DiscreteMethod parse_discrete_method(const std::string& text);  // "gd" | "wn-gd-classic" | "wn-gd-polar"

struct DiscreteOptions {
  DiscreteMethod method = DiscreteMethod::gd;
  Sign sign = Sign::positive;
  int depth = 2;
  double alpha = 0.1;               // w(0) = alpha 1
  double step = 0;                  // h > 0: fixed step; 0: search step_grid
  std::vector<double> step_grid;    // search: largest converging step (empty: default_step_grid())
  double eta_r = 1, eta_s = 1;      // polar WN-GD rates; or:
  std::optional<double> ratio;      // q = eta_s r0^2 / eta_r (sets eta_s; classic: |v(0)| = r0/sqrt(q))
  std::optional<double> v0_norm;    // classic: |v(0)| (default |w(0)|)
  long max_iterations = 200000;
  double loss_tol = 1e-20;
  double divergence_factor = 1e6;   // loss > this x initial loss, or non-finite: diverged
  // Search: stop after this many consecutive steps that ran out of iterations without
  // diverging (0: try the whole grid).
  int max_stalled_tries = 2;

  // InputError naming the option.
  void validate() const;
};

// 1e-4 .. 10, four steps per decade, largest first.
std::vector<double> default_step_grid();

enum class DiscreteStop { loss_tol, max_iterations, diverged };
std::string to_string(DiscreteStop s);

struct DiscreteSummary {
  DiscreteMethod method = DiscreteMethod::gd;
  DiscreteStop stop = DiscreteStop::max_iterations;
  bool converged = false;      // stop == loss_tol
  bool searched = false;       // the step came from a grid search
  double step = 0;             // the step of this run (search: the chosen, or the last tried)
  long iterations = 0;         // updates taken
  double initial_loss = 0, loss = 0;
  Vector x, w;
  double alpha_eff = NAN;      // WN: closed form (alpha_eff.hpp) at r = |w| and the rates; NaN for GD
  double eta_r = NAN, eta_s = NAN;  // WN: the rates used (classic: 1 and 1/|v(0)|^2)
  double v_norm_growth = NAN;  // classic: |v_k| / |v_0| (>= 1: it grows in discrete time)
  // The flows keep w > 0; discrete steps need not. Iterates (after the initial point) with a
  // negative weight, and the smallest weight seen over the run.
  long negative_iterations = 0;
  double min_weight = NAN;
  bool left_positive_orthant() const { return negative_iterations > 0; }
  std::vector<double> tried_steps;  // in the order tried (fixed step: just that one)
  double wall_seconds = 0;

  std::string report() const;
};

// Throws InputError for an invalid problem or options.
DiscreteSummary run_discrete(const Problem& problem, const DiscreteOptions& options);

// One discrete iteration at a time, for tests and callers that observe the trajectory.
// All storage is allocated in the constructor; evaluate() and step() allocate nothing.
class DiscreteIteration {
 public:
  // The network must outlive the iteration. options.validate() is the caller's job; `step` > 0.
  DiscreteIteration(const DiagonalNetwork& net, const DiscreteOptions& options, double step);

  // Loss at the current point; also computes grad_w() for the next step().
  double evaluate();
  // One update with the gradient of the last evaluate().
  void step();

  const Vector& w() const { return w_; }
  const Vector& x() const { return x_; }
  const Vector& grad_w() const { return grad_w_; }
  double gamma() const { return radius_; }   // classic: gamma
  double r() const { return radius_; }       // polar: r
  const Vector& v() const { return dir_; }   // classic: v (not normalized)
  const Vector& s() const { return dir_; }   // polar: s, |s| = 1
  double initial_radius() const { return r0_; }
  double v0_norm() const { return v0_norm_; }
  double eta_r() const { return eta_r_; }
  double eta_s() const { return eta_s_; }

 private:
  void update_w();  // w from (radius, direction)
  const DiagonalNetwork* net_;
  DiscreteMethod method_;
  double h_, eta_r_ = 1, eta_s_ = 1, r0_ = 0, v0_norm_ = 0;
  double radius_ = 0;     // gamma (classic) or r (polar)
  Vector w_, p_, x_, e_, g_, G_, grad_w_;
  Vector dir_, tangent_;  // v or s, and the tangential part of the gradient
};

}  // namespace wnflow
