#pragma once
// NumPy's .npy format for matrices and vectors: what np.save writes and np.load reads.
//
// A researcher's A and y usually live in NumPy already; .npy hands them over exactly and
// without a decimal parse (at N = 400 parsing A's text was 70 % of a `wnflow run` start-up).
//
// Accepted (format versions 1.0, 2.0 and 3.0):
//   - dtype float64 or float32, either byte order ('<f8', '>f8', '=f8', '<f4', ...), and the
//     signed integers int32 and int64 (np.save of an integer y); every value is converted
//     exactly to double, and an integer beyond 2^53 (not exactly a double) is rejected;
//   - C or Fortran order; shape (m, n) for a matrix, (n,) for a vector (a matrix of one row
//     or one column is accepted as a vector, as in the CSV reader; (n,) as a 1 x n matrix).
// Rejected, each with a one-line InputError naming the label and the file: a missing or
// unreadable file, a bad magic string or version, a header that is not the dict np.save
// writes (keys 'descr', 'fortran_order', 'shape', nothing else), any other dtype (complex,
// bool, object, structured, float16), a 0-d or 3-d or empty array, data shorter or longer
// than the shape says, and NaN or infinite entries (the message gives the first one's
// position).
//
// Writing emits '<f8' in Fortran order (Eigen's column-major storage: one straight copy),
// version 1.0 with the header padded to 64 bytes as np.save does, through
// write_file_atomically. Writers refuse non-finite and empty data, so every file they
// produce is accepted by the readers and by np.load.
#include <string>
#include <string_view>

#include <wnflow/model/network.hpp>

namespace wnflow {

// The six bytes every .npy file starts with: "\x93NUMPY".
bool has_npy_magic(std::string_view first_bytes);

Matrix read_matrix_npy(const std::string& path, const std::string& label = "matrix");
Vector read_vector_npy(const std::string& path, const std::string& label = "vector");

// The same readers on bytes already in memory (the fuzz target calls these); messages name
// `label` instead of a file.
Matrix parse_matrix_npy(std::string_view bytes, const std::string& label = "matrix");
Vector parse_vector_npy(std::string_view bytes, const std::string& label = "vector");

// The bytes of a .npy file of m: '<f8', Fortran order, shape (rows, cols), or (n,) when
// `vector` (np.load then gives a 1-d array). Any values, non-finite ones included.
std::string npy_bytes(const Eigen::Ref<const Matrix>& m, bool vector = false);

void write_matrix_npy(const std::string& path, const Eigen::Ref<const Matrix>& m);
// Shape (n,): np.load gives back a 1-d array.
void write_vector_npy(const std::string& path, const Eigen::Ref<const Vector>& v);

}  // namespace wnflow
