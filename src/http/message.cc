// Request helpers: header lookup, path and query parameters, bearer tokens.

#include "http/message.h"

#include "http/text.h"

namespace gh::http {

namespace {

// Calls fn(raw_key, raw_value, has_equals) for each '&'-separated pair of the
// query; returns early when fn returns true.
template <typename Fn>
void ForEachQueryPair(std::string_view query, Fn fn) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (fn(key, value)) return;
  }
}

}  // namespace

std::string_view Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, lower_name)) return value;
  }
  return {};
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

std::string Request::QueryParam(std::string_view name) const {
  std::string result;
  ForEachQueryPair(query, [&](std::string_view key, std::string_view value) {
    if (PercentDecode(key, /*plus_as_space=*/true) != name) return false;
    result = PercentDecode(value, /*plus_as_space=*/true);
    return true;
  });
  return result;
}

std::string Request::Cookie(std::string_view name) const {
  // "Cookie: a=1; b=2" (RFC 6265 5.4); HTTP/2 gateways may split it in several.
  for (const auto& [header, value] : headers) {
    if (!EqualsIgnoreCase(header, "cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
      std::string_view v = pair.substr(eq + 1);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
  }
  return {};
}

bool Request::HasQueryParam(std::string_view name) const {
  bool found = false;
  ForEachQueryPair(query, [&](std::string_view key, std::string_view) {
    found = PercentDecode(key, /*plus_as_space=*/true) == name;
    return found;
  });
  return found;
}

std::string_view Request::BearerToken() const {
  std::string_view value = TrimSpaces(Header("authorization"));
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme))
    return {};
  std::string_view rest = value.substr(kScheme.size());
  // The scheme must be followed by whitespace: "Bearerabc" is not a bearer token.
  if (rest.front() != ' ' && rest.front() != '\t') return {};
  return TrimSpaces(rest);
}

}  // namespace gh::http
