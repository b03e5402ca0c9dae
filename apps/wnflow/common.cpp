#include "common.hpp"

#include <Eigen/Cholesky>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>
#include <wnflow/lab/array_file.hpp>
#include <wnflow/lab/csv.hpp>
#include <wnflow/lab/run_json.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/instance.hpp>

namespace wnflow::app {

void ProblemArgs::add_to(CLI::App& c) {
  cmd = &c;
  c.add_option("--a", a_file, "A as CSV (M lines of N comma-separated numbers) or .npy (np.save of an M x N array)");
  c.add_option("--y", y_file, "y as CSV (M numbers, one per line or comma-separated) or .npy");
  c.add_option("--xstar", xstar_file, "the ground truth x* (N numbers, CSV or .npy), optional with --a");
  c.add_option("--n", random.N, "random instance: N, the number of unknowns")
      ->transform(integer_between(1, max_count))
      ->capture_default_str();
  c.add_option("--m", random.M, "random instance: M, the number of measurements")
      ->transform(integer_between(1, max_count))
      ->capture_default_str();
  c.add_option("--sparsity", random.sparsity, "random instance: s, the size of the support of x*")
      ->transform(integer_between(0, max_count))
      ->capture_default_str();
  c.add_option("--seed", random.seed, "random instance: seed (same seed, same instance)")
      ->transform(integer_at_least(0))
      ->capture_default_str();
  add_choice(c, "--sign", random.sign, sign_choices(), "positive (x = w^L) or signed (x = u^L - v^L)");
}

// Every command needs A of full row rank: the flows project onto null(A) with a Cholesky of
// A A^T (row_gram_factor, the same test as NullSpaceProjector), and a rank-deficient A either
// makes the LP infeasible (y outside range(A)) or leaves a redundant equation.
std::string ProblemArgs::source() const {
  if (!a_file.empty()) return "A file '" + a_file + "'";
  return "the random A (--m " + std::to_string(random.M) + ", --n " + std::to_string(random.N) + ")";
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
  sign_out = random.sign;
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
  if (double(random.N) * double(random.M) > 2e8)
    throw InputError("--n " + std::to_string(random.N) + " by --m " + std::to_string(random.M) +
                     " is too large: A would have more than 2e8 entries");
  Problem p = random_instance(random);
  validate(p);
  require_wide(p.A, source());
  if (check_rank) require_full_row_rank(*this, p.A);
  return p;
}

nlohmann::json ProblemArgs::describe() const {
  const std::string sign = to_string(random.sign);
  if (!a_file.empty()) return {{"a", a_file}, {"y", y_file}, {"xstar", xstar_file}, {"sign", sign}};
  return {{"n", random.N}, {"m", random.M}, {"sparsity", random.sparsity}, {"seed", random.seed}, {"sign", sign}};
}

void FlowArgs::add_to(CLI::App& c, bool infinite_alpha) {
  add_choice(c, "--flow", options.kind, flow_choices(), "gf | wn (polar w = r s) | wn-classic (w = gamma v/|v|)");
  c.add_option("--depth", options.depth, "depth L, an integer >= 2")
      ->transform(integer_between(2, max_count))
      ->capture_default_str();
  c.add_option("--alpha", options.alpha,
               infinite_alpha ? "initialization scale: w(0) = alpha 1; inf: the limit alpha -> inf (--flow wn, constant rates)"
                              : "initialization scale: w(0) = alpha 1")
      ->transform(infinite_alpha ? positive_number_or_inf() : positive_number())
      ->capture_default_str();
  c.add_option("--eta", options.eta, "GF learning rate eta")->transform(positive_number())->capture_default_str();
  c.add_option("--ratio", options.ratio, "WN: q = eta_s r(0)^2 / eta_r (default 1); wn-classic: sets |v(0)| = r(0)/sqrt(q)")
      ->transform(positive_number());
  c.add_option("--eta-r", options.eta_r, "WN polar: radial rate eta_r (default 1)")->transform(positive_number());
  c.add_option("--eta-s", options.eta_s, "WN polar: tangential rate eta_s (instead of --ratio)")
      ->transform(positive_number());
  // Classic WN runs at the tangential rate 1/|v(0)|^2, which must be a normal double.
  c.add_option("--v0-norm", options.v0_norm, "wn-classic: |v(0)| (default |w(0)| = alpha sqrt(n), i.e. q = 1)")
      ->transform(number_between(1e-150, 1e150, "1/|v(0)|^2 is the tangential rate"));
  add_choice(c, "--schedule", options.schedule, named({Schedule::constant_rates, Schedule::constant_ratio}),
             "WN: constant-rates | constant-ratio (eta_s(t) = q eta_r / r(t)^2)");
  add_choice(c, "--normalize", options.normalize, named({Normalize::joint, Normalize::separate}),
             "WN (wn, wn-classic), P±: joint (one radius over [u; v]) | separate (u and v each with its own radius; q refers to |u(0)|)");
}

FlowOptions FlowArgs::validated() const {
  if (std::isinf(options.alpha)) {
    // Every other check still applies: validate a finite stand-in.
    FlowOptions finite = options;
    finite.alpha = 1.0;
    finite.validate();
    return options;
  }
  options.validate();
  return options;
}

Choices<Sign> sign_choices() { return named({Sign::positive, Sign::signed_}); }

Choices<FlowKind> flow_choices() { return named({FlowKind::gf, FlowKind::wn, FlowKind::wn_classic}); }

Choices<StepperKind> stepper_choices() {
  std::vector<std::string> names = stepper_names();
  // The short spellings parse_stepper accepts as well.
  for (const char* alias : {"dopri5", "cash_karp54", "fehlberg78", "rosenbrock-lowrank"}) names.push_back(alias);
  Choices<StepperKind> choices;
  for (const std::string& name : names) choices.emplace_back(name, parse_stepper(name));
  return choices;
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

nlohmann::json number(double v) { return json_number(v); }

nlohmann::json to_json(const Eigen::VectorXd& v) { return json_array(v); }

}  // namespace wnflow::app
