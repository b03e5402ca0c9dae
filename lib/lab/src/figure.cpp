#include <wnflow/lab/figure.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>
#include <utility>

#include <gnuplot-iostream.h>

#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>

namespace wnflow {

namespace fs = std::filesystem;
using nlohmann::json;

// ----------------------------------------------------------------------------------------------
// Parsing the spec
// ----------------------------------------------------------------------------------------------
namespace {

[[noreturn]] void bad_key(const std::string& where, const std::string& key, const std::string& what) {
  throw InputError(where + ": figure." + key + " " + what);
}

std::string string_value(const json& j, const std::string& key, const std::string& where) {
  if (!j.is_string()) bad_key(where, key, "must be a string");
  return j.get<std::string>();
}

// A column list: one name or an array of names, none empty.
std::vector<std::string> column_list(const json& j, const std::string& key, const std::string& where) {
  std::vector<std::string> out;
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
  } else if (j.is_array()) {
    for (const auto& e : j) {
      if (!e.is_string()) bad_key(where, key, "must be a string or an array of strings");
      out.push_back(e.get<std::string>());
    }
  } else {
    bad_key(where, key, "must be a string or an array of strings");
  }
  if (std::any_of(out.begin(), out.end(), [](const std::string& s) { return s.empty(); }))
    bad_key(where, key, "must not name an empty column");
  return out;
}

bool valid_stem(const std::string& s) {
  return !s.empty() && s.front() != '.' && s.front() != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
         });
}

// A reference function: gnuplot syntax restricted to arithmetic in x, so a config cannot run
// commands through the plot (gnuplot's system() and backquotes are never reachable).
bool valid_function(const std::string& f) {
  if (f.empty()) return false;
  for (std::size_t i = 0; i < f.size();) {
    const unsigned char c = static_cast<unsigned char>(f[i]);
    if ((c == 'e' || c == 'E') && i > 0 && std::isdigit(static_cast<unsigned char>(f[i - 1]))) {
      ++i;  // the exponent of a number: 1e-3
    } else if (std::isalpha(c)) {
      std::size_t j = i;
      while (j < f.size() && std::isalnum(static_cast<unsigned char>(f[j]))) ++j;
      static const std::set<std::string> allowed{"x", "exp", "log", "log10", "sqrt", "abs"};
      if (!allowed.count(f.substr(i, j - i))) return false;
      i = j;
    } else if (std::isdigit(c) || std::strchr("+-*/(). ", c) != nullptr) {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

FigureSpec parse_figure_spec(const json& j, const std::string& where) {
  if (!j.is_object()) throw InputError(where + ": figure must be a JSON object");
  FigureSpec spec;
  bool has_name = false, has_x = false, has_y = false, has_success_below = false;
  for (const auto& [key, value] : j.items()) {
    if (key == "name") {
      spec.name = string_value(value, key, where);
      if (!valid_stem(spec.name))
        bad_key(where, key, "must be a file stem of letters, digits, '_', '-' and '.', got '" + spec.name + "'");
      has_name = true;
    } else if (key == "title") {
      spec.title = string_value(value, key, where);
    } else if (key == "type") {
      const std::string t = string_value(value, key, where);
      if (t == "lines") spec.type = FigureType::lines;
      else if (t == "heatmap") spec.type = FigureType::heatmap;
      else if (t == "trajectory") spec.type = FigureType::trajectory;
      else bad_key(where, key, "must be \"lines\", \"heatmap\" or \"trajectory\", got \"" + t + "\"");
    } else if (key == "x") {
      spec.x = string_value(value, key, where);
      if (spec.x.empty()) bad_key(where, key, "must not be empty");
      has_x = true;
    } else if (key == "xlabel") {
      spec.xlabel = string_value(value, key, where);
    } else if (key == "y") {
      spec.y = column_list(value, key, where);
      if (spec.y.empty()) bad_key(where, key, "must name at least one column");
      has_y = true;
    } else if (key == "ylabel") {
      spec.ylabel = string_value(value, key, where);
    } else if (key == "logx" || key == "logy") {
      if (!value.is_boolean()) bad_key(where, key, "must be a boolean");
      (key == "logx" ? spec.logx : spec.logy) = value.get<bool>();
    } else if (key == "series") {
      spec.series = column_list(value, key, where);
    } else if (key == "panels") {
      spec.panels = column_list(value, key, where);
    } else if (key == "curves") {
      spec.curves = column_list(value, key, where);
    } else if (key == "labels") {
      if (!value.is_object()) bad_key(where, key, "must be an object of column names to display names");
      for (const auto& [column, label] : value.items())
        spec.labels[column] = string_value(label, key + "." + column, where);
    } else if (key == "z") {
      spec.z = string_value(value, key, where);
      if (spec.z.empty()) bad_key(where, key, "must not be empty");
    } else if (key == "success_below") {
      if (!value.is_number() || !std::isfinite(value.get<double>())) bad_key(where, key, "must be a finite number");
      spec.success_below = value.get<double>();
      has_success_below = true;
    } else if (key == "slope") {
      spec.slope = string_value(value, key, where);
      if (spec.slope.empty()) bad_key(where, key, "must not be empty");
    } else if (key == "where") {
      if (!value.is_object()) bad_key(where, key, "must be an object of column names to a text or an array of texts");
      for (const auto& [column, allowed] : value.items()) {
        const std::string sub = key + "." + column;
        if (allowed.is_string()) {
          spec.where[column] = {allowed.get<std::string>()};
        } else if (allowed.is_array() && !allowed.empty() &&
                   std::all_of(allowed.begin(), allowed.end(), [](const json& e) { return e.is_string(); })) {
          spec.where[column] = allowed.get<std::vector<std::string>>();
        } else {
          bad_key(where, sub, "must be a string or a non-empty array of strings");
        }
      }
    } else if (key == "references") {
      if (!value.is_array()) bad_key(where, key, "must be a list of {\"function\": ..., \"title\": ...} objects");
      for (const auto& r : value) {
        if (!r.is_object() || !r.contains("function") || !r.contains("title") || r.size() != 2)
          bad_key(where, key, "entries must be objects with exactly the keys function and title");
        FigureSpec::Reference ref{string_value(r["function"], key + ".function", where),
                                  string_value(r["title"], key + ".title", where)};
        if (!valid_function(ref.function))
          bad_key(where, key + ".function",
                  "must be a function of x of numbers, x, + - * / ** ( ) and exp, log, log10, sqrt, abs; got '" +
                      ref.function + "'");
        spec.references.push_back(ref);
      }
    } else if (key == "yrange") {
      if (!value.is_array() || value.size() != 2 ||
          !std::all_of(value.begin(), value.end(), [](const json& e) { return e.is_null() || e.is_number(); }))
        bad_key(where, key, "must be [low, high] with numbers or null (automatic)");
      spec.ymin = value[0].is_null() ? NAN : value[0].get<double>();
      spec.ymax = value[1].is_null() ? NAN : value[1].get<double>();
      for (double v : {spec.ymin, spec.ymax})
        if (std::isinf(v)) bad_key(where, key, "must hold finite numbers or null");
      if (spec.ymin >= spec.ymax) bad_key(where, key, "must have low < high");
    } else {
      throw InputError(where + ": figure." + key + " is not a figure key (name, title, type, x, xlabel, y, ylabel, "
                       "logx, logy, yrange, series, panels, curves, references, labels, z, success_below, slope, where)");
    }
  }
  if (!has_name) bad_key(where, "name", "is missing");
  if (!has_x) bad_key(where, "x", "is missing");
  if (!has_y) bad_key(where, "y", "is missing");

  // Keys that only one type reads: refusing them elsewhere catches a config that means
  // something the figure would silently not do.
  const bool lines = spec.type == FigureType::lines, heatmap = spec.type == FigureType::heatmap,
             trajectory = spec.type == FigureType::trajectory;
  if (!lines && !spec.curves.empty()) bad_key(where, "curves", "applies to \"lines\" figures only");
  if (!heatmap && !spec.z.empty()) bad_key(where, "z", "applies to \"heatmap\" figures only");
  if (!heatmap && has_success_below) bad_key(where, "success_below", "applies to \"heatmap\" figures only");
  if (!trajectory && !spec.slope.empty()) bad_key(where, "slope", "applies to \"trajectory\" figures only");
  if (heatmap && spec.z.empty()) bad_key(where, "z", "is missing (a heatmap needs the column tested against success_below)");
  if (heatmap && !spec.series.empty()) bad_key(where, "series", "does not apply to a heatmap (use panels)");
  if (heatmap && (spec.logx || spec.logy)) bad_key(where, spec.logx ? "logx" : "logy", "does not apply to a heatmap (its axes are categories)");
  if (!lines && spec.y.size() != 1) bad_key(where, "y", "must name exactly one column for this figure type");

  // A column plays one role among x, series and panels (the data file has one column per role).
  std::set<std::string> keys;
  auto claim = [&](const std::string& column, const std::string& key) {
    if (!keys.insert(column).second) bad_key(where, key, "repeats column '" + column + "' (already x, series or panels)");
  };
  claim(spec.x, "x");
  if (heatmap) claim(spec.y[0], "y");
  for (const auto& c : spec.series) claim(c, "series");
  for (const auto& c : spec.panels) claim(c, "panels");
  return spec;
}

void check_figure_columns(const FigureSpec& spec, const std::vector<std::string>& columns) {
  auto require = [&](const std::string& column, const std::string& key) {
    if (std::find(columns.begin(), columns.end(), column) != columns.end()) return;
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c;
    throw InputError("figure '" + spec.name + "': figure." + key + " names column '" + column +
                     "', which the table does not have (columns: " + list + ")");
  };
  require(spec.x, "x");
  for (const auto& c : spec.y) require(c, "y");
  for (const auto& c : spec.series) require(c, "series");
  for (const auto& c : spec.panels) require(c, "panels");
  for (const auto& c : spec.curves) require(c, "curves");
  if (!spec.z.empty()) require(spec.z, "z");
  if (!spec.slope.empty()) require(spec.slope, "slope");
  for (const auto& entry : spec.where) require(entry.first, "where");
}

// ----------------------------------------------------------------------------------------------
// Aggregation
// ----------------------------------------------------------------------------------------------
namespace {

using Key = std::vector<std::string>;

bool parse_number(const std::string& s, double& v) {
  if (s == "nan") { v = NAN; return true; }
  if (s == "inf") { v = INFINITY; return true; }
  if (s == "-inf") { v = -INFINITY; return true; }
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, v);
  return !s.empty() && r.ec == std::errc() && r.ptr == end;
}

// Order of category values: numbers by value (so depth 2 < 10 and alpha 0.01 < 0.1), numbers
// before texts, texts lexicographically; ties of equal numbers in different spellings by text.
bool value_less(const std::string& a, const std::string& b) {
  double va = 0, vb = 0;
  const bool na = parse_number(a, va) && !std::isnan(va), nb = parse_number(b, vb) && !std::isnan(vb);
  if (na && nb && va != vb) return va < vb;
  if (na != nb) return na;
  return a < b;
}

bool key_less(const Key& a, const Key& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), value_less);
}

// NaN last, so a group of rows whose x is missing sorts after every number.
bool x_less(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return !std::isnan(a) && std::isnan(b);
  return a < b;
}

Key key_of(const Table& t, std::size_t row, const std::vector<std::size_t>& cols) {
  Key k(cols.size());
  std::transform(cols.begin(), cols.end(), k.begin(), [&](std::size_t c) { return t.text(row, c); });
  return k;
}

std::vector<std::size_t> column_indices(const Table& t, const std::vector<std::string>& names) {
  std::vector<std::size_t> out(names.size());
  std::transform(names.begin(), names.end(), out.begin(), [&](const std::string& n) { return t.column(n); });
  return out;
}

// The rows that satisfy every `where` condition, in table order.
std::vector<std::size_t> selected_rows(const Table& t, const FigureSpec& spec) {
  std::vector<std::pair<std::size_t, const std::vector<std::string>*>> conditions;
  for (const auto& [column, allowed] : spec.where) conditions.emplace_back(t.column(column), &allowed);
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const bool keep = std::all_of(conditions.begin(), conditions.end(), [&](const auto& c) {
      return std::find(c.second->begin(), c.second->end(), t.text(r, c.first)) != c.second->end();
    });
    if (keep) rows.push_back(r);
  }
  return rows;
}

