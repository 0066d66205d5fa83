// PgSessions: sessions and their refresh-token chains, including rotation
// (the hottest write path of the server). The rows and statements are the
// codec's (codec/sessions.h), the rotation rule is store/rotation.h; this file
// supplies the steps under row locks, plus the one-statement refresh of a
// current token.

#include "store/codec/sessions.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/user_columns.h"
#include "store/rotation.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kSelectSession(codec::kSelectSession);
constexpr PgSql kSelectSessionByTokenHash(codec::kSelectSessionByTokenHash);
constexpr PgSql kSelectLiveSessions(codec::kSelectLiveSessions);
constexpr PgSql kRevokeSession(codec::kRevokeSession);
constexpr PgSql kElevateSession(codec::kElevateSession);
constexpr PgSql kInsertStepUpToken(codec::kInsertStepUpToken);
constexpr PgSql kRetireSessionTokens(codec::kRetireSessionTokens);
constexpr PgSql kExtendSession(codec::kExtendSession);
constexpr PgSql kRevokeAllForUser(codec::kRevokeAllForUser);
constexpr PgSql kPurgeSessions(codec::kPurgeSessions);
constexpr PgSql kSelectTokenByParent(codec::kSelectTokenByParent);

// Rotation, step 1: lock the session the presented token belongs to. Every
// change to a chain (rotation, revocation, purge, user deletion) locks or
// deletes the session row first, so this one lock orders all of them, and
// taking the session before the token matches the order cascading deletes use.
constexpr const char* kLockSessionByTokenHash =
    "SELECT " GH_SESSION_COLUMNS_OF("s.")
    " FROM sessions s WHERE s.id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1) "
    "FOR UPDATE";
// Step 2: the token itself, read after the session lock was granted. Under READ
// COMMITTED this statement takes a fresh snapshot, so a caller that waited for
// a concurrent rotation sees that rotation's rotated_at and successor.
constexpr const char* kLockTokenByHash =
    "SELECT " GH_TOKEN_COLUMNS " FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE";
// Step 3 for a current token: mark it rotated, insert its successor and extend
// the session, in one round trip.
constexpr const char* kRotate =
    "WITH rotated AS (UPDATE refresh_tokens SET rotated_at = $1 WHERE id = $2), "
    "successor AS (INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS
    ") VALUES ($3, $4, $5, $6, $2, $7, $8, NULL)) "
    "UPDATE sessions SET refreshed_at = $1, expires_at = $8, refreshed_user_agent = $9, "
    "refreshed_ip = $10 WHERE id = $4";

// The common case of a refresh, a current token of a live session, in ONE
// statement (no BEGIN/COMMIT): lock the session, mark the token rotated,
// insert its successor, extend the session, and read the session and its user.
// Lock order matches the locked path below (session first, then token): the
// token row is updated only once the join with the locked session yields it.
// Under READ COMMITTED a concurrent rotation of the same token makes the
// token's `rotated_at IS NULL` re-check fail after the wait, and a concurrent
// revocation makes the session's re-check fail: either way no row comes back
// and the caller takes the locked path, which tells grace, reuse and
// revocation apart. Its conditions are JudgeRotation's kRotate
// (store/rotation.h) said in SQL. $1 presented hash, $2 now, $3 successor id, $4 successor
// hash, $5 successor created_at, $6 successor expires_at, $7 and $8 the refresh's
// user agent and address.
constexpr const char* kRotateCurrent =
    "WITH locked AS (SELECT id FROM sessions WHERE id = "
    "(SELECT session_id FROM refresh_tokens WHERE token_hash = $1) "
    "AND revoked_at IS NULL AND expires_at > $2 FOR UPDATE), "
    "rotated AS (UPDATE refresh_tokens t SET rotated_at = $2 FROM locked "
    "WHERE t.session_id = locked.id AND t.token_hash = $1 AND t.rotated_at IS NULL "
    "AND t.expires_at > $2 RETURNING t.id, t.session_id, t.user_id), "
    "successor AS (INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS
    ") SELECT $3, session_id, user_id, $4, id, $5, $6, NULL FROM rotated), "
    "upd AS (UPDATE sessions SET refreshed_at = $2, expires_at = $6, refreshed_user_agent = $7, "
    "refreshed_ip = $8 FROM rotated "
    "WHERE sessions.id = rotated.session_id RETURNING sessions.*) "
    "SELECT " GH_SESSION_COLUMNS_OF("s.") ", rotated.id, " GH_USER_COLUMNS_OF("u.") ", " GH_PG_USER_ROLES("u")
    " FROM upd s JOIN rotated ON rotated.session_id = s.id LEFT JOIN users u ON u.id = s.user_id";

