// The products with A, split over threads (matvec.hpp): the same numbers with any number of
// threads, close to an independent long-double product, and the same flows end to end.
#define BOOST_TEST_MODULE matvec
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>
#include <vector>
#include <wnflow/model/matvec.hpp>
#include <wnflow/solve/run.hpp>

#include "allocation_counter.hpp"
#include "support.hpp"

using namespace wnflow;

namespace {

// Restores the default thread setting when a test ends, whatever it set.
struct ThreadSetting {
  ~ThreadSetting() { set_matvec_threads(0); }
};

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::srand(seed);
  return Matrix::Random(rows, cols);
}

// Row by row and column by column in long double: no blocking, no SIMD, no threads.
Vector reference_product(const Matrix& A, const Vector& x) {
  Vector out(A.rows());
  for (Eigen::Index i = 0; i < A.rows(); ++i) {
    long double s = 0;
    for (Eigen::Index j = 0; j < A.cols(); ++j) s += static_cast<long double>(A(i, j)) * x[j];
    out[i] = double(s);
  }
  return out;
}

Vector reference_transpose(const Matrix& A, const Vector& r) { return reference_product(A.transpose(), r); }

// A shape above the split with a column count that no block count divides.
constexpr Eigen::Index split_rows = 301, split_cols = 2053;
static_assert(split_rows * split_cols >= matvec_split_entries);

}  // namespace

BOOST_AUTO_TEST_CASE(the_split_depends_on_the_shape_alone) {
  BOOST_TEST(matvec_parts(45, 150) == 1);
  BOOST_TEST(matvec_parts(100, 400) == 1);
  BOOST_TEST(matvec_parts(1, matvec_split_entries - 1) == 1);
  BOOST_TEST(matvec_parts(500, 2000) == 7);  // blocks of >= 256 columns
  BOOST_TEST(matvec_parts(2500, 10000) == 8);
  BOOST_TEST(matvec_parts(4096, 128) == 1);  // too few columns to split
  ThreadSetting restore;
  set_matvec_threads(3);
  BOOST_TEST(matvec_threads() == 3);
  BOOST_TEST(matvec_parts(2500, 10000) == 8);
  set_matvec_threads(0);
  BOOST_TEST(matvec_threads() == int(std::max(1u, std::thread::hardware_concurrency())));
}

BOOST_AUTO_TEST_CASE(a_scope_sets_the_calling_threads_count_and_restores_it) {
  ThreadSetting restore;
  set_matvec_threads(4);
  {
    const MatvecThreadsScope one(1);
    BOOST_TEST(matvec_threads() == 1);
    {
      const MatvecThreadsScope three(3);
      BOOST_TEST(matvec_threads() == 3);
    }
    BOOST_TEST(matvec_threads() == 1);
    int elsewhere = 0;  // another thread sees the process-wide setting
    std::thread([&] { elsewhere = matvec_threads(); }).join();
    BOOST_TEST(elsewhere == 4);
  }
  BOOST_TEST(matvec_threads() == 4);
}

BOOST_AUTO_TEST_CASE(small_products_are_eigens_own) {
  const Matrix A = random_matrix(100, 400, 3);
  const Vector x = Vector::Random(400), r = Vector::Random(100);
  Vector ax(100), atr(400);
  matvec(A, x, ax);
  matvec_transpose(A, r, atr);
  const Vector ax_eigen = A * x, atr_eigen = A.transpose() * r;
  BOOST_TEST((ax.array() == ax_eigen.array()).all());
  BOOST_TEST((atr.array() == atr_eigen.array()).all());
}

BOOST_AUTO_TEST_CASE(split_products_match_a_long_double_reference) {
  const Matrix A = random_matrix(split_rows, split_cols, 5);
  const Vector x = Vector::Random(split_cols), r = Vector::Random(split_rows);
  BOOST_TEST(matvec_parts(split_rows, split_cols) == 8);
  Vector ax(split_rows), atr(split_cols);
  matvec(A, x, ax);
  matvec_transpose(A, r, atr);
  // |error| <= n eps sum |a x| entrywise; sum |a x| <= n for entries in [-1, 1].
  const double bound_ax = 4 * double(split_cols) * 1.2e-16 * double(split_cols);
  const double bound_atr = 4 * double(split_rows) * 1.2e-16 * double(split_rows);
  BOOST_TEST((ax - reference_product(A, x)).cwiseAbs().maxCoeff() < bound_ax);
  BOOST_TEST((atr - reference_transpose(A, r)).cwiseAbs().maxCoeff() < bound_atr);
  // And not merely within a bound: the parts cover every column exactly once.
  BOOST_TEST((ax - reference_product(A, x)).norm() < 1e-12 * reference_product(A, x).norm());
  BOOST_TEST((atr - reference_transpose(A, r)).norm() < 1e-12 * reference_transpose(A, r).norm());
}

