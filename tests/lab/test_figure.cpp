// Figures are the evidence of a reproduction: a spec typo must be refused with the key named,
// the statistics behind each point must be the textbook ones (checked against values worked
// out by hand), and every figure type must come out as PNG, SVG, its data and a script that
// redraws it.
#define BOOST_TEST_MODULE figure
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <wnflow/model/errors.hpp>
#include <wnflow/lab/figure.hpp>

#include "support.hpp"

namespace fs = std::filesystem;
using namespace wnflow;
using nlohmann::json;

namespace {

using wnflow::testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The message of the InputError `f` throws (fails the test if it throws nothing or another type).
template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  BOOST_FAIL("expected an InputError");
  return {};
}

Table table(std::vector<std::string> columns, const std::vector<std::vector<std::string>>& rows) {
  Table t(std::move(columns));
  for (const auto& r : rows) t.add_row(r);
  return t;
}

bool is_png(const std::string& path) {
  const std::string s = slurp(path);
  return s.size() > 8 && s.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}

bool is_svg(const std::string& path) {
  const std::string s = slurp(path);
  return s.find("<svg") != std::string::npos && s.find("</svg>") != std::string::npos;
}

// A sweep-like table: 2 algorithms x 2 signs x 3 alphas x 3 trials, error rising with alpha.
Table sweep_table() {
  Table t({"algorithm", "sign", "alpha", "trial", "relative_error", "predicted"});
  for (const std::string algorithm : {"GF", "WN"})
    for (const std::string sign : {"positive", "signed"})
      for (const std::string alpha : {"0.01", "0.1", "1"})
        for (int trial = 0; trial < 3; ++trial) {
          const double a = std::stod(alpha), scale = algorithm == "GF" ? 1.0 : 0.1;
          t.add_row({algorithm, sign, alpha, std::to_string(trial), format_cell(scale * a * (1 + 0.2 * trial)),
                     format_cell(scale * a * 1.2)});
        }
  return t;
}

FigureSpec lines_spec() {
  return parse_figure_spec(json::parse(R"({"name": "err", "title": "Error vs alpha", "x": "alpha",
      "y": "relative_error", "curves": ["predicted"], "series": ["algorithm"], "panels": ["sign"],
      "logx": true, "logy": true, "labels": {"sign": "sign", "predicted": "theory"}})"),
                           "test.json");
}

void check_outputs(const FigureFiles& f) {
  for (const auto* p : {&f.png, &f.svg, &f.csv, &f.script}) {
    BOOST_TEST_INFO(*p);
    BOOST_TEST(fs::file_size(*p) > 0u);
  }
  BOOST_TEST(is_png(f.png));
  BOOST_TEST(is_svg(f.svg));
}

// Files in the directory other than the expected ones (temporaries left behind).
std::vector<std::string> strays(const fs::path& dir, const std::vector<std::string>& stems) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    bool expected = false;
    for (const auto& s : stems)
      for (const char* ext : {".png", ".svg", ".csv", ".gp"}) expected = expected || n == s + ext;
    if (!expected) out.push_back(n);
  }
  return out;
}

// The images are rendered with the data sent inline; the script, rerun by plain gnuplot on the
// CSV, must draw the same images.
void check_script_redraws(const FigureFiles& f, const TempDir& tmp, const std::string& stem) {
  const std::string png = slurp(f.png), svg = slurp(f.svg);
  fs::remove(f.png);
  fs::remove(f.svg);
  const std::string command = "cd '" + tmp.str() + "' && gnuplot " + stem + ".gp >/dev/null 2>&1";
  BOOST_TEST(std::system(command.c_str()) == 0);
  BOOST_TEST(slurp(f.svg) == svg);
  BOOST_TEST(slurp(f.png) == png);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parse)

