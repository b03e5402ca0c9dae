#include <wnflow/lab/csv.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <wnflow/model/errors.hpp>

#include "array_io_support.hpp"

namespace wnflow {
namespace {

using detail::file_source;

// `source` is file_source(label, path) for a file, or the bare label for text in memory.
std::string at(const std::string& source, std::size_t line) {
  return source + ", line " + std::to_string(line);
}

std::string at(const std::string& source, std::size_t line, std::size_t column) {
  return at(source, line) + ", column " + std::to_string(column);
}

// Quote a token for a message. Control bytes are escaped and a runaway field (e.g. a
// binary file) is cut, so the message stays one short line and what() is not cut at a NUL.
std::string quoted(std::string_view token) {
  constexpr std::size_t max_shown = 40;
  std::string out = "'";
  for (const char c : token.substr(0, max_shown)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", u);
      out += hex;
    } else {
      out += c;
    }
  }
  if (token.size() > max_shown) out += "...";
  return out + "'";
}

bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank_char(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank_char(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One field -> one finite double, or an InputError naming the position. The whole
// (trimmed) field must be consumed: from_chars alone would read "1e" or "0x10" as a
// prefix and ignore the rest.
double parse_field(std::string_view token, const std::string& source, std::size_t line,
                   std::size_t column) {
  if (token.empty()) throw InputError(at(source, line, column) + ": empty field");
  const char* first = token.data();
  const char* const last = first + token.size();
  // from_chars rejects '+'; accept exactly one, and only directly before the digits, so
  // that "+-1", "++1" and "+nan" stay errors.
  if (*first == '+') {
    ++first;
    if (first == last || !(is_digit(*first) || *first == '.'))
      throw InputError(at(source, line, column) + ": " + quoted(token) +
                       " is not a number");
  }
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc::invalid_argument || ptr != last)
    throw InputError(at(source, line, column) + ": " + quoted(token) + " is not a number");
  if (ec == std::errc::result_out_of_range)
    throw InputError(at(source, line, column) + ": " + quoted(token) +
                     " is outside the range of a double");
  // from_chars accepts "nan", "inf", "infinity" in any case; none is a valid entry.
  if (!std::isfinite(value))
    throw InputError(at(source, line, column) + ": " + quoted(token) +
                     " is not a finite number");
  return value;
}

// A rectangular table of finite doubles, stored row-major as read.
struct Table {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;
};

// Parses text a piece at a time, each piece made of whole lines, so that a file is read
// through one small buffer instead of being held whole (at N = 400, A's 0.8 MB of text
// grown by doubling cost more page faults than the rest of a `wnflow run` start-up).
// `source` names the input in messages: "A file 'A.csv'" or "A".
class TableParser {
 public:
  // `size_hint`: the input's size in bytes if known (0 if not), to size the table once.
  TableParser(std::string source, std::size_t size_hint)
      : source_(std::move(source)), size_hint_(size_hint) {}

  // `text` holds whole lines; its last line may lack the '\n' only at the end of input.
  void feed(std::string_view text) {
    // A UTF-8 byte-order mark is metadata, not part of the first number.
    if (!started_) {
      constexpr std::string_view bom = "\xEF\xBB\xBF";
      if (text.substr(0, bom.size()) == bom) text.remove_prefix(bom.size());
      started_ = true;
    }
    while (!text.empty()) {
      const std::size_t eol = text.find('\n');
      line(text.substr(0, eol));
      text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    }
  }

  Table finish() {
    if (table_.rows == 0) throw InputError(source_ + " is empty");
    return std::move(table_);
  }

 private:
  void line(std::string_view line) {
    ++line_no_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files

    if (trim(line).empty()) {
      if (first_blank_ == 0) first_blank_ = line_no_;
      return;
    }
    // Trailing blank lines are harmless; a blank line before data would make the row
    // index of A differ from the line number, and usually means two files were joined.
    if (first_blank_ != 0)
      throw InputError(at(source_, first_blank_) + ": blank line before the end of the data");

    std::size_t count = 0;
    std::string_view fields = line;
    while (true) {
      const std::size_t comma = fields.find(',');
      table_.values.push_back(parse_field(trim(fields.substr(0, comma)), source_, line_no_, ++count));
      if (comma == std::string_view::npos) break;
      fields.remove_prefix(comma + 1);
    }
    if (table_.rows == 0) {
      table_.cols = count;
      reserve(line.size() + 1);
    } else if (count != table_.cols) {
      throw InputError(at(source_, line_no_) + ": row " + std::to_string(table_.rows + 1) +
                       " has " + std::to_string(count) + " values, expected " +
                       std::to_string(table_.cols));
    }
    ++table_.rows;
  }

  // Rows of similar length to the first: room for the whole table, so that the values
  // are never copied by a growing vector. Capped by what the input could hold (a value
  // and its separator take at least two bytes), so a short first line costs nothing.
  void reserve(std::size_t first_line_bytes) {
    if (size_hint_ == 0) return;
    const std::size_t rows = size_hint_ / first_line_bytes + 1;
    table_.values.reserve(std::min(rows * table_.cols, size_hint_ / 2 + 1));
  }

  std::string source_;
  std::size_t size_hint_;
  bool started_ = false;  // the first piece, where a byte-order mark may stand, was fed
  std::size_t line_no_ = 0;
  std::size_t first_blank_ = 0;  // line number of the first blank line seen, 0 if none
  Table table_;
};

// The file through a 64 KiB buffer, whose whole lines go to the parser; the rest of a line
// waits at the front for the next read. The buffer grows only to hold a longer line.
Table read_table(detail::InputFile& file) {
  const std::string& source = file.source;
  std::ifstream& in = file.in;
  TableParser parser(source, file.regular ? static_cast<std::size_t>(file.size) : 0);

  // An endless stream (/dev/zero, a FIFO fed by `yes`) must not fill the memory: reading
  // stops at the first NUL byte, which no CSV text holds and the parser reports with its
  // position, and anything past 1 GiB is refused.
  constexpr std::size_t max_bytes = std::size_t(1) << 30;
  std::string buffer(std::size_t(1) << 16, '\0');
  std::size_t held = 0;   // bytes at the front of buffer not parsed yet (an unfinished line)
  std::size_t total = 0;  // bytes read so far
  while (true) {
    if (held == buffer.size()) buffer.resize(2 * buffer.size());  // a line longer than the buffer
    in.read(buffer.data() + held, static_cast<std::streamsize>(buffer.size() - held));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    total += got;
    if (total > max_bytes) throw InputError(source + " is larger than 1 GiB");
    const std::string_view fresh(buffer.data() + held, got);
    held += got;
    if (fresh.find('\0') != std::string_view::npos) break;
    // Only the fresh bytes can hold a newline: the ones held before had none.
    const std::size_t fresh_eol = fresh.rfind('\n');
    if (fresh_eol == std::string_view::npos) continue;
    const std::size_t last_eol = held - got + fresh_eol;
    parser.feed(std::string_view(buffer.data(), last_eol + 1));
    held -= last_eol + 1;
    std::memmove(buffer.data(), buffer.data() + last_eol + 1, held);
  }
  // A directory opens fine on Linux and only fails on read.
  if (in.bad()) throw InputError("cannot read " + source);
  parser.feed(std::string_view(buffer.data(), held));
  return parser.finish();
}

Table parse_table(std::string_view content, const std::string& source) {
  TableParser parser(source, content.size());
  parser.feed(content);
  return parser.finish();
}

Matrix to_matrix(const Table& t) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(t.values.data(), static_cast<Eigen::Index>(t.rows),
                                    static_cast<Eigen::Index>(t.cols));
}

Vector to_vector(const Table& t, const std::string& source) {
  // Flattening a table would silently accept A given where y was meant.
  if (t.rows > 1 && t.cols > 1)
    throw InputError(source + " holds a " + std::to_string(t.rows) + "x" +
                     std::to_string(t.cols) +
                     " table; expected one column or one comma-separated row");
  return Eigen::Map<const Vector>(t.values.data(), static_cast<Eigen::Index>(t.values.size()));
}

// Shortest text that from_chars maps back to the same double (bit-exact round trip).
void append_number(std::string& out, double value) {
  char buffer[32];  // the longest shortest form of a double is 24 characters
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // cannot fail: the buffer is large enough for any double
  out.append(buffer, ptr);
}

}  // namespace

