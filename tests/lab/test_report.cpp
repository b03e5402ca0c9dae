// The report is what a reader opens: report.html must stand alone (figures inline, nothing
// fetched), escape whatever text the experiments carry, and report.md must link figures that
// exist.
#define BOOST_TEST_MODULE report
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <wnflow/model/errors.hpp>
#include <wnflow/lab/report.hpp>

#include "support.hpp"

namespace fs = std::filesystem;
using namespace wnflow;
using nlohmann::json;

namespace {

using wnflow::testing::TempDir;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

FigureFiles figure(const std::string& dir, const std::string& name) {
  Table rows({"algorithm", "alpha", "err"});
  for (const std::string algorithm : {"GF", "WN"})
    for (const std::string alpha : {"0.01", "0.1", "1"}) rows.add_row({algorithm, alpha, alpha});
  const FigureSpec spec = parse_figure_spec(
      json::parse(R"({"name": ")" + name + R"(", "x": "alpha", "y": "err", "series": "algorithm", "logx": true})"), "t");
  return draw_figure(rows, spec, dir);
}

Report sample_report(const fs::path& dir) {
  Report r;
  r.title = "wnflow reproduction <test>";
  r.parameters = {{"quick", "true"}, {"threads", "2"}};
  r.build = "wnflow 0.1 (abc123)";
  r.wall_seconds = 75.5;

  ReportSection e1;
  e1.title = "E1 relative error vs α & <scale>";
  e1.text = "GF recovers x* only as alpha -> 0.\n\nA second paragraph with \"quotes\".";
  // Absolute paths, as draw_figure returns them for an absolute directory.
  // Two figures in one section: the experiment appears once, with both.
  e1.figures = {figure((dir / "figures").string(), "e1"), figure((dir / "figures").string(), "e1b")};
  e1.summary = Table({"algorithm", "median error", "cells"});
  e1.summary.add_row({"GF", "0.123456789012", "12"});
  e1.summary.add_row({"WN|polar", "nan", "12"});
  e1.config_json = R"({"name": "e1", "note": "<b>not bold</b>"})";
  e1.wall_seconds = 12.3;

  ReportSection e2;
  e2.title = "E2 alpha_eff";
  e2.text = "Predicted against measured.";
  e2.figures = {figure((dir / "figures").string(), "e2")};
  // A path relative to the report directory.
  e2.figures[0].png = "figures/e2.png";
  e2.figures[0].svg = "figures/e2.svg";
  e2.wall_seconds = 3;
  e2.cells = 40;
  e2.resumed = 25;  // an interrupted run had journaled these: the time is not theirs

  ReportSection e3;  // no figure (an experiment that drew none)
  e3.title = "E3 without figure";

  r.sections = {e1, e2, e3};
  r.verification.checks = {make_check("T1 GF limit = dual X_L(alpha)", "P+ N=36 L=2", 0, 1e-9, 1e-6, Rule::difference),
                           make_check("T4 bound", "P+ N=36 L=3", 1, 2, 0.1, Rule::at_most),
                           skipped("T2 WN limit", "P+ N=36 L=2 <wn>", "did not converge"),
                           as_identity(make_check("I1 polar WN |s| = 1", "P+ N=36 L=2 wn", 0, 1e-16, 1e-8,
                                                  Rule::difference))};
  r.verification.passed = 1;
  r.verification.failed = 1;
  r.verification.skipped = 1;
  r.verification.identities = 1;
  r.verification.wall_seconds = 4;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(html_is_self_contained_and_escaped) {
  TempDir tmp;
  const Report report = sample_report(tmp.dir);
  write_report(report, tmp.dir.string());
  const std::string html = slurp(tmp.dir / "report.html");

  for (const auto& s : report.sections) {
    std::string escaped = std::regex_replace(s.title, std::regex("&"), "&amp;");
    escaped = std::regex_replace(escaped, std::regex("<"), "&lt;");
    escaped = std::regex_replace(escaped, std::regex(">"), "&gt;");
    BOOST_TEST_INFO(s.title);
    BOOST_TEST(html.find("<h2 id=\"section-") != std::string::npos);
    BOOST_TEST(html.find(">" + escaped + "</h2>") != std::string::npos);
  }
  BOOST_TEST(html.find("<title>wnflow reproduction &lt;test&gt;</title>") != std::string::npos);
  BOOST_TEST(count(html, "<svg") == 3u);  // one per figure
  BOOST_TEST(count(html, "<figcaption>") == 3u);
  BOOST_TEST(count(html, "<h2 id=\"section-") == report.sections.size());  // each experiment once
  BOOST_TEST(html.find("<?xml") == std::string::npos);
  BOOST_TEST(html.find("<!DOCTYPE svg") == std::string::npos);
  // Nothing outside the page: no src attributes, stylesheets, scripts, or links that are not
  // anchors within it.
  BOOST_TEST(html.find("src=") == std::string::npos);
  BOOST_TEST(html.find("<link") == std::string::npos);
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(!std::regex_search(html, std::regex(R"(href\s*=\s*['"][^#'"])")));
  BOOST_TEST(!std::regex_search(html, std::regex(R"(url\(\s*[^#\s])")));
  BOOST_TEST(html.find(".png") == std::string::npos);
  // The SVGs' ids do not collide, also between two figures of one section.
  BOOST_TEST(html.find("id='f1-1-gpPt0'") != std::string::npos);
  BOOST_TEST(html.find("id='f1-2-gpPt0'") != std::string::npos);
  BOOST_TEST(html.find("id='f2-1-gpPt0'") != std::string::npos);
  BOOST_TEST(html.find("id='gpPt0'") == std::string::npos);

  // Text escaped; the config in a collapsible block, escaped.
  BOOST_TEST(html.find("<p>A second paragraph with &quot;quotes&quot;.</p>") != std::string::npos);
  BOOST_TEST(html.find("<details><summary>Configuration</summary>") != std::string::npos);
  BOOST_TEST(html.find("&lt;b&gt;not bold&lt;/b&gt;") != std::string::npos);
  BOOST_TEST(html.find("<b>not bold") == std::string::npos);
  // Summary and verification tables.
  BOOST_TEST(html.find("<td>0.1235</td>") != std::string::npos);
  BOOST_TEST(html.find("<td>WN|polar</td>") != std::string::npos);
  BOOST_TEST(html.find("P+ N=36 L=2 &lt;wn&gt;") != std::string::npos);
  BOOST_TEST(html.find("<tr class=\"fail\">") != std::string::npos);
  BOOST_TEST(html.find("1 passed, 1 failed, 1 skipped, 1 identities by construction (not counted), of 4 checks") !=
             std::string::npos);
  // An identity by construction is labelled as such, not as a pass.
  BOOST_TEST(html.find("<tr class=\"identity\">") != std::string::npos);
  BOOST_TEST(html.find("<td class=\"verdict\">IDENT</td>") != std::string::npos);
  BOOST_TEST(html.find("I1 polar WN |s| = 1 (by construction)") != std::string::npos);
  BOOST_TEST(html.find("1 min 15 s") != std::string::npos);
  BOOST_TEST(html.find("wnflow 0.1 (abc123)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(markdown_links_exist) {
  TempDir tmp;
  const Report report = sample_report(tmp.dir);
  write_report(report, tmp.dir.string());
  const std::string md = slurp(tmp.dir / "report.md");

  const std::regex link(R"(!\[[^\]]*\]\(([^)]+)\))");
  std::size_t links = 0;
  for (auto it = std::sregex_iterator(md.begin(), md.end(), link); it != std::sregex_iterator(); ++it, ++links) {
    const std::string target = (*it)[1];
    BOOST_TEST_INFO(target);
    BOOST_TEST(fs::path(target).is_relative());
    BOOST_TEST(fs::is_regular_file(tmp.dir / target));
  }
  BOOST_TEST(links == 3u);
  BOOST_TEST(md.find("![e1](figures/e1.png)") != std::string::npos);
  BOOST_TEST(md.find("![e1b](figures/e1b.png)") != std::string::npos);
  // Each experiment once, its figures under one heading.
  for (const auto& s : report.sections) BOOST_TEST(count(md, "## " + s.title + "\n") == 1u);
  BOOST_TEST(md.find("![e1](figures/e1.png)") < md.find("![e1b](figures/e1b.png)"));
  BOOST_TEST(md.find("![e1b](figures/e1b.png)") < md.find("## E2 alpha_eff"));
  BOOST_TEST(md.find("| parameter | value |") != std::string::npos);
  BOOST_TEST(md.find("| WN\\|polar | — | 12 |") != std::string::npos);
  BOOST_TEST(md.find("| statement | instance | predicted | measured | tolerance | verdict | note |") != std::string::npos);
  BOOST_TEST(md.find("| T2 WN limit | P+ N=36 L=2 <wn> | — | — | — | SKIP | did not converge |") != std::string::npos);
  BOOST_TEST(md.find("Wall time: 12.3 s\n") != std::string::npos);
  BOOST_TEST(md.find("Wall time: 3.0 s (25 of 40 cells taken from the journal of an earlier run, not computed in this time)") !=
             std::string::npos);
  BOOST_TEST(md.find("Total wall time: 1 min 15 s") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_figure_is_an_input_error) {
  TempDir tmp;
  Report report = sample_report(tmp.dir);
  report.sections[1].figures[0].svg = "figures/nope.svg";
  BOOST_CHECK_THROW(write_report(report, tmp.dir.string()), InputError);
  BOOST_TEST(!fs::exists(tmp.dir / "report.html"));
}
