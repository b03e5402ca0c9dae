// Prints the widest instruction set of cmake/simd.cmake that this CPU runs.
#include <cstdio>

int main() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) std::puts("AVX2_256");
  else if (__builtin_cpu_supports("sse4.1")) std::puts("SSE4.1");
  else std::puts("SSE2");
}
