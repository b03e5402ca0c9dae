#include <wnflow/gram_structure.hpp>
#include <wnflow/matvec.hpp>

#include <algorithm>

namespace wnflow {
namespace {

// Σ_copies s ⊙ x over the Gram rows of x: the N-vector that A multiplies.
void fold(const GramStructure& g, const Vector& s, const ConstVectorRef& x, Vector& folded) {
  const Eigen::Index N = g.A->cols();
  folded = s.head(N).cwiseProduct(x.segment(g.row0, N));
  if (g.copies == 2) folded += s.tail(N).cwiseProduct(x.segment(g.row0 + N, N));
}

}  // namespace

void gram_columns(const GramStructure& g, Eigen::Ref<Matrix> UG, Eigen::Ref<Matrix> VG) {
  const Matrix& A = *g.A;
  const Eigen::Index N = A.cols();
  UG.setZero();
  VG.setZero();
  for (int c = 0; c < g.copies; ++c) {
    UG.middleRows(g.row0 + c * N, N).noalias() = g.a.segment(c * N, N).asDiagonal() * A.transpose();
    VG.middleRows(g.row0 + c * N, N).noalias() = g.b.segment(c * N, N).asDiagonal() * A.transpose();
  }
}

void gram_transpose_times(const GramStructure& g, const Vector& s, const ConstVectorRef& x, Vector& folded,
                          VectorRef out) {
  fold(g, s, x, folded);
  matvec(*g.A, folded, out);
}

void gram_times_add(const GramStructure& g, const Vector& s, const ConstVectorRef& t, Vector& at, VectorRef out) {
  const Eigen::Index N = g.A->cols();
  at.resize(g.A->cols());
  matvec_transpose(*g.A, t, at);
  for (int c = 0; c < g.copies; ++c) out.segment(g.row0 + c * N, N) += s.segment(c * N, N).cwiseProduct(at);
}

void gram_block_lower(const GramStructure& g, const Vector& d, Eigen::Ref<Matrix> lower, Vector& folded,
                      Matrix& panel) {
  const Matrix& A = *g.A;
  const Eigen::Index N = A.cols(), M = A.rows();
  folded = d.head(N);
  if (g.copies == 2) folded += d.tail(N);
  // Panels of about 1 MiB of A, so that no second A-sized matrix is made. At N = 2000 (P+ GF
  // L = 3, 9 factorizations) a run took the same time as with the whole A diag(d) at once.
  const Eigen::Index width = std::max<Eigen::Index>(64, (Eigen::Index(1) << 17) / std::max<Eigen::Index>(M, 1));
  panel.resize(M, std::min(width, N));  // allocates once
  lower.triangularView<Eigen::Lower>().setZero();
  for (Eigen::Index j = 0; j < N; j += width) {
    const Eigen::Index w = std::min(width, N - j);
    auto scaled = panel.leftCols(w);
    scaled.noalias() = A.middleCols(j, w) * folded.segment(j, w).asDiagonal();
    lower.triangularView<Eigen::Lower>() += scaled * A.middleCols(j, w).transpose();
  }
}

}  // namespace wnflow
