// report.png is optional and must never be half-written or stale: these tests drive
// screenshot_report with stand-in browsers (small scripts) that fail, hang or answer, so every
// path through it runs without Chromium. tests/cli/cli_report_browser.sh runs the real one.
#define BOOST_TEST_MODULE report_screenshot
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <string>

#include <wnflow/lab/report_screenshot.hpp>

#include "support.hpp"

namespace fs = std::filesystem;
using namespace wnflow;
using wnflow::testing::TempDir;

namespace {

// An executable script in dir.
std::string script(const TempDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir.file(name, body);
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

// A report directory with a report.html and a stale report.png from an "earlier run".
void report_dir(const TempDir& out) {
  out.file("report.html", "<!DOCTYPE html><html><body><p>report</p></body></html>\n");
  out.file("report.png", "an earlier run's screenshot");
}

// Stand-in browser (Python): answers the measuring call (--dump-dom) with the page height the
// library looks for, and the screenshot call by writing `png` bytes built from the requested
// size to the --screenshot path, then exits with `code`.
std::string fake_browser(const TempDir& bin, const std::string& png, int code) {
  return script(bin, "chromium",
                "#!/usr/bin/python3\n"
                "import struct, sys\n"
                "args = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--') and '=' in a)\n"
                "if '--dump-dom' in sys.argv:\n"
                "    print('<html><body><pre id=\"wnflow-page-height\">777</pre></body></html>')\n"
                "    sys.exit(0)\n"
                "w, h = map(int, args['window-size'].split(','))\n"
                "png = b'\\x89PNG\\r\\n\\x1a\\n' + struct.pack('>I', 13) + b'IHDR' + struct.pack('>II', w, h)\n"
                "open(args['screenshot'], 'wb').write(" + png + ")\n"
                "sys.exit(" + std::to_string(code) + ")\n");
}

bool leftovers(const TempDir& out) {
  for (const auto& e : fs::directory_iterator(out.dir))
    if (e.path().filename().string().find(".tmp") != std::string::npos) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(find_chromium_takes_the_first_executable_of_either_name) {
  TempDir a, b;
  a.file("chromium", "not executable");
  script(b, "chromium-browser", "#!/bin/sh\n");
  BOOST_TEST(find_chromium(a.str() + ":" + b.str()) == b.path("chromium-browser"));
  script(a, "chromium", "#!/bin/sh\n");
  BOOST_TEST(find_chromium(b.str() + "::" + a.str()) == a.path("chromium"));  // chromium before chromium-browser
  BOOST_TEST(find_chromium("") == "");
  BOOST_TEST(find_chromium(b.str() + "/missing") == "");
}

BOOST_AUTO_TEST_CASE(no_browser_no_screenshot_and_no_stale_one) {
  TempDir out;
  report_dir(out);
  const ScreenshotOutcome s = screenshot_report(out.str(), "");
  BOOST_TEST(!s.made);
  BOOST_TEST(s.reason.find("chromium") != std::string::npos);
  BOOST_TEST(s.reason.find('\n') == std::string::npos);
  BOOST_TEST(!fs::exists(out.path("report.png")));
}

BOOST_AUTO_TEST_CASE(a_hanging_browser_is_killed_with_its_children) {
  TempDir out, bin;
  report_dir(out);
  // The "browser" starts a helper (as Chromium does) and hangs; both must be gone afterwards.
  const std::string browser =
      script(bin, "chromium", "#!/bin/sh\nsleep 300 &\necho $! > " + bin.path("helper.pid") + "\nwait\n");
  const ScreenshotOutcome s = screenshot_report(out.str(), browser, std::chrono::seconds(1));
  BOOST_TEST(!s.made);
  BOOST_TEST(s.reason == "chromium timed out after 1 s while laying out report.html");
  BOOST_TEST(!fs::exists(out.path("report.png")));
  std::ifstream in(bin.path("helper.pid"));
  int helper = 0;
  BOOST_TEST_REQUIRE(static_cast<bool>(in >> helper));
  // Killed: gone, or a zombie waiting for a reaper (a container's init may not reap at once).
  // SIGKILL takes effect when the kernel next schedules the process, which on a loaded machine
  // can be a moment after kill() returned: look again for up to 5 s before calling it alive.
  std::string state;
  for (int attempt = 0; attempt < 500; ++attempt) {
    std::ifstream stat("/proc/" + std::to_string(helper) + "/stat");
    std::string pid, comm;
    state.clear();
    if (!(stat >> pid >> comm >> state)) {
      state.clear();  // gone
      break;
    }
    if (state == "Z" || state == "X") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  BOOST_TEST((state.empty() || state == "Z" || state == "X"), "helper state " << state);
}

BOOST_AUTO_TEST_CASE(a_failing_browser_leaves_no_half_written_png) {
  TempDir out, bin;
  report_dir(out);
  const std::string browser = fake_browser(bin, "png[:20]", 3);  // a truncated file, then a failure
  const ScreenshotOutcome s = screenshot_report(out.str(), browser);
  BOOST_TEST(!s.made);
  BOOST_TEST(s.reason == "chromium exited with status 3 while taking the screenshot");
  BOOST_TEST(!fs::exists(out.path("report.png")));
  BOOST_TEST(!leftovers(out));
}

BOOST_AUTO_TEST_CASE(a_png_of_the_wrong_size_is_refused) {
  TempDir out, bin;
  report_dir(out);
  const std::string browser = fake_browser(bin, "png[:16] + struct.pack('>II', 640, h)", 0);
  const ScreenshotOutcome s = screenshot_report(out.str(), browser);
  BOOST_TEST(!s.made);
  BOOST_TEST(s.reason == "chromium wrote no 1280x777 PNG");
  BOOST_TEST(!fs::exists(out.path("report.png")));
  BOOST_TEST(!leftovers(out));
}

BOOST_AUTO_TEST_CASE(a_complete_png_is_renamed_into_place) {
  TempDir out, bin;
  report_dir(out);
  const ScreenshotOutcome s = screenshot_report(out.str(), fake_browser(bin, "png", 0));
  BOOST_TEST(s.made);
  BOOST_TEST(s.reason == "");
  BOOST_TEST(s.png == fs::absolute(out.path("report.png")).string());
  BOOST_TEST(s.width == 1280);
  BOOST_TEST(s.height == 777);  // the height the measuring call reported
  BOOST_TEST(fs::file_size(out.path("report.png")) == 24u);
  BOOST_TEST(!leftovers(out));
}

BOOST_AUTO_TEST_CASE(a_report_without_body_is_not_loaded) {
  TempDir out, bin;
  out.file("report.html", "<html>truncated");
  const ScreenshotOutcome s = screenshot_report(out.str(), fake_browser(bin, "png", 0));
  BOOST_TEST(!s.made);
  BOOST_TEST(s.reason.find("has no </body>") != std::string::npos);
}
