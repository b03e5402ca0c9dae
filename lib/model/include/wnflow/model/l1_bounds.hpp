#pragma once
// The l1 excess bounds of docs/theory.md §3.4 (T4) for the P+ limit X_L(α): with τ = ||X_L(α)||_1 and
// the LP value τ*,
//   L = 2:  τ <= τ* / (1 - log N / log(τ* / (e α²)))     valid only when α² < τ* / (e N)
//   L > 2:  τ - c τ^{2/L} <= τ*,  c = (L/2) α^{L-2} N^{1-2/L}
// For weight normalization use α_eff(∞) in place of α.
#include <Eigen/Core>
#include <optional>

namespace wnflow {

// The depth-2 bound, or nullopt when α² >= τ*/(eN) and the bound says nothing.
// Throws InputError unless τ* > 0, α > 0 (both finite) and N >= 1.
std::optional<double> l1_bound_depth2(double tau_star, double alpha, Eigen::Index N);

// For L > 2: the root of t - c t^{2/L} = τ* (t - c t^{2/L} - τ* is convex on t > 0 and
// negative at 0, so the root is unique and every admissible τ lies below it). Found by
// bisection in log t on a proven bracket. Throws InputError unless τ* > 0, α > 0, N >= 1,
// depth > 2; returns +inf if the root exceeds the double range.
double l1_bound_deep(double tau_star, double alpha, Eigen::Index N, int depth);

}  // namespace wnflow
