// The PostgreSQL schema as numbered migrations, embedded so the binary needs
// no files beside it. Version N here creates what version N of the SQLite
// store creates (sqlite/migrations.cc), in PostgreSQL types: TEXT ids, BIGINT
// unix millis, TEXT JSON (not jsonb, which would rewrite the caller's bytes),
// BOOLEAN booleans. A migration is never edited once released.
//
// Tables are created unqualified: every connection's search_path is the
// store's schema (see Connection), so one binary can serve several schemas.

#include <string>

#include "core/clock.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

struct Migration {
  int version;
  const char* sql;
};

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  applied_at BIGINT NOT NULL
)
)sql";

// Version 1: everything the first release keeps. Ids are COLLATE "C" so that
// Users::List pages in byte order, as in SQLite, whatever the database's
// locale. The unique constraints on users are named: ToError (pg_conn.cc)
// recognises email and phone conflicts by these names.
constexpr const char* kV1 = R"sql(
CREATE TABLE users (
  id                    TEXT COLLATE "C" PRIMARY KEY,
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL,
  last_seen             BIGINT,
  display_name          TEXT NOT NULL DEFAULT '',
  avatar_url            TEXT NOT NULL DEFAULT '',
  locale                TEXT NOT NULL DEFAULT '',
  email                 TEXT CONSTRAINT users_email_key UNIQUE,
  email_verified        BOOLEAN NOT NULL DEFAULT FALSE,
  new_email             TEXT,
  phone_number          TEXT CONSTRAINT users_phone_number_key UNIQUE,
  phone_number_verified BOOLEAN NOT NULL DEFAULT FALSE,
  password_hash         TEXT,
  default_role          TEXT NOT NULL,
  is_anonymous          BOOLEAN NOT NULL DEFAULT FALSE,
  disabled              BOOLEAN NOT NULL DEFAULT FALSE,
  metadata              TEXT NOT NULL DEFAULT '{}',
  active_mfa_type       TEXT,
  totp_secret_encrypted TEXT
);

-- Allowed roles; `position` keeps the order the caller gave.
CREATE TABLE user_roles (
  user_id  TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role     TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (user_id, role)
);

CREATE TABLE identities (
  id               TEXT COLLATE "C" PRIMARY KEY,
  user_id          TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider         TEXT NOT NULL,
  provider_user_id TEXT NOT NULL,
  email            TEXT,
  data             TEXT NOT NULL DEFAULT '{}',
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  UNIQUE (provider, provider_user_id)
);
CREATE INDEX identities_user_id ON identities (user_id);

