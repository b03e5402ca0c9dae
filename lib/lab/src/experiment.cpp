#include <wnflow/lab/experiment.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <wnflow/model/errors.hpp>
#include <wnflow/model/gf_limit.hpp>
#include <wnflow/model/l1.hpp>
#include <wnflow/model/large_alpha.hpp>
#include <wnflow/model/local_rate.hpp>
#include <wnflow/solve/rate_fit.hpp>
#include <wnflow/model/predict.hpp>
#include <wnflow/lab/table.hpp>

namespace wnflow {

using nlohmann::json;

std::string to_string(AlgorithmKind k) {
  switch (k) {
    case AlgorithmKind::gf: return "gf";
    case AlgorithmKind::wn: return "wn";
    case AlgorithmKind::wn_classic: return "wn-classic";
    case AlgorithmKind::gd: return "gd";
    case AlgorithmKind::wn_gd_classic: return "wn-gd-classic";
    case AlgorithmKind::wn_gd_polar: return "wn-gd-polar";
    case AlgorithmKind::l1: return "l1";
  }
  return "?";
}

AlgorithmKind parse_algorithm_kind(const std::string& text) {
  for (auto k : {AlgorithmKind::gf, AlgorithmKind::wn, AlgorithmKind::wn_classic, AlgorithmKind::gd,
                 AlgorithmKind::wn_gd_classic, AlgorithmKind::wn_gd_polar, AlgorithmKind::l1})
    if (to_string(k) == text) return k;
  throw InputError("unknown algorithm '" + text + "' (expected gf, wn, wn-classic, gd, wn-gd-classic, wn-gd-polar or l1)");
}

bool is_flow(AlgorithmKind k) { return k == AlgorithmKind::gf || k == AlgorithmKind::wn || k == AlgorithmKind::wn_classic; }
bool is_discrete(AlgorithmKind k) {
  return k == AlgorithmKind::gd || k == AlgorithmKind::wn_gd_classic || k == AlgorithmKind::wn_gd_polar;
}

namespace {

// Strict reading of one JSON object: every key read is recorded, and finish() rejects the
// rest, so a misspelt key is an error instead of a silently ignored setting.
class Obj {
 public:
  // where: "source: " for the root object, then "source: key.key" for nested ones, so that
  // messages read "experiments/e1.json: problem.N must be an integer".
  Obj(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object())
      throw InputError(is_root() ? where_ + "the config must be a JSON object" : where_ + " must be a JSON object");
  }
  bool is_root() const { return where_.size() >= 2 && where_.compare(where_.size() - 2, 2, ": ") == 0; }
  bool has(const std::string& k) const { return j_.contains(k); }
  const json& get(const std::string& k) {
    seen_.insert(k);
    return j_.at(k);
  }
  std::string path(const std::string& k) const { return is_root() ? where_ + k : where_ + "." + k; }

  std::string string(const std::string& k, const std::string& def) {
    if (!has(k)) return def;
    const json& v = get(k);
    if (!v.is_string()) throw InputError(path(k) + " must be a string");
    return v.get<std::string>();
  }
  bool boolean(const std::string& k, bool def) {
    if (!has(k)) return def;
    const json& v = get(k);
    if (!v.is_boolean()) throw InputError(path(k) + " must be true or false");
    return v.get<bool>();
  }
  double number(const std::string& k, double def) {
    if (!has(k)) return def;
    return as_number(get(k), path(k));
  }
  long integer(const std::string& k, long def, long minimum) {
    if (!has(k)) return def;
    return as_integer(get(k), path(k), minimum);
  }
  // A number or a non-empty array of numbers.
  std::vector<double> numbers(const std::string& k) {
    const json& v = get(k);
    std::vector<double> out;
    if (v.is_array()) {
      if (v.empty()) throw InputError(path(k) + " is an empty list: the grid would have no cells");
      for (std::size_t i = 0; i < v.size(); ++i) out.push_back(as_number(v[i], path(k) + "[" + std::to_string(i) + "]"));
    } else {
      out.push_back(as_number(v, path(k)));
    }
    return out;
  }
  std::vector<long> integers(const std::string& k, long minimum) {
    const json& v = get(k);
    std::vector<long> out;
    if (v.is_array()) {
      if (v.empty()) throw InputError(path(k) + " is an empty list: the grid would have no cells");
      for (std::size_t i = 0; i < v.size(); ++i)
        out.push_back(as_integer(v[i], path(k) + "[" + std::to_string(i) + "]", minimum));
    } else {
      out.push_back(as_integer(v, path(k), minimum));
    }
    return out;
  }
  std::vector<std::string> strings(const std::string& k) {
    const json& v = get(k);
    std::vector<std::string> out;
    auto one = [&](const json& e, const std::string& p) {
      if (!e.is_string()) throw InputError(p + " must be a string");
      out.push_back(e.get<std::string>());
    };
    if (v.is_array()) {
      if (v.empty()) throw InputError(path(k) + " is an empty list: the grid would have no cells");
      for (std::size_t i = 0; i < v.size(); ++i) one(v[i], path(k) + "[" + std::to_string(i) + "]");
    } else {
      one(v, path(k));
    }
    return out;
  }
  void finish() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!seen_.count(it.key()))
        throw InputError(is_root() ? where_ + "unknown key " + it.key() : unknown(it.key()));
  }

  // "src: problem" + "MM" -> "src: unknown key problem.MM"
  std::string unknown(const std::string& key) const {
    const std::size_t colon = where_.rfind(": ");
    return where_.substr(0, colon + 2) + "unknown key " + where_.substr(colon + 2) + "." + key;
  }
  static double as_number(const json& v, const std::string& p) {
    if (!v.is_number()) throw InputError(p + " must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) throw InputError(p + " must be finite");
    return d;
  }
  static long as_integer(const json& v, const std::string& p, long minimum) {
    if (!v.is_number_integer()) throw InputError(p + " must be an integer");
    const long n = v.get<long>();
    if (n < minimum) throw InputError(p + " must be >= " + std::to_string(minimum) + ", got " + std::to_string(n));
    return n;
  }

 private:
  const json& j_;
  std::string where_;
  std::set<std::string> seen_;
};

