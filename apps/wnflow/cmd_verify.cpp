// wnflow verify: the theorem-check suite (verify.hpp, docs/verification.md). One row per check
// as it finishes, then a summary; optional JSON and CSV reports.
// Exit codes: 0 every check passed or was skipped, 1 at least one FAIL, 2 bad input (including
// an unwritable --json/--csv path, detected before any work), 4 internal error.
#include <iostream>
#include <memory>
#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/lab/verify.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace wnflow::app {

namespace {
struct VerifyArgs {
  VerifyOptions verify;
  std::string json, csv;
};

nlohmann::json report_json(const VerifyReport& r, const VerifyOptions& o) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.checks)
    checks.push_back({{"statement", c.statement},
                      {"instance", c.instance},
                      {"predicted", number(c.predicted)},
                      {"measured", number(c.measured)},
                      {"tolerance", number(c.tolerance)},
                      {"verdict", to_string(c.verdict)},
                      {"kind", to_string(c.kind)},
                      {"note", c.note}});
  nlohmann::json j;
  j["checks"] = checks;
  j["passed"] = r.passed;
  j["failed"] = r.failed;
  j["skipped"] = r.skipped;
  j["identities"] = r.identities;
  j["wall_seconds"] = r.wall_seconds;
  j["quick"] = o.quick;
  j["seed"] = o.seed;
  j["threads"] = o.threads;
  return j;
}

Action add_verify(CLI::App& cmd) {
  auto a = std::make_shared<VerifyArgs>();
  cmd.add_flag("--quick", a->verify.quick, "a subset of the checks (under a minute on 2 cores)");
  cmd.add_option("--seed", a->verify.seed, "base seed of the random instances")
      ->transform(integer_at_least(0))
      ->capture_default_str();
  cmd.add_option("--threads", a->verify.threads, "cases run concurrently (rows keep their order)")
      ->transform(integer_between(1, max_count))
      ->capture_default_str();
  cmd.add_option("--json", a->json, "write the report as JSON to this file");
  cmd.add_option("--csv", a->csv, "write the rows as CSV to this file");
  cmd.footer("Exit status: 0 if every check passed or was skipped, 1 if any check FAILed, 2 for bad input\n"
             "(including an unwritable --json/--csv path, found before any check runs). See docs/verification.md.");

  return [a]() -> int {
    const VerifyOptions& o = a->verify;
    if (!a->json.empty()) require_writable(a->json, "--json");
    if (!a->csv.empty()) require_writable(a->csv, "--csv");

    std::cout << table_header() << std::flush;
    const VerifyReport r = verify(o, [](const Check& c) { std::cout << table_row(c) << std::flush; });
    std::cout << r.summary() << "\n";
    if (!a->json.empty()) write_file_atomically(a->json, report_json(r, o).dump(2) + "\n");
    if (!a->csv.empty()) write_file_atomically(a->csv, r.csv());
    return r.failed > 0 ? 1 : ok;
  };
}

const Registration registration{"verify", "check the theorems (invariants, T1-T6, LP, C5) on random instances", 40,
                                add_verify};
}  // namespace

}  // namespace wnflow::app
