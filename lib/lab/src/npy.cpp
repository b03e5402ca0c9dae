#include <wnflow/lab/npy.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <wnflow/lab/csv.hpp>  // write_file_atomically
#include <wnflow/model/detail/finite.hpp>
#include <wnflow/model/errors.hpp>

#include "array_io_support.hpp"

namespace wnflow {
namespace {

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .npy reader and writer assume a little-endian host"
#endif

constexpr std::string_view magic("\x93NUMPY", 6);
constexpr std::size_t max_header_bytes = std::size_t(1) << 16;
// A stream (FIFO) has no size to check the shape against before allocating: cap it.
constexpr std::uint64_t max_stream_data_bytes = std::uint64_t(1) << 30;
// Converted a slab at a time, so that a C-order or non-float64 array needs no second copy; a
// small slab is reused while in cache, and a process faults in fewer fresh pages for it.
constexpr std::size_t slab_bytes = std::size_t(1) << 16;

// Bytes from a file or from memory, read front to back.
class Source {
 public:
  virtual ~Source() = default;
  // Up to n bytes into dst; fewer only at the end. Throws InputError on a read error.
  virtual std::size_t read(char* dst, std::size_t n) = 0;
  // Bytes left, when known (a regular file, memory).
  virtual bool size_known() const = 0;
  virtual std::uint64_t remaining() const = 0;
  const std::string& name() const { return name_; }

