// net::HttpClient: the one way Gatehouse calls other services over HTTP(S):
// identity providers (token endpoints, profile APIs, discovery, JWKS) and SMS
// providers. The real one is libcurl (MakeCurlHttpClient); tests point callers
// at loopback fakes that speak the real wire protocol, so they use it too.
//
// Implementations are thread-safe: each call is independent.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace gh::net {

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::string body;                                          // POST only
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string basic_user;  // with basic_password: HTTP basic auth when non-empty
  std::string basic_password;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends the request and returns whatever status the server answered. Errors
  // only when no answer came (connection refused, TLS failure, timeout, a body
  // over 1 MiB): an Error with the client's `unreachable_code`, naming the host.
  virtual core::Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// libcurl, `timeout_seconds` per call, redirects not followed (a redirected
// back-channel call could carry a secret to another host), HTTPS verified.
// `unreachable_code` is the error code when no answer comes (the caller's
// vocabulary: oauth-provider-error, cannot-send-sms).
std::unique_ptr<HttpClient> MakeCurlHttpClient(int timeout_seconds,
                                               std::string_view unreachable_code);

// application/x-www-form-urlencoded body (and query string) from pairs.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace gh::net
