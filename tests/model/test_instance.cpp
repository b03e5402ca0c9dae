// The random instance must be a pure function of its spec (experiments are identified
// by their seed) and must have the distribution docs/theory.md §0.2 describes.
#define BOOST_TEST_MODULE instance
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <utility>

#include <wnflow/model/errors.hpp>
#include <wnflow/model/instance.hpp>

using namespace wnflow;

namespace {

bool bit_equal(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

Eigen::Index support_size(const Eigen::VectorXd& x) {
  return static_cast<Eigen::Index>((x.array() != 0.0).count());
}

bool mentions(const InputError& e, const std::string& fragment) {
  BOOST_TEST_MESSAGE("message: " << e.what());
  return std::string(e.what()).find(fragment) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_match_theory) {
  const InstanceSpec spec;
  BOOST_TEST(spec.N == 60);
  BOOST_TEST(spec.M == 20);
  BOOST_TEST(spec.sparsity == 3);
  BOOST_TEST(spec.seed == 1u);
  BOOST_TEST((spec.sign == Sign::positive));
  const Problem p = random_instance(spec);
  BOOST_TEST(p.A.rows() == 20);
  BOOST_TEST(p.A.cols() == 60);
  BOOST_TEST(p.y.size() == 20);
  BOOST_REQUIRE(p.x_star.has_value());
  BOOST_TEST(p.x_star->size() == 60);
  BOOST_CHECK_NO_THROW(validate(p));
}

BOOST_AUTO_TEST_CASE(same_seed_same_instance) {
  for (const Sign sign : {Sign::positive, Sign::signed_}) {
    InstanceSpec spec;
    spec.sign = sign;
    spec.seed = 12345;
    const Problem a = random_instance(spec);
    const Problem b = random_instance(spec);
    BOOST_TEST(bit_equal(a.A, b.A));
    BOOST_TEST(bit_equal(a.y, b.y));
    BOOST_TEST(bit_equal(*a.x_star, *b.x_star));
  }
}

BOOST_AUTO_TEST_CASE(different_seed_different_instance) {
  InstanceSpec spec;
  const Problem a = random_instance(spec);
  spec.seed = 2;
  const Problem b = random_instance(spec);
  BOOST_TEST(!bit_equal(a.A, b.A));
  BOOST_TEST(!bit_equal(a.y, b.y));
  BOOST_TEST(!bit_equal(*a.x_star, *b.x_star));
}

BOOST_AUTO_TEST_CASE(sign_only_changes_x_star_signs) {
  // A is drawn first, so the sign choice must not change it.
  InstanceSpec spec;
  spec.seed = 7;
  const Problem pos = random_instance(spec);
  spec.sign = Sign::signed_;
  const Problem sig = random_instance(spec);
  BOOST_TEST(bit_equal(pos.A, sig.A));
}

BOOST_AUTO_TEST_CASE(support_and_values) {
  for (const Sign sign : {Sign::positive, Sign::signed_}) {
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
      for (const Eigen::Index s : {Eigen::Index{0}, Eigen::Index{1}, Eigen::Index{3},
                                   Eigen::Index{17}, Eigen::Index{60}}) {
        InstanceSpec spec;
        spec.sparsity = s;
        spec.seed = seed;
        spec.sign = sign;
        const Problem p = random_instance(spec);
        const Eigen::VectorXd& x = *p.x_star;
        BOOST_TEST(support_size(x) == s);
        for (Eigen::Index i = 0; i < x.size(); ++i) {
          if (x(i) == 0.0) continue;
          BOOST_TEST(std::abs(x(i)) >= 1.0);
          BOOST_TEST(std::abs(x(i)) <= 2.0);
          if (sign == Sign::positive) BOOST_TEST(x(i) > 0.0);
        }
        // y is exactly A x* as the library's own product computes it.
        const Eigen::VectorXd y = p.A * x;
        BOOST_TEST(bit_equal(p.y, y));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(signed_case_has_both_signs) {
  InstanceSpec spec;
  spec.sign = Sign::signed_;
  spec.sparsity = 20;  // P(all one sign) = 2^-19 per seed
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    spec.seed = seed;
    const Eigen::VectorXd x = *random_instance(spec).x_star;
    BOOST_TEST((x.array() > 0.0).count() > 0);
    BOOST_TEST((x.array() < 0.0).count() > 0);
  }
}

BOOST_AUTO_TEST_CASE(support_is_roughly_uniform) {
  // Each index is in the support with probability s/N; over 2000 seeds the count is
  // Binomial(2000, 0.05): mean 100, sd about 9.7. A 6-sd band catches a biased shuffle
  // (e.g. one that never picks the last index) without flaking.
  InstanceSpec spec;
  spec.N = 60;
  spec.M = 1;
  spec.sparsity = 3;
  Eigen::VectorXd hits = Eigen::VectorXd::Zero(spec.N);
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    spec.seed = seed;
    hits += (random_instance(spec).x_star->array() != 0.0).cast<double>().matrix();
  }
  BOOST_TEST(hits.minCoeff() > 100 - 6 * 9.75);
  BOOST_TEST(hits.maxCoeff() < 100 + 6 * 9.75);
}

BOOST_AUTO_TEST_CASE(magnitudes_are_roughly_uniform) {
  InstanceSpec spec;
  spec.N = 4000;
  spec.M = 1;
  spec.sparsity = 4000;
  spec.seed = 3;
  const Eigen::ArrayXd x = random_instance(spec).x_star->array();
  // U[1,2]: mean 1.5 (sd of the mean 0.0046), and each half holds about half the values.
  BOOST_TEST(std::abs(x.mean() - 1.5) < 0.03);
  const double lower = static_cast<double>((x < 1.5).count()) / 4000.0;
  BOOST_TEST(std::abs(lower - 0.5) < 0.05);
  spec.sign = Sign::signed_;
  const Eigen::ArrayXd z = random_instance(spec).x_star->array();
  const double negative = static_cast<double>((z < 0.0).count()) / 4000.0;
  BOOST_TEST(std::abs(negative - 0.5) < 0.05);  // sd 0.008
}

BOOST_AUTO_TEST_CASE(entries_have_variance_one_over_M) {
  InstanceSpec spec;
  spec.M = 50;
  spec.N = 400;
  spec.seed = 99;
  const Eigen::MatrixXd A = random_instance(spec).A;
  const double M = 50.0;
  // Overall: 20000 N(0, 1/M) samples; the mean is within 6 sd (sd 0.001) of zero and the
  // variance within a few percent of 1/M.
  const double mean = A.mean();
  const double var = A.array().square().mean();
  BOOST_TEST(std::abs(mean) < 6 * std::sqrt(1.0 / M / 20000.0));
  BOOST_TEST(std::abs(var * M - 1.0) < 0.05);
  // Per column: |a_j|^2 ~ chi^2_M / M, mean 1, sd sqrt(2/M) = 0.2. The average over the
  // columns is tight; no single column is wildly off.
  const Eigen::VectorXd norms2 = A.colwise().squaredNorm().transpose();
  BOOST_TEST(std::abs(norms2.mean() - 1.0) < 0.05);
  BOOST_TEST(norms2.minCoeff() > 0.2);
  BOOST_TEST(norms2.maxCoeff() < 2.5);
  // Gaussian tails: kurtosis E z^4 / (E z^2)^2 = 3 for a normal, 1.8 for a uniform.
  const double kurt = A.array().pow(4).mean() / (var * var);
  BOOST_TEST(std::abs(kurt - 3.0) < 0.3);
}

BOOST_AUTO_TEST_CASE(tall_and_degenerate_shapes) {
  InstanceSpec spec;
  spec.N = 1;
  spec.M = 1;
  spec.sparsity = 1;
  const Problem p = random_instance(spec);
  BOOST_TEST(p.A.size() == 1);
  BOOST_TEST(std::abs((*p.x_star)(0)) >= 1.0);
  spec.N = 5;
  spec.M = 8;  // M >= N: allowed
  spec.sparsity = 2;
  BOOST_CHECK_NO_THROW(random_instance(spec));
  spec.sparsity = 0;
  const Problem z = random_instance(spec);
  BOOST_TEST(z.y.isZero(0.0));
}

BOOST_AUTO_TEST_CASE(rejects_bad_specs) {
  InstanceSpec spec;
  spec.sparsity = 61;
  BOOST_CHECK_EXCEPTION(random_instance(spec), InputError,
                        [](const InputError& e) { return mentions(e, "sparsity s=61 exceeds N=60"); });
  spec = InstanceSpec{};
  spec.sparsity = -1;
  BOOST_CHECK_EXCEPTION(random_instance(spec), InputError,
                        [](const InputError& e) { return mentions(e, "s=-1"); });
  spec = InstanceSpec{};
  spec.N = 0;
  BOOST_CHECK_EXCEPTION(random_instance(spec), InputError,
                        [](const InputError& e) { return mentions(e, "N=0"); });
  spec = InstanceSpec{};
  spec.M = 0;
  BOOST_CHECK_EXCEPTION(random_instance(spec), InputError,
                        [](const InputError& e) { return mentions(e, "M=0"); });
}

// row_gram_factor is both the full-row-rank check and the factor the projections solve with.
BOOST_AUTO_TEST_CASE(row_gram_factor_is_the_cholesky_of_a_at_and_the_rank_check) {
  InstanceSpec spec;
  spec.N = 60;
  spec.M = 20;
  const Problem p = random_instance(spec);
  const Eigen::LLT<Eigen::MatrixXd> llt = row_gram_factor(p.A);
  const Eigen::MatrixXd L = llt.matrixL();
  const Eigen::MatrixXd aat = p.A * p.A.transpose();  // the full product, not a triangle
  BOOST_TEST((L * L.transpose() - aat).norm() <= 1e-14 * aat.norm());
  // A A^T is summed panel by panel (gram_panel_width columns): three panels here.
  spec.N = 300;
  const Problem wide = random_instance(spec);
  const Eigen::MatrixXd Lw = row_gram_factor(wide.A).matrixL();
  const Eigen::MatrixXd aat_wide = wide.A * wide.A.transpose();
  BOOST_TEST((Lw * Lw.transpose() - aat_wide).norm() <= 1e-14 * aat_wide.norm());

  Eigen::MatrixXd dependent;
  // Rank 19 in exact arithmetic; in floating point the pivot is rounding noise of either sign.
  for (const auto& [row, combination] :
       {std::pair{3, Eigen::RowVectorXd(p.A.row(0))}, std::pair{10, Eigen::RowVectorXd(2.0 * p.A.row(0) - p.A.row(7))},
        std::pair{19, Eigen::RowVectorXd(0.3 * p.A.topRows(5).colwise().sum())}}) {
    dependent = p.A;
    dependent.row(row) = combination;
    BOOST_CHECK_EXCEPTION(row_gram_factor(dependent), RankDeficientError,
                          [](const InputError& e) { return mentions(e, "does not have full row rank"); });
  }
  // A row 1e4 times shorter than the others is not a rank deficiency: its pivot (about 1e-8
  // of the largest diagonal) is far above the rounding tolerance.
  Eigen::MatrixXd scaled = p.A;
  scaled.row(5) *= 1e-4;
  BOOST_CHECK_NO_THROW(row_gram_factor(scaled));
  const Eigen::MatrixXd tall = Eigen::MatrixXd::Random(8, 5);
  BOOST_CHECK_EXCEPTION(row_gram_factor(tall), RankDeficientError,
                        [](const InputError& e) { return mentions(e, "8 rows but only 5 columns"); });
}