CREATE TABLE sessions (
  id             TEXT COLLATE "C" PRIMARY KEY,
  user_id        TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at     BIGINT NOT NULL,
  refreshed_at   BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  user_agent     TEXT NOT NULL DEFAULT '',
  ip             TEXT NOT NULL DEFAULT '',
  aal            TEXT NOT NULL DEFAULT 'aal1',
  amr            TEXT NOT NULL DEFAULT '',
  revoked_at     BIGINT,
  revoked_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id ON sessions (user_id, created_at);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- parent_id has no foreign key: a chain is always deleted with its session.
CREATE TABLE refresh_tokens (
  id         TEXT COLLATE "C" PRIMARY KEY,
  session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id    TEXT COLLATE "C" NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  parent_id  TEXT COLLATE "C",
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  rotated_at BIGINT
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_parent_id ON refresh_tokens (parent_id);

CREATE TABLE one_time_codes (
  id          TEXT COLLATE "C" PRIMARY KEY,
  user_id     TEXT COLLATE "C" REFERENCES users(id) ON DELETE CASCADE,
  purpose     TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  code_hash   TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '{}',
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  consumed_at BIGINT
);
CREATE INDEX one_time_codes_hash ON one_time_codes (purpose, code_hash);
CREATE INDEX one_time_codes_recipient ON one_time_codes (purpose, recipient, created_at);
CREATE INDEX one_time_codes_expires_at ON one_time_codes (expires_at);

-- Reserved for multi-factor enrolment beyond the single TOTP secret on users.
CREATE TABLE mfa_factors (
  id               TEXT COLLATE "C" PRIMARY KEY,
  user_id          TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type             TEXT NOT NULL,
  secret_encrypted TEXT,
  created_at       BIGINT NOT NULL,
  verified_at      BIGINT
);
CREATE INDEX mfa_factors_user_id ON mfa_factors (user_id);

CREATE TABLE signing_keys (
  kid         TEXT COLLATE "C" PRIMARY KEY,
  algorithm   TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  public_pem  TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  retired_at  BIGINT
);

-- The surrogate id only orders events written in the same millisecond.
CREATE TABLE audit_log (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         BIGINT NOT NULL,
  type       TEXT NOT NULL,
  user_id    TEXT COLLATE "C",
  ip         TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  data       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_user_id ON audit_log (user_id, at);

CREATE TABLE secrets (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql";

// Version 2: second-factor state (recovery codes, used TOTP steps, lock-out).
constexpr const char* kV2 = R"sql(
CREATE TABLE mfa_recovery_codes (
  user_id    TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash  TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  used_at    BIGINT,
  PRIMARY KEY (user_id, code_hash)
);

-- One row per accepted TOTP time step: the primary key makes a code single-use.
CREATE TABLE mfa_used_totp_steps (
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  step    BIGINT NOT NULL,
  used_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, step)
);
CREATE INDEX mfa_used_totp_steps_used_at ON mfa_used_totp_steps (used_at);

CREATE TABLE mfa_failures (
  user_id      TEXT COLLATE "C" PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  window_start BIGINT NOT NULL,
  failures     INTEGER NOT NULL
);
)sql";

// Version 3: social / OIDC sign-in. Requests in flight between the redirect to
// the provider and its callback (keyed by the state's hash), one-time grant
// codes the app trades for a session, and the provider's tokens on identities
// (sealed with the server's key; see auth/oauth.cc).
constexpr const char* kV3 = R"sql(
CREATE TABLE oauth_requests (
  state_hash      TEXT COLLATE "C" PRIMARY KEY,
  provider        TEXT NOT NULL,
  code_verifier   TEXT NOT NULL DEFAULT '',
  nonce           TEXT NOT NULL DEFAULT '',
  redirect_to     TEXT NOT NULL DEFAULT '',
  options         TEXT NOT NULL DEFAULT '{}',
  connect_user_id TEXT COLLATE "C" REFERENCES users(id) ON DELETE CASCADE,
  created_at      BIGINT NOT NULL,
  expires_at      BIGINT NOT NULL
);
CREATE INDEX oauth_requests_expires_at ON oauth_requests (expires_at);

CREATE TABLE oauth_grants (
  code_hash  TEXT COLLATE "C" PRIMARY KEY,
  user_id    TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  amr        TEXT NOT NULL DEFAULT '',
  provider   TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_grants_expires_at ON oauth_grants (expires_at);

ALTER TABLE identities ADD COLUMN access_token_encrypted TEXT NOT NULL DEFAULT '';
ALTER TABLE identities ADD COLUMN refresh_token_encrypted TEXT NOT NULL DEFAULT '';
)sql";

// Version 4: what both dialects keep about a user (core::User). Times instead
// of booleans: when the email and the phone were confirmed, the last sign-in,
// an invitation, a ban, and when the last message of each kind was sent; and
// app metadata (what the server and operators keep, apart from the user's own
// metadata).
//
// Filling the rows already there:
// - A verified address gets updated_at as its confirmation time. The release
//   before kept no time; every verification rewrote the row with updated_at,
//   so that is the latest the proof can have happened (and exactly when, for a
//   row not changed since). created_at would claim a proof before there was one.
// - last_sign_in_at is the start of the user's newest session still kept
//   (every sign-in starts one; purged sessions are gone, so older users may
//   keep NULL).
// - app_metadata.provider is how the user signed up: "anonymous" for an
//   anonymous user; else the provider of an identity linked within a minute of
//   the user's creation (an OAuth sign-up creates both in one request); else
//   "email" or "phone" by the address the row has; else its first identity.
//   app_metadata.providers is every sign-in method, sorted, each once: the
//   sign-up method, "email" for an email with a password, "phone" for a
//   verified phone, and each linked identity's provider. The flows keep both
//   from here on (auth/app_metadata.h).
// - The email_verified and phone_number_verified columns stay, and every write
//   keeps them equal to what the times say (codec::BindUser): the release
//   before reads them, so a rollback to it still sees who is verified. It does
//   not know banned_until: after a rollback a banned user is not refused
//   until this release runs again. Rows it writes leave the new columns as they
//   were; a verification it records shows as a true boolean with a NULL time,
//   which codec::ReadUser reads as confirmed at updated_at.
constexpr const char* kV4 = R"sql(
ALTER TABLE users
  ADD COLUMN email_confirmed_at BIGINT,
  ADD COLUMN phone_confirmed_at BIGINT,
  ADD COLUMN banned_until BIGINT,
  ADD COLUMN app_metadata TEXT NOT NULL DEFAULT '{}',
  ADD COLUMN last_sign_in_at BIGINT,
  ADD COLUMN invited_at BIGINT,
  ADD COLUMN confirmation_sent_at BIGINT,
  ADD COLUMN recovery_sent_at BIGINT,
  ADD COLUMN email_change_sent_at BIGINT,
  ADD COLUMN phone_change_sent_at BIGINT,
  ADD COLUMN reauthentication_sent_at BIGINT;

UPDATE users SET email_confirmed_at = updated_at WHERE email_verified;
UPDATE users SET phone_confirmed_at = updated_at WHERE phone_number_verified;
UPDATE users SET last_sign_in_at =
  (SELECT MAX(s.created_at) FROM sessions s WHERE s.user_id = users.id);

WITH signup AS (
  SELECT u.id AS user_id, CASE
    WHEN u.is_anonymous THEN 'anonymous'
    WHEN EXISTS (SELECT 1 FROM identities i
                 WHERE i.user_id = u.id AND i.created_at <= u.created_at + 60000)
      THEN (SELECT i.provider FROM identities i WHERE i.user_id = u.id
            ORDER BY i.created_at, i.id LIMIT 1)
    WHEN u.email IS NOT NULL THEN 'email'
    WHEN u.phone_number IS NOT NULL THEN 'phone'
    ELSE (SELECT i.provider FROM identities i WHERE i.user_id = u.id
          ORDER BY i.created_at, i.id LIMIT 1)
    END AS provider
  FROM users u
),
-- UNION keeps each method once.
methods AS (
  SELECT user_id, provider AS method FROM signup WHERE provider IS NOT NULL
  UNION SELECT id, 'email' FROM users WHERE email IS NOT NULL AND password_hash IS NOT NULL
  UNION SELECT id, 'phone' FROM users WHERE phone_number IS NOT NULL AND phone_number_verified
  UNION SELECT user_id, provider FROM identities
),
lists AS (
  SELECT s.user_id, s.provider,
         COALESCE((SELECT json_agg(m.method ORDER BY m.method COLLATE "C")
                   FROM methods m WHERE m.user_id = s.user_id), '[]'::json) AS providers
  FROM signup s
)
UPDATE users u SET app_metadata = (CASE
    WHEN l.provider IS NULL THEN json_build_object('providers', l.providers)
    ELSE json_build_object('provider', l.provider, 'providers', l.providers) END)::jsonb::text
FROM lists l WHERE l.user_id = u.id;
)sql";

// Version 5: second factors become rows of their own (mfa_factors, unused
// until now, gains a label, an update time and the last challenge), so that a
// user can hold several (TOTP now, phone and WebAuthn later). Every user is
// carried forward: active_mfa_type 'totp' becomes one verified TOTP factor
// with the same sealed secret (recovery codes stay as they are: they are keyed
// by that secret and the user), and a secret without an active type (an
// enrolment in progress) becomes an unverified factor. A user marked 'totp'
// without a secret gets a verified factor without one, so that sign-in still
// asks for a second factor it cannot check, as before.
//
// users.active_mfa_type and users.totp_secret_encrypted stay, and stay
// written: every factor write sets them from the factors in the same
// transaction (codec::kSyncUserMfaColumns). The release before this one reads
// them, so after a rollback to it each user still has the second factor they
// have now, not the one they had at the upgrade (a TOTP switched off since
// would lock them out; one switched on since would silently stop being asked
// for). active_mfa_type also serves as the summary core::User reads without a
// join. Factors a rolled-back binary changes are not carried forward again.
constexpr const char* kV5 = R"sql(
ALTER TABLE mfa_factors ADD COLUMN friendly_name TEXT NOT NULL DEFAULT '';
ALTER TABLE mfa_factors ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mfa_factors ADD COLUMN last_challenged_at BIGINT;

INSERT INTO mfa_factors (id, user_id, type, friendly_name, secret_encrypted, created_at,
                         updated_at, verified_at)
SELECT gen_random_uuid()::text, u.id, 'totp', '', u.totp_secret_encrypted, u.updated_at,
       u.updated_at, CASE WHEN u.active_mfa_type = 'totp' THEN u.updated_at END
FROM users u
WHERE (u.active_mfa_type = 'totp' OR u.totp_secret_encrypted IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM mfa_factors f WHERE f.user_id = u.id);
)sql";

