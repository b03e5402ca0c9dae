#pragma once
// What the CSV and .npy readers and writers share: how a message names its input, and the
// writers' refusal of data their readers would reject.
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include <wnflow/model/detail/finite.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/network.hpp>

namespace wnflow::detail {

// "A file 'A.csv'": every message starts by saying which input is at fault.
inline std::string file_source(const std::string& label, const std::string& path) {
  return label + " file '" + path + "'";
}

// A file opened for reading, once: a FIFO cannot be opened a second time after a look at its
// first byte (array_file.cpp decides the format by that byte).
struct InputFile {
  std::ifstream in;
  std::string source;       // file_source(label, path)
  bool regular = false;     // a regular file, whose size is known
  std::uint64_t size = 0;   // its size in bytes

  InputFile(const std::string& path, const std::string& label) : source(file_source(label, path)) {
    errno = 0;
    in.open(path, std::ios::binary);
    if (!in) {
      const int err = errno;
      throw InputError("cannot open " + source + (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      regular = true;
      size = static_cast<std::uint64_t>(info.st_size);
    }
  }
};

// The readers on an opened file (csv.cpp, npy.cpp).
Matrix csv_matrix(InputFile& file);
Vector csv_vector(InputFile& file);
Matrix npy_matrix(InputFile& file);
Vector npy_vector(InputFile& file);

// Writers refuse what no reader accepts, so that every file written reads back.
inline void require_writable(const std::string& path, const Eigen::Ref<const Matrix>& m) {
  if (m.size() == 0) throw InputError("refusing to write an empty matrix to '" + path + "'");
  const auto [i, j] = first_non_finite(m);
  if (i >= 0)
    throw InputError("refusing to write a non-finite value (row " + std::to_string(i + 1) + ", column " +
                     std::to_string(j + 1) + ") to '" + path + "': the file could not be read back");
}

}  // namespace wnflow::detail
