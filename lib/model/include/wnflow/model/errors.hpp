#pragma once
// Two error families: bad input (the caller's fault, reported before any work) and
// numerical failure (the computation could not certify its result). Apps map both to
// a one-line message and a non-zero exit.
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace wnflow {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A of rank below its number of rows (A A^T not positive definite): bad input, and a type of
// its own so that a caller that let the library find it can name where A came from.
struct RankDeficientError : InputError {
  using InputError::InputError;
};

struct NumericalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A number as a message shows it: 6 significant digits (std::to_string prints 1e-9 as 0.000000).
inline std::string format_number(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

// The one check behind every "must be positive" option: rates, scales, tolerances, horizons.
inline void require_positive_finite(double v, const std::string& name) {
  if (!(v > 0.0) || !std::isfinite(v))
    throw InputError(name + " must be a positive finite number, got " + format_number(v));
}

}  // namespace wnflow
