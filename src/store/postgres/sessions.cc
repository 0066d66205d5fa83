// PgSessions: sessions and their refresh-token chains, including rotation with
// reuse detection (the hottest write path of the server). The statuses and
// their meaning are exactly those of the SQLite store (sqlite/sessions.cc).

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/user_columns.h"

namespace gh::store::postgres {

namespace {

// Macros keep each query one string literal (statements are prepared per
// connection and found by the literal's address).
#define GH_SESSION_COLUMNS                                                                   \
  "s.id, s.user_id, s.created_at, s.refreshed_at, s.expires_at, s.user_agent, s.ip, s.aal, " \
  "s.amr, s.revoked_at, s.revoked_reason"
#define GH_TOKEN_COLUMNS \
  "id, session_id, user_id, token_hash, parent_id, created_at, expires_at, rotated_at"

constexpr const char* kSelectSession =
    "SELECT " GH_SESSION_COLUMNS " FROM sessions s WHERE s.id = $1";
constexpr const char* kSelectSessionByTokenHash =
    "SELECT " GH_SESSION_COLUMNS
    " FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1";
constexpr const char* kSelectLiveSessions =
    "SELECT " GH_SESSION_COLUMNS
    " FROM sessions s WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 "
    "ORDER BY s.created_at DESC, s.id DESC";
constexpr const char* kInsertSession =
    "INSERT INTO sessions (id, user_id, created_at, refreshed_at, expires_at, user_agent, ip, "
    "aal, amr, revoked_at, revoked_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
constexpr const char* kInsertToken =
    "INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

// Rotation, step 1: lock the session the presented token belongs to. Every
// change to a chain (rotation, revocation, purge, user deletion) locks or
// deletes the session row first, so this one lock orders all of them, and
// taking the session before the token matches the order cascading deletes use.
constexpr const char* kLockSessionByTokenHash =
    "SELECT " GH_SESSION_COLUMNS
    " FROM sessions s WHERE s.id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1) "
    "FOR UPDATE";
// Step 2: the token itself, read after the session lock was granted. Under READ
// COMMITTED this statement takes a fresh snapshot, so a caller that waited for
// a concurrent rotation sees that rotation's rotated_at and successor.
constexpr const char* kLockTokenByHash =
    "SELECT " GH_TOKEN_COLUMNS " FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE";
// A token has at most one successor: only an unrotated token gets one.
constexpr const char* kSelectTokenByParent =
    "SELECT " GH_TOKEN_COLUMNS " FROM refresh_tokens WHERE parent_id = $1";
// Step 3 for a current token: mark it rotated, insert its successor and extend
// the session, in one round trip.
constexpr const char* kRotate =
    "WITH rotated AS (UPDATE refresh_tokens SET rotated_at = $1 WHERE id = $2), "
    "successor AS (INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS
    ") VALUES ($3, $4, $5, $6, $2, $7, $8, NULL)) "
    "UPDATE sessions SET refreshed_at = $1, expires_at = $8 WHERE id = $4";

// The common case of a refresh, a current token of a live session, in ONE
// statement (no BEGIN/COMMIT): lock the session, mark the token rotated,
// insert its successor, extend the session, and read the session and its user.
// Lock order matches the locked path below (session first, then token): the
// token row is updated only once the join with the locked session yields it.
// Under READ COMMITTED a concurrent rotation of the same token makes the
// token's `rotated_at IS NULL` re-check fail after the wait, and a concurrent
// revocation makes the session's re-check fail: either way no row comes back
// and the caller takes the locked path, which tells grace, reuse and
// revocation apart. $1 presented hash, $2 now, $3 successor id, $4 successor
// hash, $5 successor created_at, $6 successor expires_at.
constexpr const char* kRotateCurrent =
    "WITH locked AS (SELECT id FROM sessions WHERE id = "
    "(SELECT session_id FROM refresh_tokens WHERE token_hash = $1) "
    "AND revoked_at IS NULL AND expires_at > $2 FOR UPDATE), "
    "rotated AS (UPDATE refresh_tokens t SET rotated_at = $2 FROM locked "
    "WHERE t.session_id = locked.id AND t.token_hash = $1 AND t.rotated_at IS NULL "
    "AND t.expires_at > $2 RETURNING t.id, t.session_id, t.user_id), "
    "successor AS (INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS
    ") SELECT $3, session_id, user_id, $4, id, $5, $6, NULL FROM rotated), "
    "upd AS (UPDATE sessions SET refreshed_at = $2, expires_at = $6 FROM rotated "
    "WHERE sessions.id = rotated.session_id RETURNING sessions.*) "
    "SELECT " GH_SESSION_COLUMNS ", rotated.id, " GH_PG_USER_COLUMNS_OF("u") ", " GH_PG_USER_ROLES("u")
    " FROM upd s JOIN rotated ON rotated.session_id = s.id LEFT JOIN users u ON u.id = s.user_id";

#undef GH_SESSION_COLUMNS
#undef GH_TOKEN_COLUMNS

constexpr const char* kReuseDetected = "reuse-detected";

core::SessionRecord ReadSession(const PgResult& r, int row) {
  core::SessionRecord s;
  s.id = r.Text(row, 0);
  s.user_id = r.Text(row, 1);
  s.created_at = r.Int(row, 2);
  s.refreshed_at = r.Int(row, 3);
  s.expires_at = r.Int(row, 4);
  s.user_agent = r.Text(row, 5);
  s.ip = r.Text(row, 6);
  s.aal = r.Text(row, 7);
  s.amr = r.Text(row, 8);
  s.revoked_at = r.OptInt(row, 9);
  s.revoked_reason = r.Text(row, 10);
  return s;
}

core::RefreshTokenRecord ReadToken(const PgResult& r, int row) {
  core::RefreshTokenRecord t;
  t.id = r.Text(row, 0);
  t.session_id = r.Text(row, 1);
  t.user_id = r.Text(row, 2);
  t.token_hash = r.Text(row, 3);
  t.parent_id = r.OptText(row, 4);
  t.created_at = r.Int(row, 5);
  t.expires_at = r.Int(row, 6);
  t.rotated_at = r.OptInt(row, 7);
  return t;
}

std::optional<core::SessionRecord> FindSession(Connection& conn, const char* sql,
                                               std::string_view key) {
  PgResult r = conn.Run(sql, Params().Add(key));
  if (r.rows() == 0) return std::nullopt;
  return ReadSession(r, 0);
}

std::optional<core::RefreshTokenRecord> FindToken(Connection& conn, const char* sql,
                                                  std::string_view key) {
  PgResult r = conn.Run(sql, Params().Add(key));
  if (r.rows() == 0) return std::nullopt;
  return ReadToken(r, 0);
}

void InsertToken(Connection& conn, const core::RefreshTokenRecord& t) {
  conn.Run(kInsertToken, Params()
                             .Add(t.id)
                             .Add(t.session_id)
                             .Add(t.user_id)
                             .Add(t.token_hash)
                             .Add(t.parent_id)
                             .Add(t.created_at)
                             .Add(t.expires_at)
                             .Add(t.rotated_at));
}

void RevokeForReuse(Connection& conn, core::SessionRecord& session, core::UnixMillis now) {
  conn.Run("UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3",
           Params().Add(now).Add(kReuseDetected).Add(session.id));
  session.revoked_at = now;
  session.revoked_reason = kReuseDetected;
}

// The body of Rotate, inside its transaction. Holding the session's row lock,
// the read-check-write below cannot interleave with another rotation of the
// same chain, in this process or any other.
RotateResult RotateLocked(Connection& conn, const RotateRequest& req) {
  RotateResult out;
  std::optional<core::SessionRecord> session =
      FindSession(conn, kLockSessionByTokenHash, req.presented_hash);
  if (!session) return out;  // kNotFound
  std::optional<core::RefreshTokenRecord> token =
      FindToken(conn, kLockTokenByHash, req.presented_hash);
  if (!token) return out;  // cannot happen: tokens are deleted with their locked session
  out.session = *session;

  if (session->revoked_at) {
    out.status = RotateStatus::kRevoked;
    return out;
  }
  if (session->expires_at <= req.now || token->expires_at <= req.now) {
    out.status = RotateStatus::kExpired;
    return out;
  }

  if (!token->rotated_at) {
    core::RefreshTokenRecord successor = req.successor;
    successor.session_id = token->session_id;
    successor.user_id = token->user_id;
    successor.parent_id = token->id;
    successor.rotated_at.reset();
    conn.Run(kRotate, Params()
                          .Add(req.now)
                          .Add(token->id)
                          .Add(successor.id)
                          .Add(successor.session_id)
                          .Add(successor.user_id)
                          .Add(successor.token_hash)
                          .Add(successor.created_at)
                          .Add(successor.expires_at));
    out.session.refreshed_at = req.now;
    out.session.expires_at = successor.expires_at;
    out.current = std::move(successor);
    out.status = RotateStatus::kRotated;
    return out;
  }

  // Already rotated. A client that lost the response (or raced itself across
  // tabs or instances) may present the same token again shortly after; hand it
  // the same successor instead of logging it out, as long as the chain has not
  // moved on.
  if (req.now - *token->rotated_at <= req.grace_millis) {
    std::optional<core::RefreshTokenRecord> child =
        FindToken(conn, kSelectTokenByParent, token->id);
    if (child && !child->rotated_at) {
      out.current = std::move(*child);
      out.status = RotateStatus::kGraceSuccessor;
      return out;
    }
  }
  RevokeForReuse(conn, out.session, req.now);
  out.status = RotateStatus::kReuseDetected;
  return out;
}

}  // namespace

Result<void> PgSessions::Create(const core::SessionRecord& s,
                                const core::RefreshTokenRecord& first_token) {
  return db_.Transaction("sessions.create", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsertSession, Params()
                                 .Add(s.id)
                                 .Add(s.user_id)
                                 .Add(s.created_at)
                                 .Add(s.refreshed_at)
                                 .Add(s.expires_at)
                                 .Add(s.user_agent)
                                 .Add(s.ip)
                                 .Add(s.aal)
                                 .Add(s.amr)
                                 .Add(s.revoked_at)
                                 .Add(s.revoked_reason));
    core::RefreshTokenRecord token = first_token;
    token.session_id = s.id;
    token.user_id = s.user_id;
    InsertToken(conn, token);
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
                                              .Add(request.successor.expires_at));
    if (r.rows() == 0) return out;  // not a current token of a live session
    out.status = RotateStatus::kRotated;
    out.session = ReadSession(r, 0);
    constexpr int kParentColumn = 11;  // after the session's columns
    out.current = request.successor;
    out.current.session_id = out.session.id;
    out.current.user_id = out.session.user_id;
    out.current.parent_id = r.Text(0, kParentColumn);
    out.current.rotated_at.reset();
    if (!r.IsNull(0, kParentColumn + 1)) out.user = ReadUserColumns(r, 0, kParentColumn + 1);
    return out;
  });
  if (!fast || fast->status == RotateStatus::kRotated) return fast;
  // Grace, reuse, expiry, revocation or an unknown token: the locked path
  // reads the chain and tells them apart.
  return db_.Transaction("sessions.rotate", [&](Connection& conn) -> Result<RotateResult> {
    return RotateLocked(conn, request);
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

Result<void> PgSessions::Revoke(std::string_view session_id, std::string_view reason,
                                core::UnixMillis now) {
  return db_.Single("sessions.revoke", [&](Connection& conn) -> Result<void> {
    conn.Run(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 "
        "WHERE id = $3 AND revoked_at IS NULL",
        Params().Add(now).Add(reason).Add(session_id));
    return core::Ok();
  });
}

Result<int> PgSessions::RevokeAllForUser(std::string_view user_id, std::string_view reason,
                                         core::UnixMillis now, std::string_view keep_session_id) {
  return db_.Single("sessions.revoke_all", [&](Connection& conn) -> Result<int> {
    // An empty keep_session_id matches no session (ids are never empty).
    return conn
        .Run(
            "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 "
            "WHERE user_id = $3 AND revoked_at IS NULL AND expires_at > $1 AND id <> $4",
            Params().Add(now).Add(reason).Add(user_id).Add(keep_session_id))
        .affected();
  });
}

Result<std::vector<core::SessionRecord>> PgSessions::ListForUser(std::string_view user_id,
                                                                 core::UnixMillis now) {
  return db_.Single("sessions.list",
                    [&](Connection& conn) -> Result<std::vector<core::SessionRecord>> {
                      PgResult r = conn.Run(kSelectLiveSessions, Params().Add(user_id).Add(now));
                      std::vector<core::SessionRecord> sessions;
                      for (int i = 0; i < r.rows(); ++i) sessions.push_back(ReadSession(r, i));
                      return sessions;
                    });
}

Result<int> PgSessions::Purge(core::UnixMillis before) {
  // Refresh tokens go with their session (ON DELETE CASCADE).
  return db_.Single("sessions.purge", [&](Connection& conn) -> Result<int> {
    return conn
        .Run("DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1", Params().Add(before))
        .affected();
  });
}

}  // namespace gh::store::postgres
