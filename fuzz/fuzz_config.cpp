// libFuzzer target for the experiment config parser (wnflow::parse_experiment, the reader
// behind `wnflow sweep` and `wnflow reproduce`). Properties checked on every input, each
// one a crash when violated:
//   - the only exception is InputError, and its message is one non-empty line that names
//     the source given to the parser;
//   - an accepted config has a non-empty grid on every axis;
//   - its canonical form parses again, to the same canonical form.
// The first byte chooses whether the config's "quick" patch is applied.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <wnflow/model/errors.hpp>
#if __has_include(<wnflow/lab/experiment.hpp>)
#include <wnflow/lab/experiment.hpp>
#define WNFLOW_HAVE_EXPERIMENT 1
#else
// Before the experiment reader exists, the target fuzzes the JSON layer it is built on.
#include <nlohmann/json.hpp>
#endif

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_config: property violated: %s\n", what);
    std::abort();
  }
}

void check_message(const std::exception& e) {
  const std::string m = e.what();
  require(!m.empty(), "empty message");
  require(m.find('\n') == std::string::npos, "message spans more than one line");
#ifdef WNFLOW_HAVE_EXPERIMENT
  require(m.find("fuzz.json") != std::string::npos, "message does not name the config");
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool quick = (data[0] & 1) != 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
#ifdef WNFLOW_HAVE_EXPERIMENT
  try {
    const wnflow::Experiment e = wnflow::parse_experiment(text, "fuzz.json", quick);
    require(!e.N.empty() && (!e.M.empty() || e.m_rule) && !e.sparsity.empty() && !e.signs.empty(), "empty problem axis");
    require(!e.algorithms.empty(), "no algorithm");
    const wnflow::Experiment again = wnflow::parse_experiment(e.canonical_json, "fuzz.json", false);
    require(again.canonical_json == e.canonical_json, "the canonical form is not stable");
  } catch (const wnflow::InputError& e) {
    check_message(e);
  }
#else
  (void)quick;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    require(nlohmann::json::parse(j.dump()) == j, "dump does not parse back to the same value");
  } catch (const nlohmann::json::exception& e) {
    check_message(e);
  }
#endif
  return 0;
}
