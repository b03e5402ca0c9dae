#pragma once
// The sparse-recovery problem y = A x*: the data every flow, dual solver and LP shares.
#include <Eigen/Dense>
#include <wnflow/model/errors.hpp>
#include <optional>
#include <string>

namespace wnflow {

// P+ (x = w^L, x >= 0) or P± (x = u^L - v^L, any sign).
enum class Sign { positive, signed_ };

std::string to_string(Sign s);
Sign parse_sign(const std::string& text);  // "positive" | "signed", else InputError

struct Problem {
  Eigen::MatrixXd A;                     // M x N, M < N expected
  Eigen::VectorXd y;                     // M
  std::optional<Eigen::VectorXd> x_star; // N, when the ground truth is known

  Eigen::Index rows() const { return A.rows(); }
  Eigen::Index cols() const { return A.cols(); }
};

// Throws InputError naming the first problem found: empty A, size mismatch,
// non-finite entries, a zero row of A.
void validate(const Problem& problem);

// The Cholesky factor of A A^T. It exists exactly when A has full row rank, so it is both the
// rank check and what the null-space projections solve with: one O(M^2 N) product (its lower
// triangle) serves both. RankDeficientError when A A^T is not positive definite.
Eigen::LLT<Eigen::MatrixXd> row_gram_factor(const Eigen::MatrixXd& A);

}  // namespace wnflow
