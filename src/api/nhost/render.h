// JSON shapes of the native dialect, shared by its endpoint files.
#pragma once

#include "api/common/json_body.h"
#include "api/common/request_lanes.h"
#include "auth/password.h"
#include "auth/sessions.h"
#include "core/types.h"
#include "http/message.h"

namespace gh::api::nhost {

// The spec's User: fields without a value are left out (the spec allows null
// only for activeMfaType).
Json UserJson(const core::User& user);
// The spec's Session.
Json SessionJson(const auth::SessionGrant& grant);
// {session, mfa} for sign-in and sign-up responses.
Json SignInJson(const auth::SignInOutcome& outcome);

// The spec's SignUpOptions under "options" (absent = all defaults). Unknown
// members are refused, as the spec's additionalProperties: false says.
core::Result<auth::SignUpOptions> ParseSignUpOptions(const Json& body);

// Refuses unknown top-level members of a request body.
core::Result<void> OnlyMembers(const Json& body, std::initializer_list<std::string_view> allowed);

http::Response Ok(const Json& body);
// The JSON string "OK" that OKResponse endpoints return.
http::Response OkString();

// The client's IP and user agent (api/common/request_lanes.h).
using api::ClientOf;

}  // namespace gh::api::nhost