// α (or a step grid): a list, a single number, or {"from", "to", "points"} log-spaced.
std::vector<double> positive_grid(Obj& o, const std::string& k) {
  std::vector<double> out;
  if (o.has(k) && o.get(k).is_object()) {
    Obj g(o.get(k), o.path(k));
    const double from = g.number("from", NAN), to = g.number("to", NAN);
    const long points = g.integer("points", 0, 1);
    g.finish();
    if (!(from > 0)) throw InputError(g.path("from") + " must be a positive number");
    if (!(to > 0)) throw InputError(g.path("to") + " must be a positive number");
    if (points == 0) throw InputError(g.path("points") + " is required");
    if (points == 1) return {from};
    // Rounded to 12 significant digits, so that 1e-3 .. 1e2 in 11 points gives 0.01 and 10,
    // not 0.010000000000000004 (labels and cell keys stay readable).
    for (long i = 0; i < points; ++i) {
      const double v = std::exp(std::log(from) + (std::log(to) - std::log(from)) * double(i) / double(points - 1));
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.12g", v);
      out.push_back(std::strtod(buf, nullptr));
    }
    return out;
  }
  out = o.numbers(k);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!(out[i] > 0)) throw InputError(o.path(k) + " must hold positive numbers, got " + format_number(out[i]));
  return out;
}

std::string compact(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// The object {"rule": "inverse_sqrt_n", "factor": c}: α = c/√N.
double alpha_rule(const json& j, const std::string& where) {
  Obj r(j, where);
  const std::string rule = r.string("rule", "");
  if (rule != "inverse_sqrt_n")
    throw InputError(r.path("rule") + (rule.empty() ? std::string(" is required") : " '" + rule + "' is unknown") +
                     " (the alpha rule is \"inverse_sqrt_n\": alpha = factor/sqrt(N))");
  if (!r.has("factor")) throw InputError(r.path("factor") + " is required");
  const double c = r.number("factor", 1);
  if (!(c > 0)) throw InputError(r.path("factor") + " must be positive, got " + format_number(c));
  r.finish();
  return c;
}

// α: a number, a list of numbers and rule objects, a log grid {"from", "to", "points"}, or one
// rule object {"rule": ...}.
AlphaGrid alpha_grid(Obj& o, const std::string& k) {
  AlphaGrid g;
  const json& v = o.get(k);
  if (v.is_object() && v.contains("rule")) {
    g.sqrt_n_factors.push_back(alpha_rule(v, o.path(k)));
  } else if (v.is_array() && std::any_of(v.begin(), v.end(), [](const json& e) { return e.is_object(); })) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string p = o.path(k) + "[" + std::to_string(i) + "]";
      if (v[i].is_object()) {
        g.sqrt_n_factors.push_back(alpha_rule(v[i], p));
      } else {
        const double a = Obj::as_number(v[i], p);
        if (!(a > 0)) throw InputError(p + " must be positive, got " + format_number(a));
        g.values.push_back(a);
      }
    }
  } else {
    g.values = positive_grid(o, k);
  }
  return g;
}

// Every α of the grid at every N and depth must keep α^L within the double range.
void check_alpha_range(const AlphaGrid& g, const std::vector<Eigen::Index>& Ns, const std::vector<int>& depths,
                       const std::string& where) {
  for (int L : depths)
    for (auto N : Ns)
      for (const AlphaChoice& a : resolve_alphas(g, N))
        if (double(L) * std::log(a.value) > 300.0)
          throw InputError(where + " = " + (a.rule ? a.setting + " = " : std::string()) + format_number(a.value) +
                           " overflows at depth " + std::to_string(L) + ": alpha^L is beyond the double range");
}

std::string default_label(const AlgorithmSpec& a) {
  std::string q = a.ratio ? " q=" + compact(*a.ratio) : a.ratio_rule ? " q=" + a.ratio_rule->text() : "";
  std::string cr = a.schedule == Schedule::constant_ratio ? " const-ratio" : "";
  if (a.normalize == Normalize::separate) cr += " separate";
  std::string rule = a.step_rule == StepRule::curvature ? " curvature" : "";
  switch (a.kind) {
    case AlgorithmKind::gf: return a.eta == 1 ? "GF" : "GF eta=" + compact(a.eta);
    case AlgorithmKind::wn: return "WN" + q + cr;
    case AlgorithmKind::wn_classic: return "classic WN" + q + cr;
    case AlgorithmKind::gd: return "GD" + rule;
    case AlgorithmKind::wn_gd_classic: return "classic WN-GD" + q + rule;
    case AlgorithmKind::wn_gd_polar: return "WN-GD" + q + rule;
    case AlgorithmKind::l1: return "l1 (LP)";
  }
  return "?";
}

