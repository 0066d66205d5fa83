// Plain domain types shared by every layer: users, sessions, refresh tokens,
// identities, MFA factors, personal access tokens, one-time codes, signing
// keys and audit events.
//
// These are value types with no behaviour beyond small helpers; the store
// persists them and the flows reason about them. Metadata is kept as JSON text
// so that this layer needs no JSON library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace gh::core {

// A person's account. What both dialects show is kept once: a confirmation is
// the time it happened (email_confirmed_at), and the booleans the native
// dialect shows (emailVerified) are derived from it.
struct User {
  std::string id;  // UUID v4, lower-case
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::optional<UnixMillis> last_seen;
  std::string display_name;
  std::string avatar_url;
  std::string locale;
  std::optional<std::string> email;              // normalised (trimmed, lower-cased)
  std::optional<UnixMillis> email_confirmed_at;  // when the address was last proven
  std::optional<std::string> new_email;          // pending email change
  std::optional<std::string> phone_number;       // E.164
  std::optional<UnixMillis> phone_confirmed_at;
  std::optional<std::string> password_hash;  // Argon2id ($argon2id$...) or bcrypt ($2a$/$2b$/$2y$)
  std::string default_role;
  std::vector<std::string> roles;  // allowed roles; always contains default_role
  bool is_anonymous = false;
  bool disabled = false;                   // by an operator, until undone
  std::optional<UnixMillis> banned_until;  // refused like `disabled` while in the future
  std::string metadata_json = "{}";        // the user's own metadata: a JSON object, as text
  // What the server and operators keep about the user, which the user cannot
  // change: "provider" (how they signed up: "email", "phone", "anonymous" or an
  // identity provider), "providers" (every sign-in method, sorted) and whatever
  // an operator adds. A JSON object, as text.
  std::string app_metadata_json = "{}";
  std::optional<UnixMillis> last_sign_in_at;  // when the last session started
  std::optional<UnixMillis> invited_at;
  // When the last message of each kind went out.
  std::optional<UnixMillis> confirmation_sent_at;      // email verification
  std::optional<UnixMillis> recovery_sent_at;          // password reset
  std::optional<UnixMillis> email_change_sent_at;      // confirm a new address
  std::optional<UnixMillis> phone_change_sent_at;      // code for a new number
  std::optional<UnixMillis> reauthentication_sent_at;  // code before a sensitive change
  // Read-only summary kept by the store from the user's factors (MfaFactor):
  // the type of a verified second factor ("totp"), none without one. Users::Create
  // and Update never write it; factors are written through store::Factors.
  std::optional<std::string> verified_mfa_type;
  // Also read-only: whether the user has a TOTP factor at all, verified or
  // pending (the factors store keeps a secret on the row while one exists).
  // Lets a dialect that shows factors skip reading them for most users.
  bool has_totp_factor = false;

  bool email_verified() const { return email_confirmed_at.has_value(); }
  bool phone_number_verified() const { return phone_confirmed_at.has_value(); }
  // True while the account may not sign in or use a session: disabled, or
  // banned until a time after `now`. Every check of the account's standing
  // goes through here (auth::RequireActive), so the two are one rule.
  bool blocked(UnixMillis now) const {
    return disabled || (banned_until.has_value() && *banned_until > now);
  }
};

// The messages whose last sending time a user row keeps (User::*_sent_at).
enum class SentMessage { kConfirmation, kRecovery, kEmailChange, kPhoneChange, kReauthentication };

// Who is calling: recorded on sessions and audit events.
struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

// A sign-in session: one device's chain of refresh tokens.
struct SessionRecord {
  std::string id;  // UUID; the GoTrue `session_id` claim
  std::string user_id;
  UnixMillis created_at = 0;
  UnixMillis refreshed_at = 0;
  UnixMillis expires_at = 0;  // hard end of the session (refresh token TTL from last refresh)
  std::string user_agent;
  std::string ip;
  std::string aal = "aal1";
  std::string amr = "password";  // comma-separated methods, e.g. "password,totp"
  std::optional<UnixMillis> revoked_at;
  std::string revoked_reason;  // "signout", "reuse-detected", "password-changed", ...
  // Where the last refresh (at refreshed_at) came from; the sign-in's own
  // values until the first refresh (migration 9).
  std::string refreshed_user_agent;
  std::string refreshed_ip;
};

