// CSV reading is the gate between user files and the solvers: every malformed input
// must be refused with a message that says where, and written results must read back
// bit-exactly.
#define BOOST_TEST_MODULE csv
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>

#include "mentions.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace wnflow;

namespace {

using wnflow::testing::TempDir;
using wnflow::testing::mentions;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool bit_equal(const Matrix& a, const Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index k = 0; k < a.size(); ++k)
    if (std::memcmp(a.data() + k, b.data() + k, sizeof(double)) != 0) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reading)

BOOST_AUTO_TEST_CASE(plain_matrix) {
  TempDir t;
  const auto p = t.file("A.csv", "1,2,3\n-4.5,5e-3,+6\n");
  const Matrix A = read_matrix_csv(p, "A");
  BOOST_TEST(A.rows() == 2);
  BOOST_TEST(A.cols() == 3);
  BOOST_TEST(A(0, 0) == 1.0);
  BOOST_TEST(A(0, 2) == 3.0);
  BOOST_TEST(A(1, 0) == -4.5);
  BOOST_TEST(A(1, 1) == 5e-3);
  BOOST_TEST(A(1, 2) == 6.0);
}

BOOST_AUTO_TEST_CASE(whitespace_crlf_bom_and_trailing_blank_lines) {
  TempDir t;
  const auto p = t.file("A.csv", "\xEF\xBB\xBF 1 ,\t2\r\n3,  4\t\r\n\r\n  \n\t\n");
  const Matrix A = read_matrix_csv(p, "A");
  BOOST_TEST(A.rows() == 2);
  BOOST_TEST(A.cols() == 2);
  BOOST_TEST(A(0, 0) == 1.0);
  BOOST_TEST(A(1, 1) == 4.0);
}

BOOST_AUTO_TEST_CASE(no_final_newline) {
  TempDir t;
  const Matrix A = read_matrix_csv(t.file("A.csv", "1,2\n3,4"), "A");
  BOOST_TEST(A.rows() == 2);
  BOOST_TEST(A(1, 1) == 4.0);
}

BOOST_AUTO_TEST_CASE(number_forms) {
  TempDir t;
  const Vector v = read_vector_csv(t.file("v.csv", ".5,5.,-.5e-2,1.5E+3,+0.25,-0,4.9e-324\n"), "v");
  BOOST_TEST(v.size() == 7);
  BOOST_TEST(v(0) == 0.5);
  BOOST_TEST(v(1) == 5.0);
  BOOST_TEST(v(2) == -0.005);
  BOOST_TEST(v(3) == 1500.0);
  BOOST_TEST(v(4) == 0.25);
  BOOST_TEST(std::signbit(v(5)));
  BOOST_TEST(v(6) == std::numeric_limits<double>::denorm_min());
}

BOOST_AUTO_TEST_CASE(vector_column_row_and_single) {
  TempDir t;
  const Vector col = read_vector_csv(t.file("c.csv", "1\n2\n3\n"), "y");
  const Vector row = read_vector_csv(t.file("r.csv", "1, 2, 3\r\n"), "y");
  const Vector one = read_vector_csv(t.file("o.csv", "7\n"), "y");
  BOOST_TEST(col.size() == 3);
  BOOST_TEST(row.size() == 3);
  BOOST_TEST(col == row);
  BOOST_TEST(col(2) == 3.0);
  BOOST_TEST(one.size() == 1);
  BOOST_TEST(one(0) == 7.0);
}

BOOST_AUTO_TEST_CASE(vector_rejects_table) {
  TempDir t;
  const auto p = t.file("y.csv", "1,2\n3,4\n5,6\n");
  BOOST_CHECK_EXCEPTION(read_vector_csv(p, "y"), InputError, mentions({"y file", p, "3x2"}));
}

BOOST_AUTO_TEST_CASE(missing_file) {
  TempDir t;
  const auto p = t.path("nope.csv");
  BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError,
                        mentions({"cannot open A file '" + p + "'"}));
  BOOST_CHECK_EXCEPTION(read_vector_csv(p, "x*"), InputError,
                        mentions({"cannot open x* file '" + p + "'"}));
}

BOOST_AUTO_TEST_CASE(directory_instead_of_file) {
  TempDir t;
  BOOST_CHECK_THROW(read_matrix_csv(t.dir.string(), "A"), InputError);
}

BOOST_AUTO_TEST_CASE(empty_file) {
  TempDir t;
  const auto p = t.file("e.csv", "");
  BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError, mentions({"A file '" + p + "'", "empty"}));
  const auto q = t.file("b.csv", "\n  \r\n\t\n");
  BOOST_CHECK_EXCEPTION(read_vector_csv(q, "y"), InputError, mentions({"y file '" + q + "'", "empty"}));
}

