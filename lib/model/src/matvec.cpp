#include <wnflow/model/matvec.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <wnflow/model/thread_pool.hpp>

namespace wnflow {
namespace {

std::atomic<int> requested_threads{0};
thread_local int scoped_threads = 0;  // a MatvecThreadsScope's setting, 0 outside one

int effective_threads() {
  const int t = scoped_threads > 0 ? scoped_threads : requested_threads.load(std::memory_order_relaxed);
  return t > 0 ? t : int(std::max(1u, std::thread::hardware_concurrency()));
}

// The parts on the process's thread pool: the calling thread and up to matvec_threads() − 1
// workers (thread_pool.hpp). Each part writes outputs of its own, so which thread ran it does
// not show in the result.
template <class Part>
void run_parts(int parts, const Part& part) {
  parallel_for(std::size_t(parts), effective_threads(), [&](std::size_t p) { part(int(p)); });
}

// Part p of n columns: [n p / parts, n (p + 1) / parts).
Eigen::Index part_begin(Eigen::Index n, int parts, int p) { return n * p / parts; }

}  // namespace

void for_each_part(int parts, void (*part)(const void* context, int p), const void* context) {
  if (parts <= 1) {
    if (parts == 1) part(context, 0);
    return;
  }
  run_parts(parts, [&](int p) { part(context, p); });
}

void set_matvec_threads(int threads) { requested_threads.store(std::max(0, threads), std::memory_order_relaxed); }

int matvec_threads() { return effective_threads(); }

MatvecThreadsScope::MatvecThreadsScope(int threads) : previous_(scoped_threads) {
  scoped_threads = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

MatvecThreadsScope::~MatvecThreadsScope() { scoped_threads = previous_; }

int matvec_parts(Eigen::Index rows, Eigen::Index cols) {
  if (rows * cols < matvec_split_entries) return 1;
  return int(std::clamp<Eigen::Index>(cols / 256, 1, 8));  // blocks of >= 256 columns
}

void matvec(const Matrix& A, const ConstVectorRef& x, VectorRef out) {
  const int parts = matvec_parts(A.rows(), A.cols());
  if (parts == 1) {
    out.noalias() = A * x;
    return;
  }
  // Each part streams a contiguous block of columns of A; their partial sums are added in
  // part order, so the rounding is fixed by the split alone.
  thread_local Matrix partial_of_this_thread;
  Matrix& partial = partial_of_this_thread;  // the caller's, also in the parts other threads run
  partial.resize(A.rows(), parts);
  run_parts(parts, [&](int p) {
    const Eigen::Index j0 = part_begin(A.cols(), parts, p), w = part_begin(A.cols(), parts, p + 1) - j0;
    partial.col(p).noalias() = A.middleCols(j0, w) * x.segment(j0, w);
  });
  out = partial.col(0);
  for (int p = 1; p < parts; ++p) out += partial.col(p);
}

void matvec_transpose(const Matrix& A, const ConstVectorRef& r, VectorRef out) {
  const int parts = matvec_parts(A.rows(), A.cols());
  if (parts == 1) {
    out.noalias() = A.transpose() * r;
    return;
  }
  run_parts(parts, [&](int p) {
    const Eigen::Index j0 = part_begin(A.cols(), parts, p), w = part_begin(A.cols(), parts, p + 1) - j0;
    out.segment(j0, w).noalias() = A.middleCols(j0, w).transpose() * r;
  });
}

}  // namespace wnflow
