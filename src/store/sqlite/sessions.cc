// SqliteSessions: sessions and their refresh-token chains, including rotation
// (the hottest write path of the server). The rows and statements are the
// codec's (codec/sessions.h), the rotation rule is store/rotation.h; this file
// supplies the steps under SQLite's serialised writers.

#include "store/codec/sessions.h"
#include "store/codec/users.h"
#include "store/rotation.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

constexpr const char* kMarkRotated = "UPDATE refresh_tokens SET rotated_at = ?1 WHERE id = ?2";
// A rotation also records the client of the refresh (the device list shows it).
constexpr const char* kRotateSession =
    "UPDATE sessions SET refreshed_at = ?1, expires_at = ?2, refreshed_user_agent = ?4, "
    "refreshed_ip = ?5 WHERE id = ?3";

std::optional<core::SessionRecord> FindSession(Connection& conn, const char* sql,
                                               std::string_view key) {
  Stmt st = conn.Prepare(sql);
  if (!st.Bind(1, key).Step()) return std::nullopt;
  return ReadRecord(st, codec::ReadSession);
}

std::optional<core::RefreshTokenRecord> FindToken(Connection& conn, const char* sql,
                                                  std::string_view key) {
  Stmt st = conn.Prepare(sql);
  if (!st.Bind(1, key).Step()) return std::nullopt;
  return ReadRecord(st, codec::ReadToken);
}

void InsertToken(Connection& conn, const core::RefreshTokenRecord& t) {
  Stmt st = conn.Prepare(codec::kInsertToken);
  BindRecord(st, codec::BindToken, t).Run();
}

// The rotation's reads and writes inside Rotate's write transaction. Writers
// are serialised (Db::Write), so nothing interleaves between Load and the
// writes: Load needs no locks of its own.
class Steps final : public RotationSteps {
 public:
  explicit Steps(Connection& conn) : conn_(conn) {}

  std::optional<Presented> Load(std::string_view token_hash) override {
    std::optional<core::RefreshTokenRecord> token =
        FindToken(conn_, codec::kSelectTokenByHash, token_hash);
    if (!token) return std::nullopt;
    std::optional<core::SessionRecord> session =
        FindSession(conn_, codec::kSelectSession, token->session_id);
    if (!session) return std::nullopt;  // cannot happen: tokens are deleted with their session
    return Presented{std::move(*session), std::move(*token)};
  }

  std::optional<core::RefreshTokenRecord> FindSuccessor(std::string_view token_id) override {
    return FindToken(conn_, codec::kSelectTokenByParent, token_id);
  }

  void Rotate(const core::RefreshTokenRecord& presented, const core::RefreshTokenRecord& successor,
              core::UnixMillis now, const core::ClientInfo& client) override {
    conn_.Prepare(kMarkRotated).Bind(1, now).Bind(2, presented.id).Run();
    InsertToken(conn_, successor);
    conn_.Prepare(kRotateSession)
        .Bind(1, now)
        .Bind(2, successor.expires_at)
        .Bind(3, successor.session_id)
        .Bind(4, client.user_agent)
        .Bind(5, client.ip)
        .Run();
  }

  void RevokeForReuse(std::string_view session_id, core::UnixMillis now) override {
    conn_.Prepare(codec::kRevokeSession)
        .Bind(1, now)
        .Bind(2, kReuseDetectedReason)
        .Bind(3, session_id)
        .Run();
  }

 private:
  Connection& conn_;
};

}  // namespace

Result<void> SqliteSessions::Create(const core::SessionRecord& s,
                                    const core::RefreshTokenRecord& first_token) {
  return db_.Write("sessions.create", [&](Connection& conn) -> Result<void> {
    {
      Stmt st = conn.Prepare(codec::kInsertSession);
      BindRecord(st, codec::BindSession, s).Run();
    }
    core::RefreshTokenRecord token = first_token;
    token.session_id = s.id;
    token.user_id = s.user_id;
    InsertToken(conn, token);
    // In the same write transaction: a sign-in costs no extra commit.
    conn.Prepare(codec::kMarkSignedIn).Bind(1, s.created_at).Bind(2, s.user_id).Run();
    return core::Ok();
  });
}

Result<RotateResult> SqliteSessions::Rotate(const RotateRequest& request) {
  return db_.Write("sessions.rotate", [&](Connection& conn) -> Result<RotateResult> {
    Steps steps(conn);
    return RotateChain(steps, request);
  });
}

Result<std::optional<core::SessionRecord>> SqliteSessions::Find(std::string_view session_id) {
  return db_.Read("sessions.find",
                  [&](Connection& conn) -> Result<std::optional<core::SessionRecord>> {
                    return FindSession(conn, codec::kSelectSession, session_id);
                  });
}

Result<std::optional<core::SessionRecord>> SqliteSessions::FindByTokenHash(std::string_view hash) {
  return db_.Read("sessions.find_by_token",
                  [&](Connection& conn) -> Result<std::optional<core::SessionRecord>> {
                    return FindSession(conn, codec::kSelectSessionByTokenHash, hash);
                  });
}

Result<bool> SqliteSessions::Elevate(std::string_view session_id, std::string_view aal,
                                     std::string_view amr,
                                     const core::RefreshTokenRecord& fresh_token,
                                     core::UnixMillis now) {
  return db_.Write("sessions.elevate", [&](Connection& conn) -> Result<bool> {
    if (conn.Prepare(codec::kElevateSession)
            .Bind(1, aal)
            .Bind(2, amr)
            .Bind(3, session_id)
            .Bind(4, now)
            .Run() != 1)
      return false;
    conn.Prepare(codec::kInsertStepUpToken)
        .Bind(1, fresh_token.id)
        .Bind(2, fresh_token.token_hash)
        .Bind(3, fresh_token.created_at)
        .Bind(4, fresh_token.expires_at)
        .Bind(5, session_id)
        .Run();
    conn.Prepare(codec::kRetireSessionTokens)
        .Bind(1, now)
        .Bind(2, session_id)
        .Bind(3, fresh_token.id)
        .Run();
    conn.Prepare(codec::kExtendSession)
        .Bind(1, now)
        .Bind(2, fresh_token.expires_at)
        .Bind(3, session_id)
        .Run();
    return true;
  });
}

Result<void> SqliteSessions::Revoke(std::string_view session_id, std::string_view reason,
                                    core::UnixMillis now) {
  return db_.Write("sessions.revoke", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kRevokeSession).Bind(1, now).Bind(2, reason).Bind(3, session_id).Run();
    return core::Ok();
  });
}

Result<int> SqliteSessions::RevokeAllForUser(std::string_view user_id, std::string_view reason,
                                             core::UnixMillis now,
                                             std::string_view keep_session_id) {
  return db_.Write("sessions.revoke_all", [&](Connection& conn) -> Result<int> {
    return conn.Prepare(codec::kRevokeAllForUser)
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
                    Stmt st = conn.Prepare(codec::kSelectLiveSessions);
                    st.Bind(1, user_id).Bind(2, now);
                    while (st.Step()) sessions.push_back(ReadRecord(st, codec::ReadSession));
                    return sessions;
                  });
}

Result<int> SqliteSessions::Purge(core::UnixMillis before) {
  return db_.Write("sessions.purge", [&](Connection& conn) -> Result<int> {
    return conn.Prepare(codec::kPurgeSessions).Bind(1, before).Run();
  });
}

}  // namespace gh::store::sqlite