BOOST_AUTO_TEST_CASE(ragged_rows) {
  TempDir t;
  const auto p = t.file("A.csv", "1,2,3,4,5\n1,2,3,4,5\n1,2,3,4\n");
  BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError,
                        mentions({"A file '" + p + "'", "line 3", "4 values, expected 5"}));
  const auto q = t.file("B.csv", "1,2\n1,2,3\n");
  BOOST_CHECK_EXCEPTION(read_matrix_csv(q, "A"), InputError,
                        mentions({q, "line 2", "3 values, expected 2"}));
}

BOOST_AUTO_TEST_CASE(non_numeric_tokens) {
  TempDir t;
  const auto p = t.file("A.csv", "1,2,3\n4,5,abc\n");
  BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError,
                        mentions({"A file '" + p + "'", "line 2, column 3", "'abc' is not a number"}));
  // Tokens from_chars would read a prefix of: the rest must not be silently dropped.
  for (const std::string bad : {"1e", "0x10", "1 2", "1d0", "1.2.3", "--1", "+-1", "++1", "+",
                                "-", ".", "1;2", "\"1\"", "1\r2"}) {
    const auto q = t.file("bad.csv", "0,0\n0," + bad + "\n");
    BOOST_CHECK_EXCEPTION(read_matrix_csv(q, "A"), InputError,
                          mentions({q, "line 2, column 2", "is not a number"}));
  }
}

BOOST_AUTO_TEST_CASE(empty_fields) {
  TempDir t;
  for (const std::string line : {"1,,2", "1, ,2", "1,\t,2"}) {
    const auto p = t.file("A.csv", "0,0,0\n" + line + "\n");
    BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError,
                          mentions({p, "line 2, column 2", "empty field"}));
  }
  const auto p = t.file("trail.csv", "1,2,\n");
  BOOST_CHECK_EXCEPTION(read_vector_csv(p, "y"), InputError,
                        mentions({p, "line 1, column 3", "empty field"}));
  const auto q = t.file("lead.csv", ",1,2\n");
  BOOST_CHECK_EXCEPTION(read_vector_csv(q, "y"), InputError,
                        mentions({q, "line 1, column 1", "empty field"}));
}

BOOST_AUTO_TEST_CASE(non_finite_tokens) {
  TempDir t;
  for (const std::string bad : {"nan", "NaN", "-nan", "nan(0x1)", "inf", "-inf", "INF",
                                "Infinity", "+inf", "+nan"}) {
    const auto p = t.file("A.csv", "1,2\n3," + bad + "\n");
    BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError,
                          mentions({"A file '" + p + "'", "line 2, column 2", "'" + bad + "'"}));
  }
}

BOOST_AUTO_TEST_CASE(out_of_range_values) {
  TempDir t;
  for (const std::string bad : {"1e999", "-1e999", "1e-400", "+1e999"}) {
    const auto p = t.file("y.csv", "1\n2\n" + bad + "\n");
    BOOST_CHECK_EXCEPTION(read_vector_csv(p, "y"), InputError,
                          mentions({"y file '" + p + "'", "line 3, column 1", "outside the range"}));
  }
}

BOOST_AUTO_TEST_CASE(blank_line_inside_data) {
  TempDir t;
  const auto p = t.file("A.csv", "1,2\n\n3,4\n");
  BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError, mentions({p, "line 2", "blank line"}));
  const auto q = t.file("B.csv", "\n1,2\n");
  BOOST_CHECK_EXCEPTION(read_matrix_csv(q, "A"), InputError, mentions({q, "line 1", "blank line"}));
}

BOOST_AUTO_TEST_CASE(long_token_is_truncated_in_message) {
  TempDir t;
  const auto p = t.file("A.csv", "1," + std::string(5000, 'x') + "\n");
  BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError, [](const InputError& e) {
    return std::string(e.what()).size() < 300;
  });
}

BOOST_AUTO_TEST_CASE(control_bytes_are_escaped_in_message) {
  TempDir t;
  const auto p = t.file("A.csv", std::string("1\r2,3\n", 6));
  BOOST_CHECK_EXCEPTION(read_matrix_csv(p, "A"), InputError,
                        mentions({p, "line 1, column 1", "'1\\r2' is not a number"}));
  const auto q = t.file("B.csv", std::string("4,5\0\n", 5));
  BOOST_CHECK_EXCEPTION(read_matrix_csv(q, "A"), InputError,
                        mentions({q, "line 1, column 2", "'5\\x00' is not a number"}));
}

