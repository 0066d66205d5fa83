// auth::EmailLinkFlow: what following a mailed link does with its ticket.
//
// The ticket's prefix names its kind (TicketKindOfTicket); the ticket is looked up by its hash,
// checked for expiry, consumed (exactly one caller wins) and handed to the flow
// of its kind. Verification, magic-link and reset links start a session; an
// email change does not.
//
// Thread-safe; blocking store calls.
#pragma once

#include <optional>
#include <string>

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
};

class EmailLinkFlow {
 public:
  EmailLinkFlow(EmailKit& kit, EmailVerificationFlow& verification,
                PasswordlessEmailFlow& passwordless, PasswordResetFlow& reset,
                EmailChangeFlow& change);

  // Errors: invalid-ticket (unknown kind, unknown, expired or used ticket),
  // disabled-user, email-already-in-use.
  core::Result<LinkOutcome> Redeem(const std::string& ticket, const core::ClientInfo& client);

 private:
  EmailKit& kit_;
  EmailVerificationFlow& verification_;
  PasswordlessEmailFlow& passwordless_;
  PasswordResetFlow& reset_;
  EmailChangeFlow& change_;
};

}  // namespace gh::auth
