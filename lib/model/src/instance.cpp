#include <wnflow/model/instance.hpp>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include <wnflow/model/errors.hpp>

namespace wnflow {

Problem random_instance(const InstanceSpec& spec) {
  const Eigen::Index N = spec.N, M = spec.M, s = spec.sparsity;
  if (N < 1) throw InputError("N=" + std::to_string(N) + " must be at least 1");
  if (M < 1) throw InputError("M=" + std::to_string(M) + " must be at least 1");
  if (s < 0) throw InputError("sparsity s=" + std::to_string(s) + " is negative");
  if (s > N)
    throw InputError("sparsity s=" + std::to_string(s) + " exceeds N=" + std::to_string(N));

  boost::random::mt19937_64 rng(spec.seed);
  Problem p;

  // Variance 1/M makes the columns have unit expected norm, whatever M is.
  boost::random::normal_distribution<double> gauss(0.0, 1.0 / std::sqrt(static_cast<double>(M)));
  p.A.resize(M, N);
  for (Eigen::Index j = 0; j < N; ++j)
    for (Eigen::Index i = 0; i < M; ++i) p.A(i, j) = gauss(rng);

  // Partial Fisher-Yates: after k swaps the first k entries are a uniform random
  // k-subset (in uniformly random order), with exactly s integer draws.
  std::vector<Eigen::Index> index(static_cast<std::size_t>(N));
  std::iota(index.begin(), index.end(), Eigen::Index{0});
  for (Eigen::Index k = 0; k < s; ++k) {
    boost::random::uniform_int_distribution<Eigen::Index> pick(k, N - 1);
    std::swap(index[static_cast<std::size_t>(k)], index[static_cast<std::size_t>(pick(rng))]);
  }

  boost::random::uniform_real_distribution<double> magnitude(1.0, 2.0);
  boost::random::bernoulli_distribution<double> coin(0.5);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(N);
  for (Eigen::Index k = 0; k < s; ++k) {
    const double sign = (spec.sign == Sign::signed_ && coin(rng)) ? -1.0 : 1.0;
    x(index[static_cast<std::size_t>(k)]) = sign * magnitude(rng);
  }

  p.y = p.A * x;
  p.x_star = std::move(x);
  return p;
}

}  // namespace wnflow
