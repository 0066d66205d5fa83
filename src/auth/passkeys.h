// auth::PasskeyFlow: passkeys (WebAuthn credentials) as a way to sign up, sign
// in, and re-prove a signed-in session. Each ceremony has two steps: a start
// that hands out a challenge with the options the browser passes to
// navigator.credentials.create() / .get(), and a finish that verifies what
// the authenticator returned (crypto/webauthn.h) against that challenge.
//
// Challenges come from the CSPRNG (32 bytes), are kept server-side as their
// SHA-256 in one_time_codes (purpose per ceremony, with what the finish needs:
// the new user's id and sign-up options, or the signed-in user), expire after
// webauthn_challenge_seconds and are consumed by the first finish that names
// them, whether it then verifies or not. The finish finds its challenge
// through the challenge the signed client data carries.
//
// A passkey is a first factor that is also possession plus (with user
// verification) knowledge or biometrics: a passkey sign-in starts a session
// at once (amr "webauthn"), a TOTP second factor is not asked for.
// Sign-in without an email uses discoverable credentials (resident keys are
// required at registration): the credential id names the passkey, and the
// user handle the authenticator returns must be its user's.
//
// A passkey may also serve as a second factor a dialect names by id (the
// GoTrue webauthn factor, MfaFlow): the factor ceremonies below bind their
// challenge to that id, the caller's session and an id the dialect hands back
// at the finish, and a passkey registered so takes the factor's id. Those
// passkeys are rows like any other (one store of credentials): they are listed
// with the user's passkeys and sign in as a first factor where passkeys do.
// The factor ceremonies are gated by MfaFlow's settings, not webauthn_enabled.
//
// Thread-safe; calls block on the store and belong on a worker thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/links.h"
#include "auth/sessions.h"
#include "auth/user_options.h"
#include "core/clock.h"
#include "core/types.h"
#include "store/store.h"

namespace gh::auth {

// The settings PasskeyFlow reads. Defaults are the settings' defaults.
struct PasskeyOptions {
  bool webauthn_enabled = false;
  std::string webauthn_rp_id;  // empty: the host of the first origin
  std::string webauthn_rp_name = "Gatehouse";
  std::vector<std::string> webauthn_rp_origins;  // exact origins, e.g. https://app.example.com
  int webauthn_challenge_seconds = 300;
  std::string webauthn_user_verification = "preferred";  // preferred, required, discouraged
  int webauthn_max_credentials = 10;                     // passkeys per user
  bool signup_disabled = false;
  bool email_verification_required = true;
  NewUserPolicy users;
  bool operator==(const PasskeyOptions&) const = default;
};

// What navigator.credentials.create() is given (the dialect renders it).
struct CreationOptions {
  std::string challenge;  // raw bytes
  std::string rp_id, rp_name;
  std::string user_handle;  // raw bytes: the user's id
  std::string user_name;    // the email
  std::string user_display_name;
  std::vector<core::WebauthnCredential> exclude;  // the user's passkeys already registered
  std::string user_verification;
  int64_t timeout_ms = 0;
};

// What navigator.credentials.get() is given.
struct RequestOptions {
  std::string challenge;  // raw bytes
  std::string rp_id;
  std::vector<core::WebauthnCredential> allow;  // empty: any discoverable credential
  std::string user_verification;
  int64_t timeout_ms = 0;
};

// A create() result, decoded from base64url by the dialect.
struct AttestationResponse {
  std::string raw_id;  // the credential id
  std::string client_data_json;
  std::string attestation_object;
  std::vector<std::string> transports;
};

// A get() result, decoded from base64url by the dialect.
struct AssertionResponse {
  std::string raw_id;
  std::string client_data_json;
  std::string authenticator_data;
  std::string signature;
  std::optional<std::string> user_handle;
};

// What a factor ceremony is bound to: the user, the factor's id (the passkey's
// row id once registered) and the caller's session.
struct FactorBinding {
  std::string user_id;
  std::string factor_id;
  std::string session_id;
};

// A started factor ceremony: its challenge id (a UUID the dialect hands out
// and gets back at the finish) and when it expires.
struct FactorCeremony {
  std::string challenge_id;
  core::UnixMillis expires_at = 0;
};

struct PasskeySignUpStart {
  std::string email;
  SignUpOptions options;
};

struct PasskeySignUpFinish {
  AttestationResponse credential;
  std::optional<SignUpOptions> options;  // replaces the start's when given
  std::string nickname;
  core::ClientInfo client;
  const LinkStyle* links = nullptr;  // required when a verification mail is due
};

class PasskeyFlow {
 public:
  // `options` must outlive the flow (it is read at each call).
  PasskeyFlow(store::Store& store, const core::Clock& clock, const PasskeyOptions& options,
              SessionService& sessions);

  // Errors of every method: disabled-endpoint while webauthn_enabled is off.
  // Errors: signup-disabled, invalid-request (email), those of ApplySignUpOptions.
  // A taken email is found only at the finish, so the start tells nobody
  // whether an address has an account.
  core::Result<CreationOptions> StartSignUp(const PasskeySignUpStart& request);
  // Creates the user with the passkey; a session unless email verification
  // is required, in which case the verification mail goes out (as for a
  // password sign-up) and the outcome has no session. Errors: invalid-webauthn,
  // email-already-in-use, internal-server-error (a mail is due and no links).
  core::Result<SignInOutcome> FinishSignUp(const PasskeySignUpFinish& request);