// The columns whose statistics a lines figure reports: y, then curves, each once.
std::vector<std::string> statistic_columns(const FigureSpec& spec) {
  std::vector<std::string> out;
  for (const auto* list : {&spec.y, &spec.curves})
    for (const auto& c : *list)
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

// Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan
// type 7, the default of R and NumPy): h = (n-1) p, q = v[floor h] + (h - floor h)(v[floor h + 1] - v[floor h]).
double quantile_sorted(const std::vector<double>& v, double p) {
  if (v.empty()) return NAN;
  const double h = (static_cast<double>(v.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  const double frac = h - static_cast<double>(lo);
  // Written so that equal neighbours (and infinities with frac 0) give the value itself.
  return frac == 0.0 ? v[lo] : v[lo] + frac * (v[hi] - v[lo]);
}

// A value as the data file holds it: on a log axis a non-positive value cannot be placed and
// is written as nan, so gnuplot leaves the point out.
std::string plotted(double v, bool log_axis) { return log_axis && v <= 0.0 ? "nan" : format_cell(v); }

// Whether gnuplot can place the value on its axis.
bool placeable(double v, bool log_axis) { return std::isfinite(v) && !(log_axis && v <= 0.0); }

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// The aggregated data of a figure, and where each curve lies in it.
struct Curve {
  Key series;                       // the series values
  std::size_t first = 0, last = 0;  // row range in the data table, inclusive
  std::size_t colour = 0;           // index of the series within its panel
  bool continuation = false;        // trajectory: a later run of the same series (x restarted)
};
// Cells that are not results, counted per panel (docs/figures.md, "Status").
struct StatusCounts {
  std::size_t not_converged = 0, diverged = 0, failed = 0;
  std::size_t total() const { return not_converged + diverged + failed; }
};
// Medians of converged cells that the axes cannot show, counted per panel and named in its title.
struct OffAxis {
  std::size_t nonpositive = 0;    // <= 0 on a log y axis
  std::size_t below = 0, above = 0;  // outside the figure's yrange
};
struct Panel {
  Key key;
  std::vector<Curve> curves;  // lines/trajectory: one per series value; heatmap: one (all cells)
  std::size_t valid = 0;      // points gnuplot can place in this panel
  StatusCounts left_out;      // cells of this panel left out of the statistics
  OffAxis off_axis;
};
struct FigureData {
  Table table;
  std::vector<Panel> panels;
  std::vector<std::string> x_values, y_values;  // heatmap: the categories along x and y
  std::size_t points = 0, skipped = 0;
  std::vector<Key> series;  // every series of the figure, sorted: its index is the colour
  std::string instance;     // "N = 60, M = 20, s = 3, 5 trials": what every point stands for
};

// The status classes of a result table's `status` column: `ok` is a result (a converged flow, a
// discrete run at its loss tolerance, the LP); `not_converged` (a flow's horizon) and
// `max_iterations` (a discrete run's cap) did not converge; `diverged`; `failed`.
enum class StatusClass { ok, not_converged, diverged, failed };
StatusClass status_class(const std::string& s) {
  if (s == "ok") return StatusClass::ok;
  if (s == "not_converged" || s == "max_iterations") return StatusClass::not_converged;
  if (s == "diverged") return StatusClass::diverged;
  return StatusClass::failed;
}

// Per group: the cells of each status class. With no `status` column every row is a result.
struct StatusSplit {
  std::vector<std::size_t> ok;
  StatusCounts other;
};
StatusSplit split_by_status(const Table& t, const std::vector<std::size_t>& rows) {
  StatusSplit out;
  if (!t.has_column("status")) {
    out.ok = rows;
    return out;
  }
  const std::size_t col = t.column("status");
  for (std::size_t r : rows) switch (status_class(t.text(r, col))) {
      case StatusClass::ok: out.ok.push_back(r); break;
      case StatusClass::not_converged: ++out.other.not_converged; break;
      case StatusClass::diverged: ++out.other.diverged; break;
      case StatusClass::failed: ++out.other.failed; break;
    }
  return out;
}

void add_counts(StatusCounts& into, const StatusCounts& c) {
  into.not_converged += c.not_converged;
  into.diverged += c.diverged;
  into.failed += c.failed;
}

// Appends data row `row` to the curve of (panel, series); rows arrive grouped by panel, then
// series. `restart` begins a new segment of the same series (drawn in the same colour).
void add_curve(FigureData& d, const Key& panel, const Key& series, std::size_t row, bool restart = false) {
  if (d.panels.empty() || d.panels.back().key != panel) d.panels.push_back({panel, {}, 0, {}, {}});
  auto& curves = d.panels.back().curves;
  if (curves.empty() || curves.back().series != series) {
    curves.push_back({series, row, row, curves.empty() ? 0 : curves.back().colour + 1, false});
  } else if (restart) {
    curves.push_back({series, row, row, curves.back().colour, true});
  }
  curves.back().last = row;
}

FigureData aggregate_lines(const Table& t, const FigureSpec& spec, const std::vector<std::size_t>& rows) {
  const auto panel_cols = column_indices(t, spec.panels), series_cols = column_indices(t, spec.series);
  const std::size_t x_col = t.column(spec.x);
  const std::vector<std::string> stats = statistic_columns(spec);
  const auto stat_cols = column_indices(t, stats);

  struct GroupKey {
    Key panel, series;
    double x;
  };
  auto group_less = [](const GroupKey& a, const GroupKey& b) {
    if (a.panel != b.panel) return key_less(a.panel, b.panel);
    if (a.series != b.series) return key_less(a.series, b.series);
    return x_less(a.x, b.x);
  };
  std::map<GroupKey, std::vector<std::size_t>, decltype(group_less)> groups(group_less);
  for (std::size_t r : rows) groups[{key_of(t, r, panel_cols), key_of(t, r, series_cols), t.number(r, x_col)}].push_back(r);

  std::vector<std::string> columns = spec.panels;
  columns.insert(columns.end(), spec.series.begin(), spec.series.end());
  columns.push_back(spec.x);
  for (const auto& c : stats)
    for (const char* suffix : {"_median", "_q1", "_q3", "_count", "_nan"}) columns.push_back(c + suffix);
  // Cells per status at each point: only the converged ones enter the statistics.
  const bool has_status = t.has_column("status");
  if (has_status)
    for (const char* c : {"ok", "not_converged", "diverged", "failed"}) columns.push_back(c);

  FigureData d{Table(columns), {}, {}, {}, 0, 0, {}, {}};
  for (const auto& [key, all_members] : groups) {
    const StatusSplit split = split_by_status(t, all_members);
    const std::vector<std::size_t>& members = split.ok;
    std::vector<std::string> cells = key.panel;
    cells.insert(cells.end(), key.series.begin(), key.series.end());
    cells.push_back(plotted(key.x, spec.logx));
    const bool x_ok = placeable(key.x, spec.logx);
    std::size_t placed = 0;
    OffAxis off_axis;
    for (std::size_t s = 0; s < stats.size(); ++s) {
      std::vector<double> values;
      for (std::size_t r : members) values.push_back(t.number(r, stat_cols[s]));
      const auto nan_count = static_cast<std::size_t>(std::count_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }));
      values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
      std::sort(values.begin(), values.end());
      const double median = quantile_sorted(values, 0.5);
      cells.push_back(plotted(median, spec.logy));
      cells.push_back(plotted(quantile_sorted(values, 0.25), spec.logy));
      cells.push_back(plotted(quantile_sorted(values, 0.75), spec.logy));
      cells.push_back(std::to_string(values.size()));
      cells.push_back(std::to_string(nan_count));
      // A y column gives a point of the figure when gnuplot can place its median; one it
      // cannot place, or that lies outside the y range, is counted for the panel's title.
      if (std::find(spec.y.begin(), spec.y.end(), stats[s]) != spec.y.end()) {
        ++(x_ok && placeable(median, spec.logy) ? placed : d.skipped);
        if (x_ok && std::isfinite(median)) {
          if (spec.logy && median <= 0) ++off_axis.nonpositive;
          else if (median < spec.ymin) ++off_axis.below;
          else if (median > spec.ymax) ++off_axis.above;
        }
      }
    }
    if (has_status)
      for (std::size_t n : {members.size(), split.other.not_converged, split.other.diverged, split.other.failed})
        cells.push_back(std::to_string(n));
    d.table.add_row(cells);
    add_curve(d, key.panel, key.series, d.table.rows() - 1);
    d.panels.back().valid += placed;
    add_counts(d.panels.back().left_out, split.other);
    d.panels.back().off_axis.nonpositive += off_axis.nonpositive;
    d.panels.back().off_axis.below += off_axis.below;
    d.panels.back().off_axis.above += off_axis.above;
    d.points += placed;
  }
  return d;
}

FigureData aggregate_heatmap(const Table& t, const FigureSpec& spec, const std::vector<std::size_t>& rows) {
  const auto panel_cols = column_indices(t, spec.panels);
  const std::size_t x_col = t.column(spec.x), y_col = t.column(spec.y[0]), z_col = t.column(spec.z);

  // Categories shared by all panels, so the panels line up cell for cell.
  std::vector<std::string> xs, ys;
  for (std::size_t r : rows) {
    xs.push_back(t.text(r, x_col));
    ys.push_back(t.text(r, y_col));
  }
  for (auto* v : {&xs, &ys}) {
    std::sort(v->begin(), v->end(), value_less);
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  auto index_of = [](const std::vector<std::string>& v, const std::string& s) {
    return static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), s, value_less) - v.begin());
  };

  struct Cell {
    std::size_t successes = 0, trials = 0;  // trials: converged cells, the only ones scored
    StatusCounts other;
  };
  auto cell_less = [](const std::tuple<Key, std::size_t, std::size_t>& a, const std::tuple<Key, std::size_t, std::size_t>& b) {
    if (std::get<0>(a) != std::get<0>(b)) return key_less(std::get<0>(a), std::get<0>(b));
    return std::make_pair(std::get<1>(a), std::get<2>(a)) < std::make_pair(std::get<1>(b), std::get<2>(b));
  };
  std::map<std::tuple<Key, std::size_t, std::size_t>, Cell, decltype(cell_less)> cells(cell_less);
  for (std::size_t r : rows) {
    Cell& c = cells[{key_of(t, r, panel_cols), index_of(xs, t.text(r, x_col)), index_of(ys, t.text(r, y_col))}];
    const StatusSplit split = split_by_status(t, {r});
    add_counts(c.other, split.other);
    if (split.ok.empty()) continue;  // not a result: counted, not scored
    ++c.trials;
    // NaN compares false: a converged run without a value is not a success.
    if (t.number(r, z_col) < spec.success_below) ++c.successes;
  }
  const bool has_status = t.has_column("status");

  std::vector<std::string> columns = spec.panels;
  for (const char* c : {"x_index", "y_index", "success", "successes", "trials"}) columns.push_back(c);
  if (has_status)
    for (const char* c : {"not_converged", "diverged", "failed"}) columns.push_back(c);
  columns.insert(columns.begin() + static_cast<std::ptrdiff_t>(spec.panels.size()), {spec.x, spec.y[0]});
  FigureData d{Table(columns), {}, xs, ys, 0, 0, {}, {}};
  for (const auto& [key, cell] : cells) {
    const auto& [panel, xi, yi] = key;
    std::vector<std::string> row = panel;
    row.push_back(xs[xi]);
    row.push_back(ys[yi]);
    row.push_back(std::to_string(xi));
    row.push_back(std::to_string(yi));
    // A cell without a converged trial has no rate: nan, drawn empty.
    row.push_back(cell.trials ? format_cell(static_cast<double>(cell.successes) / static_cast<double>(cell.trials))
                              : std::string("nan"));
    row.push_back(std::to_string(cell.successes));
    row.push_back(std::to_string(cell.trials));
    if (has_status)
      for (std::size_t n : {cell.other.not_converged, cell.other.diverged, cell.other.failed})
        row.push_back(std::to_string(n));
    d.table.add_row(row);
    add_curve(d, panel, {}, d.table.rows() - 1);
    add_counts(d.panels.back().left_out, cell.other);
    if (cell.trials) {
      ++d.panels.back().valid;
      ++d.points;
    } else {
      ++d.skipped;
    }
  }
  return d;
}