std::vector<AlgorithmSpec> parse_algorithm(const json& j, const std::string& where) {
  Obj o(j, where);
  AlgorithmSpec a;
  if (!o.has("kind")) throw InputError(o.path("kind") + " is required");
  try {
    a.kind = parse_algorithm_kind(o.string("kind", ""));
  } catch (const InputError& e) {
    throw InputError(o.path("kind") + ": " + e.what());
  }
  const bool wn_like = a.kind == AlgorithmKind::wn || a.kind == AlgorithmKind::wn_classic ||
                       a.kind == AlgorithmKind::wn_gd_classic || a.kind == AlgorithmKind::wn_gd_polar;
  std::vector<double> ratios;
  if (o.has("ratio") && o.get("ratio").is_object()) {
    if (!wn_like) throw InputError(o.path("ratio") + " applies to weight normalization, not to " + to_string(a.kind));
    Obj r(o.get("ratio"), o.path("ratio"));
    const std::string rule = r.string("rule", "");
    RatioRule rr;
    if (rule == "critical") rr.kind = RatioRule::Kind::critical;
    else if (rule == "inverse_n") rr.kind = RatioRule::Kind::inverse_n;
    else
      throw InputError(r.path("rule") + (rule.empty() ? std::string(" is required") : " '" + rule + "' is unknown") +
                       " (expected \"critical\": q = factor q_c, or \"inverse_n\": q = factor/N)");
    if (!r.has("factor")) throw InputError(r.path("factor") + " is required");
    rr.factor = r.number("factor", rr.factor);
    if (!(rr.factor > 0)) throw InputError(r.path("factor") + " must be positive, got " + format_number(rr.factor));
    if (r.has("max")) {
      if (rr.kind != RatioRule::Kind::critical) throw InputError(r.path("max") + " applies to the rule critical only");
      rr.max = r.number("max", rr.max);
      if (!(rr.max > 0)) throw InputError(r.path("max") + " must be positive, got " + format_number(rr.max));
    }
    r.finish();
    // q_c is the threshold of polar WN (docs/theory.md §3.9); other flows have no such q_c.
    if (rr.kind == RatioRule::Kind::critical && a.kind != AlgorithmKind::wn)
      throw InputError(r.path("rule") + " critical applies to kind wn only (q_c is the threshold of polar WN)");
    a.ratio_rule = rr;
  } else if (o.has("ratio")) {
    if (!wn_like) throw InputError(o.path("ratio") + " applies to weight normalization, not to " + to_string(a.kind));
    ratios = o.numbers("ratio");
    for (double q : ratios)
      if (!(q > 0)) throw InputError(o.path("ratio") + " must be positive, got " + format_number(q));
  }
  if (o.has("schedule")) {
    if (a.kind != AlgorithmKind::wn) throw InputError(o.path("schedule") + " applies to kind wn only");
    try {
      a.schedule = parse_schedule(o.string("schedule", ""));
    } catch (const InputError& e) {
      throw InputError(o.path("schedule") + ": " + e.what());
    }
  }
  if (o.has("normalize")) {
    if (a.kind != AlgorithmKind::wn && a.kind != AlgorithmKind::wn_classic)
      throw InputError(o.path("normalize") + " applies to kinds wn and wn-classic only");
    try {
      a.normalize = parse_normalize(o.string("normalize", ""));
    } catch (const InputError& e) {
      throw InputError(o.path("normalize") + ": " + e.what());
    }
    // q_c is the threshold of the joint flow (docs/theory.md §3.9); the separate flow's limit
    // depends on the path (§3.10) and has no such threshold.
    if (a.normalize == Normalize::separate && a.ratio_rule && a.ratio_rule->kind == RatioRule::Kind::critical)
      throw InputError(o.path("normalize") + " separate cannot take the ratio rule critical (q_c is the joint flow's)");
  }
  if (o.has("eta")) {
    if (a.kind != AlgorithmKind::gf) throw InputError(o.path("eta") + " applies to kind gf only");
    a.eta = o.number("eta", 1);
    if (!(a.eta > 0)) throw InputError(o.path("eta") + " must be positive");
  }
  if (o.has("step")) {
    if (!is_discrete(a.kind)) throw InputError(o.path("step") + " applies to discrete algorithms (gd, wn-gd-*) only");
    a.step = o.number("step", 0);
    if (!(*a.step > 0)) throw InputError(o.path("step") + " must be positive");
  }
  if (o.has("step_rule")) {
    if (!is_discrete(a.kind)) throw InputError(o.path("step_rule") + " applies to discrete algorithms (gd, wn-gd-*) only");
    try {
      a.step_rule = parse_step_rule(o.string("step_rule", ""));
    } catch (const InputError& e) {
      throw InputError(o.path("step_rule") + ": " + e.what());
    }
    if (a.step_rule == StepRule::fixed) throw InputError(o.path("step_rule") + ": fixed is given by the key step");
    if (a.step && a.step_rule == StepRule::curvature)
      throw InputError(o.path("step_rule") + " curvature and a fixed step exclude each other");
  }
  if (o.has("step_fraction")) {
    if (a.step_rule != StepRule::curvature) throw InputError(o.path("step_fraction") + " applies to step_rule curvature only");
    a.step_fraction = o.number("step_fraction", 0.5);
    if (!(*a.step_fraction > 0 && *a.step_fraction <= 1))
      throw InputError(o.path("step_fraction") + " must be in (0, 1], got " + format_number(*a.step_fraction));
  }
  if (o.has("alpha")) {
    if (a.kind == AlgorithmKind::l1) throw InputError(o.path("alpha") + " applies to network algorithms, not to l1");
    a.alpha = alpha_grid(o, "alpha");
  }
  const std::string label = o.string("label", "");
  if (label.find_first_of(",\"\r\n") != std::string::npos)
    throw InputError(o.path("label") + " must not contain ',', '\"' or line breaks");
  o.finish();
  std::vector<AlgorithmSpec> out;
  if (ratios.empty()) ratios.push_back(NAN);
  for (double q : ratios) {
    AlgorithmSpec b = a;
    if (!std::isnan(q)) b.ratio = q;
    b.label = label.empty() ? default_label(b) : (ratios.size() > 1 ? label + " q=" + compact(q) : label);
    out.push_back(b);
  }
  return out;
}

}  // namespace

namespace {
Experiment parse_experiment_text(const std::string& json_text, const std::string& source, bool quick);
}  // namespace

// Messages quote names and keys from the config: escape line breaks so each stays one line
// (found by fuzz/fuzz_config.cpp: {"name": "x\n"}).
Experiment parse_experiment(const std::string& json_text, const std::string& source, bool quick) {
  try {
    return parse_experiment_text(json_text, source, quick);
  } catch (const InputError& e) {
    std::string m;
    for (const char c : std::string(e.what())) m += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
    throw InputError(m);
  }
}

