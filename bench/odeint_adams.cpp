// wnflow-odeint-adams: Odeint's variable-step, variable-order Adams-Bashforth-Moulton
// (controlled_adams_bashforth_moulton over adaptive_adams_bashforth_moulton) against wnflow's
// own Adams PECE (adams.hpp) on the non-stiff flows of the bench grid: steps, right-hand sides
// and CPU time to the same loss tolerance at the same tolerances (docs/numerics.md).
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/instance.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/solve/integrate.hpp>

namespace ode = boost::numeric::odeint;
using wnflow::Vector;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Reached {};
constexpr long max_steps = 200'000;  // both steppers give up here (reported as not converged)

struct Count {
  long steps = 0, rhs = 0;
  double seconds = 0, loss = 0, t = 0;
  bool converged = false;
};

template <class Flow>
Count odeint_abm(Flow flow, double rtol, double atol, double t_max, double loss_tol) {
  Count c;
  // std::vector state and Odeint's default range algebra: the controller's PID step adjuster
  // works elementwise and does not compile for Eigen vectors with vector_space_algebra.
  using State = std::vector<double>;
  const Vector x0 = flow.initial_state();
  State x(x0.data(), x0.data() + x0.size());
  const auto n = x0.size();
  auto system = [&](const State& z, State& dz, double) {
    ++c.rhs;
    flow.derivative(Eigen::Map<const Vector>(z.data(), n), Eigen::Map<Vector>(dz.data(), n));
  };
  using Stepper = ode::adaptive_adams_bashforth_moulton<5, State>;
  auto st = ode::make_controlled(atol, rtol, Stepper());
  const double t0 = cpu_seconds();
  try {
    ode::integrate_adaptive(st, system, x, 0.0, t_max, 1e-3, [&](const State& z, double t) {
      if (++c.steps > max_steps) throw std::runtime_error("step limit");
      c.t = t;
      c.loss = flow.loss(Eigen::Map<const Vector>(z.data(), n));
      if (c.loss <= loss_tol) throw Reached{};
    });
  } catch (const Reached&) {
    c.converged = true;
  } catch (const std::exception&) {
  }
  c.seconds = cpu_seconds() - t0;
  return c;
}

template <class Flow>
Count wnflow_adams(Flow flow, double rtol, double atol, double t_max, double loss_tol) {
  wnflow::IntegrateOptions o;
  o.stepper = wnflow::StepperKind::adams;
  o.rtol = rtol;
  o.atol = atol;
  o.t_max = t_max;
  o.loss_tol = loss_tol;
  o.max_steps = max_steps;
  Vector x = flow.initial_state();
  const double t0 = cpu_seconds();
  const auto s = wnflow::integrate(flow, x, o);
  Count c;
  c.seconds = cpu_seconds() - t0;
  c.steps = s.steps;
  c.rhs = s.rhs_evals;
  c.loss = s.loss;
  c.t = s.t;
  c.converged = s.converged();
  return c;
}

void row(const char* name, const Count& a, const Count& b) {
  std::printf("%-34s | %8ld %8ld %9.4f %s | %8ld %8ld %9.4f %s | %6.2f %6.2f\n", name, a.steps, a.rhs, a.seconds,
              a.converged ? "yes" : "NO ", b.steps, b.rhs, b.seconds, b.converged ? "yes" : "NO ",
              double(b.rhs) / double(a.rhs), b.seconds / a.seconds);
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const double rtol = 1e-9, atol = 1e-14, t_max = 1e7, loss_tol = 1e-20;
  std::printf("rtol %g, atol %g, loss_tol %g; wnflow adams | odeint controlled ABM (order <= 5) | ratios odeint/wnflow\n",
              rtol, atol, loss_tol);
  std::printf("%-34s | %8s %8s %9s %s | %8s %8s %9s %s | %6s %6s\n", "case", "steps", "rhs", "cpu s", "conv", "steps",
              "rhs", "cpu s", "conv", "rhs", "cpu");
  for (int N : {150, 400}) {
    const long M = N == 150 ? 45 : N / 4;
    for (auto sign : {wnflow::Sign::positive, wnflow::Sign::signed_}) {
      const wnflow::Problem p = wnflow::random_instance({N, M, std::max(3, N / 50), 1, sign});
      for (int L : {2, 3}) {
        const wnflow::DiagonalNetwork net(p, sign, L);
        for (double alpha : {1.0, 10.0}) {
          char name[96];
          const char* s = sign == wnflow::Sign::positive ? "P+" : "P±";
          const wnflow::GradientFlow gf(net, alpha);
          std::snprintf(name, sizeof name, "%s N=%d L=%d a=%g gf", s, N, L, alpha);
          row(name, wnflow_adams(gf, rtol, atol, t_max, loss_tol), odeint_abm(gf, rtol, atol, t_max, loss_tol));
          const wnflow::WeightNormFlow wn(net, alpha,
                                          wnflow::WeightNormRates::from_ratio(0.05, wnflow::initial_radius(net, alpha)));
          std::snprintf(name, sizeof name, "%s N=%d L=%d a=%g wn q=0.05", s, N, L, alpha);
          row(name, wnflow_adams(wn, rtol, atol, t_max, loss_tol), odeint_abm(wn, rtol, atol, t_max, loss_tol));
        }
      }
    }
  }
}
