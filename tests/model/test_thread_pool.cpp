// The process's thread pool (thread_pool.hpp): every task once, as many threads at once as
// asked, exceptions, calls from tasks on the pool (no deadlock), a forked child, no allocation
// once warm.
#define BOOST_TEST_MODULE thread_pool
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/thread_pool.hpp>

#include "allocation_counter.hpp"

using namespace wnflow;
using namespace std::chrono_literals;

namespace {

// Runs `body` and fails (ending the process: a deadlocked pool cannot be unwound) if it has not
// returned within `limit`.
template <class Body>
void within(std::chrono::seconds limit, const char* what, Body body) {
  auto finished = std::async(std::launch::async, body);
  if (finished.wait_for(limit) == std::future_status::ready) {
    finished.get();
    return;
  }
  std::fprintf(stderr, "%s: not finished after %lld s (deadlock)\n", what, static_cast<long long>(limit.count()));
  std::abort();
}

// Waits until `count` reaches `target` or `limit` passes; the largest count seen.
int wait_for_count(const std::atomic<int>& count, int target, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (count.load() < target && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
  return count.load();
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_task_runs_once) {
  for (int threads : {0, 1, 2, 3, 8})
    for (std::size_t count : {0, 1, 2, 7, 100, 1000}) {
      std::vector<std::atomic<int>> runs(count);
      parallel_for(count, threads, [&](std::size_t i) { ++runs[i]; });
      for (std::size_t i = 0; i < count; ++i)
        BOOST_TEST_REQUIRE(runs[i].load() == 1, "threads " << threads << " count " << count << " task " << i);
    }
}

BOOST_AUTO_TEST_CASE(one_thread_is_the_calling_thread) {
  const auto caller = std::this_thread::get_id();
  int elsewhere = 0;
  parallel_for(50, 1, [&](std::size_t) { elsewhere += std::this_thread::get_id() != caller; });
  BOOST_TEST(elsewhere == 0);
  BOOST_TEST(!on_pool_thread());
}

BOOST_AUTO_TEST_CASE(as_many_threads_at_once_as_asked) {
  // Each task waits for all of them to have begun: they finish only if `threads` run at once,
  // more than the machine's cores if asked (a sweep's --threads).
  within(120s, "five tasks on five threads", [] {
    for (int threads : {2, 5}) {
      std::atomic<int> begun{0}, most{0};
      parallel_for(std::size_t(threads), threads, [&](std::size_t) {
        ++begun;
        int seen = wait_for_count(begun, threads, 30s);
        for (int m = most.load(); seen > m && !most.compare_exchange_weak(m, seen);) {
        }
      });
      BOOST_TEST(most.load() == threads);
      BOOST_TEST(pool_workers() >= threads - 1);
    }
  });
}

BOOST_AUTO_TEST_CASE(tasks_on_the_pool_know_it) {
  std::atomic<int> on_pool{0}, total{0};
  parallel_for(64, 3, [&](std::size_t) {
    ++total;
    if (on_pool_thread()) ++on_pool;
    std::this_thread::sleep_for(1ms);
  });
  BOOST_TEST(total.load() == 64);
  BOOST_TEST(on_pool.load() < 64);  // the caller took some
}

BOOST_AUTO_TEST_CASE(the_first_exception_is_rethrown_and_the_pool_still_works) {
  // Tasks after 5 wait until it has thrown, and a while longer: those begun after the pool has
  // seen the exception are skipped.
  std::atomic<int> ran{0};
  std::atomic<bool> thrown{false};
  BOOST_CHECK_THROW(parallel_for(1000, 3,
                                 [&](std::size_t i) {
                                   ++ran;
                                   if (i == 5) {
                                     thrown = true;
                                     throw std::runtime_error("task 5");
                                   }
                                   if (i > 5) {
                                     while (!thrown) std::this_thread::yield();
                                     std::this_thread::sleep_for(20ms);
                                   }
                                 }),
                    std::runtime_error);
  BOOST_TEST(ran.load() < 1000);
  BOOST_CHECK_THROW(parallel_for(1, 3, [](std::size_t) { throw std::logic_error("alone"); }), std::logic_error);
  std::atomic<int> after{0};
  parallel_for(100, 3, [&](std::size_t) { ++after; });
  BOOST_TEST(after.load() == 100);
}

BOOST_AUTO_TEST_CASE(a_parallel_for_inside_a_task_on_the_pool_does_not_deadlock) {
  // Every worker busy with an outer task that itself asks the pool for more threads: the inner
  // calls cannot count on any worker, and their callers run their tasks themselves.
  within(120s, "nested parallel_for", [] {
    for (int outer_threads : {2, 3, 8}) {
      std::atomic<long> sum{0};
      parallel_for(16, outer_threads, [&](std::size_t i) {
        parallel_for(32, 4, [&](std::size_t j) {
          parallel_for(4, 2, [&](std::size_t k) { sum += long(i * 1000 + j * 10 + k); });
        });
      });
      long expected = 0;
      for (long i = 0; i < 16; ++i)
        for (long j = 0; j < 32; ++j)
          for (long k = 0; k < 4; ++k) expected += i * 1000 + j * 10 + k;
      BOOST_TEST(sum.load() == expected, "outer threads " << outer_threads);
    }
  });
}

BOOST_AUTO_TEST_CASE(split_products_in_tasks_on_the_pool_give_the_same_bits) {
  // As a sweep cell on the pool whose flow splits its products over two threads: every worker
  // is busy with such a cell, and the products are those of one thread, bit for bit.
  const Eigen::Index rows = 301, cols = 2053;
  BOOST_TEST_REQUIRE(matvec_parts(rows, cols) > 1);
  std::srand(17);
  const Matrix A = Matrix::Random(rows, cols);
  const Vector x = Vector::Random(cols), r = Vector::Random(rows);
  Vector ax1(rows), atr1(cols);
  {
    const MatvecThreadsScope one(1);
    matvec(A, x, ax1);
    matvec_transpose(A, r, atr1);
  }
  within(120s, "split products on the pool", [&] {
    std::atomic<int> mismatches{0};
    parallel_for(12, 3, [&](std::size_t) {
      const MatvecThreadsScope two(2);
      Vector ax(rows), atr(cols);
      for (int rep = 0; rep < 20; ++rep) {
        matvec(A, x, ax);
        matvec_transpose(A, r, atr);
        if (!(ax.array() == ax1.array()).all() || !(atr.array() == atr1.array()).all()) ++mismatches;
      }
    });
    BOOST_TEST(mismatches.load() == 0);
  });
}

BOOST_AUTO_TEST_CASE(a_forked_child_makes_its_own_pool) {
  // The benchmark forks a child per row after its parent has used the pool: the child has none
  // of the parent's workers, and must neither wait for them nor hand them work.
  std::atomic<int> warm{0};
  parallel_for(100, 3, [&](std::size_t) { ++warm; });
  BOOST_TEST_REQUIRE(pool_workers() >= 2);
  const pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    const bool fresh = pool_workers() == 0;
    std::atomic<int> runs{0};
    parallel_for(1000, 3, [&](std::size_t) { ++runs; });
    std::srand(19);
    const Matrix A = Matrix::Random(301, 2053);
    const Vector x = Vector::Random(2053);
    Vector one(301), two(301);
    {
      const MatvecThreadsScope scope(1);
      matvec(A, x, one);
    }
    {
      const MatvecThreadsScope scope(2);
      matvec(A, x, two);
    }
    const bool ok = fresh && runs.load() == 1000 && pool_workers() >= 2 && (one.array() == two.array()).all();
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  pid_t waited = 0;
  for (int ms = 0; ms < 60000 && (waited = ::waitpid(child, &status, WNOHANG)) == 0; ms += 10)
    std::this_thread::sleep_for(10ms);
  if (waited == 0) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
    BOOST_FAIL("the forked child did not finish within 60 s");
  }
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  // And the parent's pool still works.
  std::atomic<int> after{0};
  parallel_for(100, 3, [&](std::size_t) { ++after; });
  BOOST_TEST(after.load() == 100);
}

BOOST_AUTO_TEST_CASE(a_warm_parallel_for_does_not_allocate) {
  std::vector<double> out(8);
  auto task = [&](std::size_t i) { out[i] = double(i) * 2; };
  for (int threads : {2, 3}) {
    parallel_for(out.size(), threads, task);  // warm: the pool and its spare batches
    const long before = allocations.load();
    for (int rep = 0; rep < 200; ++rep) parallel_for(out.size(), threads, task);
    BOOST_TEST(allocations.load() == before, "threads " << threads);
  }
}
