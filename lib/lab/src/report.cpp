#include <wnflow/lab/report.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <regex>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>

namespace wnflow {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// Formatting shared by both outputs
// ---------------------------------------------------------------------------------------------

std::string seconds_text(double s) {
  char buf[64];
  if (!std::isfinite(s)) return "n/a";
  if (s < 60) std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(s / 60), static_cast<int>(std::fmod(s, 60)));
  else std::snprintf(buf, sizeof buf, "%d h %02d min", static_cast<int>(s / 3600), static_cast<int>(std::fmod(s, 3600) / 60));
  return buf;
}

std::string number_text(double v) {
  if (std::isnan(v)) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// A summary cell as shown: integers as written, other numbers to 4 significant digits (the
// full-precision values stay in the CSV files), nan as "—", text as is.
std::string cell_text(const std::string& s) {
  const bool integer = !s.empty() && std::all_of(s.begin() + (s[0] == '-' ? 1 : 0), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  }) && s != "-";
  if (integer || s.empty()) return s;
  if (s == "nan") return "—";
  double v = 0;
  std::istringstream in(s);
  in >> v;
  if (in && in.peek() == std::char_traits<char>::eof() && std::isfinite(v)) return number_text(v);
  return s;
}

// A figure path as given (absolute, or relative to the report directory; a path relative to
// the working directory is accepted too), resolved to an existing file, or empty if unset.
fs::path locate(const std::string& path, const fs::path& dir, const std::string& what) {
  if (path.empty()) return {};
  const fs::path p(path);
  std::error_code ec;
  for (const fs::path& candidate : {p.is_absolute() ? p : dir / p, fs::absolute(p)})
    if (fs::is_regular_file(candidate, ec)) return fs::weakly_canonical(candidate, ec);
  throw InputError("report: the " + what + " '" + path + "' does not exist");
}

std::string relative_to(const fs::path& file, const fs::path& dir) {
  std::error_code ec;
  const fs::path rel = file.lexically_relative(fs::weakly_canonical(dir, ec));
  return (rel.empty() ? file : rel).generic_string();
}

std::string pretty_json(const std::string& text) {
  if (text.empty()) return text;
  try {
    return nlohmann::json::parse(text).dump(2);
  } catch (const nlohmann::json::exception&) {
    return text;  // shown as given
  }
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

// A table cell: no line breaks, pipes escaped.
std::string md_cell(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string md_row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + md_cell(c) + " |";
  return out + "\n";
}

std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = md_row(header) + "|";
  for (std::size_t i = 0; i < header.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& r : rows) out += md_row(r);
  return out;
}

std::vector<std::vector<std::string>> summary_rows(const Table& t) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    std::vector<std::string> cells = t.row(r);
    std::transform(cells.begin(), cells.end(), cells.begin(), cell_text);
    rows.push_back(std::move(cells));
  }
  return rows;
}

const std::vector<std::string> kCheckHeader = {"statement", "instance", "predicted", "measured", "tolerance", "verdict", "note"};

std::vector<std::string> check_cells(const Check& c) {
  return {c.statement, c.instance, number_text(c.predicted), number_text(c.measured), number_text(c.tolerance),
          c.label(), c.note};  // IDENT for an identity by construction (verify.hpp)
}

std::string verification_counts(const VerifyReport& v) {
  return std::to_string(v.passed) + " passed, " + std::to_string(v.failed) + " failed, " + std::to_string(v.skipped) +
         " skipped, " + std::to_string(v.identities) + " identities by construction (not counted), of " +
         std::to_string(v.checks.size()) + " checks (" + seconds_text(v.wall_seconds) + ")";
}

// A figure's name for captions and alt text: its file stem (the config's figure name).
std::string figure_name(const FigureFiles& f) {
  return fs::path(f.png.empty() ? f.svg : f.png).stem().string();
}

