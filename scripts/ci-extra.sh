#!/usr/bin/env bash
# The reliability half of CI (docs/reliability.md), run by .ci/run after
# scripts/test.sh:
#   1. the whole test suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer
#      (build-asan/; every finding is fatal);
#   2. the libFuzzer targets under fuzz/ (clang), each for a bounded time on its committed
#      seed corpus (build-fuzz/; the corpus in the tree is not modified);
#   3. cppcheck on lib/, failing on any finding.
# Environment: WNFLOW_FUZZ_SECONDS (default 60) per fuzz target; WNFLOW_EXTRA_STEPS (default
# "asan fuzz cppcheck") to run a subset.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${WNFLOW_FUZZ_SECONDS:-60}
steps=${WNFLOW_EXTRA_STEPS:-asan fuzz cppcheck}
jobs=$(nproc)
stamp() { echo "=== ci-extra: $* ($(date -u +%H:%M:%S))"; }

# --- packages: the project's, plus clang with libFuzzer and cppcheck (CI only) ---------------
bash scripts/install-deps.sh clang libclang-rt-14-dev cppcheck

# -O1 keeps the instrumented builds quick to compile and run; -g1 gives file:line in reports;
# no -DNDEBUG, so Eigen's and uBLAS's bounds assertions are live too. BOOST_UBLAS_TYPE_CHECK=0
# turns off only uBLAS's self-verification, which without NDEBUG recomputes every LU
# factorization and substitution of Odeint's rosenbrock4 with dense products to check uBLAS
# itself: it made test_rosenbrock take 848 s and test_flows 204 s under ASan (2 s and 0.3 s in
# Release), half of the sanitized suite, without checking any code of ours.
instrumented_flags="-O1 -g1 -DBOOST_UBLAS_TYPE_CHECK=0"

# --- 1. ASan + UBSan: the whole ctest suite -------------------------------------------------
# Built for the portable instruction set (WNFLOW_SIMD=SSE2), while scripts/test.sh builds for
# the detected one: the suite passes with both. Without the Python module: an ASan-instrumented
# extension cannot be loaded into Debian's uninstrumented python3 without LD_PRELOAD of libasan,
# and the module's code is the library's, which this suite covers. Without MPI: Open MPI keeps
# its start-up allocations past MPI_Finalize, which LeakSanitizer reports as leaks in libraries
# that are not ours; the sweep engine that MPI drives is sanitized through tests/lab/test_sweep's
# runners, and the MPI tests run in the Release suite (docs/reliability.md).
if [[ " $steps " == *" asan "* ]]; then
  stamp "ASan+UBSan build (SIMD SSE2)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="$instrumented_flags" \
    -DWNFLOW_SANITIZE=ON -DWNFLOW_SIMD=SSE2 -DWNFLOW_PYTHON=OFF -DWNFLOW_MPI=OFF >/dev/null
  cmake --build build-asan -j "$jobs"
  stamp "ASan+UBSan ctest"
  # Leak checking stays on; Clp is not instrumented, so only our code is checked for UB.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j "$jobs")
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

# --- 2. libFuzzer: bounded runs on the committed seed corpora -------------------------------
if [[ " $steps " == *" fuzz "* ]]; then
  stamp "fuzz build (clang)"
  cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Fuzz \
    -DCMAKE_CXX_FLAGS_FUZZ="$instrumented_flags" -DWNFLOW_FUZZ=ON -DWNFLOW_BUILD_TESTS=OFF -DWNFLOW_PYTHON=OFF -DWNFLOW_MPI=OFF >/dev/null
  targets=()
  for src in fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
  # Build fuzz_csv first: it needs csv.cpp only; fuzz_config needs the instrumented library.
  cmake --build build-fuzz -j "$jobs" --target "${targets[@]}"
  for t in "${targets[@]}"; do
    stamp "fuzz $t for ${fuzz_seconds}s"
    work=build-fuzz/corpus-$t
    rm -rf "$work" && mkdir -p "$work"
    # New inputs go to the scratch corpus; the committed seeds are read only.
    (cd build-fuzz && ./"$t" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="./crash-$t-" "corpus-$t" "../fuzz/corpus/$t") \
      >"build-fuzz/$t.log" 2>&1 || { tail -n 60 "build-fuzz/$t.log"; echo "ci-extra: $t found a failure"; exit 1; }
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added" "build-fuzz/$t.log" |
      sed "s/^/  $t /"
  done
fi

# --- 3. cppcheck on lib/ --------------------------------------------------------------------
if [[ " $steps " == *" cppcheck "* ]]; then
  stamp "cppcheck lib/"
  # Suppressions, each with its reason, live in scripts/cppcheck-suppressions.txt.
  cppcheck --std=c++17 --language=c++ --enable=warning,performance,portability --inline-suppr \
    --suppressions-list=scripts/cppcheck-suppressions.txt --error-exitcode=1 --quiet -j "$jobs" \
    -I lib/model/include -I lib/solve/include -I lib/lab/include lib/model lib/solve lib/lab
fi
stamp "done"
