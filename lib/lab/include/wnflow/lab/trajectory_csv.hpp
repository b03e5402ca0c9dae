#pragma once
// The observed trajectory of a run as CSV, with the columns that apply to its flow.
#include <string>
#include <wnflow/solve/run.hpp>

namespace wnflow {

std::string trajectory_csv(const RunResult& result);

}  // namespace wnflow