std::string markdown(const Report& report, const std::vector<std::vector<fs::path>>& pngs, const fs::path& dir) {
  std::ostringstream md;
  md << "# " << report.title << "\n\n";
  if (!report.build.empty()) md << "Build: " << report.build << "  \n";
  md << "Total wall time: " << seconds_text(report.wall_seconds) << "\n\n";
  if (!report.parameters.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, value] : report.parameters) rows.push_back({key, value});
    md << "## Parameters\n\n" << md_table({"parameter", "value"}, rows) << "\n";
  }
  for (std::size_t i = 0; i < report.sections.size(); ++i) {
    const ReportSection& s = report.sections[i];
    md << "## " << s.title << "\n\n";
    if (!s.text.empty()) md << s.text << "\n\n";
    for (std::size_t k = 0; k < pngs[i].size(); ++k) {
      if (pngs[i][k].empty()) continue;
      // Angle brackets keep a path with spaces one link.
      const std::string link = relative_to(pngs[i][k], dir);
      const bool bracket = link.find(' ') != std::string::npos;
      std::string alt;
      for (char c : figure_name(s.figures[k])) alt += c == '[' || c == ']' ? std::string("\\") + c : std::string(1, c);
      md << "![" << alt << "](" << (bracket ? "<" + link + ">" : link) << ")\n\n";
    }
    if (!s.summary.columns().empty()) md << md_table(s.summary.columns(), summary_rows(s.summary)) << "\n";
    md << "Wall time: " << section_time_text(s) << "\n\n";
  }
  const VerifyReport& v = report.verification;
  md << "## Verification\n\n" << verification_counts(v) << "\n\n";
  if (!v.checks.empty()) {
    std::vector<std::vector<std::string>> rows;
    std::transform(v.checks.begin(), v.checks.end(), std::back_inserter(rows), check_cells);
    md << md_table(kCheckHeader, rows) << "\n";
  }
  return md.str();
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Paragraphs of plain text, split at blank lines.
std::string html_paragraphs(const std::string& text) {
  std::string out, paragraph;
  std::istringstream in(text);
  std::string line;
  auto flush = [&] {
    if (!paragraph.empty()) out += "<p>" + html_escape(paragraph) + "</p>\n";
    paragraph.clear();
  };
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) flush();
    else paragraph += (paragraph.empty() ? "" : " ") + line;
  }
  flush();
  return out;
}

std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table>\n<thead><tr>";
  for (const auto& h : header) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out += "<tr>";
    for (const auto& c : rows[r]) out += "<td>" + html_escape(c) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

// The SVG element of a gnuplot file, ready to sit inside a page next to others: the XML
// prolog and DOCTYPE (which names an external DTD) removed, and every id (and reference to
// one) prefixed, since all gnuplot SVGs define the same ids (gpPt0, gnuplot_canvas, ...).
std::string inline_svg(const std::string& svg, const std::string& prefix, const std::string& source,
                       const std::string& title) {
  const std::size_t start = svg.find("<svg");
  const std::size_t end = svg.rfind("</svg>");
  if (start == std::string::npos || end == std::string::npos || end < start)
    throw InputError("report: '" + source + "' is not an SVG image");
  std::string body = svg.substr(start, end + 6 - start);
  static const std::regex id_attr(R"((\bid\s*=\s*)(['"]))");
  static const std::regex href_ref(R"((href\s*=\s*)(['"])#)");
  static const std::regex url_ref(R"(url\(\s*#)");
  body = std::regex_replace(body, id_attr, "$1$2" + prefix);
  body = std::regex_replace(body, href_ref, "$1$2#" + prefix);
  body = std::regex_replace(body, url_ref, "url(#" + prefix);
  // gnuplot titles every image "Gnuplot" (the browser's tooltip); the section title says more.
  const std::string generic = "<title>Gnuplot</title>";
  if (const std::size_t t = body.find(generic); t != std::string::npos)
    body.replace(t, generic.size(), "<title>" + html_escape(title) + "</title>");
  return body;
}

