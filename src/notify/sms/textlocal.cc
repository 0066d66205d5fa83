// Textlocal: POST /send/ with a form of apikey, numbers (digits, no "+"),
// sender, message. Answers {"status": "success", ...} or
// {"errors": [{code, message}], "status": "failure"} (HTTP 200 either way).
#include <nlohmann/json.hpp>

#include "notify/sms/http_client.h"
#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

class TextLocalSender final : public SmsSender {
 public:
  explicit TextLocalSender(const SmsProviderSettings& s)
      : s_(s),
        base_(sms_http::TrimSlash(s.base_url.empty() ? "https://api.txtlocal.com" : s.base_url)) {}
  std::string_view name() const override { return "textlocal"; }

  core::Result<void> Send(const std::string& to, const std::string& text,
                          SmsChannel channel) override {
    if (channel != SmsChannel::kSms)
      return sms_http::Fail(name(), "WhatsApp is not supported by Textlocal");
    sms_http::Request req;
    req.url = base_ + "/send/";
    std::string digits = to.rfind('+', 0) == 0 ? to.substr(1) : to;
    req.body = sms_http::FormEncode(
        {{"apikey", s_.auth_token}, {"numbers", digits}, {"sender", s_.from}, {"message", text}});
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.timeout_seconds = s_.timeout_seconds;
    auto resp = sms_http::Post(req);
    if (!resp) return sms_http::Fail(name(), resp.error().message);
    auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (resp->status / 100 == 2 && j.is_object() && j.value("status", "") == "success")
      return core::Ok();
    return sms_http::Fail(name(), sms_http::ErrorsDetail(resp->status, resp->body, "message"));
  }

 private:
  const SmsProviderSettings s_;
  const std::string base_;
};

}  // namespace

std::unique_ptr<SmsSender> MakeTextLocalSender(const SmsProviderSettings& s) {
  return std::make_unique<TextLocalSender>(s);
}

}  // namespace gh::notify
