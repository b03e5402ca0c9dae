#pragma once
// The gradient-flow limit X_L(α) of docs/theory.md §3.1 (T1): the unique interpolant A x = y in the
// dual family
//   P+, L = 2:  x = α² exp(Aᵀμ)              P±, L = 2:  x = 2α² sinh(Aᵀμ)
//   P+, L > 2:  x = (α^{2-L} + Aᵀμ)^{-L/(L-2)}
//   P±, L > 2:  x = (α^{2-L} + Aᵀμ)^{-L/(L-2)} - (α^{2-L} - Aᵀμ)^{-L/(L-2)}
// found by damped Newton (with a vanishing Levenberg-Marquardt ridge) on a strictly convex
// dual function of μ ∈ R^M whose gradient is ±(A x(μ) - y), in scaled variables so that α
// from 1e-9 to 1e3 neither overflows nor loses the small entries of x. For P+ the limit
// exists only if some strictly positive z solves A z = y.
#include <wnflow/model/network.hpp>
#include <wnflow/model/problem.hpp>

namespace wnflow {

struct GfLimitOptions {
  double tolerance = 1e-13;  // target relative residual ||Ax - y|| / ||y||
  int max_iterations = 500;  // Newton steps
};

struct GfLimit {
  Vector x;        // X_L(α), N entries
  Vector mu;       // μ of the table above (for L > 2 it is α^{2-L}-sized and may overflow
                   // to ±inf for extreme α, L; the solver itself never forms it)
  Vector weights;  // W_L(α): w (P+) or [u; v] (P±), with x = B(w^L)
  double residual;        // ||Ax - y|| / ||y|| of the returned x
  double residual_floor;  // rounding-error bound (N+2) eps || |A||x| + |y| || / ||y||: how
                          // small the residual of a double x can be certified to be
  int iterations;         // Newton steps taken
  // residual <= tolerance. False only when the tolerance lies below residual_floor (large
  // α, where x ~ α^L) and Newton stalled at that floor: x is then as exact as double allows.
  bool certified;
};

// Throws InputError for an invalid problem, y = 0, α <= 0 or not finite, depth < 2, or bad
// options; NumericalError (with the residual reached) when Newton stalls above the floor or
// runs out of iterations (for P+ typically: no strictly positive interpolant exists).
GfLimit gf_limit(const Problem& problem, Sign sign, int depth, double alpha,
                 const GfLimitOptions& options = {});

}  // namespace wnflow
