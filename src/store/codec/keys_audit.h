// The signing_keys and audit_log rows, said once for both stores: columns,
// statements and codecs.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"

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

void BindSigningKey(ParamSink& sink, const core::SigningKeyRecord& key);
core::SigningKeyRecord ReadSigningKey(RowReader& row);
void BindAuditEvent(ParamSink& sink, const core::AuditEvent& event);
core::AuditEvent ReadAuditEvent(RowReader& row);

}  // namespace gh::store::codec
