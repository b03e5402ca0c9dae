// The theorem-check suite: the verdict logic from given numbers, a deliberately wrong
// prediction that must FAIL, a flow stopped before convergence that must SKIP (never PASS),
// and the quick suite itself (no FAIL, every family present, deterministic row order).
#define BOOST_TEST_MODULE verify
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/local_rate.hpp>
#include <wnflow/model/network.hpp>
#include <wnflow/solve/integrate.hpp>
#include <wnflow/solve/rate_fit.hpp>
#include <wnflow/model/l1.hpp>
#include <wnflow/solve/run.hpp>
#include <wnflow/lab/verify.hpp>

#include "support.hpp"

using namespace wnflow;

namespace {

Problem positive_instance() { return random_instance({36, 12, 2, 3, Sign::positive}); }
Problem signed_instance() { return random_instance({24, 10, 2, 3, Sign::signed_}); }

IntegrateOptions tight() { return testing::tight_integration(); }

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

BOOST_AUTO_TEST_CASE(judge_applies_each_rule) {
  // difference: |measured - predicted| <= tolerance
  BOOST_TEST((judge(0.0, 5e-8, 1e-7, Rule::difference) == Verdict::pass));
  BOOST_TEST((judge(0.0, 2e-7, 1e-7, Rule::difference) == Verdict::fail));
  BOOST_TEST((judge(1.0, 1.0 - 5e-8, 1e-7, Rule::difference) == Verdict::pass));
  // relative: scaled by |predicted|
  BOOST_TEST((judge(100.0, 100.0 + 5e-5, 1e-6, Rule::relative) == Verdict::pass));
  BOOST_TEST((judge(100.0, 100.0 + 2e-4, 1e-6, Rule::relative) == Verdict::fail));
  BOOST_TEST((judge(-2.0, -2.09, 0.05, Rule::relative) == Verdict::pass));
  BOOST_TEST((judge(0.324, 0.36, 0.05, Rule::relative) == Verdict::fail));
  // at_most: an upper bound with a relative slack; anything below passes
  BOOST_TEST((judge(10.0, 3.0, 1e-9, Rule::at_most) == Verdict::pass));
  BOOST_TEST((judge(10.0, 10.0 * (1 + 5e-10), 1e-9, Rule::at_most) == Verdict::pass));
  BOOST_TEST((judge(10.0, 10.1, 1e-9, Rule::at_most) == Verdict::fail));
}

BOOST_AUTO_TEST_CASE(a_comparison_that_cannot_be_made_is_not_passed) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (Rule r : {Rule::difference, Rule::relative, Rule::at_most}) {
    BOOST_TEST((judge(nan, 1.0, 1e-6, r) == Verdict::fail));
    BOOST_TEST((judge(1.0, nan, 1e-6, r) == Verdict::fail));
    BOOST_TEST((judge(1.0, 1.0, nan, r) == Verdict::fail));
    BOOST_TEST((judge(1.0, inf, 1e-6, r) == Verdict::fail));
  }
}

BOOST_AUTO_TEST_CASE(make_check_fills_the_row_and_explains_a_fail) {
  const Check ok = make_check("T1 x", "inst", 0.0, 1e-12, 1e-7, Rule::difference, "extra");
  BOOST_TEST((ok.verdict == Verdict::pass));
  BOOST_TEST(ok.note == "extra");
  BOOST_TEST(ok.statement == "T1 x");
  BOOST_TEST(ok.instance == "inst");
  BOOST_TEST(ok.tolerance == 1e-7);

  const Check bad = make_check("T3 alpha_eff", "inst", 0.5, 0.6, 1e-6, Rule::relative, "extra");
  BOOST_TEST((bad.verdict == Verdict::fail));
  BOOST_TEST(bad.note.find("relative difference 0.2") != std::string::npos, bad.note);
  BOOST_TEST(bad.note.find("extra") != std::string::npos);

  const Check s = skipped("T2", "inst", "flow did not converge");
  BOOST_TEST((s.verdict == Verdict::skip));
  BOOST_TEST(std::isnan(s.measured));
  BOOST_TEST(to_string(Verdict::pass) == "PASS");
  BOOST_TEST(to_string(Verdict::fail) == "FAIL");
  BOOST_TEST(to_string(Verdict::skip) == "SKIP");
}

