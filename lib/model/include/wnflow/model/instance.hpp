#pragma once
// The default random instance (docs/theory.md §0.2): Gaussian A, uniformly random s-sparse x*
// with magnitudes in [1, 2], and noiseless y = A x*.
//
// The same spec gives the same Problem, bit for bit, on every build: the draws use
// boost::random (mt19937_64 and Boost's own distribution algorithms) rather than the
// <random> distributions, whose algorithms differ between standard libraries.
// Draw order, which the seed-to-instance map depends on:
//   1. A, column by column (column-major), A_ij ~ N(0, 1/M);
//   2. the support: a partial Fisher-Yates shuffle of 0..N-1, s swaps;
//   3. for each support index in the order drawn: in the signed case first a fair
//      sign, then the magnitude ~ U[1, 2).
#include <cstdint>

#include <wnflow/model/problem.hpp>

namespace wnflow {

struct InstanceSpec {
  Eigen::Index N = 60;          // unknowns (columns of A)
  Eigen::Index M = 20;          // measurements (rows of A); M < N is the intended regime
  Eigen::Index sparsity = 3;    // s = |supp x*|
  std::uint64_t seed = 1;
  Sign sign = Sign::positive;   // positive: x* >= 0; signed_: random signs on the support
};

// Throws InputError unless N >= 1, M >= 1 and 0 <= s <= N. M >= N is allowed (not the
// regime the project studies, but a valid problem). The result has x_star set.
Problem random_instance(const InstanceSpec& spec);

}  // namespace wnflow
