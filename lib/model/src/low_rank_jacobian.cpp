#include <wnflow/model/low_rank_jacobian.hpp>

namespace wnflow {

void LowRankJacobian::write_factors(Eigen::Ref<Matrix> U_all, Eigen::Ref<Matrix> V_all) const {
  const Eigen::Index m = gram.rank();
  if (gram.present()) gram_columns(gram, U_all.leftCols(m), V_all.leftCols(m));
  U_all.rightCols(U.cols()) = U;
  V_all.rightCols(V.cols()) = V;
}

Matrix LowRankJacobian::dense() const {
  Matrix U_all(size(), rank()), V_all(size(), rank());
  write_factors(U_all, V_all);
  Matrix J = U_all * V_all.transpose();
  J.diagonal() += D;
  return J;
}

}  // namespace wnflow