// A converged run: every limit check passes (I3 + T1 for GF; I1, I4, T2, AE and, with the
// constant-ratio schedule, two C5 rows for WN; I1, I2, I4, T2 for classic WN), in both sign cases.
BOOST_AUTO_TEST_CASE(limit_checks_pass_on_converged_runs) {
  struct Case {
    Sign sign;
    FlowKind kind;
    int depth;
    double alpha;
    Schedule schedule;
    std::size_t rows;
  };
  for (const Case& c : {Case{Sign::positive, FlowKind::gf, 2, 0.1, Schedule::constant_rates, 2},
                        Case{Sign::signed_, FlowKind::gf, 3, 0.5, Schedule::constant_rates, 2},
                        Case{Sign::positive, FlowKind::wn, 3, 0.5, Schedule::constant_ratio, 6},
                        Case{Sign::signed_, FlowKind::wn, 2, 0.5, Schedule::constant_rates, 4},
                        Case{Sign::signed_, FlowKind::wn_classic, 2, 0.5, Schedule::constant_rates, 4}}) {
    const Problem p = c.sign == Sign::positive ? positive_instance() : signed_instance();
    FlowOptions f;
    f.kind = c.kind;
    f.sign = c.sign;
    f.depth = c.depth;
    f.alpha = c.alpha;
    if (c.kind != FlowKind::gf) f.ratio = 0.2;
    f.schedule = c.schedule;
    const RunResult r = run_flow(p, f, tight());
    BOOST_TEST_REQUIRE(r.converged);
    const auto rows = limit_checks(p, r, "test");
    BOOST_TEST(rows.size() == c.rows);
    for (const auto& row : rows) {
      BOOST_TEST((row.verdict == Verdict::pass), row.statement << ": " << row.note);
      // I1 holds by construction (s is computed from w): shown, not counted as evidence.
      const bool i1 = starts_with(row.statement, "I1");
      BOOST_TEST((row.kind == (i1 ? Kind::identity : Kind::evidence)), row.statement);
      if (i1) {
        BOOST_TEST(row.statement.find("(by construction)") != std::string::npos, row.statement);
        BOOST_TEST(row.label() == "IDENT");
      }
    }
  }
}

// A deliberately wrong prediction must FAIL: the WN limit held against the GF limit at α
// (instead of α_eff), and the GF limit held against X_L at a scale off by 1%.
BOOST_AUTO_TEST_CASE(wrong_predictions_fail) {
  const Problem p = positive_instance();
  FlowOptions f;
  f.kind = FlowKind::wn;
  f.depth = 2;
  f.alpha = 1.0;
  f.ratio = 0.2;
  const RunResult wn = run_flow(p, f, tight());
  BOOST_TEST_REQUIRE(wn.converged);
  const auto at_alpha = gf_limit(p, Sign::positive, 2, f.alpha);
  const auto wrong = make_check("T2 with alpha instead of alpha_eff", "test", 0.0,
                                (wn.x - at_alpha.x).norm() / at_alpha.x.norm(), 1e-7, Rule::difference);
  BOOST_TEST((wrong.verdict == Verdict::fail));

  FlowOptions g;
  g.depth = 3;
  g.alpha = 0.5;
  const RunResult gf = run_flow(p, g, tight());
  BOOST_TEST_REQUIRE(gf.converged);
  const auto off = gf_limit(p, Sign::positive, 3, 0.5 * 1.01);
  BOOST_TEST((make_check("T1 at 1.01 alpha", "test", 0.0, (gf.x - off.x).norm() / off.x.norm(), 1e-7,
                         Rule::difference)
                  .verdict == Verdict::fail));
  // A fabricated run result whose limit is perturbed by 1e-5 fails T1 through limit_checks too.
  RunResult tampered = gf;
  tampered.x[0] += 1e-5 * gf.x.norm();
  bool t1_failed = false;
  for (const auto& row : limit_checks(p, tampered, "test"))
    if (starts_with(row.statement, "T1")) t1_failed = row.verdict == Verdict::fail;
  BOOST_TEST(t1_failed);
}

