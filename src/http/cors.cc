#include "http/cors.h"

#include <algorithm>
#include <utility>

namespace gh::http {

namespace {

constexpr std::string_view kDefaultAllowHeaders =
    "authorization, content-type, apikey, x-client-info, x-supabase-api-version, x-request-id";
// Headers a browser script may read from our responses; pagination and
// throttling need them.
// Besides our own: what supabase-js reads from GoTrue's answers (the total and
// the pages of a user list, the error code and the API version of the body).
constexpr std::string_view kExposeHeaders =
    "X-Request-Id, X-Total-Count, Link, Retry-After, x-sb-error-code, X-Supabase-Api-Version";
constexpr std::string_view kMaxAgeSeconds = "600";

void AddAllowOrigin(std::string_view origin, Response* response) {
  response->headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  response->headers.emplace_back("Access-Control-Allow-Credentials", "true");
}

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins) {
  for (std::string& o : allowed_origins) {
    if (o == "*") {
      any_ = true;
    } else if (!o.empty()) {
      // Browsers never send a trailing slash in Origin; configs often have one.
      while (!o.empty() && o.back() == '/') o.pop_back();
      origins_.push_back(std::move(o));
    }
  }
}

bool CorsPolicy::Allows(std::string_view origin) const {
  if (origin.empty()) return false;
  if (any_) return true;
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

bool CorsPolicy::IsPreflight(const Request& request) {
  return request.method == "OPTIONS" && !request.Header("access-control-request-method").empty();
}

Response CorsPolicy::Preflight(const Request& request,
                               const std::vector<std::string>& methods) const {
  Response r;
  r.status = 204;
  r.content_type = "text/plain; charset=utf-8";
  if (!Allows(request.Header("origin"))) return r;

  if (!methods.empty()) {
    std::string allow;
    for (const std::string& m : methods) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    r.headers.emplace_back("Access-Control-Allow-Methods", std::move(allow));
  }
  std::string_view requested = request.Header("access-control-request-headers");
  r.headers.emplace_back("Access-Control-Allow-Headers",
                         std::string(requested.empty() ? kDefaultAllowHeaders : requested));
  r.headers.emplace_back("Access-Control-Max-Age", std::string(kMaxAgeSeconds));
  return r;
}

void CorsPolicy::Decorate(std::string_view origin, Response* response) const {
  if (origin.empty()) return;
  // The answer depends on Origin even when it is refused; caches must know.
  response->headers.emplace_back("Vary", "Origin");
  if (!Allows(origin)) return;
  AddAllowOrigin(origin, response);
  response->headers.emplace_back("Access-Control-Expose-Headers", std::string(kExposeHeaders));
}

}  // namespace gh::http
