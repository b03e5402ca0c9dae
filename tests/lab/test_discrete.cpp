#define BOOST_TEST_MODULE discrete
#include <boost/test/unit_test.hpp>

#include <Eigen/Dense>

#include <wnflow/lab/discrete.hpp>
#include <wnflow/model/errors.hpp>
#include <wnflow/solve/run.hpp>

#include "support.hpp"

// Boost.Test prints the values of a failed comparison.
namespace wnflow {
std::ostream& operator<<(std::ostream& o, DiscreteStop s) { return o << to_string(s); }
std::ostream& operator<<(std::ostream& o, StepRule r) { return o << to_string(r); }
}  // namespace wnflow

using namespace wnflow;

namespace {

Problem instance(Sign sign, std::uint64_t seed = 11, Eigen::Index N = 12, Eigen::Index M = 6) {
  return testing::small_instance(sign, seed, N, M, 2);
}

// Central finite difference of f at u, coordinate by coordinate.
template <class F>
Vector fd_gradient(F f, const Vector& u, double d = 1e-6) {
  Vector g(u.size());
  for (Eigen::Index i = 0; i < u.size(); ++i) {
    Vector a = u, b = u;
    a[i] += d;
    b[i] -= d;
    g[i] = (f(a) - f(b)) / (2 * d);
  }
  return g;
}

DiscreteOptions options(DiscreteMethod m, Sign sign, int L, double alpha) {
  DiscreteOptions o;
  o.method = m;
  o.sign = sign;
  o.depth = L;
  o.alpha = alpha;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_gd_step_is_minus_h_times_the_fd_gradient) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign);
    for (int L : {2, 3}) {
      const DiagonalNetwork net(p, sign, L);
      const DiscreteOptions o = options(DiscreteMethod::gd, sign, L, 0.5);
      const double h = 1e-3;
      DiscreteIteration it(net, o, h);
      it.evaluate();
      const Vector w0 = it.w();
      it.step();
      const Vector fd = fd_gradient([&](const Vector& w) { return net.loss(net.x_of_w(w)); }, w0);
      BOOST_TEST_CONTEXT(to_string(sign) << " L=" << L) {
        BOOST_TEST(testing::relative_difference((w0 - it.w()) / h, fd) < 1e-7);
        // run_discrete takes the same step.
        DiscreteOptions one = o;
        one.step = h;
        one.max_iterations = 1;
        const DiscreteSummary s = run_discrete(p, one);
        BOOST_TEST(s.iterations == 1);
        BOOST_TEST(s.stop == DiscreteStop::max_iterations);
        BOOST_TEST((s.w - it.w()).norm() == 0.0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(one_classic_wn_gd_step_matches_fd_and_grows_v_exactly) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign);
    for (int L : {2, 3}) {
      const DiagonalNetwork net(p, sign, L);
      DiscreteOptions o = options(DiscreteMethod::wn_gd_classic, sign, L, 0.5);
      o.v0_norm = 0.7;  // away from |w(0)|, so gamma and |v| scale differently
      auto loss = [&](double gamma, const Vector& v) { return net.loss(net.x_of_w((gamma / v.norm()) * v)); };
      BOOST_TEST_CONTEXT(to_string(sign) << " L=" << L) {
        {
          const double h = 1e-3;
          DiscreteIteration it(net, o, h);
          it.evaluate();
          const double g0 = it.gamma();
          const Vector v0 = it.v();
          it.step();
          const double d = 1e-6;
          const double fd_gamma = (loss(g0 + d, v0) - loss(g0 - d, v0)) / (2 * d);
          const Vector fd_v = fd_gradient([&](const Vector& v) { return loss(g0, v); }, v0);
          BOOST_TEST(std::abs((g0 - it.gamma()) / h - fd_gamma) < 1e-7 * std::max(1.0, std::abs(fd_gamma)));
          BOOST_TEST(testing::relative_difference((v0 - it.v()) / h, fd_v) < 1e-7);
        }
        {
          // A step large enough that h^2 |grad_v|^2 is far above the rounding of |v|^2 (here
          // h |grad_v| = 0.3 |v|), but not so large that the step diverges.
          DiscreteIteration probe(net, o, 1.0);
          probe.evaluate();
          const Vector v0 = probe.v();
          probe.step();
          const double h = 0.3 * v0.norm() / (v0 - probe.v()).norm();
          DiscreteIteration it(net, o, h);
          it.evaluate();
          it.step();
          const double grown = it.v().squaredNorm() - v0.squaredNorm();
          const double predicted = (it.v() - v0).squaredNorm();  // h^2 |grad_v|^2
          BOOST_TEST_MESSAGE("|v1|^2 - |v0|^2 = " << grown << ", h^2 |grad_v|^2 = " << predicted);
          BOOST_TEST(std::abs(grown - predicted) < 1e-14 * it.v().squaredNorm());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(polar_wn_gd_keeps_s_on_the_sphere_and_steps_r_by_the_fd_derivative) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign);
    const DiagonalNetwork net(p, sign, 2);
    DiscreteOptions o = options(DiscreteMethod::wn_gd_polar, sign, 2, 0.5);
    o.eta_r = 0.5;
    o.ratio = 0.3;
    const double h = 0.2;
    DiscreteIteration it(net, o, h);
    BOOST_TEST(std::abs(it.eta_s() * it.initial_radius() * it.initial_radius() / it.eta_r() - 0.3) < 1e-14);
    for (int k = 0; k < 50; ++k) {
      it.evaluate();
      const double r0 = it.r();
      const Vector s0 = it.s();
      it.step();
      BOOST_TEST(std::abs(it.s().norm() - 1.0) < 1e-14);
      BOOST_TEST(std::abs(it.w().norm() - std::abs(it.r())) < 1e-13 * std::abs(it.r()));
      if (k == 0) {
        const double d = 1e-6;
        auto loss = [&](double r) { return net.loss(net.x_of_w(r * s0)); };
        const double fd_r = (loss(r0 + d) - loss(r0 - d)) / (2 * d);
        BOOST_TEST(std::abs((r0 - it.r()) / (h * o.eta_r) - fd_r) < 1e-7 * std::max(1.0, std::abs(fd_r)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(small_step_gd_approaches_the_gradient_flow_limit) {
  const Problem p = instance(Sign::positive, 5, 10, 5);
  FlowOptions fo;
  fo.alpha = 1.0;  // GD converges fast at this scale; the O(h) gap to the flow is what is tested
  const RunResult flow = run_flow(p, fo, testing::tight_integration());
  BOOST_TEST_REQUIRE(flow.converged);
  DiscreteOptions o = options(DiscreteMethod::gd, Sign::positive, 2, 1.0);
  o.loss_tol = 1e-16;  // x within ~1e-8 of an interpolant: far below the O(h) gap
  double previous = INFINITY;
  for (double h : {0.04, 0.02, 0.01}) {
    o.step = h;
    const DiscreteSummary s = run_discrete(p, o);
    BOOST_TEST_REQUIRE(s.converged);
    const double err = testing::relative_difference(s.x, flow.x);
    BOOST_TEST_MESSAGE("h = " << h << ": " << s.iterations << " iterations, |x_GD - x_GF| / |x_GF| = " << err);
    BOOST_TEST(err < previous);
    previous = err;
  }
  BOOST_TEST(previous <= 1e-3);
}

BOOST_AUTO_TEST_CASE(small_step_polar_wn_gd_approaches_the_wn_flow_and_its_alpha_eff) {
  const Problem p = instance(Sign::positive);
  FlowOptions fo;
  fo.kind = FlowKind::wn;
  fo.alpha = 0.5;
  fo.ratio = 1.0;
  const RunResult flow = run_flow(p, fo, testing::tight_integration());
  BOOST_TEST_REQUIRE(flow.converged);
  DiscreteOptions o = options(DiscreteMethod::wn_gd_polar, Sign::positive, 2, 0.5);
  o.ratio = 1.0;
  o.loss_tol = 1e-16;
  double previous = INFINITY, alpha_gap = INFINITY;
  for (double h : {0.03, 0.01}) {
    o.step = h;
    const DiscreteSummary s = run_discrete(p, o);
    BOOST_TEST_REQUIRE(s.converged);
    const double err = testing::relative_difference(s.x, flow.x);
    alpha_gap = std::abs(s.alpha_eff / flow.alpha_eff - 1.0);
    BOOST_TEST_MESSAGE("h = " << h << ": " << s.iterations << " iterations, |x - x_WN| / |x_WN| = " << err
                              << ", alpha_eff " << s.alpha_eff << " vs flow " << flow.alpha_eff);
    BOOST_TEST(err < previous);
    previous = err;
  }
  BOOST_TEST(previous < 1e-2);
  BOOST_TEST(alpha_gap < 1e-3);
}

BOOST_AUTO_TEST_CASE(a_huge_step_diverges_and_says_so) {
  const Problem p = instance(Sign::positive);
  for (DiscreteMethod m : {DiscreteMethod::gd, DiscreteMethod::wn_gd_classic, DiscreteMethod::wn_gd_polar}) {
    DiscreteOptions o = options(m, Sign::positive, 2, 0.5);
    o.step = 100;
    const DiscreteSummary s = run_discrete(p, o);
    BOOST_TEST_CONTEXT(to_string(m)) {
      BOOST_TEST(s.stop == DiscreteStop::diverged);
      BOOST_TEST(!s.converged);
      BOOST_TEST(s.iterations < 100);
      BOOST_TEST(s.report().find("diverged") != std::string::npos);
      BOOST_TEST(std::isnan(s.alpha_eff));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_step_search_picks_the_largest_converging_step) {
  const Problem p = instance(Sign::positive);
  for (DiscreteMethod m : {DiscreteMethod::gd, DiscreteMethod::wn_gd_classic, DiscreteMethod::wn_gd_polar}) {
    DiscreteOptions o = options(m, Sign::positive, 2, 0.5);
    o.max_iterations = 20000;
    o.loss_tol = 1e-16;
    if (m == DiscreteMethod::wn_gd_polar) o.ratio = 1.0;  // here h = 0.3 oscillates without diverging
    o.step_grid = {0.01, 3.0, 0.3, 10.0, 1.0, 0.1};  // unsorted on purpose
    const DiscreteSummary s = run_discrete(p, o);
    BOOST_TEST_CONTEXT(to_string(m)) {
      BOOST_TEST_MESSAGE(s.report());
      BOOST_TEST_REQUIRE(s.converged);
      BOOST_TEST(s.searched);
      BOOST_TEST(s.tried_steps.size() >= 2u);  // 10 does not converge here
      BOOST_TEST(s.tried_steps.back() == s.step);
      // Tried largest first, and every larger step really fails at a fixed step.
      for (std::size_t i = 0; i + 1 < s.tried_steps.size(); ++i) {
        BOOST_TEST(s.tried_steps[i] > s.tried_steps[i + 1]);
        DiscreteOptions fixed = o;
        fixed.step_grid.clear();
        fixed.step = s.tried_steps[i];
        BOOST_TEST(!run_discrete(p, fixed).converged);
      }
    }
  }
  // No step converges: reported as a failure, with the stop of the last try.
  DiscreteOptions o = options(DiscreteMethod::gd, Sign::positive, 2, 0.5);
  o.step_grid = {1e3, 1e4};
  const DiscreteSummary s = run_discrete(p, o);
  BOOST_TEST(!s.converged);
  BOOST_TEST(s.stop == DiscreteStop::diverged);
  BOOST_TEST(s.step == 1e3);
  BOOST_TEST(s.tried_steps.size() == 2u);
  BOOST_TEST(s.report().find("FAILED") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(classic_wn_gd_reports_growth_of_v_and_alpha_eff) {
  const Problem p = instance(Sign::positive);
  DiscreteOptions o = options(DiscreteMethod::wn_gd_classic, Sign::positive, 2, 0.5);
  o.step = 0.1;
  const DiscreteSummary s = run_discrete(p, o);
  BOOST_TEST_MESSAGE(s.report());
  BOOST_TEST_REQUIRE(s.converged);
  BOOST_TEST(s.v_norm_growth > 1.0);
  BOOST_TEST(std::isfinite(s.alpha_eff));
  BOOST_TEST(std::isnan(run_discrete(p, options(DiscreteMethod::gd, Sign::positive, 2, 0.5)).alpha_eff));
}

BOOST_AUTO_TEST_CASE(leaving_the_positive_orthant_is_counted_and_reported) {
  // Polar WN-GD at eta_s = 1 (q = r0^2 = 12) and h = 0.1 overshoots: weights change sign (the flow never does).
  const Problem p = instance(Sign::positive);
  DiscreteOptions o = options(DiscreteMethod::wn_gd_polar, Sign::positive, 2, 1.0);
  o.step = 0.1;
  o.max_iterations = 20000;
  const DiscreteSummary s = run_discrete(p, o);
  BOOST_TEST_MESSAGE(s.report());
  BOOST_TEST(s.left_positive_orthant());
  BOOST_TEST(s.min_weight < 0.0);
  BOOST_TEST(s.report().find("left the positive orthant") != std::string::npos);
  // A small step from the same start stays positive, as the flow does.
  o.step = 0.01;
  const DiscreteSummary t = run_discrete(p, o);
  BOOST_TEST(!t.left_positive_orthant());
  BOOST_TEST(t.min_weight > 0.0);
}

BOOST_AUTO_TEST_CASE(bad_options_throw_input_error_naming_the_option) {
  const Problem p = instance(Sign::positive);
  auto throws_naming = [&](const DiscreteOptions& o, const std::string& name) {
    try {
      run_discrete(p, o);
    } catch (const InputError& e) {
      return std::string(e.what()).find(name) != std::string::npos;
    }
    return false;
  };
  DiscreteOptions o;
  o.depth = 1;
  BOOST_TEST(throws_naming(o, "depth"));
  o = {};
  o.alpha = -1;
  BOOST_TEST(throws_naming(o, "alpha"));
  o = {};
  o.step = -0.1;
  BOOST_TEST(throws_naming(o, "step"));
  o = {};
  o.step_grid = {0.1, 0.0};
  BOOST_TEST(throws_naming(o, "step_grid"));
  o = {};
  o.step = 0.1;
  o.step_grid = {0.1};
  BOOST_TEST(throws_naming(o, "step_grid"));
  o = {};
  o.max_iterations = 0;
  BOOST_TEST(throws_naming(o, "max_iterations"));
  o = {};
  o.loss_tol = NAN;
  BOOST_TEST(throws_naming(o, "loss_tol"));
  o = {};
  o.divergence_factor = 0.5;
  BOOST_TEST(throws_naming(o, "divergence_factor"));
  o = {};
  o.ratio = 0.2;  // GD
  BOOST_TEST(throws_naming(o, "ratio"));
  o = {};
  o.method = DiscreteMethod::wn_gd_polar;
  o.eta_r = 0;
  BOOST_TEST(throws_naming(o, "eta_r"));
  o.eta_r = 1;
  o.ratio = 0.2;
  o.eta_s = 2;
  BOOST_TEST(throws_naming(o, "ratio"));
  o = {};
  o.method = DiscreteMethod::wn_gd_classic;
  o.ratio = 0.2;
  o.v0_norm = 1;
  BOOST_TEST(throws_naming(o, "v0_norm"));
  o = {};
  o.method = DiscreteMethod::wn_gd_polar;
  o.v0_norm = 1;
  BOOST_TEST(throws_naming(o, "v0_norm"));
  BOOST_CHECK_THROW(parse_discrete_method("sgd"), InputError);
  BOOST_TEST(to_string(parse_discrete_method("wn-gd-polar")) == "wn-gd-polar");
}

namespace {

// The dense Hessian of f at u by second differences of f's values (no gradient code involved).
template <class F>
Matrix fd_hessian(F f, const Vector& u, double d = 1e-4) {
  const Eigen::Index m = u.size();
  Matrix H(m, m);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = i; j < m; ++j) {
      auto at = [&](double si, double sj) {
        Vector v = u;
        v[i] += si * d;
        v[j] += sj * d;
        return f(v);
      };
      H(i, j) = H(j, i) = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * d * d);
    }
  return H;
}

double largest_eigenvalue(const Matrix& H) {
  return Eigen::SelfAdjointEigenSolver<Matrix>(H, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
}

// An orthonormal basis of s^perp (n x (n-1)), from a QR of [s, I].
Matrix tangent_basis(const Vector& s) {
  const Eigen::Index n = s.size();
  Matrix S(n, n);
  S.col(0) = s;
  for (Eigen::Index j = 1; j < n; ++j) S.col(j) = Vector::Unit(n, j - 1) + 1e-3 * Vector::Unit(n, j);
  const Matrix Q = Eigen::HouseholderQR<Matrix>(S).householderQ();
  return Q.rightCols(n - 1);
}

// The dense curvature operator of docs/theory.md §1.4 for the iterate `it`, built independently:
// GD: the Hessian of ℓ(w); classic: of f(gamma, v) = ℓ(gamma v/|v|); polar: of
// F(rho, xi) = ℓ((r + rho) normalize(s + Q xi)) at 0 (normalization is a second-order
// retraction, so this is the Riemannian Hessian on R x S^{n-1} in the basis Q of s^perp),
// scaled by diag(sqrt(eta_r), sqrt(eta_s) I) on both sides.
Matrix dense_curvature(const DiagonalNetwork& net, const DiscreteIteration& it, DiscreteMethod m) {
  auto loss_w = [&](const Vector& w) { return net.loss(net.x_of_w(w)); };
  const Eigen::Index n = it.w().size();
  switch (m) {
    case DiscreteMethod::gd: return fd_hessian(loss_w, it.w());
    case DiscreteMethod::wn_gd_classic: {
      Vector u(n + 1);
      u << it.gamma(), it.v();
      return fd_hessian([&](const Vector& z) { return loss_w((z[0] / z.tail(n).norm()) * z.tail(n)); }, u);
    }
    case DiscreteMethod::wn_gd_polar: {
      const Matrix Q = tangent_basis(it.s());
      const double r = it.r();
      const Vector s = it.s();
      Matrix H = fd_hessian(
          [&](const Vector& z) {
            const Vector d = s + Q * z.tail(n - 1);
            return loss_w((r + z[0]) * d / d.norm());
          },
          Vector::Zero(n));
      Vector scale = Vector::Constant(n, std::sqrt(it.eta_s()));
      scale[0] = std::sqrt(it.eta_r());
      return scale.asDiagonal() * H * scale.asDiagonal();
    }
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(power_iteration_lambda_max_matches_a_dense_eigensolve_for_all_methods) {
  for (Sign sign : {Sign::positive, Sign::signed_}) {
    const Problem p = instance(sign, 13, 6, 3);
    for (int L : {2, 3}) {
      const DiagonalNetwork net(p, sign, L);
      for (DiscreteMethod m : {DiscreteMethod::gd, DiscreteMethod::wn_gd_classic, DiscreteMethod::wn_gd_polar})
        for (double alpha : {0.05, 0.7}) {
          DiscreteOptions o = options(m, sign, L, alpha);
          if (m == DiscreteMethod::wn_gd_polar) {
            o.eta_r = 0.7;
            o.ratio = 0.3;
          }
          if (m == DiscreteMethod::wn_gd_classic) o.v0_norm = 1.3;
          DiscreteIteration it(net, o, 0.05);
          // A few steps away from the symmetric start, so that the check is generic.
          for (int k = 0; k < 3; ++k) {
            it.evaluate();
            it.step();
          }
          it.evaluate();
          DiscreteIteration fresh = it;  // its own cold start: lambda_max leaves its warm start on the top eigenvector
          const double power = it.lambda_max(20000, 1e-13);
          const Matrix K = dense_curvature(net, it, m);
          const double dense = largest_eigenvalue(K);
          const double spread = std::max(dense, -Eigen::SelfAdjointEigenSolver<Matrix>(K).eigenvalues().minCoeff());
          BOOST_TEST_CONTEXT(to_string(sign) << " L=" << L << " " << to_string(m) << " alpha=" << alpha) {
            BOOST_TEST_MESSAGE("lambda_max: power " << power << ", dense " << dense << " (|lambda| up to " << spread
                                                    << "), " << it.curvature_products() << " products");
            BOOST_TEST(std::abs(power - dense) < 1e-5 * spread);
            // The default scale of the rule: the spectral radius, max |lambda|.
            BOOST_TEST(std::abs(fresh.spectral_radius(20000, 1e-13) - spread) < 1e-5 * spread);
          }
        }
    }
  }
}

BOOST_AUTO_TEST_CASE(the_curvature_rule_converges_where_a_fixed_step_beyond_2_over_lambda_diverges) {
  const Problem p = instance(Sign::positive);
  for (DiscreteMethod m : {DiscreteMethod::gd, DiscreteMethod::wn_gd_classic, DiscreteMethod::wn_gd_polar}) {
    DiscreteOptions o = options(m, Sign::positive, 2, 0.5);
    if (m == DiscreteMethod::wn_gd_polar) o.ratio = 1.0;
    o.max_iterations = 20000;
    o.loss_tol = 1e-12;
    const DiagonalNetwork net(p, Sign::positive, 2);
    DiscreteIteration probe(net, o, 1.0);
    probe.evaluate();
    DiscreteIteration fresh = probe;
    const double lambda0 = probe.lambda_max(20000, 1e-12);
    const double rho0 = fresh.spectral_radius(20000, 1e-12);  // >= lambda0: K is indefinite for WN here
    DiscreteOptions fixed = o;
    fixed.step = 2.5 / lambda0;
    const DiscreteSummary f = run_discrete(p, fixed);
    DiscreteOptions curv = o;
    curv.step_rule = StepRule::curvature;
    const DiscreteSummary c = run_discrete(p, curv);
    BOOST_TEST_CONTEXT(to_string(m)) {
      BOOST_TEST_MESSAGE("lambda_max(w0) = " << lambda0 << ", rho(w0) = " << rho0 << "; fixed h = 2.5/lambda: " << to_string(f.stop) << " after "
                                             << f.iterations << "; curvature: " << c.report());
      BOOST_TEST(!f.converged);
      BOOST_TEST_REQUIRE(c.converged);
      BOOST_TEST(c.rule == StepRule::curvature);
      BOOST_TEST(rho0 >= lambda0 * (1 - 1e-9));
      BOOST_TEST(std::abs(c.lambda_initial - rho0) < 1e-2 * rho0);  // the rule's cheap estimate
      // Every Hessian-vector product is counted in the cost.
      BOOST_TEST(c.hvp_evals > 0);
      BOOST_TEST(c.grad_evals == c.iterations + 1 + c.hvp_evals);
      BOOST_TEST(std::abs(c.step_max * c.lambda_initial - 1.0) < 1.0);  // finite steps of order 1/rho
      BOOST_TEST(c.step_min > 0.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(classic_v_growth_identity_holds_under_the_curvature_step) {
  const Problem p = instance(Sign::positive);
  const DiagonalNetwork net(p, Sign::positive, 3);
  DiscreteOptions o = options(DiscreteMethod::wn_gd_classic, Sign::positive, 3, 0.5);
  DiscreteIteration it(net, o, 1.0);
  for (int k = 0; k < 20; ++k) {
    it.evaluate();
    it.set_step(2.0 * 0.9 / it.lambda_max());  // c = 0.9: large steps, visible growth
    const Vector v0 = it.v();
    it.step();
    const double grown = it.v().squaredNorm() - v0.squaredNorm();
    const double predicted = (it.v() - v0).squaredNorm();  // h^2 |grad_v|^2
    BOOST_TEST(grown > 0.0);
    BOOST_TEST(std::abs(grown - predicted) < 1e-13 * it.v().squaredNorm());
  }
}

BOOST_AUTO_TEST_CASE(step_rule_options_are_checked) {
  const Problem p = instance(Sign::positive);
  DiscreteOptions o;
  o.step_rule = StepRule::curvature;
  o.step = 0.1;
  BOOST_CHECK_THROW(run_discrete(p, o), InputError);
  o = {};
  o.step_rule = StepRule::fixed;
  BOOST_CHECK_THROW(run_discrete(p, o), InputError);
  o = {};
  o.step_rule = StepRule::curvature;
  o.step_fraction = 1.5;
  BOOST_CHECK_THROW(run_discrete(p, o), InputError);
  o.step_fraction = 0.5;
  o.step_grid = {0.1};
  BOOST_CHECK_THROW(run_discrete(p, o), InputError);
  BOOST_CHECK_THROW(parse_step_rule("armijo"), InputError);
  BOOST_TEST(to_string(parse_step_rule("curvature")) == "curvature");
  // The default grid: 10^(k/4) from 10 down to 1e-7.
  const std::vector<double> g = default_step_grid();
  BOOST_TEST(g.size() == 33u);
  BOOST_TEST(g.front() == 10.0);
  BOOST_TEST(std::abs(g.back() / 1e-7 - 1.0) < 1e-12);
}