// The LP certificate needs a feasible primal: the Clp solution passes; a doctored x with the
// same objective but off Az = y, or with a negative entry (P+), fails; so does a gap.
BOOST_AUTO_TEST_CASE(lp_certificate_requires_a_feasible_primal) {
  const Problem p = positive_instance();
  const L1Result lp = solve_l1(p, {Sign::positive});
  const Check ok = lp_certificate_check(p.A, p.y, Sign::positive, lp.x, lp.dual, "test");
  BOOST_TEST((ok.verdict == Verdict::pass), ok.note);
  BOOST_TEST((ok.kind == Kind::evidence));
  BOOST_TEST(std::abs(ok.predicted - lp.x.sum()) <= 1e-12 * lp.x.sum());

  // Move mass between two support entries: 1ᵀx (hence the gap) unchanged, Ax ≠ y.
  std::vector<Eigen::Index> support;
  for (Eigen::Index i = 0; i < lp.x.size(); ++i)
    if (lp.x(i) > 1e-9) support.push_back(i);
  BOOST_TEST_REQUIRE(support.size() >= 2u);
  Vector moved = lp.x;
  const double delta = 1e-3 * std::min(lp.x(support[0]), lp.x(support[1]));
  moved(support[0]) += delta;
  moved(support[1]) -= delta;
  const Check off = lp_certificate_check(p.A, p.y, Sign::positive, moved, lp.dual, "test");
  BOOST_TEST((off.verdict == Verdict::fail), off.note);
  BOOST_TEST(off.note.find("primal infeasible: |Ax - y|/|y|") != std::string::npos, off.note);
  BOOST_TEST(std::abs(off.measured - ok.measured) <= 1e-15 * ok.measured);  // the gap alone would pass

  // A = [1 1], y = 1, λ = 1: x = (1.5, −0.5) satisfies Ax = y with 1ᵀx = yᵀλ = 1, optimal but
  // for its sign; only x >= 0 catches it. Signed, its |x|₁ = 2 shows as a gap.
  Matrix A(1, 2);
  A << 1, 1;
  const Vector y = Vector::Ones(1), lambda = Vector::Ones(1);
  Vector x(2);
  x << 0.5, 0.5;
  BOOST_TEST((lp_certificate_check(A, y, Sign::positive, x, lambda, "t").verdict == Verdict::pass));
  x << 1.5, -0.5;
  const Check negative = lp_certificate_check(A, y, Sign::positive, x, lambda, "t");
  BOOST_TEST((negative.verdict == Verdict::fail));
  BOOST_TEST(negative.note.find("min x") != std::string::npos, negative.note);
  BOOST_TEST((lp_certificate_check(A, y, Sign::signed_, x, lambda, "t").verdict == Verdict::fail));
  // A dual value off by 10%: the gap fails with a feasible x.
  BOOST_TEST((lp_certificate_check(p.A, p.y, Sign::positive, lp.x, 0.9 * lp.dual, "test").verdict == Verdict::fail));
  BOOST_CHECK_THROW(lp_certificate_check(p.A, p.y, Sign::positive, lp.x.head(3), lp.dual, "t"), InputError);
}