FigureData aggregate_trajectory(const Table& t, const FigureSpec& spec, const std::vector<std::size_t>& rows) {
  const auto panel_cols = column_indices(t, spec.panels), series_cols = column_indices(t, spec.series);
  const std::size_t x_col = t.column(spec.x), y_col = t.column(spec.y[0]);
  // Series sorted by key; within a series the rows keep table order (the order of the samples).
  std::vector<std::size_t> order = rows;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Key pa = key_of(t, a, panel_cols), pb = key_of(t, b, panel_cols);
    if (pa != pb) return key_less(pa, pb);
    return key_less(key_of(t, a, series_cols), key_of(t, b, series_cols));
  });

  std::vector<std::string> columns = spec.panels;
  columns.insert(columns.end(), spec.series.begin(), spec.series.end());
  columns.push_back(spec.x);
  columns.push_back(spec.y[0]);
  const bool has_status = t.has_column("status");
  if (has_status) columns.push_back("status");  // the cell's, on each of its samples
  FigureData d{Table(columns), {}, {}, {}, 0, 0, {}, {}};
  double previous_x = NAN;
  for (std::size_t r : order) {
    const Key panel = key_of(t, r, panel_cols), series = key_of(t, r, series_cols);
    std::vector<std::string> cells = panel;
    cells.insert(cells.end(), series.begin(), series.end());
    const double x = t.number(r, x_col), y = t.number(r, y_col);
    cells.push_back(plotted(x, spec.logx));
    cells.push_back(plotted(y, spec.logy));
    if (has_status) cells.push_back(t.text(r, "status"));
    d.table.add_row(cells);
    // Several trajectories in one series (trials): x going back starts a new line rather than
    // joining the end of one run to the start of the next.
    add_curve(d, panel, series, d.table.rows() - 1, x < previous_x);
    previous_x = x;
    if (placeable(x, spec.logx) && placeable(y, spec.logy)) {
      ++d.points;
      ++d.panels.back().valid;
    } else {
      ++d.skipped;
    }
  }
  return d;
}

