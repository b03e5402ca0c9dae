#include <limits>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/network.hpp>

namespace wnflow {

DiagonalNetwork::DiagonalNetwork(const Problem& problem, Sign sign, int depth)
    : problem_(&problem), sign_(sign), depth_(depth),
      a_frobenius_(problem.A.norm()), y_norm_(problem.y.norm()) {
  if (depth < 2) throw InputError("depth L must be an integer >= 2, got " + std::to_string(depth));
}

void DiagonalNetwork::combine(const ConstVectorRef& p, VectorRef x) const {
  if (sign_ == Sign::positive)
    x = p;
  else
    x = p.head(N()) - p.tail(N());
}

void DiagonalNetwork::lift(const ConstVectorRef& g, VectorRef G) const {
  if (sign_ == Sign::positive) {
    G = g;
  } else {
    G.head(N()) = g;
    G.tail(N()) = -g;
  }
}

void DiagonalNetwork::residual(const ConstVectorRef& x, VectorRef e) const {
  matvec(problem_->A, x, e);
  e -= problem_->y;
}

void DiagonalNetwork::gradient(const ConstVectorRef& e, VectorRef g) const {
  matvec_transpose(problem_->A, e, g);
}

double DiagonalNetwork::loss(const ConstVectorRef& x) const {
  return 0.5 * (problem_->A * x - problem_->y).squaredNorm();
}

double DiagonalNetwork::loss_floor(const ConstVectorRef& p) const {
  const double magnitude = sign_ == Sign::positive ? p.norm() : (p.head(N()) + p.tail(N())).norm();
  const double e = 10.0 * std::numeric_limits<double>::epsilon() * (a_frobenius_ * magnitude + y_norm_);
  return 0.5 * e * e;
}

bool power_by_products(const ConstVectorRef& w, int L, Vector& p) {
  switch (L) {
    case 2: p = w.array().square(); return true;
    case 3: p = w.array().square() * w.array(); return true;
    case 4: p = w.array().square().square(); return true;
    default: return false;
  }
}

Vector DiagonalNetwork::p_of_w(const ConstVectorRef& w) const {
  // As the flows' own w^L (pow cost 23K instructions per observation at n = 800).
  Vector p;
  if (!power_by_products(w, depth_, p)) p = w.array().pow(depth_);
  return p;
}

Vector DiagonalNetwork::x_of_w(const ConstVectorRef& w) const {
  Vector x(N());
  combine(p_of_w(w), x);
  return x;
}

}  // namespace wnflow