namespace {
Experiment parse_experiment_text(const std::string& json_text, const std::string& source, bool quick) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number beyond double ("1e999"). nlohmann's message
    // has the byte offset; keep it on one line.
    std::string m = e.what();
    std::replace(m.begin(), m.end(), '\n', ' ');
    throw InputError(source + ": malformed JSON: " + m);
  }
  if (!root.is_object()) throw InputError(source + ": the config must be a JSON object");
  if (root.contains("quick")) {
    if (!root["quick"].is_object()) throw InputError(source + ": quick must be a JSON object (a merge patch)");
    json patch = root["quick"];
    root.erase("quick");
    if (quick) root.merge_patch(patch);
  }
  Experiment e;
  e.canonical_json = root.dump();
  {
    json results = root;
    for (const char* presentation : {"title", "description", "figures"}) results.erase(presentation);
    e.result_json = results.dump();
  }
  Obj o(root, source + ": ");

  if (!o.has("name")) throw InputError(source + ": name is required");
  e.name = o.string("name", "");
  if (e.name.empty() || e.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                            std::string::npos)
    throw InputError(o.path("name") + " must be non-empty letters, digits, '_' or '-', got '" + e.name + "'");
  e.title = o.string("title", e.name);
  e.description = o.string("description", "");

  if (!o.has("problem")) throw InputError(source + ": problem is required");
  {
    Obj p(o.get("problem"), o.path("problem"));
    auto idx = [](const std::vector<long>& v) { return std::vector<Eigen::Index>(v.begin(), v.end()); };
    e.N = p.has("N") ? idx(p.integers("N", 1)) : std::vector<Eigen::Index>{60};
    if (p.has("M") && p.get("M").is_object()) {
      Obj r(p.get("M"), p.path("M"));
      const std::string rule = r.string("rule", "");
      if (rule != "log")
        throw InputError(r.path("rule") + (rule.empty() ? std::string(" is required") : " '" + rule + "' is unknown") +
                         " (the M rule is \"log\": M = ceil(factor s ln(N/s)))");
      SizeRule m;
      if (!r.has("factor")) throw InputError(r.path("factor") + " is required");
      m.factor = r.number("factor", m.factor);
      if (!(m.factor > 0)) throw InputError(r.path("factor") + " must be positive, got " + format_number(m.factor));
      r.finish();
      e.m_rule = m;
    } else {
      e.M = p.has("M") ? idx(p.integers("M", 1)) : std::vector<Eigen::Index>{20};
    }
    e.sparsity = p.has("sparsity") ? idx(p.integers("sparsity", 0)) : std::vector<Eigen::Index>{3};
    e.signs.clear();
    for (const auto& s : p.has("sign") ? p.strings("sign") : std::vector<std::string>{"positive"}) {
      if (s == "positive") e.signs.push_back(Sign::positive);
      else if (s == "signed") e.signs.push_back(Sign::signed_);
      else throw InputError(p.path("sign") + ": unknown sign '" + s + "' (expected positive or signed)");
    }
    e.trials = int(p.integer("trials", 1, 1));
    if (e.trials > 100000) throw InputError(p.path("trials") + " must be <= 100000");
    e.seed = std::uint64_t(p.integer("seed", 1, 0));
    p.finish();
    for (auto N : e.N) {
      if (N > 100000) throw InputError(p.path("N") + " must be <= 100000, got " + std::to_string(N));
      for (auto s : e.sparsity)
        if (s > N)
          throw InputError(p.path("sparsity") + " = " + std::to_string(s) + " exceeds N = " + std::to_string(N));
    }
    for (auto M : e.M)
      if (M > 100000) throw InputError(p.path("M") + " must be <= 100000, got " + std::to_string(M));
    // The rule must give an underdetermined instance (M < N) at every grid point.
    if (e.m_rule)
      for (auto N : e.N)
        for (auto s : e.sparsity) {
          if (s < 1 || s >= N)
            throw InputError(p.path("M") + ": the rule log needs 1 <= s < N, got s = " + std::to_string(s) + ", N = " +
                             std::to_string(N));
          const Eigen::Index M = e.m_rule->measurements(N, s);
          if (M >= N)
            throw InputError(p.path("M") + ": the rule gives M = " + std::to_string(M) + " >= N = " + std::to_string(N) +
                             " at s = " + std::to_string(s) + " (lower the factor or raise N)");
        }
  }

  if (!o.has("algorithms")) throw InputError(source + ": algorithms is required");
  std::vector<std::string> algorithm_where;  // the config entry of each expanded algorithm
  {
    const json& algs = o.get("algorithms");
    if (!algs.is_array()) throw InputError(o.path("algorithms") + " must be a list of objects");
    if (algs.empty()) throw InputError(o.path("algorithms") + " is an empty list: the grid would have no cells");
    for (std::size_t i = 0; i < algs.size(); ++i)
      for (auto& a : parse_algorithm(algs[i], o.path("algorithms") + "[" + std::to_string(i) + "]")) {
        e.algorithms.push_back(a);
        algorithm_where.push_back(o.path("algorithms") + "[" + std::to_string(i) + "]");
      }
    for (std::size_t i = 0; i < e.algorithms.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (e.algorithms[i].label == e.algorithms[j].label)
          throw InputError(o.path("algorithms") + ": two algorithms share the label '" + e.algorithms[i].label +
                           "' (give one a \"label\")");
  }
  const bool needs_network = std::any_of(e.algorithms.begin(), e.algorithms.end(),
                                         [](const AlgorithmSpec& a) { return a.kind != AlgorithmKind::l1; });
  if (o.has("depth")) {
    for (long L : o.integers("depth", 2)) {
      if (L > 64) throw InputError(o.path("depth") + " must be <= 64, got " + std::to_string(L));
      e.depths.push_back(int(L));
    }
  } else {
    e.depths = {2};
  }
  if (o.has("alpha")) e.alphas = alpha_grid(o, "alpha");
  else e.alphas.values = {0.1};
  if (needs_network) check_alpha_range(e.alphas, e.N, e.depths, o.path("alpha"));
  for (std::size_t i = 0; i < e.algorithms.size(); ++i)
    if (e.algorithms[i].alpha)
      check_alpha_range(*e.algorithms[i].alpha, e.N, e.depths, algorithm_where[i] + ".alpha");

  if (o.has("integrate")) {
    Obj g(o.get("integrate"), o.path("integrate"));
    IntegrateOptions& io = e.integrate;
    if (g.has("stepper")) {
      try {
        io.stepper = parse_stepper(g.string("stepper", ""));
      } catch (const InputError& err) {
        throw InputError(g.path("stepper") + ": " + err.what());
      }
    }
    io.rtol = g.number("rtol", io.rtol);
    io.atol = g.number("atol", io.atol);
    io.t_max = g.number("t_max", io.t_max);
    io.loss_tol = g.number("loss_tol", io.loss_tol);
    io.max_steps = g.integer("max_steps", io.max_steps, 1);
    io.first_sample = g.number("first_sample", io.first_sample);
    io.samples_per_decade = int(g.integer("samples_per_decade", io.samples_per_decade, 1));
    g.finish();
    try {
      io.validate();
    } catch (const InputError& err) {
      throw InputError(o.path("integrate") + ": " + err.what());
    }
  }
  if (o.has("discrete")) {
    Obj g(o.get("discrete"), o.path("discrete"));
    DiscreteOptions& d = e.discrete;
    d.max_iterations = g.integer("max_iterations", d.max_iterations, 1);
    d.loss_tol = g.number("loss_tol", d.loss_tol);
    if (!(d.loss_tol > 0)) throw InputError(g.path("loss_tol") + " must be positive");
    d.divergence_factor = g.number("divergence_factor", d.divergence_factor);
    d.max_stalled_tries = int(g.integer("max_stalled_tries", d.max_stalled_tries, 0));
    if (!(d.divergence_factor > 1)) throw InputError(g.path("divergence_factor") + " must be > 1");
    if (g.has("step_grid")) d.step_grid = positive_grid(g, "step_grid");
    g.finish();
  }
  if (o.has("measure")) {
    Obj m(o.get("measure"), o.path("measure"));
    e.measure.l1 = m.boolean("l1", e.measure.l1);
    e.measure.predict = m.boolean("predict", e.measure.predict);
    e.measure.rate = m.boolean("rate", e.measure.rate);
    e.measure.trajectory = m.boolean("trajectory", e.measure.trajectory);
    e.measure.large_alpha = m.boolean("large_alpha", e.measure.large_alpha);
    e.measure.flow = m.boolean("flow", e.measure.flow);
    e.measure.gf_at_alpha_eff = m.boolean("gf_at_alpha_eff", e.measure.gf_at_alpha_eff);
    m.finish();
  }
  if (o.has("figures")) {
    const json& figs = o.get("figures");
    if (!figs.is_array()) throw InputError(o.path("figures") + " must be a list of figure objects");
    const auto columns = result_columns();
    for (std::size_t i = 0; i < figs.size(); ++i) {
      const std::string where = o.path("figures") + "[" + std::to_string(i) + "]";
      FigureSpec f = parse_figure_spec(figs[i], where);
      try {
        check_figure_columns(f, columns);
      } catch (const InputError& err) {
        throw InputError(where + ": " + err.what());
      }
      for (const auto& g : e.figures)
        if (g.name == f.name) throw InputError(where + ".name '" + f.name + "' is used by another figure");
      e.figures.push_back(std::move(f));
    }
  }
  o.finish();
  return e;
}

}  // namespace

