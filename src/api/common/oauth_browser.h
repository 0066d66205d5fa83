// What both dialects do alike around a browser's OAuth round trip: the cookie
// that binds a sign-in's state to the browser that started it, the
// provider-specific parameters an app may pass through to the provider, and
// redirects that must not leak what they carry.
//
// Plain functions over the request and the config; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "http/message.h"

namespace gh::api {

// The cookie binding a sign-in's state to the browser that started it (RFC
// 6749 10.12: a callback URL with someone else's code and state, planted in a
// victim's browser, must not sign the victim in as that someone). One value
// per browser, reused by every start within its lifetime, so two tabs signing
// in at once both work. Never readable by scripts. Over HTTPS it is
// SameSite=None (Apple's callback is a cross-site form POST, which Lax cookies
// do not ride along on) and Secure; over plain HTTP (development) Lax, which
// same-site identity providers still receive.
inline constexpr std::string_view kOAuthBindingCookie = "gh_oauth_binding";

// The binding a start uses: the browser's own when it sent a well-formed one,
// a fresh one otherwise; empty when oauth_state_cookie is off.
std::string StartBinding(const config::Config& config, const http::Request& request);
// What a callback request shows of its browser's binding ("" when off or none).
std::string CallbackBinding(const config::Config& config, const http::Request& request);
// The Set-Cookie value for `binding`, scoped to `path` (the routes of the
// start and of the callback lie below it).
std::string BindingCookie(const config::Config& config, std::string_view path,
                          const std::string& binding);

// The provider-specific query parameters of `request` an app may pass through
// to the authorization URL (prompt, login_hint, hd, access_type, ...). The rest
// (state, redirect_uri, scope, PKCE, nonce) is ours to set.
std::vector<std::pair<std::string, std::string>> PassThroughParams(const http::Request& request);

// A redirect whose URL carries a state, a token or a grant: never cached,
// never sent on in a Referer.
http::Response NoStoreRedirect(std::string location, int status);

}  // namespace gh::api
