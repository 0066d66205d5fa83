// auth::EmailVerificationFlow: proving that a user owns their email address.
//
// With email_verification_required on, sign-up mails a verification link
// (PasswordFlow calls SendForNewUser) and sign-in of an unverified user answers
// unverified-user. Resend answers the same whether or not the address is known,
// already verified or disabled, so it reveals nothing about accounts.
//
// Thread-safe; blocking store and mailer calls.
#pragma once

#include <optional>
#include <string>

#include "auth/email_common.h"
#include "auth/sessions.h"

namespace gh::auth {

class EmailVerificationFlow {
 public:
  EmailVerificationFlow(EmailKit& kit, SessionService& sessions);

  // Mails a verification link (written in `links`' style) to a just-created
  // user. Not throttled (sign-up creates the address once) but counted.
  // Errors: redirectTo-not-allowed, service-unavailable (mail not sent; the
  // ticket is withdrawn).
  core::Result<void> SendForNewUser(const core::User& user,
                                    const std::optional<std::string>& redirect_to,
                                    const LinkStyle& links);
  // Mails the link again, after answering (EmailKit::MailAccountLater), in the
  // style of the request that asked. Errors: invalid-request (email),
  // redirectTo-not-allowed, too-many-requests, service-unavailable.
  core::Result<void> Resend(const std::string& email, const std::optional<std::string>& redirect_to,
                            const LinkStyle& links);
  // The link was followed: marks the address verified and starts a session.
  // Errors: invalid-ticket (user gone or address changed since), disabled-user.
  core::Result<SignInOutcome> Complete(const core::OneTimeCode& code,
                                       const core::ClientInfo& client,
                                       const SecondFactorPolicy* policy = nullptr);

 private:
  core::Result<void> Mail(const core::User& user, const std::string& redirect,
                          const LinkStyle& links);

  EmailKit& kit_;
  SessionService& sessions_;
};

}  // namespace gh::auth
