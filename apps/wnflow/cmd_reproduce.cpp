// wnflow reproduce: every experiment (E1-E8) and the quick verification suite, with figures
// and a report. The README's main command runs it on the built-in defaults.
// Exit codes: 0 done and every check passed or skipped, 1 a verification check FAILed (the
// report is still written), 2 bad input (before any work), 3 a figure could not be drawn,
// 130 interrupted (rerun the same command to resume the sweeps).
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <thread>
#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/lab/report.hpp>
#include <wnflow/lab/report_screenshot.hpp>
#include <wnflow/lab/verify.hpp>

#include "builtin_experiments.hpp"
#include "commands.hpp"
#include "mpi_sweep.hpp"
#include "version.hpp"
#include "common.hpp"
#include "sweep_support.hpp"

namespace wnflow::app {

namespace {
struct ReproduceArgs {
  std::string out = "wnflow-reproduce", config, only;
  int threads = 0;
  bool quick = false, no_verify = false;
};

// --config: one experiment object, or {"experiments": [ ... ]}. The built-in defaults are the
// files of experiments/ compiled into the binary.
std::vector<Experiment> load_experiments(const ReproduceArgs& a) {
  std::vector<Experiment> out;
  if (a.config.empty()) {
    for (const auto& [stem, text] : builtin_experiments())
      out.push_back(parse_experiment(text, "built-in experiments/" + stem + ".json", a.quick));
    return out;
  }
  const std::string text = read_config_text(a.config);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return {parse_experiment(text, a.config, a.quick)};  // reports the defect in its words
  }
  if (j.is_object() && j.contains("experiments")) {
    if (j.size() != 1) throw InputError(a.config + ": a list config has the single key \"experiments\"");
    const auto& list = j["experiments"];
    if (!list.is_array() || list.empty()) throw InputError(a.config + ": experiments must be a non-empty list");
    for (std::size_t i = 0; i < list.size(); ++i)
      out.push_back(parse_experiment(list[i].dump(), a.config + ": experiments[" + std::to_string(i) + "]", a.quick));
  } else {
    out.push_back(parse_experiment(text, a.config, a.quick));
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (out[i].name == out[k].name) throw InputError(a.config + ": two experiments are named '" + out[i].name + "'");
  return out;
}

// Cells per algorithm by status, and the median relative error of the converged (ok) cells:
// the table under each experiment's figures.
Table status_table(const Table& rows) {
  Table t({"algorithm", "cells", "ok", "not_converged", "diverged", "failed", "median_relative_error"});
  if (rows.empty()) return t;
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::size_t>> by_alg;
  const std::size_t alg = rows.column("algorithm"), cell = rows.column("cell");
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    if (r > 0 && rows.text(r, cell) == rows.text(r - 1, cell)) continue;  // trajectory rows: one per cell
    const std::string& a = rows.text(r, alg);
    if (!by_alg.count(a)) order.push_back(a);
    by_alg[a].push_back(r);
  }
  for (const auto& a : order) {
    std::size_t ok_n = 0, nc = 0, diverged = 0, failed = 0;
    std::vector<double> errors;
    for (std::size_t r : by_alg[a]) {
      const std::string& s = rows.text(r, "status");
      ok_n += s == "ok";
      nc += s == "not_converged" || s == "max_iterations";  // a flow's horizon, a discrete run's cap
      diverged += s == "diverged";
      failed += s == "failed";
      // Converged cells only: a state stopped at t_max or at a failure is not a limit.
      const double e = rows.number(r, "relative_error");
      if (s == "ok" && !std::isnan(e)) errors.push_back(e);
    }
    double median = NAN;
    if (!errors.empty()) {
      std::sort(errors.begin(), errors.end());
      const std::size_t n = errors.size();
      median = n % 2 ? errors[n / 2] : 0.5 * (errors[n / 2 - 1] + errors[n / 2]);
    }
    t.add_row({a, std::to_string(by_alg[a].size()), std::to_string(ok_n), std::to_string(nc), std::to_string(diverged),
               std::to_string(failed), format_cell(median)});
  }
  return t;
}

Action add_reproduce(CLI::App& cmd) {
  auto a = std::make_shared<ReproduceArgs>();
  cmd.add_option("--out", a->out, "output directory (created if missing)")->capture_default_str();
  cmd.add_flag("--quick", a->quick, "the quick grids of every experiment (seconds on 2 cores)");
  cmd.add_option("--config", a->config, "run these experiments instead of the built-in E1-E8 (one config or {\"experiments\": [...]})");
  cmd.add_option("--only", a->only, "run only the experiments whose name starts with this (e.g. e3)");
  cmd.add_option("--threads", a->threads, "cells run concurrently (0: every core)")
      ->transform(integer_between(0, max_count))
      ->capture_default_str();
  cmd.add_flag("--no-verify", a->no_verify, "skip the verification suite");
  cmd.footer(
      "Writes <out>/<experiment>.csv, <out>/figures/*.{png,svg,csv,gp}, <out>/verify.csv, <out>/report.md and\n"
      "<out>/report.html, and <out>/report.png (report.html in headless Chromium) when chromium is on PATH.\n"
      "Interrupted runs resume: rerun the same command.");
  return [a]() -> int {
    MpiJob job(a->threads);
    if (job.rank() > 0) return job.serve();  // rank 0 verifies, sweeps and reports
    const auto start = std::chrono::steady_clock::now();
    std::vector<Experiment> experiments = load_experiments(*a);
    if (!a->only.empty()) {
      std::vector<Experiment> kept;
      for (auto& e : experiments)
        if (e.name.rfind(a->only, 0) == 0) kept.push_back(std::move(e));
      if (kept.empty()) throw InputError("--only '" + a->only + "' matches no experiment");
      experiments = std::move(kept);
    }
    SweepRun run;
    run.threads = a->threads;
    run.runner = job.runner();
    run.out_dir = prepare_output_dir(a->out, "--out");
    prepare_output_dir(run.out_dir + "/figures", "--out");
    const int threads = run.threads > 0 ? run.threads : int(std::max(1u, std::thread::hardware_concurrency()));

    Report report;
    report.title = std::string("wnflow reproduction") + (a->quick ? " (quick)" : "");
    report.build = std::string("wnflow ") + WNFLOW_VERSION_STRING;
    report.parameters = {{"mode", a->quick ? "quick" : "full"},
                         {"threads", std::to_string(threads)},
                         {"experiments", std::to_string(experiments.size())},
                         {"config", a->config.empty() ? "built-in (experiments/*.json)" : a->config}};
    if (job.size() > 1) report.parameters.push_back({"MPI ranks", std::to_string(job.size())});

    if (!a->no_verify) {
      VerifyOptions vo;
      vo.quick = true;
      vo.threads = threads;
      std::cerr << "verify --quick ..." << std::endl;
      report.verification = verify(vo);
      write_file_atomically(run.out_dir + "/verify.csv", report.verification.csv());
      std::cerr << report.verification.summary() << "\n";
    }
    for (const Experiment& e : experiments) {
      const auto t0 = std::chrono::steady_clock::now();
      const ExperimentOutcome outcome = run_experiment(e, run);
      if (outcome.interrupted) {
        std::cerr << "interrupted: rerun the same command to resume\n";
        return 130;
      }
      ReportSection s;
      s.title = e.title;
      s.text = e.description;
      s.config_json = e.canonical_json;
      s.summary = status_table(outcome.sweep.table);
      s.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      s.figures = outcome.figures;
      s.cells = outcome.sweep.total;
      s.resumed = outcome.sweep.resumed;
      report.sections.push_back(std::move(s));
    }
    report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_report(report, run.out_dir);
    std::size_t figures = 0;
    for (const auto& sec : report.sections) figures += sec.figures.size();
    std::cout << "wrote " << run.out_dir << "/report.md and " << run.out_dir << "/report.html ("
              << report.sections.size() << " experiments, " << figures << " figures, " << format_number(report.wall_seconds)
              << " s)\n";
    // The page as a browser shows it; optional, so its absence is a note, not a failure.
    const char* path_env = std::getenv("PATH");
    const ScreenshotOutcome shot = screenshot_report(run.out_dir, find_chromium(path_env ? path_env : ""));
    if (shot.made)
      std::cout << "wrote " << run.out_dir << "/report.png (report.html in Chromium, " << shot.width << "x"
                << shot.height << " px)\n";
    else
      std::cerr << "report.png not made: " << shot.reason << "\n";
    return report.verification.failed > 0 ? 1 : ok;
  };
}

const Registration registration{"reproduce", "run every experiment (E1-E8) and verify --quick; figures and a report",
                                55, add_reproduce};
}  // namespace

}  // namespace wnflow::app
