// auth::AnonymousFlow: sign-in without any personal detail, and turning such a
// user into a real one later while keeping their id (and so everything the app
// stored against it).
//
// Thread-safe. Deanonymize with a password hashes it: run on the hash lane.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "auth/links.h"
#include "auth/password.h"
#include "auth/sessions.h"
#include "auth/user_options.h"
#include "core/clock.h"
#include "core/types.h"
#include "crypto/password.h"
#include "store/store.h"

namespace gh::auth {

struct AnonymousSignIn {
  std::optional<std::string> display_name;
  std::optional<std::string> locale;
  std::optional<std::string> metadata_json;
  core::ClientInfo client;
};

struct DeanonymizeRequest {
  std::string user_id;     // from the caller's access token
  std::string session_id;  // the caller's session: it stays; others end
  // "email-password", "passwordless", or "email" (the address, and a password
  // only when one is given).
  std::string sign_in_method;
  std::string email;
  std::optional<std::string> password;
  SignUpOptions options;
  // How the mailed link is written (the requesting dialect's style); required
  // when one is mailed.
  const LinkStyle* links = nullptr;
};

// The settings AnonymousFlow reads. Defaults are the settings' defaults.
struct AnonymousOptions {
  bool anonymous_signin_enabled = false;
  bool signup_disabled = false;
  bool email_verification_required = true;
  bool email_passwordless_enabled = false;
  std::string anonymous_role = "anonymous";
  NewUserPolicy users;
  bool operator==(const AnonymousOptions&) const = default;
};

class AnonymousFlow {
 public:
  // `options` must outlive the flow (it is read at each call).
  AnonymousFlow(store::Store& store, const core::Clock& clock, const AnonymousOptions& options,
                const crypto::PasswordHasher& hasher, SessionService& sessions,
                const PasswordFlow& passwords);

  // A new anonymous user (role options.anonymous_role only) and a session.
  // Errors: disabled-endpoint (anonymous sign-in off), signup-disabled,
  // locale-not-allowed, invalid-request (display name).
  core::Result<SignInOutcome> SignIn(const AnonymousSignIn& request);

  // Gives the anonymous user an email (and password) and the normal roles. With
  // email verification required (or by "passwordless") the user stays anonymous
  // in effect, with the email and password recorded, until the mailed link is
  // followed; the roles are then the sign-up defaults.
  // Errors: user-not-anonymous, email-already-in-use (nothing changes),
  // invalid-request (email, method, missing password), password-too-short,
  // disabled-endpoint (passwordless until email sign-in exists), those of
  // ApplySignUpOptions, internal-server-error (a link is due and no `links`).
  core::Result<void> Deanonymize(const DeanonymizeRequest& request);

  // Mails a link for a deanonymizing user (the composition root wires
  // EmailVerificationFlow / PasswordlessEmailFlow here). Following the link
  // completes the change (see PromoteAnonymous).
  using LinkSender = std::function<core::Result<void>(const core::User& user,
                                                      const std::optional<std::string>& redirect_to,
                                                      const LinkStyle& links)>;
  void SetVerificationSender(LinkSender send) { send_verification_ = std::move(send); }
  void SetMagicLinkSender(LinkSender send) { send_magic_link_ = std::move(send); }

  // Deletes anonymous users created before `before` (never converted); returns
  // how many.
  core::Result<int> Prune(core::UnixMillis before);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  const AnonymousOptions& options_;
  const crypto::PasswordHasher& hasher_;
  SessionService& sessions_;
  const PasswordFlow& passwords_;
  LinkSender send_verification_;
  LinkSender send_magic_link_;
};

}  // namespace gh::auth
