#pragma once
// The theorem-check suite behind `wnflow verify` (docs/theory.md §2–§3): every statement the toolkit
// relies on, held against quantities computed by an independent route on random instances.
//
//   invariants  I1–I4 along the ODE trajectories (RunResult maxima)
//   T1          GF ODE limit            vs  dual solution X_L(α)                 (gf_limit)
//   T2          WN ODE limit            vs  X_L(α_eff) at the measured α_eff     (gf_limit)
//   T3          predict_limit           vs  the WN ODE (x and α_eff)
//   classic     classic WN, |v0|² = 1/η_s  vs  polar WN with η_r = 1, η_s
//   LP          solve_l1 value          vs  its dual certificate, and lim α→0 ‖X_3(α)‖₁
//   T4          ‖X_L(α)‖₁ (or α_eff)    ≤  l1_bound_depth2 / l1_bound_deep     (P+)
//   T5          fitted loss rate        vs  predicted_rate at the predicted limit
//   T6          path length ∫‖ẇ‖_{H⁻¹} ≤ the Łojasiewicz bound ∫√(2/μ) d(−√loss) (whole path), and
//               = √(2 loss/λ) on the asymptotic window (λ of T5)
//   AE          α_eff from the integrated log φ coordinate  vs  the closed form (polar WN)
//   C5          constant-ratio schedule: α_eff = α (r∞/r0)^{1−q}, vs the mirror read-off and X_L
//   S1–S3       α -> ∞ (docs/theory.md §3.9): β∞ vs WN flows at α = 1e2, 1e3; q_c vs κ(β) of
//               gf_limit and vs flows above it; the constant-ratio growth factor
//
// Each check is one row: what was compared (predicted, measured, tolerance, with the rule of
// the comparison documented per check in docs/verification.md), and a verdict. A check whose
// flow did not converge is SKIP with the reason, never PASS; a computation that throws is a
// FAIL carrying the message. Rows that hold by construction of the code (the quantity is
// computed so that it cannot differ, e.g. |s| with s = w/|w|) are kept for display as kind
// `identity` and are not counted as evidence: they can only FAIL (a NaN), never PASS.
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include <wnflow/model/problem.hpp>
#include <wnflow/solve/run.hpp>

