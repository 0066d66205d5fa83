// The identities row (a sign-in identity at an OAuth / OIDC provider), said
// once for both stores: its columns, its statements and its codec.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"

#define GH_IDENTITY_COLUMNS                                                        \
  "id, user_id, provider, provider_user_id, email, data, created_at, updated_at, " \
  "access_token_encrypted, refresh_token_encrypted"

namespace gh::store::codec {

inline constexpr char kInsertIdentity[] = "INSERT INTO identities (" GH_IDENTITY_COLUMNS
                                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
inline constexpr char kSelectIdentityByProvider[] =
    "SELECT " GH_IDENTITY_COLUMNS " FROM identities WHERE provider = ?1 AND provider_user_id = ?2";
inline constexpr char kSelectIdentitiesByUser[] =
    "SELECT " GH_IDENTITY_COLUMNS " FROM identities WHERE user_id = ?1 ORDER BY created_at, id";
inline constexpr char kDeleteIdentity[] = "DELETE FROM identities WHERE id = ?1";
// ?1 user id, ?2 provider.
inline constexpr char kDeleteIdentitiesForUser[] =
    "DELETE FROM identities WHERE user_id = ?1 AND provider = ?2";
// What a sign-in refreshes; ?1 .. ?5 are BindIdentityUpdate's, ?6 the id.
inline constexpr char kUpdateIdentity[] =
    "UPDATE identities SET email = ?1, data = ?2, updated_at = ?3, "
    "access_token_encrypted = ?4, refresh_token_encrypted = ?5 WHERE id = ?6";

void BindIdentity(ParamSink& sink, const core::Identity& identity);
// The parameters of kUpdateIdentity, the id last.
void BindIdentityUpdate(ParamSink& sink, const core::Identity& identity);
core::Identity ReadIdentity(RowReader& row);

}  // namespace gh::store::codec
