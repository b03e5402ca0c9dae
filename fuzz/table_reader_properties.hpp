#pragma once
// The properties every matrix/vector file reader must hold on any input (fuzz_csv, fuzz_npy),
// each one a crash when violated:
//   - the only exception is InputError, and its message is one non-empty line under 400
//     characters that starts with the input's label ("A");
//   - an accepted matrix is non-empty and finite, and what the writer makes of it reads back
//     bit-exactly;
//   - the vector reader accepts exactly the rows and columns the matrix reader accepts.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <wnflow/model/errors.hpp>
#include <wnflow/model/network.hpp>

namespace fuzz {

inline void require(bool ok, const char* target, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "%s: property violated: %s\n", target, what);
    std::abort();
  }
}

inline void check_message(const wnflow::InputError& e, const char* target) {
  const std::string m = e.what();
  require(!m.empty(), target, "empty message");
  require(m.find('\n') == std::string::npos, target, "message spans more than one line");
  require(m.rfind("A", 0) == 0, target, "message does not start with the label");
  require(m.size() < 400, target, "message longer than 400 characters");
}

// parse_matrix(input, "A"), parse_vector(input, "A"), and write(m) -> the input form of m.
template <class ParseMatrix, class ParseVector, class Write>
void check_reader(std::string_view input, const char* target, ParseMatrix parse_matrix, ParseVector parse_vector,
                  Write write) {
  wnflow::Matrix m;
  bool matrix_ok = false;
  try {
    m = parse_matrix(input, "A");
    matrix_ok = true;
  } catch (const wnflow::InputError& e) {
    check_message(e, target);
  }
  if (matrix_ok) {
    require(m.rows() > 0 && m.cols() > 0, target, "accepted an empty matrix");
    require(m.allFinite(), target, "accepted a non-finite entry");
    const wnflow::Matrix back = parse_matrix(write(m), "A");
    require(back.rows() == m.rows() && back.cols() == m.cols(), target, "round trip changed the shape");
    require(std::memcmp(back.data(), m.data(), sizeof(double) * std::size_t(m.size())) == 0, target,
            "round trip changed a value");
  }
  try {
    const wnflow::Vector v = parse_vector(input, "A");
    require(matrix_ok, target, "the vector reader accepted what the matrix reader refused");
    require(m.rows() == 1 || m.cols() == 1, target, "the vector reader flattened a table");
    require(v.size() == m.size(), target, "the vector reader lost entries");
  } catch (const wnflow::InputError& e) {
    check_message(e, target);
    require(!matrix_ok || (m.rows() > 1 && m.cols() > 1), target, "the vector reader refused a row or a column");
  }
}

}  // namespace fuzz
