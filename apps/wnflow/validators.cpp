#include "validators.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

namespace wnflow::app {

namespace {
// The number grammar of the CSV readers (csv.hpp): decimal or scientific, one optional
// leading '+', nothing before or after it; no hex floats, no blanks, no NaN or infinity.
// Empty when text is such a number (then in v), else what is wrong with it.
std::string read_finite(const std::string& text, double& v) {
  const char* first = text.data();
  const char* const last = first + text.size();
  if (last - first > 1 && *first == '+' && (std::isdigit(static_cast<unsigned char>(first[1])) || first[1] == '.'))
    ++first;
  const auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return "'" + text + "' is outside the range of double precision";
  if (ec != std::errc() || ptr != last || text.empty()) return "expects a number, got '" + text + "'";
  if (!std::isfinite(v)) return "must be finite, got '" + text + "'";
  return {};
}

// CLI11 reads a double as a long double (strtold) and rounds that: two roundings, which can
// land one ulp away from the double the text names. A hexadecimal float is exact in both.
std::string exact_spelling(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%a", v);
  return buffer;
}

CLI::Validator number_where(std::function<bool(double)> admits, std::string requirement, std::string description) {
  return CLI::Validator(
      [admits = std::move(admits), requirement = std::move(requirement)](std::string& text) {
        double v = 0;
        std::string error = read_finite(text, v);
        if (error.empty() && !admits(v)) error = "must be " + requirement + ", got '" + text + "'";
        if (error.empty()) text = exact_spelling(v);
        return error;
      },
      std::move(description));
}

std::string format_bound(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}
}  // namespace

CLI::Validator positive_number() {
  return number_where([](double v) { return v > 0; }, "positive", "POSITIVE");
}

CLI::Validator positive_number_or_inf() {
  const CLI::Validator finite = positive_number();
  return CLI::Validator(
      [finite](std::string& text) { return text == "inf" ? std::string() : finite(text); }, "POSITIVE or inf");
}

CLI::Validator non_negative_number() {
  return number_where([](double v) { return v >= 0; }, ">= 0", "NONNEGATIVE");
}

CLI::Validator number_between(double min, double max, const std::string& why) {
  const std::string range = format_bound(min) + " and " + format_bound(max);
  return number_where([min, max](double v) { return v >= min && v <= max; }, "between " + range + " (" + why + ")",
                      "in [" + format_bound(min) + " - " + format_bound(max) + "]");
}

CLI::Validator integer_between(long min, long max) {
  // CLI::Range's description repeats the type ("INT:INT in [1 - 100]") and shows LONG_MAX.
  std::string description = "in [" + std::to_string(min) + " - " + std::to_string(max) + "]";
  if (max == std::numeric_limits<long>::max())
    description = min == 0 ? "NONNEGATIVE" : min == 1 ? "POSITIVE" : ">= " + std::to_string(min);
  const CLI::Range range(min, max);
  return CLI::Validator(
      [range](std::string& text) {
        // Decimal only, one optional leading '+'; CLI11 then reads the canonical spelling.
        const char* first = text.data();
        const char* const last = first + text.size();
        if (last - first > 1 && *first == '+' && std::isdigit(static_cast<unsigned char>(first[1]))) ++first;
        long v = 0;
        const auto [ptr, ec] = std::from_chars(first, last, v, 10);
        if (ec != std::errc() || ptr != last || text.empty()) return "expects an integer, got '" + text + "'";
        text = std::to_string(v);
        return range(text);
      },
      description);
}

CLI::Validator integer_at_least(long min) { return integer_between(min, std::numeric_limits<long>::max()); }

CLI::Validator or_empty(CLI::Validator check) {
  const std::string description = check.get_description();
  return CLI::Validator([check = std::move(check)](std::string& text) { return text.empty() ? std::string() : check(text); },
                        description);
}

CLI::Validator one_of(const std::vector<std::string>& names) { return CLI::IsMember(names); }

std::vector<std::string> list_items(const std::string& text) {
  std::vector<std::string> items(1);
  for (char ch : text) {
    if (ch == ',')
      items.emplace_back();
    else if (ch != ' ')
      items.back() += ch;
  }
  return items;
}

CLI::Validator comma_list(CLI::Validator item) {
  const std::string description = item.get_description();
  return CLI::Validator(
      [item = std::move(item)](std::string& text) {
        std::vector<std::string> items = list_items(text);
        for (std::string& entry : items) {
          if (entry.empty()) return "empty item in list '" + text + "'";
          const std::string error = item(entry);
          if (!error.empty()) return error;
        }
        text = CLI::detail::join(items, ",");
        return std::string();
      },
      description);
}

CLI::Option* add_list(CLI::App& cmd, const std::string& name, std::string& text, CLI::Validator item,
                      const std::string& description) {
  return cmd.add_option(name, text, description)->type_name("LIST")->transform(or_empty(comma_list(std::move(item))));
}

}  // namespace wnflow::app
