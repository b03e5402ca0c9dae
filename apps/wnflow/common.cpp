#include "common.hpp"

#include <Eigen/Cholesky>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>
#include <wnflow/lab/array_file.hpp>
#include <wnflow/lab/csv.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/instance.hpp>

namespace wnflow::app {

void ProblemArgs::add_to(CLI::App& c) {
  cmd = &c;
  c.add_option("--a", a_file, "A as CSV (M lines of N comma-separated numbers) or .npy (np.save of an M x N array)");
  c.add_option("--y", y_file, "y as CSV (M numbers, one per line or comma-separated) or .npy");
  c.add_option("--xstar", xstar_file, "the ground truth x* (N numbers, CSV or .npy), optional with --a");
  c.add_option("--n", n, "random instance: N, the number of unknowns")->capture_default_str();
  c.add_option("--m", m, "random instance: M, the number of measurements")->capture_default_str();
  c.add_option("--sparsity", sparsity, "random instance: s, the size of the support of x*")->capture_default_str();
  c.add_option("--seed", seed, "random instance: seed (same seed, same instance)")->capture_default_str();
  c.add_option("--sign", sign, "positive (x = w^L) or signed (x = u^L - v^L)")->capture_default_str();
}

// Every command needs A of full row rank: the flows project onto null(A) with a Cholesky of
// A A^T (row_gram_factor, the same test as NullSpaceProjector), and a rank-deficient A either
// makes the LP infeasible (y outside range(A)) or leaves a redundant equation.
std::string ProblemArgs::source() const {
  if (!a_file.empty()) return "A file '" + a_file + "'";
  return "the random A (--m " + m + ", --n " + n + ")";
}

InputError ProblemArgs::rank_error() const {
  return InputError(source() + " does not have full row rank (A A^T is not positive definite to working precision)");
}

namespace {
// The shape half of the rank check: O(1), done on load by every command.
void require_wide(const Matrix& A, const std::string& what) {
  if (A.rows() > A.cols())
    throw InputError(what + " has " + std::to_string(A.rows()) + " rows but only " + std::to_string(A.cols()) +
                     " columns: A must have full row rank (M <= N)");
}

void require_full_row_rank(const ProblemArgs& args, const Matrix& A) {
  try {
    row_gram_factor(A);
  } catch (const RankDeficientError&) {
    throw args.rank_error();
  }
}
}  // namespace

Problem ProblemArgs::load(Sign& sign_out, bool check_rank) const {
  sign_out = parse_sign(sign);
  const bool from_files = !a_file.empty() || !y_file.empty();
  const bool generator = cmd && (cmd->count("--n") || cmd->count("--m") || cmd->count("--sparsity") || cmd->count("--seed"));
  if (from_files && generator)
    throw InputError("give either --a/--y files or --n/--m/--sparsity/--seed, not both");
  if (!xstar_file.empty() && !from_files) throw InputError("--xstar needs --a and --y");
  if (from_files) {
    if (a_file.empty()) throw InputError("--y given without --a");
    if (y_file.empty()) throw InputError("--a given without --y");
    Problem p;
    p.A = read_matrix_file(a_file, "A");
    p.y = read_vector_file(y_file, "y");
    if (!xstar_file.empty()) p.x_star = read_vector_file(xstar_file, "x*");
    try {
      validate(p);
    } catch (const InputError& e) {
      throw InputError(std::string(e.what()) + " (--a " + a_file + ", --y " + y_file +
                       (xstar_file.empty() ? "" : ", --xstar " + xstar_file) + ")");
    }
    require_wide(p.A, source());
    if (check_rank) require_full_row_rank(*this, p.A);
    return p;
  }
  InstanceSpec spec;
  spec.N = parse_int_at_least(n, "--n", 1);
  spec.M = parse_int_at_least(m, "--m", 1);
  spec.sparsity = parse_int_at_least(sparsity, "--sparsity", 0);
  if (double(spec.N) * double(spec.M) > 2e8)
    throw InputError("--n " + n + " by --m " + m + " is too large: A would have more than 2e8 entries");
  const long s = parse_long(seed, "--seed");
  if (s < 0) throw InputError("--seed must be >= 0, got " + seed);
  spec.seed = static_cast<std::uint64_t>(s);
  spec.sign = sign_out;
  Problem p = random_instance(spec);
  validate(p);
  require_wide(p.A, source());
  if (check_rank) require_full_row_rank(*this, p.A);
  return p;
}

nlohmann::json ProblemArgs::describe() const {
  if (!a_file.empty()) return {{"a", a_file}, {"y", y_file}, {"xstar", xstar_file}, {"sign", sign}};
  return {{"n", std::stol(n)}, {"m", std::stol(m)}, {"sparsity", std::stol(sparsity)}, {"seed", std::stol(seed)}, {"sign", sign}};
}

void FlowArgs::add_to(CLI::App& c) {
  cmd = &c;
  c.add_option("--flow", flow, "gf | wn (polar w = r s) | wn-classic (w = gamma v/|v|)")->capture_default_str();
  c.add_option("--depth", depth, "depth L, an integer >= 2")->capture_default_str();
  c.add_option("--alpha", alpha, "initialization scale: w(0) = alpha 1")->capture_default_str();
  c.add_option("--eta", eta, "GF learning rate eta")->capture_default_str();
  c.add_option("--ratio", ratio, "WN: q = eta_s r(0)^2 / eta_r (default 1); wn-classic: sets |v(0)| = r(0)/sqrt(q)");
  c.add_option("--eta-r", eta_r, "WN polar: radial rate eta_r (default 1)");
  c.add_option("--eta-s", eta_s, "WN polar: tangential rate eta_s (instead of --ratio)");
  c.add_option("--v0-norm", v0_norm, "wn-classic: |v(0)| (default |w(0)| = alpha sqrt(n), i.e. q = 1)");
  c.add_option("--schedule", schedule, "WN: constant-rates | constant-ratio (eta_s(t) = q eta_r / r(t)^2)")
      ->capture_default_str();
}

FlowOptions FlowArgs::parse() const {
  FlowOptions fo;
  fo.kind = parse_flow(flow);
  fo.depth = parse_int_at_least(depth, "--depth (L)", 2);
  fo.alpha = parse_double(alpha, "--alpha");
  fo.eta = parse_double(eta, "--eta");
  // Absent means the default; given, even as "", it must be a number.
  auto optional = [this](const std::string& text, const std::string& option) -> std::optional<double> {
    if (cmd && cmd->count(option) > 0) return parse_double(text, option);
    return parse_optional_double(text, option);
  };
  fo.ratio = optional(ratio, "--ratio");
  fo.eta_r = optional(eta_r, "--eta-r");
  fo.eta_s = optional(eta_s, "--eta-s");
  fo.v0_norm = optional(v0_norm, "--v0-norm");
  fo.schedule = parse_schedule(schedule);
  fo.validate();
  // Classic WN runs at the tangential rate 1/|v(0)|^2, which must be a normal double.
  if (fo.v0_norm && !(*fo.v0_norm >= 1e-150 && *fo.v0_norm <= 1e150))
    throw InputError("--v0-norm must be between 1e-150 and 1e150 (1/|v(0)|^2 is the tangential rate), got " + v0_norm);
  return fo;
}

nlohmann::json flow_json(const FlowOptions& fo, Eigen::Index n) {
  nlohmann::json j = {{"flow", to_string(fo.kind)}, {"sign", to_string(fo.sign)}, {"depth", fo.depth}, {"alpha", fo.alpha}};
  if (fo.kind == FlowKind::gf) {
    j["eta"] = fo.eta;
    return j;
  }
  const double r0 = fo.alpha * std::sqrt(double(n));
  const WeightNormRates rates = resolve_rates(fo, r0);
  j["eta_r"] = rates.eta_r;
  j["eta_s"] = rates.eta_s;
  j["ratio"] = rates.ratio(r0);
  j["schedule"] = to_string(rates.schedule);
  if (fo.kind == FlowKind::wn_classic) j["v0_norm"] = 1.0 / std::sqrt(rates.eta_s);
  return j;
}

// The number grammar of the CSV readers (csv.hpp): decimal or scientific, one optional
// leading '+', nothing before or after it; no hex floats, no spaces, no NaN or infinity.
double parse_double(const std::string& text, const std::string& option) {
  const char* first = text.data();
  const char* const last = first + text.size();
  if (first != last && *first == '+' && last - first > 1 && (std::isdigit(static_cast<unsigned char>(first[1])) || first[1] == '.'))
    ++first;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range)
    throw InputError(option + " is outside the range of double precision: '" + text + "'");
  if (ec != std::errc() || ptr != last || text.empty())
    throw InputError(option + " expects a number, got '" + text + "'");
  if (!std::isfinite(v)) throw InputError(option + " must be finite, got '" + text + "'");
  return v;
}