std::string read_config_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open config file '" + path + "'");
  std::string text;
  try {  // libstdc++ throws from the stream buffer when path is a directory
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {
    throw InputError("cannot read config file '" + path + "': " + e.what());
  }
  if (in.bad()) throw InputError("cannot read config file '" + path + "'");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw InputError("config file '" + path + "' is empty");
  return text;
}

Experiment read_experiment(const std::string& path, bool quick) {
  return parse_experiment(read_config_text(path), path, quick);
}

std::vector<AlphaChoice> resolve_alphas(const AlphaGrid& g, Eigen::Index N) {
  std::vector<AlphaChoice> out;
  for (double a : g.values) out.push_back({a, format_cell(a), false});
  for (double c : g.sqrt_n_factors) {
    char buf[32];  // rounded to 12 digits like the log grid, so labels and keys stay short
    std::snprintf(buf, sizeof buf, "%.12g", c / std::sqrt(double(N)));
    out.push_back({std::strtod(buf, nullptr), compact(c) + "/sqrt(N)", true});
  }
  return out;
}

std::string RatioRule::text() const {
  return kind == Kind::critical ? compact(factor) + "qc" : compact(factor) + "/N";
}

Eigen::Index SizeRule::measurements(Eigen::Index N, Eigen::Index s) const {
  return Eigen::Index(std::ceil(factor * double(s) * std::log(double(N) / double(s))));
}

std::vector<Cell> expand_cells(const Experiment& e) {
  std::vector<Cell> cells;
  // With the M rule the M axis has one entry, replaced at each (N, s) by the rule's value.
  const std::vector<Eigen::Index> Ms = e.m_rule ? std::vector<Eigen::Index>{0} : e.M;
  for (auto N : e.N)
    for (auto M_listed : Ms)
      for (auto s : e.sparsity) {
        const Eigen::Index M = e.m_rule ? e.m_rule->measurements(N, s) : M_listed;
        for (auto sign : e.signs)
          for (int trial = 0; trial < e.trials; ++trial)
            for (const auto& a : e.algorithms) {
              if (a.normalize == Normalize::separate && sign != Sign::signed_) continue;  // P+ has one block
              // P± has q_c = 0 (docs/theory.md §3.9): no q lies below it, so the rule has no cell.
              if (a.ratio_rule && a.ratio_rule->kind == RatioRule::Kind::critical && sign == Sign::signed_) continue;
              const bool lp = a.kind == AlgorithmKind::l1;
              const std::vector<AlphaChoice> alphas =
                  lp ? std::vector<AlphaChoice>{{0, "nan", false}} : resolve_alphas(a.alpha ? *a.alpha : e.alphas, N);
              for (int L : lp ? std::vector<int>{0} : e.depths)
                for (const AlphaChoice& alpha : alphas) {
                  Cell c;
                  c.index = cells.size();
                  c.instance = {N, M, s, e.seed + std::uint64_t(trial), sign};
                  c.trial = trial;
                  c.algorithm = a;
                  c.depth = L;
                  c.alpha = alpha.value;
                  c.alpha_setting = alpha.setting;
                  std::ostringstream k;
                  k << "N" << N << "-M" << M << "-s" << s << "-" << to_string(sign) << "-t" << trial << "-"
                    << a.label << "-L" << L << "-a" << format_cell(alpha.value);
                  // A rule's value can coincide with a fixed α of the same algorithm.
                  if (alpha.rule) k << "-" << alpha.setting;
                  c.key = k.str();
                  std::replace(c.key.begin(), c.key.end(), ' ', '_');
                  cells.push_back(std::move(c));
                }
            }
      }
  return cells;
}

