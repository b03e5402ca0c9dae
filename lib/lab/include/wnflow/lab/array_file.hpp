#pragma once
// A matrix or vector from a file in either input format: NumPy's .npy when the file starts
// with its magic string, CSV otherwise (npy.hpp and csv.hpp say what each accepts). The
// content decides, not the name, so that "A.dat" written by np.save reads as what it is.
#include <string>

#include <wnflow/model/network.hpp>

namespace wnflow {

Matrix read_matrix_file(const std::string& path, const std::string& label = "matrix");
Vector read_vector_file(const std::string& path, const std::string& label = "vector");

}  // namespace wnflow
