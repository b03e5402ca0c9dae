#include <wnflow/lab/report_screenshot.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

#include <wnflow/lab/csv.hpp>

extern char** environ;

namespace wnflow {

namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 1280;
// Taller pages are shot to this height (the report is about 34000 px with every figure and the
// verification table); Chromium's time grows with the height, about 1 s per 2000 px on 2 cores.
constexpr int kMaxHeight = 60000;
constexpr const char* kHeightId = "wnflow-page-height";

// A scratch directory (Chromium's profile, its output, the measuring copy), removed on exit.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "wnflow-screenshot-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

// A file removed on exit unless released.
struct RemoveOnExit {
  fs::path path;
  ~RemoveOnExit() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

struct Exit {
  std::string error;  // the process could not be started or waited for
  bool timed_out = false;
  int status = 0;     // waitpid's status
};

// Runs argv (argv[0] a path) with stdin from /dev/null and stdout, stderr into files. The child
// leads a process group of its own so that a timeout kills Chromium's renderer and helper
// processes with it. posix_spawn rather than fork: it does not copy the address space, which
// matters next to an MPI library that registers memory with the network; and a deadline is a
// waitpid(WNOHANG) poll, since Boost.Process's wait_for is unreliable by its maintainer's
// account (boostorg/process#294).
Exit run_with_timeout(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err,
                      std::chrono::seconds timeout) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, s);  // our handlers are not the browser's
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  Exit e;
  if (rc != 0) {
    e.error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return e;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const pid_t w = ::waitpid(pid, &e.status, WNOHANG);
    if (w == pid) return e;
    if (w < 0 && errno != EINTR) {
      e.error = std::string("waiting for ") + argv[0] + ": " + std::strerror(errno);
      return e;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);  // the whole group: the wrapper script, the browser, its helpers
      while (::waitpid(pid, &e.status, 0) < 0 && errno == EINTR) {
      }
      e.timed_out = true;
      return e;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Why a finished call failed, or empty if it succeeded.
std::string failure(const Exit& e, const std::string& name, std::chrono::seconds timeout) {
  if (!e.error.empty()) return e.error;
  if (e.timed_out) return name + " timed out after " + std::to_string(timeout.count()) + " s";
  if (WIFEXITED(e.status) && WEXITSTATUS(e.status) == 0) return {};
  if (WIFEXITED(e.status)) return name + " exited with status " + std::to_string(WEXITSTATUS(e.status));
  return name + " was killed by signal " + std::to_string(WTERMSIG(e.status));
}

// file:// URL of an absolute path: bytes other than unreserved characters and '/' escaped.
std::string file_url(const fs::path& p) {
  static const char* hex = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : p.string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') url += static_cast<char>(c);
    else url += std::string("%") + hex[c >> 4] + hex[c & 15];
  }
  return url;
}

// Width and height from a PNG's signature and IHDR chunk; {0, 0} if the file is not one.
std::pair<int, int> png_size(const std::string& bytes) {
  static const std::string signature("\x89PNG\r\n\x1a\n", 8);
  if (bytes.size() < 24 || bytes.compare(0, 8, signature) != 0 || bytes.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    unsigned v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return static_cast<int>(v);
  };
  return {be32(16), be32(20)};
}

bool flush_to_disk(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string find_chromium(const std::string& path_list) {
  for (const char* name : {"chromium", "chromium-browser"}) {
    std::istringstream dirs(path_list);
    std::string d;
    while (std::getline(dirs, d, ':')) {
      if (d.empty()) continue;  // an empty entry means the working directory: not searched
      const fs::path candidate = fs::path(d) / name;
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return {};
}

ScreenshotOutcome screenshot_report(const std::string& dir, const std::string& browser, std::chrono::seconds timeout) {
  ScreenshotOutcome out;
  std::error_code ec;
  const fs::path base = fs::absolute(dir, ec);
  const fs::path html = base / "report.html", png = base / "report.png";
  fs::remove(png, ec);  // an earlier run's screenshot shows an earlier report
  if (browser.empty()) {
    out.reason = "neither chromium nor chromium-browser is on PATH (scripts/install-deps.sh installs chromium)";
    return out;
  }
  const std::string page = read_file_or_empty(html);
  const std::size_t body_end = page.rfind("</body>");
  if (page.empty() || body_end == std::string::npos) {
    out.reason = "'" + html.string() + "' is missing or has no </body>";
    return out;
  }
  ScratchDir scratch;
  if (scratch.path.empty()) {
    out.reason = std::string("cannot create a temporary directory: ") + std::strerror(errno);
    return out;
  }
  const std::string name = fs::path(browser).filename().string();
  // The browser runs as root in CI and containers, where its sandbox cannot start; the page is
  // our own self-contained file, loaded with no network. Its own profile directory keeps it
  // apart from a user's browser and from concurrent runs.
  const std::vector<std::string> common = {browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                                           "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
                                           "--no-default-browser-check", "--disable-extensions",
                                           "--disable-background-networking",
                                           "--user-data-dir=" + (scratch.path / "profile").string(),
                                           "--virtual-time-budget=5000"};

  // 1. The page's height at the screenshot's width: a copy with a script that writes it into the
  // DOM, which --dump-dom prints. The report is self-contained, so the copy lays out the same
  // in the scratch directory.
  const fs::path measure = scratch.path / "measure.html";
  {
    std::ofstream m(measure, std::ios::binary);
    m << page.substr(0, body_end) << "<script>addEventListener('load', function () {"
      << " var h = Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);"
      << " var p = document.createElement('pre'); p.id = '" << kHeightId << "'; p.textContent = String(h);"
      << " document.body.appendChild(p); });</script>\n"
      << page.substr(body_end);
    if (!m) {
      out.reason = "cannot write '" + measure.string() + "'";
      return out;
    }
  }
  std::vector<std::string> args = common;
  args.push_back("--window-size=" + std::to_string(kWidth) + ",900");
  args.push_back("--dump-dom");
  args.push_back(file_url(measure));
  const fs::path dom = scratch.path / "dom.html", log = scratch.path / "browser.log";
  Exit e = run_with_timeout(args, dom, log, timeout);
  if (std::string why = failure(e, name, timeout); !why.empty()) {
    out.reason = why + " while laying out report.html";
    return out;
  }
  std::smatch m;
  const std::string dumped = read_file_or_empty(dom);
  static const std::regex height_re(std::string("id=\"") + kHeightId + "\">([0-9]{1,9})<");
  if (!std::regex_search(dumped, m, height_re) || std::stoi(m[1].str()) <= 0) {
    out.reason = name + " did not lay out report.html (no page height in its DOM)";
    return out;
  }
  const int height = std::min(std::stoi(m[1].str()), kMaxHeight);

  // 2. The screenshot, into a temporary file beside the target (Chromium picks the format by
  // the extension, hence .png last), renamed into place only when it is a complete PNG.
  RemoveOnExit tmp{base / (".report.tmp." + std::to_string(::getpid()) + ".png")};
  args = common;
  args.push_back("--window-size=" + std::to_string(kWidth) + "," + std::to_string(height));
  args.push_back("--screenshot=" + tmp.path.string());
  args.push_back(file_url(html));
  e = run_with_timeout(args, scratch.path / "screenshot.out", log, timeout);
  if (std::string why = failure(e, name, timeout); !why.empty()) {
    out.reason = why + " while taking the screenshot";
    return out;
  }
  const auto [w, h] = png_size(read_file_or_empty(tmp.path));
  if (w != kWidth || h != height) {
    out.reason = name + " wrote no " + std::to_string(kWidth) + "x" + std::to_string(height) + " PNG";
    return out;
  }
  if (flush_to_disk(tmp.path)) fs::rename(tmp.path, png, ec);
  if (ec || !fs::exists(png)) {
    out.reason = "cannot write '" + png.string() + "'";
    return out;
  }
  tmp.path.clear();
  out.made = true;
  out.png = png.string();
  out.width = w;
  out.height = h;
  return out;
}

}  // namespace wnflow