BOOST_AUTO_TEST_CASE(every_key_is_read) {
  const FigureSpec s = parse_figure_spec(json::parse(R"({"name": "e3", "title": "T", "type": "trajectory",
      "x": "t", "xlabel": "time", "y": "loss", "ylabel": "L", "logx": true, "logy": false,
      "series": "algorithm", "panels": ["depth", "sign"], "labels": {"depth": "L"}, "slope": "rate",
      "where": {"sign": "positive", "depth": ["2", "3"]}})"),
                                         "e3.json");
  BOOST_TEST(s.name == "e3");
  BOOST_TEST(s.title == "T");
  BOOST_TEST((s.type == FigureType::trajectory));
  BOOST_TEST(s.x == "t");
  BOOST_TEST(s.xlabel == "time");
  BOOST_TEST(s.y == std::vector<std::string>{"loss"});
  BOOST_TEST(s.ylabel == "L");
  BOOST_TEST(s.logx);
  BOOST_TEST(!s.logy);
  BOOST_TEST(s.series == std::vector<std::string>{"algorithm"});
  BOOST_TEST(s.panels == (std::vector<std::string>{"depth", "sign"}));
  BOOST_TEST(s.labels.at("depth") == "L");
  BOOST_TEST(s.slope == "rate");
  BOOST_TEST(s.where.at("sign") == std::vector<std::string>{"positive"});
  BOOST_TEST(s.where.at("depth") == (std::vector<std::string>{"2", "3"}));

  const FigureSpec h = parse_figure_spec(
      json::parse(R"({"name": "e5", "type": "heatmap", "x": "s", "y": "M", "z": "err", "success_below": 0.01})"), "e5.json");
  BOOST_TEST((h.type == FigureType::heatmap));
  BOOST_TEST(h.z == "err");
  BOOST_TEST(h.success_below == 0.01);
  const FigureSpec l = parse_figure_spec(json::parse(R"({"name": "e1", "x": "a", "y": ["b", "c"]})"), "e1.json");
  BOOST_TEST((l.type == FigureType::lines));
  BOOST_TEST(l.y == (std::vector<std::string>{"b", "c"}));
}

BOOST_AUTO_TEST_CASE(errors_name_the_source_and_the_key) {
  auto message = [](const std::string& text) {
    return input_error([&] { parse_figure_spec(json::parse(text), "experiments/e1.json"); });
  };
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "logx": "yes"})") ==
             "experiments/e1.json: figure.logx must be a boolean");
  const std::string unknown = message(R"({"name": "a", "x": "x", "y": "y", "colour": "red"})");
  BOOST_TEST(unknown.find("experiments/e1.json: figure.colour is not a figure key") == 0u);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "type": "bars"})").find("figure.type must be") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": 3})").find("figure.y must be a string or an array") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "series": ["s", 1]})").find("figure.series") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "labels": {"x": 2}})").find("figure.labels.x must be a string") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "where": {"sign": 1}})").find("figure.where.sign") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "where": []})").find("figure.where must be an object") != std::string::npos);
  BOOST_TEST(message(R"({"x": "x", "y": "y"})") == "experiments/e1.json: figure.name is missing");
  BOOST_TEST(message(R"({"name": "a", "y": "y"})") == "experiments/e1.json: figure.x is missing");
  BOOST_TEST(message(R"({"name": "a/b", "x": "x", "y": "y"})").find("figure.name must be a file stem") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "type": "heatmap"})").find("figure.z is missing") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "slope": "r"})").find("figure.slope applies to") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "success_below": "small"})").find("figure.success_below") != std::string::npos);
  BOOST_TEST(message(R"({"name": "a", "x": "x", "y": "y", "series": "x"})").find("figure.series repeats column 'x'") != std::string::npos);
  BOOST_TEST(message(R"([1, 2])") == "experiments/e1.json: figure must be a JSON object");
}

