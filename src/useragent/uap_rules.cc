// uap-core's rules under PCRE2 (see uap_rules.h).

#include "useragent/uap_rules.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <optional>

namespace gh::useragent {

namespace {

// Bounds on one match, so that no string makes a pattern backtrack for long:
// user agents come from clients. Generous for uap-core's patterns on
// real strings, which need a few hundred steps.
constexpr uint32_t kMatchLimit = 200'000;
constexpr uint32_t kDepthLimit = 10'000;
constexpr int kMaxGroups = 16;  // uap-core's patterns use at most 9 ($1..$9)

struct CodeFree {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};

// Per-thread scratch for matching: a match context with a JIT stack of its
// own and match data large enough for every pattern.
struct Scratch {
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  pcre2_match_data* data = nullptr;
  Scratch() {
    context = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(context, kMatchLimit);
    pcre2_set_depth_limit(context, kDepthLimit);
    jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, nullptr);
    if (jit_stack != nullptr) pcre2_jit_stack_assign(context, nullptr, jit_stack);
    data = pcre2_match_data_create(kMaxGroups, nullptr);
  }
  ~Scratch() {
    pcre2_match_data_free(data);
    pcre2_jit_stack_free(jit_stack);
    pcre2_match_context_free(context);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// One successful match: the subject and the ovector of the groups.
class Groups {
 public:
  Groups(std::string_view subject, pcre2_match_data* data, int count)
      : subject_(subject), ovector_(pcre2_get_ovector_pointer(data)), count_(count) {}
  // Group n's text; nullopt when the pattern has no such group or it did not take part.
  std::optional<std::string_view> Get(int n) const {
    if (n <= 0 || n >= count_) return std::nullopt;
    PCRE2_SIZE start = ovector_[2 * n], end = ovector_[2 * n + 1];
    if (start == PCRE2_UNSET) return std::nullopt;
    return subject_.substr(start, end - start);
  }

 private:
  std::string_view subject_;
  PCRE2_SIZE* ovector_;
  int count_;
};

std::string Trim(std::string_view s) {
  const char* blanks = " \t\r\n";
  size_t b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(blanks);
  return std::string(s.substr(b, e - b + 1));
}

// A replacement with $1..$9 put in (a group that did not match puts in
// nothing), trimmed; unset when nothing is left.
std::optional<std::string> Replace(const std::string& replacement, const Groups& g) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c == '$' && i + 1 < replacement.size() && replacement[i + 1] >= '1' &&
        replacement[i + 1] <= '9') {
      if (auto v = g.Get(replacement[i + 1] - '0')) out.append(*v);
      ++i;
    } else {
      out.push_back(c);
    }
  }
  std::string trimmed = Trim(out);
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

// A field: its replacement when the rule has one, else group `n` (unset when
// it did not match or matched nothing).
std::optional<std::string> Field(const std::optional<std::string>& replacement, const Groups& g,
                                 int n) {
  if (replacement) return Replace(*replacement, g);
  if (n == 0) return std::nullopt;
  auto v = g.Get(n);
  if (!v || v->empty()) return std::nullopt;
  return std::string(*v);
}

}  // namespace

struct UapRules::Rule {
  std::unique_ptr<pcre2_code, CodeFree> code;
  // The list's replacement fields in its order (family, v1..v4 / brand, model).
  std::array<std::optional<std::string>, 5> replacements;

  // Groups of a match of `subject`, or nullopt when it does not match (or
  // runs into the match limits, which counts as no match).
  bool Matches(std::string_view subject, Scratch& s, int* count) const {
    int rc = pcre2_match(code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                         0, 0, s.data, s.context);
    if (rc <= 0) return false;  // no match, a limit, or (0) too many groups for the data
    *count = rc;
    return true;
  }
};

UapRules::UapRules() = default;
UapRules::~UapRules() = default;

size_t UapRules::size() const { return agents_.size() + oses_.size() + devices_.size(); }

