// The HTTP hook provider: POSTs each message as JSON to the app's own endpoint
// (sms_base_url), which delivers it however it likes.
//   body:    {"type": "sms", "channel": "sms"|"whatsapp", "to": "+1...", "text": "..."}
//   headers: X-Gatehouse-Timestamp: <unix seconds>
//            X-Gatehouse-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
// Any 2xx is success. The receiver should check the signature and reject
// timestamps more than a few minutes old (replays).
#include <nlohmann/json.hpp>

#include <chrono>

#include "crypto/hash.h"
#include "notify/sms/http_client.h"
#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

class HttpHookSender final : public SmsSender {
 public:
  explicit HttpHookSender(const SmsProviderSettings& s) : s_(s) {}
  std::string_view name() const override { return "http-hook"; }

  core::Result<void> Send(const std::string& to, const std::string& text,
                          SmsChannel channel) override {
    nlohmann::json body = {{"type", "sms"},
                           {"channel", std::string(ChannelName(channel))},
                           {"to", to},
                           {"text", text}};
    std::string timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
    sms_http::Request req;
    req.url = s_.base_url;
    req.body = body.dump();
    std::string signature =
        crypto::HexEncode(crypto::HmacSha256(s_.auth_token, timestamp + "." + req.body));
    req.headers = {{"Content-Type", "application/json"},
                   {"X-Gatehouse-Timestamp", timestamp},
                   {"X-Gatehouse-Signature", "sha256=" + signature}};
    req.timeout_seconds = s_.timeout_seconds;
    auto resp = sms_http::Post(req);
    if (!resp) return sms_http::Fail(name(), resp.error().message);
    if (resp->status / 100 != 2)
      return sms_http::Fail(
          name(), "HTTP " + std::to_string(resp->status) + ": " + resp->body.substr(0, 200));
    return core::Ok();
  }

 private:
  const SmsProviderSettings s_;
};

}  // namespace

std::unique_ptr<SmsSender> MakeHttpHookSender(const SmsProviderSettings& s) {
  return std::make_unique<HttpHookSender>(s);
}

}  // namespace gh::notify
