#include "auth/links.h"

#include "core/percent_encoding.h"

namespace gh::auth {

std::string UrlEncode(std::string_view s) { return core::PercentEncode(s); }

std::string AppendQuery(const std::string& url,
                        const std::vector<std::pair<std::string, std::string>>& params) {
  size_t hash = url.find('#');
  std::string base = url.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : url.substr(hash);
  char sep = base.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    base += sep + UrlEncode(k) + "=" + UrlEncode(v);
    sep = '&';
  }
  return base + fragment;
}

std::string TrimTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace gh::auth
