// MessageBird SMS: POST /messages with "Authorization: AccessKey {key}" and a
// form of originator, recipients (digits, no "+"), body. Success is 201 with the
// message resource; errors are {"errors": [{code, description, parameter}]}.
// WhatsApp needs MessageBird's separate Conversations API: not offered here.

#include "notify/sms/http_client.h"
#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

class MessageBirdSender final : public SmsSender {
 public:
  explicit MessageBirdSender(const SmsProviderSettings& s)
      : s_(s),
        base_(sms_http::TrimSlash(s.base_url.empty() ? "https://rest.messagebird.com"
                                                     : s.base_url)) {}
  std::string_view name() const override { return "messagebird"; }

  core::Result<void> Send(const std::string& to, const std::string& text,
                          SmsChannel channel) override {
    if (channel != SmsChannel::kSms)
      return sms_http::Fail(name(), "WhatsApp is not supported by the MessageBird SMS provider");
    sms_http::Request req;
    req.url = base_ + "/messages";
    std::string digits = to.rfind('+', 0) == 0 ? to.substr(1) : to;
    req.body =
        sms_http::FormEncode({{"originator", s_.from}, {"recipients", digits}, {"body", text}});
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"},
                   {"Authorization", "AccessKey " + s_.auth_token}};
    req.timeout_seconds = s_.timeout_seconds;
    auto resp = sms_http::Post(req);
    if (!resp) return sms_http::Fail(name(), resp.error().message);
    if (resp->status / 100 == 2) return core::Ok();
    return sms_http::Fail(name(), sms_http::ErrorsDetail(resp->status, resp->body, "description"));
  }

 private:
  const SmsProviderSettings s_;
  const std::string base_;
};

}  // namespace

std::unique_ptr<SmsSender> MakeMessageBirdSender(const SmsProviderSettings& s) {
  return std::make_unique<MessageBirdSender>(s);
}

}  // namespace gh::notify
