// auth::EmailLinkFlow: what following a mailed link (or typing the code that
// came with it) does with its ticket.
//
// The ticket's prefix names its kind (TicketKindOfTicket); the ticket is looked up by its hash,
// checked for expiry, consumed (exactly one caller wins) and handed to the flow
// of its kind. Verification, magic-link and reset links start a session; an
// email change does not.
//
// A dialect whose mails carry a code beside the link (LinkStyle::MailsCode)
// spends the same ticket with RedeemCode: the address and the six digits. Its
// guesses count like every other mailed code (email_code_max_attempts per
// code, and the address's guess budget of the attempt limiter).
//
// Thread-safe; blocking store calls.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "auth/attempt_limiter.h"
#include "auth/email_change.h"
#include "auth/email_common.h"
#include "auth/email_verification.h"
#include "auth/password_reset.h"
#include "auth/passwordless_email.h"

namespace gh::auth {

// What a spent ticket did; the dialect renders it into the redirect to the app.
struct LinkOutcome {
  LinkKind kind = LinkKind::kEmailVerify;
  std::optional<SessionGrant> session;
  std::optional<MfaChallenge> mfa;  // instead of a session: the second factor is due
  std::optional<core::User> user;   // an email change: the user as it is now
};

class EmailLinkFlow {
 public:
  EmailLinkFlow(EmailKit& kit, EmailVerificationFlow& verification,
                PasswordlessEmailFlow& passwordless, PasswordResetFlow& reset,
                EmailChangeFlow& change);

  // Spends `ticket`. `kinds`, when not empty, are the kinds the caller accepts
  // (a ticket of another kind is refused unspent). `policy` is what a user with
  // a second factor gets (null: the SessionService's default).
  // Errors: invalid-ticket (unknown kind, unknown, expired or used ticket),
  // disabled-user, email-already-in-use.
  core::Result<LinkOutcome> Redeem(const std::string& ticket, const core::ClientInfo& client,
                                   std::span<const LinkKind> kinds = {},
                                   const SecondFactorPolicy* policy = nullptr);
  // Spends the newest open ticket of one of `kinds` mailed to `email` whose
  // code is `code`. Errors: invalid-otp (no such ticket, expired, wrong code,
  // too many tries), too-many-requests (the address's guess budget), and
  // those of Redeem's flows.
  core::Result<LinkOutcome> RedeemCode(std::span<const LinkKind> kinds, const std::string& email,
                                       const std::string& code, const core::ClientInfo& client,
                                       const SecondFactorPolicy* policy = nullptr);

  // Counts wrong codes per address ("email-code:<email>", shared with
  // PasswordlessEmailFlow). Unset = no limit. REQUIRES: `limiter` outlives this
  // flow; set before use.
  void SetAttemptLimiter(AttemptLimiter* limiter) { limiter_ = limiter; }

 private:
  // Hands a consumed ticket row to the flow of its kind.
  core::Result<LinkOutcome> Spend(const TicketKind& kind, const core::OneTimeCode& code,
                                  const core::ClientInfo& client, const SecondFactorPolicy* policy);

  EmailKit& kit_;
  EmailVerificationFlow& verification_;
  PasswordlessEmailFlow& passwordless_;
  PasswordResetFlow& reset_;
  EmailChangeFlow& change_;
  AttemptLimiter* limiter_ = &NoAttemptLimit::Instance();
};

}  // namespace gh::auth