long parse_long(const std::string& text, const std::string& option) {
  const char* first = text.data();
  const char* const last = first + text.size();
  if (first != last && *first == '+' && last - first > 1 && std::isdigit(static_cast<unsigned char>(first[1]))) ++first;
  long v = 0;
  const auto [ptr, ec] = std::from_chars(first, last, v, 10);
  if (ec != std::errc() || ptr != last || text.empty())
    throw InputError(option + " expects an integer, got '" + text + "'");
  return v;
}

int parse_int_at_least(const std::string& text, const std::string& option, long minimum) {
  const long v = parse_long(text, option);
  if (v < minimum) throw InputError(option + " must be an integer >= " + std::to_string(minimum) + ", got " + text);
  if (v > 100'000'000) throw InputError(option + " is too large: " + text);
  return int(v);
}

std::optional<double> parse_optional_double(const std::string& text, const std::string& option) {
  if (text.empty()) return std::nullopt;
  return parse_double(text, option);
}

void require_writable(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  fs::path p(path);
  fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(option + ": directory '" + dir.string() + "' does not exist");
  if (fs::is_directory(p, ec)) throw InputError(option + ": '" + path + "' is a directory");
  if (::access(dir.c_str(), W_OK) != 0) throw InputError(option + ": directory '" + dir.string() + "' is not writable");
  // access() answers for permissions only (root passes it on /proc or a read-only mount):
  // create and remove a probe, the way write_file_atomically will create its temporary.
  const std::string probe = path + ".probe." + std::to_string(::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    throw InputError(option + ": cannot create files in directory '" + dir.string() + "': " + std::strerror(err));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json to_json(const Eigen::VectorXd& v) {
  nlohmann::json a = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(number(v[i]));
  return a;
}

}  // namespace wnflow::app
