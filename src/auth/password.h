// auth::PasswordFlow: email + password sign-up and sign-in.
//
// Sign-in spends one password verification whether or not the email is known
// (against a dummy hash), so response time does not reveal registered addresses.
// bcrypt hashes imported from other servers are upgraded to Argon2id on a
// successful sign-in.
//
// Thread-safe. Calls hash passwords (tens of milliseconds): run them on the hash
// lane, never on a socket thread.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "auth/attempt_limiter.h"
#include "auth/breached_passwords.h"
#include "auth/links.h"
#include "auth/sessions.h"
#include "auth/user_options.h"
#include "core/clock.h"
#include "core/types.h"
#include "crypto/password.h"
#include "store/store.h"

namespace gh::auth {

struct EmailPasswordSignUp {
  std::string email;
  std::string password;
  SignUpOptions options;
  core::ClientInfo client;
  // How the verification link is written (the requesting dialect's style);
  // required when email_verification_required mails one.
  const LinkStyle* links = nullptr;
};

struct PasswordSignIn {
  std::string email;
  std::string password;
  core::ClientInfo client;
  // What a user with a second factor gets (the requesting dialect's policy);
  // null = the SessionService's default.
  const SecondFactorPolicy* second_factor = nullptr;
};

// The settings PasswordFlow reads. Defaults are the settings' defaults.
struct PasswordOptions {
  bool email_signin_enabled = true;
  bool signup_disabled = false;
  bool email_verification_required = true;
  int password_min_length = 9;
  int password_max_length = 128;
  NewUserPolicy users;
  bool operator==(const PasswordOptions&) const = default;
};

class PasswordFlow {
 public:
  // `options` must outlive the flow (it is read at each call).
  PasswordFlow(store::Store& store, const core::Clock& clock, const PasswordOptions& options,
               const crypto::PasswordHasher& hasher, SessionService& sessions);

  // Errors: invalid-request (email), password-too-short, invalid-request (password too long,
  // not UTF-8, or with NUL),
  // signup-disabled, disabled-endpoint, email-already-in-use, those of
  // ApplySignUpOptions, internal-server-error (a link is due and no `links`).
  core::Result<SignInOutcome> SignUp(const EmailPasswordSignUp& request);
  // Errors: invalid-email-password (unknown email or wrong password, same message),
  // disabled-user, disabled-endpoint, too-many-requests (the address's guess
  // budget: see SetAttemptLimiter).
  core::Result<SignInOutcome> SignIn(const PasswordSignIn& request);

  // The rules for any new password (sign-up, change, reset, phone sign-up,
  // deanonymize): length, UTF-8, and, when a breach check is set, not in a known
  // breach (password-in-hibp-database). May wait on the breach check's service
  // unless ScreenAhead ran first for this password.
  core::Result<void> CheckPasswordPolicy(const std::string& password) const;

  // Turns the breach check on (the composition root, before serving; null = off).
  void SetBreachedPasswords(BreachedPasswords* breached) { breached_ = breached; }
  // The password verification attempt hook, told of every password checked at
  // sign-in; its "reject" answers hook-refused with its message (and, with
  // should_logout_user, ends the user's sessions). REQUIRES: set before
  // serving; `hooks` outlives the flow.
  void SetHooks(const Hooks* hooks) { hooks_ = hooks; }
  bool ScreensBreaches() const { return breached_ != nullptr; }
  // Asks the breach check's service about `password` now, so that the coming
  // CheckPasswordPolicy does not wait: for a caller on the remote lane about to
  // hand the request to the hash lane. No-op when the check is off.
  void ScreenAhead(const std::string& password) const {
    if (breached_) breached_->Prefetch(password);
  }

  // Mails the verification link after a sign-up when email_verification_required
  // is on (the composition root wires EmailVerificationFlow::SendForNewUser here).
  // When it fails the new user is deleted again and its error returned.
  using VerificationSender = std::function<core::Result<void>(
      const core::User& user, const std::optional<std::string>& redirect_to,
      const LinkStyle& links)>;
  void SetVerificationSender(VerificationSender send) { send_verification_ = std::move(send); }

  // Counts password guesses per address ("password:<email>"), from any IP.
  // Unset = no limit. REQUIRES: `limiter` outlives this flow; set before use.
  void SetAttemptLimiter(AttemptLimiter* limiter) { limiter_ = limiter; }
  AttemptLimiter& attempt_limiter() const { return *limiter_; }

 private:
  void Audit(std::string type, const std::optional<std::string>& user_id,
             const core::ClientInfo& client) const;

  store::Store& store_;
  const core::Clock& clock_;
  const PasswordOptions& options_;
  const crypto::PasswordHasher& hasher_;
  SessionService& sessions_;
  VerificationSender send_verification_;
  BreachedPasswords* breached_ = nullptr;
  const Hooks* hooks_ = nullptr;
  AttemptLimiter* limiter_ = &NoAttemptLimit::Instance();
};

}  // namespace gh::auth
