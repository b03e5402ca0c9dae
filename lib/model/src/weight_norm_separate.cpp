#include <cmath>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/weight_norm_separate.hpp>

namespace wnflow {

SeparateWeightNormFlow::SeparateWeightNormFlow(const DiagonalNetwork& net, double alpha, WeightNormRates rates)
    : core_(net), alpha_(alpha), r0_(0.0), rates_(rates) {
  if (net.sign() != Sign::signed_)
    throw InputError("--normalize separate needs --sign signed: P+ has one factor, u alone");
  require_positive_finite(alpha, "alpha");
  require_positive_finite(rates.eta_r, "eta_r");
  require_positive_finite(rates.eta_s, "eta_s");
  r0_ = alpha * std::sqrt(double(net.N()));
  const Eigen::Index n = net.n();
  dz_.resize(n + 2);
  w2_.resize(n);
  Ap_.resize(net.M());
  AtAp_[0].resize(net.N());
  AtAp_[1].resize(net.N());
  dc_.resize(n);
  mask_w2_.resize(n);
  jt_w2_.resize(n);
  small_.resize(net.M());
}

Vector SeparateWeightNormFlow::initial_state() const {
  Vector s = Vector::Constant(dimension(), std::log(alpha_));
  s.tail(2).setZero();  // log φ_u(0) = log φ_v(0) = 0
  return s;
}

double SeparateWeightNormFlow::block_radius(const ConstVectorRef& s, int block) const {
  const Eigen::Index N = core_.network().N();
  return std::sqrt((2.0 * s.segment(block * N, N).array()).exp().sum());
}

void SeparateWeightNormFlow::block_derivatives(VectorRef ds) {
  const auto& ws = core_.workspace();
  const Eigen::Index N = core_.network().N(), n = core_.network().n();
  const double L = core_.network().depth();
  for (int j = 0; j < 2; ++j) {
    const auto w = ws.w.segment(j * N, N);
    r2_[j] = w.squaredNorm();
    c_[j] = ws.p.segment(j * N, N).dot(ws.G.segment(j * N, N));
    sp_[j] = speeds(r2_[j]);
    auto dz = ds.segment(j * N, N);
    dz = (-sp_[j].a * L) * ws.u.segment(j * N, N);
    if (sp_[j].b != 0.0) dz.array() += sp_[j].b * L * c_[j];
    // d log φ_j/dt = (1 - a_j/eta_r) d log r_j/dt, d log r_j/dt = <w_j^2, dz_j>/r_j^2 (§2.5).
    ds[n + j] = (1.0 - sp_[j].a / rates_.eta_r) * (w.cwiseAbs2().dot(dz) / r2_[j]);
  }
}

void SeparateWeightNormFlow::derivative(const ConstVectorRef& s, VectorRef ds) {
  core_.evaluate(log_weights(s));
  block_derivatives(ds);
}

void SeparateWeightNormFlow::jacobian(const ConstVectorRef& s, Eigen::Ref<Matrix> J) {
  LowRankJacobian low_rank;
  jacobian(s, low_rank);
  J = low_rank.dense();
}

// The joint flow's Jacobian (docs/theory.md §4.2) block by block: rows of block j carry the
// speeds of r_j, and c_j = <w_j^L, G_j> depends on all of z through G:
//   d c_j / dz = L [1_j ⊙ w^L ⊙ G + w^L ⊙ K (1_j ⊙ w^L)],   K = (AB)^T (AB),
// where K (1_u ⊙ w^L) = [t_u; -t_u] and K (1_v ⊙ w^L) = [-t_v; t_v], t_j = A^T A (w_j^L).
void SeparateWeightNormFlow::jacobian(const ConstVectorRef& s, LowRankJacobian& J) {
  const DiagonalNetwork& net = core_.network();
  const Eigen::Index N = net.N(), n = net.n();
  const double L = net.depth();
  core_.evaluate(log_weights(s));
  block_derivatives(dz_);
  const auto& ws = core_.workspace();
  const Matrix& A = net.problem().A;
  w2_ = ws.w.cwiseAbs2();

  J.derivative_in_span = false;
  J.D.resize(n + 2);
  J.D.tail(2).setZero();
  for (int j = 0; j < 2; ++j) J.D.segment(j * N, N) = (-sp_[j].a * L * (L - 2.0)) * ws.u.segment(j * N, N);
  // Gram block: a = -a_j L^2 w^{L-2} on the rows of block j (the signs of B folded in).
  core_.gram_structure(1.0, 0, J.gram);
  for (int j = 0; j < 2; ++j) J.gram.a.segment(j * N, N) *= -sp_[j].a * L * L;

  J.U.setZero(n + 2, 6);
  J.V.setZero(n + 2, 6);
  for (int j = 0; j < 2; ++j) {
    const auto rows = Eigen::seqN(j * N, N);
    // The a' term: -2 a'_j L u_j (w_j^2)^T.
    J.U(rows, j) = (-2.0 * sp_[j].da * L) * ws.u.segment(j * N, N);
    J.V(rows, j) = w2_.segment(j * N, N);
    // The c term: L 1_j (b_j dc_j/dz + 2 b'_j c_j w_j^2)^T.
    matvec(A, ws.p.segment(j * N, N), Ap_);
    matvec_transpose(A, Ap_, AtAp_[j]);
    const double sign = j == 0 ? 1.0 : -1.0;
    dc_.head(N) = sign * ws.p.head(N).cwiseProduct(AtAp_[j]);
    dc_.tail(N) = -sign * ws.p.tail(N).cwiseProduct(AtAp_[j]);
    dc_.segment(j * N, N) += ws.p.segment(j * N, N).cwiseProduct(ws.G.segment(j * N, N));
    dc_ *= L;
    J.U(rows, 2 + j).setConstant(L);
    J.V.col(2 + j).head(n) = sp_[j].b * dc_;
    J.V(rows, 2 + j) += (2.0 * sp_[j].db * c_[j]) * w2_.segment(j * N, N);
  }
  // The log φ_j rows: ρ_j = h_j (2 m ⊙ dz + Jzz^T m - 2 D_j m)/r_j^2 - (2 a'_j D_j/eta_r) m,
  // m = w^2 on block j (zero elsewhere), D_j = <m, dz>/r_j^2, h_j = 1 - a_j/eta_r; Jzz^T m
  // through the factors above (the Gram block through A), as in WeightNormFlow.
  for (int j = 0; j < 2; ++j) {
    mask_w2_.setZero();
    mask_w2_.segment(j * N, N) = w2_.segment(j * N, N);
    const auto dz = dz_.head(n);
    const double Dj = mask_w2_.dot(dz) / r2_[j];
    const double h = 1.0 - sp_[j].a / rates_.eta_r;
    gram_transpose_times(J.gram, J.gram.a, mask_w2_, folded_, small_);
    jt_w2_ = J.D.head(n).cwiseProduct(mask_w2_);
    gram_times_add(J.gram, J.gram.b, small_, at_, jt_w2_);
    const Eigen::Vector4d columns = J.U.topLeftCorner(n, 4).transpose() * mask_w2_;
    jt_w2_.noalias() += J.V.topLeftCorner(n, 4) * columns;
    J.U(n + j, 4 + j) = 1.0;
    J.V.col(4 + j).head(n) = (h / r2_[j]) * (2.0 * mask_w2_.cwiseProduct(dz) + jt_w2_ - 2.0 * Dj * mask_w2_) -
                             (2.0 * sp_[j].da / rates_.eta_r * Dj) * mask_w2_;
  }
}

}  // namespace wnflow