// "N = 60, M = 20, s = 3, 5 trials": the instance columns of a result table (docs/figures.md)
// that the figure does not vary along an axis, series or panel; a column with several values
// gives its range. Empty for a table without them.
std::string instance_text(const Table& t, const FigureSpec& spec, const std::vector<std::size_t>& rows) {
  std::vector<std::string> parts;
  auto varied = [&](const std::string& c) {
    return c == spec.x || std::find(spec.series.begin(), spec.series.end(), c) != spec.series.end() ||
           std::find(spec.panels.begin(), spec.panels.end(), c) != spec.panels.end() ||
           (spec.type == FigureType::heatmap && c == spec.y[0]);
  };
  auto distinct = [&](const std::string& c) {
    std::vector<std::string> v;
    const std::size_t col = t.column(c);
    for (std::size_t r : rows) v.push_back(t.text(r, col));
    std::sort(v.begin(), v.end(), value_less);
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  for (const char* c : {"N", "M", "s"}) {
    if (!t.has_column(c) || varied(c)) continue;
    const auto v = distinct(c);
    if (!v.empty()) parts.push_back(std::string(c) + " = " + (v.size() == 1 ? v.front() : v.front() + ".." + v.back()));
  }
  if (t.has_column("trial")) {
    const std::size_t n = distinct("trial").size();
    if (n > 0) parts.push_back(std::to_string(n) + (n == 1 ? " trial" : " trials"));
  }
  return join(parts, ", ");
}

FigureData build_data(const Table& rows, const FigureSpec& spec) {
  check_figure_columns(spec, rows.columns());
  const std::vector<std::size_t> selected = selected_rows(rows, spec);
  FigureData d;
  switch (spec.type) {
    case FigureType::lines: d = aggregate_lines(rows, spec, selected); break;
    case FigureType::heatmap: d = aggregate_heatmap(rows, spec, selected); break;
    case FigureType::trajectory: d = aggregate_trajectory(rows, spec, selected); break;
  }
  // One colour per series across all panels, so that one legend serves the whole figure.
  for (const Panel& p : d.panels)
    for (const Curve& c : p.curves) d.series.push_back(c.series);
  std::sort(d.series.begin(), d.series.end(), key_less);
  d.series.erase(std::unique(d.series.begin(), d.series.end()), d.series.end());
  for (Panel& p : d.panels)
    for (Curve& c : p.curves)
      c.colour = static_cast<std::size_t>(std::lower_bound(d.series.begin(), d.series.end(), c.series, key_less) -
                                          d.series.begin());
  d.instance = instance_text(rows, spec, selected);
  return d;
}

}  // namespace

Table aggregate(const Table& rows, const FigureSpec& spec) { return build_data(rows, spec).table; }

