// The GoTrue admin API's caller check and routes (admin.cc). Separate from
// endpoints.h so the admin group's declarations stay in one place.
#pragma once

#include <optional>
#include <string>

#include "api/gotrue/gotrue.h"

namespace gh::api::gotrue {

// Nullopt when the request may use the admin API: x-hasura-admin-secret equal
// to the admin_secret setting (when set), or a service_role API key as Bearer
// (or apikey). Otherwise GoTrue's answer: 401 no_authorization without any
// credential, 403 not_admin ("User not allowed") for a valid non-admin key,
// user token or wrong secret, 403 bad_jwt for a token no key signed.
std::optional<http::Response> RequireAdmin(const Deps& deps, const http::Request& request);

// Adds /admin/users, /admin/users/{id}, its factors and sign-out under `prefix`
// (nothing when deps.admin is null).
void RegisterAdminRoutes(http::Router& router, const Deps& deps, const http::RouteClasses& classes,
                         const std::string& prefix);

}  // namespace gh::api::gotrue
