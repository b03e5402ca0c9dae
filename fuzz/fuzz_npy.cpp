// libFuzzer target for the .npy readers (lib/src/npy.cpp, through the in-memory entry points
// the file readers share). Properties checked on every input, each one a crash when violated:
//   - the only exception is InputError, and its message is one non-empty line that names
//     the input's label;
//   - an accepted matrix is non-empty and finite, and the vector reader agrees with it;
//   - an accepted matrix written by npy_bytes reads back bit-exactly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <wnflow/errors.hpp>
#include <wnflow/npy.hpp>

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_npy: property violated: %s\n", what);
    std::abort();
  }
}

void check_message(const wnflow::InputError& e) {
  const std::string m = e.what();
  require(!m.empty(), "empty message");
  require(m.find('\n') == std::string::npos, "message spans more than one line");
  require(m.rfind("A", 0) == 0, "message does not start with the label");
  require(m.size() < 400, "message longer than 400 characters");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  wnflow::Matrix m;
  bool matrix_ok = false;
  try {
    m = wnflow::parse_matrix_npy(bytes, "A");
    matrix_ok = true;
  } catch (const wnflow::InputError& e) {
    check_message(e);
  }
  if (matrix_ok) {
    require(m.rows() > 0 && m.cols() > 0, "accepted an empty matrix");
    require(m.allFinite(), "accepted a non-finite entry");
    const wnflow::Matrix back = wnflow::parse_matrix_npy(wnflow::npy_bytes(m), "A");
    require(back.rows() == m.rows() && back.cols() == m.cols(), "round trip changed the shape");
    require(std::memcmp(back.data(), m.data(), sizeof(double) * std::size_t(m.size())) == 0,
            "round trip changed a value");
  }
  try {
    const wnflow::Vector v = wnflow::parse_vector_npy(bytes, "A");
    require(matrix_ok, "the vector reader accepted what the matrix reader refused");
    require(m.rows() == 1 || m.cols() == 1, "the vector reader flattened a table");
    require(v.size() == m.size(), "the vector reader lost entries");
  } catch (const wnflow::InputError& e) {
    check_message(e);
    require(!matrix_ok || (m.rows() > 1 && m.cols() > 1), "the vector reader refused a row or a column");
  }
  return 0;
}
