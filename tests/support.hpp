#pragma once
// Helpers shared by the test suites: small random instances, the tight integration settings
// the theory checks use, and a relative difference.
#include <algorithm>
#include <wnflow/instance.hpp>
#include <wnflow/integrate.hpp>

namespace wnflow::testing {

// The default random instance at a test size (A ~ N(0, 1/M), s-sparse x*, y = A x*).
inline Problem small_instance(Sign sign, std::uint64_t seed, Eigen::Index N, Eigen::Index M, Eigen::Index s) {
  InstanceSpec spec;
  spec.N = N;
  spec.M = M;
  spec.sparsity = s;
  spec.seed = seed;
  spec.sign = sign;
  return random_instance(spec);
}

// Integration tight enough that limits are compared to 1e-7: far below any tolerance tested.
inline IntegrateOptions tight_integration() {
  IntegrateOptions o;
  o.rtol = 1e-11;
  o.atol = 1e-14;
  o.t_max = 1e8;
  o.loss_tol = 1e-26;
  return o;
}

// |a - b| / |b|.
inline double relative_difference(const Vector& a, const Vector& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

}  // namespace wnflow::testing