// Version 6: shared hit counters (store::Counters) for the SMS and mail
// budgets several instances must share. key_hash is a SHA-256 of the rule and
// the number or address, never the address itself.
constexpr const char* kV6 = R"sql(
CREATE TABLE rate_counters (
  key_hash   TEXT COLLATE "C" PRIMARY KEY,
  window_end BIGINT NOT NULL,
  hits       BIGINT NOT NULL
);
CREATE INDEX rate_counters_window_end ON rate_counters (window_end);
)sql";

// Version 7: personal access tokens, a user's long-lived credentials for
// scripts and tools, traded for a session at sign-in. Only the SHA-256 of a
// token is kept (token_hash, unique: the sign-in looks it up); expires_at is
// required. personal_access_token_sessions names the sessions each token
// started, so that revoking the token ends them too. New tables: no row of an
// older version needs carrying forward.
constexpr const char* kV7 = R"sql(
CREATE TABLE personal_access_tokens (
  id           TEXT COLLATE "C" PRIMARY KEY,
  user_id      TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash   TEXT NOT NULL UNIQUE,
  metadata     TEXT NOT NULL DEFAULT '{}',
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX personal_access_tokens_user_id ON personal_access_tokens (user_id, created_at);
CREATE INDEX personal_access_tokens_expires_at ON personal_access_tokens (expires_at);

CREATE TABLE personal_access_token_sessions (
  pat_id     TEXT COLLATE "C" NOT NULL REFERENCES personal_access_tokens(id) ON DELETE CASCADE,
  session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  PRIMARY KEY (pat_id, session_id)
);
CREATE INDEX personal_access_token_sessions_session_id
  ON personal_access_token_sessions (session_id);
)sql";

