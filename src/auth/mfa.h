// auth::MfaFlow: second factors. A user's factors are records of their own
// (core::MfaFactor, store::Factors), TOTP today. The flow offers two shapes
// of the same rules, one per way a dialect presents MFA:
//
//  - one TOTP switch (GenerateTotp, ChangeMfa, RegenerateRecoveryCodes) with
//    MFA tickets that finish a sign-in (SignInTotp). "TOTP on" means a
//    verified TOTP factor; GenerateTotp makes an unverified one and ChangeMfa
//    verifies it with a first code, or deletes the user's TOTP factors;
//  - factors by id (EnrollTotp, ListFactors, Challenge, Verify, Unenroll):
//    a first-factor session at aal1 is stepped up to aal2 by verifying a
//    challenge of one of the user's factors. The session keeps its id; the
//    step-up hands out a new access token and a new refresh token for it.
//
// WebAuthn factors (the GoTrue dialect's factor_type webauthn) are passkeys
// (mfa_webauthn.cc, over PasskeyFlow's factor ceremonies): enrolment stores a
// pending factor (a factors row of type "webauthn" without a secret), its
// first challenge is a registration, and verifying it stores the passkey under
// the factor's id and drops the pending row. From then on the factor IS the
// passkey: ListFactors shows each of the user's passkeys, however registered,
// as a verified webauthn factor (UserFactors), its challenges are assertions,
// and unenrolling it removes the passkey. Passkeys stay no second factor for
// the TOTP switch and MFA tickets (MfaRequired reads the TOTP summary only).
//
// Which of the two a first-factor sign-in ends in is the dialect's policy
// (auth::SecondFactorPolicy, auth/sessions.h).
//
// Rules both shapes share, written once (CheckCode): a TOTP code (RFC 6238, 30 s
// steps, one step of drift either side) is accepted at most once per user;
// every wrong code counts against the user's lock-out window (max_failures
// within lockout_seconds), after which codes are refused with
// too-many-requests; a ticket or challenge is single-use, expires
// (ticket_ttl_seconds), is bound to its user (a challenge also to its factor
// and session) and is burnt after five wrong codes. Sessions finished here
// carry aal2 and amr "<first factor>,totp" or "<first factor>,recovery".
//
// Secrets are stored encrypted (crypto::SecretBox) under the configured key.
// Recovery codes belong to the user and are stored as HMAC-SHA-256 under a key
// derived from the secret of the user's first verified TOTP factor, so that
// they move with it to another store (`users export` carries secrets in clear
// and the hashes; import re-seals secrets under the target's key). Codes made
// before that were keyed by the store's key and still work where that key is.
// A secret this server cannot decrypt (sealed under another key) is
// Error{no-totp-secret} with an error in the log, never a server error.
//
// Thread-safe; calls block on the store and belong on a worker thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/passkeys.h"
#include "auth/sessions.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/types.h"
#include "crypto/secretbox.h"
#include "store/store.h"

namespace gh::auth {

inline constexpr int kRecoveryCodeCount = 10;
inline constexpr int kMfaTicketMaxAttempts = 5;

// The settings MfaFlow reads.
struct MfaOptions {
  bool enabled = true;                    // TOTP may be enrolled (mfa_enabled)
  std::string totp_issuer = "Gatehouse";  // shown by authenticator apps
  int max_failures = 10;                  // wrong codes per user before the lock-out
  int lockout_seconds = 900;              // the window those failures are counted in
  int ticket_ttl_seconds = 300;           // MFA tickets and challenges
  int max_factors = 10;                   // factors per user, verified or not
  bool webauthn_enroll_enabled = false;   // webauthn factors may be enrolled
  bool webauthn_verify_enabled = false;   // webauthn factors may be challenged and verified

