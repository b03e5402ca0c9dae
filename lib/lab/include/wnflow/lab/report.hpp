#pragma once
// The report of a reproduction run: report.md and a self-contained report.html (figures
// inline as SVG, no external files needed) with the parameters, every experiment's figure and
// summary, the verification table, the wall time and the build.
#include <string>
#include <vector>
#include <wnflow/lab/figure.hpp>
#include <wnflow/lab/table.hpp>
#include <wnflow/lab/verify.hpp>

namespace wnflow {

// One experiment: its text, every figure it drew, one summary table and its wall time.
struct ReportSection {
  std::string title;         // "E1 relative error vs α"
  std::string text;          // what it shows (markdown paragraph; plain text in HTML)
  std::vector<FigureFiles> figures;  // in config order; paths relative to the report directory or absolute
  Table summary;             // a small table printed under the figures (may be empty)
  std::string config_json;   // the experiment config actually run
  double wall_seconds = 0;
  // Cells in the experiment and how many of them an earlier, interrupted run had journaled:
  // the wall time then covers only the rest, and the report says so.
  std::size_t cells = 0, resumed = 0;
};

// "1.1 s", or "1.1 s (1815 of 1815 cells taken from the journal of an earlier run, not computed
// in this time)" when cells were resumed.
std::string section_time_text(const ReportSection& s);

struct Report {
  std::string title = "wnflow reproduction";
  std::vector<std::pair<std::string, std::string>> parameters;  // shown as a key/value table
  std::vector<ReportSection> sections;
  VerifyReport verification;  // the checks of `verify --quick`
  double wall_seconds = 0;
  std::string build;         // version and git commit
};

// Writes <dir>/report.md and <dir>/report.html atomically. Figure paths in the markdown are
// made relative to dir; SVGs are read and inlined into the HTML (InputError if one is missing).
void write_report(const Report& report, const std::string& dir);

}  // namespace wnflow
