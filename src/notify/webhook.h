// notify::WebhookSender: signed HTTP(S) calls from Gatehouse to the app's own
// endpoints (the auth hooks, auth/hooks.h), in the Standard Webhooks format
// that GoTrue's HTTP hooks use:
//
//   POST <uri>            Content-Type: application/json
//   webhook-id:           msg_<random>, one per call (the same on its retries)
//   webhook-timestamp:    unix seconds
//   webhook-signature:    v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>
//
// A secret is written `v1,whsec_<base64 key>`; several, separated by `|`, are
// all signed with (one `v1,<sig>` each, space-separated), so an app can move to
// a new secret while the old one still verifies.
//
// 429 and 503 answers are retried (at most `max_attempts` calls), waiting what
// Retry-After says (in seconds; 1 s without one) as long as the whole call stays
// within `total_budget_seconds`; every other answer is handed back as it came.
//
// Thread-safe: each call is independent. Calls block on the network (each
// attempt bounded by the HTTP client's timeout, the whole by the budget) and
// belong on the remote lane, never a socket thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "net/http_client.h"

namespace gh::notify {

// Where one hook goes: its http(s) URI and its `|`-separated secrets.
struct WebhookTarget {
  std::string uri;
  std::string secrets;
};

// What the endpoint answered in the end (any status but a retried 429/503).
struct WebhookAnswer {
  long status = 0;
  std::string body;
};

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // POSTs `body` (JSON) to `target`, signed. Errors: hook-timeout when no answer
  // came (unreachable, timed out) or the endpoint still asked to retry when the
  // attempts or the time budget ran out; hook-failed when the target's secrets
  // cannot be read. Neither message carries a secret.
  virtual core::Result<WebhookAnswer> Post(const WebhookTarget& target, std::string_view body) = 0;
};

struct WebhookPolicy {
  int max_attempts = 3;
  int total_budget_seconds = 10;
};

// Over `http` (whose own timeout bounds each attempt). `sleep_millis` waits
// between attempts (tests pass one that does not sleep).
std::unique_ptr<WebhookSender> MakeWebhookSender(
    std::shared_ptr<net::HttpClient> http, WebhookPolicy policy,
    std::function<void(int64_t millis)> sleep_millis = {});

// The keys of a secrets setting ("v1,whsec_<base64>|v1,whsec_<base64>"): one
// raw key per secret. A bare "whsec_<base64>" is read too. Errors:
// invalid-request saying which secret (by position, never its text) is not of
// that shape.
core::Result<std::vector<std::string>> ParseWebhookSecrets(std::string_view secrets);

// The webhook-signature header for `keys`: "v1,<base64>" per key, space-separated.
std::string WebhookSignature(const std::vector<std::string>& keys, std::string_view id,
                             std::string_view timestamp, std::string_view body);

}  // namespace gh::notify