namespace wnflow {

enum class Verdict { pass, fail, skip };
std::string to_string(Verdict v);  // "PASS" | "FAIL" | "SKIP"

// evidence: a comparison of two independent routes, which a wrong formula or integration would
// fail. identity: holds by construction of the measured quantity (docs/verification.md lists
// them); shown, but never counted as a pass.
enum class Kind { evidence, identity };
std::string to_string(Kind k);  // "evidence" | "identity"

struct Check {
  std::string statement;  // e.g. "T1 GF limit = dual X_L(alpha)"
  std::string instance;   // e.g. "P+ N=36 M=12 s=2 seed=1 L=2 alpha=0.1 gf"
  // The compared quantities. For vector comparisons `measured` is a relative difference and
  // `predicted` is 0; for scalars both are the values themselves (see `rule`).
  double predicted = NAN, measured = NAN, tolerance = NAN;
  Verdict verdict = Verdict::skip;
  Kind kind = Kind::evidence;
  std::string note;  // the reason of a SKIP or FAIL; extra numbers for some PASS rows (T4)
  // The verdict column of the table: "IDENT" for a passing identity, else to_string(verdict).
  std::string label() const;
};

// How measured is held against predicted:
//   difference: |measured − predicted| <= tolerance          (absolute; relative differences
//                                                            are passed as measured, predicted 0)
//   relative:   |measured − predicted| <= tolerance |predicted|
//   at_most:    measured <= predicted (1 + tolerance)        (an upper bound; predicted > 0)
// Any NaN (or an infinite measured value) is a FAIL: a comparison that cannot be made is not passed.
enum class Rule { difference, relative, at_most };
Verdict judge(double predicted, double measured, double tolerance, Rule rule);

// A complete row from given numbers (verdict by judge; on FAIL the note says what was violated).
Check make_check(std::string statement, std::string instance, double predicted, double measured,
                 double tolerance, Rule rule, std::string note = {});
Check skipped(std::string statement, std::string instance, std::string reason);
// The same row marked as an identity by construction (statement suffixed "(by construction)").
Check as_identity(Check c);

// LP optimality certificate (docs/theory.md §0.3): x solves the LP if it is primal feasible
// (|Ax − y|₂ <= kPrimalTol |y|₂, and x >= −kPrimalTol max|x| for P+) and its objective (1ᵀx for
// P+, |x|₁ for P±) equals yᵀλ̂ of the multipliers scaled into the dual feasible set,
// λ̂ = λ / max(1, max Aᵀλ) (max |Aᵀλ| for P±), within kDualGapTol relative. Measured yᵀλ̂,
// predicted the objective of x; FAIL when either condition fails (the note says which).
inline constexpr double kPrimalTol = 1e-9;
inline constexpr double kDualGapTol = 1e-8;
Check lp_certificate_check(const Matrix& A, const Vector& y, Sign sign, const Vector& x, const Vector& lambda,
                           std::string instance);

// The checks that read one finished run: invariants (I1/I2/I3/I4 as apply), T1 (GF) or T2
// (WN, classic WN) against gf_limit, and C5 for the constant-ratio schedule. All SKIP when the
// run did not converge. `instance` labels the rows.
std::vector<Check> limit_checks(const Problem& problem, const RunResult& run, const std::string& instance);

// A trajectory with the weights at every sample (samples[k] and weights[k] at the same t).
struct Trajectory {
  std::vector<Sample> samples;
  std::vector<Vector> weights;
};

// T6 (docs/theory.md §3.6) on a recorded trajectory of the flow `flow` (with `rates`, as in
// RunResult::rates) whose loss has the clean exponential window [t_begin, t_end] (fit_rate):
//  1. the metric length ∫‖ẇ‖_{H⁻¹} of every piece [t_k, t_end] is at most
//     ∫ √(2/μ(w)) d(−√ℓ), μ(w) = λ_min(A P(w) Aᵀ) — measured: the largest ratio, rule at_most;
//  2. from the latest sample t_w whose remaining length is above the accuracy floor, the metric
//     length to t_end equals √(2/λ) (√ℓ(t_w) − √ℓ(t_end)), λ the predicted T5 rate — rule
//     relative; SKIP when t_w < t_begin (nothing measurable left on the window).
// Pieces shorter than 1e4 rtol max|w| (rtol: the integration's relative tolerance) are not
// compared: they measure the integrator's error. Throws InputError when samples and weights
// differ in number.
std::vector<Check> path_length_checks(const Problem& problem, const FlowOptions& flow, const WeightNormRates& rates,
                                      const Trajectory& trajectory, double t_begin, double t_end, double lambda,
                                      double rtol, const std::string& instance);

struct VerifyOptions {
  bool quick = false;       // a subset finishing in under a minute on 2 cores
  std::uint64_t seed = 1;   // base seed of the random instances
  int threads = 2;          // independent cases run concurrently; rows keep a fixed order
};

struct VerifyReport {
  std::vector<Check> checks;
  // Counts: passed and skipped count evidence rows only; failed counts every FAIL (an identity
  // can fail only through a broken computation); identities counts passing identity rows.
  int passed = 0, failed = 0, skipped = 0, identities = 0;
  double wall_seconds = 0;
  std::string table() const;    // one aligned line per check (plus its note, if any)
  std::string summary() const;  // counts and wall time, one line
  std::string csv() const;      // statement,instance,predicted,measured,tolerance,verdict,kind,note
};

// One row as table() prints it (for progress output).
std::string table_row(const Check& c);
std::string table_header();

// Runs the suite. `progress` is called once per check, in the final row order, as soon as the
// check and all rows before it are done (from a worker thread, never concurrently).
VerifyReport verify(const VerifyOptions& options, const std::function<void(const Check&)>& progress = {});

}  // namespace wnflow
