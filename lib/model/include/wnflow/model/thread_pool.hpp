#pragma once
// The process's worker threads, shared by everything in wnflow that runs work side by side:
// the split products with A (matvec.hpp), the cells of a sweep and the cases of verify (lab).
// The threads are one Boost.Asio thread_pool, made at first use with as many workers as the
// first caller needs (at least one per hardware thread but one), and replaced by a larger one
// when a caller asks for more.
//
// parallel_for is the one way in. The calling thread always takes part: it takes tasks from the
// same counter as the pool's workers, and waits only for tasks a worker has begun. A worker that
// starts late (the pool busy with other work, or the caller itself one of its workers) finds no
// task left. So a parallel_for called from a task that runs on the pool (a sweep cell whose flow
// splits its products) cannot deadlock: at worst the caller runs every task itself.
//
// A worker that finishes its tasks polls briefly for the next parallel_for before it returns to
// the pool: within a flow the split products come back to back, and a hand-over to a polling
// worker costs far less than waking a sleeping one.
//
// A child forked by a process that has the pool (the benchmark runs each row in one) has none of
// its parent's workers: it leaves the parent's pool untouched and makes its own at first use.
#include <cstddef>

namespace wnflow {

// Runs task(context, 0), ..., task(context, count − 1), each once, on the calling thread and up
// to `threads − 1` of the pool's workers (threads <= 1 or count <= 1: on the calling thread
// alone, without the pool), and returns when every task has returned. Tasks must not depend on
// which thread runs them or in which order. If tasks throw, the tasks not yet begun are skipped
// and the first exception is rethrown here once the begun ones have returned. After the pool
// exists, a call allocates nothing unless a task throws or it needs more workers than ever.
void parallel_for(std::size_t count, int threads, void (*task)(const void* context, std::size_t i),
                  const void* context);
template <class Task>
void parallel_for(std::size_t count, int threads, const Task& task) {
  parallel_for(count, threads, [](const void* c, std::size_t i) { (*static_cast<const Task*>(c))(i); }, &task);
}

// Whether the calling thread is one of the pool's workers, running a task.
bool on_pool_thread();

// The number of workers of this process's pool (0 before the first parallel_for that needs one).
int pool_workers();

}  // namespace wnflow