Matrix parse_matrix_csv(std::string_view text, const std::string& label) {
  return to_matrix(parse_table(text, label));
}

Vector parse_vector_csv(std::string_view text, const std::string& label) {
  return to_vector(parse_table(text, label), label);
}

Matrix detail::csv_matrix(InputFile& file) { return to_matrix(read_table(file)); }

Vector detail::csv_vector(InputFile& file) { return to_vector(read_table(file), file.source); }

Matrix read_matrix_csv(const std::string& path, const std::string& label) {
  detail::InputFile file(path, label);
  return detail::csv_matrix(file);
}

Vector read_vector_csv(const std::string& path, const std::string& label) {
  detail::InputFile file(path, label);
  return detail::csv_vector(file);
}

void write_matrix_csv(const std::string& path, const Eigen::Ref<const Matrix>& m) {
  detail::require_writable(path, m);
  std::string out;
  out.reserve(static_cast<std::size_t>(m.size()) * 24);
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (j > 0) out.push_back(',');
      append_number(out, m(i, j));
    }
    out.push_back('\n');
  }
  write_file_atomically(path, out);
}

void write_vector_csv(const std::string& path, const Eigen::Ref<const Vector>& v) {
  detail::require_writable(path, v);
  std::string out;
  out.reserve(static_cast<std::size_t>(v.size()) * 24);
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    append_number(out, v(i));
    out.push_back('\n');
  }
  write_file_atomically(path, out);
}

void write_file_atomically(const std::string& path, const std::string& content) {
  // Same directory as the target, so rename() never crosses a file system; the pid keeps
  // concurrent processes writing the same target from sharing a temporary.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = -1;
  auto fail = [&](int err) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw InputError("cannot write '" + path + "': " + std::strerror(err));
  };

  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    // Nothing was created (or a directory of that name exists): do not unlink.
    const int err = errno;
    throw InputError("cannot write '" + path + "': " + std::strerror(err));
  }
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  // Data on disk before the rename makes the new name visible: after a crash the target
  // is either the old file or the complete new one.
  if (::fsync(fd) != 0) fail(errno);
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) fail(errno);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail(errno);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open '" + path + "'");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string read_file_or_empty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace wnflow
