#include <wnflow/lab/array_file.hpp>

#include <wnflow/lab/csv.hpp>
#include <wnflow/lab/npy.hpp>

#include "array_io_support.hpp"

namespace wnflow {
namespace {

// .npy starts with the byte 0x93, which no CSV file does (a number, a sign, a point, blank
// space or a UTF-8 byte-order mark come first). One byte of look-ahead decides without
// consuming anything, so a FIFO is opened and read once.
bool looks_like_npy(detail::InputFile& file) { return file.in.peek() == 0x93; }

}  // namespace

Matrix read_matrix_file(const std::string& path, const std::string& label) {
  detail::InputFile file(path, label);
  return looks_like_npy(file) ? detail::npy_matrix(file) : detail::csv_matrix(file);
}

Vector read_vector_file(const std::string& path, const std::string& label) {
  detail::InputFile file(path, label);
  return looks_like_npy(file) ? detail::npy_vector(file) : detail::csv_vector(file);
}

}  // namespace wnflow
