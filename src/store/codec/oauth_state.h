// The oauth_requests and oauth_grants rows (OAuth sign-ins in flight and
// one-time grant codes), said once for both stores: columns, statements and
// codecs. Both are taken with DELETE ... RETURNING, so a replayed state or
// code finds nothing.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "store/codec/codec.h"
#include "store/store.h"

#define GH_REQUEST_COLUMNS                                                              \
  "state_hash, provider, code_verifier, nonce, redirect_to, options, connect_user_id, " \
  "created_at, expires_at"
#define GH_GRANT_COLUMNS                                                        \
  "code_hash, user_id, amr, provider, created_at, expires_at, code_challenge, " \
  "code_challenge_method"

namespace gh::store::codec {

inline constexpr char kInsertOAuthRequest[] = "INSERT INTO oauth_requests (" GH_REQUEST_COLUMNS
                                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr char kTakeOAuthRequest[] =
    "DELETE FROM oauth_requests WHERE state_hash = ?1 RETURNING " GH_REQUEST_COLUMNS;
inline constexpr char kInsertOAuthGrant[] =
    "INSERT INTO oauth_grants (" GH_GRANT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr char kTakeOAuthGrant[] =
    "DELETE FROM oauth_grants WHERE code_hash = ?1 RETURNING " GH_GRANT_COLUMNS;
inline constexpr char kPurgeOAuthRequests[] = "DELETE FROM oauth_requests WHERE expires_at < ?1";
inline constexpr char kPurgeOAuthGrants[] = "DELETE FROM oauth_grants WHERE expires_at < ?1";

void BindOAuthRequest(ParamSink& sink, const OAuthRequest& request);
OAuthRequest ReadOAuthRequest(RowReader& row);
void BindOAuthGrant(ParamSink& sink, const OAuthGrant& grant);
OAuthGrant ReadOAuthGrant(RowReader& row);

}  // namespace gh::store::codec
