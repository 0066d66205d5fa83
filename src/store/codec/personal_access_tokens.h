// The personal_access_tokens row (a user's long-lived tokens for scripts and
// tools, stored as SHA-256 only) and the sessions each token started, said
// once for both stores: the columns, the statements and the codec.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"

#define GH_PAT_COLUMNS "id, user_id, token_hash, metadata, created_at, expires_at, last_used_at"

namespace gh::store::codec {

inline constexpr char kInsertPat[] =
    "INSERT INTO personal_access_tokens (" GH_PAT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr char kSelectPatByHash[] =
    "SELECT " GH_PAT_COLUMNS " FROM personal_access_tokens WHERE token_hash = ?1";
inline constexpr char kSelectPatsByUser[] = "SELECT " GH_PAT_COLUMNS
                                            " FROM personal_access_tokens WHERE user_id = ?1 "
                                            "ORDER BY created_at, id";
// ?1 now, ?2 token id, ?3 user id: ends the live sessions the owner's token
// started (run before kDeletePat, whose cascade forgets them).
inline constexpr char kRevokePatSessions[] =
    "UPDATE sessions SET revoked_at = ?1, revoked_reason = 'pat-revoked' "
    "WHERE revoked_at IS NULL AND id IN (SELECT l.session_id FROM "
    "personal_access_token_sessions l JOIN personal_access_tokens t ON t.id = l.pat_id "
    "WHERE t.id = ?2 AND t.user_id = ?3)";
// ?1 id, ?2 user id: only the owner's token goes.
inline constexpr char kDeletePat[] =
    "DELETE FROM personal_access_tokens WHERE id = ?1 AND user_id = ?2";
// ?1 now, ?2 id; matches nothing once the token is revoked.
inline constexpr char kMarkPatUsed[] =
    "UPDATE personal_access_tokens SET last_used_at = ?1 WHERE id = ?2";
// ?1 token id, ?2 session id.
inline constexpr char kLinkPatSession[] =
    "INSERT INTO personal_access_token_sessions (pat_id, session_id) VALUES (?1, ?2)";
inline constexpr char kPurgePats[] = "DELETE FROM personal_access_tokens WHERE expires_at < ?1";

// Binds every column in the order of GH_PAT_COLUMNS.
void BindPat(ParamSink& sink, const core::PersonalAccessToken& pat);
core::PersonalAccessToken ReadPat(RowReader& row);

}  // namespace gh::store::codec
