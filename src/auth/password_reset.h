// auth::PasswordResetFlow: forgotten passwords (a mailed passwordReset: ticket)
// and password changes by a signed-in user.
//
// RequestReset answers the same for known and unknown addresses. The ticket can
// be spent two ways: with a new password (ResetWithTicket), or by following
// the mailed link (EmailLinkFlow), which signs the user in so that the app can
// then change the password as a signed-in user. With password_change_signs_out on
// (the default) a reset ends every session of the user and a signed-in change
// ends every session but the caller's.
//
// With password_change_requires_reauthentication on, a signed-in change from a
// session older than reauthentication_max_session_age_seconds needs the
// six-digit code SendReauthentication mailed (GoTrue's nonce), whichever
// dialect asks; a session younger than that is proof enough. The code is
// stored keyed, expires with email_code_ttl_seconds, and allows
// email_code_max_attempts wrong tries.
//
// Thread-safe. SetPassword/ResetWithTicket hash a password: run them on the
// hash lane.
#pragma once

#include <optional>
#include <string>

#include "auth/email_common.h"
#include "auth/password.h"
#include "auth/sessions.h"
#include "crypto/password.h"

namespace gh::auth {

// A signed-in user's password change.
struct PasswordChange {
  std::string user_id;     // from the caller's access token
  std::string session_id;  // the caller's session: it stays; it also dates the sign-in
  std::string new_password;
  std::optional<std::string> nonce;  // the code SendReauthentication mailed
  // Refuse a new password equal to the current one (GoTrue's same_password).
  bool refuse_same = false;
};

class PasswordResetFlow {
 public:
  PasswordResetFlow(EmailKit& kit, SessionService& sessions, const crypto::PasswordHasher& hasher,
                    const PasswordFlow& policy);

  // Mails a reset link after answering (EmailKit::MailAccountLater), written in
  // `links`' style. Errors: invalid-request (email), redirectTo-not-allowed,
  // too-many-requests, service-unavailable.
  core::Result<void> RequestReset(const std::string& email,
                                  const std::optional<std::string>& redirect_to,
                                  const LinkStyle& links);
  // POST /user/password with a ticket. Errors: password policy, invalid-ticket,
  // disabled-user.
  core::Result<void> ResetWithTicket(const std::string& ticket, const std::string& new_password);
  // POST /user/password as a signed-in user (session `session_id` is kept).
  // Errors: password policy, invalid-token (user gone), disabled-user.
  core::Result<void> Change(const std::string& user_id, const std::string& session_id,
                            const std::string& new_password);
  // Change with what GoTrue's PUT /user adds. Errors: those of Change,
  // reauthentication-needed (no nonce while one is due),
  // invalid-reauthentication (wrong, expired or used nonce), same-password.
  core::Result<void> Change(const PasswordChange& change);
  // Mails the signed-in user a six-digit code for Change's nonce (GoTrue's GET
  // /reauthenticate), replacing any earlier one. Errors: invalid-token (user
  // gone), disabled-user, invalid-request (the account has no email address),
  // too-many-requests, service-unavailable.
  core::Result<void> SendReauthentication(const std::string& user_id);
  // The reset link was followed: a session, so the app can set the password.
  core::Result<SignInOutcome> Complete(const core::OneTimeCode& code,
                                       const core::ClientInfo& client,
                                       const SecondFactorPolicy* policy = nullptr);

 private:
  core::Result<void> SetPassword(core::User user, const std::string& new_password,
                                 const std::string& keep_session_id);
  // Ok when the change may go ahead without a nonce or with this one.
  core::Result<void> CheckReauthentication(const core::User& user, const PasswordChange& change);

  EmailKit& kit_;
  SessionService& sessions_;
  const crypto::PasswordHasher& hasher_;
  const PasswordFlow& policy_;
};

}  // namespace gh::auth
