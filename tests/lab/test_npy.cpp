// The .npy reader is a second gate between user files and the solvers. The files here are
// built byte by byte from the format's specification (numpy/lib/format.py's rules), not by
// the writer under test; tests/cli_run.sh adds files written by NumPy itself.
#define BOOST_TEST_MODULE npy
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <wnflow/lab/array_file.hpp>
#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/lab/npy.hpp>

#include "mentions.hpp"
#include "support.hpp"

using namespace wnflow;
using wnflow::testing::TempDir;
using wnflow::testing::mentions;

namespace {

// A .npy file: magic, version, little-endian header length, the dict padded with spaces to a
// multiple of 64 bytes and ended by '\n', then the payload.
std::string npy(const std::string& dict, const std::string& payload, int major = 1) {
  std::string header = dict;
  const std::size_t lead = 6 + 2 + (major == 1 ? 2 : 4);
  while ((lead + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');
  std::string out("\x93NUMPY", 6);
  out.push_back(char(major));
  out.push_back('\0');
  for (std::size_t k = 0; k < (major == 1 ? 2u : 4u); ++k) out.push_back(char((header.size() >> (8 * k)) & 0xff));
  return out + header + payload;
}

std::string dict(const std::string& descr, bool fortran, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
}

template <class T>
std::string bytes_of(const std::vector<T>& v, bool big_endian = false) {
  std::string out;
  for (const T& x : v) {
    char b[sizeof(T)];
    std::memcpy(b, &x, sizeof(T));
    if (big_endian) std::reverse(b, b + sizeof(T));
    out.append(b, sizeof(T));
  }
  return out;
}

// The 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] as C-order data of type T.
template <class T>
std::string c_order_123456(bool big_endian = false) {
  return bytes_of(std::vector<T>{1, 2, 3, 4, 5, 6}, big_endian);
}

Matrix expected_123456() {
  Matrix m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  return m;
}

bool bit_equal(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * std::size_t(a.size())) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reading)

BOOST_AUTO_TEST_CASE(every_dtype_order_and_version_gives_the_same_matrix) {
  const Matrix want = expected_123456();
  // Fortran order stores [[1,2,3],[4,5,6]] column by column: 1 4 2 5 3 6.
  const std::vector<double> f_order{1, 4, 2, 5, 3, 6};
  const std::vector<std::string> files{
      npy(dict("<f8", false, "(2, 3)"), c_order_123456<double>()),
      npy(dict("<f8", true, "(2, 3)"), bytes_of(f_order)),
      npy(dict(">f8", false, "(2, 3)"), c_order_123456<double>(true)),
      npy(dict(">f8", true, "(2, 3)"), bytes_of(f_order, true)),
      npy(dict("=f8", false, "(2, 3)"), c_order_123456<double>()),
      npy(dict("<f4", false, "(2, 3)"), c_order_123456<float>()),
      npy(dict(">f4", true, "(2, 3)"), bytes_of(std::vector<float>{1, 4, 2, 5, 3, 6}, true)),
      npy(dict("<i8", false, "(2, 3)"), c_order_123456<std::int64_t>()),
      npy(dict("<i4", false, "(2, 3)"), c_order_123456<std::int32_t>()),
      npy(dict(">i4", false, "(2, 3)"), c_order_123456<std::int32_t>(true)),
      npy(dict("<f8", false, "(2, 3)"), c_order_123456<double>(), 2),
      npy(dict("<f8", false, "(2, 3)"), c_order_123456<double>(), 3),
      // Key order, quotes and spacing as other writers may give them.
      npy("{\"shape\":(2,3),\"fortran_order\":False,\"descr\":\"<f8\"}", c_order_123456<double>()),
  };
  for (std::size_t k = 0; k < files.size(); ++k) {
    BOOST_TEST_CONTEXT("file " << k) {
      const Matrix got = parse_matrix_npy(files[k], "A");
      BOOST_TEST(bit_equal(got, want));
    }
  }
}

BOOST_AUTO_TEST_CASE(float32_values_are_converted_exactly) {
  const std::vector<float> v{0.1f, -3.25e-20f, 1.0e30f, std::numeric_limits<float>::denorm_min()};
  const Vector got = parse_vector_npy(npy(dict("<f4", false, "(4,)"), bytes_of(v)), "y");
  for (std::size_t k = 0; k < v.size(); ++k) BOOST_TEST(got(Eigen::Index(k)) == double(v[k]));
}

BOOST_AUTO_TEST_CASE(vectors_in_every_shape_a_vector_can_have) {
  const std::string payload = bytes_of(std::vector<double>{1.5, -2, 7});
  for (const std::string shape : {"(3,)", "(3, 1)", "(1, 3)"}) {
    const Vector y = parse_vector_npy(npy(dict("<f8", false, shape), payload), "y");
    BOOST_TEST_REQUIRE(y.size() == 3);
    BOOST_TEST(y(0) == 1.5);
    BOOST_TEST(y(1) == -2.0);
    BOOST_TEST(y(2) == 7.0);
  }
  // (n,) as a matrix is one row, as a one-line CSV file is.
  const Matrix row = parse_matrix_npy(npy(dict("<f8", false, "(3,)"), payload), "A");
  BOOST_TEST(row.rows() == 1);
  BOOST_TEST(row.cols() == 3);
}

BOOST_AUTO_TEST_CASE(c_order_across_many_slabs_and_the_fortran_fast_path_agree) {
  // 1100 x 300 float64 is 2.6 MB: the C-order reader converts it in 1 MiB slabs of rows,
  // the last one partial; the float32 file takes the converting path.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g;
  Matrix want(1100, 300);
  for (Eigen::Index k = 0; k < want.size(); ++k) want.data()[k] = g(rng);
  std::vector<double> c_data, f_data(want.data(), want.data() + want.size());
  std::vector<float> c_float;
  for (Eigen::Index i = 0; i < want.rows(); ++i)
    for (Eigen::Index j = 0; j < want.cols(); ++j) {
      c_data.push_back(want(i, j));
      c_float.push_back(float(want(i, j)));
    }
  BOOST_TEST(bit_equal(parse_matrix_npy(npy(dict("<f8", false, "(1100, 300)"), bytes_of(c_data)), "A"), want));
  BOOST_TEST(bit_equal(parse_matrix_npy(npy(dict("<f8", true, "(1100, 300)"), bytes_of(f_data)), "A"), want));
  BOOST_TEST(bit_equal(parse_matrix_npy(npy(dict(">f8", false, "(1100, 300)"), bytes_of(c_data, true)), "A"), want));
  const Matrix as_float = parse_matrix_npy(npy(dict("<f4", false, "(1100, 300)"), bytes_of(c_float)), "A");
  BOOST_TEST(bit_equal(as_float, want.cast<float>().cast<double>()));
}

BOOST_AUTO_TEST_CASE(files_read_as_memory_does) {
  TempDir dir;
  const std::string content = npy(dict("<f8", false, "(2, 3)"), c_order_123456<double>());
  const std::string path = dir.file("A.npy", content);
  BOOST_TEST(bit_equal(read_matrix_npy(path, "A"), expected_123456()));
  // The content decides the format, not the name.
  BOOST_TEST(bit_equal(read_matrix_file(dir.file("A.dat", content), "A"), expected_123456()));
  BOOST_TEST(bit_equal(read_matrix_file(dir.file("A.csv", "1,2,3\n4,5,6\n"), "A"), expected_123456()));
  const Vector y = read_vector_file(dir.file("y.npy", npy(dict("<f8", false, "(2,)"), bytes_of(std::vector<double>{3, 4}))), "y");
  BOOST_TEST(y.size() == 2);
  BOOST_TEST(y(1) == 4.0);
  BOOST_CHECK_EXCEPTION(read_matrix_file(dir.path("missing.npy"), "A"), InputError,
                        mentions({"cannot open A file", "missing.npy"}));
  BOOST_CHECK_EXCEPTION(read_matrix_file(dir.str(), "A"), InputError, mentions({"cannot read A file"}));
  // Truncated on disk: the size is checked before anything is allocated or read.
  BOOST_CHECK_EXCEPTION(read_matrix_npy(dir.file("short.npy", content.substr(0, content.size() - 3)), "A"),
                        InputError, mentions({"A file '", "short.npy", "ends after 45 of the 48 data bytes"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rejecting)

BOOST_AUTO_TEST_CASE(malformed_files_are_refused_with_one_line_that_says_why) {
  const std::string d6 = c_order_123456<double>();
  struct Case {
    std::string bytes, fragment;
  };
  std::string bad_version = npy(dict("<f8", false, "(2, 3)"), d6);
  bad_version[6] = 4;
  std::string bad_minor = npy(dict("<f8", false, "(2, 3)"), d6);
  bad_minor[7] = 1;
  std::string huge_header = npy(dict("<f8", false, "(2, 3)"), d6, 2);
  huge_header[8] = 0;  // version 2.0: four length bytes, here 1 MiB
  huge_header[9] = 0;
  huge_header[10] = 0x10;
  huge_header[11] = 0;
  const std::vector<Case> cases{
      {"", "is not a .npy file"},
      {"1,2,3\n", "is not a .npy file"},
      {std::string("\x93NUMPX\x01\x00", 8), "is not a .npy file"},
      {std::string("\x93NUMPY\x01", 7), "is not a .npy file"},
      {std::string("\x93NUMPY\x01\x00\x40", 9), "ends inside its .npy header"},
      {std::string("\x93NUMPY\x01\x00\x40\x00{'descr'", 17), "ends inside its .npy header"},
      {bad_version, "format version 4.0"},
      {bad_minor, "format version 1.1"},
      {huge_header, "more than 64 KiB"},
      {npy(dict("<c16", false, "(2, 3)"), d6), "dtype '<c16'"},
      {npy(dict("<f2", false, "(2, 3)"), d6), "dtype '<f2'"},
      {npy(dict("|b1", false, "(2, 3)"), d6), "dtype '|b1'"},
      {npy(dict("<u8", false, "(2, 3)"), d6), "dtype '<u8'"},
      {npy(dict("|O", false, "(2, 3)"), d6), "dtype '|O'"},
      {npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2, 3), }", d6), "quoted string"},
      {npy(dict("<f8", false, "()"), bytes_of(std::vector<double>{1})), "0-d array"},
      {npy(dict("<f8", false, "(1, 2, 3)"), d6), "3-d array, shape (1, 2, 3)"},
      {npy(dict("<f8", false, "(0, 3)"), ""), "empty array, shape (0, 3)"},
      {npy(dict("<f8", false, "(2, 3)"), d6.substr(0, 40)), "ends after 40 of the 48 data bytes"},
      {npy(dict("<f8", false, "(2, 3)"), d6 + "xx"), "has 2 bytes after the data"},
      {npy(dict("<f8", false, "(2, 3)"), d6.substr(0, 47)), "ends after 47"},
      {npy(dict("<f8", false, "(99999999999, 99999999999)"), d6), "too large"},
      {npy(dict("<f8", false, "(99999999999999999999999, 3)"), d6), "too large"},
      {npy("{'descr': '<f8', 'shape': (2, 3), }", d6), "lacks the key 'fortran_order'"},
      {npy("{'descr': '<f8', 'fortran_order': False, }", d6), "lacks the key 'shape'"},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1, }", d6), "key 'extra'"},
      {npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", d6), "key 'descr'"},
      {npy("{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3), }", d6), "neither True nor False"},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2; 3), }", d6), "expected ',' or ')'"},
      {npy("{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3), }", d6), "expected ',' or '}'"},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } x", d6), "text after the closing"},
      {npy("{'descr': '<f8\x01', 'fortran_order': False, 'shape': (2, 3), }", d6), "not printable ASCII"},
      {npy("['<f8', False, (2, 3)]", d6), "expected '{'"},
      {npy(dict("<\nf8", false, "(2, 3)"), d6), "line break inside a string"},
  };
  for (std::size_t k = 0; k < cases.size(); ++k) {
    BOOST_TEST_CONTEXT("case " << k << ": " << cases[k].fragment) {
      BOOST_CHECK_EXCEPTION(parse_matrix_npy(cases[k].bytes, "A"), InputError, mentions({"A", cases[k].fragment}));
    }
  }
}

BOOST_AUTO_TEST_CASE(non_finite_entries_are_named_by_position) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  // C order: the third value of the second row is entry (2, 3).
  BOOST_CHECK_EXCEPTION(parse_matrix_npy(npy(dict("<f8", false, "(2, 3)"), bytes_of(std::vector<double>{1, 2, 3, 4, 5, nan})), "A"),
                        InputError, mentions({"entry (row 2, column 3) is NaN"}));
  // Fortran order: the second stored value is entry (2, 1).
  BOOST_CHECK_EXCEPTION(parse_matrix_npy(npy(dict("<f8", true, "(2, 3)"), bytes_of(std::vector<double>{1, -inf, 3, 4, 5, 6})), "A"),
                        InputError, mentions({"entry (row 2, column 1) is -inf"}));
  BOOST_CHECK_EXCEPTION(parse_vector_npy(npy(dict("<f4", false, "(3,)"), bytes_of(std::vector<float>{1, float(inf), 2})), "y"),
                        InputError, mentions({"y: entry (row 1, column 2) is inf"}));
  // An int64 that no double holds exactly (2^53 + 1) would change the problem silently.
  const std::int64_t big = (std::int64_t(1) << 53) + 1;
  BOOST_CHECK_EXCEPTION(parse_matrix_npy(npy(dict(">i8", false, "(2, 3)"), bytes_of(std::vector<std::int64_t>{1, 2, 3, 4, big, 6}, true)), "A"),
                        InputError, mentions({"entry (row 2, column 2) = 9007199254740993 is not exactly a double"}));
  const Matrix edge = parse_matrix_npy(npy(dict("<i8", false, "(1, 2)"), bytes_of(std::vector<std::int64_t>{std::int64_t(1) << 53, -(std::int64_t(1) << 53)})), "A");
  BOOST_TEST(edge(0, 0) == 9007199254740992.0);
  BOOST_TEST(edge(0, 1) == -9007199254740992.0);
}

