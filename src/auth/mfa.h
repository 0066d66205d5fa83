// auth::MfaFlow: the TOTP second factor. Enrolment (a new secret and its QR
// code), turning TOTP on and off with a current code, MFA tickets that finish a
// sign-in, and single-use recovery codes.
//
// A password sign-in of a user with TOTP on answers an MFA ticket
// ("mfaTotp:<uuid>", see IssueMfaTicket) instead of a session. The ticket is
// single-use, expires (config mfa_ticket_ttl_seconds, default 5 minutes), is
// bound to its user and is burnt after five wrong codes. A TOTP code (RFC 6238, 30 s steps, one
// step of drift either side) is accepted at most once per user. Every wrong code also counts
// against the user's lock-out window (config mfa_max_failures within
// mfa_lockout_seconds), after which codes are refused with too-many-requests.
// Sessions started here carry aal2 and amr "<first factor>,totp" or
// "<first factor>,recovery".
//
// Secrets are stored encrypted (crypto::SecretBox) under the configured key.
// Recovery codes are stored as HMAC-SHA-256 under a key derived from the
// user's TOTP secret, so that they move with it to another store (`users
// export` carries the secret in clear and the hashes; import re-seals the
// secret under the target's key). Codes made before that were keyed by the
// store's key and still work where that key is. A secret this server cannot
// decrypt (sealed under another key) is Error{no-totp-secret} with an error
// in the log, never a server error.
//
// Thread-safe; calls block on the store and belong on a worker thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/password.h"
#include "auth/sessions.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/types.h"
#include "crypto/secretbox.h"
#include "store/store.h"

namespace gh::auth {

inline constexpr int kRecoveryCodeCount = 10;
inline constexpr int kMfaTicketMaxAttempts = 5;

// A freshly generated, not yet active TOTP secret.
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

// True when signing in as `user` needs a second factor.
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
// "mfa-ticket", valid for config mfa_ticket_ttl_seconds) and returns it.
// `first_factor` is the amr of the sign-in so far.
core::Result<MfaChallenge> IssueMfaTicket(store::Store& store, const core::Clock& clock,
                                          const config::Config& config, const core::User& user,
                                          std::string_view first_factor = "password");

class MfaFlow {
 public:
  // `key_material` is config mfa_encryption_key, or the generated key kept in
  // the store when that is empty.
  MfaFlow(store::Store& store, const core::Clock& clock, const config::Config& config,
          SessionService& sessions, std::string_view key_material);
  MfaFlow(const MfaFlow&) = delete;
  MfaFlow& operator=(const MfaFlow&) = delete;

  // Generates and stores (encrypted, inactive) a new TOTP secret, replacing a
  // previous inactive one. Errors: user-not-found, forbidden-anonymous,
  // disabled-mfa-totp, totp-already-active.
  core::Result<TotpEnrolment> GenerateTotp(std::string_view user_id);

  // Turns TOTP on (returning the user's new recovery codes, to be shown once)
  // or off (returning none; the secret and recovery codes are deleted). Both
  // need a current, unused TOTP code. Errors: user-not-found,
  // forbidden-anonymous, disabled-mfa-totp, totp-already-active, no-totp-secret,
  // mfa-type-not-found (unknown type, or turning off what is not on),
  // invalid-totp, too-many-requests (lock-out).
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

 private:
  enum class Factor { kTotp, kRecovery };
  core::Result<core::User> LoadUser(std::string_view user_id);
  core::Result<void> CheckLockout(const std::string& user_id);
  // Checks `code` against the user's TOTP secret (and recovery codes when
  // allowed), consuming what it matched. Records a failure on a mismatch.
  core::Result<Factor> CheckCode(const core::User& user, std::string_view code,
                                 bool allow_recovery);
  core::Result<std::vector<std::string>> NewRecoveryCodes(const core::User& user);
  // The user's raw TOTP key; Error{no-totp-secret} (and an error log line) when
  // there is none or it was sealed under another key.
  core::Result<std::string> OpenSecret(const core::User& user) const;
  // A recovery code's hash as stored before hashes followed the TOTP secret.
  std::string LegacyRecoveryCodeHash(std::string_view user_id, std::string_view code) const;
  void Audit(std::string type, const std::string& user_id, const core::ClientInfo& client) const;

  store::Store& store_;
  const core::Clock& clock_;
  const config::Config& config_;
  SessionService& sessions_;
  const crypto::SecretBox box_;
};

}  // namespace gh::auth
