// libFuzzer target for the .npy readers (lib/src/npy.cpp, through the in-memory entry points
// the file readers share), with the properties of table_reader_properties.hpp; the round trip
// goes through npy_bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <wnflow/lab/npy.hpp>

#include "table_reader_properties.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::check_reader(
      bytes, "fuzz_npy", [](std::string_view b, const char* label) { return wnflow::parse_matrix_npy(b, label); },
      [](std::string_view b, const char* label) { return wnflow::parse_vector_npy(b, label); },
      [](const wnflow::Matrix& m) { return wnflow::npy_bytes(m); });
  return 0;
}
