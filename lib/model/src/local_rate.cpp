#include <wnflow/model/errors.hpp>
#include <wnflow/model/local_rate.hpp>
#include <wnflow/model/network.hpp>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace wnflow {

double predicted_rate(const Problem& problem, const FlowOptions& flow, const WeightNormRates& rates,
                      const Vector& w) {
  return local_spectrum(problem, flow, rates, w).lambda_min;
}

LocalSpectrum local_spectrum(const Problem& problem, const FlowOptions& flow, const WeightNormRates& rates,
                             const Vector& w) {
  validate(problem);
  flow.validate();
  const DiagonalNetwork net(problem, flow.sign, flow.depth);
  const Eigen::Index N = net.N(), n = net.n();
  if (w.size() != n)
    throw InputError("predicted_rate: the limit weights have " + std::to_string(w.size()) + " entries, expected " +
                     std::to_string(n) + (flow.sign == Sign::signed_ ? " ([u; v])" : ""));
  if (!(w.array() > 0.0).all() || !w.allFinite())
    throw InputError("predicted_rate: the limit weights must be positive and finite");
  const int L = flow.depth;

  // AJ = A B diag(L w^{L-1}): the residual's Jacobian with respect to w (M x n).
  const Vector d = double(L) * w.array().pow(L - 1);
  Matrix AJ(net.M(), n);
  AJ.leftCols(N).noalias() = problem.A * d.head(N).asDiagonal();
  if (flow.sign == Sign::signed_) AJ.rightCols(N).noalias() = -(problem.A * d.tail(N).asDiagonal());

  Matrix K(net.M(), net.M());
  if (flow.kind == FlowKind::gf) {
    K.noalias() = flow.eta * AJ * AJ.transpose();
  } else {
    // H = η_r s sᵀ + η_s r² (I - s sᵀ), so A J H Jᵀ Aᵀ = c_t AJ AJᵀ + (c_r - c_t) (AJ s)(AJ s)ᵀ.
    const double r = w.norm();
    const double r0 = initial_radius(net, flow.alpha);
    if (!(rates.eta_r > 0.0) || !(rates.eta_s > 0.0))
      throw InputError("predicted_rate: the WN rates must be positive");
    // Tangential speed η_s r² at the limit: under constant-ratio it is q η_r throughout.
    const double c_t = rates.schedule == Schedule::constant_ratio ? rates.ratio(r0) * rates.eta_r : rates.eta_s * r * r;
    const double c_r = rates.eta_r;
    const Vector AJs = AJ * (w / r);
    K.noalias() = c_t * AJ * AJ.transpose();
    K.noalias() += (c_r - c_t) * AJs * AJs.transpose();
  }
  const Eigen::SelfAdjointEigenSolver<Matrix> eig(K, Eigen::EigenvaluesOnly);
  if (eig.info() != Eigen::Success) throw NumericalError("predicted_rate: eigenvalue solver failed");
  return {eig.eigenvalues()(0), eig.eigenvalues()(eig.eigenvalues().size() - 1)};
}

}  // namespace wnflow
