#pragma once
// A screenshot of report.html as a browser lays it out: <dir>/report.png, the whole page at
// 1280 CSS px wide, taken by headless Chromium. The browser is optional: without it, or when it
// fails or runs out of time, there is no report.png (not even an earlier run's) and the outcome
// says why in one line.
#include <chrono>
#include <string>

namespace wnflow {

struct ScreenshotOutcome {
  bool made = false;
  std::string png;            // <dir>/report.png when made
  int width = 0, height = 0;  // its size in px when made
  std::string reason;         // why not, when not made (one line)
};

// The browser: the first of `chromium` (Debian's name) and `chromium-browser` (Ubuntu's and
// Fedora's) that is an executable file in a directory of `path_list` (PATH syntax); empty if
// neither is.
std::string find_chromium(const std::string& path_list);

// Renders <dir>/report.html (written by write_report) with `browser` into <dir>/report.png:
// one Chromium call measures the page's height, a second takes the screenshot into a temporary
// file that is renamed into place only when it is a complete PNG. Each call is killed, with
// every process it started, after `timeout`.
ScreenshotOutcome screenshot_report(const std::string& dir, const std::string& browser,
                                    std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace wnflow
