// The sessions and refresh_tokens rows, said once for both stores: their
// columns in order, the statements both stores run alike, and how a
// core::SessionRecord / core::RefreshTokenRecord binds and reads back. What is
// particular to one store (SQLite's rotation statements, PostgreSQL's row locks
// and one-statement refresh) stays in that store's sessions.cc; the rotation
// decision itself is store/rotation.h.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"

// `t` qualifies each column ("" for none, "s." for a join). The order is the
// one BindSession binds and ReadSession reads.
#define GH_SESSION_COLUMNS_OF(t)                                                                  \
  t "id, " t "user_id, " t "created_at, " t "refreshed_at, " t "expires_at, " t "user_agent, " t  \
    "ip, " t "aal, " t "amr, " t "revoked_at, " t "revoked_reason, " t "refreshed_user_agent, " t \
    "refreshed_ip"
#define GH_TOKEN_COLUMNS \
  "id, session_id, user_id, token_hash, parent_id, created_at, expires_at, rotated_at"

namespace gh::store::codec {

inline constexpr int kSessionColumnCount = 13;  // GH_SESSION_COLUMNS_OF

inline constexpr char kInsertSession[] = "INSERT INTO sessions (" GH_SESSION_COLUMNS_OF(
    "") ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
inline constexpr char kSelectSession[] =
    "SELECT " GH_SESSION_COLUMNS_OF("s.") " FROM sessions s WHERE s.id = ?1";
inline constexpr char kSelectSessionByTokenHash[] =
    "SELECT " GH_SESSION_COLUMNS_OF(
        "s.") " FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id "
              "WHERE t.token_hash = ?1";
// ?1 user id, ?2 now.
inline constexpr char kSelectLiveSessions[] =
    "SELECT " GH_SESSION_COLUMNS_OF(
        "s.") " FROM sessions s WHERE s.user_id = ?1 AND s.revoked_at IS NULL "
              "AND s.expires_at > ?2 ORDER BY s.created_at DESC, s.id DESC";
// ?1 now, ?2 reason, ?3 session id; a no-op on a session already revoked.
inline constexpr char kRevokeSession[] =
    "UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2 "
    "WHERE id = ?3 AND revoked_at IS NULL";
// ?1 now, ?2 reason, ?3 user id, ?4 the session to keep (an empty id matches
// no session: ids are never empty).
inline constexpr char kRevokeAllForUser[] =
    "UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2 "
    "WHERE user_id = ?3 AND revoked_at IS NULL AND expires_at > ?1 AND id <> ?4";
// ?1 aal, ?2 amr, ?3 session id, ?4 now: a step-up of a live session only.
inline constexpr char kElevateSession[] =
    "UPDATE sessions SET aal = ?1, amr = ?2 "
    "WHERE id = ?3 AND revoked_at IS NULL AND expires_at > ?4";
// A step-up's new refresh token (after kElevateSession, in its transaction):
// ?1 id, ?2 token hash, ?3 created_at, ?4 expires_at, ?5 session id. Its
// parent is the token that was current, so that the old token presented again
// is judged as a rotated one.
inline constexpr char kInsertStepUpToken[] =
    "INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS
    ") SELECT ?1, s.id, s.user_id, ?2, (SELECT t.id FROM refresh_tokens t "
    "WHERE t.session_id = s.id AND t.rotated_at IS NULL ORDER BY t.created_at DESC LIMIT 1), "
    "?3, ?4, NULL FROM sessions s WHERE s.id = ?5";
// ?1 now, ?2 session id, ?3 the new token's id: every other current token of
// the session counts as rotated.
inline constexpr char kRetireSessionTokens[] =
    "UPDATE refresh_tokens SET rotated_at = ?1 "
    "WHERE session_id = ?2 AND rotated_at IS NULL AND id <> ?3";
// ?1 now, ?2 new expiry, ?3 session id.
inline constexpr char kExtendSession[] =
    "UPDATE sessions SET refreshed_at = ?1, expires_at = ?2 WHERE id = ?3";
// Refresh tokens go with their session (ON DELETE CASCADE).
inline constexpr char kPurgeSessions[] =
    "DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1";

inline constexpr char kInsertToken[] =
    "INSERT INTO refresh_tokens (" GH_TOKEN_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr char kSelectTokenByHash[] =
    "SELECT " GH_TOKEN_COLUMNS " FROM refresh_tokens WHERE token_hash = ?1";
// A token has at most one successor: only an unrotated token gets one.
inline constexpr char kSelectTokenByParent[] =
    "SELECT " GH_TOKEN_COLUMNS " FROM refresh_tokens WHERE parent_id = ?1";

void BindSession(ParamSink& sink, const core::SessionRecord& session);
core::SessionRecord ReadSession(RowReader& row);
void BindToken(ParamSink& sink, const core::RefreshTokenRecord& token);
core::RefreshTokenRecord ReadToken(RowReader& row);

}  // namespace gh::store::codec
