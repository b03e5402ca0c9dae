#pragma once
// Figures of sweep results, drawn by gnuplot through gnuplot-iostream. A FigureSpec says which
// columns of a result table go where; draw_figure aggregates the rows (median and quartiles
// over trials), writes the data behind the figure as CSV and a standalone gnuplot script that
// reads it, and renders PNG (pngcairo) and SVG in a gnuplot session that gets the same
// commands with each plot's data sent inline. A user restyles a figure by editing the script
// and running `gnuplot <name>.gp` in the figures directory: it draws the same images.
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <wnflow/lab/table.hpp>

namespace wnflow {

enum class FigureType {
  lines,       // y against x, one curve per series, points at the median with quartile bars
  heatmap,     // success rate over (x, y): fraction of rows with z < success_below
  trajectory,  // y against x per series, raw rows in order (e.g. loss against t), plus slope
};

struct FigureSpec {
  std::string name;                 // file stem: <dir>/<name>.{png,svg,csv,gp}
  std::string title;
  FigureType type = FigureType::lines;
  std::string x, xlabel;
  std::vector<std::string> y;       // lines: one set of series per column; heatmap/trajectory: y[0]
  std::string ylabel;
  bool logx = false, logy = false;
  std::vector<std::string> series;  // columns whose values tell curves apart (label "v1 v2")
  std::vector<std::string> panels;  // columns whose values split the figure into panels
  // lines: columns drawn as dashed lines through the medians (no points) in the series'
  // colour, e.g. a prediction overlaid on measured points; the key shows each style once,
  // labelled "<column> (predicted)" unless named in labels.
  std::vector<std::string> curves;
  std::map<std::string, std::string> labels;  // display names of columns (legend, axes)
  // heatmap: the column tested and the bar; rows with z NaN count as failures.
  std::string z;
  double success_below = 1e-3;
  // trajectory: a column holding a rate λ per series (read from its last row); the predicted
  // decay C exp(-2 λ t) is drawn dashed through the series' last drawable point, over six
  // decades of the quantity clipped to the series' x span; none where λ is NaN or <= 0.
  std::string slope;
  // Only rows whose column equals one of the listed texts take part (all conditions hold).
  std::map<std::string, std::vector<std::string>> where;
  // Reference functions of x drawn in every panel over the data (black, dash-dotted, keyed by
  // title), e.g. {"function": "1", "title": "x = 0 (error 1)"}. A function is gnuplot syntax in
  // x: numbers, x, + - * / ** ( ) and the functions exp, log, log10, sqrt, abs.
  struct Reference {
    std::string function, title;
  };
  std::vector<Reference> references;
  // y axis limits (NaN: automatic). Medians outside them are counted in the panel title.
  double ymin = std::numeric_limits<double>::quiet_NaN(), ymax = std::numeric_limits<double>::quiet_NaN();
};

// From the "figure" object of an experiment config. Every key is checked: an unknown key, a
// wrong type or an unknown type name is an InputError naming `where` and the key, as in
// "experiments/e1.json: figure.logx must be a boolean" (where = "experiments/e1.json").
// Required: name (a file stem), x, y. Keys that only another figure type reads are refused
// (curves: lines; z, success_below: heatmap; slope: trajectory); heatmap and trajectory take
// exactly one y column; a column serves as at most one of x, series, panels (heatmap: and y).
FigureSpec parse_figure_spec(const nlohmann::json& j, const std::string& where);
// Every column the spec names must exist in `columns` (InputError naming the column otherwise).
void check_figure_columns(const FigureSpec& spec, const std::vector<std::string>& columns);

struct FigureFiles {
  std::string png, svg, csv, script;  // paths written: <dir>/<name>.<ext>
  std::size_t points = 0;             // data points drawn (lines: medians; heatmap: cells; trajectory: samples)
  std::size_t skipped = 0;            // points left out: NaN, infinite, or non-positive on a log axis
};

// Writes <dir>/<name>.csv (the aggregated data), <dir>/<name>.gp, then draws the script's
// figure in a gnuplot session (gnuplot-iostream, the data sent inline) to produce
// <dir>/<name>.png and .svg. All files are written
// atomically (images go to temporary names, renamed when both are complete); `dir` is created
// if missing. Throws InputError for a spec that does not fit the table (a missing column, no
// row left after `where`), and NumericalError if gnuplot fails or leaves an empty or missing
// image (the message names the figure and quotes gnuplot's error line). Panels without a
// single drawable point say "no data" instead of failing. Safe to call concurrently for
// different figures. Same table and spec → byte-identical .csv and .gp. See docs/figures.md.

FigureFiles draw_figure(const Table& rows, const FigureSpec& spec, const std::string& dir);

// The aggregation draw_figure uses (its result is <name>.csv), exposed for tests. Rows are
// first filtered by `where`. Category values sort numbers by value, then texts.
//   lines: one row per (panels, series, x), sorted, with columns panels..., series..., x, then
//     for every y and curve column c: c_median, c_q1, c_q3, c_count, c_nan. NaN values are left
//     out of the statistics and counted in c_nan; c_count counts the others. Quartiles
//     interpolate linearly between order statistics (Hyndman-Fan type 7, R's and NumPy's
//     default): q(p) = v[h] + (h - floor h)(v[floor h + 1] - v[floor h]), h = (n-1) p.
//   heatmap: one row per (panels, x, y) cell: panels..., x, y, x_index, y_index (positions
//     among the sorted distinct values), success (successes / trials), successes, trials.
//   trajectory: the rows themselves (panels..., series..., x, y), grouped by (panels, series)
//     in sorted order, each series keeping table order.
// On a log axis, a value <= 0 (x, or a median/quartile on y) is written as nan so gnuplot
// leaves the point out.
Table aggregate(const Table& rows, const FigureSpec& spec);

}  // namespace wnflow
