// wnflow l1: the ℓ1 reference of docs/theory.md §0.3 by linear programming (COIN-OR Clp):
// min 1ᵀz s.t. Az = y, z >= 0 (--sign positive) or min |z|_1 s.t. Az = y (--sign signed).
#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/l1.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace wnflow::app {

namespace {
struct L1Args {
  ProblemArgs problem;
  bool json = false;
};

Action add_l1(CLI::App& cmd) {
  auto a = std::make_shared<L1Args>();
  a->problem.add_to(cmd);
  cmd.add_flag("--json", a->json, "print one JSON object instead of the summary");

  return [a]() -> int {
    Sign sign;
    const Problem problem = a->problem.load(sign);
    const auto start = std::chrono::steady_clock::now();
    L1Options options;
    options.sign = sign;
    const L1Result r = solve_l1(problem, options);  // NumericalError when infeasible
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (a->json) {
      nlohmann::json j;
      j["x"] = to_json(r.x);
      j["value"] = number(r.value);
      j["residual"] = number(r.residual);
      j["status"] = r.status;
      j["dual"] = to_json(r.dual);
      j["sign"] = to_string(sign);
      j["wall_seconds"] = seconds;
      j["problem"] = a->problem.describe();
      std::cout << j.dump() << "\n";
    } else {
      std::ostringstream o;
      o.precision(12);
      o << "wnflow l1: " << (sign == Sign::positive ? "min 1^T z s.t. Az = y, z >= 0" : "min |z|_1 s.t. Az = y")
        << " (Clp)\n";
      o << "tau* = " << r.value << "\n";
      o.precision(3);
      o << "|Ax - y|_inf = " << r.residual << ", status: " << r.status << "\n";
      Eigen::Index support = 0;
      for (Eigen::Index i = 0; i < r.x.size(); ++i)
        if (r.x[i] != 0.0) ++support;
      o << "support: " << support << " of " << r.x.size() << " entries nonzero\n";
      o << "wall time: " << seconds << " s\n";
      std::cout << o.str();
    }
    return ok;
  };
}

const Registration registration{"l1", "the l1 reference tau* by linear programming (Clp)", 30, add_l1};
}  // namespace

}  // namespace wnflow::app
