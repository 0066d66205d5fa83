// libFuzzer target: hostile bytes into net::ParseUrl and net::UrlPattern, the
// redirect allow-list's parser and matcher.
//
// Besides "does not crash", it checks the property the allow-list relies on:
// whatever ParseUrl accepts has a plain host (lower-case LDH labels, a dotted
// quad or a bracketed IPv6 address: nothing a browser could read as another
// host), and a URL accepted by the wildcard rule ends in ".example.com".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/url.h"

namespace {

bool PlainHost(const std::string& host) {
  if (host.empty()) return false;
  if (host.front() == '[') return host.back() == ']';
  if (host.front() == '.' || host.back() == '.') return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return host.find("..") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const auto rule = gh::net::UrlPattern::Parse("https://*.example.com");
  if (!rule.ok()) std::abort();
  auto url = gh::net::ParseUrl(text);
  if (url.ok()) {
    if (!PlainHost(url->host)) std::abort();
    if (rule->Matches(*url)) {
      const std::string& h = url->host;
      const std::string_view suffix = ".example.com";
      if (h.size() <= suffix.size() || h.compare(h.size() - suffix.size(), suffix.size(), suffix))
        std::abort();
      if (url->scheme != "https" || url->port != 443) std::abort();
    }
  }
  (void)gh::net::UrlPattern::Parse(text);
  return 0;
}
