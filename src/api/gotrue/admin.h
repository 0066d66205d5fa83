// The GoTrue admin API's caller check and routes (admin.cc). Separate from
// endpoints.h so the admin group's declarations stay in one place.
#pragma once

#include <functional>
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

// A handler that runs `run` once RequireAdmin lets the request through.
http::Handler AdminOnly(const Deps& deps, std::function<http::Response(const http::Request&)> run);

// A page query parameter `name`: digits only (at most nine), `fallback` when
// absent. False when it is something else.
bool PageParam(const http::Request& request, const char* name, int64_t fallback, int64_t* out);

// Adds /admin/users, /admin/users/{id}, its factors and sign-out under `prefix`
// (nothing when deps.admin is null).
void RegisterAdminRoutes(http::Router& router, const Deps& deps, const http::RouteClasses& classes,
                         const std::string& prefix);
// admin_activity.cc (our extensions, for the console): a user's sessions as
// devices (list, revoke one) and the audit log (filtered, keyset pages).
void RegisterAdminActivityRoutes(http::Router& router, const Deps& deps,
                                 const http::RouteOptions& reads, const std::string& prefix);
// admin_console.cc (our extensions, for the console): the effective settings,
// secrets masked, and the last minutes' activity figures.
void RegisterAdminConsoleRoutes(http::Router& router, const Deps& deps,
                                const http::RouteOptions& reads, const std::string& prefix);

}  // namespace gh::api::gotrue