const char* const kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1200px; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #0072b2; padding-bottom: .2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
.meta { color: #555; }
nav ul { columns: 2; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f6f9; }
tbody tr:nth-child(even) { background: #fafafa; }
tr.pass td.verdict { color: #1a7f37; font-weight: bold; }
tr.fail { background: #fde8e8 !important; }
tr.fail td.verdict { color: #b42318; font-weight: bold; }
tr.skip td.verdict { color: #8a6d00; }
tr.identity td.verdict { color: #777; }
figure { margin: 1em 0; }
figure svg { width: 100%; height: auto; border: 1px solid #eee; background: #fff; }
details { margin: 1em 0; }
pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: .85em; }
.wall { color: #555; font-size: .9em; }
)";

std::string verdict_class(const Check& c) {
  if (c.verdict == Verdict::fail) return "fail";
  if (c.kind == Kind::identity) return "identity";  // shown, not evidence: styled apart from a pass
  return c.verdict == Verdict::pass ? "pass" : "skip";
}

std::string html(const Report& report, const std::vector<std::vector<std::string>>& svgs) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>" << html_escape(report.title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
    << "<h1>" << html_escape(report.title) << "</h1>\n<p class=\"meta\">";
  if (!report.build.empty()) h << "Build: " << html_escape(report.build) << "<br>\n";
  h << "Total wall time: " << html_escape(seconds_text(report.wall_seconds)) << "</p>\n";

  h << "<nav><ul>\n";
  if (!report.parameters.empty()) h << "<li><a href=\"#parameters\">Parameters</a></li>\n";
  for (std::size_t i = 0; i < report.sections.size(); ++i)
    h << "<li><a href=\"#section-" << i + 1 << "\">" << html_escape(report.sections[i].title) << "</a></li>\n";
  h << "<li><a href=\"#verification\">Verification</a></li>\n</ul></nav>\n";

  if (!report.parameters.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, value] : report.parameters) rows.push_back({key, value});
    h << "<h2 id=\"parameters\">Parameters</h2>\n" << html_table({"parameter", "value"}, rows);
  }
  for (std::size_t i = 0; i < report.sections.size(); ++i) {
    const ReportSection& s = report.sections[i];
    h << "<section>\n<h2 id=\"section-" << i + 1 << "\">" << html_escape(s.title) << "</h2>\n" << html_paragraphs(s.text);
    for (std::size_t k = 0; k < svgs[i].size(); ++k)
      if (!svgs[i][k].empty())
        h << "<figure>\n" << svgs[i][k] << "\n<figcaption>" << html_escape(figure_name(s.figures[k]))
          << "</figcaption>\n</figure>\n";
    if (!s.summary.columns().empty()) h << html_table(s.summary.columns(), summary_rows(s.summary));
    h << "<p class=\"wall\">Wall time: " << html_escape(section_time_text(s)) << "</p>\n";
    if (!s.config_json.empty())
      h << "<details><summary>Configuration</summary>\n<pre>" << html_escape(pretty_json(s.config_json))
        << "</pre></details>\n";
    h << "</section>\n";
  }

  const VerifyReport& v = report.verification;
  h << "<h2 id=\"verification\">Verification</h2>\n<p>" << html_escape(verification_counts(v)) << "</p>\n";
  if (!v.checks.empty()) {
    h << "<table>\n<thead><tr>";
    for (const auto& c : kCheckHeader) h << "<th>" << html_escape(c) << "</th>";
    h << "</tr></thead>\n<tbody>\n";
    for (const Check& c : v.checks) {
      const auto cells = check_cells(c);
      h << "<tr class=\"" << verdict_class(c) << "\">";
      for (std::size_t k = 0; k < cells.size(); ++k)
        h << (k == 5 ? "<td class=\"verdict\">" : "<td>") << html_escape(cells[k]) << "</td>";
      h << "</tr>\n";
    }
    h << "</tbody>\n</table>\n";
  }
  h << "</body>\n</html>\n";
  return h.str();
}

}  // namespace

std::string section_time_text(const ReportSection& s) {
  std::string text = seconds_text(s.wall_seconds);
  if (s.resumed > 0)
    text += " (" + std::to_string(s.resumed) + " of " + std::to_string(s.cells) +
            " cells taken from the journal of an earlier run, not computed in this time)";
  return text;
}

void write_report(const Report& report, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) throw InputError("report: cannot create directory '" + dir + "'");
  const fs::path base = fs::absolute(dir);

  // Every figure is resolved (and its SVG read) before anything is written.
  std::vector<std::vector<fs::path>> pngs(report.sections.size());
  std::vector<std::vector<std::string>> svgs(report.sections.size());
  for (std::size_t i = 0; i < report.sections.size(); ++i)
    for (std::size_t k = 0; k < report.sections[i].figures.size(); ++k) {
      const FigureFiles& f = report.sections[i].figures[k];
      pngs[i].push_back(locate(f.png, base, "figure"));
      const fs::path svg = locate(f.svg, base, "figure");
      // Every inlined SVG gets its own id prefix: gnuplot's SVGs all define the same ids.
      const std::string prefix = "f" + std::to_string(i + 1) + "-" + std::to_string(k + 1) + "-";
      svgs[i].push_back(svg.empty() ? std::string()
                                    : inline_svg(read_file(svg), prefix, svg.string(),
                                                 report.sections[i].title + ": " + figure_name(f)));
    }
  write_file_atomically((fs::path(dir) / "report.md").string(), markdown(report, pngs, base));
  write_file_atomically((fs::path(dir) / "report.html").string(), html(report, svgs));
}

}  // namespace wnflow
