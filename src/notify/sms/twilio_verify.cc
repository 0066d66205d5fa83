// Twilio Verify: the provider generates, sends and checks the code.
//   POST /v2/Services/{ServiceSid}/Verifications       form To, Channel (sms|whatsapp)
//   POST /v2/Services/{ServiceSid}/VerificationCheck   form To, Code
// Both with HTTP basic auth AccountSid:AuthToken. A check answers 200 with
// {"status": "approved"|"pending", "valid": bool}; 404 (code 20404) when there
// is no pending verification (expired, already approved, or too many tries).
#include <nlohmann/json.hpp>

#include "notify/sms/http_client.h"
#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

class TwilioVerifySender final : public SmsSender {
 public:
  explicit TwilioVerifySender(const SmsProviderSettings& s)
      : s_(s),
        base_(sms_http::TrimSlash(s.base_url.empty() ? "https://verify.twilio.com" : s.base_url)) {}
  std::string_view name() const override { return "twilio-verify"; }
  bool GeneratesCodes() const override { return true; }

  core::Result<void> Send(const std::string&, const std::string&, SmsChannel) override {
    return sms_http::Fail(name(), "Twilio Verify sends only its own codes, not free text");
  }

  core::Result<void> StartVerification(const std::string& to, SmsChannel channel) override {
    auto resp =
        Call("/Verifications", {{"To", to}, {"Channel", std::string(ChannelName(channel))}});
    if (!resp) return resp.error();
    if (resp->status / 100 != 2) return sms_http::Fail(name(), Detail(*resp));
    return core::Ok();
  }

  core::Result<bool> CheckVerification(const std::string& to, const std::string& code) override {
    auto resp = Call("/VerificationCheck", {{"To", to}, {"Code", code}});
    if (!resp) return resp.error();
    if (resp->status == 404) return false;  // nothing pending: expired or used up
    if (resp->status / 100 != 2) return sms_http::Fail(name(), Detail(*resp));
    auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (!j.is_object()) return sms_http::Fail(name(), "unreadable answer");
    return j.value("status", "") == "approved";
  }

 private:
  core::Result<sms_http::Response> Call(
      const std::string& path, const std::vector<std::pair<std::string, std::string>>& form) {
    sms_http::Request req;
    req.url = base_ + "/v2/Services/" + s_.from + path;
    req.body = sms_http::FormEncode(form);
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.basic_user = s_.account_sid;
    req.basic_password = s_.auth_token;
    req.timeout_seconds = s_.timeout_seconds;
    auto resp = sms_http::Post(req);
    if (!resp) return sms_http::Fail(name(), resp.error().message);
    return resp;
  }

  static std::string Detail(const sms_http::Response& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    std::string d = "HTTP " + std::to_string(r.status);
    if (j.is_object() && j.contains("message"))
      d += ": " + j.value("message", "") + " (code " + j["code"].dump() + ")";
    return d;
  }

  const SmsProviderSettings s_;
  const std::string base_;
};

}  // namespace

std::unique_ptr<SmsSender> MakeTwilioVerifySender(const SmsProviderSettings& s) {
  return std::make_unique<TwilioVerifySender>(s);
}

}  // namespace gh::notify
