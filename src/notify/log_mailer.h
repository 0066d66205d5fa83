// notify::LogMailer: the development mailer. Each message is written to the
// log (recipient, subject and the plain-text body, links and codes included)
// instead of being delivered, so every email flow can be tried on a laptop
// without an SMTP server. It is what the composition root picks when no SMTP
// host is configured. Thread-safe.
#pragma once

#include "notify/mailer.h"

namespace gh::notify {

class LogMailer final : public Mailer {
 public:
  core::Result<void> Send(const MailMessage& message) override;
};

}  // namespace gh::notify
