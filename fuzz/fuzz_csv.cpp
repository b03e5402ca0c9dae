// libFuzzer target for the CSV readers (lib/src/csv.cpp, through the in-memory entry points
// the file readers use), with the properties of table_reader_properties.hpp; the round trip
// writes the shortest round-trip form of every entry.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <wnflow/lab/csv.hpp>

#include "table_reader_properties.hpp"

namespace {

// The shortest text that reads back as each entry, rows on lines.
std::string format(const wnflow::Matrix& m) {
  std::string out;
  char buffer[32];
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (j > 0) out.push_back(',');
      const auto r = std::to_chars(buffer, buffer + sizeof buffer, m(i, j));
      out.append(buffer, r.ptr);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::check_reader(
      text, "fuzz_csv", [](std::string_view t, const char* label) { return wnflow::parse_matrix_csv(t, label); },
      [](std::string_view t, const char* label) { return wnflow::parse_vector_csv(t, label); }, format);
  return 0;
}
