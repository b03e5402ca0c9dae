#pragma once
// Discrete-time counterparts of the flows (docs/theory.md §1.4): gradient descent on w, classic
// weight-normalized GD on (gamma, v) with w = gamma v / |v|, and polar WN-GD on (r, s) with
// w = r s. A fixed step, a search over a step grid for the largest step that converges, or the
// curvature rule h_k = c 2/lambda_max (the largest eigenvalue of the rate-preconditioned Hessian
// in the method's own parameters, by power iteration with Hessian-vector products; docs/theory.md
// §1.4). Options in, DiscreteSummary out; DiscreteSummary::report() says what happened in words.
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

// fixed: the step `step`; grid: the largest converging step of `step_grid`; curvature:
// h_k = step_fraction * 2 / lambda_max at the current iterate (refreshed adaptively).
enum class StepRule { fixed, grid, curvature };
std::string to_string(StepRule r);
StepRule parse_step_rule(const std::string& text);  // "fixed" | "grid" | "curvature"

// What the curvature rule divides by: the spectral radius max |lambda| or the largest eigenvalue.
enum class CurvatureScale { magnitude, largest };
std::string to_string(CurvatureScale c);  // "magnitude" | "largest"

struct DiscreteOptions {
  DiscreteMethod method = DiscreteMethod::gd;
  Sign sign = Sign::positive;
  int depth = 2;
  double alpha = 0.1;               // w(0) = alpha 1
  double step = 0;                  // h > 0: fixed step (step_rule must then be grid or fixed)
  StepRule step_rule = StepRule::grid;  // used when step = 0 (fixed needs step > 0)
  std::vector<double> step_grid;    // search: largest converging step (empty: default_step_grid())
  double step_fraction = 0.5;       // curvature: c in (0, 1]; 0.5 is the classical h = 1/lambda_max
  // curvature: the scale the step divides: the spectral radius max |lambda| (magnitude, the
  // default), or the largest eigenvalue (largest). Equal where the Hessian is positive
  // semidefinite, e.g. near a minimizer; docs/theory.md §1.4 says why magnitude is the default.
  CurvatureScale curvature = CurvatureScale::magnitude;
  double eta_r = 1, eta_s = 1;      // polar WN-GD rates; or:
  std::optional<double> ratio;      // q = eta_s r0^2 / eta_r (sets eta_s; classic: |v(0)| = r0/sqrt(q))
  std::optional<double> v0_norm;    // classic: |v(0)| (default |w(0)|)
  long max_iterations = 200000;
  double loss_tol = 1e-20;
  double divergence_factor = 1e6;   // loss > this x initial loss, or non-finite: diverged
  // Search: stop after this many consecutive steps that ran out of iterations while still making
  // progress, i.e. the loss at least halved over the second half of the run (0: try the whole grid).
  int max_stalled_tries = 2;

  // InputError naming the option.
  void validate() const;
  // The rule in effect: fixed when step > 0, else step_rule.
  StepRule rule() const { return step > 0.0 ? StepRule::fixed : step_rule; }
};

// 10 .. 1e-7, four steps per decade (10^(k/4), k = 4 .. -28), largest first: 33 steps.
std::vector<double> default_step_grid();

enum class DiscreteStop { loss_tol, max_iterations, diverged };
std::string to_string(DiscreteStop s);

struct DiscreteSummary {
  DiscreteMethod method = DiscreteMethod::gd;
  DiscreteStop stop = DiscreteStop::max_iterations;
  bool converged = false;      // stop == loss_tol
  StepRule rule = StepRule::fixed;
  bool searched = false;       // the step came from a grid search
  double step = 0;             // the step of this run (search: the chosen, or the last tried;
                               // curvature: the last step taken)
  long iterations = 0;         // updates taken
  // Cost in gradient evaluations: grad_evals of this run = loss/gradient evaluations
  // (iterations + 1) + Hessian-vector products of the power iterations (each costs one
  // product with A and one with A^T, as a gradient does); search_grad_evals adds every
  // try of a grid search (equal to grad_evals otherwise).
  long grad_evals = 0, hvp_evals = 0, search_grad_evals = 0;
  // Curvature rule: the scale (spectral radius, or lambda_max with CurvatureScale::largest) at
  // w(0) and at the last refresh, the number of refreshes, and the smallest and largest step.
  double lambda_initial = NAN, lambda_final = NAN;
  long curvature_refreshes = 0;
  double step_min = NAN, step_max = NAN;
  double initial_loss = 0, loss = 0;
  double half_loss = NAN;      // the loss after max_iterations/2 updates (NaN if stopped before)
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
  void set_step(double h) { h_ = h; }
  double step_size() const { return h_; }

  // Number of parameters the curvature acts on: n (GD), 1 + n (classic: gamma, v), 1 + n
  // (polar: r, s; the operator lives on R x T_s, the tangent space of the sphere at s).
  Eigen::Index parameter_dim() const { return z_.size(); }
  // out = K z with K = D^{1/2} Hess D^{1/2} at the point of the last evaluate() (docs/theory.md
  // §1.4): GD: the Hessian in w; classic: the Hessian in (gamma, v); polar: the Riemannian
  // Hessian on R x S^{n-1} with D = diag(eta_r, eta_s I), z and out in R x T_s (z's tangent
  // part must be orthogonal to s). One product with A and one with A^T; no allocation.
  void curvature_product(const Vector& z, Vector& out);
  // lambda_max of K by power iteration, warm-started from the previous call's eigenvector,
  // until the Rayleigh quotient changes by <= tol relative or after max_products products.
  // When the dominant eigenvalue is negative it shifts by its magnitude and iterates again for
  // the largest (algebraic) one; when K has no positive eigenvalue the magnitude is returned.
  double lambda_max(int max_products = 50, double tol = 1e-3);
  // max |lambda| of K by power iteration on the norm ratio |K z| / |z| (which rises to it),
  // warm-started likewise; no shift needed.
  double spectral_radius(int max_products = 50, double tol = 1e-3);
  long curvature_products() const { return products_; }

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
  void hessian_w(const Vector& u, Vector& out);  // out = Hessian of the loss in w times u
  void project(Vector& z) const;                 // polar: z's tangent part onto s^perp
  // Power iteration on K + shift I from z_; returns the Rayleigh quotient of K, or with
  // norm = true the norm ratio |(K + shift I) z| of the unit z (then shift must be 0).
  double power(double shift, int max_products, double tol, bool norm = false);
  const DiagonalNetwork* net_;
  DiscreteMethod method_;
  double h_, eta_r_ = 1, eta_s_ = 1, r0_ = 0, v0_norm_ = 0;
  double radius_ = 0;     // gamma (classic) or r (polar)
  Vector w_, p_, x_, e_, g_, G_, grad_w_;
  Vector wl1_, wl2_;      // w^{L-1}, w^{L-2} of the last evaluate()
  Vector dir_, tangent_;  // v or s, and the tangential part of the gradient
  // Curvature: the warm-start eigenvector, K z, and scratch for the Hessian-vector product.
  Vector z_, kz_, du_, hu_, hw_, tv_, bx_, ax_, atx_, btx_;
  double shift_ = 0;
  long products_ = 0;
};

}  // namespace wnflow
