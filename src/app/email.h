// app::EmailFlows: the email corner of Flows. Picks the mailer (SMTP when
// smtp_host is set, else the development LogMailer), loads the templates,
// builds the email flows over them and hooks verification mails into sign-up.
// Owned by Flows; outlives every dialect's use of it.
#pragma once

#include <memory>

#include "app/metrics.h"
#include "auth/anonymous.h"
#include "auth/email_change.h"
#include "auth/email_common.h"
#include "auth/email_links.h"
#include "auth/email_verification.h"
#include "auth/passkeys.h"
#include "auth/password.h"
#include "auth/password_reset.h"
#include "auth/passwordless_email.h"
#include "auth/sessions.h"
#include "config/config.h"
#include "core/task_queue.h"
#include "crypto/password.h"
#include "notify/mailer.h"
#include "notify/templates.h"
#include "store/store.h"

namespace gh::app {

struct EmailFlows {
  std::unique_ptr<notify::Mailer> mailer;
  std::unique_ptr<notify::Templates> templates;
  std::unique_ptr<auth::EmailKit> kit;
  std::unique_ptr<auth::EmailVerificationFlow> verification;
  std::unique_ptr<auth::PasswordlessEmailFlow> passwordless;
  std::unique_ptr<auth::PasswordResetFlow> reset;
  std::unique_ptr<auth::EmailChangeFlow> change;
  std::unique_ptr<auth::EmailLinkFlow> links;
  // Where reset and resend-verification mails are looked up and sent after the
  // answer. Last, so it is stopped (its queued mails sent) before the flows go.
  std::unique_ptr<core::ThreadTaskQueue> mail_queue;

  // One line for the start-up banner: which mailer, and whether verification is on.
  std::string Describe(const config::Config& config) const;
};

// Builds the email flows (reading `options`, which must outlive them; `config`
// only for the mailer and the templates) and wires the link senders of PasswordFlow (verification
// after sign-up) and AnonymousFlow (verification or magic link to deanonymize).
// Errors: those of the store (the code key is kept there).
// `metrics`, when set, counts every mail the mailer sends (and outlives the result).
core::Result<std::unique_ptr<EmailFlows>> BuildEmail(
    const config::Config& config, const auth::EmailOptions& options, store::Store& store,
    const core::Clock& clock, const crypto::PasswordHasher& hasher, auth::SessionService& sessions,
    auth::PasswordFlow& password, auth::AnonymousFlow& anonymous, auth::PasskeyFlow& passkeys,
    Metrics* metrics = nullptr);

}  // namespace gh::app