BOOST_AUTO_TEST_CASE(any_number_of_threads_gives_the_same_bits) {
  ThreadSetting restore;
  const Matrix A = random_matrix(split_rows, split_cols, 7);
  const Vector x = Vector::Random(split_cols), r = Vector::Random(split_rows);
  set_matvec_threads(1);
  Vector ax1(split_rows), atr1(split_cols);
  matvec(A, x, ax1);
  matvec_transpose(A, r, atr1);
  for (int threads : {2, 3, 8, 0, 1}) {
    set_matvec_threads(threads);
    for (int rep = 0; rep < 20; ++rep) {  // many jobs in a row: the pool's hand-over
      Vector ax(split_rows), atr(split_cols);
      matvec(A, x, ax);
      matvec_transpose(A, r, atr);
      BOOST_TEST_REQUIRE((ax.array() == ax1.array()).all(), "threads " << threads << " repeat " << rep);
      BOOST_TEST_REQUIRE((atr.array() == atr1.array()).all(), "threads " << threads << " repeat " << rep);
    }
  }
}

BOOST_AUTO_TEST_CASE(concurrent_callers_share_the_pool_or_compute_alone) {
  // As in a sweep: several threads multiply at once. One gets the pool, the others compute
  // every block themselves; all get the single-threaded bits.
  ThreadSetting restore;
  set_matvec_threads(2);
  const Matrix A = random_matrix(split_rows, split_cols, 11);
  std::vector<Vector> xs;
  std::vector<Vector> expected;
  for (int t = 0; t < 4; ++t) {
    xs.push_back(Vector::Random(split_cols));
    expected.push_back(reference_product(A, xs.back()));
  }
  Vector serial(split_rows);
  std::vector<Vector> first(4, Vector(split_rows));
  for (int t = 0; t < 4; ++t) matvec(A, xs[t], first[t]);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&, t] {
      Vector out(split_rows);
      for (int rep = 0; rep < 30; ++rep) {
        matvec(A, xs[t], out);
        if (!(out.array() == first[t].array()).all()) ++mismatches;
      }
    });
  for (auto& c : callers) c.join();
  BOOST_TEST(mismatches.load() == 0);
  for (int t = 0; t < 4; ++t) BOOST_TEST((first[t] - expected[t]).norm() < 1e-12 * expected[t].norm());
}

BOOST_AUTO_TEST_CASE(a_flow_ends_at_the_same_bits_with_one_or_two_threads) {
  // Above the split every right-hand side, Jacobian-free product and Woodbury solve goes
  // through matvec: the whole integration must not depend on the thread count.
  ThreadSetting restore;
  const Problem p = testing::small_instance(Sign::positive, 3, 2048, 300, 12);
  BOOST_TEST_REQUIRE(matvec_parts(p.rows(), p.cols()) > 1);
  IntegrateOptions io;
  io.rtol = 1e-9;
  io.atol = 1e-14;
  io.t_max = 1e7;
  io.loss_tol = 1e-14;
  for (FlowKind kind : {FlowKind::gf, FlowKind::wn}) {
    FlowOptions fo;
    fo.kind = kind;
    fo.sign = Sign::positive;
    fo.depth = 2;
    fo.alpha = 1.0;
    if (kind == FlowKind::wn) fo.ratio = 0.05;
    set_matvec_threads(1);
    const RunResult one = run_flow(p, fo, io);
    set_matvec_threads(2);
    const RunResult two = run_flow(p, fo, io);
    BOOST_TEST_REQUIRE(one.usable());
    BOOST_TEST(one.converged);
    BOOST_TEST(one.summary.steps == two.summary.steps);
    BOOST_TEST(one.summary.rhs_evals == two.summary.rhs_evals);
    BOOST_TEST((one.x.array() == two.x.array()).all(), to_string(kind));
    BOOST_TEST(one.loss == two.loss);
  }
}

BOOST_AUTO_TEST_CASE(split_products_do_not_allocate_once_warm) {
  // A flow's steps must not allocate (steps_do_not_allocate in test_bdf and test_rosenbrock,
  // on sizes below the split): the split path keeps its partial sums and its pool.
  ThreadSetting restore;
  const Matrix A = random_matrix(split_rows, split_cols, 13);
  const Vector x = Vector::Random(split_cols), r = Vector::Random(split_rows);
  Vector ax(split_rows), atr(split_cols);
  for (int threads : {1, 2}) {
    set_matvec_threads(threads);
    matvec(A, x, ax);  // warm: the pool, its workers, the partial sums
    matvec_transpose(A, r, atr);
    const long before = allocations.load();
    for (int rep = 0; rep < 50; ++rep) {
      matvec(A, x, ax);
      matvec_transpose(A, r, atr);
    }
    BOOST_TEST(allocations.load() == before, "threads " << threads);
  }
}
