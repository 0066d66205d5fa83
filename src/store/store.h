// store::Store: everything Gatehouse keeps, behind one interface with two
// implementations (sqlite/ and postgres/). Flows see only this file.
//
// Thread safety: a Store and its sub-stores are safe to call from many threads
// at once; each call is blocking and runs on a worker thread, never on a socket
// thread. Each call is atomic on its own (one transaction).
//
// Errors: a unique-constraint conflict on a user's email (or phone) is
// Error{email-already-in-use} (or {phone-already-in-use}); a database that cannot
// be reached is Error{service-unavailable} with retry_after_seconds set; any other
// failure is Error{internal-server-error} with the detail logged, not returned.
//
// Nothing here is SQLite-specific: ids are UUID text, times are UnixMillis
// integers, JSON is text, booleans are booleans.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/types.h"

namespace gh::store {

using core::Result;

class Users {
 public:
  virtual ~Users() = default;
  // Inserts a new user (id, times and every field as given). Fails with
  // email-already-in-use when another user has the same email.
  virtual Result<void> Create(const core::User& user) = 0;
  virtual Result<std::optional<core::User>> FindById(std::string_view id) = 0;
  // The user of session `session_id` while that session is live (not revoked,
  // expires_at > now); nullopt when there is no such session or it has ended.
  // One statement on primary keys: GET /user's only read.
  virtual Result<std::optional<core::User>> FindByLiveSession(std::string_view session_id,
                                                              core::UnixMillis now) = 0;
  // REQUIRES: email is already normalised (core::NormalizeEmail, core/text.h).
  virtual Result<std::optional<core::User>> FindByEmail(std::string_view email) = 0;
  virtual Result<std::optional<core::User>> FindByPhone(std::string_view e164) = 0;
  // Replaces every column of the user with this id (roles too). Fails with
  // user-not-found when no such user, email-already-in-use on a conflict.
  virtual Result<void> Update(const core::User& user) = 0;
  virtual Result<void> Delete(std::string_view id) = 0;
  // Users ordered by id, strictly after `after_id` (empty = from the start).
  virtual Result<std::vector<core::User>> List(std::string_view after_id, int limit) = 0;
  virtual Result<int64_t> Count() = 0;
  // Deletes anonymous users created before `before` (with everything of
  // theirs, as Delete does); returns how many.
  virtual Result<int> DeleteAnonymousCreatedBefore(core::UnixMillis before) = 0;
  // Records that a message of `kind` went out to the user at `at`, touching
  // that one column (a flow may be rewriting the rest of the row meanwhile).
  // An unknown id is not an error: the mail went out all the same.
  virtual Result<void> MarkSent(std::string_view user_id, core::SentMessage kind,
                                core::UnixMillis at) = 0;
};

// What happened when a refresh token was presented.
enum class RotateStatus {
  kRotated,         // the token was current; `current` is its new successor
  kGraceSuccessor,  // already rotated, within the grace window: `current` is that successor
  kNotFound,        // no such token
  kExpired,         // the token or its session has expired
  kRevoked,         // the session was revoked (sign-out, reuse, password change)
  kReuseDetected,   // rotated before the grace window: the session is now revoked
};

struct RotateRequest {
  std::string presented_hash;  // SHA-256 hex of the presented token
  // The successor to insert when the presented token is current. Its id,
  // token_hash, created_at and expires_at are set by the caller; session_id,
  // user_id and parent_id are filled in by the store.
  core::RefreshTokenRecord successor;
  core::UnixMillis now = 0;
  int64_t grace_millis = 10'000;
  // Where the refresh comes from: a rotation writes them to the session
  // (refreshed_user_agent, refreshed_ip) with refreshed_at.
  core::ClientInfo client;
};

struct RotateResult {
  RotateStatus status = RotateStatus::kNotFound;
  core::RefreshTokenRecord current;  // set for kRotated and kGraceSuccessor
  core::SessionRecord session;       // set unless kNotFound
  // The session's user, when the store read it in the same step as the
  // rotation (PostgreSQL does, saving a round trip); else the caller reads it.
  std::optional<core::User> user;
};

class Sessions {
 public:
  virtual ~Sessions() = default;
  // Creates the session and its first refresh token in one transaction, and
  // sets the user's last_sign_in_at to the session's created_at in it: every
  // sign-in starts a session, and a refresh (Rotate) is not a sign-in.
  virtual Result<void> Create(const core::SessionRecord& session,
                              const core::RefreshTokenRecord& first_token) = 0;
  // The whole rotation in one transaction; two callers rotating the same token
  // at once see exactly one kRotated and one kGraceSuccessor with the same successor.
  virtual Result<RotateResult> Rotate(const RotateRequest& request) = 0;
  virtual Result<std::optional<core::SessionRecord>> Find(std::string_view session_id) = 0;
  // The session whose token chain contains this token hash (current or past).
  virtual Result<std::optional<core::SessionRecord>> FindByTokenHash(std::string_view hash) = 0;
  // Sets the assurance level and methods of a live session (a step-up after a
  // second factor) and, in the same transaction, makes `fresh_token` the
  // session's current refresh token: the one that was current counts as
  // rotated at `now` (its successor is `fresh_token`), and the session is
  // extended to fresh_token.expires_at. Later access tokens of the session
  // carry the new level. The caller sets the token's id, token_hash,
  // created_at and expires_at; the store fills in the rest. Returns false
  // (and changes nothing) when the session is unknown, revoked or expired.
  virtual Result<bool> Elevate(std::string_view session_id, std::string_view aal,
                               std::string_view amr, const core::RefreshTokenRecord& fresh_token,
                               core::UnixMillis now) = 0;
  // Revokes one session; a no-op when already revoked.
  virtual Result<void> Revoke(std::string_view session_id, std::string_view reason,
                              core::UnixMillis now) = 0;
  // Revokes every live session of the user, except `keep_session_id` when non-empty.
  virtual Result<int> RevokeAllForUser(std::string_view user_id, std::string_view reason,
                                       core::UnixMillis now,
                                       std::string_view keep_session_id = {}) = 0;
  // Live (not revoked, not expired) sessions of the user, newest first.
  virtual Result<std::vector<core::SessionRecord>> ListForUser(std::string_view user_id,
                                                               core::UnixMillis now) = 0;
  // Deletes sessions that expired or were revoked before `before`.
  virtual Result<int> Purge(core::UnixMillis before) = 0;
};

class Identities {
 public:
  virtual ~Identities() = default;
  virtual Result<void> Create(const core::Identity& identity) = 0;
  virtual Result<std::optional<core::Identity>> Find(std::string_view provider,
                                                     std::string_view provider_user_id) = 0;
  virtual Result<std::vector<core::Identity>> ListForUser(std::string_view user_id) = 0;
  virtual Result<void> Delete(std::string_view id) = 0;
  // Replaces the email, data, sealed tokens and updated_at of the identity with
  // this id (after each sign-in through it). A missing id is not an error.
  virtual Result<void> Update(const core::Identity& identity) = 0;
  // Deletes every identity of the user at `provider`; returns how many.
  virtual Result<int> DeleteForUser(std::string_view user_id, std::string_view provider) = 0;
};

// A sign-in at an OAuth provider in flight: what the redirect to the provider
// must find again when the browser comes back to the callback. The state itself
// is never stored, only its SHA-256.
struct OAuthRequest {
  std::string
      state_hash;  // hex SHA-256 of the state sent to the provider (and the browser's binding)
  std::string provider;
  std::string code_verifier;  // PKCE; empty when the provider has none
  std::string nonce;          // expected in the ID token; empty when none
  std::string redirect_to;
  std::string options_json = "{}";             // sign-up options and flags of the request
  std::optional<std::string> connect_user_id;  // set when linking to a signed-in user
  core::UnixMillis created_at = 0;
  core::UnixMillis expires_at = 0;
};

// A one-time code the app trades for a session (instead of a refresh token in
// the redirect URL). Only its SHA-256 is stored.
struct OAuthGrant {
  std::string code_hash;
  std::string user_id;
  std::string amr;  // methods that led here ("oauth")
  std::string provider;
  core::UnixMillis created_at = 0;
  core::UnixMillis expires_at = 0;
  // The app's PKCE challenge the redemption must answer; empty = none.
  std::string code_challenge;
  std::string code_challenge_method;  // "s256" or "plain"
};

class OAuthState {
 public:
  virtual ~OAuthState() = default;
  virtual Result<void> InsertRequest(const OAuthRequest& request) = 0;
  // Deletes the request with this state hash and returns it, in one statement:
  // of any number of callers racing with the same state, at most one gets it.
  // An expired request (expires_at <= now) is deleted and not returned.
  virtual Result<std::optional<OAuthRequest>> TakeRequest(std::string_view state_hash,
                                                          core::UnixMillis now) = 0;
  virtual Result<void> InsertGrant(const OAuthGrant& grant) = 0;
  // As TakeRequest, for grant codes. `now` = 0 returns an expired grant too
  // (still deleting it), so the caller can tell a late code from an unknown one.
  virtual Result<std::optional<OAuthGrant>> TakeGrant(std::string_view code_hash,
                                                      core::UnixMillis now) = 0;
  // Deletes requests and grants that expired before `before`; returns how many.
  virtual Result<int> Purge(core::UnixMillis before) = 0;
};

class OneTimeCodes {
 public:
  virtual ~OneTimeCodes() = default;
  virtual Result<void> Insert(const core::OneTimeCode& code) = 0;
  // The unconsumed code with this purpose and hash, expired or not.
  virtual Result<std::optional<core::OneTimeCode>> FindByHash(std::string_view purpose,
                                                              std::string_view code_hash) = 0;
  // The newest unconsumed code of this purpose sent to this recipient.
  virtual Result<std::optional<core::OneTimeCode>> FindLatest(std::string_view purpose,
                                                              std::string_view recipient) = 0;
  // Adds one wrong try; returns the count after the increment.
  virtual Result<int> RecordFailedAttempt(std::string_view id) = 0;
  // Marks the code used. Returns true for exactly one caller (compare-and-set).
  virtual Result<bool> Consume(std::string_view id, core::UnixMillis now) = 0;
  // Consumes every open code of this purpose for this recipient (after a resend).
  virtual Result<void> ConsumeAll(std::string_view purpose, std::string_view recipient,
                                  core::UnixMillis now) = 0;
  virtual Result<int> Purge(core::UnixMillis before) = 0;
};

// The second factors of users (core::MfaFactor), one row each. Every write
// also sets the user's summary (core::User::verified_mfa_type) in the same
// transaction, and, for rollback to a release that read them, the users
// columns active_mfa_type and totp_secret_encrypted (see migration 5).
class Factors {
 public:
  virtual ~Factors() = default;
  // Inserts a new factor (id and every field as given). A missing user is
  // Error{user-not-found}.
  virtual Result<void> Create(const core::MfaFactor& factor) = 0;
  // The user's factors, oldest first (created_at, then id).
  virtual Result<std::vector<core::MfaFactor>> ListForUser(std::string_view user_id) = 0;
  virtual Result<std::optional<core::MfaFactor>> Find(std::string_view id) = 0;
  // Replaces friendly_name, secret_encrypted, updated_at, verified_at and
  // last_challenged_at of the factor with this id (id, user and type never
  // change). Returns false when there is no such factor.
  virtual Result<bool> Update(const core::MfaFactor& factor) = 0;
  // Deletes the factor; returns false when there was none.
  virtual Result<bool> Delete(std::string_view id) = 0;
};

// Users' passkeys (core::WebauthnCredential), one row each; a credential id
// belongs to one row in all.
class Passkeys {
 public:
  virtual ~Passkeys() = default;
  // Inserts the credential. Returns false (and writes nothing) when its
  // credential_id is already registered, to this user or another.
  virtual Result<bool> Create(const core::WebauthnCredential& credential) = 0;
  virtual Result<std::optional<core::WebauthnCredential>> FindByCredentialId(
      std::string_view credential_id) = 0;
  // The user's passkeys, oldest first (created_at, then id).
  virtual Result<std::vector<core::WebauthnCredential>> ListForUser(std::string_view user_id) = 0;
  // Records a sign-in with the credential: sign count, backup state and
  // last use, only while its sign count is still `seen_sign_count` (two
  // assertions that raced on one counter: one wins). Returns whether it did.
  virtual Result<bool> RecordUse(std::string_view id, int64_t seen_sign_count,
                                 int64_t new_sign_count, bool backed_up, core::UnixMillis now) = 0;
  // Deletes the user's credential with this id; false when the user has none.
  virtual Result<bool> Delete(std::string_view user_id, std::string_view id) = 0;
};

// Users' personal access tokens (core::PersonalAccessToken), one row each,
// found by the SHA-256 of the token (the token itself is never stored), and
// the sessions each one started.
class PersonalAccessTokens {
 public:
  virtual ~PersonalAccessTokens() = default;
  // Inserts a new token row (id and every field as given); the user must exist.
  virtual Result<void> Create(const core::PersonalAccessToken& pat) = 0;
  // The token with this hash, expired or not (the caller decides).
  virtual Result<std::optional<core::PersonalAccessToken>> FindByHash(std::string_view hash) = 0;
  // The user's tokens, expired ones included, oldest first (created_at, then id).
  virtual Result<std::vector<core::PersonalAccessToken>> ListForUser(std::string_view user_id) = 0;
  // In one transaction, ends the live sessions the token `id` started (as
  // revoked at `now`, reason "pat-revoked") and deletes the token, if it
  // belongs to `user_id`; returns false when the user has no such token
  // (none, or another user's), and then changes nothing.
  virtual Result<bool> Revoke(std::string_view id, std::string_view user_id,
                              core::UnixMillis now) = 0;
  // Records a sign-in with the token: sets last_used_at and links the session
  // it started, so that Revoke ends it. Returns false when the token is gone
  // (revoked meanwhile): then nothing is recorded and the caller ends the session.
  virtual Result<bool> RecordSignIn(std::string_view id, std::string_view session_id,
                                    core::UnixMillis now) = 0;
  // Deletes the tokens that expired before `before`; returns how many.
  virtual Result<int> Purge(core::UnixMillis before) = 0;
};

// Second-factor state beside the factors themselves: recovery codes
// (stored only as keyed hashes), TOTP time steps already accepted (so a code
// works once) and recent failed second-factor attempts (for the lock-out).
class Mfa {
 public:
  virtual ~Mfa() = default;
  // Records that TOTP time step `step` was accepted for the user. Returns true
  // for exactly one caller per (user, step), however many race.
  virtual Result<bool> MarkTotpStepUsed(std::string_view user_id, int64_t step,
                                        core::UnixMillis now) = 0;
  // Replaces every recovery code of the user with `hashes` (empty = none left).
  virtual Result<void> ReplaceRecoveryCodes(std::string_view user_id,
                                            const std::vector<std::string>& hashes,
                                            core::UnixMillis now) = 0;
  // Marks the unused recovery code with this hash used. Returns true for
  // exactly one caller; false when there is no such unused code.
  virtual Result<bool> UseRecoveryCode(std::string_view user_id, std::string_view hash,
                                       core::UnixMillis now) = 0;
  // How many unused recovery codes the user has.
  virtual Result<int> CountRecoveryCodes(std::string_view user_id) = 0;
  // The hashes of the user's unused recovery codes, sorted (what `users export`
  // carries over to another store).
  virtual Result<std::vector<std::string>> ListRecoveryCodes(std::string_view user_id) = 0;
  // Counts a failed attempt in the user's current window (a window older than
  // `window_millis` starts afresh); returns the failures in the window so far.
  virtual Result<int> RecordFailure(std::string_view user_id, core::UnixMillis now,
                                    int64_t window_millis) = 0;
  // The failures in the user's window, 0 when it is older than `window_millis`.
  virtual Result<int> RecentFailures(std::string_view user_id, core::UnixMillis now,
                                     int64_t window_millis) = 0;
  virtual Result<void> ClearFailures(std::string_view user_id) = 0;
  // Forgets used TOTP steps recorded before `before`; returns how many.
  virtual Result<int> Purge(core::UnixMillis before) = 0;
};

class SigningKeys {
 public:
  virtual ~SigningKeys() = default;
  // Every key, newest first, retired ones included (they still verify).
  virtual Result<std::vector<core::SigningKeyRecord>> List() = 0;
  virtual Result<void> Insert(const core::SigningKeyRecord& key) = 0;
  virtual Result<void> Retire(std::string_view kid, core::UnixMillis at) = 0;
  // Deletes the key if it is retired; returns whether a row went. An active key
  // is never deleted here (it may be the one signing).
  virtual Result<bool> DeleteRetired(std::string_view kid) = 0;
};

// Which audit events an operator asks for: every filter left empty matches
// all. Pages go newest first and continue below `before_id` (keyset: a page
// costs the same at any depth of a log of millions).
struct AuditQuery {
  std::string user_id;         // "" = any user (and none)
  std::string type;            // "" = any type
  core::UnixMillis since = 0;  // at >= since
  core::UnixMillis until = 0;  // at < until; 0 = no upper bound
  int64_t before_id = 0;       // id < before_id; 0 = from the newest
  int limit = 50;
};

// An event as read back for a listing, with the row id that orders it.
struct ListedAuditEvent {
  int64_t id = 0;
  core::AuditEvent event;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual Result<void> Append(const core::AuditEvent& event) = 0;
  virtual Result<std::vector<core::AuditEvent>> ListForUser(std::string_view user_id,
                                                            int limit) = 0;
  // The events matching `query`, newest (highest id) first.
  virtual Result<std::vector<ListedAuditEvent>> List(const AuditQuery& query) = 0;
  // An event too frequent to keep (every token refresh): the stores keep
  // nothing; a log observed through ObservedStore reports it to its observer
  // (metrics), so it goes the same way as the kept ones.
  virtual void Notice(const core::AuditEvent& event) { (void)event; }
};

// Shared hit counters for limits that every instance must see (SMS and mail
// budgets): one row per key holding the hits of its current window, which
// opens at the key's first hit and lasts `window_millis`. Keys are hashes
// chosen by the caller (never an address: no personal data here).
struct CounterWindow {
  int64_t hits = 0;              // in the current window, this hit included
  core::UnixMillis ends_at = 0;  // when the current window closes
};

class Counters {
 public:
  virtual ~Counters() = default;
  // Adds one hit to `key_hash` at `now` in one statement, so concurrent hits
  // from any number of instances are each counted exactly once. A window that
  // has ended is replaced by a new one starting now.
  virtual Result<CounterWindow> Hit(std::string_view key_hash, core::UnixMillis now,
                                    int64_t window_millis) = 0;
  // Takes one hit back from `key_hash`'s window while it is open at `now` (an
  // attempt counted ahead that turned out not to count); never below zero.
  virtual Result<void> Forgive(std::string_view key_hash, core::UnixMillis now) = 0;
  // Deletes the windows that ended before `before`.
  virtual Result<int> Purge(core::UnixMillis before) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies pending numbered migrations; safe to call on every start and from
  // several processes at once (the second waits for the first).
  virtual Result<void> Migrate() = 0;
  // A cheap round trip for health checks.
  virtual Result<void> Ping() = 0;
  // Returns the stored value named `name`, storing `candidate` first when there
  // is none (the first writer wins; every caller sees the same value). Used for
  // instance-shared secrets such as the refresh-token derivation key.
  virtual Result<std::string> GetOrInsertSecret(std::string_view name,
                                                std::string_view candidate) = 0;

