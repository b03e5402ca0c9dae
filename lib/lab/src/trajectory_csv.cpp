#include <cmath>
#include <iomanip>
#include <sstream>
#include <wnflow/lab/trajectory_csv.hpp>

namespace wnflow {

std::string trajectory_csv(const RunResult& r) {
  std::ostringstream o;
  o << std::setprecision(17);
  const bool has_x = !r.trajectory.empty() && !std::isnan(r.trajectory.front().error);
  const bool wn = r.flow.kind != FlowKind::gf;
  const bool classic = r.flow.kind == FlowKind::wn_classic;
  o << "t,loss,l1_norm";
  if (has_x) o << ",error";
  o << ",radius";
  if (wn) o << ",I1_sphere";
  if (classic) o << ",I2_v_norm";
  const bool polar = r.flow.kind == FlowKind::wn;
  o << (wn ? ",I4_mirror" : ",I3_mirror") << ",alpha_eff" << (polar ? ",alpha_eff_integral" : "") << ",path_length\n";
  for (const auto& s : r.trajectory) {
    o << s.t << ',' << s.loss << ',' << s.l1_norm;
    if (has_x) o << ',' << s.error;
    o << ',' << s.radius;
    if (wn) o << ',' << s.sphere;
    if (classic) o << ',' << s.v_norm;
    o << ',' << s.mirror << ',' << s.alpha_eff;
    if (polar) o << ',' << s.alpha_eff_integral;
    o << ',' << s.path_length << '\n';
  }
  return o.str();
}

}  // namespace wnflow
