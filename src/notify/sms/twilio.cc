// Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json
// (form: To, From or MessagingServiceSid, Body; HTTP basic auth AccountSid:AuthToken).
// WhatsApp goes through the same API with "whatsapp:" before both numbers.
// Success is 201 with the message resource; errors are {code, message, more_info, status}.
#include <nlohmann/json.hpp>

#include "notify/sms/http_client.h"
#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

class TwilioSender final : public SmsSender {
 public:
  explicit TwilioSender(const SmsProviderSettings& s)
      : s_(s),
        base_(sms_http::TrimSlash(s.base_url.empty() ? "https://api.twilio.com" : s.base_url)) {}
  std::string_view name() const override { return "twilio"; }

  core::Result<void> Send(const std::string& to, const std::string& text,
                          SmsChannel channel) override {
    bool whatsapp = channel == SmsChannel::kWhatsApp;
    std::string from = whatsapp && !s_.whatsapp_from.empty() ? s_.whatsapp_from : s_.from;
    std::vector<std::pair<std::string, std::string>> form;
    form.emplace_back("To", whatsapp ? "whatsapp:" + to : to);
    // A Messaging Service SID sends from the service's pool of numbers.
    if (from.rfind("MG", 0) == 0 && !whatsapp)
      form.emplace_back("MessagingServiceSid", from);
    else
      form.emplace_back("From",
                        whatsapp && from.rfind("whatsapp:", 0) != 0 ? "whatsapp:" + from : from);
    form.emplace_back("Body", text);
    sms_http::Request req;
    req.url = base_ + "/2010-04-01/Accounts/" + s_.account_sid + "/Messages.json";
    req.body = sms_http::FormEncode(form);
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.basic_user = s_.account_sid;
    req.basic_password = s_.auth_token;
    req.timeout_seconds = s_.timeout_seconds;
    auto resp = sms_http::Post(req);
    if (!resp) return sms_http::Fail(name(), resp.error().message);
    auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (resp->status / 100 != 2) {
      std::string detail = "HTTP " + std::to_string(resp->status);
      if (j.is_object() && j.contains("message"))
        detail += ": " + j.value("message", "") + " (code " + j["code"].dump() + ")";
      return sms_http::Fail(name(), detail);
    }
    // An accepted message can still carry an immediate failure status.
    if (j.is_object() &&
        (j.value("status", "") == "failed" || j.value("status", "") == "undelivered"))
      return sms_http::Fail(name(), "message " + j.value("sid", "") + " " + j.value("status", ""));
    return core::Ok();
  }

 private:
  const SmsProviderSettings s_;
  const std::string base_;
};

}  // namespace

std::unique_ptr<SmsSender> MakeTwilioSender(const SmsProviderSettings& s) {
  return std::make_unique<TwilioSender>(s);
}

}  // namespace gh::notify