// Version 8: passkeys (WebAuthn credentials), a table of their own: a passkey
// signs in on its own, so it is no second factor (mfa_factors rows are asked
// for after a password), and it needs what a factor row has no place for:
// the authenticator's credential id, unique over all users because sign-in
// without an email finds the user by it, the public key and the sign count.
// No existing row changes.
constexpr const char* kV8 = R"sql(
CREATE TABLE webauthn_credentials (
  id              TEXT COLLATE "C" PRIMARY KEY,
  user_id         TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  credential_id   TEXT COLLATE "C" NOT NULL UNIQUE,
  public_key      TEXT NOT NULL,
  sign_count      BIGINT NOT NULL DEFAULT 0,
  aaguid          TEXT NOT NULL DEFAULT '',
  transports      TEXT NOT NULL DEFAULT '',
  nickname        TEXT NOT NULL DEFAULT '',
  backup_eligible BOOLEAN NOT NULL DEFAULT FALSE,
  backed_up       BOOLEAN NOT NULL DEFAULT FALSE,
  created_at      BIGINT NOT NULL,
  last_used_at    BIGINT
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id, created_at);
)sql";

// Version 9: what a session's last refresh came from (devices and sessions
// lists). refreshed_at already says when; the address and user agent of that
// refresh get columns of their own beside the sign-in's, which stay as they
// were. A session never refreshed since sign-in was last seen from where it
// signed in, so existing rows take their sign-in values.
constexpr const char* kV9 = R"sql(
ALTER TABLE sessions ADD COLUMN refreshed_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN refreshed_user_agent TEXT NOT NULL DEFAULT '';
UPDATE sessions SET refreshed_ip = ip, refreshed_user_agent = user_agent;
)sql";

