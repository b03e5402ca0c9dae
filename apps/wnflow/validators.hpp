#pragma once
// CLI11 validators of the wnflow commands. A message names no option: CLI11 puts the option in
// front of it ("--alpha: must be positive, got '0'").
#include <CLI/CLI.hpp>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wnflow::app {

// Numbers. CLI11 2.1 converts with strtold and strtoll(base 0), which read "nan", "inf", hex
// floats, leading blanks and octal ("010" is eight); CLI::PositiveNumber, a Range(DBL_MIN,
// DBL_MAX), lets NaN through, refuses subnormals and prints DBL_MAX in full in its message.
// These transforms admit the number grammar of the CSV readers only (decimal or scientific,
// one optional leading '+') and hand CLI11 a spelling it reads back as exactly that value.
CLI::Validator positive_number();      // finite and > 0
CLI::Validator non_negative_number();  // finite and >= 0
// As positive_number, or the word "inf" (spelled exactly so), which the option then holds as
// +infinity; where that is meaningful is the command's to check.
CLI::Validator positive_number_or_inf();
// Finite and within [min, max]; why says what the bounds protect.
CLI::Validator number_between(double min, double max, const std::string& why);
// A decimal integer within [min, max] (CLI::Range's check and message), or at least min.
CLI::Validator integer_between(long min, long max);
CLI::Validator integer_at_least(long min);

// The same check, except that "" passes: the option then keeps its default (a std::optional
// stays empty), as for an option not given.
CLI::Validator or_empty(CLI::Validator check);

// One of the listed names (CLI::IsMember).
CLI::Validator one_of(const std::vector<std::string>& names);

// The names of the values of an enumeration.
template <class Enum>
using Choices = std::vector<std::pair<std::string, Enum>>;

// One name of a library enumeration, handed to CLI11 as the enumerator. CheckedTransformer
// alone would also admit the enumerators' integer values ("--sign 1"): IsMember admits the
// names only, then Transformer maps the name to its enumerator.
template <class Enum>
CLI::Validator one_of(const Choices<Enum>& choices) {
  std::vector<std::string> names;
  for (const auto& choice : choices) names.push_back(choice.first);
  const CLI::Validator is_member = CLI::IsMember(names);
  const CLI::Validator to_enumerator = CLI::Transformer(choices);
  return CLI::Validator(
      [is_member, to_enumerator](std::string& text) {
        const std::string error = is_member(text);
        return error.empty() ? to_enumerator(text) : error;
      },
      is_member.get_description());
}

// The enumerators under the library's own spelling of them (its to_string).
template <class Enum>
Choices<Enum> named(std::initializer_list<Enum> values) {
  Choices<Enum> choices;
  for (Enum value : values) choices.emplace_back(to_string(value), value);
  return choices;
}

// An option naming one enumerator, its default shown by name.
template <class Enum>
CLI::Option* add_choice(CLI::App& cmd, const std::string& name, Enum& value, const Choices<Enum>& choices,
                        const std::string& description) {
  return cmd.add_option(name, value, description)
      ->transform(one_of(choices))
      ->default_function([&value] { return to_string(value); })
      ->capture_default_str();
}

// Comma-separated lists ("--n 150,400"). CLI11's ->delimiter(',') drops empty items, so
// "20,,30" would read as 20,30; an empty item is a mistake to report. The list therefore
// reaches the option as one string: comma_list checks every item with `item` (blanks
// removed) and rewrites the list in the spellings `item` hands on; list_of<T> converts them.
CLI::Validator comma_list(CLI::Validator item);
std::vector<std::string> list_items(const std::string& text);

// An option taking such a list into text; "" or absent leaves text empty.
CLI::Option* add_list(CLI::App& cmd, const std::string& name, std::string& text, CLI::Validator item,
                      const std::string& description);

template <class T>
std::vector<T> list_of(const std::string& text) {
  std::vector<T> values;
  for (const std::string& item : list_items(text)) {
    T value{};
    if (!CLI::detail::lexical_cast(item, value))
      throw std::logic_error("list_of: '" + item + "' of '" + text + "' was not checked by comma_list");
    values.push_back(std::move(value));
  }
  return values;
}

}  // namespace wnflow::app
