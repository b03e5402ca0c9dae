#include <wnflow/model/matvec.hpp>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace wnflow {
namespace {

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

// How long an idle worker polls for the next product before it sleeps. Within a flow the
// products come back to back (the gaps are vector updates), so a poll catches them without a
// wake-up; a factorization or the end of the flow sends the worker to sleep.
constexpr auto poll_time = std::chrono::microseconds(200);

std::atomic<int> requested_threads{0};
thread_local int scoped_threads = 0;  // a MatvecThreadsScope's setting, 0 outside one

// A split product: part p of parts.
struct Job {
  void (*run)(const void* context, int part) = nullptr;
  const void* context = nullptr;
  int parts = 0;
};

// The calling thread and `workers` pool threads take the parts of one job at a time through a
// shared counter. A job's fields are written while the generation is odd and no worker is
// inside a job; workers enter only an even generation they have not seen, and check, after
// announcing themselves, that it is still current (both sides sequentially consistent, so
// one of the two always sees the other).
class Pool {
 public:
  // Runs every part of the job, with the workers' help if the pool is free; false if another
  // thread holds it (the caller then runs the parts itself).
  bool run(const Job& job, int helpers) {
    std::unique_lock<std::mutex> owner(busy_, std::try_to_lock);
    if (!owner.owns_lock()) return false;
    grow(helpers);
    const std::uint64_t g = generation_.load(std::memory_order_relaxed);
    generation_.store(g + 1);  // odd: being set up
    while (active_.load() != 0) relax();
    job_ = job;
    admitted_ = helpers;
    next_.store(0, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    generation_.store(g + 2);
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> lock(sleep_);
      wake_.notify_all();
    }
    take_parts();
    for (int spins = 0; done_.load(std::memory_order_acquire) != job.parts; ++spins)
      if (spins < (1 << 16)) relax(); else std::this_thread::yield();  // a descheduled worker
    return true;
  }

 private:
  void grow(int helpers) {
    while (int(workers_.size()) < helpers) {
      const int index = int(workers_.size());
      workers_.emplace_back([this, index] { work(index); });
      workers_.back().detach();  // the pool lives as long as the process
    }
  }

  void take_parts() {
    for (;;) {
      const int p = next_.fetch_add(1, std::memory_order_relaxed);
      if (p >= job_.parts) return;
      job_.run(job_.context, p);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  std::uint64_t wait_for_job(std::uint64_t seen) {
    auto fresh = [&](std::uint64_t v) { return v != seen && (v & 1) == 0; };
    const auto until = std::chrono::steady_clock::now() + poll_time;
    for (int spins = 0;; ++spins) {
      const std::uint64_t v = generation_.load(std::memory_order_acquire);
      if (fresh(v)) return v;
      if ((spins & 255) == 255 && std::chrono::steady_clock::now() > until) break;
      relax();
    }
    std::unique_lock<std::mutex> lock(sleep_);
    sleepers_.fetch_add(1);
    std::uint64_t v = 0;
    wake_.wait(lock, [&] { return fresh(v = generation_.load()); });
    sleepers_.fetch_sub(1);
    return v;
  }

  void work(int index) {
    std::uint64_t seen = 0;
    for (;;) {
      const std::uint64_t g = wait_for_job(seen);
      seen = g;
      active_.fetch_add(1);
      if (generation_.load() == g && index < admitted_) take_parts();
      active_.fetch_sub(1, std::memory_order_release);
    }
  }

  std::mutex busy_;  // held by the thread whose job the pool runs
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> active_{0}, next_{0}, done_{0}, sleepers_{0};
  Job job_;
  int admitted_ = 0;
  std::mutex sleep_;
  std::condition_variable wake_;
};

// One pool per process. A forked child (the bench runs each flow in one) has none of its
// parent's workers: it drops the parent's pool, unused and never destroyed, and makes its own.
std::mutex pool_made;
Pool* pool = nullptr;
Pool* parents_pool = nullptr;  // kept reachable, so that a leak checker in the child is quiet

void forget_pool_in_child() {
  parents_pool = pool;
  pool = nullptr;
}

Pool& the_pool() {
  std::lock_guard<std::mutex> lock(pool_made);
  if (!pool) {
    static const bool registered = [] { return pthread_atfork(nullptr, nullptr, forget_pool_in_child) == 0; }();
    (void)registered;
    pool = new Pool;  // never destroyed: detached workers may still be polling at exit
  }
  return *pool;
}

int effective_threads() {
  const int t = scoped_threads > 0 ? scoped_threads : requested_threads.load(std::memory_order_relaxed);
  return t > 0 ? t : int(std::max(1u, std::thread::hardware_concurrency()));
}

void run_parts(const Job& job) {
  const int helpers = std::min(effective_threads(), job.parts) - 1;
  if (helpers > 0 && the_pool().run(job, helpers)) return;
  for (int p = 0; p < job.parts; ++p) job.run(job.context, p);
}

struct Product {
  const Matrix* A;
  const ConstVectorRef* v;
  int parts;
  VectorRef* out;     // Aᵀ r: part p writes its own rows of out
  Matrix* partial;    // A x: part p writes column p, the product of its columns of A
};

// Part p of n columns: [n p / parts, n (p + 1) / parts).
Eigen::Index part_begin(Eigen::Index n, int parts, int p) { return n * p / parts; }

}  // namespace

void for_each_part(int parts, void (*part)(const void* context, int p), const void* context) {
  if (parts <= 1) {
    if (parts == 1) part(context, 0);
    return;
  }
  run_parts({part, context, parts});
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
  thread_local Matrix partial;
  partial.resize(A.rows(), parts);
  const Product product{&A, &x, parts, nullptr, &partial};
  run_parts({[](const void* c, int p) {
               const auto& q = *static_cast<const Product*>(c);
               const Eigen::Index j0 = part_begin(q.A->cols(), q.parts, p);
               const Eigen::Index w = part_begin(q.A->cols(), q.parts, p + 1) - j0;
               q.partial->col(p).noalias() = q.A->middleCols(j0, w) * q.v->segment(j0, w);
             },
             &product, parts});
  out = partial.col(0);
  for (int p = 1; p < parts; ++p) out += partial.col(p);
}

void matvec_transpose(const Matrix& A, const ConstVectorRef& r, VectorRef out) {
  const int parts = matvec_parts(A.rows(), A.cols());
  if (parts == 1) {
    out.noalias() = A.transpose() * r;
    return;
  }
  const Product product{&A, &r, parts, &out, nullptr};
  run_parts({[](const void* c, int p) {
               const auto& q = *static_cast<const Product*>(c);
               const Eigen::Index j0 = part_begin(q.A->cols(), q.parts, p);
               const Eigen::Index w = part_begin(q.A->cols(), q.parts, p + 1) - j0;
               q.out->segment(j0, w).noalias() = q.A->middleCols(j0, w).transpose() * *q.v;
             },
             &product, parts});
}

}  // namespace wnflow
