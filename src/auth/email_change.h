// auth::EmailChangeFlow: a signed-in user moves their account to a new address.
//
// The request records the pending address (User::new_email) and mails a link to
// it; the email changes only when that link is followed, and then the old
// address is told (best effort: a failed notice is logged, the change stands).
// A newer request replaces the pending one.
//
// Thread-safe; blocking store and mailer calls.
#pragma once

#include <optional>
#include <string>

#include "auth/email_common.h"

namespace gh::auth {

class EmailChangeFlow {
 public:
  explicit EmailChangeFlow(EmailKit& kit);

  // Records `new_email` as pending and mails it a link in `links`' style.
  // Errors: invalid-request (email), invalid-token (user gone),
  // forbidden-anonymous, email-already-in-use, redirectTo-not-allowed,
  // too-many-requests, service-unavailable (nothing changed).
  core::Result<void> Request(const std::string& user_id, const std::string& new_email,
                             const std::optional<std::string>& redirect_to, const LinkStyle& links);
  // Mails the pending change's link again to the new address of the account
  // whose current address is `email`, after answering
  // (EmailKit::MailAccountLater): unknown addresses and accounts without a
  // pending change get the same answer and no mail. Errors: invalid-request
  // (email), redirectTo-not-allowed, too-many-requests, overloaded.
  core::Result<void> Resend(const std::string& email, const std::optional<std::string>& redirect_to,
                            const LinkStyle& links);
  // The link was followed. Errors: invalid-ticket (superseded, user gone),
  // email-already-in-use (taken meanwhile).
  core::Result<core::User> Complete(const core::OneTimeCode& code);

 private:
  core::Result<void> Mail(const core::User& user, const std::string& new_email,
                          const std::string& redirect, const LinkStyle& links);

  EmailKit& kit_;
};

}  // namespace gh::auth