// The file reader parses through a 64 KiB buffer (csv.cpp): lines cut by a buffer boundary,
// a line longer than the buffer, a CRLF pair split across reads, and positions far into the
// file must come out as the reader of the same text in memory gives them.
BOOST_AUTO_TEST_CASE(files_larger_than_the_read_buffer_read_as_the_same_text) {
  TempDir t;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> gauss(0.0, 1.0);
  auto table = [&](int rows, int cols, const std::string& eol) {
    std::string text;
    char buffer[32];
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < cols; ++j) {
        if (j > 0) text += (j % 7 == 0) ? " , " : ",";  // some padded fields
        text.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, gauss(rng)).ptr);
      }
      text += eol;
    }
    return text;
  };
  struct Shape {
    int rows, cols;
    std::string eol;
  };
  // 300 x 40 (~260 KB, many boundaries), 3 x 9000 (each line ~3x the buffer), CRLF.
  for (const Shape& sh : {Shape{300, 40, "\n"}, Shape{3, 9000, "\n"}, Shape{200, 50, "\r\n"}}) {
    const std::string text = table(sh.rows, sh.cols, sh.eol);
    BOOST_REQUIRE_GT(text.size(), std::size_t(1) << 16);
    const auto p = t.file("A.csv", text);
    const Matrix from_file = read_matrix_csv(p, "A");
    BOOST_TEST(from_file.rows() == sh.rows);
    BOOST_TEST(from_file.cols() == sh.cols);
    BOOST_TEST(bit_equal(from_file, parse_matrix_csv(text, "A")));
  }
  // A column vector with no final newline, longer than the buffer.
  std::string column = table(8000, 1, "\n");
  column.pop_back();
  const Vector v = read_vector_csv(t.file("y.csv", column), "y");
  BOOST_TEST(v.size() == 8000);
  BOOST_TEST(bit_equal(v, parse_vector_csv(column, "y")));
  // Errors past the first buffer name their line and column.
  std::string bad = table(300, 40, "\n");
  const std::size_t line_251 = [&] {
    std::size_t pos = 0;
    for (int i = 0; i < 250; ++i) pos = bad.find('\n', pos) + 1;
    return pos;
  }();
  bad.replace(line_251, bad.find(',', line_251) - line_251, "oops");
  const auto q = t.file("B.csv", bad);
  BOOST_CHECK_EXCEPTION(read_matrix_csv(q, "A"), InputError, mentions({q, "line 251, column 1", "'oops'"}));
  std::string ragged = table(300, 40, "\n") + "1,2\n";
  const auto r = t.file("C.csv", ragged);
  BOOST_CHECK_EXCEPTION(read_matrix_csv(r, "A"), InputError,
                        mentions({r, "line 301", "row 301 has 2 values, expected 40"}));
  const auto b = t.file("D.csv", table(300, 40, "\n") + "\n" + table(1, 40, "\n"));
  BOOST_CHECK_EXCEPTION(read_matrix_csv(b, "A"), InputError, mentions({b, "line 301", "blank line"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(writing)

BOOST_AUTO_TEST_CASE(matrix_round_trip_is_bit_exact) {
  TempDir t;
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::uint64_t> bits;
  Matrix A(7, 5);
  // Random bit patterns cover every exponent; keep the finite ones.
  for (Eigen::Index k = 0; k < A.size(); ++k) {
    double v;
    do {
      const std::uint64_t b = bits(rng);
      std::memcpy(&v, &b, sizeof v);
    } while (!std::isfinite(v));
    A.data()[k] = v;
  }
  A(0, 0) = 0.1;
  A(0, 1) = -0.0;
  A(0, 2) = std::numeric_limits<double>::denorm_min();
  A(0, 3) = std::numeric_limits<double>::max();
  A(0, 4) = -std::numeric_limits<double>::min();
  A(1, 0) = 1.0 / 3.0;
  const auto p = t.path("A.csv");
  write_matrix_csv(p, A);
  const Matrix B = read_matrix_csv(p, "A");
  BOOST_TEST(bit_equal(A, B));
  BOOST_TEST(t.entries() == 1u);  // no temporary left behind
}

BOOST_AUTO_TEST_CASE(vector_round_trip_and_format) {
  TempDir t;
  Vector v(4);
  v << 1.0, -2.5, 0.1, 1e-300;
  const auto p = t.path("v.csv");
  write_vector_csv(p, v);
  BOOST_TEST(slurp(p) == "1\n-2.5\n0.1\n1e-300\n");
  const Vector w = read_vector_csv(p, "v");
  BOOST_TEST(bit_equal(v, w));
}

BOOST_AUTO_TEST_CASE(matrix_format) {
  TempDir t;
  Matrix A(2, 3);
  A << 1, 2, 3, 4, 5, 6.5;
  const auto p = t.path("A.csv");
  write_matrix_csv(p, A);
  BOOST_TEST(slurp(p) == "1,2,3\n4,5,6.5\n");
}

BOOST_AUTO_TEST_CASE(blocks_and_expressions) {
  TempDir t;
  Matrix A = Matrix::Random(4, 4);
  write_matrix_csv(t.path("b.csv"), A.block(1, 1, 2, 2));
  BOOST_TEST(bit_equal(read_matrix_csv(t.path("b.csv")), A.block(1, 1, 2, 2)));
  write_vector_csv(t.path("c.csv"), A.col(2));
  BOOST_TEST(bit_equal(read_vector_csv(t.path("c.csv")), A.col(2)));
}

BOOST_AUTO_TEST_CASE(overwrites_existing_file) {
  TempDir t;
  const auto p = t.file("v.csv", "old content that is longer than the new one\n");
  write_vector_csv(p, Vector::Constant(1, 2.0));
  BOOST_TEST(slurp(p) == "2\n");
  BOOST_TEST(t.entries() == 1u);
}

BOOST_AUTO_TEST_CASE(refuses_what_cannot_be_read_back) {
  TempDir t;
  const auto p = t.path("v.csv");
  Vector v = Vector::Ones(3);
  v(1) = std::numeric_limits<double>::quiet_NaN();
  BOOST_CHECK_EXCEPTION(write_vector_csv(p, v), InputError, mentions({p, "row 2", "non-finite"}));
  Matrix A = Matrix::Ones(2, 2);
  A(1, 0) = -std::numeric_limits<double>::infinity();
  BOOST_CHECK_EXCEPTION(write_matrix_csv(p, A), InputError, mentions({p, "row 2, column 1"}));
  BOOST_CHECK_EXCEPTION(write_matrix_csv(p, Matrix(0, 3)), InputError, mentions({p, "empty"}));
  BOOST_CHECK_EXCEPTION(write_vector_csv(p, Vector()), InputError, mentions({p, "empty"}));
  BOOST_TEST(t.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(atomic_write_into_missing_directory) {
  TempDir t;
  const auto p = t.path("no/such/dir/out.csv");
  BOOST_CHECK_EXCEPTION(write_file_atomically(p, "1\n"), InputError,
                        mentions({"cannot write '" + p + "'"}));
  BOOST_CHECK_EXCEPTION(write_vector_csv(p, Vector::Ones(2)), InputError, mentions({p}));
  BOOST_TEST(t.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(atomic_write_failure_keeps_old_target) {
  TempDir t;
  const auto p = t.file("out.csv", "old\n");
  // Occupy the temporary's name with a directory: the write must fail before touching
  // the target.
  const fs::path blocker = p + ".tmp." + std::to_string(::getpid());
  fs::create_directory(blocker);
  BOOST_CHECK_EXCEPTION(write_file_atomically(p, "new\n"), InputError, mentions({p}));
  BOOST_TEST(slurp(p) == "old\n");
  BOOST_TEST(fs::is_directory(blocker));
  fs::remove(blocker);
  BOOST_TEST(t.entries() == 1u);
}

BOOST_AUTO_TEST_CASE(atomic_write_onto_directory_cleans_up) {
  TempDir t;
  // rename() fails when the target is a non-empty directory: the temporary must go.
  const fs::path target = t.dir / "target";
  fs::create_directory(target);
  std::ofstream(target / "inside") << "x";
  BOOST_CHECK_EXCEPTION(write_file_atomically(target.string(), "new\n"), InputError,
                        mentions({target.string()}));
  BOOST_TEST(fs::is_directory(target));
  BOOST_TEST(slurp((target / "inside").string()) == "x");
  BOOST_TEST(t.entries() == 1u);
}

BOOST_AUTO_TEST_CASE(atomic_write_empty_and_binary_content) {
  TempDir t;
  const auto p = t.path("f");
  write_file_atomically(p, "");
  BOOST_TEST(slurp(p).empty());
  const std::string bin("a\0b\r\n", 5);
  write_file_atomically(p, bin);
  BOOST_TEST(slurp(p) == bin);
  BOOST_TEST(t.entries() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
