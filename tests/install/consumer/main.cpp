// Builds a random instance, integrates a weight-normalized flow to its limit and prints
// alpha_eff: the smallest useful program against the installed wnflow.
#include <cstdio>
#include <wnflow/model/instance.hpp>
#include <wnflow/solve/run.hpp>

int main() {
  const wnflow::Problem problem = wnflow::random_instance({60, 20, 3, 1, wnflow::Sign::positive});
  wnflow::FlowOptions flow;
  flow.kind = wnflow::FlowKind::wn;
  flow.alpha = 3.0;
  flow.ratio = 0.05;
  const wnflow::RunResult r = wnflow::run_flow(problem, flow, wnflow::IntegrateOptions{});
  if (!r.converged) return 1;
  std::printf("alpha_eff %.17g\n", r.alpha_eff);
}
