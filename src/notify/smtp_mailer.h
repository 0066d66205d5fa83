// notify::SmtpMailer: delivers mail to an SMTP server through libcurl.
//
// Security modes: "none" (plain SMTP, for a local relay or a test server),
// "starttls" (plain connect, then STARTTLS is required before anything else is
// said) and "tls" (implicit TLS, "smtps", usually port 465). With a user name
// set, libcurl authenticates with the strongest of AUTH PLAIN / LOGIN the server
// offers. Each message is multipart/alternative (text + HTML) with base64 bodies
// and RFC 2047 encoded headers.
//
// A failed attempt is retried `retries` more times with doubling backoff; the
// final failure is logged with the server's answer and returned as
// Error{service-unavailable}. Send blocks for at most about
// (retries + 1) * timeout_seconds plus the backoff.
//
// Thread-safe: each Send uses its own libcurl handle. Non-copyable.
#pragma once

#include <string>

#include "notify/mailer.h"

namespace gh::notify {

struct SmtpOptions {
  std::string host;  // REQUIRED
  int port = 587;
  std::string user;      // empty = no AUTH
  std::string password;
  std::string security = "starttls";  // "none", "starttls" or "tls"
  std::string sender = "gatehouse@localhost";  // envelope and From address
  std::string sender_name = "Gatehouse";
  int timeout_seconds = 10;  // whole conversation, per attempt
  int retries = 2;           // extra attempts after the first failure
  int backoff_millis = 500;  // wait before the first retry; doubles each time
};

class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpOptions options);
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  core::Result<void> Send(const MailMessage& message) override;

  // The full RFC 5322 message as sent (exposed for tests). `boundary` and
  // `message_id` are normally random.
  std::string Compose(const MailMessage& message, const std::string& boundary,
                      const std::string& message_id, const std::string& date) const;

 private:
  // One SMTP conversation; returns "" on success, else the failure text.
  std::string Attempt(const MailMessage& message, const std::string& payload) const;

  SmtpOptions options_;
};

// RFC 2047 "encoded-word" form of a header value when it is not plain
// printable ASCII; the value itself otherwise. CR and LF become spaces.
std::string EncodeHeaderValue(const std::string& value);

}  // namespace gh::notify
