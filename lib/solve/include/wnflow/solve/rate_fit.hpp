#pragma once
// The local linear rate measured on an observed trajectory (docs/theory.md, T5), to be held
// against predicted_rate (wnflow/model/local_rate.hpp).
#include <string>
#include <vector>
#include <wnflow/solve/run.hpp>

namespace wnflow {

struct RateFit {
  bool ok = false;
  double lambda = 0;               // measured λ (the loss decays like exp(-2 λ t))
  double t_begin = 0, t_end = 0;   // the fitted window
  int points = 0;                  // samples in the window
  double r2 = 0;                   // coefficient of determination of the fit of log loss
  std::string reason;              // why ok is false; a description of the window otherwise
};

// loss ~ C exp(-2 λ t): least squares of log loss against t over an automatically chosen tail
// window. Rule (details and reasons in rate_fit.cpp):
//  1. usable samples: t > 0, up to the first increase of the loss (the exact loss of a gradient
//     flow never increases, so an increase is integration noise), and above a noise floor,
//     the largest of 1e4 x the loss plateau after that increase, 100 x the smallest loss and
//     1e3 eps² max(loss);
//  2. the window ends at the last usable sample and is the longest one with >= 8 samples over
//     >= 3 decades of loss whose fit has r² >= 0.9999 and whose two halves have slopes within
//     2% of the whole; ok = false (with the reason) if there is none.
RateFit fit_rate(const std::vector<Sample>& trajectory);

}  // namespace wnflow