BOOST_AUTO_TEST_CASE(a_table_is_not_a_vector) {
  BOOST_CHECK_EXCEPTION(parse_vector_npy(npy(dict("<f8", false, "(2, 3)"), c_order_123456<double>()), "y"), InputError,
                        mentions({"y holds a 2x3 array; expected a vector"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(writing)

BOOST_AUTO_TEST_CASE(written_files_read_back_bit_exactly_and_follow_the_format) {
  TempDir dir;
  Matrix m(3, 4);
  m << 0.1, -0.0, 1e-310, std::numeric_limits<double>::max(), -std::numeric_limits<double>::min(), 3, 1.0 / 3, -7,
      2.5e300, 6, 7, 8;
  const std::string path = dir.path("m.npy");
  write_matrix_npy(path, m);
  BOOST_TEST(bit_equal(read_matrix_npy(path, "m"), m));
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  // Version 1.0, the data 64-byte aligned, the dict np.save writes for a Fortran array.
  BOOST_TEST(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header = 10 + std::size_t((unsigned char)bytes[8]) + 256 * std::size_t((unsigned char)bytes[9]);
  BOOST_TEST(header % 64 == 0u);
  BOOST_TEST(bytes.size() == header + 12 * 8);
  BOOST_TEST(bytes[header - 1] == '\n');
  BOOST_TEST(bytes.find("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 4), }") == 10u);

  const Vector v = Eigen::VectorXd::LinSpaced(5, -1, 1);
  write_vector_npy(dir.path("v.npy"), v);
  const Vector back = read_vector_npy(dir.path("v.npy"), "v");
  BOOST_TEST(bit_equal(back, v));

  // A block of a larger matrix (outer stride > rows) is written as its own values.
  Matrix big = Matrix::Random(7, 6);
  write_matrix_npy(dir.path("block.npy"), big.block(1, 2, 4, 3));
  BOOST_TEST(bit_equal(read_matrix_npy(dir.path("block.npy"), "b"), Matrix(big.block(1, 2, 4, 3))));
}

BOOST_AUTO_TEST_CASE(writers_refuse_what_no_reader_accepts_and_leave_nothing) {
  TempDir dir;
  Matrix m = Matrix::Ones(2, 2);
  m(1, 0) = std::numeric_limits<double>::quiet_NaN();
  BOOST_CHECK_EXCEPTION(write_matrix_npy(dir.path("bad.npy"), m), InputError,
                        mentions({"non-finite value (row 2, column 1)", "bad.npy"}));
  BOOST_CHECK_EXCEPTION(write_matrix_npy(dir.path("empty.npy"), Matrix(0, 3)), InputError, mentions({"empty matrix"}));
  BOOST_TEST(dir.entries() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
