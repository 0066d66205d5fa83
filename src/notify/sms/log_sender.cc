// The development sender: every message goes to the log, nothing leaves the
// machine. The default until a provider is configured.
#include <spdlog/spdlog.h>

#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

class LogSmsSender final : public SmsSender {
 public:
  std::string_view name() const override { return "log"; }
  core::Result<void> Send(const std::string& to, const std::string& text,
                          SmsChannel channel) override {
    spdlog::info("sms (development sender, not delivered) {} to {}: {}", ChannelName(channel), to,
                 text);
    return core::Ok();
  }
};

}  // namespace

std::unique_ptr<SmsSender> MakeLogSmsSender() { return std::make_unique<LogSmsSender>(); }

}  // namespace gh::notify
