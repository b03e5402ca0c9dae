#include <wnflow/model/thread_pool.hpp>

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <new>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace wnflow {
namespace {

using Clock = std::chrono::steady_clock;

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

// How long a worker that has finished its tasks polls for the next parallel_for before it
// returns to the pool, and how long a caller that has finished its own tasks polls before it
// sleeps until the workers' are done. Within a flow the split products come back to back (the
// gaps are vector updates): a poll catches the next one without a wake-up; a factorization or
// the end of the flow sends the worker back to the pool. leave_time bounds how long a caller
// waits, after the last task, for the workers to be back at their mailboxes.
constexpr auto linger_time = std::chrono::microseconds(200);
constexpr auto caller_poll_time = std::chrono::microseconds(200);
constexpr auto leave_time = std::chrono::microseconds(20);

// Polls `done` until it holds or `limit` has passed (checking the clock every 256 polls).
template <class Done>
bool poll_until(const Done& done, Clock::duration limit) {
  const auto until = Clock::now() + limit;
  for (unsigned spins = 1;; ++spins) {
    if (done()) return true;
    if ((spins & 255) == 0 && Clock::now() > until) return false;
    relax();
  }
}

// One parallel_for: its tasks and their counters. Batches are recycled by the pool, so a worker
// that begins after its batch has finished still finds valid counters (and no task left).
struct Batch {
  void (*task)(const void*, std::size_t) = nullptr;
  const void* context = nullptr;
  std::size_t count = 0;
  std::atomic<std::size_t> next{0};      // the next task to take
  std::atomic<std::size_t> finished{0};  // tasks returned (or skipped after an exception)
  std::atomic<int> holders{0};           // the caller and the workers handed this batch
  std::atomic<int> inside{0};            // workers between beginning and leaving this batch
  std::atomic<bool> failed{false};
  std::exception_ptr error;  // the first exception, under `mutex`
  std::mutex mutex;
  std::condition_variable all_finished;

  // Takes tasks until none is left. The last one to finish wakes the caller if it sleeps.
  void take(bool caller) {
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      if (!failed.load(std::memory_order_relaxed)) {
        try {
          task(context, i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!error) error = std::current_exception();
          failed.store(true, std::memory_order_relaxed);
        }
      }
      if (finished.fetch_add(1, std::memory_order_acq_rel) + 1 == count && !caller) {
        std::lock_guard<std::mutex> lock(mutex);
        all_finished.notify_one();
      }
    }
  }

  void wait_for_all() {
    auto done = [&] { return finished.load(std::memory_order_acquire) == count; };
    if (poll_until(done, caller_poll_time)) return;
    std::unique_lock<std::mutex> lock(mutex);
    all_finished.wait(lock, done);
  }
};

thread_local bool running_a_task_on_the_pool = false;

class Pool;

// Memory for the pool's queued hand-overs (Asio allocates an operation per post), recycled so
// that a warm parallel_for allocates nothing.
template <class T>
struct HandOverAllocator {
  using value_type = T;
  Pool* pool;
  explicit HandOverAllocator(Pool* p) noexcept : pool(p) {}
  template <class U>
  HandOverAllocator(const HandOverAllocator<U>& other) noexcept : pool(other.pool) {}
  T* allocate(std::size_t n);
  void deallocate(T* p, std::size_t n) noexcept;
  template <class U>
  bool operator==(const HandOverAllocator<U>& other) const noexcept { return pool == other.pool; }
  template <class U>
  bool operator!=(const HandOverAllocator<U>& other) const noexcept { return pool != other.pool; }
};

class Pool {
 public:
  explicit Pool(int workers) : workers_(std::min(workers, max_workers)), asio_(std::size_t(workers_)) {
    // Enough for one caller whatever its workers are doing: a batch of its own, one held by
    // each worker handed one it has not yet seen, one by each queued request (at most one per
    // worker), and the memory of those requests.
    for (int k = 0; k < 2 * workers_ + 1; ++k) spare_batches_.push_back(new Batch);
    for (int k = 0; k < workers_; ++k) spare_memory_.push_back(::operator new(memory_block));
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  int workers() const { return workers_; }

  static constexpr int max_workers = 256;
  Pool* retired_next = nullptr;  // the pools this one replaced, kept reachable (a leak checker)

  void run(std::size_t count, int helpers, void (*task)(const void*, std::size_t), const void* context) {
    Batch* b = acquire_batch();
    b->task = task;
    b->context = context;
    b->count = count;
    b->next.store(0, std::memory_order_relaxed);
    b->finished.store(0, std::memory_order_relaxed);
    b->failed.store(false, std::memory_order_relaxed);
    b->holders.store(1, std::memory_order_relaxed);
    // Workers still polling after their last batch take this one at once; the rest are asked
    // through the pool's queue, up to one queued request per worker.
    int handed = 0;
    for (int k = 0; k < workers_ && handed < helpers; ++k) {
      Batch* expected = polling();
      if (mailbox_[std::size_t(k)].load(std::memory_order_relaxed) != expected) continue;
      b->holders.fetch_add(1, std::memory_order_relaxed);
      if (mailbox_[std::size_t(k)].compare_exchange_strong(expected, b, std::memory_order_acq_rel)) ++handed;
      else b->holders.fetch_sub(1, std::memory_order_relaxed);
    }
    for (; handed < helpers; ++handed) {
      if (queued_.fetch_add(1, std::memory_order_relaxed) >= workers_) {
        queued_.fetch_sub(1, std::memory_order_relaxed);
        break;
      }
      b->holders.fetch_add(1, std::memory_order_relaxed);
      try {
        boost::asio::post(asio_, Helper{this, b});
      } catch (...) {  // no memory for the request: the caller does without this helper
        b->holders.fetch_sub(1, std::memory_order_relaxed);
        queued_.fetch_sub(1, std::memory_order_relaxed);
        break;
      }
    }
    b->take(/*caller=*/true);
    b->wait_for_all();
    // Workers that took part are leaving: a moment later each polls its mailbox, ready for
    // the caller's next parallel_for (a worker held up here is not waited for long).
    poll_until([&] { return b->inside.load(std::memory_order_acquire) == 0; }, leave_time);
    std::exception_ptr error;
    if (b->failed.load(std::memory_order_relaxed)) {
      std::lock_guard<std::mutex> lock(b->mutex);
      error = b->error;
      b->error = nullptr;
    }
    release(b);
    if (error) std::rethrow_exception(error);
  }

  void* allocate_memory(std::size_t bytes) {
    if (bytes > memory_block) return ::operator new(bytes);
    std::lock_guard<std::mutex> lock(spare_mutex_);
    if (spare_memory_.empty()) return ::operator new(memory_block);
    void* p = spare_memory_.back();
    spare_memory_.pop_back();
    return p;
  }

  void deallocate_memory(void* p, std::size_t bytes) noexcept {
    if (bytes > memory_block) return ::operator delete(p);
    std::lock_guard<std::mutex> lock(spare_mutex_);
    try {
      spare_memory_.push_back(p);
    } catch (...) {
      ::operator delete(p);
    }
  }

 private:
  // A worker's request: help with `batch`, then poll for the next one.
  struct Helper {
    Pool* pool;
    Batch* batch;
    using allocator_type = HandOverAllocator<Helper>;
    allocator_type get_allocator() const noexcept { return allocator_type(pool); }
    void operator()() const {
      pool->queued_.fetch_sub(1, std::memory_order_relaxed);
      pool->help(batch);
    }
  };

  static constexpr std::size_t memory_block = 256;

  // The mailbox value of a worker that polls for a batch (any address that is not a batch).
  Batch* polling() { return reinterpret_cast<Batch*>(&queued_); }

  void help(Batch* b) {
    running_a_task_on_the_pool = true;
    while (b) {
      b->inside.fetch_add(1, std::memory_order_acq_rel);
      b->take(/*caller=*/false);
      // Polling before the caller goes on (it waits for `inside`), so that its next
      // parallel_for finds this worker in its mailbox.
      const std::size_t slot = claim_mailbox();
      b->inside.fetch_sub(1, std::memory_order_release);
      release(b);
      b = slot < std::size_t(workers_) ? wait_for_mail(slot) : nullptr;
    }
    running_a_task_on_the_pool = false;
  }

  // A free mailbox, now polling; workers_ if every one is taken (more workers poll than
  // callers need).
  std::size_t claim_mailbox() {
    for (std::size_t k = 0; k < std::size_t(workers_); ++k) {
      Batch* expected = nullptr;
      if (mailbox_[k].compare_exchange_strong(expected, polling(), std::memory_order_relaxed)) return k;
    }
    return std::size_t(workers_);
  }

  // Polls mailbox k for linger_time: the batch handed over, or null (back to the pool).
  Batch* wait_for_mail(std::size_t k) {
    Batch* handed = nullptr;
    auto arrived = [&] { return (handed = mailbox_[k].load(std::memory_order_acquire)) != polling(); };
    if (!poll_until(arrived, linger_time)) {
      Batch* mine = polling();
      if (mailbox_[k].compare_exchange_strong(mine, nullptr, std::memory_order_acq_rel)) return nullptr;
      handed = mine;  // handed over just now
    }
    mailbox_[k].store(nullptr, std::memory_order_relaxed);
    return handed;
  }

  Batch* acquire_batch() {
    {
      std::lock_guard<std::mutex> lock(spare_mutex_);
      if (!spare_batches_.empty()) {
        Batch* b = spare_batches_.back();
        spare_batches_.pop_back();
        return b;
      }
    }
    return new Batch;
  }

  void release(Batch* b) {
    if (b->holders.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    std::lock_guard<std::mutex> lock(spare_mutex_);
    spare_batches_.push_back(b);
  }

  const int workers_;
  std::array<std::atomic<Batch*>, max_workers> mailbox_{};  // null, polling(), or a handed batch
  std::atomic<int> queued_{0};                              // requests posted and not yet begun
  std::mutex spare_mutex_;
  std::vector<Batch*> spare_batches_;
  std::vector<void*> spare_memory_;
  boost::asio::thread_pool asio_;  // last: its threads start once the rest is ready
};

template <class T>
T* HandOverAllocator<T>::allocate(std::size_t n) {
  return static_cast<T*>(pool->allocate_memory(n * sizeof(T)));
}

template <class T>
void HandOverAllocator<T>::deallocate(T* p, std::size_t n) noexcept {
  pool->deallocate_memory(p, n * sizeof(T));
}

// The process's pool. A request for more workers than it has makes a larger one, which later
// callers use; the smaller one keeps running what it was handed, then idles (pools are never
// destroyed: a worker may still be polling at exit). A forked child drops its parent's pool,
// whose threads it does not have, and makes its own at first use.
std::mutex pool_mutex;  // held while a pool is made, and across fork
std::atomic<Pool*> current_pool{nullptr};
Pool* retired_pools = nullptr;  // kept reachable, so that a leak checker is quiet

void retire(Pool* p) {
  if (!p) return;
  p->retired_next = retired_pools;
  retired_pools = p;
}

void before_fork() { pool_mutex.lock(); }
void after_fork_in_parent() { pool_mutex.unlock(); }
void after_fork_in_child() {
  retire(current_pool.load(std::memory_order_relaxed));
  current_pool.store(nullptr, std::memory_order_relaxed);
  pool_mutex.unlock();
}

Pool& pool_with(int workers) {
  workers = std::min(workers, Pool::max_workers);
  Pool* p = current_pool.load(std::memory_order_acquire);
  if (p && p->workers() >= workers) return *p;
  std::lock_guard<std::mutex> lock(pool_mutex);
  static const bool fork_handlers = [] {
    return pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child) == 0;
  }();
  (void)fork_handlers;
  p = current_pool.load(std::memory_order_relaxed);
  if (p && p->workers() >= workers) return *p;
  const int hardware = int(std::max(1u, std::thread::hardware_concurrency()));
  Pool* larger = new Pool(std::max({workers, hardware - 1, p ? p->workers() : 0}));
  retire(p);
  current_pool.store(larger, std::memory_order_release);
  return *larger;
}

}  // namespace

void parallel_for(std::size_t count, int threads, void (*task)(const void*, std::size_t), const void* context) {
  const std::size_t used = std::min(count, std::size_t(std::max(threads, 1)));
  if (used <= 1) {
    for (std::size_t i = 0; i < count; ++i) task(context, i);
    return;
  }
  const int helpers = int(used) - 1;
  pool_with(helpers).run(count, helpers, task, context);
}

bool on_pool_thread() { return running_a_task_on_the_pool; }

int pool_workers() {
  const Pool* p = current_pool.load(std::memory_order_acquire);
  return p ? p->workers() : 0;
}

}  // namespace wnflow
