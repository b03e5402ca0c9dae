#include <wnflow/lab/table.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <wnflow/model/errors.hpp>

namespace wnflow {

std::string format_cell(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

namespace {
bool valid_field(const std::string& f) { return f.find_first_of(",\"\r\n") == std::string::npos; }

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    out.emplace_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}
}  // namespace

Table::Table(std::vector<std::string> columns) : columns_(std::move(columns)) {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].empty() || !valid_field(columns_[i]))
      throw InputError("invalid column name '" + columns_[i] + "'");
    for (std::size_t j = 0; j < i; ++j)
      if (columns_[j] == columns_[i]) throw InputError("duplicated column '" + columns_[i] + "'");
  }
}

Table Table::parse(std::string_view text, const std::string& source, bool accept_partial_last_line) {
  std::vector<std::string_view> lines;
  bool partial = false;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      if (!accept_partial_last_line)
        throw InputError(source + ": line " + std::to_string(lines.size() + 1) + " is not terminated (file cut short?)");
      partial = true;
      break;
    }
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = nl + 1;
  }
  if (lines.empty()) throw InputError(source + ": no header line");
  Table t(split(lines[0]));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto fields = split(lines[i]);
    if (fields.size() != t.columns_.size())
      throw InputError(source + ": line " + std::to_string(i + 1) + " has " + std::to_string(fields.size()) +
                       " fields, the header has " + std::to_string(t.columns_.size()));
    t.cells_.push_back(std::move(fields));
  }
  t.partial_dropped_ = partial;
  return t;
}

Table Table::read(const std::string& path, bool accept_partial_last_line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open table file '" + path + "'");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError("cannot read table file '" + path + "'");
  return parse(text, "'" + path + "'", accept_partial_last_line);
}

bool Table::has_column(const std::string& name) const {
  for (const auto& c : columns_)
    if (c == name) return true;
  return false;
}

std::size_t Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i] == name) return i;
  throw InputError("no column '" + name + "' in the table");
}

double Table::number(std::size_t row, std::size_t col) const {
  const std::string& s = cells_[row][col];
  if (s.empty() || s == "nan") return NAN;
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  double v = 0;
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end)
    throw InputError("column '" + columns_[col] + "', row " + std::to_string(row + 1) + ": '" + s + "' is not a number");
  return v;
}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() != columns_.size())
    throw InputError("row of " + std::to_string(cells.size()) + " fields for a table of " +
                     std::to_string(columns_.size()) + " columns");
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (!valid_field(cells[i]))
      throw InputError("column '" + columns_[i] + "': field '" + cells[i] + "' contains ',', '\"' or a line break");
  cells_.push_back(std::move(cells));
}

std::string Table::csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += fields[i];
  }
  out += '\n';
  return out;
}

std::string Table::to_csv() const {
  std::string out = header_line();
  for (const auto& r : cells_) out += csv_line(r);
  return out;
}

RowBuilder::RowBuilder(const Table& table) : table_(&table), cells_(table.columns().size()) {}

RowBuilder& RowBuilder::set(const std::string& name, const std::string& text) {
  cells_[table_->column(name)] = text;
  return *this;
}

RowBuilder& RowBuilder::set(const std::string& name, double value) { return set(name, format_cell(value)); }

std::vector<std::string> RowBuilder::take() {
  for (auto& c : cells_)
    if (c.empty()) c = "nan";
  return std::move(cells_);
}

}  // namespace wnflow
