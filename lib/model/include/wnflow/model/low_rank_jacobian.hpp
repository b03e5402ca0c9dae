#pragma once
// The Jacobian of a flow as one value: diagonal plus low rank (docs/theory.md §4.2),
//     J = diag(D) + diag(gram.a) G (diag(gram.b) G)^T + U V^T,
// where the Gram block (gram_structure.hpp) holds the rank-M term K = (AB)^T (AB) through A,
// never written out, and U, V hold the few columns after it (the rank-one terms of WN). A
// system without the Gram structure leaves gram empty and puts every column in U, V.
//
// Why one value: the stiff steppers need D, the block and the columns together, and, at
// depth 2, the fact that the right-hand side itself lies in the span of the factors. A flow
// fills all of it in one call (jacobian(x, J)); the steppers read it and never ask the flow
// how it is built.
#include <wnflow/model/gram_structure.hpp>

namespace wnflow {

struct LowRankJacobian {
  Vector D;            // the diagonal
  GramStructure gram;  // the leading block, through A (absent: gram.A == nullptr)
  Matrix U, V;         // the columns after the block
  // f(x) = [Gram columns, U] η(x) at every x, with D = 0 (the depth-2 flows in log
  // coordinates): the flow's derivative_in_factors(x, J, η) gives η from the residual alone,
  // one product with A. The BDF stepper's Newton iteration then runs on η (bdf.hpp).
  bool derivative_in_span = false;

  Eigen::Index size() const { return D.size(); }
  Eigen::Index rank() const { return gram.rank() + U.cols(); }
  // Every column written out, the Gram block first: U_all, V_all of size n x rank().
  void write_factors(Eigen::Ref<Matrix> U_all, Eigen::Ref<Matrix> V_all) const;
  // diag(D) + U_all V_all^T as a dense n x n matrix: for tests and small systems.
  Matrix dense() const;
};

}  // namespace wnflow
