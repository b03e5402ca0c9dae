#include <cmath>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/weight_norm_classic_separate.hpp>

namespace wnflow {

SeparateClassicWeightNormFlow::SeparateClassicWeightNormFlow(const DiagonalNetwork& net, double alpha,
                                                             double v0_norm)
    : core_(net), alpha_(alpha), v0_norm_(v0_norm), r0_(0.0) {
  if (net.sign() != Sign::signed_)
    throw InputError("--normalize separate needs --sign signed: P+ has one factor, u alone");
  require_positive_finite(alpha, "alpha");
  require_positive_finite(v0_norm, "|v(0)|");
  r0_ = alpha * std::sqrt(double(net.N()));
  const Eigen::Index n = net.n();
  z_.resize(n);
  p_.resize(n);
  Ap_.resize(net.M());
  AtAp_.resize(net.N());
  dc_.resize(n);
  du1_.resize(n);
}

Vector SeparateClassicWeightNormFlow::initial_state() const {
  const Eigen::Index N = core_.network().N();
  Vector s(dimension());
  s.head(2).setConstant(std::log(r0_));
  s.tail(2 * N).setConstant(std::log(v0_norm_ / std::sqrt(double(N))));
  return s;
}

double SeparateClassicWeightNormFlow::v_norm(const ConstVectorRef& s, int block) const {
  const Eigen::Index N = core_.network().N();
  return std::sqrt((2.0 * s.segment(2 + block * N, N).array()).exp().sum());
}

void SeparateClassicWeightNormFlow::log_weights_into(const ConstVectorRef& s, Vector& z) const {
  const Eigen::Index N = core_.network().N();
  for (int j = 0; j < 2; ++j) {
    const auto xi = s.segment(2 + j * N, N);
    const double log_vnorm = 0.5 * std::log((2.0 * xi.array()).exp().sum());
    z.segment(j * N, N).array() = xi.array() + (s[j] - log_vnorm);
  }
}

Vector SeparateClassicWeightNormFlow::log_weights(const ConstVectorRef& s) const {
  Vector z(core_.network().n());
  log_weights_into(s, z);
  return z;
}

double SeparateClassicWeightNormFlow::loss(const ConstVectorRef& s) {
  log_weights_into(s, z_);
  return core_.loss(z_);
}

double SeparateClassicWeightNormFlow::loss_floor(const ConstVectorRef& s) {
  log_weights_into(s, z_);
  return core_.loss_floor(z_);
}

void SeparateClassicWeightNormFlow::evaluate(const ConstVectorRef& s) {
  const Eigen::Index N = core_.network().N();
  log_weights_into(s, z_);
  core_.evaluate(z_);
  const auto& ws = core_.workspace();
  for (int j = 0; j < 2; ++j) {
    auto p = p_.segment(j * N, N);
    p = (2.0 * s.segment(2 + j * N, N).array()).exp();
    V2_[j] = p.sum();
    p /= V2_[j];
    g2_[j] = std::exp(2.0 * s[j]);
    c_[j] = ws.p.segment(j * N, N).dot(ws.G.segment(j * N, N));
  }
}

void SeparateClassicWeightNormFlow::derivative(const ConstVectorRef& s, VectorRef ds) {
  evaluate(s);
  const auto& ws = core_.workspace();
  const Eigen::Index N = core_.network().N();
  const double L = core_.network().depth();
  for (int j = 0; j < 2; ++j) {
    ds[j] = -L * c_[j] / g2_[j];
    auto dxi = ds.segment(2 + j * N, N);
    dxi = (-(g2_[j] / V2_[j]) * L) * ws.u.segment(j * N, N);
    dxi.array() += (L / V2_[j]) * c_[j];
  }
}

void SeparateClassicWeightNormFlow::jacobian(const ConstVectorRef& s, Eigen::Ref<Matrix> J) {
  LowRankJacobian low_rank;
  jacobian(s, low_rank);
  J = low_rank.dense();
}

// The classic Jacobian (ClassicWeightNormFlow::jacobian) block by block, through
// z_j = ζ_j 1 + ξ_j - log|v_j| (dz_j/dζ_j = 1, dz_j/dξ_j = I - 1 p_j^T, p_j = v_j^2/|v_j|^2),
// with β_j = γ_j^2/|v_j|^2 and du = d(w^{L-2} ⊙ G)/dz = (L-2) diag(u) + L diag(w^{L-2}) K diag(w^L):
//   row ζ_j:  2 L c_j/γ_j^2 e_j^T - (L/γ_j^2) dc_j/ds
//   rows ξ_j: -β_j L du_j· (dz/ds) - 2 β_j L u_j e_{ζj}^T + 2 β_j L u_j p_j^T
//             + (L/|v_j|^2) 1 dc_j/ds - 2 (L/|v_j|^2) c_j 1 p_j^T
// where dc_j/dz = L [1_j ⊙ w^L ⊙ G + w^L ⊙ K (1_j ⊙ w^L)] and K (1_u ⊙ w^L) = [t_u; -t_u],
// K (1_v ⊙ w^L) = [-t_v; t_v], t_j = A^T A w_j^L. The diag(u) and Gram parts of du go to D and
// the Gram block; du (1 p_k^T) and du 1_k (from the ζ_k column) need du 1_k, one column each.
void SeparateClassicWeightNormFlow::jacobian(const ConstVectorRef& s, LowRankJacobian& J) {
  const DiagonalNetwork& net = core_.network();
  const Eigen::Index N = net.N(), n = net.n();
  const double L = net.depth();
  evaluate(s);
  const auto& ws = core_.workspace();
  const Matrix& A = net.problem().A;
  const double beta[2] = {g2_[0] / V2_[0], g2_[1] / V2_[1]};

  J.derivative_in_span = false;
  J.D.resize(n + 2);
  for (int j = 0; j < 2; ++j) {
    J.D[j] = 2.0 * L * c_[j] / g2_[j];
    J.D.segment(2 + j * N, N) = (-beta[j] * L * (L - 2.0)) * ws.u.segment(j * N, N);
  }
  // Gram block on the ξ rows; gram_structure leaves w^{L-2} (unsigned) in the workspace's wl2.
  core_.gram_structure(1.0, 2, J.gram);
  for (int j = 0; j < 2; ++j) J.gram.a.segment(j * N, N) *= -beta[j] * L * L;
  const auto& wl2 = core_.workspace().wl2;

  J.U.setZero(n + 2, 6);
  J.V.setZero(n + 2, 6);
  for (int k = 0; k < 2; ++k) {
    const auto rows_k = Eigen::seqN(2 + k * N, N);
    // t_k and du 1_k = (L-2) u ⊙ 1_k + L w^{L-2} ⊙ K (1_k ⊙ w^L).
    matvec(A, ws.p.segment(k * N, N), Ap_);
    matvec_transpose(A, Ap_, AtAp_);
    const double sign = k == 0 ? 1.0 : -1.0;
    du1_.head(N) = (sign * L) * wl2.head(N).cwiseProduct(AtAp_);
    du1_.tail(N) = (-sign * L) * wl2.tail(N).cwiseProduct(AtAp_);
    du1_.segment(k * N, N) += (L - 2.0) * ws.u.segment(k * N, N);
    // dc_k/dz, then dc_k/ds: the ζ entries are block sums, the ξ entries dc - (block sum) p.
    dc_.head(N) = sign * ws.p.head(N).cwiseProduct(AtAp_);
    dc_.tail(N) = -sign * ws.p.tail(N).cwiseProduct(AtAp_);
    dc_.segment(k * N, N) += ws.p.segment(k * N, N).cwiseProduct(ws.G.segment(k * N, N));
    dc_ *= L;
    for (int m = 0; m < 2; ++m) {
      const double sum = dc_.segment(m * N, N).sum();
      J.V(m, 2 + k) = sum;
      J.V.col(2 + k).segment(2 + m * N, N) = dc_.segment(m * N, N) - sum * p_.segment(m * N, N);
    }
    // Column k: (β L du 1_k + 2 β_k L u_k - 2 (L/|v_k|^2) c_k 1_k) p_k^T on the ξ_k columns.
    for (int j = 0; j < 2; ++j)
      J.U.col(k).segment(2 + j * N, N) = (beta[j] * L) * du1_.segment(j * N, N);
    J.U(rows_k, k).array() += (2.0 * beta[k] * L) * ws.u.segment(k * N, N).array() - 2.0 * (L / V2_[k]) * c_[k];
    J.V(rows_k, k) = p_.segment(k * N, N);
    // Column 2 + k: (-(L/γ_k^2) e_{ζk} + (L/|v_k|^2) 1_k) (dc_k/ds)^T.
    J.U(k, 2 + k) = -L / g2_[k];
    J.U(rows_k, 2 + k).setConstant(L / V2_[k]);
    // Column 4 + k: (-β L du 1_k - 2 β_k L u_k 1_k) e_{ζk}^T.
    for (int j = 0; j < 2; ++j)
      J.U.col(4 + k).segment(2 + j * N, N) = (-beta[j] * L) * du1_.segment(j * N, N);
    J.U(rows_k, 4 + k) -= (2.0 * beta[k] * L) * ws.u.segment(k * N, N);
    J.V(k, 4 + k) = 1.0;
  }
}

}  // namespace wnflow
