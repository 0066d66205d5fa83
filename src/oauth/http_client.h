// oauth::HttpClient: the one seam through which the provider catalogue talks to
// identity providers (token endpoints, profile APIs, discovery, JWKS). The real
// one is libcurl (MakeCurlHttpClient); tests point providers at loopback fakes
// that speak the real wire protocol, so they use the real client too.
//
// Implementations are thread-safe: each call is independent.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace gh::oauth {

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::string body;  // POST only
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
  // over 1 MiB): Error{oauth-provider-error} naming the host, for the log.
  virtual core::Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// libcurl, `timeout_seconds` per call, redirects not followed, HTTPS verified.
std::unique_ptr<HttpClient> MakeCurlHttpClient(int timeout_seconds);

// application/x-www-form-urlencoded body (and query string) from pairs.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace gh::oauth
