#pragma once
// The l1 reference of docs/theory.md §0.3: the linear programs
//   P+ : min 1^T z        s.t. A z = y, z >= 0
//   P± : min ||z||_1      s.t. A z = y           (as z = p - q, p, q >= 0)
// solved by COIN-OR Clp. The optimal value is tau*, the yardstick for every flow limit.
#include <wnflow/model/network.hpp>
#include <wnflow/model/problem.hpp>

#include <string>

namespace wnflow {

struct L1Options {
  Sign sign = Sign::positive;
  // Primal and dual feasibility tolerance handed to Clp; also the (relative) bar for
  // accepting the final residual ||Ax - y||_inf <= feasibility_tol * max(1, ||y||_inf).
  double feasibility_tol = 1e-9;
};

struct L1Result {
  Vector x;          // the minimizer (N entries)
  double value;      // tau* = 1^T x (P+) or ||x||_1 (P±)
  double residual;   // ||A x - y||_inf
  // Multipliers lambda (M entries) of A z = y, signed so that they solve the dual LP
  //   max y^T lambda  s.t.  A^T lambda <= 1 (P+)  or  |A^T lambda| <= 1 (P±),
  // i.e. lambda = d value / d y. Strong duality: y^T lambda = value.
  Vector dual;
  std::string status;  // "optimal" (Clp's verdict) plus ", polished" when the basis
                       // solve below improved the residual
};

// Validates the problem (InputError), then solves the LP. The Clp solution is polished by
// re-solving A_B z_B = y on the optimal basis B, which brings the residual to rounding level.
// Throws NumericalError when the LP is infeasible (y outside the range of A, or, for P+, no
// z >= 0 reaches y) or Clp does not finish optimal.
L1Result solve_l1(const Problem& problem, const L1Options& options = {});

}  // namespace wnflow
