#pragma once
// "wnflow <version>-<commit>" for --version and reports: the commit is read at every build
// (cmake/git_revision.cmake), so it names the code that was compiled.
#include <wnflow_git_revision.hpp>

#define WNFLOW_VERSION_STRING WNFLOW_PROJECT_VERSION "-" WNFLOW_GIT