// ----------------------------------------------------------------------------------------------
// The gnuplot script
// ----------------------------------------------------------------------------------------------
namespace {

// A gnuplot single-quoted string: no escapes are interpreted, a quote is doubled.
std::string gp_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A POSIX shell single-quoted word.
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A number as a script literal: shortest round-trip form (deterministic, exact).
std::string gp_number(double v) { return format_cell(v); }

std::string display(const FigureSpec& spec, const std::string& column) {
  const auto it = spec.labels.find(column);
  return it == spec.labels.end() ? column : it->second;
}

std::string panel_title(const FigureSpec& spec, const Panel& panel) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < panel.key.size(); ++i) parts.push_back(display(spec, spec.panels[i]) + "=" + panel.key[i]);
  std::string title = join(parts, " ");
  // Cells that are not results are left out of the statistics and counted here, never hidden.
  std::vector<std::string> counts;
  const StatusCounts& c = panel.left_out;
  if (c.not_converged) counts.push_back(std::to_string(c.not_converged) + " not converged");
  if (c.diverged) counts.push_back(std::to_string(c.diverged) + " diverged");
  if (c.failed) counts.push_back(std::to_string(c.failed) + " failed");
  // Each count on a line of its own, so a long title never runs into the next panel's.
  if (!counts.empty()) title += (title.empty() ? "" : "\n") + std::string("left out: ") + join(counts, ", ");
  // Converged medians the axes cannot show are named too, never silently dropped.
  std::vector<std::string> off;
  const OffAxis& o = panel.off_axis;
  if (o.nonpositive) off.push_back(std::to_string(o.nonpositive) + " <= 0");
  if (o.below) off.push_back(std::to_string(o.below) + " below " + gp_number(spec.ymin));
  if (o.above) off.push_back(std::to_string(o.above) + " above " + gp_number(spec.ymax));
  if (!off.empty()) title += (title.empty() ? "" : "\n") + std::string("off the axis: ") + join(off, ", ");
  return title;
}

// A series value is shown as "label=value" when the config names its column in `labels`
// (e.g. "GF alpha=0.01"), as the value alone otherwise ("GF").
std::string series_title(const FigureSpec& spec, const Key& series) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < series.size() && i < spec.series.size(); ++i) {
    const auto it = spec.labels.find(spec.series[i]);
    parts.push_back(it == spec.labels.end() ? series[i] : it->second + "=" + series[i]);
  }
  return join(parts, " ");
}

// Rows per panel x columns: the most square grid with columns >= rows (1x2, 2x2, 2x3, 3x3 ...).
std::pair<std::size_t, std::size_t> layout(std::size_t panels) {
  std::size_t cols = 1;
  while (cols * cols < panels) ++cols;
  const std::size_t rows = (panels + cols - 1) / cols;
  return {rows, cols};
}

// Okabe-Ito, a palette that survives colour-blindness and greyscale printing; gnuplot cycles it.
const char* const kColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442"};
const int kPointTypes[] = {7, 5, 9, 11, 13, 15};

std::string colour_of(std::size_t series_index) {
  return "lc " + std::to_string(series_index % std::size(kColours) + 1);
}

// A key entry without data: the line style of a whole family of curves (e.g. "dashed:
// predicted"), so the key lists each series once instead of once per style.
std::string style_entry(const std::string& style, const std::string& title) {
  return "NaN with lines lc rgb '#444444' " + style + " title " + gp_quote(title);
}

std::string curve_name(const FigureSpec& spec, const std::string& curve) {
  const auto it = spec.labels.find(curve);
  return it == spec.labels.end() ? curve + " (predicted)" : it->second;
}

// One entry of a plot's `using`: a column of the figure's data, or an expression in which `@`
// (every occurrence) stands for that column (no column: a constant such as `(0.5)`).
struct Using {
  std::string column;
  std::string expression;  // empty: the column itself
};

// Every `@` of a using expression replaced by the column reference.
std::string replace_at(std::string text, const std::string& column) {
  for (auto at = text.find('@'); at != std::string::npos; at = text.find('@', at + column.size()))
    text.replace(at, 1, column);
  return text;
}

// An element of a plot command: a function or a key entry without data (`text`), or a curve
// drawn from rows [curve->first, curve->last] of the figure's data, with what it reads from
// them (`using`) and its style.
struct PlotElement {
  std::string text;
  const Curve* curve = nullptr;
  std::vector<Using> using_entries;
  std::string style;
};

PlotElement data_element(const Curve& c, std::vector<Using> using_entries, std::string style) {
  return {"", &c, std::move(using_entries), std::move(style)};
}

PlotElement text_element(std::string text) { return {std::move(text), nullptr, {}, ""}; }

// Where the drawing commands of a figure go: the standalone script, whose plots read
// <name>.csv by column name, or the gnuplot session that renders the images, whose plots get
// their data inline (gnuplot-iostream's send1d). Both get the same commands otherwise.
class Commands {
 public:
  virtual ~Commands() = default;
  virtual void line(const std::string& command) = 0;
  virtual void plot(const std::vector<PlotElement>& elements) = 0;
};

// Point type of the k-th y column of a lines figure.
std::string point_type(std::size_t k) { return std::to_string(kPointTypes[k % std::size(kPointTypes)]); }

// Measured data: markers with quartile bars, joined by lines only when no theory curve is drawn
// over them (a line for theory, markers for data: they stay distinguishable where they coincide).
std::string data_style(const FigureSpec& spec, std::size_t colour, std::size_t k) {
  return std::string(spec.curves.empty() ? "with yerrorlines " : "with yerrorbars ") + colour_of(colour) + " pt " +
         point_type(k) + " ps 0.8 lw 1.5";
}

// Theory curves: solid for the first kind, dashed for further ones, in the series' colour.
std::string curve_style(std::size_t colour, std::size_t k) {
  return "with lines " + colour_of(colour) + " dt " + std::to_string(k + 1) + " lw 1.5";
}

const char* const kReferenceStyle = "with lines lc rgb '#000000' dt 4 lw 1.2";

std::string reference_element(const FigureSpec::Reference& r) {
  return r.function + " " + kReferenceStyle + " notitle";
}

// The legend of the whole figure, drawn once below the panels: one entry per series, one per
// kind of theory curve, one per reference.
std::vector<std::string> key_entries(const FigureSpec& spec, const FigureData& d) {
  std::vector<std::string> out;
  if (spec.type == FigureType::heatmap) return out;
  for (std::size_t i = 0; i < d.series.size(); ++i) {
    const std::string prefix = series_title(spec, d.series[i]);
    if (spec.type == FigureType::trajectory) {
      out.push_back("NaN with lines " + colour_of(i) + " lw 1.5 title " +
                    gp_quote(prefix.empty() ? display(spec, spec.y[0]) : prefix));
      continue;
    }
    for (std::size_t k = 0; k < spec.y.size(); ++k) {
      std::string title = prefix;
      if (prefix.empty() || spec.y.size() > 1) title += (title.empty() ? "" : " ") + display(spec, spec.y[k]);
      out.push_back(std::string("NaN with ") + (spec.curves.empty() ? "linespoints " : "points ") + colour_of(i) +
                    " pt " + point_type(k) + " ps 0.8 lw 1.5 title " + gp_quote(title));
    }
  }
  for (std::size_t k = 0; k < spec.curves.size(); ++k)
    out.push_back(style_entry("dt " + std::to_string(k + 1) + " lw 1.5", curve_name(spec, spec.curves[k])));
  if (!spec.slope.empty())
    out.push_back(style_entry("dt 2", spec.labels.count(spec.slope) ? spec.labels.at(spec.slope) : "slope " + spec.slope));
  for (const auto& r : spec.references) out.push_back("NaN " + std::string(kReferenceStyle) + " title " + gp_quote(r.title));
  return out;
}