// A sign-in in ONE statement (no BEGIN/COMMIT, one round trip): the session
// ($1..$13, BindSession), its first token ($14..$21, BindToken) and the user's
// last_sign_in_at (the session's created_at, $3). The token's foreign key is
// checked at the end of the statement, when the session row is there.
constexpr const char* kCreateSession =
    "WITH s AS (INSERT INTO sessions (" GH_SESSION_COLUMNS_OF(
        "") ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)), "
            "t AS (INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS
    ") VALUES ($14, $15, $16, $17, $18, $19, $20, $21)) "
    "UPDATE users SET last_sign_in_at = $3 WHERE id = $2";

std::optional<core::SessionRecord> FindSession(Connection& conn, const char* sql,
                                               std::string_view key) {
  PgResult r = conn.Run(sql, Params().Add(key));
  if (r.rows() == 0) return std::nullopt;
  return ReadRecord(r, 0, codec::ReadSession);
}

std::optional<core::RefreshTokenRecord> FindToken(Connection& conn, const char* sql,
                                                  std::string_view key) {
  PgResult r = conn.Run(sql, Params().Add(key));
  if (r.rows() == 0) return std::nullopt;
  return ReadRecord(r, 0, codec::ReadToken);
}

// The rotation's reads and writes inside Rotate's transaction. Holding the
// session's row lock (Load), nothing else can change the chain until commit,
// in this process or any other.
class Steps final : public RotationSteps {
 public:
  explicit Steps(Connection& conn) : conn_(conn) {}

  std::optional<Presented> Load(std::string_view token_hash) override {
    std::optional<core::SessionRecord> session =
        FindSession(conn_, kLockSessionByTokenHash, token_hash);
    if (!session) return std::nullopt;
    std::optional<core::RefreshTokenRecord> token = FindToken(conn_, kLockTokenByHash, token_hash);
    if (!token) return std::nullopt;  // cannot happen: tokens are deleted with their locked session
    return Presented{std::move(*session), std::move(*token)};
  }

  std::optional<core::RefreshTokenRecord> FindSuccessor(std::string_view token_id) override {
    return FindToken(conn_, kSelectTokenByParent, token_id);
  }

  void Rotate(const core::RefreshTokenRecord& presented, const core::RefreshTokenRecord& successor,
              core::UnixMillis now, const core::ClientInfo& client) override {
    conn_.Run(kRotate, Params()
                           .Add(now)
                           .Add(presented.id)
                           .Add(successor.id)
                           .Add(successor.session_id)
                           .Add(successor.user_id)
                           .Add(successor.token_hash)
                           .Add(successor.created_at)
                           .Add(successor.expires_at)
                           .Add(client.user_agent)
                           .Add(client.ip));
  }

  void RevokeForReuse(std::string_view session_id, core::UnixMillis now) override {
    conn_.Run(kRevokeSession, Params().Add(now).Add(kReuseDetectedReason).Add(session_id));
  }

 private:
  Connection& conn_;
};

}  // namespace

Result<void> PgSessions::Create(const core::SessionRecord& s,
                                const core::RefreshTokenRecord& first_token) {
  core::RefreshTokenRecord token = first_token;
  token.session_id = s.id;
  token.user_id = s.user_id;
  Params params = BoundParams(codec::BindSession, s);
  ParamsSink rest(params);
  codec::BindToken(rest, token);
  return db_.Single("sessions.create", [&](Connection& conn) -> Result<void> {
    conn.Run(kCreateSession, params);
    return core::Ok();
  });
}

