// The Gram block of the stiff steppers' capacitance (gram_structure.hpp): A diag(d) Aᵀ in the
// lower triangle, panel by panel, and from gram_split_rank on in blocks of the triangle that
// the matvec pool computes: the same bits with any number of threads.
#define BOOST_TEST_MODULE gram_structure
#include <boost/test/unit_test.hpp>

#include <wnflow/model/gram_structure.hpp>
#include <wnflow/model/matvec.hpp>

#include "allocation_counter.hpp"

using namespace wnflow;

namespace {

struct ThreadSetting {
  ~ThreadSetting() { set_matvec_threads(0); }
};

GramStructure structure(const Matrix& A, int copies) {
  GramStructure g;
  g.A = &A;
  g.copies = copies;
  return g;
}

// The lower triangle of A diag(d_1 + d_2) Aᵀ, as one dense product.
Matrix reference_lower(const Matrix& A, const Vector& d, int copies) {
  const Eigen::Index N = A.cols();
  Vector folded = d.head(N);
  if (copies == 2) folded += d.tail(N);
  Matrix full = A * folded.asDiagonal() * A.transpose();
  return full.triangularView<Eigen::Lower>();
}

// gram_block_lower into a matrix of 7s: its lower triangle is the block, the rest the caller's.
Matrix block_into_sevens(const GramStructure& g, const Vector& d) {
  const Eigen::Index M = g.A->rows();
  Matrix out = Matrix::Constant(M, M, 7.0);
  Vector folded;
  Matrix panel;
  gram_block_lower(g, d, out, folded, panel);
  return out;
}

bool strictly_upper_is_seven(const Matrix& m) {
  for (Eigen::Index j = 1; j < m.cols(); ++j)
    if (!(m.col(j).head(j).array() == 7.0).all()) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_split_depends_on_the_rank_alone) {
  BOOST_TEST(gram_block_parts(100) == 1);
  BOOST_TEST(gram_block_parts(gram_split_rank - 1) == 1);
  BOOST_TEST(gram_block_parts(gram_split_rank) == 8);
  BOOST_TEST(gram_block_parts(5000) == 8);
}

// Panels of 64 to 128 columns; up to M = 128 a panel's packing buffers (at most a panel's
// width times M doubles each) fit Eigen's stack allocation limit, the reason for the width.
BOOST_AUTO_TEST_CASE(panels_are_64_to_128_columns_and_fit_the_stack_at_small_rank) {
  for (Eigen::Index M : {1, 37, 100, 128, 129, 500, 1024, 5000}) {
    const Eigen::Index w = gram_panel_width(M);
    BOOST_TEST(w >= 64);
    BOOST_TEST(w <= 128);
    if (M <= 128) BOOST_TEST(std::size_t(w * M) * sizeof(double) <= std::size_t(EIGEN_STACK_ALLOCATION_LIMIT));
  }
}

BOOST_AUTO_TEST_CASE(the_block_is_a_diag_d_a_transpose_below_and_above_the_split) {
  for (Eigen::Index M : {Eigen::Index(37), gram_split_rank + 77}) {
    const Eigen::Index N = M + 211;
    std::srand(unsigned(M));
    const Matrix A = Matrix::Random(M, N);
    for (int copies : {1, 2}) {
      const Vector d = Vector::Random(copies * N).array() + 1.5;
      const Matrix out = block_into_sevens(structure(A, copies), d);
      const Matrix lower = out.triangularView<Eigen::Lower>();
      const Matrix expected = reference_lower(A, d, copies);
      BOOST_TEST((lower - expected).norm() < 1e-12 * expected.norm(), "M " << M << " copies " << copies);
      BOOST_TEST(strictly_upper_is_seven(out));
    }
  }
}

BOOST_AUTO_TEST_CASE(any_number_of_threads_gives_the_same_bits) {
  ThreadSetting restore;
  const Eigen::Index M = gram_split_rank + 77, N = M + 211;
  std::srand(3);
  const Matrix A = Matrix::Random(M, N);
  const Vector d = Vector::Random(N).array() + 1.5;
  set_matvec_threads(1);
  const Matrix one = block_into_sevens(structure(A, 1), d);
  for (int threads : {2, 3, 0}) {
    set_matvec_threads(threads);
    const Matrix many = block_into_sevens(structure(A, 1), d);
    BOOST_TEST((many.array() == one.array()).all(), "threads " << threads);
  }
}

BOOST_AUTO_TEST_CASE(a_split_block_does_not_allocate_once_its_scratch_is_sized) {
  // It is formed at every refactorization of a stiff step, which must not allocate.
  ThreadSetting restore;
  set_matvec_threads(2);
  const Eigen::Index M = gram_split_rank + 3, N = M + 40;
  std::srand(5);
  const Matrix A = Matrix::Random(M, N);
  const Vector d = Vector::Random(N).array() + 1.5;
  const GramStructure g = structure(A, 1);
  Matrix lower(M, M), panel;
  Vector folded;
  gram_block_lower(g, d, lower, folded, panel);
  const long before = allocations.load();
  gram_block_lower(g, d, lower, folded, panel);
  BOOST_TEST(allocations.load() == before);
}