void lines_panel(Commands& out, const FigureSpec& spec, const Panel& panel) {
  std::vector<PlotElement> elements;
  for (const Curve& c : panel.curves)
    for (std::size_t k = 0; k < spec.y.size(); ++k) {
      const std::string& y = spec.y[k];
      elements.push_back(data_element(c, {{spec.x, ""}, {y + "_median", ""}, {y + "_q1", ""}, {y + "_q3", ""}},
                                      data_style(spec, c.colour, k) + " notitle"));
    }
  // Theory after every data series, so it is drawn over them.
  for (const Curve& c : panel.curves)
    for (std::size_t k = 0; k < spec.curves.size(); ++k)
      elements.push_back(data_element(c, {{spec.x, ""}, {spec.curves[k] + "_median", ""}},
                                      curve_style(c.colour, k) + " notitle"));
  for (const auto& r : spec.references) elements.push_back(text_element(reference_element(r)));
  out.plot(elements);
}

void trajectory_panel(Commands& out, const FigureSpec& spec, const Panel& panel, const Table& rows,
                      const std::vector<std::size_t>& selected) {
  const std::string& y = spec.y[0];
  std::vector<PlotElement> elements;
  std::vector<std::string> slope_comments;
  for (const Curve& c : panel.curves)
    elements.push_back(data_element(c, {{spec.x, ""}, {y, ""}}, "with lines " + colour_of(c.colour) + " lw 1.5 notitle"));
  if (!spec.slope.empty()) {
    // The slope line of a series: C exp(-2 λ t) through its last placeable point, over six
    // decades of the quantity, written as y_end exp(-2 λ (t - x_end)) so C never overflows.
    const auto panel_cols = column_indices(rows, spec.panels), series_cols = column_indices(rows, spec.series);
    const std::size_t x_col = rows.column(spec.x), y_col = rows.column(y), slope_col = rows.column(spec.slope);
    std::vector<std::size_t> in_panel;
    std::copy_if(selected.begin(), selected.end(), std::back_inserter(in_panel),
                 [&](std::size_t r) { return key_of(rows, r, panel_cols) == panel.key; });
    std::vector<Key> series_of(in_panel.size());
    std::transform(in_panel.begin(), in_panel.end(), series_of.begin(),
                   [&](std::size_t r) { return key_of(rows, r, series_cols); });
    for (const Curve& c : panel.curves) {
      if (c.continuation) continue;  // one slope line per series
      double x_end = NAN, y_end = NAN, lambda = NAN, x_min = INFINITY;
      for (std::size_t i = 0; i < in_panel.size(); ++i) {
        if (series_of[i] != c.series) continue;
        const std::size_t r = in_panel[i];
        const double x = rows.number(r, x_col), v = rows.number(r, y_col);
        lambda = rows.number(r, slope_col);  // the rate of the series (its last row)
        if (!placeable(x, spec.logx) || !placeable(v, spec.logy)) continue;
        x_end = x;
        y_end = v;
        x_min = std::min(x_min, x);
      }
      if (!(lambda > 0) || !std::isfinite(lambda) || !std::isfinite(x_end)) continue;
      // Clipped to the series' own time span so the line never widens the axis.
      const double x_start = std::max(x_end - std::log(1e6) / (2 * lambda), x_min);
      if (!(x_start < x_end)) continue;
      elements.push_back(text_element("[t=" + gp_number(x_start) + ":" + gp_number(x_end) + "] " + gp_number(y_end) +
                                      "*exp(-2*" + gp_number(lambda) + "*(t-(" + gp_number(x_end) + "))) with lines " +
                                      colour_of(c.colour) + " dt 2 lw 1.2 notitle"));
      slope_comments.push_back("# " + (c.series.empty() ? display(spec, y) : series_title(spec, c.series)) + ": " +
                               spec.slope + " = " + gp_number(lambda) + ", through (" + gp_number(x_end) + ", " +
                               gp_number(y_end) + ")");
    }
  }
  for (const auto& r : spec.references) elements.push_back(text_element(reference_element(r)));
  for (const auto& n : slope_comments) out.line(n);
  out.plot(elements);
}

void heatmap_panel(Commands& out, const FigureData& d, const Panel& panel) {
  const Curve& c = panel.curves.front();
  std::vector<PlotElement> elements{data_element(
      c, {{"x_index", ""}, {"y_index", ""}, {"", "(0.5)"}, {"", "(0.5)"}, {"success", ""}},
      "with boxxyerror fs solid 1.0 noborder lc palette notitle")};
  // The rate written in each cell when the grid is small enough to read it.
  if (d.x_values.size() * d.y_values.size() <= 144)
    elements.push_back(data_element(c,
                                    {{"x_index", ""},
                                     {"y_index", ""},
                                     // A cell without a converged trial reads "nan" (no rate).
                                     {"success", "(sprintf('%.2f', @))"},
                                     {"success", "(@ > 0.6 ? 0 : 0xffffff)"}},
                                    "with labels tc rgb variable font ',8' notitle"));
  out.plot(elements);
}

std::string tics(const std::vector<std::string>& values) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < values.size(); ++i) parts.push_back(gp_quote(values[i]) + " " + std::to_string(i));
  return "(" + join(parts, ", ") + ")";
}

// The figure's size in pixels: a grid of 560 x 420 panels, the title above them and the
// legend below them.
struct Layout {
  std::size_t rows = 1, cols = 1;
  std::size_t width = 0, height = 0, title = 0, key = 0, key_columns = 1;
  std::string size() const { return std::to_string(width) + "," + std::to_string(height); }
};

constexpr std::size_t kPanelWidth = 560, kPanelHeight = 420;

Layout figure_layout(const FigureSpec& spec, const FigureData& d) {
  Layout l;
  std::tie(l.rows, l.cols) = layout(std::max<std::size_t>(d.panels.size(), 1));
  l.width = kPanelWidth * l.cols;
  const std::size_t entries = key_entries(spec, d).size();
  // Each legend entry gets about 190 pixels; a row of entries 18 pixels.
  l.key_columns = std::max<std::size_t>(1, std::min(entries, l.width / 190));
  const std::size_t key_rows = entries ? (entries + l.key_columns - 1) / l.key_columns : 0;
  l.key = key_rows ? 18 * key_rows + 16 : 0;
  l.title = d.instance.empty() ? 30 : 46;
  l.height = kPanelHeight * l.rows + l.title + l.key;
  return l;
}

// A gnuplot double-quoted string (the multiplot title, whose two lines need "\n").
std::string gp_dquote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string fraction(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.5f", v);
  return text;
}

