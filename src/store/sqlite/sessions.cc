// SqliteSessions: sessions and their refresh-token chains, including rotation
// with reuse detection (the hottest write path of the server).

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

// Macros keep each query one string literal (statements are cached by address).
#define GH_SESSION_COLUMNS                                                                   \
  "s.id, s.user_id, s.created_at, s.refreshed_at, s.expires_at, s.user_agent, s.ip, s.aal, " \
  "s.amr, s.revoked_at, s.revoked_reason"
#define GH_TOKEN_COLUMNS \
  "id, session_id, user_id, token_hash, parent_id, created_at, expires_at, rotated_at"

constexpr const char* kSelectSession =
    "SELECT " GH_SESSION_COLUMNS " FROM sessions s WHERE s.id = ?";
constexpr const char* kSelectSessionByTokenHash =
    "SELECT " GH_SESSION_COLUMNS
    " FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?";
constexpr const char* kSelectLiveSessions =
    "SELECT " GH_SESSION_COLUMNS
    " FROM sessions s WHERE s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > ? "
    "ORDER BY s.created_at DESC, s.id DESC";
constexpr const char* kInsertSession =
    "INSERT INTO sessions (id, user_id, created_at, refreshed_at, expires_at, user_agent, ip, "
    "aal, amr, revoked_at, revoked_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kSelectTokenByHash =
    "SELECT " GH_TOKEN_COLUMNS " FROM refresh_tokens WHERE token_hash = ?";
// A token has at most one successor: only an unrotated token gets one.
constexpr const char* kSelectTokenByParent =
    "SELECT " GH_TOKEN_COLUMNS " FROM refresh_tokens WHERE parent_id = ?";
constexpr const char* kInsertToken =
    "INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

#undef GH_SESSION_COLUMNS
#undef GH_TOKEN_COLUMNS

constexpr const char* kReuseDetected = "reuse-detected";

core::SessionRecord ReadSession(const Stmt& st) {
  core::SessionRecord s;
  s.id = st.Text(0);
  s.user_id = st.Text(1);
  s.created_at = st.Int(2);
  s.refreshed_at = st.Int(3);
  s.expires_at = st.Int(4);
  s.user_agent = st.Text(5);
  s.ip = st.Text(6);
  s.aal = st.Text(7);
  s.amr = st.Text(8);
  s.revoked_at = st.OptInt(9);
  s.revoked_reason = st.Text(10);
  return s;
}

core::RefreshTokenRecord ReadToken(const Stmt& st) {
  core::RefreshTokenRecord t;
  t.id = st.Text(0);
  t.session_id = st.Text(1);
  t.user_id = st.Text(2);
  t.token_hash = st.Text(3);
  t.parent_id = st.OptText(4);
  t.created_at = st.Int(5);
  t.expires_at = st.Int(6);
  t.rotated_at = st.OptInt(7);
  return t;
}

std::optional<core::SessionRecord> FindSession(Connection& conn, const char* sql,
                                               std::string_view key) {
  Stmt st = conn.Prepare(sql);
  if (!st.Bind(1, key).Step()) return std::nullopt;
  return ReadSession(st);
}

std::optional<core::RefreshTokenRecord> FindToken(Connection& conn, const char* sql,
                                                  std::string_view key) {
  Stmt st = conn.Prepare(sql);
  if (!st.Bind(1, key).Step()) return std::nullopt;
  return ReadToken(st);
}

void InsertToken(Connection& conn, const core::RefreshTokenRecord& t) {
  conn.Prepare(kInsertToken)
      .Bind(1, t.id)
      .Bind(2, t.session_id)
      .Bind(3, t.user_id)
      .Bind(4, t.token_hash)
      .Bind(5, t.parent_id)
      .Bind(6, t.created_at)
      .Bind(7, t.expires_at)
      .Bind(8, t.rotated_at)
      .Run();
}

void RevokeForReuse(Connection& conn, core::SessionRecord& session, core::UnixMillis now) {
  conn.Prepare("UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ?")
      .Bind(1, now)
      .Bind(2, kReuseDetected)
      .Bind(3, session.id)
      .Run();
  session.revoked_at = now;
  session.revoked_reason = kReuseDetected;
}

