#pragma once
// A small in-memory table with named columns: the rows of a sweep, the data behind a figure.
// Cells are text, so a table written and read back is bit-identical; numbers are formatted
// with format_cell (shortest round-trip form), missing values are "nan".
//
// CSV form: a header line of column names, then one line per row, fields separated by ',',
// LF line endings. Fields never contain ',', '"' or line breaks (add_row refuses them), so
// no quoting is needed and any CSV reader (gnuplot, pandas, spreadsheets) reads it as is.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wnflow {

// Shortest text that reads back to the same double ("nan", "inf", "-inf" for non-finite).
std::string format_cell(double v);

class Table {
 public:
  Table() = default;
  // InputError for an empty or duplicated column name, or one that is not a valid field.
  explicit Table(std::vector<std::string> columns);

  // Parses CSV text (the form described above). `source` names it in messages. A last line
  // without its newline is rejected unless accept_partial_last_line, in which case it is
  // dropped (a journal cut by a crash); partial_dropped() then says so.
  static Table parse(std::string_view text, const std::string& source, bool accept_partial_last_line = false);
  static Table read(const std::string& path, bool accept_partial_last_line = false);

  const std::vector<std::string>& columns() const { return columns_; }
  bool has_column(const std::string& name) const;
  std::size_t column(const std::string& name) const;  // InputError naming the column if absent
  std::size_t rows() const { return cells_.size(); }
  bool empty() const { return cells_.empty(); }
  bool partial_dropped() const { return partial_dropped_; }

  const std::string& text(std::size_t row, std::size_t col) const { return cells_[row][col]; }
  const std::string& text(std::size_t row, const std::string& name) const { return cells_[row][column(name)]; }
  // The cell as a number: NaN for "nan" or an empty cell; InputError for other non-numbers.
  double number(std::size_t row, std::size_t col) const;
  double number(std::size_t row, const std::string& name) const { return number(row, column(name)); }
  const std::vector<std::string>& row(std::size_t r) const { return cells_[r]; }

  // InputError if the row has the wrong length or a field contains ',', '"' or a line break.
  void add_row(std::vector<std::string> cells);

  static std::string csv_line(const std::vector<std::string>& fields);  // "a,b,c\n"
  std::string header_line() const { return csv_line(columns_); }
  std::string to_csv() const;  // header and all rows

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> cells_;
  bool partial_dropped_ = false;
};

// A builder for one row, by column name, with numbers formatted by format_cell.
class RowBuilder {
 public:
  explicit RowBuilder(const Table& table);
  RowBuilder& set(const std::string& name, const std::string& text);
  RowBuilder& set(const std::string& name, double value);
  // Every column unset so far becomes "nan" (text columns: empty is not allowed, "nan" is).
  std::vector<std::string> take();

 private:
  const Table* table_;
  std::vector<std::string> cells_;
};

}  // namespace wnflow
