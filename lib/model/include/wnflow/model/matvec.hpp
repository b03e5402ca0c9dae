#pragma once
// A x and Aᵀ r: the two products in every right-hand side, and in every Woodbury solve of the
// stiff steppers. At N ≥ 2000 they are most of a flow's time, and each one is bound by how
// fast A streams from memory, which one core cannot saturate: above a size they are split
// into parts that the calling thread and workers of the process's thread pool
// (thread_pool.hpp) compute together.
//
// The split is a fixed function of A's shape, never of the number of threads: A's columns in
// fixed blocks, each a contiguous stretch of memory. Aᵀ r's blocks write their own entries of
// the result; A x's write partial sums, added in block order. So a result is the same bit for
// bit with 1, 2 or 16 threads, and when the pool's workers are busy (two flows running
// concurrently in a sweep) the caller computes every block itself.
// Below the size the products are Eigen's own, unsplit.
#include <wnflow/model/network.hpp>

namespace wnflow {

// Entries of A from which the products are split (4 MiB of doubles; N = 2000, M = 500 has 2^20).
inline constexpr Eigen::Index matvec_split_entries = Eigen::Index(1) << 19;

// Threads that compute the split products: 0 = one per hardware thread (the default), 1 = the
// calling thread only. matvec_threads() is the number the calling thread's products use. The
// pool is made at the first split product and is never shrunk; a later, smaller setting leaves
// the extra workers to other work.
void set_matvec_threads(int threads);
int matvec_threads();

// Within its scope the calling thread's products use `threads` threads, whatever
// set_matvec_threads says: code that already runs flows side by side on every core (sweep,
// verify) gives each of its workers MatvecThreadsScope(1).
class MatvecThreadsScope {
 public:
  explicit MatvecThreadsScope(int threads);
  ~MatvecThreadsScope();
  MatvecThreadsScope(const MatvecThreadsScope&) = delete;
  MatvecThreadsScope& operator=(const MatvecThreadsScope&) = delete;

 private:
  int previous_;
};

// The number of blocks of columns both products are computed in: 1 (Eigen's own product)
// below matvec_split_entries, else up to 8 of at least 256 columns.
int matvec_parts(Eigen::Index rows, Eigen::Index cols);

// Runs part(0), ..., part(parts − 1) on the calling thread and up to matvec_threads() − 1 of the
// pool's workers, as the split products do (the Gram block of the stiff steppers uses it too).
// Each part must write outputs of its own, so the result does not depend on which thread ran it.
void for_each_part(int parts, void (*part)(const void* context, int p), const void* context);
template <class Part>
void for_each_part(int parts, const Part& part) {
  for_each_part(parts, [](const void* c, int p) { (*static_cast<const Part*>(c))(p); }, &part);
}

void matvec(const Matrix& A, const ConstVectorRef& x, VectorRef out);            // out = A x
void matvec_transpose(const Matrix& A, const ConstVectorRef& r, VectorRef out);  // out = Aᵀ r

}  // namespace wnflow