std::unique_ptr<UapRules> UapRules::Load(const std::string& path, std::string* error) {
  // Each list and its replacement fields, in the order Match reads them.
  struct List {
    const char* name;
    std::array<const char*, 5> fields;
    std::vector<Rule> UapRules::*rules;
  };
  static const List kLists[] = {
      {"user_agent_parsers",
       {"family_replacement", "v1_replacement", "v2_replacement", "v3_replacement",
        "v4_replacement"},
       &UapRules::agents_},
      {"os_parsers",
       {"os_replacement", "os_v1_replacement", "os_v2_replacement", "os_v3_replacement",
        "os_v4_replacement"},
       &UapRules::oses_},
      {"device_parsers",
       {"device_replacement", "brand_replacement", "model_replacement", nullptr, nullptr},
       &UapRules::devices_},
  };
  std::unique_ptr<UapRules> rules(new UapRules());
  try {
    YAML::Node root = YAML::LoadFile(path);
    for (const List& list : kLists) {
      YAML::Node items = root[list.name];
      if (!items || !items.IsSequence()) {
        *error = path + ": no list " + list.name;
        return nullptr;
      }
      for (const YAML::Node& item : items) {
        if (!item.IsMap() || !item["regex"]) {
          *error = path + ": a rule of " + list.name + " has no regex";
          return nullptr;
        }
        const std::string pattern = item["regex"].as<std::string>();
        uint32_t options = 0;
        if (item["regex_flag"] && item["regex_flag"].as<std::string>() == "i")
          options |= PCRE2_CASELESS;
        int code = 0;
        PCRE2_SIZE offset = 0;
        pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()),
                                             pattern.size(), options, &code, &offset, nullptr);
        if (compiled == nullptr) {
          std::array<PCRE2_UCHAR, 256> message{};
          pcre2_get_error_message(code, message.data(), message.size());
          *error = path + ": pattern '" + pattern + "' at " + std::to_string(offset) + ": " +
                   reinterpret_cast<const char*>(message.data());
          return nullptr;
        }
        // JIT where this machine has it; the interpreter otherwise (same results).
        (void)pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE);
        Rule rule;
        rule.code.reset(compiled);
        for (size_t f = 0; f < list.fields.size(); ++f) {
          if (list.fields[f] == nullptr) continue;
          YAML::Node v = item[list.fields[f]];
          if (v && v.IsScalar()) rule.replacements[f] = v.as<std::string>();
        }
        ((*rules).*(list.rules)).push_back(std::move(rule));
      }
    }
  } catch (const YAML::Exception& e) {
    *error = path + ": " + e.what();
    return nullptr;
  }
  return rules;
}

namespace {

// The user-agent and OS lists share one shape: a family and up to four
// version parts, from groups 1..5 or the rule's replacements.
void ReadAgent(const std::array<std::optional<std::string>, 5>& replacements, const Groups& g,
               UapResult::Agent* out) {
  out->family = Field(replacements[0], g, 1).value_or("Other");
  out->major = Field(replacements[1], g, 2);
  out->minor = Field(replacements[2], g, 3);
  out->patch = Field(replacements[3], g, 4);
  out->patch_minor = Field(replacements[4], g, 5);
}

}  // namespace

UapResult UapRules::Match(std::string_view ua) const {
  UapResult out;
  Scratch& s = ThreadScratch();
  int count = 0;
  for (const std::vector<Rule>* list : {&agents_, &oses_}) {
    for (const Rule& r : *list) {
      if (!r.Matches(ua, s, &count)) continue;
      ReadAgent(r.replacements, Groups(ua, s.data, count), list == &agents_ ? &out.ua : &out.os);
      break;
    }
  }
  for (const Rule& r : devices_) {
    if (!r.Matches(ua, s, &count)) continue;
    Groups g(ua, s.data, count);
    out.device.family = Field(r.replacements[0], g, 1).value_or("Other");
    out.device.brand = Field(r.replacements[1], g, 0);  // no group of its own
    out.device.model = Field(r.replacements[2], g, 1);
    break;
  }
  return out;
}

}  // namespace gh::useragent
