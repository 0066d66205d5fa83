// useragent::UapRules: uap-core's regexes.yaml, compiled with PCRE2 (JIT
// where the platform has it), and the specification's matching: each of the
// three lists (user agent, OS, device) is tried in order and its first match
// wins; a rule's *_replacement fields, with $1..$9 for the match's groups,
// override the groups (trimmed; an empty result is unset). Internal to the
// useragent layer: PCRE2 and yaml-cpp stay out of every other header.
//
// Thread-safe once loaded: the compiled patterns are never changed, and each
// Match uses scratch space of the calling thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "useragent/parser.h"

namespace gh::useragent {

class UapRules {
 public:
  // Reads and compiles the file; nullptr with `*error` set when it cannot be
  // read, is not uap-core's shape, or holds a pattern PCRE2 refuses.
  static std::unique_ptr<UapRules> Load(const std::string& path, std::string* error);
  ~UapRules();
  UapRules(const UapRules&) = delete;
  UapRules& operator=(const UapRules&) = delete;

  UapResult Match(std::string_view user_agent) const;
  size_t size() const;  // patterns in all three lists

  struct Rule;

 private:
  UapRules();
  std::vector<Rule> agents_, oses_, devices_;
};

}  // namespace gh::useragent