  virtual Users& users() = 0;
  virtual Sessions& sessions() = 0;
  virtual Identities& identities() = 0;
  virtual OneTimeCodes& codes() = 0;
  virtual SigningKeys& keys() = 0;
  virtual AuditLog& audit() = 0;
  virtual Mfa& mfa() = 0;
  virtual Factors& factors() = 0;
  virtual Passkeys& passkeys() = 0;
  virtual PersonalAccessTokens& pats() = 0;
  virtual OAuthState& oauth() = 0;
  virtual Counters& counters() = 0;
};

// Opens the store a database URL names: "sqlite:///path/to/file.db",
// "sqlite::memory:" or a bare path ending in .db (SQLite); "postgres://..." or
// "postgresql://..." (PostgreSQL, with every table in the schema `pg_schema`,
// which must match [a-z_][a-z0-9_]*; SQLite ignores it). Fails with
// Error{invalid-request} for an unsupported URL or a bad schema name. The
// PostgreSQL store connects lazily: an unreachable server shows up on the
// first call (Error{service-unavailable}), not here. A new SQLite file is
// created 0600 (and a missing folder 0700); an existing database file (or
// -wal, -shm, -journal) open to group or others, or a folder they may write
// without the sticky bit, fails with Error{invalid-request} saying what to
// chmod; a folder they may only read gets a warning on stderr.
Result<std::unique_ptr<Store>> OpenStore(std::string_view database_url, int pool_size = 8,
                                         std::string_view pg_schema = "auth");

// True when OpenStore knows the URL's kind (sqlite://, sqlite::memory:, a .db
// path, postgres://, postgresql://), so that `config check` and start-up refuse
// e.g. mysql:// before anything is opened.
bool IsSupportedDatabaseUrl(std::string_view database_url);

// True for a PostgreSQL URL ("postgres://", "postgresql://"): the one kind of
// database several instances may share, so limits must be counted there.
bool IsPostgresUrl(std::string_view database_url);

// Where the data lives, for the start-up banner: "SQLite ./data/gatehouse.db" or
// "PostgreSQL host:port/db, schema auth"; never the password.
std::string DescribeDatabase(std::string_view database_url, std::string_view pg_schema);

}  // namespace gh::store
