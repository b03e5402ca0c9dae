#pragma once
// Shared kernel of the flows written in log-weight coordinates z = log w.
//
// GF and polar WN both have the form
//     dz/dt = -a(r^2) L w^{L-2} ⊙ G + b(r^2) L <w^L, G> 1,     r^2 = |w|^2,
// (GF: a = eta, b = 0; WN: a = eta_s r^2, b = eta_s - eta_r / r^2), so one kernel
// evaluates the right-hand side and its Jacobian; the flows only supply a and b.
// Why log coordinates: w stays positive by construction, the sphere constraint of WN
// holds exactly (r and s are derived from w), and the exponential plateau phases of
// small initializations become linear drifts that an adaptive stepper crosses in a few steps.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <wnflow/model/gram_structure.hpp>
#include <wnflow/model/matvec.hpp>
#include <wnflow/model/network.hpp>

namespace wnflow::detail {

// The speeds a, b and their derivatives with respect to r^2.
struct Speeds {
  double a = 0, b = 0, da = 0, db = 0;
};

// Scratch vectors for one right-hand side: sized once, reused, so a step never allocates.
struct LogWeightWorkspace {
  Vector w, p, x, e, g, G, u;
  double r2 = 0, c = 0;  // |w|^2 and <w^L, G>
  Matrix gram;           // B^T A^T A B, built on the first dense Jacobian request
  // Scratch of the factored Jacobian: w^{L-2}, K w^L, A x, A^T A x, w^2, dc/dz, dz/dt, and
  // one vector per flow-specific use (sized on first use).
  Vector wl2, Kp, Ax, AtAx, w2, dc, dz, extra, small;
  Vector w_loss;  // exp(z) for loss() and loss_floor(), so that w stays that of evaluate()
  // The z of the last loss() and its rounding floor: the integrator asks for both at every
  // accepted step, and the floor needs the same w^L.
  Vector z_loss;
  double floor_loss = 0;
  // The z of the last evaluate() while p, x and e are still its own: loss() at that z (the
  // integrator asks at every accepted step, often where the stepper just evaluated: Adams
  // always) reuses its residual instead of a third GEMV.
  Vector z_eval;
  Vector p_near, x_near;  // loss_exceeds(): w^L and x at a state near z_eval
  explicit LogWeightWorkspace(const DiagonalNetwork& net)
      : w(net.n()), p(net.n()), x(net.N()), e(net.M()), g(net.N()), G(net.n()), u(net.n()),
        wl2(net.n()), Kp(net.n()), Ax(net.M()), AtAx(net.N()), w2(net.n()), dc(net.n()),
        dz(net.n()), extra(net.n()), w_loss(net.n()), z_loss(net.n()), z_eval(net.n()),
        p_near(net.n()), x_near(net.N()) {
    z_loss.setConstant(std::numeric_limits<double>::quiet_NaN());  // matches no z
    z_eval.setConstant(std::numeric_limits<double>::quiet_NaN());
  }
};

class LogWeightCore {
 public:
  explicit LogWeightCore(const DiagonalNetwork& net) : net_(&net), ws_(net) {}
  // A copy evaluates the same flow with scratch of its own: the workspace is a cache of one
  // evaluation, so a copy starts empty instead of sharing or duplicating it.
  LogWeightCore(const LogWeightCore& other) : net_(other.net_), ws_(*other.net_) {}
  LogWeightCore& operator=(const LogWeightCore& other) {
    if (this != &other) {
      net_ = other.net_;
      ws_ = LogWeightWorkspace(*net_);
    }
    return *this;
  }

  const DiagonalNetwork& network() const { return *net_; }

  // Evaluates w, w^L, x, residual, G, u = w^{L-2} ⊙ G, r^2 and c at z (two GEMVs).
  void evaluate(const ConstVectorRef& z) {
    auto& s = ws_;
    const int L = net_->depth();
    residual_at(z, s.w);
    net_->gradient(s.e, s.g);
    net_->lift(s.g, s.G);
    switch (L) {
      case 2: s.u = s.G; break;
      case 3: s.u = s.w.array() * s.G.array(); break;
      case 4: s.u = s.w.array().square() * s.G.array(); break;
      default: s.u = (double(L - 2) * z.array()).exp() * s.G.array();
    }
    s.r2 = s.w.squaredNorm();
    s.c = s.p.dot(s.G);
    s.z_eval = z;
  }

  double r2() const { return ws_.r2; }

  // Depth 2 only: w, w^L, x and the residual e at z (one GEMV, no A^T e), with r^2 and
  // c = <w^L, G> = <A B w^L, e> = <e + y, e>. What the stiff steppers need when f lies in the
  // span of the Jacobian's factors: f = -a L G + b L c 1 with G = B^T A^T e, and the factors'
  // Gram columns are a0 B^T A^T (the signs of B folded into their scaling).
  void evaluate_residual(const ConstVectorRef& z) {
    auto& s = ws_;
    residual_at(z, s.w);
    s.r2 = s.w.squaredNorm();
    s.c = (s.e + net_->problem().y).dot(s.e);
    s.z_eval = z;  // loss() and loss_exceeds() use only w^L, x and e of z_eval
  }
  const Vector& residual_vector() const { return ws_.e; }
  double c() const { return ws_.c; }