Result<RotateResult> PgSessions::Rotate(const RotateRequest& request) {
  auto fast = db_.Single("sessions.rotate", [&](Connection& conn) -> Result<RotateResult> {
    RotateResult out;
    PgResult r = conn.Run(kRotateCurrent, Params()
                                              .Add(request.presented_hash)
                                              .Add(request.now)
                                              .Add(request.successor.id)
                                              .Add(request.successor.token_hash)
                                              .Add(request.successor.created_at)
                                              .Add(request.successor.expires_at)
                                              .Add(request.client.user_agent)
                                              .Add(request.client.ip));
    if (r.rows() == 0) return out;  // not a current token of a live session
    ResultRow row(r, 0);
    out.status = RotateStatus::kRotated;
    out.session = codec::ReadSession(row);
    const int parent_column = row.column();
    out.current = ChainSuccessor(request.successor, out.session.id, out.session.user_id,
                                 r.Text(0, parent_column));
    if (!r.IsNull(0, parent_column + 1)) out.user = ReadUserColumns(r, 0, parent_column + 1);
    return out;
  });
  if (!fast || fast->status == RotateStatus::kRotated) return fast;
  // Grace, reuse, expiry, revocation or an unknown token: the locked path
  // reads the chain and tells them apart.
  return db_.Transaction("sessions.rotate", [&](Connection& conn) -> Result<RotateResult> {
    Steps steps(conn);
    return RotateChain(steps, request);
  });
}

Result<std::optional<core::SessionRecord>> PgSessions::Find(std::string_view session_id) {
  return db_.Single("sessions.find",
                    [&](Connection& conn) -> Result<std::optional<core::SessionRecord>> {
                      return FindSession(conn, kSelectSession, session_id);
                    });
}

Result<std::optional<core::SessionRecord>> PgSessions::FindByTokenHash(std::string_view hash) {
  return db_.Single("sessions.find_by_token",
                    [&](Connection& conn) -> Result<std::optional<core::SessionRecord>> {
                      return FindSession(conn, kSelectSessionByTokenHash, hash);
                    });
}

Result<bool> PgSessions::Elevate(std::string_view session_id, std::string_view aal,
                                 std::string_view amr, const core::RefreshTokenRecord& fresh_token,
                                 core::UnixMillis now) {
  // The session row is updated (so locked) first, the order rotation uses.
  return db_.Transaction("sessions.elevate", [&](Connection& conn) -> Result<bool> {
    if (conn.Run(kElevateSession, Params().Add(aal).Add(amr).Add(session_id).Add(now)).affected() !=
        1)
      return false;
    conn.Run(kInsertStepUpToken, Params()
                                     .Add(fresh_token.id)
                                     .Add(fresh_token.token_hash)
                                     .Add(fresh_token.created_at)
                                     .Add(fresh_token.expires_at)
                                     .Add(session_id));
    conn.Run(kRetireSessionTokens, Params().Add(now).Add(session_id).Add(fresh_token.id));
    conn.Run(kExtendSession, Params().Add(now).Add(fresh_token.expires_at).Add(session_id));
    return true;
  });
}

Result<void> PgSessions::Revoke(std::string_view session_id, std::string_view reason,
                                core::UnixMillis now) {
  return db_.Single("sessions.revoke", [&](Connection& conn) -> Result<void> {
    conn.Run(kRevokeSession, Params().Add(now).Add(reason).Add(session_id));
    return core::Ok();
  });
}

Result<int> PgSessions::RevokeAllForUser(std::string_view user_id, std::string_view reason,
                                         core::UnixMillis now, std::string_view keep_session_id) {
  return db_.Single("sessions.revoke_all", [&](Connection& conn) -> Result<int> {
    return conn
        .Run(kRevokeAllForUser, Params().Add(now).Add(reason).Add(user_id).Add(keep_session_id))
        .affected();
  });
}

Result<std::vector<core::SessionRecord>> PgSessions::ListForUser(std::string_view user_id,
                                                                 core::UnixMillis now) {
  return db_.Single("sessions.list",
                    [&](Connection& conn) -> Result<std::vector<core::SessionRecord>> {
                      PgResult r = conn.Run(kSelectLiveSessions, Params().Add(user_id).Add(now));
                      std::vector<core::SessionRecord> sessions;
                      for (int i = 0; i < r.rows(); ++i) {
                        sessions.push_back(ReadRecord(r, i, codec::ReadSession));
                      }
                      return sessions;
                    });
}

Result<int> PgSessions::Purge(core::UnixMillis before) {
  return db_.Single("sessions.purge", [&](Connection& conn) -> Result<int> {
    return conn.Run(kPurgeSessions, Params().Add(before)).affected();
  });
}

}  // namespace gh::store::postgres
