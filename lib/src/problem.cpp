#include <wnflow/errors.hpp>
#include <wnflow/problem.hpp>

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
  if (!p.A.allFinite()) throw InputError("matrix A has a NaN or infinite entry");
  if (!p.y.allFinite()) throw InputError("y has a NaN or infinite entry");
  for (Eigen::Index i = 0; i < p.A.rows(); ++i)
    if (p.A.row(i).cwiseAbs().maxCoeff() == 0.0)
      throw InputError("row " + std::to_string(i + 1) + " of A is zero");
  if (p.x_star) {
    if (p.x_star->size() != p.A.cols())
      throw InputError("x* has " + std::to_string(p.x_star->size()) + " entries but A has " +
                       std::to_string(p.A.cols()) + " columns");
    if (!p.x_star->allFinite()) throw InputError("x* has a NaN or infinite entry");
  }
}

}  // namespace wnflow
