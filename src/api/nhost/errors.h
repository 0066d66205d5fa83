// The native dialect's error table: which HTTP status each core::errc code
// answers with under /v1, and the {status, error, message} body.
//
// The statuses follow hasura-auth, Nhost's own server, code by code, so that
// apps, proxies and monitoring built on Nhost see what they expect; where we
// differ, docs/api.md ("Errors") says why. Every code of core/error.h has a row
// in errors.cc.
//
// Plain functions over constant data: safe from any thread.
#pragma once

#include <string_view>

#include "core/error.h"
#include "http/message.h"

namespace gh::api::nhost {

// The HTTP status of `code` in the native dialect; 400 for a code without a
// row (a request refused for its content).
int StatusFor(std::string_view code);

// The native error body {status, error, message} with that status, and
// Retry-After when the error carries one.
http::Response ErrorResponse(const core::Error& error);

// ErrorResponse as an http::ErrorRenderer, for the errors the server raises
// itself on paths under the native mount (and on paths under no mount).
http::Response RenderError(const http::Request& request, const core::Error& error);

// True when `code` has a row of its own (for the coverage test).
bool HasRow(std::string_view code);

}  // namespace gh::api::nhost
