// The GoTrue dialect's error table: for each core::errc code, the HTTP status,
// the GoTrue error_code and, where GoTrue words it in a way apps match on, its
// message ("Invalid login credentials"), and the body GoTrue shapes:
// {code: <status>, error_code, msg}, or {code: <error_code>, message} when the
// request carries X-Supabase-Api-Version (2024-01-01 or later), which every
// supabase-js call does. The code also goes out as the x-sb-error-code header.
//
// Every code of core/error.h has a row in errors.cc (tests/unit/api/
// gotrue_errors_test.cc checks it). A handler that knows better what GoTrue
// would say for one route (email_exists on an email change, say) renders a
// Problem of its own through Render.
//
// Plain functions over constant data: safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "http/message.h"

namespace gh::api::gotrue {

// One GoTrue error before it is rendered.
struct Problem {
  int status = 400;
  std::string error_code = "";  // GoTrue's, e.g. "invalid_credentials"
  std::string message = "";
  int retry_after_seconds = 0;
  // weak_password.reasons ("length", "characters", "pwned"); empty = none.
  std::string weak_password_reason = "";
};

// GoTrue's status, error_code and message for `error`; the flow's message is
// kept where GoTrue's table gives none.
Problem Translate(const core::Error& error);

// Translate, naming which sign-in method is switched off: GoTrue answers a
// disabled-endpoint with the method's own code (email_provider_disabled,
// anonymous_provider_disabled, ...) where the shared table can only say
// provider_disabled. `message` replaces the flow's when not empty.
Problem TranslateDisabled(const core::Error& error, std::string_view code,
                          std::string_view message = {});

// The body and headers of `problem` in the shape `request` asks for.
http::Response Render(const http::Request& request, const Problem& problem);

// GoTrue's OAuth-style error body, {error, error_description} (RFC 6749 5.2's
// shape, no error_code), which it answers for ID tokens that do not verify.
http::Response RenderOAuthError(int status, std::string_view error, std::string_view description);

// Translate then Render.
http::Response ErrorResponse(const http::Request& request, const core::Error& error);

// ErrorResponse as an http::ErrorRenderer, for the errors the server raises
// itself on paths under the GoTrue mount.
http::Response RenderError(const http::Request& request, const core::Error& error);

// True when a table row exists for `code` (for the coverage test).
bool HasRow(std::string_view code);

}  // namespace gh::api::gotrue
