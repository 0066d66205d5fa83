// auth::PasswordlessEmailFlow: sign-in by email alone, with a magic link or a
// six-digit code.
//
// Both create the user when the address is new (unless sign-up is disabled) and
// answer the same for known, unknown, disabled and sign-up-refused addresses, so
// the endpoints reveal nothing about accounts. A code allows
// email_code_max_attempts wrong tries, then it is burnt; codes and links are
// single-use and expire after email_code_ttl_seconds. If the mail cannot be
// sent nothing is left behind: the code is withdrawn and a user created for
// this request is deleted again.
//
// Thread-safe; blocking store and mailer calls.
#pragma once

#include <string>

#include "auth/attempt_limiter.h"
#include "auth/email_common.h"
#include "auth/sessions.h"
#include "auth/user_options.h"

namespace gh::auth {

struct PasswordlessEmailRequest {
  std::string email;
  SignUpOptions options;  // used when the user is created; redirect_to for the link
  core::ClientInfo client;
  const LinkStyle* links = nullptr;  // the requesting dialect's; required by SendMagicLink
  // False: an unknown address gets the same OK and no mail, as while sign-up
  // is disabled (GoTrue's create_user).
  bool create_user = true;
};

class PasswordlessEmailFlow {
 public:
  PasswordlessEmailFlow(EmailKit& kit, SessionService& sessions);

  // Mails a sign-in link in the style of `request.links`. Errors:
  // disabled-endpoint, invalid-request, those of ApplySignUpOptions
  // (redirectTo-not-allowed, ...), too-many-requests, service-unavailable,
  // internal-server-error (no `links`).
  core::Result<void> SendMagicLink(const PasswordlessEmailRequest& request);
  // Mails a six-digit code (no link: `links` may be null). Errors as SendMagicLink.
  core::Result<void> SendCode(const PasswordlessEmailRequest& request);
  // Signs in with a mailed code. Errors: disabled-endpoint, invalid-otp (no
  // open code, expired, wrong, burnt, or already used), disabled-user,
  // too-many-requests (the address's guess budget: see SetAttemptLimiter).
  core::Result<SignInOutcome> VerifyCode(const std::string& email, const std::string& otp,
                                         const core::ClientInfo& client);
  // The magic link was followed. Errors: invalid-ticket, disabled-user.
  core::Result<SignInOutcome> Complete(const core::OneTimeCode& code,
                                       const core::ClientInfo& client,
                                       const SecondFactorPolicy* policy = nullptr);

  // Counts wrong email codes per address ("email-code:<email>"), from any IP,
  // across the codes sent to it. Unset = no limit. REQUIRES: `limiter`
  // outlives this flow; set before use.
  void SetAttemptLimiter(AttemptLimiter* limiter) { limiter_ = limiter; }

 private:
  // What Send* share: checks, throttle, find-or-create. `created` says whether
  // the user is new; nullopt user = answer OK without sending.
  struct Recipient {
    std::optional<core::User> user;
    bool created = false;
    std::string redirect;
  };
  core::Result<Recipient> Prepare(const PasswordlessEmailRequest& request, bool enabled);
  void Undo(const Recipient& r, std::string_view purpose);

  EmailKit& kit_;
  SessionService& sessions_;
  AttemptLimiter* limiter_ = &NoAttemptLimit::Instance();
};

}  // namespace gh::auth
