#include "notify/log_mailer.h"

#include <spdlog/spdlog.h>

namespace gh::notify {

core::Result<void> LogMailer::Send(const MailMessage& m) {
  spdlog::info("mail (development mailer, not sent) [{}] to={} subject=\"{}\"\n{}", m.kind, m.to,
               m.subject, m.text);
  return core::Ok();
}

}  // namespace gh::notify
