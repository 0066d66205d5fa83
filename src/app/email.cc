#include "app/email.h"

#include "app/counting_senders.h"

#include <spdlog/spdlog.h>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "notify/log_mailer.h"
#include "notify/smtp_mailer.h"

namespace gh::app {

std::string EmailFlows::Describe(const config::Config& c) const {
  std::string mailer =
      c.smtp_host.empty()
          ? std::string("development (printed to the log)")
          : "smtp " + c.smtp_host + ":" + std::to_string(c.smtp_port) + " (" + c.smtp_secure + ")";
  return mailer + ", verification " + (c.email_verification_required ? "required" : "off") +
         ", magic link " + (c.email_passwordless_enabled ? "on" : "off") + ", email code " +
         (c.email_otp_enabled ? "on" : "off");
}

core::Result<std::unique_ptr<EmailFlows>> BuildEmail(
    const config::Config& config, const auth::EmailOptions& options, store::Store& store,
    const core::Clock& clock, const crypto::PasswordHasher& hasher, auth::SessionService& sessions,
    auth::PasswordFlow& password, auth::AnonymousFlow& anonymous, auth::PasskeyFlow& passkeys,
    Metrics* metrics) {
  auto e = std::make_unique<EmailFlows>();
  if (config.smtp_host.empty()) {
    e->mailer = std::make_unique<notify::LogMailer>();
  } else {
    notify::SmtpOptions o;
    o.host = config.smtp_host;
    o.port = config.smtp_port;
    o.user = config.smtp_user;
    o.password = config.smtp_pass;
    o.security = config.smtp_secure;
    o.sender = config.smtp_sender;
    o.sender_name = config.smtp_sender_name;
    o.timeout_seconds = config.smtp_timeout_seconds;
    o.retries = config.smtp_retries;
    e->mailer = std::make_unique<notify::SmtpMailer>(std::move(o));
  }
  if (metrics) e->mailer = std::make_unique<CountingMailer>(std::move(e->mailer), *metrics);
  e->templates = std::make_unique<notify::Templates>(config.email_templates_path);
  auto code_key =
      store.GetOrInsertSecret("email-code-key", crypto::HexEncode(crypto::RandomBytes(32)));
  if (!code_key) return code_key.error();
  e->kit =
      std::make_unique<auth::EmailKit>(store, clock, options, *e->mailer, *e->templates, *code_key);
  // Two threads: a mail waits on one SMTP round trip; the bound keeps a flood of
  // reset requests from queueing without end (beyond it: 503 for every address).
  e->mail_queue = std::make_unique<core::ThreadTaskQueue>(2, 1024);
  e->kit->SetDeferredQueue(e->mail_queue.get());
  e->verification = std::make_unique<auth::EmailVerificationFlow>(*e->kit, sessions);
  e->passwordless = std::make_unique<auth::PasswordlessEmailFlow>(*e->kit, sessions);
  e->passwordless->SetAttemptLimiter(&password.attempt_limiter());
  e->reset = std::make_unique<auth::PasswordResetFlow>(*e->kit, sessions, hasher, password);
  e->change = std::make_unique<auth::EmailChangeFlow>(*e->kit);
  e->links = std::make_unique<auth::EmailLinkFlow>(*e->kit, *e->verification, *e->passwordless,
                                                   *e->reset, *e->change);
  e->links->SetAttemptLimiter(&password.attempt_limiter());
  auth::EmailVerificationFlow* verification = e->verification.get();
  auto send_verification = [verification](const core::User& user,
                                          const std::optional<std::string>& redirect_to,
                                          const auth::LinkStyle& links) {
    return verification->SendForNewUser(user, redirect_to, links);
  };
  password.SetVerificationSender(send_verification);
  anonymous.SetVerificationSender(send_verification);
  passkeys.SetVerificationSender(send_verification);
  auth::PasswordlessEmailFlow* passwordless = e->passwordless.get();
  anonymous.SetMagicLinkSender([passwordless](const core::User& user,
                                              const std::optional<std::string>& redirect_to,
                                              const auth::LinkStyle& links) {
    auth::PasswordlessEmailRequest req;
    req.email = user.email.value_or("");
    req.options.redirect_to = redirect_to;
    req.links = &links;
    return passwordless->SendMagicLink(req);
  });
  return e;
}

}  // namespace gh::app
