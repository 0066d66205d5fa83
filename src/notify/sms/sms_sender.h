// notify::SmsSender: the one seam through which Gatehouse sends text messages
// (SMS or WhatsApp) to phone numbers.
//
// One implementation per provider, one file each (twilio.cc, twilio_verify.cc,
// messagebird.cc, vonage.cc, textlocal.cc, http_hook.cc), plus LogSmsSender,
// the development default that prints each message to the log. Flows never see
// which one they have. MakeSmsSender builds the configured one.
//
// Most providers deliver text the flow wrote (containing a code the flow
// generated and stores hashed). Twilio Verify is different: the provider makes
// up the code and checks it; such a sender answers GeneratesCodes() = true and
// the flow calls StartVerification / CheckVerification instead of Send.
//
// Implementations are safe to call from many threads at once. Every call
// blocks on the network (bounded by the configured timeout) and belongs on a
// worker thread, never a socket thread.
//
// Every provider failure is Error{core::errc::kCannotSendSms}; the provider's
// own message is logged, not returned (it may name accounts or settings).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace gh::notify {

enum class SmsChannel { kSms, kWhatsApp };
std::string_view ChannelName(SmsChannel channel);  // "sms" / "whatsapp"

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  // The provider name, for logs ("twilio", "log", ...).
  virtual std::string_view name() const = 0;

  // Delivers `text` to `to` (E.164, e.g. "+14155552671") over `channel`. On
  // success the provider accepted the message. Errors: cannot-send-sms (the
  // provider refused it, answered with an error, or could not be reached in
  // time; WhatsApp on a provider without it).
  virtual core::Result<void> Send(const std::string& to, const std::string& text,
                                  SmsChannel channel) = 0;

  // True when the provider generates and checks codes itself (Twilio Verify).
  virtual bool GeneratesCodes() const { return false; }
  // REQUIRES: GeneratesCodes(). Asks the provider to send its own code.
  // Errors: cannot-send-sms.
  virtual core::Result<void> StartVerification(const std::string& to, SmsChannel channel);
  // REQUIRES: GeneratesCodes(). True when `code` is the provider's current code
  // for `to` (the provider then considers it used); false when it is wrong or
  // expired. Errors: cannot-send-sms (provider unreachable or erroring).
  virtual core::Result<bool> CheckVerification(const std::string& to, const std::string& code);

 protected:
  SmsSender() = default;
  SmsSender(const SmsSender&) = delete;
  SmsSender& operator=(const SmsSender&) = delete;
};

// What a provider needs. Which fields mean what depends on the provider:
//   twilio         account_sid, auth_token, from (number, or a Messaging
//                  Service SID "MG..."), whatsapp_from (defaults to from)
//   twilio-verify  account_sid, auth_token, from = Verify Service SID ("VA...")
//   messagebird    auth_token = access key, from = originator
//   vonage         account_sid = API key, auth_token = API secret, from
//   textlocal      auth_token = API key, from = sender name
//   http-hook      base_url = the app's endpoint (required), auth_token = the
//                  HMAC-SHA256 signing secret
//   log            nothing (development: prints every message)
// `base_url` overrides the provider's API root (tests point it at a loopback fake).
struct SmsProviderSettings {
  std::string provider = "log";
  std::string account_sid;
  std::string auth_token;
  std::string from;
  std::string whatsapp_from;
  std::string base_url;
  int timeout_seconds = 10;
};

// Builds the configured sender. Errors: invalid-request naming the unknown
// provider or the missing setting.
core::Result<std::unique_ptr<SmsSender>> MakeSmsSender(const SmsProviderSettings& settings);

// Provider constructors (each defined in its own file).
std::unique_ptr<SmsSender> MakeLogSmsSender();
std::unique_ptr<SmsSender> MakeTwilioSender(const SmsProviderSettings& settings);
std::unique_ptr<SmsSender> MakeTwilioVerifySender(const SmsProviderSettings& settings);
std::unique_ptr<SmsSender> MakeMessageBirdSender(const SmsProviderSettings& settings);
std::unique_ptr<SmsSender> MakeVonageSender(const SmsProviderSettings& settings);
std::unique_ptr<SmsSender> MakeTextLocalSender(const SmsProviderSettings& settings);
std::unique_ptr<SmsSender> MakeHttpHookSender(const SmsProviderSettings& settings);

}  // namespace gh::notify
