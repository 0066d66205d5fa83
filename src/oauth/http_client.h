// The HTTP seam of the provider catalogue: net::HttpClient (shared with the SMS
// providers), reporting an unreachable provider as oauth-provider-error.
#pragma once

#include <memory>

#include "core/error.h"
#include "net/http_client.h"

namespace gh::oauth {

using net::FormEncode;
using net::HttpClient;
using net::HttpRequest;
using net::HttpResponse;

// libcurl with `timeout_seconds` per call (see net::MakeCurlHttpClient).
inline std::unique_ptr<HttpClient> MakeCurlHttpClient(int timeout_seconds) {
  return net::MakeCurlHttpClient(timeout_seconds, core::errc::kOAuthProviderError);
}

}  // namespace gh::oauth
