// app::EmailParts: the composition root's email corner. Picks the mailer (SMTP
// when smtp_host is set, else the development LogMailer), loads the templates,
// builds the email flows over them, hooks verification mails into sign-up, and
// adds the email routes. Owned by App; outlives the router's use of it.
#pragma once

#include <memory>

#include "api/nhost/email_routes.h"
#include "auth/anonymous.h"
#include "auth/email_change.h"
#include "auth/email_common.h"
#include "auth/email_links.h"
#include "auth/email_verification.h"
#include "auth/password_reset.h"
#include "auth/passwordless_email.h"
#include "core/task_queue.h"
#include "notify/mailer.h"
#include "notify/templates.h"

namespace gh::app {

struct EmailParts {
  std::unique_ptr<notify::Mailer> mailer;
  std::unique_ptr<notify::Templates> templates;
  std::unique_ptr<auth::EmailKit> kit;
  std::unique_ptr<auth::EmailVerificationFlow> verification;
  std::unique_ptr<auth::PasswordlessEmailFlow> passwordless;
  std::unique_ptr<auth::PasswordResetFlow> reset;
  std::unique_ptr<auth::EmailChangeFlow> change;
  std::unique_ptr<auth::EmailLinkFlow> links;
  std::unique_ptr<api::nhost::EmailDeps> deps;
  // Where reset and resend-verification mails are looked up and sent after the
  // answer. Last, so it is stopped (its queued mails sent) before the flows go.
  std::unique_ptr<core::ThreadTaskQueue> mail_queue;

  // One line for the start-up banner: which mailer, and whether verification is on.
  std::string Describe(const config::Config& config) const;
};

// Builds the email flows and wires the link senders of PasswordFlow (verification
// after sign-up) and AnonymousFlow (verification or magic link to deanonymize).
// Errors: those of the store (the code key is kept there).
core::Result<std::unique_ptr<EmailParts>> BuildEmail(const config::Config& config,
                                                     store::Store& store, const core::Clock& clock,
                                                     const crypto::PasswordHasher& hasher,
                                                     auth::SessionService& sessions,
                                                     auth::PasswordFlow& password,
                                                     auth::AnonymousFlow& anonymous);

}  // namespace gh::app
