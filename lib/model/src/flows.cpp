#include <cmath>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gradient_flow.hpp>
#include <wnflow/model/weight_norm.hpp>
#include <wnflow/model/weight_norm_classic.hpp>

namespace wnflow {

// ---------------------------------------------------------------- GF
GradientFlow::GradientFlow(const DiagonalNetwork& net, double alpha, double eta)
    : core_(net), alpha_(alpha), eta_(eta) {
  require_positive_finite(alpha, "alpha");
  require_positive_finite(eta, "eta");
}

Vector GradientFlow::initial_state() const { return Vector::Constant(dimension(), std::log(alpha_)); }

void GradientFlow::derivative(const ConstVectorRef& z, VectorRef dz) {
  core_.evaluate(z);
  core_.derivative({eta_, 0.0, 0.0, 0.0}, dz);
}

void GradientFlow::jacobian(const ConstVectorRef& z, Eigen::Ref<Matrix> J) {
  core_.evaluate(z);
  core_.jacobian({eta_, 0.0, 0.0, 0.0}, J);
}

Eigen::Index GradientFlow::jacobian_rank() const { return detail::LogWeightCore::factor_rank(network(), false); }

void GradientFlow::jacobian(const ConstVectorRef& z, LowRankJacobian& J) {
  core_.evaluate(z);
  J.D.resize(z.size());
  J.U.resize(z.size(), 0);  // rank M: the Gram block is the whole low-rank term
  J.V.resize(z.size(), 0);
  core_.jacobian_gram({eta_, 0.0, 0.0, 0.0}, false, J.D, J.gram, J.U, J.V);
  J.derivative_in_span = network().depth() == 2;
}

void GradientFlow::derivative_in_factors(const ConstVectorRef& z, const LowRankJacobian& J, VectorRef eta) {
  core_.evaluate_residual(z);
  // dz/dt = -eta L G (u = G at L = 2), and the Gram columns are a0 B^T A^T.
  eta = (-eta_ * 2.0 / J.gram.a(0)) * core_.residual_vector();
}

// ---------------------------------------------------------------- WN (polar)
std::string to_string(Schedule s) { return s == Schedule::constant_rates ? "constant-rates" : "constant-ratio"; }

Schedule parse_schedule(const std::string& text) {
  if (text == "constant-rates") return Schedule::constant_rates;
  if (text == "constant-ratio") return Schedule::constant_ratio;
  throw InputError("unknown schedule '" + text + "' (expected constant-rates or constant-ratio)");
}

WeightNormRates WeightNormRates::from_ratio(double q, double r0, double eta_r, Schedule schedule) {
  require_positive_finite(q, "ratio q");
  require_positive_finite(r0, "initial radius");
  require_positive_finite(eta_r, "eta_r");
  return {eta_r, q * eta_r / (r0 * r0), schedule};
}

double initial_radius(const DiagonalNetwork& net, double alpha) { return alpha * std::sqrt(double(net.n())); }
double radius(const ConstVectorRef& w) { return w.norm(); }

WeightNormFlow::WeightNormFlow(const DiagonalNetwork& net, double alpha, WeightNormRates rates)
    : core_(net), alpha_(alpha), r0_(0.0), rates_(rates) {
  require_positive_finite(alpha, "alpha");
  require_positive_finite(rates.eta_r, "eta_r");
  require_positive_finite(rates.eta_s, "eta_s");
  r0_ = wnflow::initial_radius(net, alpha);
}

Vector WeightNormFlow::initial_state() const {
  Vector s = Vector::Constant(dimension(), std::log(alpha_));
  s[dimension() - 1] = 0.0;  // log φ(0)
  return s;
}

detail::Speeds weight_norm_speeds(const WeightNormRates& rates, double r0, double r2) {
  const double er = rates.eta_r;
  if (rates.schedule == Schedule::constant_rates) {
    const double es = rates.eta_s;
    return {es * r2, es - er / r2, es, er / (r2 * r2)};
  }
  const double q = rates.ratio(r0);  // eta_s(t) r(t)^2 = q eta_r
  return {q * er, er * (q - 1.0) / r2, 0.0, -er * (q - 1.0) / (r2 * r2)};
}

// d log φ/dt = h · d log r/dt with h = 1 - a(r^2)/eta_r (a = eta_s r^2) and
// d log r/dt = <w^2, dz/dt> / r^2.
void WeightNormFlow::derivative(const ConstVectorRef& state, VectorRef ds) {
  const auto n = core_.network().n();
  core_.evaluate(state.head(n));
  const detail::Speeds sp = speeds(core_.r2());
  auto dz = ds.head(n);
  core_.derivative(sp, dz);
  const auto& w = core_.workspace().w;
  const double dlogr = w.cwiseAbs2().dot(dz) / core_.r2();
  ds[n] = (1.0 - sp.a / rates_.eta_r) * dlogr;
}

void WeightNormFlow::jacobian(const ConstVectorRef& state, Eigen::Ref<Matrix> J) {
  const auto n = core_.network().n();
  core_.evaluate(state.head(n));
  const detail::Speeds sp = speeds(core_.r2());
  auto Jz = J.topLeftCorner(n, n);
  core_.jacobian(sp, Jz);
  J.col(n).setZero();  // nothing depends on log φ
  Vector dz(n);
  core_.derivative(sp, dz);
  const Vector w2 = core_.workspace().w.cwiseAbs2();
  const double r2 = core_.r2();
  const double D = w2.dot(dz) / r2;
  const double h = 1.0 - sp.a / rates_.eta_r;
  // ∂D/∂z = (2 w^2 ⊙ dz + Jz^T w^2)/r^2 - 2 D w^2 / r^2;  ∂h/∂z = -(2 a'/eta_r) w^2.
  const Vector dD = (2.0 * w2.cwiseProduct(dz) + Jz.transpose() * w2 - 2.0 * D * w2) / r2;
  J.row(n).head(n) = (h * dD - (2.0 * sp.da / rates_.eta_r * D) * w2).transpose();
  J(n, n) = 0.0;
}

// The kernel's factors in the z block (its Gram block and two columns), and the log φ row as
// one more rank-one term e_n ρ^T (ρ as in jacobian() above, with Jz^T w^2 = D ⊙ w^2 + V (U^T w^2)
// over the Gram block and the two columns).
Eigen::Index WeightNormFlow::jacobian_rank() const {
  return detail::LogWeightCore::factor_rank(network(), true) + 1;
}

void WeightNormFlow::jacobian(const ConstVectorRef& state, LowRankJacobian& J) {
  const auto n = core_.network().n();
  core_.evaluate(state.head(n));
  const detail::Speeds sp = speeds(core_.r2());
  J.derivative_in_span = network().depth() == 2;
  J.D.resize(n + 1);
  Vector& D = J.D;
  GramStructure& g = J.gram;
  Matrix& U = J.U;
  Matrix& V = J.V;
  U.resize(n + 1, 3);
  V.resize(n + 1, 3);
  auto Uz = U.topLeftCorner(n, 2);
  auto Vz = V.topLeftCorner(n, 2);
  core_.jacobian_gram(sp, true, D.head(n), g, Uz, Vz);
  D[n] = 0.0;
  U.row(n).setZero();
  V.row(n).setZero();
  auto& s = core_.scratch();
  core_.derivative(sp, s.dz);
  const double r2 = core_.r2();
  const double Dlog = s.w2.dot(s.dz) / r2;
  const double h = 1.0 - sp.a / rates_.eta_r;
  // Jz^T w^2 = D ⊙ w^2 + V_G (U_G^T w^2) + Vz (Uz^T w^2), the Gram block through A.
  s.small.resize(g.rank());  // allocates once
  Vector folded, at;
  gram_transpose_times(g, g.a, s.w2, folded, s.small);
  s.extra = D.head(n).cwiseProduct(s.w2);
  gram_times_add(g, g.b, s.small, at, s.extra);
  const Eigen::Vector2d small_z = Uz.transpose() * s.w2;
  s.extra.noalias() += Vz * small_z;
  U.col(2).setZero();
  U(n, 2) = 1.0;
  V.col(2).head(n) = (h / r2) * (2.0 * s.w2.cwiseProduct(s.dz) + s.extra - 2.0 * Dlog * s.w2) -
                     (2.0 * sp.da / rates_.eta_r * Dlog) * s.w2;
}

void WeightNormFlow::derivative_in_factors(const ConstVectorRef& state, const LowRankJacobian& J, VectorRef eta) {
  const double a0 = J.gram.a(0);
  const auto n = core_.network().n();
  const auto M = core_.network().M();
  core_.evaluate_residual(state.head(n));
  const double r2 = core_.r2(), c = core_.c(), L = 2.0;
  const detail::Speeds sp = speeds(r2);
  // The columns of the low-rank Jacobian: [Gram (a0 B^T A^T), a' column, L 1, e_n].
  eta.head(M) = (-sp.a * L / a0) * core_.residual_vector();
  eta[M] = 0.0;
  eta[M + 1] = sp.b * c;
  // d log φ/dt = h <w^2, dz/dt> / r^2 with <w^2, G> = <w^L, G> = c at L = 2.
  const double h = 1.0 - sp.a / rates_.eta_r;
  eta[M + 2] = h * (-sp.a * L * c + sp.b * L * c * r2) / r2;
}

// ---------------------------------------------------------------- classic WN
double classic_v0_norm(std::optional<double> v0_norm, std::optional<double> ratio, double r0) {
  if (v0_norm) return *v0_norm;
  return ratio ? r0 / std::sqrt(*ratio) : r0;
}

ClassicWeightNormFlow::ClassicWeightNormFlow(const DiagonalNetwork& net, double alpha, double v0_norm)
    : core_(net), alpha_(alpha), v0_norm_(v0_norm), r0_(0.0),
      z_(net.n()) {
  require_positive_finite(alpha, "alpha");
  require_positive_finite(v0_norm, "|v(0)|");
  r0_ = wnflow::initial_radius(net, alpha);
}

Vector ClassicWeightNormFlow::initial_state() const {
  const auto n = core_.network().n();
  Vector s(n + 1);
  s[0] = std::log(r0_);
  s.tail(n).setConstant(std::log(v0_norm_ / std::sqrt(double(n))));
  return s;
}

Vector ClassicWeightNormFlow::log_weights(const ConstVectorRef& s) const {
  const auto xi = s.tail(s.size() - 1);
  const double log_vnorm = 0.5 * std::log((2.0 * xi.array()).exp().sum());
  return (xi.array() + (s[0] - log_vnorm)).matrix();
}

void ClassicWeightNormFlow::evaluate(const ConstVectorRef& s) {
  const auto xi = s.tail(s.size() - 1);
  const double log_vnorm = 0.5 * std::log((2.0 * xi.array()).exp().sum());
  z_.array() = xi.array() + (s[0] - log_vnorm);
  core_.evaluate(z_);
}

double ClassicWeightNormFlow::loss(const ConstVectorRef& s) {
  const auto xi = s.tail(s.size() - 1);
  const double log_vnorm = 0.5 * std::log((2.0 * xi.array()).exp().sum());
  z_.array() = xi.array() + (s[0] - log_vnorm);
  return core_.loss(z_);
}

double ClassicWeightNormFlow::loss_floor(const ConstVectorRef& s) {
  z_ = log_weights(s);
  return core_.loss_floor(z_);
}

// d log gamma/dt = -L c / gamma^2,  d log v/dt = -(gamma^2/|v|^2) L u + (L/|v|^2) c 1,
// with u = w^{L-2} ⊙ G and c = <w^L, G> (docs/theory.md §1.3 rewritten in logs, §4.1).
void ClassicWeightNormFlow::derivative(const ConstVectorRef& s, VectorRef ds) {
  evaluate(s);
  const auto& ws = core_.workspace();
  const double L = core_.network().depth();
  const double g2 = std::exp(2.0 * s[0]);
  const double V2 = (2.0 * s.tail(s.size() - 1).array()).exp().sum();
  ds[0] = -L * ws.c / g2;
  ds.tail(ds.size() - 1) = (-(g2 / V2) * L) * ws.u;
  ds.tail(ds.size() - 1).array() += (L / V2) * ws.c;
}

// Chain rule through z = zeta + xi - log|v| (dz/dzeta = 1, dz/dxi = I - 1 p^T, p = v^2/|v|^2).
void ClassicWeightNormFlow::jacobian(const ConstVectorRef& s, Eigen::Ref<Matrix> J) {
  evaluate(s);
  const auto n = core_.network().n();
  const auto& ws = core_.workspace();
  const double L = core_.network().depth();
  const auto xi = s.tail(n);
  const double g2 = std::exp(2.0 * s[0]);
  const Vector v2 = (2.0 * xi.array()).exp();
  const double V2 = v2.sum();
  const Vector p = v2 / V2;
  const double beta = g2 / V2;
  const Vector dc = core_.dc_dz();
  const Matrix du = core_.du_dz();
  const double dc1 = dc.sum();
  const Vector du1 = du.rowwise().sum();
  const Vector ones = Vector::Ones(n);

  J(0, 0) = 2.0 * L * ws.c / g2 - (L / g2) * dc1;
  J.block(0, 1, 1, n) = (-(L / g2)) * (dc - dc1 * p).transpose();
  J.block(1, 0, n, 1) = -2.0 * beta * L * ws.u - beta * L * du1 + (L / V2) * dc1 * ones;
  auto Jxx = J.block(1, 1, n, n);
  Jxx.noalias() = (-beta * L) * du;
  Jxx.noalias() += (beta * L) * du1 * p.transpose();
  Jxx.noalias() += (2.0 * beta * L) * ws.u * p.transpose();
  Jxx.noalias() += (L / V2) * ones * (dc - dc1 * p - 2.0 * ws.c * p).transpose();
}

// jacobian() above as diag(D) + U V^T over the state (log γ, ξ): in the ξ block
// -βL du = -βL[(L-2) diag(u) + L diag(w^{L-2}) K diag(w^L)] gives the diagonal and M columns,
// the p^T and 1 (...)^T terms two more; row 0 and column 0 (off the diagonal) one each.
Eigen::Index ClassicWeightNormFlow::jacobian_rank() const { return network().M() + 4; }

void ClassicWeightNormFlow::jacobian(const ConstVectorRef& s, LowRankJacobian& J) {
  evaluate(s);
  J.derivative_in_span = false;
  J.D.resize(s.size());
  Vector& D = J.D;
  GramStructure& g = J.gram;
  Matrix& U = J.U;
  Matrix& V = J.V;
  const auto n = core_.network().n();
  auto& ws = core_.scratch();
  const double L = core_.network().depth();
  const double g2 = std::exp(2.0 * s[0]);
  Vector& p = ws.w2;  // v^2 / |v|^2
  p = (2.0 * s.tail(n).array()).exp();
  const double V2 = p.sum();
  p /= V2;
  const double beta = g2 / V2;
  core_.compute_dc();  // dc = dc/dz and K w^L
  const double dc1 = ws.dc.sum();
  // The Gram rows start after log γ; gram_structure leaves -βL^2 w^{L-2} in wl2.
  core_.gram_structure(-beta * L * L, 1, g);
  // du 1 = (L-2) u + L w^{L-2} ⊙ K w^L.
  Vector& du1 = ws.extra;
  du1 = (L - 2.0) * ws.u - ws.wl2.cwiseProduct(ws.Kp) / (beta * L);
  D[0] = 2.0 * L * ws.c / g2 - (L / g2) * dc1;
  D.tail(n) = (-beta * L * (L - 2.0)) * ws.u;
  U.resize(n + 1, 4);
  V.resize(n + 1, 4);
  U.row(0).setZero();
  V.row(0).setZero();
  U.col(0).tail(n) = (beta * L) * du1 + (2.0 * beta * L) * ws.u;
  V.col(0).tail(n) = p;
  U.col(1).tail(n).setConstant(L / V2);
  V.col(1).tail(n) = ws.dc - (dc1 + 2.0 * ws.c) * p;
  U.col(2).setZero();
  U(0, 2) = 1.0;
  V.col(2).tail(n) = (-(L / g2)) * (ws.dc - dc1 * p);
  U.col(3).tail(n) = -2.0 * beta * L * ws.u - beta * L * du1 + Vector::Constant(n, (L / V2) * dc1);
  V.col(3).setZero();
  V(0, 3) = 1.0;
}


}  // namespace wnflow