  static MfaOptions From(const config::Config& config);
  bool operator==(const MfaOptions&) const = default;
};

// A freshly generated, not yet verified TOTP secret.
struct TotpEnrolment {
  std::string secret;     // base32, for typing into an authenticator app
  std::string uri;        // otpauth://totp/...
  std::string image_url;  // data:image/png;base64,... of the URI's QR code
};

struct ChangeMfaRequest {
  std::string user_id;
  std::string code;             // a current TOTP code
  std::string active_mfa_type;  // "totp" turns TOTP on, "" turns it off
};

struct MfaTotpSignIn {
  std::string ticket;  // "mfaTotp:<uuid>"
  std::string otp;     // a TOTP code or a recovery code
  core::ClientInfo client;
};

struct RecoveryCodesRequest {
  std::string user_id;
  std::string aal;   // of the caller's access token
  std::string code;  // a current TOTP code; may be empty when aal is "aal2"
};

// The caller of the factor operations: from its access token.
struct MfaCaller {
  std::string user_id;
  std::string session_id;
  std::string aal;  // "aal1" or "aal2"
  core::ClientInfo client;
};

struct EnrollTotpRequest {
  MfaCaller caller;
  std::string friendly_name;  // may be empty; unique among the user's factors otherwise
  std::string issuer;         // empty = the configured issuer
};

struct FactorEnrolment {
  core::MfaFactor factor;  // unverified; secret_encrypted cleared
  TotpEnrolment totp;
};

struct ChallengeRequest {
  MfaCaller caller;
  std::string factor_id;
};

// A challenge of one factor, to be verified with a code before expires_at.
struct FactorChallenge {
  std::string id;  // UUID
  std::string factor_id;
  std::string factor_type;
  core::UnixMillis expires_at = 0;
};

struct VerifyRequest {
  MfaCaller caller;
  std::string factor_id;
  std::string challenge_id;
  std::string code;
};

// A verified challenge: the caller's session, now aal2.
struct StepUpGrant {
  SessionGrant session;  // new access and refresh tokens for the same session
  core::MfaFactor factor;
  bool newly_verified = false;  // this code finished the factor's enrolment
};

struct EnrollWebauthnRequest {
  MfaCaller caller;
  std::string friendly_name;  // may be empty; unique among the user's factors otherwise
};

// A challenge of a webauthn factor: a registration (`create`) for a pending
// factor, an assertion (`request`) for a passkey.
struct WebauthnFactorChallenge {
  FactorChallenge challenge;
  std::optional<CreationOptions> create;
  std::optional<RequestOptions> request;
};

// What the browser returned for a webauthn factor's challenge: an attestation
// for a pending factor, an assertion for a passkey.
struct VerifyWebauthnRequest {
  MfaCaller caller;
  std::string factor_id;
  std::string challenge_id;
  std::optional<AttestationResponse> created;
  std::optional<AssertionResponse> asserted;
};

struct UnenrollRequest {
  MfaCaller caller;
  std::string factor_id;
};

// A passkey as the verified webauthn factor it is to the factor operations.
core::MfaFactor PasskeyAsFactor(const core::WebauthnCredential& passkey);
// The user's factors (oldest first, without secrets) followed by their
// passkeys as webauthn factors.
core::Result<std::vector<core::MfaFactor>> UserFactors(store::Store& store,
                                                       std::string_view user_id);

// True when signing in as `user` needs a second factor (a verified factor).
bool MfaRequired(const core::User& user);

// The stored form of a recovery code: "t1:" + hex HMAC-SHA-256 under a key
// derived from the user's raw TOTP key. Dashes, spaces and case in `code` do
// not matter.
std::string RecoveryCodeHash(std::string_view totp_key, std::string_view user_id,
                             std::string_view code);
// True for hashes of that form (false for the older store-keyed ones, which do
// not work in a store with another key).
bool IsPortableRecoveryHash(std::string_view hash);

// Stores a new MFA ticket for `user` (as a hash, in OneTimeCodes under purpose
// "mfa-ticket", valid for `ttl_seconds`) and returns it. `first_factor` is the
// amr of the sign-in so far.
core::Result<MfaChallenge> IssueMfaTicket(store::Store& store, const core::Clock& clock,
                                          int ttl_seconds, const core::User& user,
                                          std::string_view first_factor = "password");

class MfaFlow {
 public:
  // `key_material` is config mfa_encryption_key, or the generated key kept in
  // the store when that is empty.
  MfaFlow(store::Store& store, const core::Clock& clock, MfaOptions options,
          SessionService& sessions, std::string_view key_material);
  MfaFlow(const MfaFlow&) = delete;
  MfaFlow& operator=(const MfaFlow&) = delete;

