// The SQLite implementation of store::Store: the embedded default, one file in
// WAL mode (or an in-memory database for tests).
//
// Thread safety: safe to call from many threads at once, as store.h requires.
// Reads run on a small pool of connections in parallel; writes are serialised
// (see Db::Write in sqlite_db.h).
//
// The schema (migrations.cc) is meant to be mirrored by the PostgreSQL store:
// ids are UUID text, times are INTEGER unix milliseconds, JSON is TEXT and
// booleans are 0/1 integers read back as bool.
#pragma once

#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace gh::store::sqlite {

class Db;

// Opens (creating when missing) the database at `path`, or an in-memory one for
// ":memory:". Does not migrate: call Store::Migrate() before first use.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, int pool_size);

// The migration versions this binary knows, in order (for tests and `migrate`).
std::vector<int> KnownMigrationVersions();
// The SQL of migration `version` (null when there is none), for tests that
// build a database as an older release left it.
const char* MigrationSql(int version);

// Applies every migration not yet recorded in schema_migrations, each in its
// own write transaction. Idempotent; see Store::Migrate.
Result<void> ApplyMigrations(Db& db, int up_to_version = INT_MAX);

// --- The implementation classes; one .cc file each (see OpenSqliteStore). ---

class SqliteUsers final : public Users {
 public:
  explicit SqliteUsers(Db& db) : db_(db) {}
  Result<void> Create(const core::User& user) override;
  Result<std::optional<core::User>> FindById(std::string_view id) override;
  Result<std::optional<core::User>> FindByLiveSession(std::string_view session_id,
                                                      core::UnixMillis now) override;
  Result<std::optional<core::User>> FindByEmail(std::string_view email) override;
  Result<std::optional<core::User>> FindByPhone(std::string_view e164) override;
  Result<void> Update(const core::User& user) override;
  Result<void> Delete(std::string_view id) override;
  Result<std::vector<core::User>> List(std::string_view after_id, int limit) override;
  Result<int64_t> Count() override;
  Result<int> DeleteAnonymousCreatedBefore(core::UnixMillis before) override;
  Result<void> MarkSent(std::string_view user_id, core::SentMessage kind,
                        core::UnixMillis at) override;

 private:
  Db& db_;
};

class SqliteSessions final : public Sessions {
 public:
  explicit SqliteSessions(Db& db) : db_(db) {}
  Result<void> Create(const core::SessionRecord& session,
                      const core::RefreshTokenRecord& first_token) override;
  Result<RotateResult> Rotate(const RotateRequest& request) override;
  Result<std::optional<core::SessionRecord>> Find(std::string_view session_id) override;
  Result<std::optional<core::SessionRecord>> FindByTokenHash(std::string_view hash) override;
  Result<bool> Elevate(std::string_view session_id, std::string_view aal, std::string_view amr,
                       const core::RefreshTokenRecord& fresh_token, core::UnixMillis now) override;
  Result<void> Revoke(std::string_view session_id, std::string_view reason,
                      core::UnixMillis now) override;
  Result<int> RevokeAllForUser(std::string_view user_id, std::string_view reason,
                               core::UnixMillis now, std::string_view keep_session_id) override;
  Result<std::vector<core::SessionRecord>> ListForUser(std::string_view user_id,
                                                       core::UnixMillis now) override;
  Result<int> Purge(core::UnixMillis before) override;

 private:
  Db& db_;
};

class SqliteIdentities final : public Identities {
 public:
  explicit SqliteIdentities(Db& db) : db_(db) {}
  Result<void> Create(const core::Identity& identity) override;
  Result<std::optional<core::Identity>> Find(std::string_view provider,
                                             std::string_view provider_user_id) override;
  Result<std::vector<core::Identity>> ListForUser(std::string_view user_id) override;
  Result<void> Delete(std::string_view id) override;
  Result<void> Update(const core::Identity& identity) override;
  Result<int> DeleteForUser(std::string_view user_id, std::string_view provider) override;

 private:
  Db& db_;
};

class SqliteOAuthState final : public OAuthState {
 public:
  explicit SqliteOAuthState(Db& db) : db_(db) {}
  Result<void> InsertRequest(const OAuthRequest& request) override;
  Result<std::optional<OAuthRequest>> TakeRequest(std::string_view state_hash,
                                                  core::UnixMillis now) override;
  Result<void> InsertGrant(const OAuthGrant& grant) override;
  Result<std::optional<OAuthGrant>> TakeGrant(std::string_view code_hash,
                                              core::UnixMillis now) override;
  Result<int> Purge(core::UnixMillis before) override;

 private:
  Db& db_;
};

class SqliteCodes final : public OneTimeCodes {
 public:
  explicit SqliteCodes(Db& db) : db_(db) {}
  Result<void> Insert(const core::OneTimeCode& code) override;
  Result<std::optional<core::OneTimeCode>> FindByHash(std::string_view purpose,
                                                      std::string_view code_hash) override;
  Result<std::optional<core::OneTimeCode>> FindLatest(std::string_view purpose,
                                                      std::string_view recipient) override;
  Result<int> RecordFailedAttempt(std::string_view id) override;
  Result<bool> Consume(std::string_view id, core::UnixMillis now) override;
  Result<void> ConsumeAll(std::string_view purpose, std::string_view recipient,
                          core::UnixMillis now) override;
  Result<int> Purge(core::UnixMillis before) override;

 private:
  Db& db_;
};

class SqliteKeys final : public SigningKeys {
 public:
  explicit SqliteKeys(Db& db) : db_(db) {}
  Result<std::vector<core::SigningKeyRecord>> List() override;
  Result<void> Insert(const core::SigningKeyRecord& key) override;
  Result<void> Retire(std::string_view kid, core::UnixMillis at) override;
  Result<bool> DeleteRetired(std::string_view kid) override;

