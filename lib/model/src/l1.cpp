#include <wnflow/model/errors.hpp>
#include <wnflow/model/l1.hpp>

#include <coin/ClpSimplex.hpp>
#include <coin/CoinFinite.hpp>

#include <cmath>
#include <sstream>
#include <vector>

namespace wnflow {
namespace {

std::string format(double v) {
  std::ostringstream out;
  out.precision(3);
  out << v;
  return out.str();
}

std::string clp_status_text(const ClpSimplex& model) {
  static const char* const names[] = {"optimal",        "primal infeasible",
                                      "dual infeasible", "stopped on iterations or time",
                                      "stopped due to numerical errors",
                                      "stopped by event handler"};
  const int s = model.status();
  std::string text = (s >= 0 && s <= 5) ? names[s] : "unknown status " + std::to_string(s);
  if (model.secondaryStatus() != 0)
    text += " (secondary status " + std::to_string(model.secondaryStatus()) + ")";
  return text;
}

// Clp reports "primal infeasible" both when y is outside range(A) and (P+) when it is
// in range(A) but outside the cone A R^N_+. The least-squares residual tells them apart.
[[noreturn]] void throw_infeasible(const Problem& p, Sign sign, double scale, double tol) {
  const Vector z = p.A.completeOrthogonalDecomposition().solve(p.y);
  const double r = (p.A * z - p.y).lpNorm<Eigen::Infinity>();
  if (r > tol * scale)
    throw NumericalError("l1 LP is infeasible: y is not in the range of A (least-squares "
                         "residual ||Az - y||_inf = " + format(r) + ")");
  if (sign == Sign::positive)
    throw NumericalError("l1 LP is infeasible: no z >= 0 satisfies Az = y (y is in the range "
                         "of A, least-squares residual " + format(r) +
                         ", but outside the cone of the columns of A)");
  throw NumericalError("Clp reports the l1 LP infeasible although y is in the range of A "
                       "(least-squares residual " + format(r) + ")");
}

// The power of two that brings the largest magnitude of m into [1/2, 1), or 0 when it is
// already within [2^-20, 2^20]: Clp's tolerances are absolute and it treats 1e30 as infinite
// (it asserts on a right-hand side above 1e100), so far-off scales are brought home exactly.
int scale_exponent(const Eigen::Ref<const Matrix>& m) {
  const double largest = m.cwiseAbs().maxCoeff();
  if (largest == 0.0 || (largest >= 0x1p-20 && largest <= 0x1p20)) return 0;
  int e = 0;
  std::frexp(largest, &e);
  return e;
}

L1Result solve_unit_scale(const Problem& problem, const L1Options& options);

}  // namespace

// min 1^T z, Az = y is the same LP as min 1^T z', (A/2^a) z' = y/2^b with z = 2^(b-a) z', and
// its dual lambda = lambda'/2^a: powers of two make the rescaling exact.
L1Result solve_l1(const Problem& problem, const L1Options& options) {
  validate(problem);
  const int a = scale_exponent(problem.A), b = scale_exponent(problem.y);
  if (a == 0 && b == 0) return solve_unit_scale(problem, options);
  Problem scaled;
  scaled.A = problem.A.unaryExpr([a](double v) { return std::ldexp(v, -a); });
  scaled.y = problem.y.unaryExpr([b](double v) { return std::ldexp(v, -b); });
  L1Result r = solve_unit_scale(scaled, options);
  r.x = r.x.unaryExpr([&](double v) { return std::ldexp(v, b - a); });
  r.dual = r.dual.unaryExpr([a](double v) { return std::ldexp(v, -a); });
  r.value = std::ldexp(r.value, b - a);
  if (!r.x.allFinite() || !std::isfinite(r.value))
    throw NumericalError("the l1 minimizer overflows the double range (scale of y / scale of A = 2^" +
                         std::to_string(b - a) + ")");
  r.residual = (problem.A * r.x - problem.y).lpNorm<Eigen::Infinity>();
  r.status += ", rescaled by powers of two";
  return r;
}

namespace {

L1Result solve_unit_scale(const Problem& problem, const L1Options& options) {
  if (!(options.feasibility_tol > 0.0) || !std::isfinite(options.feasibility_tol))
    throw InputError("feasibility_tol must be a positive number");
  const Matrix& A = problem.A;
  const Vector& y = problem.y;
  const Eigen::Index M = A.rows(), N = A.cols();
  const bool positive = options.sign == Sign::positive;
  const Eigen::Index ncols = positive ? N : 2 * N;
  const double tol = options.feasibility_tol;
  const double scale = std::max(1.0, y.lpNorm<Eigen::Infinity>());

  // The LP constraint matrix C = A (P+) or [A, -A] (P±).
  Matrix C(M, ncols);
  if (positive)
    C = A;
  else
    C << A, -A;

  // Column-major packed form for Clp, exact zeros dropped.
  std::vector<CoinBigIndex> start;
  std::vector<int> index;
  std::vector<double> value;
  start.reserve(ncols + 1);
  for (Eigen::Index j = 0; j < ncols; ++j) {
    start.push_back(static_cast<CoinBigIndex>(value.size()));
    for (Eigen::Index i = 0; i < M; ++i)
      if (C(i, j) != 0.0) {
        index.push_back(static_cast<int>(i));
        value.push_back(C(i, j));
      }
  }
  start.push_back(static_cast<CoinBigIndex>(value.size()));
  const std::vector<double> col_lower(ncols, 0.0), col_upper(ncols, COIN_DBL_MAX),
      cost(ncols, 1.0), rhs(y.data(), y.data() + M);

  ClpSimplex model;
  model.setLogLevel(0);
  model.loadProblem(static_cast<int>(ncols), static_cast<int>(M), start.data(), index.data(),
                    value.data(), col_lower.data(), col_upper.data(), cost.data(), rhs.data(),
                    rhs.data());
  model.setPrimalTolerance(tol);
  model.setDualTolerance(tol);
  model.dual();

  if (model.isProvenPrimalInfeasible()) throw_infeasible(problem, options.sign, scale, tol);
  if (!model.isProvenOptimal())
    throw NumericalError("Clp did not solve the l1 LP: " + clp_status_text(model));

  Vector z = Eigen::Map<const Vector>(model.primalColumnSolution(), ncols);
  // Clp's row duals are d objective / d rhs for a minimization: exactly our lambda.
  Vector lambda = Eigen::Map<const Vector>(model.dualRowSolution(), M);
  std::string status = "optimal";

  // Polish on the optimal basis: Clp's answer carries its feasibility tolerance, but the
  // basis itself is exact, and re-solving A_B z_B = y (A_B^T lambda = 1) with a QR brings
  // primal and dual to rounding level. Kept only when it is at least as good.
  std::vector<Eigen::Index> basis;
  for (Eigen::Index j = 0; j < ncols; ++j)
    if (model.getColumnStatus(static_cast<int>(j)) == ClpSimplex::basic) basis.push_back(j);
  if (!basis.empty()) {
    const Eigen::Index nb = static_cast<Eigen::Index>(basis.size());
    Matrix CB(M, nb);
    for (Eigen::Index k = 0; k < nb; ++k) CB.col(k) = C.col(basis[k]);
    const Eigen::ColPivHouseholderQR<Matrix> qr(CB);
    // Degenerate basic variables may come out at -1e-17: clamp, then re-check.
    const Vector zB = qr.solve(y).cwiseMax(0.0);
    Vector zp = Vector::Zero(ncols);
    for (Eigen::Index k = 0; k < nb; ++k) zp(basis[k]) = zB(k);
    const double r_clp = (C * z - y).lpNorm<Eigen::Infinity>();
    const double r_pol = (C * zp - y).lpNorm<Eigen::Infinity>();
    if (zp.allFinite() && r_pol <= r_clp && zp.sum() <= z.sum() + tol * scale) {
      z = zp;
      status += ", polished";
    }
    if (nb == M && qr.rank() == M) {
      const Vector lp = CB.transpose().colPivHouseholderQr().solve(Vector::Ones(M));
      const double v_clp = std::max(0.0, (C.transpose() * lambda).maxCoeff() - 1.0);
      const double v_pol = std::max(0.0, (C.transpose() * lp).maxCoeff() - 1.0);
      if (lp.allFinite() && v_pol <= std::max(v_clp, 1e-12)) lambda = lp;
    }
  }

  L1Result result;
  result.x = positive ? z : Vector(z.head(N) - z.tail(N));
  result.value = result.x.lpNorm<1>();
  result.residual = (A * result.x - y).lpNorm<Eigen::Infinity>();
  result.dual = lambda;
  result.status = status;
  if (!(result.residual <= tol * scale))
    throw NumericalError("Clp's l1 solution misses A x = y: ||Ax - y||_inf = " +
                         format(result.residual) + " (tolerance " + format(tol * scale) + ")");
  return result;
}

}  // namespace

}  // namespace wnflow