  // --- One TOTP switch and MFA tickets ---

  // Generates and stores (encrypted, unverified) a new TOTP factor, replacing
  // the user's unverified TOTP factors. Errors: user-not-found,
  // forbidden-anonymous, disabled-mfa-totp, totp-already-active.
  core::Result<TotpEnrolment> GenerateTotp(std::string_view user_id);

  // Turns TOTP on (verifying the newest unverified TOTP factor; returns the
  // user's new recovery codes, to be shown once) or off (deletes the user's
  // TOTP factors and recovery codes; returns none). Both need a current, unused
  // TOTP code. Errors: user-not-found, forbidden-anonymous, disabled-mfa-totp,
  // totp-already-active, no-totp-secret, mfa-type-not-found (unknown type, or
  // turning off what is not on), invalid-totp, too-many-requests (lock-out).
  core::Result<std::vector<std::string>> ChangeMfa(const ChangeMfaRequest& request);

  // Finishes a sign-in with its MFA ticket and a TOTP or recovery code.
  // Errors: invalid-ticket (unknown, used, expired, burnt), invalid-totp,
  // disabled-user, too-many-requests (lock-out).
  core::Result<SessionGrant> SignInTotp(const MfaTotpSignIn& request);

  // Replaces the user's recovery codes with new ones and returns them. Needs an
  // aal2 session or a current TOTP code. Errors: user-not-found,
  // mfa-type-not-found (TOTP is not on), invalid-totp, too-many-requests.
  core::Result<std::vector<std::string>> RegenerateRecoveryCodes(
      const RecoveryCodesRequest& request);

  // --- Factors by id and step-up (mfa_factors.cc) ---

  // Enrols a new, unverified TOTP factor. Needs aal2 when the user has a
  // verified factor. Errors: user-not-found, forbidden-anonymous,
  // disabled-mfa-totp, insufficient-aal, mfa-factor-name-conflict,
  // too-many-enrolled-mfa-factors.
  core::Result<FactorEnrolment> EnrollTotp(const EnrollTotpRequest& request);

  // UserFactors.
  core::Result<std::vector<core::MfaFactor>> ListFactors(std::string_view user_id);

  // Opens a challenge of one of the caller's factors, bound to the caller's
  // session, valid for ticket_ttl_seconds. Errors: mfa-factor-not-found.
  core::Result<FactorChallenge> Challenge(const ChallengeRequest& request);

  // Verifies a challenge with a TOTP code of its factor and steps the caller's
  // session up to aal2 (amr gains "totp"); an unverified factor becomes
  // verified, the user's other unverified factors of its type go, and the
  // user's other sessions are signed out. Errors: mfa-factor-not-found (unknown
  // factor or challenge, or one of another factor, session or user; a used
  // one), mfa-challenge-expired, invalid-totp, no-totp-secret, disabled-user,
  // invalid-token (the session ended), too-many-requests (lock-out).
  // With the MFA verification attempt hook on, the hook is told of each code
  // checked here (valid or not) and may answer mfa-verification-rejected.
  core::Result<StepUpGrant> Verify(const VerifyRequest& request);
  // REQUIRES: set before serving; `hooks` outlives the flow.
  void SetHooks(const Hooks* hooks) { hooks_ = hooks; }

  // Deletes one of the caller's factors and returns its id. Needs aal2 when
  // the user has a verified factor. The recovery codes go with the factor
  // they are keyed by (the first verified TOTP factor); the user can make new
  // ones over the next. Errors: mfa-factor-not-found, insufficient-aal.
  core::Result<std::string> Unenroll(const UnenrollRequest& request);

