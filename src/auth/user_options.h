// Checks and defaults for what a caller may choose about a new user (roles,
// locale, display name, metadata, redirect target). Shared by every sign-up path
// (password, passwordless, anonymous, OAuth). Pure functions over the
// settings each flow carries in its options (NewUserPolicy, RedirectRules).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/types.h"

namespace gh::auth {

// Where a browser may be sent back to: client_url and the allowed_redirect_urls
// rules. Defaults are the settings' defaults.
struct RedirectRules {
  std::string client_url = "http://localhost:3000";
  std::vector<std::string> allowed_redirect_urls;
  bool operator==(const RedirectRules&) const = default;
};

// What a new user gets and may choose (the roles and locale settings), and
// where its sign-up may redirect. Defaults are the settings' defaults.
struct NewUserPolicy {
  std::string default_role = "user";
  std::vector<std::string> allowed_roles = {"user", "me"};
  std::string default_locale = "en";
  std::vector<std::string> allowed_locales = {"en"};
  RedirectRules redirects;
  bool operator==(const NewUserPolicy&) const = default;
};

// The sign-up options of the native spec, parsed but not yet checked.
struct SignUpOptions {
  std::optional<std::string> display_name;
  std::optional<std::string> locale;
  std::optional<std::string> default_role;
  std::optional<std::vector<std::string>> allowed_roles;
  std::optional<std::string> metadata_json;  // a JSON object, as text
  std::optional<std::string> redirect_to;
};

// Fills display name, locale, roles and metadata of `user` from `options` and the
// policy's defaults. Errors: role-not-allowed, default-role-must-be-in-allowed-roles,
// locale-not-allowed, redirectTo-not-allowed, invalid-request (display name).
core::Result<void> ApplySignUpOptions(const NewUserPolicy& policy, const SignUpOptions& options,
                                      core::User& user);

// True when `url` may be redirected to: it parses as one plain host (see
// net::ParseUrl: anything a browser could read as another host is refused) and
// matches client_url or an allowed_redirect_urls entry (net::UrlPattern: same
// scheme, host and port, `*` covering one host label, the path at or below the
// rule's).
bool IsRedirectAllowed(const RedirectRules& rules, const std::string& url);

// Turns an anonymous user into a real one: the anonymous role goes, the roles a
// fresh sign-up gets come. Used when deanonymizing completes (at once, or when
// the mailed verification or magic link is followed). `method` ("email" or
// "phone", auth/app_metadata.h) takes the place of "anonymous" among the
// user's providers.
void PromoteAnonymous(const NewUserPolicy& policy, core::User& user, std::string_view method);

// A new user's skeleton: fresh id, times, defaults from the policy.
core::User NewUser(const NewUserPolicy& policy, core::UnixMillis now);

}  // namespace gh::auth