// One refresh token. Only the SHA-256 of the token is stored. Each use rotates it:
// the token gets `rotated_at` and a successor row whose `parent_id` points back.
struct RefreshTokenRecord {
  std::string id;  // UUID; the native `refreshTokenId`
  std::string session_id;
  std::string user_id;
  std::string token_hash;  // hex SHA-256 of the raw token
  std::optional<std::string> parent_id;
  UnixMillis created_at = 0;
  UnixMillis expires_at = 0;
  std::optional<UnixMillis> rotated_at;
};

// A linked sign-in identity at an OAuth/OIDC provider.
struct Identity {
  std::string id;
  std::string user_id;
  std::string provider;          // "github", "google", ...
  std::string provider_user_id;  // the provider's `sub` / id
  std::optional<std::string> email;
  std::string data_json = "{}";
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  // The provider's tokens from the last sign-in, sealed with crypto/secretbox
  // (never plaintext at rest); empty when the provider gave none.
  std::string access_token_encrypted;
  std::string refresh_token_encrypted;
};

// One second factor of a user. A user may have several (TOTP today; phone and
// WebAuthn are the next kinds). A factor is unverified from enrolment until a
// first correct code proves the user holds it; only verified factors are asked
// for at sign-in.
struct MfaFactor {
  std::string id;  // UUID
  std::string user_id;
  std::string type;                             // "totp"
  std::string friendly_name;                    // the user's label; may be empty
  std::optional<std::string> secret_encrypted;  // TOTP: the raw key sealed with crypto/secretbox
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::optional<UnixMillis> verified_at;  // set once: the factor is verified
  std::optional<UnixMillis> last_challenged_at;

  bool verified() const { return verified_at.has_value(); }
};

// A passkey: one WebAuthn public-key credential of a user. It signs in on
// its own (a first factor), so it is no MfaFactor and no second factor.
struct WebauthnCredential {
  std::string id;  // UUID; what the native API calls the security key's id
  std::string user_id;
  std::string credential_id;  // the authenticator's credential id, base64url (unique)
  std::string public_key;     // the COSE_Key as registered, base64url
  int64_t sign_count = 0;     // the last counter seen (0: the authenticator does not count)
  std::string aaguid;         // the authenticator model, 32 hex digits
  std::string transports;     // as the browser reported them, comma-separated
  std::string nickname;       // the user's label; may be empty
  bool backup_eligible = false;
  bool backed_up = false;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> last_used_at;
};

// A personal access token: a long-lived credential a user makes for scripts
// and tools and trades for a session (the native POST /signin/pat). The token
// itself is shown once, at creation; only its SHA-256 is stored.
struct PersonalAccessToken {
  std::string id;  // UUID
  std::string user_id;
  std::string token_hash;            // hex SHA-256 of the raw token
  std::string metadata_json = "{}";  // the user's own labels: a JSON object, as text
  UnixMillis created_at = 0;
  UnixMillis expires_at = 0;               // required; the token is refused from then on
  std::optional<UnixMillis> last_used_at;  // the last sign-in with it
};

// A single-use secret sent to a person (email code, magic link, reset ticket,
// SMS code, MFA ticket). Only its hash is stored.
struct OneTimeCode {
  std::string id;
  std::optional<std::string> user_id;
  std::string purpose;           // "email-verify", "magic-link", "email-otp", "password-reset", ...
  std::string recipient;         // normalised email or E.164 phone the code went to
  std::string code_hash;         // hex SHA-256 (keyed where the code is short)
  std::string data_json = "{}";  // e.g. redirectTo, newEmail
  UnixMillis created_at = 0;
  UnixMillis expires_at = 0;
  int attempts = 0;  // wrong tries so far
  std::optional<UnixMillis> consumed_at;
};

// A JWT signing key. Private material is stored as PEM (or raw secret for HS256).
struct SigningKeyRecord {
  std::string kid;
  std::string algorithm;  // "HS256", "ES256", "RS256", "EdDSA"
  std::string private_pem;
  std::string public_pem;  // empty for HS256
  UnixMillis created_at = 0;
  std::optional<UnixMillis> retired_at;  // set when rotated out: verifies, no longer signs
};

struct AuditEvent {
  UnixMillis at = 0;
  std::string type;  // "signup", "signin", "signin-failed", "token-reuse", "signout", ...
  std::optional<std::string> user_id;
  std::string ip;
  std::string user_agent;
  std::string data_json = "{}";
};

}  // namespace gh::core