  // dz = -a L u + b L c 1, after evaluate().
  void derivative(const Speeds& sp, VectorRef dz) const {
    const double L = net_->depth();
    dz = (-sp.a * L) * ws_.u;
    if (sp.b != 0.0) dz.array() += sp.b * L * ws_.c;
  }

  // J = d(dz)/dz, after evaluate(). Dense n x n; the Gram matrix is built once.
  void jacobian(const Speeds& sp, Eigen::Ref<Matrix> J) {
    auto& s = ws_;
    const int L = net_->depth();
    const Matrix& K = gram();
    const Vector wl2 = (L == 2) ? Vector::Ones(net_->n()) : Vector(s.w.array().pow(L - 2));
    // a L diag(w^{L-2}) K diag(p) L ... assembled column by column via array broadcasting.
    J.noalias() = -(sp.a * L * L) * (wl2.asDiagonal() * K * s.p.asDiagonal());
    J.diagonal() -= (sp.a * L * (L - 2)) * s.u;
    const Vector w2 = s.w.array().square();
    if (sp.da != 0.0) J.noalias() -= (2.0 * sp.da * L) * s.u * w2.transpose();
    if (sp.b != 0.0 || sp.db != 0.0) {
      const Vector Kp = K * s.p;
      const Vector dc = double(L) * s.p.array() * (s.G + Kp).array();  // d c / d z
      Eigen::RowVectorXd row = (sp.b * L) * dc.transpose() + (2.0 * sp.db * L * s.c) * w2.transpose();
      J.rowwise() += row;
    }
  }

  // The same Jacobian as diag(D) + [Gram block] + U V^T, after evaluate(). K = C^T C with
  // C = A B (M x n), so the n x n term a L^2 diag(w^{L-2}) K diag(w^L) is
  // (diag(w^{L-2}) C^T)(diag(w^L) C^T)^T: rank M, handed over in Gram form (g), never formed.
  // With rank_one (needed when a' or b, b' are non-zero) two columns fill U, V (n x 2):
  // u <-> w^2 (the a' term) and 1 <-> b dc/dz + 2 b' c w^2 (the c term). Costs O(n M).
  static Eigen::Index factor_rank(const DiagonalNetwork& net, bool rank_one) { return net.M() + (rank_one ? 2 : 0); }
  void jacobian_gram(const Speeds& sp, bool rank_one, VectorRef D, GramStructure& g, Eigen::Ref<Matrix> U,
                     Eigen::Ref<Matrix> V) {
    auto& s = ws_;
    const double L = net_->depth();
    D = (-sp.a * L * (L - 2)) * s.u;
    gram_structure(-sp.a * L * L, 0, g);
    if (rank_one) {
      compute_dc();
      s.w2 = s.w.array().square();
      U.col(0) = (-2.0 * sp.da * L) * s.u;
      V.col(0) = s.w2;
      U.col(1).setConstant(L);
      V.col(1) = sp.b * s.dc + (2.0 * sp.db * s.c) * s.w2;
    }
  }

  // The Gram form of the rank-M term with factor coef, placed at rows row0.. of the factors,
  // after evaluate(): a = coef w^{L-2}, b = w^L, with the minus signs of C = [A, -A] folded in.
  // Leaves coef w^{L-2} (without the signs) in the workspace's wl2.
  void gram_structure(double coef, Eigen::Index row0, GramStructure& g) {
    g.A = &net_->problem().A;
    g.copies = net_->sign() == Sign::signed_ ? 2 : 1;
    g.row0 = row0;
    scaled_wl2(coef, ws_.wl2);
    g.a = ws_.wl2;
    g.b = ws_.p;
    if (g.copies == 2) {
      g.a.tail(net_->N()) *= -1.0;
      g.b.tail(net_->N()) *= -1.0;
    }
  }

  // dc = d<w^L,G>/dz = L w^L ⊙ (G + K w^L) and K w^L into the workspace, after evaluate().
  // K w^L = B^T A^T (A x): two GEMVs, no Gram matrix.
  void compute_dc() {
    auto& s = ws_;
    const Matrix& A = net_->problem().A;
    s.Ax.resize(A.rows());
    s.AtAx.resize(A.cols());
    matvec(A, s.x, s.Ax);
    matvec_transpose(A, s.Ax, s.AtAx);
    net_->lift(s.AtAx, s.Kp);
    s.dc = double(net_->depth()) * s.p.array() * (s.G + s.Kp).array();
  }
  LogWeightWorkspace& scratch() { return ws_; }

  // d<w^L,G>/dz and d u / dz for the classic form, after evaluate().
  Vector dc_dz() {
    const Matrix& K = gram();
    return double(net_->depth()) * ws_.p.array() * (ws_.G + K * ws_.p).array();
  }
  Matrix du_dz() {
    const int L = net_->depth();
    const Matrix& K = gram();
    const Vector wl2 = (L == 2) ? Vector::Ones(net_->n()) : Vector(ws_.w.array().pow(L - 2));
    Matrix D = double(L) * (wl2.asDiagonal() * K * ws_.p.asDiagonal());
    D.diagonal() += double(L - 2) * ws_.u;
    return D;
  }

