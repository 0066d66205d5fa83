// The webauthn_credentials row (one passkey of a user), said once for both
// stores: its columns, its statements and its codec.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"

#define GH_PASSKEY_COLUMNS                                                             \
  "id, user_id, credential_id, public_key, sign_count, aaguid, transports, nickname, " \
  "backup_eligible, backed_up, created_at, last_used_at"

namespace gh::store::codec {

// A credential id taken already inserts nothing and returns no row.
inline constexpr char kInsertPasskey[] =
    "INSERT INTO webauthn_credentials (" GH_PASSKEY_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (credential_id) DO NOTHING RETURNING id";
inline constexpr char kSelectPasskeyByCredentialId[] =
    "SELECT " GH_PASSKEY_COLUMNS " FROM webauthn_credentials WHERE credential_id = ?1";
inline constexpr char kSelectPasskeysByUser[] = "SELECT " GH_PASSKEY_COLUMNS
                                                " FROM webauthn_credentials WHERE user_id = ?1 "
                                                "ORDER BY created_at, id";
// ?1 new sign count, ?2 backed up, ?3 now, ?4 id, ?5 the sign count read.
inline constexpr char kRecordPasskeyUse[] =
    "UPDATE webauthn_credentials SET sign_count = ?1, backed_up = ?2, last_used_at = ?3 "
    "WHERE id = ?4 AND sign_count = ?5 RETURNING id";
inline constexpr char kDeletePasskey[] =
    "DELETE FROM webauthn_credentials WHERE user_id = ?1 AND id = ?2 RETURNING id";

// Binds every column in the order of GH_PASSKEY_COLUMNS.
void BindPasskey(ParamSink& sink, const core::WebauthnCredential& credential);
core::WebauthnCredential ReadPasskey(RowReader& row);

}  // namespace gh::store::codec
