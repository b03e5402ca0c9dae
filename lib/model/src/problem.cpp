#include <cmath>
#include <limits>
#include <wnflow/model/detail/finite.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gram_structure.hpp>
#include <wnflow/model/problem.hpp>

namespace wnflow {

std::string to_string(Sign s) { return s == Sign::positive ? "positive" : "signed"; }

Sign parse_sign(const std::string& text) {
  if (text == "positive") return Sign::positive;
  if (text == "signed") return Sign::signed_;
  throw InputError("unknown sign '" + text + "' (expected positive or signed)");
}

void validate(const Problem& p) {
  if (p.A.rows() == 0 || p.A.cols() == 0) throw InputError("matrix A is empty");
  if (p.y.size() != p.A.rows())
    throw InputError("y has " + std::to_string(p.y.size()) + " entries but A has " +
                     std::to_string(p.A.rows()) + " rows");
  if (!detail::all_finite(p.A)) throw InputError("matrix A has a NaN or infinite entry");
  if (!detail::all_finite(p.y)) throw InputError("y has a NaN or infinite entry");
  // The largest |entry| of each row, column by column: contiguous and vectorized (Eigen's
  // rowwise().maxCoeff() walks column-major A entry by entry, 14 instructions an entry).
  Eigen::VectorXd row_max = p.A.col(0).cwiseAbs();
  for (Eigen::Index j = 1; j < p.A.cols(); ++j) row_max = row_max.cwiseMax(p.A.col(j).cwiseAbs());
  Eigen::Index zero_row = 0;
  if (row_max.minCoeff(&zero_row) == 0.0)
    throw InputError("row " + std::to_string(zero_row + 1) + " of A is zero");
  if (p.x_star) {
    if (p.x_star->size() != p.A.cols())
      throw InputError("x* has " + std::to_string(p.x_star->size()) + " entries but A has " +
                       std::to_string(p.A.cols()) + " columns");
    if (!detail::all_finite(*p.x_star)) throw InputError("x* has a NaN or infinite entry");
  }
}

Eigen::LLT<Eigen::MatrixXd> row_gram_factor(const Eigen::MatrixXd& A) {
  if (A.rows() > A.cols())
    throw RankDeficientError("A has " + std::to_string(A.rows()) + " rows but only " + std::to_string(A.cols()) +
                             " columns: A must have full row rank (M <= N)");
  Eigen::MatrixXd aat = Eigen::MatrixXd::Zero(A.rows(), A.rows());
  // The lower triangle LLT reads (half the product), panel by panel: see gram_panel_width.
  const Eigen::Index width = gram_panel_width(A.rows());
  for (Eigen::Index j = 0; j < A.cols(); j += width)
    aat.selfadjointView<Eigen::Lower>().rankUpdate(A.middleCols(j, std::min(width, A.cols() - j)));
  Eigen::LLT<Eigen::MatrixXd> llt(aat);
  // Rounding turns an exact rank deficiency (a repeated or dependent row of a random A) into a
  // pivot of either sign and of order eps |A A^T| (measured: |pivot| <= 4e-15 max diag for
  // M = 10 to 500), which LLT accepts when positive. A pivot below M eps max diag counts as
  // zero. A pivot bounds the smallest eigenvalue from above, so this rejects only A A^T with a
  // condition number above 1/(M eps): rank deficient to working precision. Rows so long that
  // A A^T overflows are left to the computations that use them, which report the overflow.
  const double tol = double(A.rows()) * std::numeric_limits<double>::epsilon() * aat.diagonal().maxCoeff();
  if (llt.info() != Eigen::Success ||
      (std::isfinite(tol) && !(llt.matrixLLT().diagonal().array().square().minCoeff() > tol)))
    throw RankDeficientError("A does not have full row rank (A A^T is not positive definite to working precision)");
  return llt;
}

}  // namespace wnflow