// The settings of every image, repeated before each (the legend strip changes some of them).
std::vector<std::string> settings(const FigureSpec& spec, const FigureData& d) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < std::size(kColours); ++i)
    out.push_back("set linetype " + std::to_string(i + 1) + " lc rgb " + gp_quote(kColours[i]));
  out.push_back("set linetype cycle " + std::to_string(std::size(kColours)));
  out.push_back("set style line 100 lc rgb '#dddddd' lw 1");
  out.push_back("set border");
  out.push_back("set tics");
  out.push_back("set grid back ls 100");
  out.push_back("unset key");
  out.push_back("set samples 200");
  out.push_back("set xlabel " + gp_quote(spec.xlabel.empty() ? display(spec, spec.x) : spec.xlabel));
  out.push_back("set ylabel " +
                gp_quote(!spec.ylabel.empty() ? spec.ylabel : spec.y.size() == 1 ? display(spec, spec.y[0]) : std::string()));
  out.push_back("unset logscale");
  if (spec.logx) {
    out.push_back("set logscale x");
    out.push_back("set format x '1e%L'");
  }
  if (spec.logy) {
    out.push_back("set logscale y");
    out.push_back("set format y '1e%L'");
  }
  if (spec.type == FigureType::heatmap) {
    char bar[64];
    std::snprintf(bar, sizeof bar, "%g", spec.success_below);
    out.push_back("set cbrange [0:1]");
    out.push_back("set cblabel " + gp_quote("fraction with " + display(spec, spec.z) + " < " + bar));
    out.push_back("set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', 1 '#fde725')");
    out.push_back("set xrange [-0.5:" + gp_number(static_cast<double>(d.x_values.size()) - 0.5) + "]");
    out.push_back("set yrange [-0.5:" + gp_number(static_cast<double>(d.y_values.size()) - 0.5) + "]");
    out.push_back("set xtics " + tics(d.x_values));
    out.push_back("set ytics " + tics(d.y_values));
    out.push_back("unset grid");
  } else {
    out.push_back("set xrange [*:*]");
    out.push_back("set yrange [" + (std::isnan(spec.ymin) ? std::string("*") : gp_number(spec.ymin)) + ":" +
                  (std::isnan(spec.ymax) ? std::string("*") : gp_number(spec.ymax)) + "]");
    // A margin around the data, so the extreme error bars do not sit on the frame.
    out.push_back("set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05");
  }
  return out;
}

std::string png_terminal(const Layout& l) {
  return "set terminal pngcairo noenhanced size " + l.size() + " font 'sans-serif,10'";
}

std::string svg_terminal(const Layout& l) {
  return "set terminal svg noenhanced size " + l.size() + " dynamic font 'sans-serif,10' background rgb 'white'";
}

// One image: the settings, then the panels and the legend placed by hand in a multiplot, on the
// terminal and output already set.
void draw_panels(Commands& out, const FigureSpec& spec, const FigureData& d, const Table& rows,
                 const std::vector<std::size_t>& selected) {
  const Layout l = figure_layout(spec, d);
  for (const std::string& command : settings(spec, d)) out.line(command);
  const std::string title = spec.title.empty() ? spec.name : spec.title;
  out.line("set multiplot title " + gp_dquote(d.instance.empty() ? title : title + "\n" + d.instance));
  const double w = static_cast<double>(l.width), h = static_cast<double>(l.height);
  for (std::size_t i = 0; i < d.panels.size(); ++i) {
    const Panel& panel = d.panels[i];
    const std::size_t row = i / l.cols, col = i % l.cols;
    out.line("set origin " + fraction(static_cast<double>(col * kPanelWidth) / w) + "," +
             fraction(static_cast<double>(l.key + (l.rows - 1 - row) * kPanelHeight) / h));
    out.line("set size " + fraction(kPanelWidth / w) + "," + fraction(kPanelHeight / h));
    out.line("set title " + gp_dquote(panel_title(spec, panel)));
    if (panel.valid == 0) {
      // gnuplot refuses a plot without a single placeable point; say so in the panel instead
      // (an invisible constant on fixed ranges that suit log axes too).
      out.line("set label 1 'no data' at graph 0.5, graph 0.5 center");
      out.line("unset xtics; unset ytics");
      out.line("plot [1:10] [1:10] 2 lc rgb 'white' notitle");
      out.line("unset label 1");
      out.line("set xtics; set ytics");
      continue;
    }
    switch (spec.type) {
      case FigureType::lines: lines_panel(out, spec, panel); break;
      case FigureType::heatmap: heatmap_panel(out, d, panel); break;
      case FigureType::trajectory: trajectory_panel(out, spec, panel, rows, selected); break;
    }
  }
  const std::vector<std::string> entries = key_entries(spec, d);
  if (!entries.empty()) {
    out.line("set origin 0,0");
    out.line("set size 1," + fraction(static_cast<double>(l.key) / h));
    out.line("unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale");
    out.line("set offsets 0, 0, 0, 0");
    out.line("set key center center horizontal Left reverse maxcols " + std::to_string(l.key_columns) + " samplen 2 width 1");
    std::vector<PlotElement> elements;
    for (const auto& e : entries) elements.push_back(text_element(e));
    out.line("set xrange [0:1]; set yrange [0:1]");
    out.plot(elements);
  }
  out.line("unset multiplot");
  out.line("set output");
}

// The standalone script: the drawing commands inside a loop over the two images; each plot
// element selects its rows of <name>.csv with `every ::first::last` and its columns by name.
class ScriptCommands : public Commands {
 public:
  explicit ScriptCommands(std::ostringstream& gp) : gp_(gp) {}
  void line(const std::string& command) override { gp_ << "  " << command << "\n"; }
  void plot(const std::vector<PlotElement>& elements) override {
    std::vector<std::string> parts;
    for (const PlotElement& e : elements) {
      if (!e.curve) {
        parts.push_back(e.text);
        continue;
      }
      std::vector<std::string> using_text;
      for (const Using& u : e.using_entries) using_text.push_back(entry(u));
      parts.push_back("data every ::" + std::to_string(e.curve->first) + "::" + std::to_string(e.curve->last) +
                      " using " + join(using_text, ":") + " " + e.style);
    }
    gp_ << "  plot " << join(parts, ", \\\n       ") << "\n";
  }

 private:
  static std::string entry(const Using& u) {
    if (u.expression.empty()) return gp_quote(u.column);
    std::string out = u.expression;
    return replace_at(out, "column(" + gp_quote(u.column) + ")");
  }
  std::ostringstream& gp_;
};

std::string build_script(const FigureSpec& spec, const FigureData& d, const Table& rows,
                         const std::vector<std::size_t>& selected) {
  const Layout l = figure_layout(spec, d);
  std::ostringstream gp;
  gp << "# " << spec.name << (spec.title.empty() ? "" : ": " + spec.title) << "\n"
     << "# Drawn by wnflow from " << spec.name << ".csv (the data exactly as plotted).\n"
     << "# Restyle: edit this file, then run `gnuplot " << spec.name << ".gp` in this directory;\n"
     << "# it rewrites " << spec.name << ".png and " << spec.name << ".svg.\n"
     << "set datafile separator ','\n"
     << "set datafile columnheaders\n"
     << "set encoding utf8\n"
     << "data = " << gp_quote(spec.name + ".csv") << "\n"
     << "if (!exists('png_out')) png_out = " << gp_quote(spec.name + ".png") << "\n"
     << "if (!exists('svg_out')) svg_out = " << gp_quote(spec.name + ".svg") << "\n";
  gp << "do for [pass = 1:2] {\n"
     << "  if (pass == 1) {\n"
     << "    " << png_terminal(l) << "\n"
     << "    set output png_out\n"
     << "  } else {\n"
     << "    " << svg_terminal(l) << "\n"
     << "    set output svg_out\n"
     << "  }\n";
  ScriptCommands commands(gp);
  draw_panels(commands, spec, d, rows, selected);
  gp << "}\n";
  return gp.str();
}

// ----------------------------------------------------------------------------------------------
// Running gnuplot
// ----------------------------------------------------------------------------------------------

