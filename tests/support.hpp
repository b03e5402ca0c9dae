#pragma once
// Helpers shared by the test suites: small random instances, the tight integration settings
// the theory checks use, and a relative difference.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/integrate.hpp>

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

// The Jacobian of a flow's right-hand side by central differences of step h, column by column.
template <class Flow>
Matrix finite_difference_jacobian(Flow& flow, const Vector& s, double h = 1e-6) {
  const Eigen::Index d = s.size();
  Matrix J(d, d);
  Vector fp(d), fm(d);
  for (Eigen::Index k = 0; k < d; ++k) {
    Vector a = s, b = s;
    a[k] += h;
    b[k] -= h;
    flow.derivative(a, fp);
    flow.derivative(b, fm);
    J.col(k) = (fp - fm) / (2 * h);
  }
  return J;
}

// A fresh directory under the system temp directory, removed with everything in it when the
// object goes out of scope. Unique per process and per object.
struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    static int counter = 0;
    dir = std::filesystem::temp_directory_path() /
          ("wnflow_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string str() const { return dir.string(); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  // Writes a file into the directory and returns its path.
  std::string file(const std::string& name, const std::string& content) const {
    std::ofstream(dir / name, std::ios::binary) << content;
    return path(name);
  }
  // Number of entries in the directory (to catch stray temporaries).
  std::size_t entries() const {
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()));
  }
};

}  // namespace wnflow::testing
