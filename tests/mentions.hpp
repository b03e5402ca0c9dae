#pragma once
// The predicate of the readers' error tests (test_csv, test_npy) for BOOST_CHECK_EXCEPTION: the
// InputError's message is one line and contains every fragment.
#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <string>
#include <vector>

#include <wnflow/model/errors.hpp>

namespace wnflow::testing {

struct Mentions {
  std::vector<std::string> fragments;
  bool operator()(const InputError& e) const {
    const std::string what = e.what();
    BOOST_TEST_MESSAGE("message: " << what);
    if (what.find('\n') != std::string::npos) return false;
    for (const auto& f : fragments)
      if (what.find(f) == std::string::npos) {
        BOOST_TEST_MESSAGE("missing '" << f << "' in: " << what);
        return false;
      }
    return true;
  }
};

inline Mentions mentions(std::initializer_list<std::string> f) { return Mentions{f}; }

}  // namespace wnflow::testing