 protected:
  explicit Source(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

class MemorySource final : public Source {
 public:
  MemorySource(std::string_view bytes, const std::string& label) : Source(label), bytes_(bytes) {}
  std::size_t read(char* dst, std::size_t n) override {
    const std::size_t k = std::min(n, bytes_.size() - pos_);
    std::memcpy(dst, bytes_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  bool size_known() const override { return true; }
  std::uint64_t remaining() const override { return bytes_.size() - pos_; }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

class FileSource final : public Source {
 public:
  explicit FileSource(detail::InputFile& file)
      : Source(file.source), in_(file.in), known_(file.regular), left_(file.size) {}
  std::size_t read(char* dst, std::size_t n) override {
    in_.read(dst, static_cast<std::streamsize>(n));
    const auto got = static_cast<std::size_t>(in_.gcount());
    // A directory opens fine on Linux and only fails on read.
    if (in_.bad()) throw InputError("cannot read " + name());
    left_ -= std::min<std::uint64_t>(left_, got);
    return got;
  }
  bool size_known() const override { return known_; }
  std::uint64_t remaining() const override { return left_; }

 private:
  std::ifstream& in_;
  bool known_;
  std::uint64_t left_;
};

struct Header {
  char kind = 'f';          // 'f' float, 'i' signed integer
  std::size_t bytes = 8;    // per element
  bool swap = false;        // big-endian data
  bool fortran = false;     // column-major data
  std::vector<std::uint64_t> shape;
  std::string descr;
};

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// The Python dict literal np.save writes: {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& source) : t_(text), source_(source) {}

  Header parse() {
    Header h;
    bool have_descr = false, have_order = false, have_shape = false;
    skip_space();
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr" && !have_descr) {
        h.descr = string_literal();
        have_descr = true;
      } else if (key == "fortran_order" && !have_order) {
        h.fortran = boolean();
        have_order = true;
      } else if (key == "shape" && !have_shape) {
        h.shape = tuple();
        have_shape = true;
      } else {
        fail(have_descr || have_order || have_shape ? "repeats or adds the key '" + key + "'"
                                                    : "has the unexpected key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}' at byte " + std::to_string(pos_ + 1));
    }
    ++pos_;
    for (; pos_ < t_.size(); ++pos_)
      if (t_[pos_] != ' ' && t_[pos_] != '\n') fail("has text after the closing '}'");
    if (!have_descr || !have_order || !have_shape)
      fail("lacks the key '" + std::string(!have_descr ? "descr" : !have_order ? "fortran_order" : "shape") + "'");
    set_dtype(h);
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(source_ + ": the .npy header " + what);
  }
  char peek() const { return pos_ < t_.size() ? t_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\n')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "' at byte " + std::to_string(pos_ + 1));
    ++pos_;
  }
  std::string string_literal() {
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string at byte " + std::to_string(pos_ + 1));
    const std::size_t end = t_.find(q, pos_ + 1);
    if (end == std::string_view::npos || end - pos_ > 40) fail("has an unterminated or overlong string");
    std::string s(t_.substr(pos_ + 1, end - pos_ - 1));
    // Messages quote it: one line.
    if (s.find('\n') != std::string::npos) fail("has a line break inside a string");
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    if (t_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (t_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("gives 'fortran_order' neither True nor False");
  }
  std::uint64_t integer() {
    const std::size_t start = pos_;
    std::uint64_t v = 0;
    while (pos_ < t_.size() && t_[pos_] >= '0' && t_[pos_] <= '9') {
      if (v > (std::numeric_limits<std::uint64_t>::max() >> 4)) fail("has a dimension too large to hold");
      v = 10 * v + std::uint64_t(t_[pos_] - '0');
      ++pos_;
    }
    if (pos_ == start) fail("expected a dimension at byte " + std::to_string(pos_ + 1));
    return v;
  }
  std::vector<std::uint64_t> tuple() {
    std::vector<std::uint64_t> dims;
    expect('(');
    skip_space();
    while (peek() != ')') {
      if (dims.size() == 32) fail("has a shape of more than 32 dimensions");
      dims.push_back(integer());
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
      } else if (peek() != ')') {
        fail("expected ',' or ')' in 'shape' at byte " + std::to_string(pos_ + 1));
      }
    }
    ++pos_;
    return dims;
  }
  void set_dtype(Header& h) const {
    const std::string& d = h.descr;
    const bool ok = d.size() == 3 && (d[0] == '<' || d[0] == '>' || d[0] == '=') &&
                    ((d[1] == 'f' && (d[2] == '8' || d[2] == '4')) || (d[1] == 'i' && (d[2] == '8' || d[2] == '4')));
    if (!ok)
      throw InputError(source_ + " holds dtype '" + d + "'; expected float64, float32, int64 or int32");
    h.swap = d[0] == '>';
    h.kind = d[1];
    h.bytes = std::size_t(d[2] - '0');
  }

  std::string_view t_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

std::uint32_t little_endian(const unsigned char* p, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t k = n; k-- > 0;) v = (v << 8) | p[k];
  return v;
}

Header read_header(Source& src) {
  unsigned char lead[12];
  const std::size_t got = src.read(reinterpret_cast<char*>(lead), 8);
  if (got < 8 || std::string_view(reinterpret_cast<const char*>(lead), 6) != magic)
    throw InputError(src.name() + " is not a .npy file (it does not start with \\x93NUMPY)");
  const int major = lead[6], minor = lead[7];
  if (major < 1 || major > 3 || minor != 0)
    throw InputError(src.name() + " has .npy format version " + std::to_string(major) + "." +
                     std::to_string(minor) + "; expected 1.0, 2.0 or 3.0");
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (src.read(reinterpret_cast<char*>(lead + 8), len_bytes) < len_bytes)
    throw InputError(src.name() + " ends inside its .npy header");
  const std::uint32_t header_len = little_endian(lead + 8, len_bytes);
  if (header_len > max_header_bytes)
    throw InputError(src.name() + " has a .npy header of " + std::to_string(header_len) +
                     " bytes; more than 64 KiB is not a header np.save writes");
  std::string text(header_len, '\0');
  if (src.read(text.data(), header_len) < header_len) throw InputError(src.name() + " ends inside its .npy header");
  // Python's parser reads the header; ours accepts only printable ASCII and newlines.
  for (const char c : text)
    if ((c < 0x20 || c > 0x7e) && c != '\n')
      throw InputError(src.name() + ": the .npy header holds a byte that is not printable ASCII");
  return HeaderParser(text, src.name()).parse();
}

std::string position(Eigen::Index i, Eigen::Index j) {
  return "entry (row " + std::to_string(i + 1) + ", column " + std::to_string(j + 1) + ")";
}

template <class T>
T load(const unsigned char* p, bool swap) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if (swap) std::reverse(b, b + sizeof(T));
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

// One element of the file's dtype as a double; false for an integer no double holds exactly.
bool convert(const unsigned char* p, const Header& h, double& out) {
  if (h.kind == 'f') {
    out = h.bytes == 8 ? load<double>(p, h.swap) : double(load<float>(p, h.swap));
    return true;
  }
  if (h.bytes == 4) {
    out = load<std::int32_t>(p, h.swap);
    return true;
  }
  const auto v = load<std::int64_t>(p, h.swap);
  constexpr std::int64_t exact = std::int64_t(1) << 53;
  out = static_cast<double>(v);
  return v >= -exact && v <= exact;
}

// The array of a .npy source as a matrix: shape (m, n), or (n,) as one row.
Matrix read_array(Source& src) {
  const Header h = read_header(src);
  const std::string& name = src.name();
  if (h.shape.empty())
    throw InputError(name + " holds a 0-d array (a scalar); expected a matrix or a vector");
  if (h.shape.size() > 2)
    throw InputError(name + " holds a " + std::to_string(h.shape.size()) + "-d array, shape " + shape_text(h.shape) +
                     "; expected a matrix or a vector");
  const std::uint64_t rows = h.shape.size() == 2 ? h.shape[0] : 1;
  const std::uint64_t cols = h.shape.back();
  if (rows == 0 || cols == 0) throw InputError(name + " holds an empty array, shape " + shape_text(h.shape));
  constexpr auto index_max = std::uint64_t(std::numeric_limits<Eigen::Index>::max());
  if (cols > index_max / rows || rows * cols > index_max / 8)
    throw InputError(name + " has shape " + shape_text(h.shape) + ", too large to hold");
  const std::uint64_t count = rows * cols;
  const std::uint64_t data_bytes = count * h.bytes;
  // Every size message ends the same way: "... its shape (3, 4) and dtype '<f8' call for".
  const std::string layout = " its shape " + shape_text(h.shape) + " and dtype '" + h.descr + "' call for";
  auto short_data = [&](std::uint64_t got) {
    return InputError(name + " ends after " + std::to_string(got) + " of the " + std::to_string(data_bytes) +
                      " data bytes" + layout);
  };
  if (src.size_known()) {
    if (src.remaining() < data_bytes) throw short_data(src.remaining());
    if (src.remaining() > data_bytes)
      throw InputError(name + " has " + std::to_string(src.remaining() - data_bytes) + " bytes after the data" +
                       layout);
  } else if (data_bytes > max_stream_data_bytes) {
    throw InputError(name + " is a stream with more than 1 GiB of data (shape " + shape_text(h.shape) + ")");
  }

  const auto m = Eigen::Index(rows), n = Eigen::Index(cols);
  Matrix A(m, n);
  if (h.fortran && h.kind == 'f' && h.bytes == 8 && !h.swap) {
    // np.save of a Fortran-ordered float64 array is Eigen's own storage.
    const std::size_t got = src.read(reinterpret_cast<char*>(A.data()), std::size_t(data_bytes));
    if (got < data_bytes) throw short_data(got);
  } else {
    // A slab of whole lines (rows in C order, columns in Fortran order), converted to double
    // and copied into place.
    const Eigen::Index line = h.fortran ? m : n, lines = h.fortran ? n : m;
    const Eigen::Index per_slab = std::max<Eigen::Index>(1, Eigen::Index(slab_bytes / 8) / line);
    const bool direct = h.kind == 'f' && h.bytes == 8 && !h.swap;
    std::vector<unsigned char> raw(direct ? 0 : std::size_t(std::min(per_slab, lines) * line) * h.bytes);
    std::vector<double> values(std::size_t(std::min(per_slab, lines) * line));
    std::uint64_t done = 0;
    for (Eigen::Index first = 0; first < lines; first += per_slab) {
      const Eigen::Index k = std::min(per_slab, lines - first);
      const std::size_t want = std::size_t(k * line) * h.bytes;
      // np.save's default, C-order float64, needs no conversion: straight into the slab.
      const std::size_t got = src.read(direct ? reinterpret_cast<char*>(values.data())
                                              : reinterpret_cast<char*>(raw.data()), want);
      if (got < want) throw short_data(done + got);
      done += got;
      for (std::size_t e = 0; !direct && e < std::size_t(k * line); ++e) {
        if (!convert(raw.data() + e * h.bytes, h, values[e])) {
          const Eigen::Index along = Eigen::Index(e) / line, within = Eigen::Index(e) % line;
          const Eigen::Index i = h.fortran ? within : first + along, j = h.fortran ? first + along : within;
          const auto v = load<std::int64_t>(raw.data() + e * h.bytes, h.swap);
          throw InputError(name + ": " + position(i, j) + " = " + std::to_string(v) +
                           " is not exactly a double (|value| > 2^53)");
        }
      }
      if (h.fortran) {
        A.middleCols(first, k) = Eigen::Map<const Matrix>(values.data(), m, k);
      } else {
        using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        A.middleRows(first, k) = Eigen::Map<const RowMajor>(values.data(), k, n);
      }
    }
  }
  if (!src.size_known()) {
    char extra;
    if (src.read(&extra, 1) > 0)
      throw InputError(name + " has bytes after the data" + layout);
  }
  const auto [i, j] = detail::first_non_finite(A);
  if (i >= 0) {
    const double v = A(i, j);
    throw InputError(name + ": " + position(i, j) + " is " + (std::isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf") +
                     "; every entry must be finite");
  }
  return A;
}

Vector as_vector(Matrix&& a, const std::string& name) {
  // Flattening a table would silently accept A given where y was meant.
  if (a.rows() > 1 && a.cols() > 1)
    throw InputError(name + " holds a " + std::to_string(a.rows()) + "x" + std::to_string(a.cols()) +
                     " array; expected a vector (shape (n,), (n, 1) or (1, n))");
  return Eigen::Map<const Vector>(a.data(), a.size());
}

void append_le(std::string& out, std::uint64_t v, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) out.push_back(char((v >> (8 * k)) & 0xff));
}

}  // namespace

bool has_npy_magic(std::string_view first_bytes) { return first_bytes.substr(0, magic.size()) == magic; }

Matrix detail::npy_matrix(InputFile& file) {
  FileSource src(file);
  return read_array(src);
}

Vector detail::npy_vector(InputFile& file) {
  FileSource src(file);
  return as_vector(read_array(src), src.name());
}

Matrix read_matrix_npy(const std::string& path, const std::string& label) {
  detail::InputFile file(path, label);
  return detail::npy_matrix(file);
}

Vector read_vector_npy(const std::string& path, const std::string& label) {
  detail::InputFile file(path, label);
  return detail::npy_vector(file);
}

Matrix parse_matrix_npy(std::string_view bytes, const std::string& label) {
  MemorySource src(bytes, label);
  return read_array(src);
}

Vector parse_vector_npy(std::string_view bytes, const std::string& label) {
  MemorySource src(bytes, label);
  return as_vector(read_array(src), label);
}

std::string npy_bytes(const Eigen::Ref<const Matrix>& m, bool vector) {
  const std::string shape = vector ? "(" + std::to_string(m.size()) + ",)"
                                   : "(" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + ")";
  std::string dict = "{'descr': '<f8', 'fortran_order': True, 'shape': " + shape + ", }";
  // np.save pads with spaces and ends with '\n' so that the data starts 64-byte aligned.
  const std::size_t unpadded = 6 + 2 + 2 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string out(magic);
  out.push_back('\x01');
  out.push_back('\x00');
  append_le(out, dict.size(), 2);
  out += dict;
  const std::size_t header = out.size();
  out.resize(header + std::size_t(m.size()) * 8);
  char* data = out.data() + header;
  for (Eigen::Index j = 0; j < m.cols(); ++j, data += m.rows() * 8)
    std::memcpy(data, m.col(j).data(), std::size_t(m.rows()) * 8);
  return out;
}

void write_matrix_npy(const std::string& path, const Eigen::Ref<const Matrix>& m) {
  detail::require_writable(path, m);
  write_file_atomically(path, npy_bytes(m));
}

void write_vector_npy(const std::string& path, const Eigen::Ref<const Vector>& v) {
  detail::require_writable(path, v);
  write_file_atomically(path, npy_bytes(v, true));
}

}  // namespace wnflow
