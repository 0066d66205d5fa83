// Vonage (Nexmo) SMS API: POST /sms/json with a form of api_key, api_secret,
// from, to (digits, no "+"), text. It answers 200 even for failures: each entry
// of "messages" has "status" "0" on success, else an "error-text".
// WhatsApp needs Vonage's separate Messages API: not offered here.
#include <nlohmann/json.hpp>

#include "notify/sms/http_client.h"
#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

class VonageSender final : public SmsSender {
 public:
  explicit VonageSender(const SmsProviderSettings& s)
      : s_(s),
        base_(sms_http::TrimSlash(s.base_url.empty() ? "https://rest.nexmo.com" : s.base_url)) {}
  std::string_view name() const override { return "vonage"; }

  core::Result<void> Send(const std::string& to, const std::string& text,
                          SmsChannel channel) override {
    if (channel != SmsChannel::kSms)
      return sms_http::Fail(name(), "WhatsApp is not supported by the Vonage SMS provider");
    sms_http::Request req;
    req.url = base_ + "/sms/json";
    std::string digits = to.rfind('+', 0) == 0 ? to.substr(1) : to;
    req.body = sms_http::FormEncode({{"api_key", s_.account_sid},
                                     {"api_secret", s_.auth_token},
                                     {"from", s_.from},
                                     {"to", digits},
                                     {"text", text},
                                     {"type", "unicode"}});
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.timeout_seconds = s_.timeout_seconds;
    auto resp = sms_http::Post(req);
    if (!resp) return sms_http::Fail(name(), resp.error().message);
    if (resp->status / 100 != 2)
      return sms_http::Fail(name(), "HTTP " + std::to_string(resp->status));
    auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (!j.is_object() || !j.contains("messages") || !j["messages"].is_array() ||
        j["messages"].empty())
      return sms_http::Fail(name(), "unreadable answer");
    for (const auto& m : j["messages"]) {
      std::string status = m.is_object() ? m.value("status", "") : "";
      if (status != "0")
        return sms_http::Fail(
            name(), "status " + status + ": " + (m.is_object() ? m.value("error-text", "") : ""));
    }
    return core::Ok();
  }

 private:
  const SmsProviderSettings s_;
  const std::string base_;
};

}  // namespace

std::unique_ptr<SmsSender> MakeVonageSender(const SmsProviderSettings& s) {
  return std::make_unique<VonageSender>(s);
}

}  // namespace gh::notify
