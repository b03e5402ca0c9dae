#pragma once
// The leading block of a low-rank Jacobian J = diag(D) + U V^T as a scaled Gram form:
//   U[:, :M] = diag(a) G,   V[:, :M] = diag(b) G,
// where G holds `copies` stacked copies of A^T (M x N) from row `row0` on and is zero
// elsewhere. Every flow here has it (C = A B for the network's B = I or [I, -I], with the
// signs of B folded into a and b), so the stiff steppers' solver can form the capacitance
// block V^T Δ^{-1} U = A diag(Σ_copies b a / δ) A^T symmetric and over N rows, and apply
// V^T and W = Δ^{-1} U through A: half the work for signed networks (two copies), and half of
// the O(n M^2) product for all (LowRankSolver).
//
// With the structure declared, the stiff steppers never form those M columns: a flow hands
// over D, this form and only the columns after the block (low_rank_jacobian.hpp), and every product
// with the block goes through A. At N = 10 000 the explicit n x M factors were 3 copies of A.
#include <wnflow/model/network.hpp>

namespace wnflow {

struct GramStructure {
  const Matrix* A = nullptr;  // nullptr: no structure declared
  int copies = 1;             // 1 (positive) or 2 (signed: rows N..2N-1 repeat A^T)
  Eigen::Index row0 = 0;      // first row of G inside U and V
  Vector a, b;                // copies * N scalings of the rows of G in U and in V
  bool present() const { return A != nullptr; }
  Eigen::Index rank() const { return A ? A->rows() : 0; }
};

// The block's columns written out, into rows row0.. of UG = diag(a) G and VG = diag(b) G
// (n x M each, zero outside the Gram rows): for tests and the dense fallback.
void gram_columns(const GramStructure& g, Eigen::Ref<Matrix> UG, Eigen::Ref<Matrix> VG);

// out = (diag(s) G)^T x = A Σ_copies s ⊙ x over the Gram rows of x (an M-vector), for s = a
// or b (or any copies·N scaling). `folded`: N entries of scratch.
void gram_transpose_times(const GramStructure& g, const Vector& s, const ConstVectorRef& x, Vector& folded,
                          VectorRef out);

// out += diag(s) G t over the Gram rows of out: s ⊙ A^T t, once per copy. `at`: N entries
// of scratch.
void gram_times_add(const GramStructure& g, const Vector& s, const ConstVectorRef& t, Vector& at, VectorRef out);

// The symmetric block G^T diag(d) G = A diag(d_1 + d_2) A^T (d per copy) into the lower
// triangle of `lower` (M x M), panel by panel over the columns of A so that the scaled copy of
// A it needs stays small. d has copies·N entries.
// From M = gram_split_rank on, each panel's update is computed in gram_block_parts(M) blocks of
// the triangle by the pool of matvec.hpp: the same bits with any number of threads.
void gram_block_lower(const GramStructure& g, const Vector& d, Eigen::Ref<Matrix> lower, Vector& folded,
                      Matrix& panel);
inline constexpr Eigen::Index gram_split_rank = 1024;
int gram_block_parts(Eigen::Index M);  // 1 or 8

// Columns of A per panel of A diag(d) A^T (64 to 128): no second A-sized matrix is made, and
// at M <= 128 Eigen's packing buffers for the panel's GEMM fit EIGEN_STACK_ALLOCATION_LIMIT
// (128 KiB), so they live on the stack, whose pages are touched once per process, instead of
// on fresh heap pages. A first touch costs about 2 µs on the bench's VM: `wnflow run` of P+ GF
// L = 3 at N = 400 took 476 page faults with 1 MiB panels, 403 with these (docs/numerics.md).
Eigen::Index gram_panel_width(Eigen::Index M);

}  // namespace wnflow
