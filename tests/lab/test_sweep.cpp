#define BOOST_TEST_MODULE sweep
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <wnflow/model/errors.hpp>
#include <wnflow/lab/sweep.hpp>

using namespace wnflow;
namespace fs = std::filesystem;

namespace {

// Flows, an LP and trajectories (several rows per cell): every kind of cell the journal holds.
const char* kConfig = R"({
  "name": "tiny",
  "problem": {"N": 12, "M": 6, "sparsity": 2, "sign": ["positive", "signed"], "trials": 2, "seed": 9},
  "algorithms": [{"kind": "gf"}, {"kind": "wn", "ratio": 0.2}, {"kind": "l1"}],
  "depth": [2, 3],
  "alpha": [0.1, 2],
  "integrate": {"rtol": 1e-8, "loss_tol": 1e-14, "t_max": 1e6, "samples_per_decade": 2},
  "measure": {"l1": true, "trajectory": true}
})";

std::string fresh_dir(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("wnflow_test_sweep_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

SweepSummary sweep(const std::string& dir, int threads, long max_cells = -1) {
  SweepOptions o;
  o.threads = threads;
  o.max_cells = max_cells;
  return run_sweep(parse_experiment(kConfig, "tiny"), dir, o);
}

// Every cell of the journal appears exactly once, with all its rows.
void check_journal_has_no_duplicates(const std::string& path) {
  const Table j = Table::read(path);
  std::map<std::string, std::size_t> rows;
  std::map<std::string, std::size_t> blocks;
  for (std::size_t r = 0; r < j.rows(); ++r) {
    const std::string& key = j.text(r, "cell");
    ++rows[key];
    if (r == 0 || j.text(r - 1, "cell") != key) ++blocks[key];
  }
  for (const auto& [key, n] : rows) {
    BOOST_TEST_INFO("cell " << key);
    BOOST_TEST(blocks[key] == 1u);
  }
}

// A runner other than the local threads: the cells from one thread in reverse grid order,
// with a hook called while the sweep holds its journal.
class ReverseRunner : public CellRunner {
 public:
  std::function<void()> inside;
  void run(const Experiment& e, const std::vector<Cell>& cells, const std::vector<std::size_t>& pending,
           const std::function<void(std::size_t, CellRows)>& done, const std::function<bool()>& stop) override {
    if (inside) inside();
    for (auto it = pending.rbegin(); it != pending.rend() && !stop(); ++it) done(*it, run_cell(e, cells[*it]));
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_runner_that_reports_cells_in_another_order_gives_the_same_csv) {
  const std::string ref = fresh_dir("ref3"), dir = fresh_dir("runner");
  const std::string expected = slurp(sweep(ref, 1).csv_path);
  ReverseRunner reverse;
  SweepOptions o;
  o.runner = &reverse;
  o.max_cells = 5;
  const Experiment e = parse_experiment(kConfig, "tiny");
  const SweepSummary first = run_sweep(e, dir, o);
  BOOST_TEST(!first.complete);
  BOOST_TEST(first.ran == 5u);
  o.max_cells = -1;
  const SweepSummary last = run_sweep(e, dir, o);
  BOOST_TEST(last.complete);
  BOOST_TEST(last.resumed == 5u);
  BOOST_TEST(slurp(last.csv_path) == expected);
  check_journal_has_no_duplicates(last.journal_path);
  fs::remove_all(ref);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_journal_has_one_writer_at_a_time) {
  const std::string dir = fresh_dir("lock");
  const Experiment e = parse_experiment(kConfig, "tiny");
  ReverseRunner runner;
  bool refused = false;
  runner.inside = [&] {  // a second sweep into the same directory while the first runs
    try {
      run_sweep(e, dir);
    } catch (const InputError& x) {
      refused = std::string(x.what()).find("another wnflow sweep") != std::string::npos;
    }
  };
  SweepOptions o;
  o.runner = &runner;
  BOOST_TEST(run_sweep(e, dir, o).complete);
  BOOST_TEST(refused);
  const SweepSummary again = run_sweep(e, dir);  // the lock ends with the sweep
  BOOST_TEST(again.ran == 0u);
  BOOST_TEST(again.complete);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(same_config_gives_the_same_csv_for_any_thread_count) {
  const std::string a = fresh_dir("t1"), b = fresh_dir("t2");
  const SweepSummary s1 = sweep(a, 1), s2 = sweep(b, 2);
  BOOST_TEST(s1.complete);
  BOOST_TEST(s2.complete);
  BOOST_TEST(s1.total == 2u * 2u * (2u * 2u * 2u + 1u));
  BOOST_TEST(s1.table.rows() > s1.total);  // trajectories: several rows per flow cell
  const std::string csv1 = slurp(s1.csv_path), csv2 = slurp(s2.csv_path);
  BOOST_TEST(!csv1.empty());
  BOOST_TEST(csv1 == csv2);
  // A rerun of a finished sweep runs nothing and rewrites the same table.
  const SweepSummary again = sweep(a, 2);
  BOOST_TEST(again.ran == 0u);
  BOOST_TEST(again.resumed == s1.total);
  BOOST_TEST(slurp(again.csv_path) == csv1);
  fs::remove_all(a);
  fs::remove_all(b);
}

BOOST_AUTO_TEST_CASE(an_interrupted_sweep_resumes_to_the_same_csv) {
  const std::string ref = fresh_dir("ref"), dir = fresh_dir("resume");
  const std::string expected = slurp(sweep(ref, 2).csv_path);
  const SweepSummary first = sweep(dir, 2, 5);
  BOOST_TEST(!first.complete);
  BOOST_TEST(first.ran == 5u);
  BOOST_TEST(!fs::exists(first.csv_path));  // no final table from a partial sweep
  const SweepSummary second = sweep(dir, 1, 7);
  BOOST_TEST(second.resumed == 5u);
  BOOST_TEST(second.ran == 7u);
  const SweepSummary last = sweep(dir, 2);
  BOOST_TEST(last.complete);
  BOOST_TEST(last.resumed == 12u);
  BOOST_TEST(last.resumed + last.ran == last.total);
  BOOST_TEST(slurp(last.csv_path) == expected);
  check_journal_has_no_duplicates(last.journal_path);
  fs::remove_all(ref);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_cell_cut_by_a_crash_is_recomputed_once) {
  const std::string ref = fresh_dir("ref2"), dir = fresh_dir("crash");
  const std::string expected = slurp(sweep(ref, 2).csv_path);
  const SweepSummary first = sweep(dir, 1, 4);
  // Simulate a kill in the middle of a write: the last cell's block loses its tail.
  std::string journal = slurp(first.journal_path);
  const std::size_t last_header_end = journal.find('\n') + 1;
  BOOST_REQUIRE(journal.size() > last_header_end + 40);
  journal.resize(journal.size() - 25);
  std::ofstream(first.journal_path, std::ios::binary | std::ios::trunc) << journal;
  const SweepSummary last = sweep(dir, 2);
  BOOST_TEST(last.complete);
  BOOST_TEST(last.resumed == 3u);  // the cut cell is not counted as done
  BOOST_TEST(slurp(last.csv_path) == expected);
  check_journal_has_no_duplicates(last.journal_path);
  fs::remove_all(ref);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_journal_of_another_config_is_refused) {
  const std::string dir = fresh_dir("other");
  sweep(dir, 1, 2);
  std::string other = kConfig;
  other.replace(other.find("\"seed\": 9"), 9, "\"seed\": 8");
  BOOST_CHECK_THROW(run_sweep(parse_experiment(other, "other"), dir), InputError);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_missing_output_directory_fails_before_any_cell) {
  BOOST_CHECK_THROW(run_sweep(parse_experiment(kConfig, "tiny"), "/nonexistent/wnflow/dir"), InputError);
}
