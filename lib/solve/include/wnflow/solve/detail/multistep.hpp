#pragma once
// What the multistep steppers (bdf.hpp, adams.hpp) share: the weighted RMS error norm of
// LSODA, CVODE and SciPy, and the first step of an order-1 start.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <wnflow/solve/rosenbrock.hpp>

namespace wnflow::detail {

// sqrt(mean((v / scale)^2)).
template <class Expr, class Scale>
double rms(const Expr& v, const Scale& scale) {
  return std::sqrt((v.array() / scale.array()).square().sum() / double(scale.size()));
}

// The first step of an order-1 start from x, with f = f(x) already evaluated: from the sizes
// of x, f and the change of f over a trial Euler step (Hairer, Nørsett & Wanner, Solving ODEs
// I, II.4), capped by h_bound when positive. One right-hand side (at x + h0 f, into f_trial);
// `scale` is left at atol + rtol |x|.
inline double initial_step(RosenbrockSystem& sys, const Vector& x, const Vector& f, double atol, double rtol,
                           double h_bound, Vector& scale, Vector& x_trial, Vector& f_trial) {
  scale = atol + rtol * x.array().abs();
  const double d0 = rms(x, scale), d1 = rms(f, scale);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  if (h_bound > 0.0) h0 = std::min(h0, h_bound);
  x_trial = x + h0 * f;
  sys.rhs(x_trial, f_trial);
  const double d2 = rms(f_trial - f, scale) / h0;
  const double h1 = (d1 <= 1e-15 && d2 <= 1e-15) ? std::max(1e-6, h0 * 1e-3) : std::sqrt(0.01 / std::max(d1, d2));
  double h = std::min(100 * h0, h1);
  if (h_bound > 0.0) h = std::min(h, h_bound);
  return h;
}

}  // namespace wnflow::detail
