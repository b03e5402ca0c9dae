#pragma once
// What the multistep steppers (bdf.hpp, adams.hpp) share: backward differences of an
// interpolating polynomial at a constant spacing h, re-expressed for a new spacing when the
// step size changes (the quasi-constant-step form of Shampine & Reichelt), and the weighted
// RMS error norm of LSODA, CVODE and SciPy.
#include <Eigen/Core>
#include <cmath>

namespace wnflow::detail {

// R maps the differences of a history with spacing h to those with spacing factor·h:
// R(i, j) = Π_{m=1..i} (m − 1 − factor j)/m. rescale_differences uses R(factor)·R(1).
template <class Square>
void change_matrix(int order, double factor, Square& R) {
  R.setZero();
  for (int j = 0; j <= order; ++j) {
    double p = 1.0;
    R(0, j) = 1.0;
    for (int i = 1; i <= order; ++i) {
      p *= j == 0 ? 0.0 : (i - 1 - factor * j) / double(i);
      R(i, j) = p;
    }
  }
}

// Columns 0..order of `table` hold the differences 0..order at spacing h; afterwards they
// hold those of the same polynomial at spacing factor·h. `scratch` is n x (order + 1) or wider.
template <class Square, class Table, class Scratch>
void rescale_differences(int order, double factor, Table& table, Scratch& scratch, Square& R, Square& U, Square& RU) {
  const int k = order + 1;
  change_matrix(order, factor, R);
  change_matrix(order, 1.0, U);
  RU.topLeftCorner(k, k).noalias() = R.topLeftCorner(k, k) * U.topLeftCorner(k, k);
  scratch.leftCols(k).noalias() = table.leftCols(k) * RU.topLeftCorner(k, k);
  table.leftCols(k) = scratch.leftCols(k);
}

// sqrt(mean((v / scale)^2)).
template <class Expr, class Scale>
double rms(const Expr& v, const Scale& scale) {
  return std::sqrt((v.array() / scale.array()).square().sum() / double(scale.size()));
}

}  // namespace wnflow::detail
