#pragma once
// The diagonal linear network of depth L: x = B(w^L) with B = I (P+) or B = [I, -I] (P±).
// Holds a pointer to the problem (A is never copied) and evaluates the maps every flow
// needs: x from w, the loss, and the lifted gradient G = B^T A^T (A x - y).
#include <wnflow/model/problem.hpp>

namespace wnflow {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;
using VectorRef = Eigen::Ref<Vector>;
using ConstVectorRef = Eigen::Ref<const Vector>;

// p = w^L entrywise by products for the common depths L = 2, 3, 4 (a vectorized pow cost
// about 20x as much); false, p untouched, for other depths, whose callers choose pow or exp.
bool power_by_products(const ConstVectorRef& w, int L, Vector& p);

class DiagonalNetwork {
 public:
  // The problem must outlive the network. Throws InputError for depth < 2.
  DiagonalNetwork(const Problem& problem, Sign sign, int depth);

  const Problem& problem() const { return *problem_; }
  Sign sign() const { return sign_; }
  int depth() const { return depth_; }
  Eigen::Index n() const { return sign_ == Sign::positive ? N() : 2 * N(); }  // dim w
  Eigen::Index N() const { return problem_->cols(); }
  Eigen::Index M() const { return problem_->rows(); }

  // x = B(p), for p = w^L (P+: x = p; P±: x = p_head - p_tail).
  void combine(const ConstVectorRef& p, VectorRef x) const;
  // G = B^T g (P+: G = g; P±: G = [g; -g]).
  void lift(const ConstVectorRef& g, VectorRef G) const;
  // Residual e = A x - y and gradient g = A^T e: the two matrix-vector products.
  void residual(const ConstVectorRef& x, VectorRef e) const;
  void gradient(const ConstVectorRef& e, VectorRef g) const;
  double loss(const ConstVectorRef& x) const;  // 1/2 |Ax - y|^2 (allocates; not for hot paths)

  // The smallest loss double precision can be trusted to resolve at weights with p = w^L:
  // 1/2 (10 eps (|A|_F |B+ p| + |y|))^2, B+ p = p (P+) or p_head + p_tail (P±), a bound on
  // the rounding error of A x - y (x itself carries the rounding of u^L - v^L).
  double loss_floor(const ConstVectorRef& p) const;
  double a_frobenius() const { return a_frobenius_; }  // |A|_F >= |A|_2: a bound on |A d|/|d|

  // Convenience: x from w (allocates).
  Vector x_of_w(const ConstVectorRef& w) const;
  Vector p_of_w(const ConstVectorRef& w) const;  // p = w^L (by products for L = 2, 3, 4)

 private:
  const Problem* problem_;
  Sign sign_;
  int depth_;
  double a_frobenius_, y_norm_;
};

}  // namespace wnflow