  // `email` given: the options list that user's passkeys (an unknown address
  // gets the same answer as a user without passkeys: an empty list). Errors:
  // invalid-request (email).
  core::Result<RequestOptions> StartSignIn(const std::optional<std::string>& email);
  // Errors: invalid-webauthn (also an unknown credential, or a user handle
  // that is not its user's), disabled-user, unverified-user.
  core::Result<SignInOutcome> FinishSignIn(const AssertionResponse& assertion,
                                           const core::ClientInfo& client);

  // Adding a passkey to a signed-in user. Errors: user-not-found,
  // too-many-enrolled-mfa-factors (webauthn_max_credentials reached).
  core::Result<CreationOptions> StartAdd(const std::string& user_id);
  // Errors: invalid-webauthn (also a credential id already registered).
  core::Result<core::WebauthnCredential> FinishAdd(const std::string& user_id,
                                                   const AttestationResponse& credential,
                                                   const std::string& nickname);

  // Elevation: a fresh assertion by one of the signed-in user's passkeys
  // starts a new session at aal2 (amr "webauthn"). Errors: user-not-found,
  // invalid-request (the user has no passkey), invalid-webauthn (also a
  // passkey of another user), disabled-user.
  core::Result<RequestOptions> StartElevate(const std::string& user_id);
  core::Result<SessionGrant> FinishElevate(const std::string& user_id,
                                           const AssertionResponse& assertion,
                                           const core::ClientInfo& client);

  // --- Factor ceremonies (see the top of this file) ---

  // A relying party a client names (GoTrue's clients send one with each
  // factor ceremony) must be this server's: the RP id, and origins among
  // webauthn_rp_origins. The ceremonies verify against the settings either way;
  // this refuses a client that expects another RP before a challenge is spent.
  // Errors: invalid-request.
  core::Result<void> CheckRelyingParty(
      const std::optional<std::string>& rp_id,
      const std::optional<std::vector<std::string>>& origins) const;

  // Registration of the passkey a pending factor stands for. Errors:
  // user-not-found, too-many-enrolled-mfa-factors (webauthn_max_credentials).
  core::Result<std::pair<FactorCeremony, CreationOptions>> StartFactorRegistration(
      const FactorBinding& binding);
  // Stores the passkey with id binding.factor_id. Errors: invalid-webauthn
  // (also a credential already registered), mfa-factor-not-found (the
  // challenge is not `challenge_id`, or is another factor's, session's or
  // user's; it is consumed all the same).
  core::Result<core::WebauthnCredential> FinishFactorRegistration(
      const FactorBinding& binding, std::string_view challenge_id,
      const AttestationResponse& credential, const std::string& nickname);
  // An assertion by the passkey with id binding.factor_id. Errors:
  // mfa-factor-not-found (no such passkey of the user).
  core::Result<std::pair<FactorCeremony, RequestOptions>> StartFactorAssertion(
      const FactorBinding& binding);
  // Errors: invalid-webauthn (also an assertion by another passkey),
  // mfa-factor-not-found (as at FinishFactorRegistration).
  core::Result<core::WebauthnCredential> FinishFactorAssertion(const FactorBinding& binding,
                                                               std::string_view challenge_id,
                                                               const AssertionResponse& assertion);

  core::Result<std::vector<core::WebauthnCredential>> List(const std::string& user_id);
  // Errors: webauthn-credential-not-found (none of the user's).
  core::Result<void> Remove(const std::string& user_id, const std::string& id);

  // As PasswordFlow::SetVerificationSender: mails the verification link of a
  // new user when email_verification_required is on.
  using VerificationSender = std::function<core::Result<void>(
      const core::User& user, const std::optional<std::string>& redirect_to,
      const LinkStyle& links)>;
  void SetVerificationSender(VerificationSender send) { send_verification_ = std::move(send); }

 private:
  struct Challenge;
  core::Result<void> Enabled() const;
  std::string RpId() const;
  std::string UserVerification() const;
  core::Result<std::string> IssueChallenge(std::string_view purpose,
                                           const std::optional<std::string>& user_id,
                                           std::string data_json,
                                           FactorCeremony* ceremony = nullptr);
  core::Result<Challenge> TakeFactorChallenge(std::string_view purpose,
                                              const FactorBinding& binding,
                                              std::string_view challenge_id,
                                              std::string_view client_data_json);
  core::Result<Challenge> TakeChallenge(std::string_view purpose,
                                        std::string_view client_data_json);
  core::Result<core::WebauthnCredential> Register(const core::User& user,
                                                  const AttestationResponse& credential,
                                                  const Challenge& challenge,
                                                  const std::string& nickname);
  core::Result<core::WebauthnCredential> Assert(const AssertionResponse& assertion,
                                                const Challenge& challenge);
  core::Result<CreationOptions> Creation(const core::User& user, std::string challenge);

  store::Store& store_;
  const core::Clock& clock_;
  const PasskeyOptions& options_;
  SessionService& sessions_;
  VerificationSender send_verification_;
};

}  // namespace gh::auth
