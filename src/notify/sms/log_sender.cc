// The development sender: every message goes to the log, nothing leaves the
// machine. The default until a provider is configured. SMS only: WhatsApp is
// refused as by every provider that cannot send it (only Twilio and the hook
// can), so that a setup tried on a laptop does not promise what production
// will not do.
#include <spdlog/spdlog.h>

#include "notify/sms/http_client.h"
#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

class LogSmsSender final : public SmsSender {
 public:
  std::string_view name() const override { return "log"; }
  core::Result<void> Send(const std::string& to, const std::string& text,
                          SmsChannel channel) override {
    if (channel != SmsChannel::kSms)
      return sms_http::Fail(name(), "WhatsApp is not supported by the log SMS provider");
    spdlog::info("sms (development sender, not delivered) {} to {}: {}", ChannelName(channel), to,
                 text);
    return core::Ok();
  }
};

}  // namespace

std::unique_ptr<SmsSender> MakeLogSmsSender() { return std::make_unique<LogSmsSender>(); }

}  // namespace gh::notify
