// api::console: the operators' web console (GET /console/), a page and its
// script and style, embedded in the binary (assets.h). It is plain static
// files: the page's script calls the GoTrue admin API (<gotrue_mount>/admin)
// with the admin secret the operator types in, sent as x-hasura-admin-secret
// from sessionStorage; nothing here reads a credential or knows a user.
//
// Served only when admin_secret is set and the GoTrue dialect is mounted (the
// composition root decides); every answer carries a strict
// Content-Security-Policy (no inline script, nothing from another origin),
// X-Frame-Options DENY and nosniff; the page itself is never cached.
//
// Registration is done once before serving; the handlers are then read-only
// and safe from any thread.
#pragma once

#include <string>

#include "http/server.h"

namespace gh::api::console {

inline constexpr const char* kConsoleMount = "/console";

// The Content-Security-Policy every console answer carries.
inline constexpr const char* kConsoleCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// Adds GET /console (redirected to /console/), /console/, /console/console.js
// and /console/console.css. `admin_api` is the path of the admin API the page
// calls ("/auth/v1/admin"), written into the page.
void RegisterRoutes(http::Router& router, const std::string& admin_api,
                    const http::RouteOptions& options);

}  // namespace gh::api::console
