#include "api/common/shared_answers.h"

#include <string>

namespace gh::api {

core::Result<auth::AccessClaims> BearerClaims(const auth::TokenService& tokens,
                                              const http::Request& request) {
  std::string_view token = request.BearerToken();
  if (token.empty())
    return core::Error(core::errc::kUnauthenticated, "Missing Authorization: Bearer header");
  return tokens.Verify(token);
}

http::Response JwksResponse(const auth::TokenService& tokens) {
  http::Response r = http::Response::Json(200, tokens.CurrentKeyRing()->JwksJson());
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

http::Response ContractResponse(std::string_view json) {
  http::Response r = http::Response::Json(200, std::string(json));
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace gh::api
