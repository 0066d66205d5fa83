// http::CorsPolicy: which browser origins may call Gatehouse, and the headers
// that tell the browser so.
//
// Every allowed origin is echoed back (never a literal "*") together with
// "Access-Control-Allow-Credentials: true" and "Vary: Origin", because the JS
// clients send credentials and browsers refuse "*" with credentials.
//
// Immutable after construction; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace gh::http {

class CorsPolicy {
 public:
  // `allowed_origins`: exact origins ("https://app.example.com") or "*" for any.
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool Allows(std::string_view origin) const;

  // A preflight is an OPTIONS request carrying Access-Control-Request-Method.
  static bool IsPreflight(const Request& request);

  // The 204 answer to a preflight, with the preflight-only headers (methods,
  // headers, max age); Decorate() adds the origin headers as for any response.
  // `methods` are those routed for the path (Router::MethodsFor). A disallowed
  // origin gets a bare 204, which the browser treats as a refusal.
  Response Preflight(const Request& request, const std::vector<std::string>& methods) const;

  // Adds the CORS headers every response (preflight or not) carries when
  // `origin` (the request's Origin header, "" when absent) is allowed.
  void Decorate(std::string_view origin, Response* response) const;

 private:
  bool any_ = false;
  std::vector<std::string> origins_;
};

}  // namespace gh::http
