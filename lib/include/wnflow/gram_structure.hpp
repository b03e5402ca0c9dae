#pragma once
// The leading block of a low-rank Jacobian J = diag(D) + U V^T as a scaled Gram form:
//   U[:, :M] = diag(a) G,   V[:, :M] = diag(b) G,
// where G holds `copies` stacked copies of A^T (M x N) from row `row0` on and is zero
// elsewhere. Every flow here has it (C = A B for the network's B = I or [I, -I], with the
// signs of B folded into a and b), so the stiff steppers' solver can form the capacitance
// block V^T Δ^{-1} U = A diag(Σ_copies b a / δ) A^T symmetric and over N rows, and apply
// V^T and W = Δ^{-1} U through A: half the work for signed networks (two copies), and half of
// the O(n M^2) product for all (LowRankSolver).
#include <wnflow/network.hpp>

namespace wnflow {

struct GramStructure {
  const Matrix* A = nullptr;  // nullptr: no structure declared
  int copies = 1;             // 1 (positive) or 2 (signed: rows N..2N-1 repeat A^T)
  Eigen::Index row0 = 0;      // first row of G inside U and V
  Vector a, b;                // copies * N scalings of the rows of G in U and in V
  bool present() const { return A != nullptr; }
  Eigen::Index rank() const { return A ? A->rows() : 0; }
};

}  // namespace wnflow