// The line of gnuplot's output that says what went wrong: the first one naming a script
// line, else the first non-blank one.
std::string first_error_line(const std::string& output) {
  std::istringstream in(output);
  std::string line, first;
  while (std::getline(in, line)) {
    const auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    line = line.substr(b);
    if (line.find("\" line ") != std::string::npos) return line;
    if (first.empty() && line.front() != '^') first = line;
  }
  return first;
}

bool image_ok(const fs::path& p, bool png) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec) || fs::file_size(p, ec) == 0) return false;
  const std::string content = read_file_or_empty(p);
  if (png) return content.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
  return content.find("</svg>") != std::string::npos;
}

// Unique among the threads and processes that may draw into the same directory at once.
std::string unique_suffix() {
  static std::atomic<unsigned long> counter{0};
  return std::to_string(::getpid()) + "." + std::to_string(counter++);
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

// The gnuplot session that renders the images: the script's commands, each image drawn in turn
// (so that every plot command is followed by its own data), and each plot element's rows sent
// inline by gnuplot-iostream (send1d: one line per row, the columns the element reads, numbers
// at full precision; NaN as nan, which gnuplot leaves out as it does the CSV's nan).
class SessionCommands : public Commands {
 public:
  SessionCommands(Gnuplot& gp, const Table& data) : gp_(gp), data_(data) {}
  void line(const std::string& command) override { gp_ << command << "\n"; }
  void plot(const std::vector<PlotElement>& elements) override {
    std::vector<std::string> parts;
    std::vector<std::vector<std::vector<double>>> inline_data;
    for (const PlotElement& e : elements) {
      if (!e.curve) {
        parts.push_back(e.text);
        continue;
      }
      // The element's columns in order of first use; `using` refers to them by position.
      std::vector<std::string> columns;
      std::vector<std::string> using_text;
      for (const Using& u : e.using_entries) {
        if (u.column.empty()) {
          using_text.push_back(u.expression);
          continue;
        }
        auto it = std::find(columns.begin(), columns.end(), u.column);
        if (it == columns.end()) it = columns.insert(columns.end(), u.column);
        const std::string position = std::to_string(it - columns.begin() + 1);
        std::string text = u.expression.empty() ? position : u.expression;
        if (!u.expression.empty()) text = replace_at(text, "column(" + position + ")");
        using_text.push_back(text);
      }
      parts.push_back("'-' using " + join(using_text, ":") + " " + e.style);
      std::vector<std::vector<double>> points;
      for (std::size_t r = e.curve->first; r <= e.curve->last; ++r) {
        std::vector<double> point;
        for (const std::string& c : columns) {
          double v = NAN;
          point.push_back(parse_number(data_.text(r, data_.column(c)), v) ? v : NAN);
        }
        points.push_back(std::move(point));
      }
      inline_data.push_back(std::move(points));
    }
    gp_ << "plot " << join(parts, ", ") << "\n";
    for (const auto& points : inline_data) gp_.send1d(points);
  }

 private:
  Gnuplot& gp_;
  const Table& data_;
};

// Runs gnuplot in `dir` and draws the figure, writing the images to temporary names that are
// renamed over the targets only when both are complete.
void render(const FigureSpec& spec, const FigureData& d, const Table& rows, const std::vector<std::size_t>& selected,
            const fs::path& dir, const fs::path& png, const fs::path& svg) {
  const std::string suffix = unique_suffix();
  const fs::path png_tmp = dir / ("." + spec.name + ".png.tmp." + suffix);
  const fs::path svg_tmp = dir / ("." + spec.name + ".svg.tmp." + suffix);
  const fs::path log = dir / ("." + spec.name + ".gnuplot-log." + suffix);
  const fs::path status = dir / ("." + spec.name + ".gnuplot-status." + suffix);
  auto cleanup = [&] {
    for (const auto* p : {&png_tmp, &svg_tmp, &log, &status}) remove_quietly(*p);
  };
  auto fail = [&](const std::string& why) {
    cleanup();
    throw NumericalError("figure '" + spec.name + "': " + why);
  };

  // gnuplot's output goes to a file (never to our stdout, which may carry JSON); the shell
  // records its exit status and then drains what is left of the pipe, so that a gnuplot that
  // exits early (or is missing) never leaves us writing into a closed pipe (SIGPIPE).
  const std::string command = "gnuplot >" + sh_quote(log.string()) + " 2>&1; echo $? >" + sh_quote(status.string()) +
                              "; while read -r line; do :; done";  // shell builtins only: works without PATH
  try {
    Gnuplot gp(command);
    const Layout l = figure_layout(spec, d);
    gp << "cd " << gp_quote(dir.string()) << "\n"
       << "set encoding utf8\n";
    SessionCommands commands(gp, d.table);
    gp << png_terminal(l) << "\n"
       << "set output " << gp_quote(png_tmp.filename().string()) << "\n";
    draw_panels(commands, spec, d, rows, selected);
    gp << svg_terminal(l) << "\n"
       << "set output " << gp_quote(svg_tmp.filename().string()) << "\n";
    draw_panels(commands, spec, d, rows, selected);
    gp << "exit\n";
    // The destructor flushes and waits for the shell (pclose).
  } catch (const std::exception& e) {
    fail(std::string("cannot start gnuplot: ") + e.what());
  }

  const std::string status_text = read_file_or_empty(status);
  const int exit_status = status_text.empty() ? -1 : std::atoi(status_text.c_str());
  if (exit_status != 0) {
    const std::string message = first_error_line(read_file_or_empty(log));
    fail("gnuplot failed (exit status " + std::to_string(exit_status) + ")" + (message.empty() ? "" : ": " + message));
  }
  if (!image_ok(png_tmp, true)) fail("gnuplot left no PNG image (or an empty one)");
  if (!image_ok(svg_tmp, false)) fail("gnuplot left no SVG image (or an incomplete one)");
  std::error_code ec;
  fs::rename(png_tmp, png, ec);
  if (!ec) fs::rename(svg_tmp, svg, ec);
  if (ec) fail("cannot rename the images into place: " + ec.message());
  cleanup();
}

}  // namespace

FigureFiles draw_figure(const Table& rows, const FigureSpec& spec, const std::string& dir) {
  check_figure_columns(spec, rows.columns());
  const std::vector<std::size_t> selected = selected_rows(rows, spec);
  if (selected.empty()) {
    std::string conditions;
    for (const auto& [column, allowed] : spec.where)
      conditions += (conditions.empty() ? "" : ", ") + column + " in {" + join(allowed, ", ") + "}";
    throw InputError("figure '" + spec.name + "': no rows to draw" +
                     (rows.empty() ? std::string(" (the table is empty)") : " match figure.where (" + conditions + ")"));
  }
  const FigureData data = build_data(rows, spec);

  std::error_code ec;
  const fs::path out_dir = fs::absolute(fs::path(dir), ec);
  fs::create_directories(out_dir, ec);
  if (!fs::is_directory(out_dir)) throw InputError("figure '" + spec.name + "': cannot create directory '" + dir + "'");

  FigureFiles files;
  const fs::path stem = fs::path(dir) / spec.name;
  files.csv = stem.string() + ".csv";
  files.script = stem.string() + ".gp";
  files.png = stem.string() + ".png";
  files.svg = stem.string() + ".svg";
  write_file_atomically(files.csv, data.table.to_csv());
  write_file_atomically(files.script, build_script(spec, data, rows, selected));
  render(spec, data, rows, selected, out_dir, out_dir / (spec.name + ".png"), out_dir / (spec.name + ".svg"));
  files.points = data.points;
  files.skipped = data.skipped;
  return files;
}

}  // namespace wnflow
