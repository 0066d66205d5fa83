// What the two starts of a provider round trip share (external.cc's
// /authorize and identities.cc's /user/identities/authorize): reading the
// start's query, answering its errors, and the redirect with the binding
// cookie. Plain functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/gotrue/gotrue.h"

namespace gh::api::gotrue {

// provider, redirect_to, scopes (space or comma separated), code_challenge,
// code_challenge_method and the pass-through parameters of the query.
core::Result<auth::OAuthStart> ParseOAuthStart(const Deps& deps, const http::Request& request);

// A start the flow refused, as GoTrue answers it: an unknown or switched-off
// provider is 400 validation_failed ("Unsupported provider ...").
http::Response StartFailed(const http::Request& request, const core::Error& error,
                           std::string_view provider);

// The 302 to the provider; sets the binding cookie (start.binding) for the
// mount, which is request.path without `route_suffix` ("/authorize").
http::Response StartRedirect(const Deps& deps, const http::Request& request,
                             std::string_view route_suffix, const auth::OAuthStart& start,
                             std::string url);

}  // namespace gh::api::gotrue