// T6 can fail: a GF trajectory recorded densely passes both path-length rows; the same
// trajectory with its asymptotic part pushed 10% further from the limit (the loss left as it
// was) has a path 10% longer than its loss allows and fails both; pulled 10% closer, it still
// obeys the bound (a shorter path is allowed) but misses the asymptotic equality.
BOOST_AUTO_TEST_CASE(path_length_rows_fail_for_a_doctored_path) {
  const Problem p = positive_instance();
  FlowOptions f;
  f.depth = 2;
  f.alpha = 0.1;
  const DiagonalNetwork net(p, f.sign, f.depth);
  GradientFlow flow(net, f.alpha, f.eta);
  IntegrateOptions io = tight();
  io.loss_tol = 0;
  io.samples_per_decade = 200;
  io.t_max = 1e4;
  io.first_sample = 1e-2;
  Trajectory tr;
  Vector z = flow.initial_state();
  integrate(flow, z, io, [&](double t, const Vector& state) {
    Sample smp;
    smp.t = t;
    tr.weights.push_back(flow.weights(state));
    smp.loss = net.loss(net.x_of_w(tr.weights.back()));
    tr.samples.push_back(smp);
  });
  const RateFit fit = fit_rate(tr.samples);
  BOOST_TEST_REQUIRE(fit.ok, fit.reason);
  const WeightNormRates rates{f.eta, f.eta, Schedule::constant_rates};  // unused by GF
  const double lambda = predicted_rate(p, f, rates, gf_limit(p, f.sign, f.depth, f.alpha).weights);
  const auto good = path_length_checks(p, f, rates, tr, fit.t_begin, fit.t_end, lambda, io.rtol, "test");
  BOOST_TEST_REQUIRE(good.size() == 2u);
  for (const auto& c : good) BOOST_TEST((c.verdict == Verdict::pass), c.statement << ": " << c.note);
  BOOST_TEST_MESSAGE("ratio " << good[0].measured << "; window " << good[1].measured << " vs " << good[1].predicted);

  // Doctored from the start of T5's window on, where w is near its end point (stays positive).
  const Vector w_end = tr.weights.back();
  for (double stretch : {1.1, 0.9}) {
    Trajectory doctored = tr;
    for (std::size_t k = 0; k < tr.samples.size(); ++k)
      if (tr.samples[k].t >= fit.t_begin) doctored.weights[k] = w_end + stretch * (tr.weights[k] - w_end);
    const auto rows = path_length_checks(p, f, rates, doctored, fit.t_begin, fit.t_end, lambda, io.rtol, "test");
    BOOST_TEST((rows[0].verdict == (stretch > 1 ? Verdict::fail : Verdict::pass)), stretch << ": " << rows[0].note);
    BOOST_TEST((rows[1].verdict == Verdict::fail), stretch << ": " << rows[1].note);
  }
  Trajectory short_tr = tr;
  short_tr.weights.pop_back();
  BOOST_CHECK_THROW(path_length_checks(p, f, rates, short_tr, fit.t_begin, fit.t_end, lambda, io.rtol, "t"), InputError);
}

// A flow stopped at t_max before convergence: every row is SKIP with the reason, none PASS.
BOOST_AUTO_TEST_CASE(non_converged_flow_is_skipped) {
  const Problem p = signed_instance();
  for (FlowKind kind : {FlowKind::gf, FlowKind::wn, FlowKind::wn_classic}) {
    FlowOptions f;
    f.kind = kind;
    f.sign = Sign::signed_;
    f.depth = 2;
    f.alpha = 0.1;
    f.schedule = Schedule::constant_rates;
    IntegrateOptions io = tight();
    io.t_max = 1.0;  // far too short to reach loss 1e-26
    const RunResult r = run_flow(p, f, io);
    BOOST_TEST_REQUIRE(!r.converged);
    const auto rows = limit_checks(p, r, "test");
    BOOST_TEST(!rows.empty());
    for (const auto& row : rows) {
      BOOST_TEST((row.verdict == Verdict::skip), row.statement);
      BOOST_TEST(row.note.find("did not converge") != std::string::npos, row.note);
    }
  }
}