BOOST_AUTO_TEST_CASE(missing_columns_are_named) {
  const FigureSpec s = lines_spec();
  const std::string m = input_error([&] { check_figure_columns(s, {"algorithm", "sign", "alpha", "relative_error"}); });
  BOOST_TEST(m.find("figure.curves names column 'predicted'") != std::string::npos);
  BOOST_TEST(m.find("'err'") != std::string::npos);
  check_figure_columns(s, sweep_table().columns());  // all present: no throw
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(aggregation)

// Values chosen so every statistic is known by hand (type 7 quartiles: h = (n-1) p):
//   GF, x=0.1: {4, 1, 3, 2, nan} -> sorted 1 2 3 4, n=4: median h=1.5 -> 2.5,
//              q1 h=0.75 -> 1 + 0.75 = 1.75, q3 h=2.25 -> 3 + 0.25 = 3.25; one nan
//   GF, x=1:   {30, 10, 20}      -> median 20, q1 h=0.5 -> 15, q3 h=1.5 -> 25
//   WN, x=0.1: {5}               -> 5, 5, 5
//   WN, x=1:   {nan, nan}        -> no value: nan statistics, count 0, nan 2
BOOST_AUTO_TEST_CASE(lines_medians_and_quartiles_by_hand) {
  const Table rows = table({"algorithm", "x", "err"}, {{"WN", "1", "nan"},
                                                       {"GF", "1", "30"},
                                                       {"GF", "0.1", "4"},
                                                       {"GF", "0.1", "1"},
                                                       {"WN", "0.1", "5"},
                                                       {"GF", "0.1", "3"},
                                                       {"GF", "1", "10"},
                                                       {"GF", "0.1", "2"},
                                                       {"WN", "1", "nan"},
                                                       {"GF", "0.1", "nan"},
                                                       {"GF", "1", "20"}});
  const FigureSpec spec =
      parse_figure_spec(json::parse(R"({"name": "f", "x": "x", "y": "err", "series": "algorithm"})"), "t");
  const Table a = aggregate(rows, spec);
  BOOST_TEST(a.columns() == (std::vector<std::string>{"algorithm", "x", "err_median", "err_q1", "err_q3", "err_count", "err_nan"}));
  const std::string expected =
      "algorithm,x,err_median,err_q1,err_q3,err_count,err_nan\n"
      "GF,0.1,2.5,1.75,3.25,4,1\n"
      "GF,1,20,15,25,3,0\n"
      "WN,0.1,5,5,5,1,0\n"
      "WN,1,nan,nan,nan,0,2\n";
  BOOST_TEST(a.to_csv() == expected);
}

BOOST_AUTO_TEST_CASE(lines_order_where_and_log_axes) {
  // Panels sort numerically (depth 2 before 10); `where` keeps only sign=positive; on a log y
  // axis a median of 0 is written as nan; curves get their own statistics.
  const Table rows = table({"depth", "sign", "alpha", "err", "pred"}, {{"10", "positive", "1", "0", "1"},
                                                                      {"2", "positive", "1", "8", "2"},
                                                                      {"2", "signed", "1", "100", "3"},
                                                                      {"2", "positive", "1", "6", "4"},
                                                                      {"2", "positive", "0.5", "7", "5"}});
  const FigureSpec spec = parse_figure_spec(json::parse(R"({"name": "f", "x": "alpha", "y": "err", "curves": "pred",
      "panels": "depth", "logy": true, "where": {"sign": "positive"}})"), "t");
  const std::string expected =
      "depth,alpha,err_median,err_q1,err_q3,err_count,err_nan,pred_median,pred_q1,pred_q3,pred_count,pred_nan\n"
      "2,0.5,7,7,7,1,0,5,5,5,1,0\n"
      "2,1,7,6.5,7.5,2,0,3,2.5,3.5,2,0\n"
      "10,1,nan,nan,nan,1,0,1,1,1,1,0\n";
  BOOST_TEST(aggregate(rows, spec).to_csv() == expected);
}

BOOST_AUTO_TEST_CASE(heatmap_success_fraction) {
  // NaN is a failure; the bar is strict (z < success_below).
  const Table rows = table({"algo", "s", "M", "err"}, {{"GF", "1", "10", "1e-5"},
                                                      {"GF", "1", "10", "0.5"},
                                                      {"GF", "1", "10", "nan"},
                                                      {"GF", "2", "10", "0.001"},
                                                      {"GF", "1", "20", "0"},
                                                      {"WN", "2", "20", "1e-4"}});
  const FigureSpec spec = parse_figure_spec(
      json::parse(R"({"name": "h", "type": "heatmap", "x": "s", "y": "M", "z": "err", "panels": "algo"})"), "t");
  const std::string expected =
      "algo,s,M,x_index,y_index,success,successes,trials\n"
      "GF,1,10,0,0,0.3333333333333333,1,3\n"
      "GF,1,20,0,1,1,1,1\n"
      "GF,2,10,1,0,0,0,1\n"
      "WN,2,20,1,1,1,1,1\n";
  BOOST_TEST(aggregate(rows, spec).to_csv() == expected);
}

BOOST_AUTO_TEST_CASE(trajectory_keeps_sample_order) {
  const Table rows = table({"cell", "t", "loss"}, {{"b", "0", "1"},
                                                  {"a", "0", "2"},
                                                  {"b", "1", "0.5"},
                                                  {"a", "1", "0.25"},
                                                  {"a", "2", "-1"}});
  const FigureSpec spec = parse_figure_spec(
      json::parse(R"({"name": "t", "type": "trajectory", "x": "t", "y": "loss", "series": "cell", "logy": true})"), "t");
  BOOST_TEST(aggregate(rows, spec).to_csv() == "cell,t,loss\na,0,2\na,1,0.25\na,2,nan\nb,0,1\nb,1,0.5\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(drawing)

BOOST_AUTO_TEST_CASE(lines_figure_files_and_determinism) {
  TempDir tmp;
  const Table rows = sweep_table();
  const FigureSpec spec = lines_spec();
  const FigureFiles f = draw_figure(rows, spec, tmp.str());
  check_outputs(f);
  BOOST_TEST(f.png == (tmp.dir / "err.png").string());
  BOOST_TEST(f.points == 12u);  // 2 panels x 2 series x 3 alphas
  BOOST_TEST(slurp(f.csv) == aggregate(rows, spec).to_csv());
  const std::string script = slurp(f.script);
  BOOST_TEST(script.find("set datafile separator ','") != std::string::npos);
  BOOST_TEST(script.find("'err.csv'") != std::string::npos);
  BOOST_TEST(script.find("pngcairo") != std::string::npos);
  BOOST_TEST(script.find("set terminal svg") != std::string::npos);
  // With a theory curve the data are markers (no joining line) and the theory a line.
  BOOST_TEST(script.find("yerrorbars") != std::string::npos);
  BOOST_TEST(script.find("yerrorlines") == std::string::npos);
  BOOST_TEST(script.find("\"sign=positive\"") != std::string::npos);
  // Theory is drawn over the data: in each panel's plot every data series comes first.
  const auto first_plot = script.find("  plot "), second_plot = script.find("  plot ", first_plot + 1);
  std::string panel = script.substr(first_plot, second_plot - first_plot);
  panel = panel.substr(0, panel.find("\n  set title"));
  BOOST_TEST(panel.rfind("yerrorbars") < panel.find("'predicted_median' with lines"));
  BOOST_TEST(panel.find(" title ") == std::string::npos);  // panels have no key of their own
  // One legend for the figure: one entry per series, one for the style of the predicted curves,
  // drawn once (the script draws it for each image in its loop).
  BOOST_TEST(script.find("title 'GF'") != std::string::npos);
  BOOST_TEST(script.find("dt 1 lw 1.5 title 'theory'") != std::string::npos);
  std::size_t keys = 0;
  for (auto at = script.find("set key center"); at != std::string::npos; at = script.find("set key center", at + 1)) ++keys;
  BOOST_TEST(keys == 1u);
  BOOST_TEST(script.find(tmp.str()) == std::string::npos);  // relative paths only

  // Same table, another directory: byte-identical data and script.
  TempDir other;
  const FigureFiles g = draw_figure(rows, spec, other.str());
  BOOST_TEST(slurp(g.csv) == slurp(f.csv));
  BOOST_TEST(slurp(g.script) == slurp(f.script));
  BOOST_TEST(strays(tmp.dir, {"err"}).empty());
}

BOOST_AUTO_TEST_CASE(heatmap_figure) {
  TempDir tmp;
  Table rows({"algorithm", "s", "M", "trial", "relative_error"});
  for (const std::string algorithm : {"GF", "WN", "l1"})
    for (int s = 1; s <= 4; ++s)
      for (int m = 8; m <= 32; m += 8)
        for (int trial = 0; trial < 3; ++trial)
          rows.add_row({algorithm, std::to_string(s), std::to_string(m), std::to_string(trial),
                        format_cell(m >= 6 * s + 2 * trial ? 1e-6 : 0.3)});
  const FigureSpec spec = parse_figure_spec(json::parse(R"({"name": "phase", "type": "heatmap", "title": "Success",
      "x": "s", "y": "M", "z": "relative_error", "panels": ["algorithm"]})"), "t");
  const FigureFiles f = draw_figure(rows, spec, tmp.str());
  check_outputs(f);
  BOOST_TEST(f.points == 48u);  // 3 panels x 16 cells
  // 3 panels on a 2 x 2 grid: the third starts the second row at the left; no legend strip.
  const std::string script = slurp(f.script);
  std::size_t origins = 0;
  for (auto at = script.find("set origin"); at != std::string::npos; at = script.find("set origin", at + 1)) ++origins;
  BOOST_TEST(origins == 3u);  // one per panel (the script loops over the two images)
  BOOST_TEST(script.find("set origin 0.50000,") != std::string::npos);
  BOOST_TEST(script.find("set key center") == std::string::npos);
  check_script_redraws(f, tmp, "phase");
}

BOOST_AUTO_TEST_CASE(trajectory_figure_with_slope) {
  TempDir tmp;
  Table rows({"cell", "sample_t", "sample_loss", "rate"});
  // Two series decaying like exp(-2 rate t), one with a rate that cannot be drawn (NaN), and
  // a second run of "fast" (t restarts) that must not be joined to the first.
  for (const auto& [cell, rate] : std::vector<std::pair<std::string, double>>{{"fast", 0.5}, {"slow", 0.05}, {"none", NAN}})
    for (int run = 0; run < (cell == "fast" ? 2 : 1); ++run)
      for (int k = 0; k <= 40; ++k) {
        const double t = k * 2.0;
        const double r = std::isnan(rate) ? 0.1 : rate;
        rows.add_row({cell, format_cell(t), format_cell((1 + run) * std::exp(-2 * r * t)), format_cell(rate)});
      }
  const FigureSpec spec = parse_figure_spec(json::parse(R"({"name": "traj", "type": "trajectory", "x": "sample_t",
      "y": "sample_loss", "series": "cell", "slope": "rate", "logy": true, "labels": {"rate": "T5"}})"), "t");
  const FigureFiles f = draw_figure(rows, spec, tmp.str());
  check_outputs(f);
  const std::string script = slurp(f.script);
  // One slope line for each series with a positive rate: fast and slow, not none.
  std::size_t slopes = 0;
  for (std::size_t p = script.find("[t="); p != std::string::npos; p = script.find("[t=", p + 1)) ++slopes;
  BOOST_TEST(slopes == 2u);
  BOOST_TEST(script.find("# fast: rate = 0.5, through (80, ") != std::string::npos);
  BOOST_TEST(script.find("title 'T5'") != std::string::npos);
  // The slope of "slow" spans six decades back from its last point: ln(1e6) / (2 0.05) = 138.2 > 80,
  // so it is clipped to the series' first time, 0.
  BOOST_TEST(script.find("[t=0:80]") != std::string::npos);
  BOOST_TEST(script.find("notitle") != std::string::npos);  // the second run of "fast"
  check_script_redraws(f, tmp, "traj");
}

BOOST_AUTO_TEST_CASE(all_nan_panel_says_no_data) {
  TempDir tmp;
  const Table rows = table({"p", "x", "y"}, {{"a", "1", "1"}, {"a", "2", "2"}, {"b", "1", "nan"}, {"b", "2", "-1"}});
  const FigureSpec spec =
      parse_figure_spec(json::parse(R"({"name": "gaps", "x": "x", "y": "y", "panels": "p", "logy": true})"), "t");
  const FigureFiles f = draw_figure(rows, spec, tmp.str());
  check_outputs(f);
  BOOST_TEST(f.points == 2u);
  BOOST_TEST(f.skipped == 2u);
  BOOST_TEST(slurp(f.script).find("'no data'") != std::string::npos);
  check_script_redraws(f, tmp, "gaps");
}

BOOST_AUTO_TEST_CASE(script_rerun_reproduces_the_images) {
  TempDir tmp;
  const FigureFiles f = draw_figure(sweep_table(), lines_spec(), tmp.str());
  const std::string png = slurp(f.png), svg = slurp(f.svg);
  fs::remove(f.png);
  fs::remove(f.svg);
  const std::string command = "cd '" + tmp.str() + "' && gnuplot err.gp >/dev/null 2>&1";
  BOOST_TEST(std::system(command.c_str()) == 0);
  BOOST_TEST(is_png(f.png));
  BOOST_TEST(is_svg(f.svg));
  BOOST_TEST(slurp(f.svg) == svg);  // gnuplot's SVG is deterministic
  BOOST_TEST(slurp(f.png).size() == png.size());
  BOOST_TEST(slurp(f.png) == png);
}

BOOST_AUTO_TEST_CASE(concurrent_figures) {
  TempDir tmp;
  const Table rows = sweep_table();
  std::vector<FigureSpec> specs;
  for (int i = 0; i < 4; ++i) {
    FigureSpec s = lines_spec();
    s.name = "fig" + std::to_string(i);
    specs.push_back(s);
  }
  std::vector<FigureFiles> files(specs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < specs.size(); ++i)
    threads.emplace_back([&, i] { files[i] = draw_figure(rows, specs[i], tmp.str()); });
  for (auto& t : threads) t.join();
  for (const auto& f : files) check_outputs(f);
  BOOST_TEST(strays(tmp.dir, {"fig0", "fig1", "fig2", "fig3"}).empty());
}

BOOST_AUTO_TEST_CASE(failures_are_reported) {
  TempDir tmp;
  const Table rows = sweep_table();
  FigureSpec spec = lines_spec();
  // No row left after `where`: an input error naming the condition.
  spec.where["sign"] = {"postive"};
  const std::string m = input_error([&] { draw_figure(rows, spec, tmp.str()); });
  BOOST_TEST(m.find("no rows to draw") != std::string::npos);
  BOOST_TEST(m.find("postive") != std::string::npos);

  // gnuplot missing from PATH: a numerical error naming the figure, and no images left behind.
  spec.where.clear();
  const std::string path = std::getenv("PATH");
  ::setenv("PATH", "/nonexistent", 1);
  std::string message;
  try {
    draw_figure(rows, spec, tmp.str());
  } catch (const NumericalError& e) {
    message = e.what();
  }
  ::setenv("PATH", path.c_str(), 1);
  BOOST_TEST(message.find("figure 'err'") == 0u);
  BOOST_TEST(message.find("exit status 127") != std::string::npos);
  BOOST_TEST(!fs::exists(tmp.dir / "err.png"));
  BOOST_TEST(strays(tmp.dir, {"err"}).empty());
}

BOOST_AUTO_TEST_SUITE_END()

// A `status` column: only converged (ok) cells enter the statistics; every point's data row
// counts its cells per status; the panel title counts what was left out; a heatmap cell without
// a converged trial has no rate (nan) instead of a rate of 0.
BOOST_AUTO_TEST_CASE(status_is_counted_never_aggregated) {
  const Table rows = table({"algorithm", "x", "err", "status"}, {{"GF", "1", "1", "ok"},
                                                                 {"GF", "1", "2", "ok"},
                                                                 {"GF", "1", "3", "ok"},
                                                                 {"GF", "1", "1000", "not_converged"},
                                                                 {"GF", "1", "nan", "diverged"},
                                                                 {"GF", "2", "5", "max_iterations"},
                                                                 {"GF", "2", "nan", "failed"}});
  const FigureSpec spec =
      parse_figure_spec(json::parse(R"({"name": "s", "x": "x", "y": "err", "series": "algorithm"})"), "t");
  const std::string expected =
      "algorithm,x,err_median,err_q1,err_q3,err_count,err_nan,ok,not_converged,diverged,failed\n"
      "GF,1,2,1.5,2.5,3,0,3,1,1,0\n"
      "GF,2,nan,nan,nan,0,0,0,1,0,1\n";
  BOOST_TEST(aggregate(rows, spec).to_csv() == expected);
  TempDir tmp;
  const FigureFiles f = draw_figure(rows, spec, tmp.str());
  BOOST_TEST(slurp(f.script).find("\"left out: 2 not converged, 1 diverged, 1 failed\"") != std::string::npos);
  BOOST_TEST(f.points == 1u);

  const Table cells = table({"s", "M", "err", "status"}, {{"1", "10", "1e-5", "ok"},
                                                         {"1", "10", "0.5", "not_converged"},
                                                         {"2", "10", "0.5", "not_converged"}});
  const FigureSpec h = parse_figure_spec(json::parse(R"({"name": "h", "type": "heatmap", "x": "s", "y": "M", "z": "err"})"), "t");
  const std::string heat =
      "s,M,x_index,y_index,success,successes,trials,not_converged,diverged,failed\n"
      "1,10,0,0,1,1,1,1,0,0\n"
      "2,10,1,0,nan,0,0,1,0,0\n";
  BOOST_TEST(aggregate(cells, h).to_csv() == heat);
  const FigureFiles g = draw_figure(cells, h, tmp.str());
  BOOST_TEST(g.points == 1u);
  BOOST_TEST(g.skipped == 1u);
}

// References are checked arithmetic in x (a config cannot reach gnuplot's system()); yrange
// takes numbers or null; medians the axis cannot show are counted in the panel title; the title
// names the instance; a series column named in labels is shown as label=value; a series has one
// colour in every panel.
BOOST_AUTO_TEST_CASE(references_ranges_and_titles) {
  const std::string bad = input_error([] {
    parse_figure_spec(json::parse(R"j({"name": "a", "x": "x", "y": "y",
        "references": [{"function": "system('rm -rf /')", "title": "t"}]})j"), "e.json");
  });
  BOOST_TEST(bad.find("e.json: figure.references.function must be a function of x") == 0u);
  for (const char* f : {"1", "exp(-2*x)", "1e-3*x**2 + log10(x)"}) {
    json j = json::parse(R"({"name": "a", "x": "x", "y": "y"})");
    j["references"] = json::array({{{"function", f}, {"title", "t"}}});
    BOOST_CHECK_NO_THROW(parse_figure_spec(j, "e.json"));
  }
  BOOST_TEST(input_error([] {
    parse_figure_spec(json::parse(R"({"name": "a", "x": "x", "y": "y", "yrange": [1, 0.5]})"), "e.json");
  }).find("figure.yrange must have low < high") != std::string::npos);
  BOOST_TEST(input_error([] {
    parse_figure_spec(json::parse(R"({"name": "a", "x": "x", "y": "y", "yrange": ["a", 1]})"), "e.json");
  }).find("figure.yrange must be [low, high]") != std::string::npos);

  // Panel p1: GF at 1e-6 (below the range), 0 (not on a log axis), 1; panel p2 has WN only.
  const Table rows = table({"N", "M", "s", "trial", "panel", "algorithm", "alpha", "err"},
                           {{"60", "20", "3", "0", "p1", "GF", "1", "1e-6"},
                            {"60", "20", "3", "1", "p1", "GF", "2", "0"},
                            {"60", "20", "3", "0", "p1", "GF", "3", "1"},
                            {"60", "20", "3", "0", "p2", "WN", "1", "2"},
                            {"60", "20", "3", "1", "p2", "WN", "2", "3"}});
  const FigureSpec spec = parse_figure_spec(json::parse(R"({"name": "r", "x": "alpha", "y": "err",
      "series": "algorithm", "panels": "panel", "logy": true, "yrange": [1e-3, null],
      "labels": {"algorithm": "method"},
      "references": [{"function": "1", "title": "error of x = 0"}]})"), "t");
  TempDir tmp;
  const FigureFiles f = draw_figure(rows, spec, tmp.str());
  check_outputs(f);
  const std::string script = slurp(f.script);
  BOOST_TEST(script.find("\\noff the axis: 1 <= 0, 1 below 0.001\"") != std::string::npos);
  BOOST_TEST(script.find("N = 60, M = 20, s = 3, 2 trials") != std::string::npos);
  BOOST_TEST(script.find("set yrange [0.001:*]") != std::string::npos);
  BOOST_TEST(script.find("1 with lines lc rgb '#000000' dt 4 lw 1.2 notitle") != std::string::npos);
  BOOST_TEST(script.find("title 'error of x = 0'") != std::string::npos);
  BOOST_TEST(script.find("title 'method=GF'") != std::string::npos);
  // WN is the second series of the figure, so it has colour 2 in panel p2 where it is alone.
  BOOST_TEST(script.find("'err_q3' with yerrorlines lc 2") != std::string::npos);
  BOOST_TEST(script.find("'err_q3' with yerrorlines lc 1") != std::string::npos);
}
