#include "notify/webhook.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::notify {
namespace {

constexpr std::string_view kVersionPrefix = "v1,";
constexpr std::string_view kSecretPrefix = "whsec_";

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string UnixSecondsText() {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

// Retry-After in seconds (the delta form; a date is read as "no hint").
int RetryAfterSeconds(const net::HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name != "retry-after") continue;
    int seconds = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && seconds >= 0) return seconds;
  }
  return -1;
}

// Only scheme and host: the path or query of a hook URI may carry a token.
std::string HostOf(std::string_view uri) {
  const size_t scheme = uri.find("://");
  std::string_view rest = scheme == std::string_view::npos ? uri : uri.substr(scheme + 3);
  return std::string(rest.substr(0, rest.find_first_of("/?#")));
}

class HttpWebhookSender final : public WebhookSender {
 public:
  HttpWebhookSender(std::shared_ptr<net::HttpClient> http, WebhookPolicy policy,
                    std::function<void(int64_t)> sleep)
      : http_(std::move(http)), policy_(policy), sleep_(std::move(sleep)) {
    if (!sleep_)
      sleep_ = [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }

  core::Result<WebhookAnswer> Post(const WebhookTarget& target, std::string_view body) override {
    auto keys = ParseWebhookSecrets(target.secrets);
    if (!keys) return core::Error(core::errc::kHookFailed, "hook secrets: " + keys.error().message);
    const std::string host = HostOf(target.uri);
    const std::string id = "msg_" + crypto::RandomUuid();
    const int64_t deadline = NowMillis() + int64_t{policy_.total_budget_seconds} * 1000;
    const int attempts = std::max(policy_.max_attempts, 1);
    for (int attempt = 1;; ++attempt) {
      const std::string timestamp = UnixSecondsText();
      net::HttpRequest req;
      req.method = "POST";
      req.url = target.uri;
      req.body = std::string(body);
      req.headers = {{"Content-Type", "application/json"},
                     {"webhook-id", id},
                     {"webhook-timestamp", timestamp},
                     {"webhook-signature", WebhookSignature(*keys, id, timestamp, body)}};
      auto resp = http_->Send(req);
      if (!resp) {
        spdlog::warn("hook {}: no answer: {}", host, resp.error().message);
        return core::Error(core::errc::kHookTimeout, "The hook at " + host + " did not answer");
      }
      if (resp->status != 429 && resp->status != 503)
        return WebhookAnswer{resp->status, std::move(resp->body)};
      const int hint = RetryAfterSeconds(*resp);
      const int64_t wait = int64_t{hint < 0 ? 1 : hint} * 1000;
      if (attempt >= attempts || NowMillis() + wait >= deadline) {
        spdlog::warn("hook {}: still HTTP {} after {} attempt(s)", host, resp->status, attempt);
        return core::Error(core::errc::kHookTimeout, "The hook at " + host + " stayed busy (HTTP " +
                                                         std::to_string(resp->status) + ") after " +
                                                         std::to_string(attempt) + " attempt(s)");
      }
      sleep_(wait);
    }
  }

 private:
  std::shared_ptr<net::HttpClient> http_;
  const WebhookPolicy policy_;
  std::function<void(int64_t)> sleep_;
};

}  // namespace

std::unique_ptr<WebhookSender> MakeWebhookSender(std::shared_ptr<net::HttpClient> http,
                                                 WebhookPolicy policy,
                                                 std::function<void(int64_t)> sleep_millis) {
  return std::make_unique<HttpWebhookSender>(std::move(http), policy, std::move(sleep_millis));
}

core::Result<std::vector<std::string>> ParseWebhookSecrets(std::string_view secrets) {
  std::vector<std::string> keys;
  int position = 0;
  while (true) {
    ++position;
    const size_t bar = secrets.find('|');
    std::string_view one = secrets.substr(0, bar);
    while (!one.empty() && (one.front() == ' ' || one.front() == '\t')) one.remove_prefix(1);
    while (!one.empty() && (one.back() == ' ' || one.back() == '\t')) one.remove_suffix(1);
    const core::Error bad(
        core::errc::kInvalidRequest,
        "secret " + std::to_string(position) + " is not of the form v1,whsec_<base64 key>");
    if (one.rfind(kVersionPrefix, 0) == 0) one.remove_prefix(kVersionPrefix.size());
    if (one.rfind(kSecretPrefix, 0) != 0) return bad;
    one.remove_prefix(kSecretPrefix.size());
    // Standard base64 (what Standard Webhooks libraries write), read through
    // the base64url decoder with the two characters that differ swapped.
    std::string text(one);
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    std::string key;
    if (text.empty() || !crypto::Base64UrlDecode(text, &key) || key.empty()) return bad;
    keys.push_back(std::move(key));
    if (bar == std::string_view::npos) break;
    secrets.remove_prefix(bar + 1);
  }
  return keys;
}

std::string WebhookSignature(const std::vector<std::string>& keys, std::string_view id,
                             std::string_view timestamp, std::string_view body) {
  std::string signed_content;
  signed_content.reserve(id.size() + timestamp.size() + body.size() + 2);
  signed_content.append(id).append(".").append(timestamp).append(".").append(body);
  std::string header;
  for (const std::string& key : keys) {
    if (!header.empty()) header += ' ';
    header += kVersionPrefix;
    header += crypto::Base64Encode(crypto::HmacSha256(key, signed_content));
  }
  return header;
}

}  // namespace gh::notify
