#include "notify/sms/sms_sender.h"

#include <optional>

namespace gh::notify {

std::string_view ChannelName(SmsChannel channel) {
  return channel == SmsChannel::kWhatsApp ? "whatsapp" : "sms";
}

core::Result<void> SmsSender::StartVerification(const std::string&, SmsChannel) {
  return core::Error(core::errc::kCannotSendSms, "This SMS provider does not generate codes");
}

core::Result<bool> SmsSender::CheckVerification(const std::string&, const std::string&) {
  return core::Error(core::errc::kCannotSendSms, "This SMS provider does not check codes");
}

core::Result<std::unique_ptr<SmsSender>> MakeSmsSender(const SmsProviderSettings& s) {
  auto need = [&](const std::string& value, const char* what) -> std::optional<core::Error> {
    if (!value.empty()) return std::nullopt;
    return core::Error(core::errc::kInvalidRequest,
                       "sms provider \"" + s.provider + "\" needs " + what);
  };
  const std::string& p = s.provider;
  if (p == "log" || p.empty()) return MakeLogSmsSender();
  if (p == "twilio" || p == "twilio-verify") {
    if (auto e = need(s.account_sid, "sms_account_sid")) return *e;
    if (auto e = need(s.auth_token, "sms_auth_token")) return *e;
    if (auto e = need(s.from, p == "twilio" ? "sms_from" : "sms_from (the Verify service SID)"))
      return *e;
    return p == "twilio" ? MakeTwilioSender(s) : MakeTwilioVerifySender(s);
  }
  if (p == "messagebird") {
    if (auto e = need(s.auth_token, "sms_auth_token (the access key)")) return *e;
    if (auto e = need(s.from, "sms_from (the originator)")) return *e;
    return MakeMessageBirdSender(s);
  }
  if (p == "vonage") {
    if (auto e = need(s.account_sid, "sms_account_sid (the API key)")) return *e;
    if (auto e = need(s.auth_token, "sms_auth_token (the API secret)")) return *e;
    if (auto e = need(s.from, "sms_from")) return *e;
    return MakeVonageSender(s);
  }
  if (p == "textlocal") {
    if (auto e = need(s.auth_token, "sms_auth_token (the API key)")) return *e;
    if (auto e = need(s.from, "sms_from (the sender name)")) return *e;
    return MakeTextLocalSender(s);
  }
  if (p == "http-hook") {
    if (auto e = need(s.base_url, "sms_base_url (the app's endpoint)")) return *e;
    if (auto e = need(s.auth_token, "sms_auth_token (the signing secret)")) return *e;
    return MakeHttpHookSender(s);
  }
  return core::Error(core::errc::kInvalidRequest,
                     "unknown sms provider \"" + p +
                         "\" (log, twilio, twilio-verify, messagebird, vonage, textlocal, "
                         "http-hook)");
}

}  // namespace gh::notify
