#pragma once
// Counts every heap allocation made through operator new in the test executable that
// includes it (include it in exactly one translation unit: it replaces the global operators).
//
// The whole replaceable family (plain, array, nothrow; and their deletes, sized or not) is
// replaced, all on malloc/free: a partial replacement pairs one side with another allocator.
// AddressSanitizer found that (alloc-dealloc-mismatch): std::stable_sort takes its buffer from
// the nothrow operator new, which was ASan's, and returned it through the replaced sized
// operator delete, i.e. free. (libstdc++'s own nothrow and array forms call operator new(size_t),
// so without ASan they were counted already; the count is the same.) The aligned forms are
// left alone: they pair with each other, and libstdc++ does not route them through these.
#include <atomic>
#include <cstdlib>
#include <new>

inline std::atomic<long> allocations{0};

namespace allocation_counter_detail {
inline void* allocate(std::size_t n) noexcept {
  ++allocations;
  return std::malloc(n ? n : 1);
}
}  // namespace allocation_counter_detail

// GCC 12 takes free() in a replacement operator delete for a mismatch with operator new
// (-Wmismatched-new-delete) when it inlines both: these operators do pair malloc with free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  if (void* p = allocation_counter_detail::allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = allocation_counter_detail::allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return allocation_counter_detail::allocate(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return allocation_counter_detail::allocate(n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

namespace wnflow::testing {

// Allocations made by integrate() for a run of exactly `steps` steps of the stepper in `o`
// (stopped by max_steps: loss stop off, no observation inside the run), checked to stop so.
template <class Flow>
long integrate_allocations(Flow& flow, wnflow::IntegrateOptions o, long steps) {
  o.loss_tol = 0.0;
  o.t_max = 1e300;
  o.first_sample = 1e299;
  o.max_steps = steps;
  wnflow::Vector state = flow.initial_state();
  const long before = allocations.load();
  const wnflow::IntegrateSummary s = wnflow::integrate(flow, state, o);
  const long used = allocations.load() - before;
  BOOST_TEST(to_string(s.stop_reason) == "max_steps");
  BOOST_TEST(s.steps == steps);
  return used;
}

// The stepper of `o` allocates nothing per step: on GF, polar WN and classic WN, P± and P+
// (N = 40, M = 14, L = 3; P± takes the Woodbury path of the stiff solvers, P+ WN with rank
// 17 > n/3 the dense one), 300 steps allocate what 100 do. Runs of 10 and 100 steps first:
// they size the flows' scratch vectors and Gram matrix, once per flow.
inline void check_no_allocation_per_step(const IntegrateOptions& o, int depth = 3) {
  for (Sign sign : {Sign::signed_, Sign::positive}) {
    const Problem p = random_instance({40, 14, 2, 3, sign});
    const DiagonalNetwork net(p, sign, depth);
    GradientFlow gf(net, 0.2);
    WeightNormFlow wn(net, 0.2, WeightNormRates::from_ratio(0.3, initial_radius(net, 0.2)));
    ClassicWeightNormFlow classic(net, 0.2, 1.0);
    BOOST_TEST_CONTEXT(to_string(o.stepper) << " " << to_string(sign) << " L=" << depth) {
      for (long steps : {10, 100}) {
        integrate_allocations(gf, o, steps);
        integrate_allocations(wn, o, steps);
        integrate_allocations(classic, o, steps);
      }
      BOOST_TEST(integrate_allocations(gf, o, 300) == integrate_allocations(gf, o, 100));
      BOOST_TEST(integrate_allocations(wn, o, 300) == integrate_allocations(wn, o, 100));
      BOOST_TEST(integrate_allocations(classic, o, 300) == integrate_allocations(classic, o, 100));
    }
  }
}

}  // namespace wnflow::testing
