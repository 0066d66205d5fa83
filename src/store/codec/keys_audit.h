// The signing_keys and audit_log rows, said once for both stores: columns,
// statements and codecs.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"
#include "store/store.h"

#define GH_KEY_COLUMNS "kid, algorithm, private_pem, public_pem, created_at, retired_at"
// Without the generated id, which only orders events of the same millisecond.
#define GH_AUDIT_COLUMNS "at, type, user_id, ip, user_agent, data"

namespace gh::store::codec {

inline constexpr char kSelectKeys[] =
    "SELECT " GH_KEY_COLUMNS " FROM signing_keys ORDER BY created_at DESC, kid DESC";
inline constexpr char kInsertKey[] =
    "INSERT INTO signing_keys (" GH_KEY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
// Keeps the first retirement time: retiring twice must not extend a key's
// life. ?1 at, ?2 kid.
inline constexpr char kRetireKey[] =
    "UPDATE signing_keys SET retired_at = ?1 WHERE kid = ?2 AND retired_at IS NULL";
inline constexpr char kDeleteRetiredKey[] =
    "DELETE FROM signing_keys WHERE kid = ?1 AND retired_at IS NOT NULL";

inline constexpr char kInsertAuditEvent[] =
    "INSERT INTO audit_log (" GH_AUDIT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
// ?1 user id, ?2 limit.
inline constexpr char kSelectAuditForUser[] =
    "SELECT " GH_AUDIT_COLUMNS
    " FROM audit_log WHERE user_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2";

// ?1 user id or "", ?2 type or "", ?3 since, ?4 until (0 = none), ?5 before
// id (0 = none), ?6 limit. Ordered by the id, which the primary key indexes.
inline constexpr char kSelectAuditPage[] =
    "SELECT id, " GH_AUDIT_COLUMNS
    " FROM audit_log WHERE (CAST(?1 AS TEXT) = '' OR user_id = ?1)"
    " AND (CAST(?2 AS TEXT) = '' OR type = ?2) AND at >= CAST(?3 AS BIGINT)"
    " AND (CAST(?4 AS BIGINT) = 0 OR at < ?4) AND (CAST(?5 AS BIGINT) = 0 OR id < ?5)"
    " ORDER BY id DESC LIMIT ?6";

void BindSigningKey(ParamSink& sink, const core::SigningKeyRecord& key);
core::SigningKeyRecord ReadSigningKey(RowReader& row);
void BindAuditEvent(ParamSink& sink, const core::AuditEvent& event);
core::AuditEvent ReadAuditEvent(RowReader& row);
// The row of kSelectAuditPage: the id, then the event.
ListedAuditEvent ReadListedAuditEvent(RowReader& row);

}  // namespace gh::store::codec
