# The instruction set of the build (WNFLOW_SIMD), in the manner of GROMACS' GMX_SIMD:
#   AUTO     (default) the widest of the sets below that the build machine runs, detected here
#   AVX2_256 AVX2 and FMA (x86-64 from 2013 on: Haswell, Zen): Eigen's kernels use 256-bit FMA
#   SSE4.1   128-bit, no FMA
#   SSE2     the x86-64 baseline: a portable binary that runs on any x86-64
#   NONE     no instruction-set flags at all (the compiler's default target; non-x86 machines)
# AVX-512 is not offered: it bought 1-2 % over AVX2 on the bench grids, and Valgrind cannot run it.
# The result is WNFLOW_SIMD_FLAGS (compile options, part of wnflow::model's interface) and
# WNFLOW_SIMD_NAME (what `wnflow --version` prints).
set(WNFLOW_SIMD "AUTO" CACHE STRING "Instruction set: AUTO, AVX2_256, SSE4.1, SSE2 (portable x86-64) or NONE")
set_property(CACHE WNFLOW_SIMD PROPERTY STRINGS AUTO AVX2_256 SSE4.1 SSE2 NONE)

set(_wnflow_simd ${WNFLOW_SIMD})
if(_wnflow_simd STREQUAL "AUTO")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
    # Ask the build machine's CPU, not the compiler's default target.
    try_run(_wnflow_simd_run _wnflow_simd_compiled ${CMAKE_BINARY_DIR}/simd_probe
            ${CMAKE_CURRENT_LIST_DIR}/simd_probe.cpp RUN_OUTPUT_VARIABLE _wnflow_simd_probe)
    if(_wnflow_simd_compiled AND _wnflow_simd_run EQUAL 0)
      string(STRIP "${_wnflow_simd_probe}" _wnflow_simd)
    else()
      set(_wnflow_simd "SSE2")
    endif()
  else()
    set(_wnflow_simd "NONE")
  endif()
endif()

if(_wnflow_simd STREQUAL "AVX2_256")
  set(WNFLOW_SIMD_FLAGS -mavx2 -mfma)
elseif(_wnflow_simd STREQUAL "SSE4.1")
  set(WNFLOW_SIMD_FLAGS -msse4.1)
elseif(_wnflow_simd STREQUAL "SSE2" OR _wnflow_simd STREQUAL "NONE")
  set(WNFLOW_SIMD_FLAGS)
else()
  message(FATAL_ERROR "WNFLOW_SIMD=${WNFLOW_SIMD}: expected AUTO, AVX2_256, SSE4.1, SSE2 or NONE")
endif()
set(WNFLOW_SIMD_NAME ${_wnflow_simd})
if(WNFLOW_SIMD STREQUAL "AUTO")
  message(STATUS "wnflow: SIMD instruction set ${WNFLOW_SIMD_NAME} (detected; -DWNFLOW_SIMD=SSE2 builds a portable binary)")
else()
  message(STATUS "wnflow: SIMD instruction set ${WNFLOW_SIMD_NAME}")
endif()