// The body of Rotate, inside its write transaction. Writers are serialised, so
// the read-check-write below cannot interleave with another rotation.
RotateResult RotateLocked(Connection& conn, const RotateRequest& req) {
  RotateResult out;
  std::optional<core::RefreshTokenRecord> token =
      FindToken(conn, kSelectTokenByHash, req.presented_hash);
  if (!token) return out;  // kNotFound
  std::optional<core::SessionRecord> session = FindSession(conn, kSelectSession, token->session_id);
  if (!session) return out;  // cannot happen: tokens are deleted with their session
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
    conn.Prepare("UPDATE refresh_tokens SET rotated_at = ? WHERE id = ?")
        .Bind(1, req.now)
        .Bind(2, token->id)
        .Run();
    InsertToken(conn, successor);
    conn.Prepare("UPDATE sessions SET refreshed_at = ?, expires_at = ? WHERE id = ?")
        .Bind(1, req.now)
        .Bind(2, successor.expires_at)
        .Bind(3, session->id)
        .Run();
    out.session.refreshed_at = req.now;
    out.session.expires_at = successor.expires_at;
    out.current = std::move(successor);
    out.status = RotateStatus::kRotated;
    return out;
  }

  // Already rotated. A client that lost the response (or raced itself across
  // tabs) may present the same token again shortly after; hand it the same
  // successor instead of logging it out, as long as the chain has not moved on.
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

Result<void> SqliteSessions::Create(const core::SessionRecord& s,
                                    const core::RefreshTokenRecord& first_token) {
  return db_.Write("sessions.create", [&](Connection& conn) -> Result<void> {
    conn.Prepare(kInsertSession)
        .Bind(1, s.id)
        .Bind(2, s.user_id)
        .Bind(3, s.created_at)
        .Bind(4, s.refreshed_at)
        .Bind(5, s.expires_at)
        .Bind(6, s.user_agent)
        .Bind(7, s.ip)
        .Bind(8, s.aal)
        .Bind(9, s.amr)
        .Bind(10, s.revoked_at)
        .Bind(11, s.revoked_reason)
        .Run();
    core::RefreshTokenRecord token = first_token;
    token.session_id = s.id;
    token.user_id = s.user_id;
    InsertToken(conn, token);
    return core::Ok();
  });
}

Result<RotateResult> SqliteSessions::Rotate(const RotateRequest& request) {
  return db_.Write("sessions.rotate", [&](Connection& conn) -> Result<RotateResult> {
    return RotateLocked(conn, request);
  });
}

Result<std::optional<core::SessionRecord>> SqliteSessions::Find(std::string_view session_id) {
  return db_.Read("sessions.find",
                  [&](Connection& conn) -> Result<std::optional<core::SessionRecord>> {
                    return FindSession(conn, kSelectSession, session_id);
                  });
}

Result<std::optional<core::SessionRecord>> SqliteSessions::FindByTokenHash(std::string_view hash) {
  return db_.Read("sessions.find_by_token",
                  [&](Connection& conn) -> Result<std::optional<core::SessionRecord>> {
                    return FindSession(conn, kSelectSessionByTokenHash, hash);
                  });
}

Result<void> SqliteSessions::Revoke(std::string_view session_id, std::string_view reason,
                                    core::UnixMillis now) {
  return db_.Write("sessions.revoke", [&](Connection& conn) -> Result<void> {
    conn.Prepare(
            "UPDATE sessions SET revoked_at = ?, revoked_reason = ? "
            "WHERE id = ? AND revoked_at IS NULL")
        .Bind(1, now)
        .Bind(2, reason)
        .Bind(3, session_id)
        .Run();
    return core::Ok();
  });
}

Result<int> SqliteSessions::RevokeAllForUser(std::string_view user_id, std::string_view reason,
                                             core::UnixMillis now,
                                             std::string_view keep_session_id) {
  return db_.Write("sessions.revoke_all", [&](Connection& conn) -> Result<int> {
    // An empty keep_session_id matches no session (ids are never empty).
    return conn
        .Prepare(
            "UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2 "
            "WHERE user_id = ?3 AND revoked_at IS NULL AND expires_at > ?1 AND id <> ?4")
        .Bind(1, now)
        .Bind(2, reason)
        .Bind(3, user_id)
        .Bind(4, keep_session_id)
        .Run();
  });
}

Result<std::vector<core::SessionRecord>> SqliteSessions::ListForUser(std::string_view user_id,
                                                                     core::UnixMillis now) {
  return db_.Read("sessions.list",
                  [&](Connection& conn) -> Result<std::vector<core::SessionRecord>> {
                    std::vector<core::SessionRecord> sessions;
                    Stmt st = conn.Prepare(kSelectLiveSessions);
                    st.Bind(1, user_id).Bind(2, now);
                    while (st.Step()) sessions.push_back(ReadSession(st));
                    return sessions;
                  });
}

Result<int> SqliteSessions::Purge(core::UnixMillis before) {
  // Refresh tokens go with their session (ON DELETE CASCADE).
  return db_.Write("sessions.purge", [&](Connection& conn) -> Result<int> {
    return conn.Prepare("DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1")
        .Bind(1, before)
        .Run();
  });
}

}  // namespace gh::store::sqlite