 private:
  Db& db_;
};

class SqliteAudit final : public AuditLog {
 public:
  explicit SqliteAudit(Db& db) : db_(db) {}
  Result<void> Append(const core::AuditEvent& event) override;
  Result<std::vector<core::AuditEvent>> ListForUser(std::string_view user_id, int limit) override;
  Result<std::vector<ListedAuditEvent>> List(const AuditQuery& query) override;

 private:
  Db& db_;
};

class SqliteMfa final : public Mfa {
 public:
  explicit SqliteMfa(Db& db) : db_(db) {}
  Result<bool> MarkTotpStepUsed(std::string_view user_id, int64_t step,
                                core::UnixMillis now) override;
  Result<void> ReplaceRecoveryCodes(std::string_view user_id,
                                    const std::vector<std::string>& hashes,
                                    core::UnixMillis now) override;
  Result<bool> UseRecoveryCode(std::string_view user_id, std::string_view hash,
                               core::UnixMillis now) override;
  Result<int> CountRecoveryCodes(std::string_view user_id) override;
  Result<std::vector<std::string>> ListRecoveryCodes(std::string_view user_id) override;
  Result<int> RecordFailure(std::string_view user_id, core::UnixMillis now,
                            int64_t window_millis) override;
  Result<int> RecentFailures(std::string_view user_id, core::UnixMillis now,
                             int64_t window_millis) override;
  Result<void> ClearFailures(std::string_view user_id) override;
  Result<int> Purge(core::UnixMillis before) override;

 private:
  Db& db_;
};

class SqliteFactors final : public Factors {
 public:
  explicit SqliteFactors(Db& db) : db_(db) {}
  Result<void> Create(const core::MfaFactor& factor) override;
  Result<std::vector<core::MfaFactor>> ListForUser(std::string_view user_id) override;
  Result<std::optional<core::MfaFactor>> Find(std::string_view id) override;
  Result<bool> Update(const core::MfaFactor& factor) override;
  Result<bool> Delete(std::string_view id) override;

 private:
  Db& db_;
};

class SqlitePasskeys final : public Passkeys {
 public:
  explicit SqlitePasskeys(Db& db) : db_(db) {}
  Result<bool> Create(const core::WebauthnCredential& credential) override;
  Result<std::optional<core::WebauthnCredential>> FindByCredentialId(
      std::string_view credential_id) override;
  Result<std::vector<core::WebauthnCredential>> ListForUser(std::string_view user_id) override;
  Result<bool> RecordUse(std::string_view id, int64_t seen_sign_count, int64_t new_sign_count,
                         bool backed_up, core::UnixMillis now) override;
  Result<bool> Delete(std::string_view user_id, std::string_view id) override;

 private:
  Db& db_;
};

class SqlitePats final : public PersonalAccessTokens {
 public:
  explicit SqlitePats(Db& db) : db_(db) {}
  Result<void> Create(const core::PersonalAccessToken& pat) override;
  Result<std::optional<core::PersonalAccessToken>> FindByHash(std::string_view hash) override;
  Result<std::vector<core::PersonalAccessToken>> ListForUser(std::string_view user_id) override;
  Result<bool> Revoke(std::string_view id, std::string_view user_id, core::UnixMillis now) override;
  Result<bool> RecordSignIn(std::string_view id, std::string_view session_id,
                            core::UnixMillis now) override;
  Result<int> Purge(core::UnixMillis before) override;

 private:
  Db& db_;
};

class SqliteCounters final : public Counters {
 public:
  explicit SqliteCounters(Db& db) : db_(db) {}
  Result<CounterWindow> Hit(std::string_view key_hash, core::UnixMillis now,
                            int64_t window_millis) override;
  Result<void> Forgive(std::string_view key_hash, core::UnixMillis now) override;
  Result<int> Purge(core::UnixMillis before) override;

 private:
  Db& db_;
};

class SqliteStore final : public Store {
 public:
  // Takes ownership of an open Db. See OpenSqliteStore.
  explicit SqliteStore(std::unique_ptr<Db> db);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<void> Migrate() override;
  // Applies the migrations numbered up to `version` only: how tests build a
  // database as an older release left it.
  Result<void> MigrateUpTo(int version) { return ApplyMigrations(*db_, version); }
  Result<void> Ping() override;
  Result<std::string> GetOrInsertSecret(std::string_view name, std::string_view candidate) override;

  Users& users() override { return users_; }
  Sessions& sessions() override { return sessions_; }
  Identities& identities() override { return identities_; }
  OneTimeCodes& codes() override { return codes_; }
  SigningKeys& keys() override { return keys_; }
  AuditLog& audit() override { return audit_; }
  Mfa& mfa() override { return mfa_; }
  Factors& factors() override { return factors_; }
  Passkeys& passkeys() override { return passkeys_; }
  PersonalAccessTokens& pats() override { return pats_; }
  OAuthState& oauth() override { return oauth_; }
  Counters& counters() override { return counters_; }

 private:
  std::unique_ptr<Db> db_;
  SqliteUsers users_;
  SqliteSessions sessions_;
  SqliteIdentities identities_;
  SqliteCodes codes_;
  SqliteKeys keys_;
  SqliteAudit audit_;
  SqliteMfa mfa_;
  SqliteFactors factors_;
  SqlitePasskeys passkeys_;
  SqlitePats pats_;
  SqliteOAuthState oauth_;
  SqliteCounters counters_;
};

}  // namespace gh::store::sqlite
