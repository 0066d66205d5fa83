// JSON shapes of the GoTrue dialect (openapi/gotrue.yaml), shared by its
// endpoint files: the user, its identities and factors, the session, and the
// small helpers every handler uses.
#pragma once

#include <string_view>

#include "api/common/json_body.h"
#include "api/common/request_lanes.h"
#include "auth/account.h"
#include "auth/sessions.h"
#include "core/types.h"
#include "http/message.h"

namespace gh::api::gotrue {

// The role GoTrue gives signed-in users (GOTRUE_JWT_DEFAULT_GROUP_NAME's default)
// in the user object and the token's `role` claim.
inline constexpr std::string_view kUserRole = "authenticated";

// GoTrue's User: `aud` is the token audience. Times GoTrue leaves out when unset
// are left out; email and phone are "" without one.
Json UserJson(const auth::UserProfile& profile, std::string_view aud);
// GoTrue's Identity (provider identities, and the email / phone identity
// GoTrue keeps for a user who signs in by address, derived here from the
// user's parsed `app_metadata`, whose providers say so).
Json IdentitiesJson(const auth::UserProfile& profile, const Json& app_metadata);
// GoTrue's Factor.
Json FactorJson(const core::MfaFactor& factor);
// GoTrue's Session: {access_token, token_type, expires_in, expires_at,
// refresh_token, user}.
Json SessionJson(const auth::SessionGrant& grant, const auth::UserProfile& profile,
                 std::string_view aud);

// GoTrue's times: RFC 3339 in UTC.
Json TimeJson(core::UnixMillis t);

http::Response Ok(const Json& body);

}  // namespace gh::api::gotrue