double expected_cost(const Experiment& e, const Cell& cell) {
  const double n = double(cell.instance.N), m = double(cell.instance.M), nm = n * m;
  const AlgorithmKind k = cell.algorithm.kind;
  if (k == AlgorithmKind::l1) return nm * std::min(n, m);
  const double decades_below = std::max(0.0, -std::log10(cell.alpha));
  const double decades_above = std::max(0.0, std::log10(cell.alpha));
  if (is_discrete(k)) {
    const double searches = cell.algorithm.step ? 1.0
                            : double(e.discrete.step_grid.empty() ? default_step_grid().size() : e.discrete.step_grid.size());
    return nm * double(e.discrete.max_iterations) * searches * (1 + decades_below) / 10;
  }
  const double rhs = 400 * (1 + 0.3 * double(cell.depth - 1) * decades_below + 0.2 * decades_above) *
                     (k == AlgorithmKind::gf ? 1.0 : 1.5);
  return nm * rhs;
}

std::vector<std::string> result_columns() {
  return {"cell", "cell_rows", "experiment", "N", "M", "s", "sign", "trial", "seed", "algorithm", "kind",
          "ratio", "schedule", "normalize", "depth", "alpha", "alpha_setting", "status", "stop_reason", "t", "loss", "steps",
          "rhs_evals", "jacobian_evals", "iterations", "step", "relative_error", "l1_norm", "l1_min", "l1_excess",
          "support_recovered", "support_misses", "alpha_eff", "alpha_eff_v", "magnification", "q_c", "beta_inf",
          "alpha_eff_predicted", "magnification_predicted", "predicted_error",
          "rate_predicted", "rate_measured", "rate_max", "condition", "t_scaled", "invariant_residual", "radius", "sample_t", "sample_loss",
          "grad_evals", "search_grad_evals", "lambda_max", "v_norm_growth", "alpha_eff_flow", "alpha_eff_gap",
          "gf_error_at_alpha_eff", "sample_t_fit", "sample_loss_fit", "message"};
}

namespace {

std::string clean_message(std::string m) {
  std::replace(m.begin(), m.end(), ',', ';');
  std::replace(m.begin(), m.end(), '"', '\'');
  std::replace(m.begin(), m.end(), '\n', ' ');
  std::replace(m.begin(), m.end(), '\r', ' ');
  return m;
}

double relative(const Vector& x, const Vector& ref) {
  const double n = ref.norm();
  return n > 0 ? (x - ref).norm() / n : (x - ref).norm();
}

FlowOptions flow_options(const Cell& c, const AlgorithmSpec& a) {
  FlowOptions f;
  f.kind = c.algorithm.kind == AlgorithmKind::gf ? FlowKind::gf
           : c.algorithm.kind == AlgorithmKind::wn ? FlowKind::wn
                                                    : FlowKind::wn_classic;
  f.sign = c.instance.sign;
  f.depth = c.depth;
  f.alpha = c.alpha;
  if (f.kind == FlowKind::gf) f.eta = c.algorithm.eta;
  f.ratio = a.ratio;
  f.schedule = a.schedule;
  f.normalize = a.normalize;
  return f;
}

// q_c and β∞ depend on (instance, sign, depth[, q]) alone and cost a Newton solve (β∞: a root
// search over T1 solves, docs/theory.md §3.9), while the WN cells of one instance at several α
// and algorithms share them. Values are pure functions of the key, so the cache cannot make
// the results depend on the order or the thread that computed them first.
double cached(const std::string& key, const std::function<double()>& compute) {
  static std::mutex mutex;
  static std::map<std::string, double> values;
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto it = values.find(key);
    if (it != values.end()) return it->second;
  }
  const double v = compute();  // outside the lock: other cells go on meanwhile
  std::lock_guard<std::mutex> lock(mutex);
  if (values.size() > 100000) values.clear();  // bounded memory on huge grids
  values.emplace(key, v);
  return v;
}

std::string hex(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%a", v);
  return buf;
}

}  // namespace

Eigen::Index support_misses(const Vector& x, const Vector& x_star) {
  if (x.size() != x_star.size()) throw InputError("support_misses: x and x* differ in size");
  std::vector<Eigen::Index> order(std::size_t(x.size()));
  for (Eigen::Index i = 0; i < x.size(); ++i) order[std::size_t(i)] = i;
  Eigen::Index s = 0;
  for (Eigen::Index i = 0; i < x_star.size(); ++i) s += x_star[i] != 0;
  // Largest |x| first; equal magnitudes by index, so the count is a function of x alone.
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return std::abs(x[a]) > std::abs(x[b]); });
  Eigen::Index misses = s;
  for (Eigen::Index k = 0; k < s; ++k) misses -= x_star[order[std::size_t(k)]] != 0;
  return misses;
}

namespace {

}  // namespace