// The quick suite: no FAIL, every row has a verdict, every family of statements has a PASS in
// both sign cases where it applies, the rows come in the same order on 1 and 2 threads.
BOOST_AUTO_TEST_CASE(quick_suite_passes_in_a_fixed_order) {
  VerifyOptions o;
  o.quick = true;
  std::vector<Check> streamed;
  const VerifyReport two = verify(o, [&](const Check& c) { streamed.push_back(c); });
  BOOST_TEST_MESSAGE(two.summary());
  for (const auto& c : two.checks)
    BOOST_TEST((c.verdict != Verdict::fail), c.statement << " | " << c.instance << " | " << c.note);
  BOOST_TEST(two.failed == 0);
  BOOST_TEST(two.passed + two.failed + two.skipped + two.identities == int(two.checks.size()));
  BOOST_TEST(two.wall_seconds > 0.0);  // measured and reported (no wall-clock limit in tests)
  BOOST_TEST_REQUIRE(streamed.size() == two.checks.size());
  for (std::size_t i = 0; i < streamed.size(); ++i) BOOST_TEST(streamed[i].statement == two.checks[i].statement);

  std::set<std::string> passed, identities;
  int identity_rows = 0;
  for (const auto& c : two.checks) {
    const std::string family = c.statement.substr(0, c.statement.find(' '));
    const std::string sign = c.instance.substr(0, c.instance.find(' '));
    if (c.verdict == Verdict::pass) (c.kind == Kind::identity ? identities : passed).insert(family + " " + sign);
    if (c.kind == Kind::identity) ++identity_rows;
  }
  for (const std::string f : {"I2", "I3", "I4", "T1", "T2", "T3", "T5", "T6", "AE", "C5", "LP", "classic"})
    for (const std::string s : {"P+", "P±"}) BOOST_TEST(passed.count(f + " " + s) == 1u, f + " " + s);
  BOOST_TEST(passed.count("T4 P+") == 1u);
  // I1 is printed, as an identity only, and not counted among the passes.
  for (const std::string s : {"P+", "P±"}) {
    BOOST_TEST(identities.count("I1 " + s) == 1u);
    BOOST_TEST(passed.count("I1 " + s) == 0u);
  }
  BOOST_TEST(two.identities == identity_rows);
  BOOST_TEST(two.summary().find(std::to_string(identity_rows) + " identities by construction (not counted)") !=
             std::string::npos, two.summary());

  o.threads = 1;
  const VerifyReport one = verify(o);
  BOOST_TEST_REQUIRE(one.checks.size() == two.checks.size());
  for (std::size_t i = 0; i < one.checks.size(); ++i) {
    BOOST_TEST(one.checks[i].statement == two.checks[i].statement);
    BOOST_TEST(one.checks[i].instance == two.checks[i].instance);
    BOOST_TEST((one.checks[i].verdict == two.checks[i].verdict));
  }
}

BOOST_AUTO_TEST_CASE(report_formats) {
  VerifyReport r;
  r.checks.push_back(make_check("T1 a, b", "P+ \"x\"", 0.0, 1e-12, 1e-7, Rule::difference));
  r.checks.push_back(skipped("T2", "P±", "reason, with a comma"));
  r.passed = 1;
  r.skipped = 1;
  const std::string csv = r.csv();
  std::istringstream in(csv);
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  BOOST_TEST(header == "statement,instance,predicted,measured,tolerance,verdict,kind,note");
  BOOST_TEST(first == "\"T1 a, b\",\"P+ \"\"x\"\"\",0,9.9999999999999998e-13,9.9999999999999995e-08,PASS,evidence,");
  BOOST_TEST(second == "T2,P±,,,,SKIP,evidence,\"reason, with a comma\"");
  BOOST_TEST(r.summary().find("2 checks: 1 passed, 0 failed, 1 skipped, 0 identities") == 0u, r.summary());
  VerifyReport id;
  id.checks.push_back(as_identity(make_check("I1 |s| = 1", "P+", 0.0, 1e-16, 1e-8, Rule::difference)));
  id.identities = 1;
  BOOST_TEST(id.table().find("IDENT") != std::string::npos);
  BOOST_TEST(id.table().find("I1 |s| = 1 (by construction)") != std::string::npos);
  BOOST_TEST(id.csv().find(",PASS,identity,") != std::string::npos, id.csv());
  const std::string table = r.table();
  BOOST_TEST(table.find("PASS") != std::string::npos);
  BOOST_TEST(table.find("reason, with a comma") != std::string::npos);
}
