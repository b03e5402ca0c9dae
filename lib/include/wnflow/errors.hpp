#pragma once
// Two error families: bad input (the caller's fault, reported before any work) and
// numerical failure (the computation could not certify its result). Apps map both to
// a one-line message and a non-zero exit.
#include <stdexcept>
#include <string>

namespace wnflow {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct NumericalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace wnflow
