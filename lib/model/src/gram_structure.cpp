#include <wnflow/model/gram_structure.hpp>
#include <wnflow/model/matvec.hpp>

#include <algorithm>
#include <array>
#include <cmath>

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

int gram_block_parts(Eigen::Index M) { return M < gram_split_rank ? 1 : 8; }

Eigen::Index gram_panel_width(Eigen::Index M) {
  return std::clamp<Eigen::Index>((Eigen::Index(1) << 17) / std::max<Eigen::Index>(M, 1), 64, 128);
}

void gram_block_lower(const GramStructure& g, const Vector& d, Eigen::Ref<Matrix> lower, Vector& folded,
                      Matrix& panel) {
  const Matrix& A = *g.A;
  const Eigen::Index N = A.cols(), M = A.rows();
  folded = d.head(N);
  if (g.copies == 2) folded += d.tail(N);
  const Eigen::Index width = std::min(gram_panel_width(M), N);
  panel.resize(M, width);  // allocates once
  lower.triangularView<Eigen::Lower>().setZero();
  // From gram_split_rank on, each panel's update is split by blocks of columns of the
  // triangle, of equal area (column c_k = M (1 − sqrt(1 − k/parts))), that the matvec pool
  // computes together: each block is its own outputs, fixed by M, so the sum is the same with
  // any number of threads. At N = 10 000 this product is N M² / 2 = 31 G multiply-adds.
  const int parts = gram_block_parts(M);
  std::array<Eigen::Index, 9> edge{};  // parts <= 8; no allocation: steps must not allocate
  for (int k = 0; k <= parts; ++k)
    edge[k] = k == parts ? M : Eigen::Index(std::lround(double(M) * (1.0 - std::sqrt(1.0 - double(k) / parts))));
  for (Eigen::Index j = 0; j < N; j += width) {
    const Eigen::Index w = std::min(width, N - j);
    auto scaled = panel.leftCols(w);
    const auto columns = A.middleCols(j, w);
    scaled.noalias() = columns * folded.segment(j, w).asDiagonal();
    if (parts == 1) {
      lower.triangularView<Eigen::Lower>() += scaled * columns.transpose();
      continue;
    }
    for_each_part(parts, [&](int k) {
      const Eigen::Index c0 = edge[k], c1 = edge[k + 1], b = c1 - c0;
      if (b == 0) return;
      lower.block(c0, c0, b, b).triangularView<Eigen::Lower>() +=
          scaled.middleRows(c0, b) * columns.middleRows(c0, b).transpose();
      if (c1 < M) lower.block(c1, c0, M - c1, b).noalias() += scaled.middleRows(c1, M - c1) * columns.middleRows(c0, b).transpose();
    });
  }
}

}  // namespace wnflow
