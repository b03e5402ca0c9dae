#pragma once
// Invariants of the flows (docs/theory.md §2), as residuals relative to the size of what they compare.
//   I3 (GF):  Π [Ψ_L(w) - Ψ_L(α 1)] = 0
//   I4 (WN):  Π [Ψ_L(w) - Ψ_L(α_eff 1)] = 0
// Ψ_L = log for L = 2 and w^{2-L} for L > 2; Π projects onto null(AB).
#include <wnflow/model/network.hpp>

namespace wnflow {

// Π = I - (AB)^T (AB (AB)^T)^{-1} AB, from one Cholesky factor of A A^T.
class NullSpaceProjector {
 public:
  // Factors A A^T (row_gram_factor: RankDeficientError when A lacks full row rank).
  explicit NullSpaceProjector(const DiagonalNetwork& net);
  Vector apply(const ConstVectorRef& v) const;

 private:
  const DiagonalNetwork* net_;
  Eigen::LLT<Matrix> aat_;  // of A A^T (for P± the Gram matrix of [A, -A] is 2 A A^T)
};

// Ψ_L applied to the weights given by their logs z (elementwise).
Vector mirror_potential(const ConstVectorRef& log_w, int depth);

// |Π[Ψ_L(w) - Ψ_L(β 1)]| / (|Ψ_L(w)| + |Ψ_L(β 1)|), with log β given (β = α for I3, α_eff for I4).
double mirror_residual(const NullSpaceProjector& proj, const ConstVectorRef& log_w, int depth, double log_beta);

}  // namespace wnflow