  const LogWeightWorkspace& workspace() const { return ws_; }

  double loss_floor(const ConstVectorRef& z) {
    auto& s = ws_;
    if (same_state(z, s.z_loss)) return s.floor_loss;
    forget_evaluation();  // p is overwritten
    s.w_loss = z.array().exp();
    power(z, s.w_loss, net_->depth(), s.p);
    return net_->loss_floor(s.p);
  }

  // True when the loss at z is provably above both `threshold` and its rounding floor,
  // without a GEMV: from the residual e of the last evaluate() at z_eval,
  //     |A x(z) - y| >= |e| - |A|_F |x(z) - x(z_eval)|,
  // less the floor's own rounding margin. Why: after a bdf step the state is one Newton
  // correction from the last right-hand side, so until the loss nears its tolerance this
  // O(n) test replaces the integrator's per-step loss (a third GEMV, 6 % of a stiff WN run).
  // False means "not proven": compute the loss. At z_eval itself loss() is free already.
  bool loss_exceeds(const ConstVectorRef& z, double threshold) {
    auto& s = ws_;
    if (z.size() != s.z_eval.size() || std::isnan(s.z_eval(0)) || same_state(z, s.z_eval)) return false;
    s.w_loss = z.array().exp();
    power(z, s.w_loss, net_->depth(), s.p_near);
    net_->combine(s.p_near, s.x_near);
    const double floor = net_->loss_floor(s.p_near);
    const double lower = s.e.norm() - net_->a_frobenius() * (s.x_near - s.x).norm() - std::sqrt(2.0 * floor);
    return lower > 0.0 && 0.5 * lower * lower > std::max(threshold, floor);  // NaN: false
  }

  double loss(const ConstVectorRef& z) {
    auto& s = ws_;
    if (same_state(z, s.z_eval)) {  // the same p and e as computed here
      s.floor_loss = net_->loss_floor(s.p);
      s.z_loss = z;
      return 0.5 * s.e.squaredNorm();
    }
    forget_evaluation();  // p, x and e are overwritten
    residual_at(z, s.w_loss);
    s.floor_loss = net_->loss_floor(s.p);
    s.z_loss = z;
    return 0.5 * s.e.squaredNorm();
  }

 private:
  // z is bit for bit the state `kept` was recorded at (a NaN first entry marks none). Bytes,
  // not ==: Eigen's elementwise == cost 8K instructions a step at n = 800, memcmp a few
  // hundred; a -0.0 against 0.0 only costs a recomputation.
  static bool same_state(const ConstVectorRef& z, const Vector& kept) {
    return z.size() == kept.size() && kept.size() > 0 && !std::isnan(kept(0)) &&
           std::memcmp(z.data(), kept.data(), sizeof(double) * static_cast<std::size_t>(z.size())) == 0;
  }

  // exp(z) into w, then w^L, x and the residual e into the workspace (one GEMV): the common
  // part of evaluate(), evaluate_residual() and loss().
  void residual_at(const ConstVectorRef& z, Vector& w) {
    auto& s = ws_;
    w = z.array().exp();
    power(z, w, net_->depth(), s.p);
    net_->combine(s.p, s.x);
    net_->residual(s.x, s.e);
  }

  void forget_evaluation() {
    if (ws_.z_eval.size() > 0) ws_.z_eval(0) = std::numeric_limits<double>::quiet_NaN();
  }

  // coef w^{L-2} into out, after evaluate() (the U side of gram_structure).
  void scaled_wl2(double coef, Vector& out) {
    const int L = net_->depth();
    if (L == 2)
      out.setConstant(net_->n(), coef);
    else
      out = coef * ws_.w.array().pow(L - 2);
  }

  // p = w^L = exp(L z) given w = exp(z): by products for the common depths (the
  // exponentials dominated a right-hand side at small N), exp otherwise. Same overflow and
  // underflow thresholds; the results differ by a few ulps.
  static void power(const ConstVectorRef& z, const Vector& w, int L, Vector& p) {
    if (!power_by_products(w, L, p)) p = (double(L) * z.array()).exp();
  }

  const Matrix& gram() {
    auto& s = ws_;
    if (s.gram.size() == 0) {
      const Matrix& A = net_->problem().A;
      Matrix AtA = A.transpose() * A;
      if (net_->sign() == Sign::positive) {
        s.gram = std::move(AtA);
      } else {
        const auto N = net_->N();
        s.gram.resize(2 * N, 2 * N);
        s.gram.topLeftCorner(N, N) = AtA;
        s.gram.bottomRightCorner(N, N) = AtA;
        s.gram.topRightCorner(N, N) = -AtA;
        s.gram.bottomLeftCorner(N, N) = -AtA;
      }
    }
    return s.gram;
  }

  const DiagonalNetwork* net_;
  LogWeightWorkspace ws_;  // the last evaluation and scratch: owned, never shared
};

}  // namespace wnflow::detail
