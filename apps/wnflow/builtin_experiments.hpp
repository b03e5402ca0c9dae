#pragma once
// The experiment configs shipped in experiments/, compiled into the binary (file stem, JSON
// text), in file-name order: the built-in defaults of `wnflow reproduce`.
#include <string>
#include <utility>
#include <vector>

namespace wnflow::app {
const std::vector<std::pair<std::string, std::string>>& builtin_experiments();
}
