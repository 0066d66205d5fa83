// notify::Mailer: the one seam through which Gatehouse sends email.
//
// A Mailer delivers one finished message (addresses, subject, plain text and
// HTML bodies) or says why it could not. Implementations: SmtpMailer (real
// delivery through libcurl) and LogMailer (development: prints each mail to the
// log). Tests use a recording mailer. Flows never see which one they have.
//
// Implementations must be safe to call from many threads at once; Send blocks
// (network I/O, retries) and belongs on a worker thread, never a socket thread.
#pragma once

#include <string>

#include "core/error.h"

namespace gh::notify {

struct MailMessage {
  std::string to;       // one address, already validated and normalised
  std::string subject;  // one line (CR/LF are replaced before sending)
  std::string text;     // plain-text body
  std::string html;     // HTML body; empty = text only
  std::string kind;     // template name, for logs ("email-verify", ...)
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Delivers `message`. On success the receiving server accepted it. Errors:
  // service-unavailable (retry_after_seconds set) when delivery failed after the
  // configured retries; the detail is logged, not returned.
  virtual core::Result<void> Send(const MailMessage& message) = 0;
};

}  // namespace gh::notify
