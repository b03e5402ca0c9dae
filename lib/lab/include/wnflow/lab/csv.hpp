#pragma once
// Plain-text CSV input and output for matrices and vectors (A, y, x*, results).
//
// Reading is strict because a silently misread entry of A changes the problem being
// solved without any visible symptom. Every defect is an InputError whose one-line
// message names the label, the file, and the line (and column, when there is one).
//
// Accepted format:
//   - one row per line, fields separated by ',' ; LF or CRLF line endings;
//   - spaces and tabs around a field are ignored; a UTF-8 byte-order mark at the start
//     of the file is ignored (spreadsheets write one);
//   - a field is a decimal or scientific number as read by std::from_chars
//     ("1", "-2.5", ".5", "5.", "1e-3", "1.5E+3"), optionally with one leading '+'
//     ("+1.5"; accepted because printf("%+g") writes it; "+-1" and "++1" are rejected);
//   - blank lines (empty or only spaces/tabs) are allowed only at the end of the file.
// Rejected: missing or unreadable file, a file with no data, rows of different lengths,
// empty fields ("1,,2", a trailing ','), anything that is not entirely one number
// ("abc", "1 2", "0x10", "1e"), NaN and infinities in any spelling, and values outside
// the range of a double (overflow such as 1e999 and underflow to zero such as 1e-400:
// the stored value would not be the one written). Blank lines before or between data
// lines are rejected too, so that the row number of A always equals the line number.
//
// Writing uses the shortest representation that reads back bit-exactly
// (std::to_chars), LF line endings, and goes through write_file_atomically, so a reader
// never sees a half-written file. Writers refuse non-finite and empty data, so every
// file they produce is accepted by the readers.
#include <string>
#include <string_view>

#include <wnflow/model/network.hpp>

namespace wnflow {

// M lines of N comma-separated numbers -> M x N matrix. `label` names the role of the
// file in messages ("A", "x*", ...): "cannot open A file 'x.csv'".
Matrix read_matrix_csv(const std::string& path, const std::string& label = "matrix");

// A vector stored either as one number per line (a column) or as one line of
// comma-separated numbers (a row). A table with more than one row and more than one
// column is rejected rather than flattened.
Vector read_vector_csv(const std::string& path, const std::string& label = "vector");

// The same readers on text already in memory (the fuzz targets under fuzz/ call these; the
// file readers feed the same parser one 64 KiB buffer of whole lines at a time). Messages name
// `label` instead of a file: "A, line 2, column 3".
Matrix parse_matrix_csv(std::string_view text, const std::string& label = "matrix");
Vector parse_vector_csv(std::string_view text, const std::string& label = "vector");

// One line per row, columns separated by ','. Throws InputError for an empty matrix,
// a non-finite entry, or a failed write.
void write_matrix_csv(const std::string& path, const Eigen::Ref<const Matrix>& m);

// One number per line (a column, the form read_vector_csv reads back).
void write_vector_csv(const std::string& path, const Eigen::Ref<const Vector>& v);

// Writes `content` to path + ".tmp.<pid>" in the same directory, flushes it to disk,
// and renames it over `path` (atomic on POSIX file systems). On any failure the
// temporary file is removed, `path` is left as it was, and InputError names `path`.
void write_file_atomically(const std::string& path, const std::string& content);

// The whole file as bytes; InputError "cannot open '<path>'" if it cannot be opened.
std::string read_file(const std::string& path);
// The whole file as bytes, or "" if it cannot be opened (for files whose absence the caller
// checks by their content, e.g. a child process's output).
std::string read_file_or_empty(const std::string& path);

}  // namespace wnflow