// Version 10: grant codes may answer an app's PKCE challenge (GoTrue's flow:
// the code reaches the app in a URL, the verifier never leaves it). Grants
// issued before had none.
constexpr const char* kV10 = R"sql(
ALTER TABLE oauth_grants ADD COLUMN code_challenge TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_grants ADD COLUMN code_challenge_method TEXT NOT NULL DEFAULT '';
)sql";

constexpr Migration kMigrations[] = {
    {1, kV1}, {2, kV2}, {3, kV3}, {4, kV4}, {5, kV5},
    {6, kV6}, {7, kV7}, {8, kV8}, {9, kV9}, {10, kV10},
};

// The advisory lock's first key: "GhMi". The second is the schema name's hash,
// so stores in different schemas (tests, several apps) migrate in parallel.
constexpr int kAdvisoryLockClass = 0x47684d69;

}  // namespace

const char* MigrationSql(int version) {
  for (const Migration& m : kMigrations)
    if (m.version == version) return m.sql;
  return nullptr;
}

std::vector<int> KnownMigrationVersions() {
  std::vector<int> versions;
  for (const Migration& m : kMigrations) versions.push_back(m.version);
  return versions;
}

Result<void> ApplyMigrations(Db& db, const std::string& schema, int up_to_version) {
  if (!ValidSchemaName(schema)) {  // spliced into SQL below; checked by OpenPgStore too
    return core::Error(core::errc::kInvalidRequest, "Invalid PostgreSQL schema name");
  }
  const std::string create_schema = "CREATE SCHEMA IF NOT EXISTS " + schema;
  return db.Transaction("migrate", [&](Connection& conn) -> Result<void> {
    // Held until COMMIT: a second process blocks here, then sees our rows.
    conn.Run("SELECT pg_advisory_xact_lock($1::integer, hashtext($2))",
             Params().Add(kAdvisoryLockClass).Add(schema));
    conn.Exec(create_schema.c_str());
    conn.Exec(kCreateMigrationsTable);
    for (const Migration& m : kMigrations) {
      if (m.version > up_to_version) break;
      PgResult applied =
          conn.Run("SELECT 1 FROM schema_migrations WHERE version = $1", Params().Add(m.version));
      if (applied.rows() > 0) continue;
      conn.Exec(m.sql);
      conn.Run("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
               Params().Add(m.version).Add(core::SystemClock::Instance().NowMillis()));
    }
    return core::Ok();
  });
}

}  // namespace gh::store::postgres
