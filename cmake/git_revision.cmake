# Writes OUT, a header defining WNFLOW_GIT: the commit of SOURCE_DIR, with "-dirty" when a
# tracked file differs from it, or "unknown" outside a git checkout. Run at every build (the
# wnflow_git_revision target), so --version, the bench's machine line and a reproduction's
# report name the code that was compiled, not the commit the build directory was configured
# at; OUT is rewritten only when its text changes, so nothing recompiles otherwise.
execute_process(COMMAND git rev-parse --short HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE rev OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR rev STREQUAL "")
  set(rev "unknown")
else()
  execute_process(COMMAND git diff --quiet HEAD -- WORKING_DIRECTORY "${SOURCE_DIR}"
                  RESULT_VARIABLE changed OUTPUT_QUIET ERROR_QUIET)
  if(NOT changed EQUAL 0)
    string(APPEND rev "-dirty")
  endif()
endif()
set(text "// Generated at every build by cmake/git_revision.cmake: do not edit.\n#pragma once\n#define WNFLOW_GIT \"${rev}\"\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