  // --- WebAuthn factors (mfa_webauthn.cc); need SetPasskeys ---

  // The passkeys flow the webauthn factors run their ceremonies in; must
  // outlive this flow.
  void SetPasskeys(PasskeyFlow* passkeys) { passkeys_ = passkeys; }

  // PasskeyFlow::CheckRelyingParty. Errors: disabled-endpoint (no passkeys),
  // invalid-request.
  core::Result<void> CheckWebauthnRelyingParty(
      const std::optional<std::string>& rp_id,
      const std::optional<std::vector<std::string>>& origins) const;

  // Stores a pending webauthn factor. Errors: disabled-endpoint
  // (webauthn_enroll_enabled off), those of EnrollTotp but disabled-mfa-totp.
  core::Result<core::MfaFactor> EnrollWebauthn(const EnrollWebauthnRequest& request);
  // Errors: disabled-endpoint (webauthn_verify_enabled off), mfa-factor-not-found
  // (not one of the caller's webauthn factors), those of PasskeyFlow's starts.
  core::Result<WebauthnFactorChallenge> ChallengeWebauthn(const ChallengeRequest& request);
  // Checks the browser's answer and steps the caller's session up to aal2 (amr
  // gains "webauthn"); a pending factor becomes a passkey (its id kept), the
  // user's other pending webauthn factors go and their other sessions are
  // signed out, as at TOTP enrolment. Errors: disabled-endpoint,
  // mfa-factor-not-found, invalid-request (the answer is not the kind the
  // factor's challenge asked for), invalid-webauthn, disabled-user,
  // session-not-found (the session ended).
  core::Result<StepUpGrant> VerifyWebauthn(const VerifyWebauthnRequest& request);

 private:
  enum class Factor { kTotp, kRecovery };
  core::Result<core::User> LoadUser(std::string_view user_id);
  core::Result<std::vector<core::MfaFactor>> LoadFactors(std::string_view user_id);
  // The user, when they may enrol a factor: errors user-not-found,
  // forbidden-anonymous, disabled-mfa-totp.
  core::Result<core::User> LoadEnrollingUser(std::string_view user_id);
  core::Result<void> CheckLockout(const std::string& user_id);
  // Checks `code` against the TOTP factors `candidates` (and, when
  // `recovery_key_factor` is set, the user's recovery codes), consuming what it
  // matched. Records a failure on a mismatch.
  core::Result<Factor> CheckCode(const std::string& user_id,
                                 const std::vector<const core::MfaFactor*>& candidates,
                                 std::string_view code, const core::MfaFactor* recovery_key_factor);
  core::Result<std::vector<std::string>> NewRecoveryCodes(const std::string& user_id,
                                                          const core::MfaFactor& key_factor);
  // A new unverified TOTP factor for `user`, stored, and what to show.
  core::Result<FactorEnrolment> CreateTotpFactor(const core::User& user, std::string friendly_name,
                                                 std::string_view issuer);
  // The factor's raw TOTP key; Error{no-totp-secret} (and an error log line)
  // when there is none or it was sealed under another key.
  core::Result<std::string> OpenSecret(const core::MfaFactor& factor) const;
  // A recovery code's hash as stored before hashes followed the TOTP secret.
  std::string LegacyRecoveryCodeHash(std::string_view user_id, std::string_view code) const;
  void Audit(std::string type, const std::string& user_id, const core::ClientInfo& client) const;

  store::Store& store_;
  const core::Clock& clock_;
  const MfaOptions options_;
  SessionService& sessions_;
  const crypto::SecretBox box_;
  PasskeyFlow* passkeys_ = nullptr;
  const Hooks* hooks_ = nullptr;
};

// The user's first verified TOTP factor (the one recovery codes are keyed
// by), or null; and all of the verified ones. Pointers into `factors`.
const core::MfaFactor* PrimaryTotp(const std::vector<core::MfaFactor>& factors);
std::vector<const core::MfaFactor*> VerifiedTotp(const std::vector<core::MfaFactor>& factors);

}  // namespace gh::auth