std::vector<std::vector<std::string>> run_cell(const Experiment& e, const Cell& c) {
  static const Table schema(result_columns());
  RowBuilder row(schema);
  AlgorithmSpec a = c.algorithm;  // a ratio rule is resolved into a.ratio below
  row.set("cell", c.key)
      .set("experiment", e.name)
      .set("N", double(c.instance.N))
      .set("M", double(c.instance.M))
      .set("s", double(c.instance.sparsity))
      .set("sign", to_string(c.instance.sign))
      .set("trial", double(c.trial))
      .set("seed", double(c.instance.seed))
      .set("algorithm", a.label)
      .set("kind", to_string(a.kind))
      .set("schedule", a.kind == AlgorithmKind::wn ? to_string(a.schedule) : "nan")
      .set("normalize", a.kind == AlgorithmKind::wn || a.kind == AlgorithmKind::wn_classic ? to_string(a.normalize) : "nan")
      .set("depth", c.depth > 0 ? double(c.depth) : NAN)
      .set("alpha", c.alpha > 0 ? c.alpha : NAN)
      .set("alpha_setting", c.alpha_setting.empty() ? std::string("nan") : c.alpha_setting);

  const Problem problem = random_instance(c.instance);
  std::vector<std::pair<double, double>> samples;  // trajectory rows (t, loss)
  // The window the rate was fitted over and the predicted rate (T5): the trajectory rows inside
  // it also get λ_pred (t - t_begin) and loss / loss(t_begin), on which T5 reads exp(-2 x).
  struct {
    double t_begin = NAN, t_end = NAN, lambda = NAN;
  } fit_window;
  std::string notes;  // large-α measurements that failed; appended to the message
  std::ostringstream instance_key;
  instance_key << c.instance.N << "-" << c.instance.M << "-" << c.instance.sparsity << "-" << c.instance.seed << "-"
               << to_string(c.instance.sign) << "-L" << c.depth;
  std::optional<double> q_c;
  auto critical = [&]() {
    if (!q_c) q_c = cached(instance_key.str(), [&] { return critical_ratio(problem, c.instance.sign, c.depth); });
    return *q_c;
  };
  try {
    if (a.ratio_rule) {
      const RatioRule& rule = *a.ratio_rule;
      if (rule.kind == RatioRule::Kind::inverse_n) {
        a.ratio = rule.factor / double(c.instance.N);
      } else {
        double qc = NAN;
        try {
          qc = critical();
        } catch (const NumericalError& err) {
          throw NumericalError(std::string("ratio rule ") + rule.text() + ": q_c: " + err.what());
        }
        // P± has q_c = 0 (docs/theory.md §3.9): there is no ratio below the threshold.
        if (!(qc > 0))
          throw NumericalError("ratio rule " + rule.text() + ": q_c = 0 (no cap for any q > 0; P+- at large alpha, docs/theory.md §3.9)");
        a.ratio = std::min(rule.factor * qc, rule.max);  // q_c = inf (no positive null vector): max
      }
    }
    row.set("ratio", a.ratio ? *a.ratio : NAN);
    // q_c of the instance and β∞ of this WN flow (docs/theory.md §3.9); β∞ exists only for
    // constant rates with q < q_c, and is NaN otherwise (uncapped or not applicable).
    if (e.measure.large_alpha && a.kind == AlgorithmKind::wn && a.normalize == Normalize::joint) {
      try {
        const double qc = critical();
        row.set("q_c", qc);
        if (a.schedule == Schedule::constant_rates && a.ratio && *a.ratio < qc) {
          const FlowOptions f = flow_options(c, a);
          row.set("beta_inf", cached(instance_key.str() + "-q" + hex(*a.ratio),
                                     [&] { return large_alpha_limit(problem, f).limit.alpha_eff; }));
        }
      } catch (const NumericalError& err) {
        notes = clean_message(std::string("large alpha: ") + err.what());
      }
    }
    std::optional<L1Result> lp;
    if (e.measure.l1 || a.kind == AlgorithmKind::l1) {
      L1Options lo;
      lo.sign = c.instance.sign;
      lp = solve_l1(problem, lo);
      row.set("l1_min", lp->value);
    }
    auto l1_measures = [&](const Vector& x) {
      const double n1 = x.lpNorm<1>();
      const Eigen::Index misses = support_misses(x, *problem.x_star);
      row.set("support_misses", double(misses)).set("support_recovered", misses == 0 ? 1.0 : 0.0);
      row.set("l1_norm", n1);
      if (lp && lp->value > 0) row.set("l1_excess", (n1 - lp->value) / lp->value);
    };
    if (a.kind == AlgorithmKind::l1) {
      row.set("status", "ok").set("relative_error", relative(lp->x, *problem.x_star));
      l1_measures(lp->x);
    } else if (is_discrete(a.kind)) {
      DiscreteOptions d = e.discrete;
      d.method = a.kind == AlgorithmKind::gd              ? DiscreteMethod::gd
                 : a.kind == AlgorithmKind::wn_gd_classic ? DiscreteMethod::wn_gd_classic
                                                           : DiscreteMethod::wn_gd_polar;
      d.sign = c.instance.sign;
      d.depth = c.depth;
      d.alpha = c.alpha;
      d.step = a.step.value_or(0.0);
      d.step_rule = a.step_rule;
      d.step_fraction = a.step_fraction.value_or(d.step_fraction);
      if (d.step_rule == StepRule::curvature) d.step_grid.clear();  // discrete.step_grid is the grid rule's
      d.ratio = a.ratio;
      const DiscreteSummary s = run_discrete(problem, d);
      row.set("status", s.converged ? "ok" : to_string(s.stop))
          .set("stop_reason", to_string(s.stop))
          .set("loss", s.loss)
          .set("iterations", double(s.iterations))
          .set("step", s.step)
          .set("grad_evals", double(s.grad_evals))
          .set("search_grad_evals", double(s.search_grad_evals))
          .set("lambda_max", s.lambda_initial)
          .set("v_norm_growth", s.v_norm_growth)
          .set("alpha_eff", s.alpha_eff)
          .set("magnification", s.alpha_eff > 0 ? c.alpha / s.alpha_eff : NAN);
      if (e.measure.flow && d.method != DiscreteMethod::gd && std::isfinite(s.eta_s)) {
        // The flow the discrete method approximates, at the same rates (polar: eta_r, eta_s;
        // classic: |v(0)| = 1/sqrt(eta_s)); shared by the step rules of one cell.
        FlowOptions f;
        f.kind = d.method == DiscreteMethod::wn_gd_polar ? FlowKind::wn : FlowKind::wn_classic;
        f.sign = d.sign;
        f.depth = d.depth;
        f.alpha = d.alpha;
        if (f.kind == FlowKind::wn) {
          f.eta_r = s.eta_r;
          f.eta_s = s.eta_s;
        } else {
          f.v0_norm = 1.0 / std::sqrt(s.eta_s);
        }
        const double flow_alpha_eff =
            cached(instance_key.str() + "-flow-" + to_string(f.kind) + "-a" + hex(d.alpha) + "-r" + hex(s.eta_r) + "-" + hex(s.eta_s), [&] {
              try {
                const RunResult r = run_flow(problem, f, e.integrate);
                return r.usable() && r.converged ? r.alpha_eff : NAN;
              } catch (const NumericalError&) {
                return double(NAN);
              }
            });
        row.set("alpha_eff_flow", flow_alpha_eff);
        if (flow_alpha_eff > 0 && std::isfinite(s.alpha_eff))
          row.set("alpha_eff_gap", std::abs(s.alpha_eff - flow_alpha_eff) / flow_alpha_eff);
      }
      if (s.stop != DiscreteStop::diverged && s.x.allFinite()) {
        row.set("relative_error", relative(s.x, *problem.x_star));
        l1_measures(s.x);
      }
      if (s.left_positive_orthant())
        row.set("message", "left the positive orthant in " + std::to_string(s.negative_iterations) + " iterations");
    } else {
      const FlowOptions f = flow_options(c, a);
      const RunResult r = run_flow(problem, f, e.integrate);
      const IntegrateSummary& s = r.summary;
      row.set("stop_reason", to_string(s.stop_reason))
          .set("t", s.t)
          .set("loss", s.loss)
          .set("steps", double(s.steps))
          .set("rhs_evals", double(s.rhs_evals))
          .set("jacobian_evals", double(s.jacobian_evals));
      if (!r.usable()) {
        row.set("status", "failed").set("message", clean_message(s.message.empty() ? s.report() : s.message));
      } else {
        row.set("status", r.converged ? "ok" : "not_converged")
            .set("relative_error", relative(r.x, *problem.x_star))
            .set("alpha_eff", r.alpha_eff)
            .set("alpha_eff_v", f.normalize == Normalize::separate ? r.alpha_eff_v : NAN)
            .set("magnification", r.magnification)
            .set("invariant_residual", r.invariant_residual)
            .set("radius", r.radius);
        l1_measures(r.x);
        // The GF limit X_L(α_eff) at the measured α_eff (T1 dual, docs/theory.md §3.1 and §3.3):
        // the limit T3 says WN reaches, computed without the flow; for GF α_eff = α. Separate
        // normalization has two scales and no such limit (§3.10).
        if (e.measure.gf_at_alpha_eff && f.normalize == Normalize::joint && r.alpha_eff > 0 &&
            std::isfinite(r.alpha_eff)) {
          try {
            row.set("gf_error_at_alpha_eff", relative(gf_limit(problem, c.instance.sign, c.depth, r.alpha_eff).x,
                                                      *problem.x_star));
          } catch (const NumericalError& err) {
            row.set("message", clean_message(std::string("gf limit at alpha_eff: ") + err.what()));
          }
        }
        if (e.measure.predict && f.normalize == Normalize::joint) {  // separate: no closed form (§3.10)
          try {
            // 80 scan points instead of the default 240: the scan only brackets the root (it
            // was unique in every configuration tested, predict.hpp) and TOMS 748 refines it to
            // the same 1e-13, at a third of the cost; E2 and E7 predict in every cell.
            PredictOptions po;
            po.scan_points = 80;
            const Prediction p = predict_limit(problem, f, po);
            row.set("alpha_eff_predicted", p.alpha_eff)
                .set("magnification_predicted", p.magnification)
                .set("predicted_error", relative(r.x, p.x));
          } catch (const NumericalError& err) {
            row.set("message", clean_message(std::string("prediction: ") + err.what()));
          }
        }
        if (e.measure.rate && r.converged && f.normalize == Normalize::joint) {
          const LocalSpectrum sp = local_spectrum(problem, f, r.rates, r.w);
          row.set("rate_predicted", sp.lambda_min)
              .set("rate_max", sp.lambda_max)
              .set("condition", sp.condition())
              .set("t_scaled", s.t * sp.lambda_max);
          const RateFit fit = fit_rate(r.trajectory);
          if (fit.ok) {
            row.set("rate_measured", fit.lambda);
            fit_window = {fit.t_begin, fit.t_end, sp.lambda_min};
          }
        }
      }
      if (e.measure.trajectory)
        for (const Sample& smp : r.trajectory) samples.emplace_back(smp.t, smp.loss);
    }
  } catch (const NumericalError& err) {
    row.set("status", "failed").set("message", clean_message(err.what()));
  }

  std::vector<std::string> base = row.take();
  if (!notes.empty()) {
    std::string& m = base[schema.column("message")];
    m = m == "nan" ? notes : m + "; " + notes;
  }
  std::vector<std::vector<std::string>> rows;
  const std::size_t rows_col = schema.column("cell_rows");
  if (samples.empty()) {
    base[rows_col] = "1";
    rows.push_back(std::move(base));
    return rows;
  }
  const std::size_t t_col = schema.column("sample_t"), l_col = schema.column("sample_loss");
  const std::size_t t_fit_col = schema.column("sample_t_fit"), l_fit_col = schema.column("sample_loss_fit");
  const auto in_window = [&](double t) { return t >= fit_window.t_begin && t <= fit_window.t_end; };
  const auto first = std::find_if(samples.begin(), samples.end(), [&](const auto& s) { return in_window(s.first); });
  for (const auto& [t, loss] : samples) {
    auto r = base;
    r[rows_col] = std::to_string(samples.size());
    r[t_col] = format_cell(t);
    r[l_col] = format_cell(loss);
    if (first != samples.end() && in_window(t) && first->second > 0) {
      r[t_fit_col] = format_cell(fit_window.lambda * (t - first->first));
      r[l_fit_col] = format_cell(loss / first->second);
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace wnflow
