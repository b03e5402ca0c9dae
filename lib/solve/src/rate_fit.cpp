#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>
#include <wnflow/solve/rate_fit.hpp>

namespace wnflow {

namespace {

struct LineFit {
  double slope = 0, r2 = 0;
};

// Least-squares lines of v against t over any index range [b, c], in O(1) each from prefix
// sums (long double, t taken relative to its first value, to keep the cancellation small).
class WindowFits {
 public:
  WindowFits(const std::vector<double>& t, const std::vector<double>& v) : t0_(t.front()) {
    const std::size_t n = t.size();
    s1_.assign(n + 1, 0);
    st_ = stt_ = sv_ = stv_ = svv_ = s1_;
    for (std::size_t i = 0; i < n; ++i) {
      const long double x = (long double)t[i] - t0_, y = v[i];
      s1_[i + 1] = s1_[i] + 1;
      st_[i + 1] = st_[i] + x;
      stt_[i + 1] = stt_[i] + x * x;
      sv_[i + 1] = sv_[i] + y;
      stv_[i + 1] = stv_[i] + x * y;
      svv_[i + 1] = svv_[i] + y * y;
    }
  }
  LineFit operator()(std::size_t b, std::size_t c) const {
    const auto d = [&](const std::vector<long double>& s) { return s[c + 1] - s[b]; };
    const long double n = d(s1_), mt = d(st_) / n, mv = d(sv_) / n;
    const long double stt = d(stt_) - n * mt * mt, stv = d(stv_) - n * mt * mv, svv = d(svv_) - n * mv * mv;
    LineFit f;
    if (stt > 0) f.slope = double(stv / stt);
    if (stt > 0 && svv > 0) f.r2 = double(stv * stv / (stt * svv));
    return f;
  }

 private:
  long double t0_;
  std::vector<long double> s1_, st_, stt_, sv_, stv_, svv_;
};

}  // namespace

RateFit fit_rate(const std::vector<Sample>& trajectory) {
  // The window rule (summarized in local_rate.hpp); thresholds tuned on GF, WN and classic WN
  // trajectories of P+ and P± (L = 2, 3; α = 0.1 to 2; 40 samples per decade), where it gives
  // measured/predicted within 1.2% or declines.
  constexpr double kRoundingFactor = 1e3;  // noise floor: 1e3 eps² max(loss) ...
  constexpr double kMinFactor = 1e2;       // ... 100 x the smallest loss ...
  constexpr double kPlateauFactor = 1e4;   // ... 1e4 x the plateau after the first increase
  constexpr std::size_t kMinPoints = 8;
  const double kMinDrop = 3.0 * std::log(10.0);  // three decades of loss
  constexpr double kMinR2 = 0.9999;
  constexpr double kHalfSlopeTol = 0.02;
  constexpr double eps = std::numeric_limits<double>::epsilon();

  RateFit out;
  // The samples: t > 0 and increasing t (the final time can repeat the last sample time).
  std::vector<double> t, loss;
  for (const auto& s : trajectory) {
    if (!(s.t > 0.0) || (!t.empty() && !(s.t > t.back()))) continue;
    if (!std::isfinite(s.loss) || !(s.loss > 0.0)) break;
    t.push_back(s.t);
    loss.push_back(s.loss);
  }
  if (t.size() < kMinPoints) {
    out.reason = "fewer than " + std::to_string(kMinPoints) + " samples with a positive loss";
    return out;
  }
  // Every flow here is a gradient flow for some metric, so the exact loss never increases:
  // the first increase marks where integration error has taken over. After it the loss
  // wanders on a plateau whose level the integrator's tolerances set (atol 1e-14 on log w
  // leaves |Ax - y| ~ 1e-14 |A||x|, a loss ~ 1e-28; dopri5 at large α sits near 1e-19), and
  // the noise already bends the samples just before it.
  std::size_t e0 = t.size() - 1;
  for (std::size_t i = 0; i + 1 < t.size(); ++i)
    if (loss[i + 1] > loss[i]) {
      e0 = i;
      break;
    }
  // Noise floor, the largest of: 1e4 x the highest loss after the first increase (the
  // plateau; a sample 1e4 above it carries a log-loss error below ~0.02), 100 x the lowest
  // loss (a run stopped at the rounding floor ends in noise without an increase), and
  // 1e3 eps² max(loss) (rounding alone). A run stopped on the exponential itself (loss_tol,
  // t_max) loses its last two decades to this, nothing more.
  const double max_loss = *std::max_element(loss.begin(), loss.end());
  const double min_loss = *std::min_element(loss.begin(), loss.end());
  const double plateau = e0 + 1 < loss.size() ? *std::max_element(loss.begin() + long(e0) + 1, loss.end()) : 0.0;
  const double floor =
      std::max({kRoundingFactor * eps * eps * max_loss, kMinFactor * min_loss, kPlateauFactor * plateau});
  std::vector<double> v;  // log loss up to the first increase, while above the floor
  for (std::size_t i = 0; i <= e0 && loss[i] > floor; ++i) v.push_back(std::log(loss[i]));
  t.resize(v.size());
  if (v.size() < kMinPoints) {
    std::ostringstream o;
    o << "fewer than " << kMinPoints << " samples above the noise floor " << floor;
    out.reason = o.str();
    return out;
  }
  const std::size_t e = v.size() - 1;
  std::size_t m = e;  // start of the final strictly decreasing run
  while (m > 0 && v[m - 1] > v[m]) --m;
  if (e - m + 1 < kMinPoints) {
    out.reason = "the loss does not decrease strictly over the last " + std::to_string(kMinPoints) + " samples";
    return out;
  }

  // The window ends at the last usable sample (the tail is where the slowest mode dominates)
  // and is the longest [b, e] with >= kMinPoints samples, >= kMinDrop of log loss, r² >= kMinR2
  // and the slopes of its two halves within kHalfSlopeTol of the whole. The halves test is
  // what rejects curvature: a window reaching back into the transient, where faster modes
  // still decay, has a steeper first half. r² alone would accept it (0.9999 is reached by
  // curved stretches of a few decades).
  const WindowFits fits(t, v);
  bool any_span = false, found = false;
  std::size_t best = 0;
  LineFit best_fit;
  for (std::size_t b = e + 1 - kMinPoints;; --b) {
    if (v[b] - v[e] >= kMinDrop) {
      any_span = true;
      const LineFit all = fits(b, e);
      const std::size_t mid = b + (e - b + 1) / 2;
      const LineFit first = fits(b, mid - 1), second = fits(mid, e);
      if (all.r2 >= kMinR2 && all.slope < 0.0 &&
          std::abs(first.slope - second.slope) <= kHalfSlopeTol * std::abs(all.slope)) {
        found = true;
        best = b;
        best_fit = all;
      }
    }
    if (b == m) break;
  }
  if (!any_span) {
    out.reason = "the clean decreasing tail spans less than three decades of loss";
    return out;
  }
  if (!found) {
    out.reason = "no final window is linear in log loss (r2 >= 0.9999 and halves agreeing to 2%): "
                 "the tail is not yet asymptotic above the noise floor";
    return out;
  }
  out.ok = true;
  out.lambda = -0.5 * best_fit.slope;
  out.t_begin = t[best];
  out.t_end = t[e];
  out.points = int(e - best + 1);
  out.r2 = best_fit.r2;
  std::ostringstream o;
  o << "window t in [" << out.t_begin << ", " << out.t_end << "], " << out.points << " samples, loss from "
    << std::exp(v[best]) << " to " << std::exp(v[e]);
  out.reason = o.str();
  return out;
}

}  // namespace wnflow
